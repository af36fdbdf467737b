//! What the inspect rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The inspect rules' words.
    Words {
        TheItemsDoNotMatchThe => "检查项目与清单不符，请刷新后重新检查", "The items do not match the checklist: reload and inspect again";
        SayWhatWasWrongWithThe => "安检有误，请写明问题", "Say what was wrong with the screening";
        AChecklistNeedsAtLeastOne => "清单至少要有一项", "A checklist needs at least one item";
        AtMost30Items => "清单最多30项", "At most 30 items";
        AtMost60CharactersAnItem => "每项最多60字", "At most 60 characters an item";
    }
}
