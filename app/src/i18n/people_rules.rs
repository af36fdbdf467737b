//! What the people rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The people rules' words.
    Words {
        Missing => "缺少", "Missing: ";
        Expired => "已过期", " expired";
        Expires => "将到期", " expires";
        ListedTwice => "重复", "listed twice";
        EnterTheCertificateNumberAtMost => "请填写证书编号（不超过40字）", "enter the certificate number (at most 40 characters)";
        ValidUntilMustBeADate => "有效期应为日期，如 2027-06-30", "valid until must be a date such as 2027-06-30";
    }
}
