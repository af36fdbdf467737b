//! What the rounds rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The rounds rules' words.
    Words {
        ChooseTheCourtroom => "请选择法庭", "Choose the courtroom";
        TheCaseNumberIsTooLong => "案号过长", "The case number is too long";
        ChooseHowTheHearingWent => "请选择庭审秩序情况", "Choose how the hearing went";
        SayWhatHappenedAndWhatWas => "请写明发生的情况及处置", "Say what happened and what was done";
        TooLong => "内容过长", "Too long";
        ThisCheckpointIsNotOnThe => "该检查点不在本路线上", "This checkpoint is not on the route";
        SayWhyTheTagWasNot => "未扫码时须选择原因", "Say why the tag was not scanned";
        WriteWhyTheTagWasNot => "请写明未扫码的原因", "Write why the tag was not scanned";
        AtMost200Characters => "内容过长（最多200字）", "At most 200 characters";
        NameTheRoute40CharactersAt => "请填写路线名称（最多40字）", "Name the route (40 characters at most)";
        TheWindowStartsBeforeItEnds => "开始时间应早于最晚开始时间", "The window starts before it ends";
        ARouteHasAtLeastOne => "路线至少有一个检查点", "A route has at least one checkpoint";
        CheckpointsAreThisSiteSAreas => "检查点须为本场所的区域，且不重复", "Checkpoints are this site's areas, each once";
    }
}
