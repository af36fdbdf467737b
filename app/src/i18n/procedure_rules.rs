//! What the procedure rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The procedure rules' words.
    Words {
        NoSuchStep => "没有这个步骤", "No such step";
        ThisStepIsRecordedAlready => "该步骤已记录", "This step is recorded already";
        ASkippedStepNeedsAReason => "跳过步骤须写明原因", "A skipped step needs a reason";
        TheTimeIsBeforeThePrevious => "时间早于上一步骤", "The time is before the previous step";
        SayWhatWasReported => "请写明报告内容（时间、地点、性质、影响）", "Say what was reported (time, place, nature, impact)";
    }
}
