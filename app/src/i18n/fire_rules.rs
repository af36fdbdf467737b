//! What the fire rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The fire rules' words.
    Words {
        TooLong => "内容过长", "Too long";
        ChooseTheKindOfAlarm => "请选择报警类型", "Choose the kind of alarm";
        EnterWhereTheAlarmIs => "请填写报警部位", "Enter where the alarm is";
        EnterTheCause => "请填写报警原因", "Enter the cause";
        EnterHowItWasHandled => "请填写处理情况", "Enter how it was handled";
        NotEveryStepIsRecordedYet => "处置步骤尚未全部完成", "Not every step is recorded yet";
        EnterWhoRepairedIt => "请填写维修人员或单位", "Enter who repaired it";
        DescribeWhatIsNotNormal => "设备异常时须写明情况", "Describe what is not normal";
        ChooseTheOperatorsOnThisShift => "请选择本班值班人员", "Choose the operators on this shift";
        TheStartIsWithin12Hours => "开始时间应在当前时间前后12小时内", "The start is within 12 hours of now";
        TheEndIsAfterTheStart => "结束时间应晚于开始时间，且不超过24小时", "The end is after the start, within 24 hours";
        AShiftNeedsAtLeast2 => "每班至少2名值班人员", "A shift needs at least 2 operators";
        AShiftLastsAtMost8 => "每班不超过8小时", "A shift lasts at most 8 hours";
    }
}
