//! What the checklist rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The checklist rules' words.
    Words {
        AtMost200Characters => "内容过长（最多200字）", "At most 200 characters";
        TheItemsDoNotMatchThe => "清单项目不符", "The items do not match the checklist";
        AtMost500Characters => "备注过长（最多500字）", "At most 500 characters";
    }
}
