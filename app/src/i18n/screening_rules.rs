//! What the screening rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The screening rules' words.
    Words {
    CheckAtLeastOneDevice => "请至少检查一台设备", "Check at least one device";
    AFaultNeedsANoteOn => "设备异常须说明处理情况", "A fault needs a note on what was done";
    AtMost200Characters => "最多200字", "At most 200 characters";
    }
}
