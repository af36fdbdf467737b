//! What the inspect rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The inspect rules' words.
    Words {
    TheItemsDoNotMatchThe => "检查项目与清单不符，请刷新后重新检查", "The items do not match the checklist: reload and inspect again";
    SayWhatWasWrongWithThe => "安检有误，请写明问题", "Say what was wrong with the screening";
    }
}
