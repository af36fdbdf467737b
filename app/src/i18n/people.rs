//! The words of the people pages.

crate::i18n::catalogue! {
    /// The people pages' words.
    Text {
        CertificatesNumberValidUntil => "资质证书（编号 · 有效期至）", "Certificates (number · valid until)";
        Number => "证书编号", "Number";
        Number2 => "编号", "number";
        ValidUntil => "有效期至", "valid until";
    }
}
