//! What the people rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The people rules' words.
    Words {
    Missing => "缺少", "Missing: ";
    Expired => "已过期", " expired";
    Expires => "将到期", " expires";
    }
}
