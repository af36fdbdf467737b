//! The words of the fire pages.

crate::i18n::catalogue! {
    /// The fire pages' words.
    Text {
        OnDuty => "本班：", "On duty: ";
        NoStatusEntryYet => "本班尚无设备运行记录", "No status entry yet";
        LateDueAt => "已超时：应于", "Late: due at";
        NextEntry => "下次记录：", "Next entry:";
        FireAlarm => "火警处置", "Fire alarm";
        Cause => "起火原因", "Cause";
        WhatWasDone => "处置情况", "What was done";
        CloseTheAlarm => "结束处置", "Close the alarm";
        OpenAlarms => "未结束报警", "Open alarms";
        OpenRepairs => "待维修", "open repairs";
        FireRoomDuty => "消防控制室值班", "Fire-room duty";
        ControllerCheckFirePatrolFacilityInspection => "控制器日检 · 防火巡查 · 设施检查", "Controller check · fire patrol · facility inspection";
        Shift => "值班班次", "Shift";
        StartAShift => "开始新班次", "Start a shift";
        OperatorsOnThisShiftAtLeast => "本班值班人员（每班至少2人，持消防设施操作员证）", "Operators on this shift (at least 2, each certified)";
        NoFireRoomOperatorsAtThis => "本点尚无消防值班人员（请管理员在人员中设置）", "No fire-room operators at this site yet (an administrator sets them under People)";
        H => "小时", " h";
        StartAnywayKnowingTheAbove => "知晓以上问题，仍然开始值班", "Start anyway, knowing the above";
        StartTheShiftNow => "现在开始值班", "Start the shift now";
        EquipmentStatusEvery2Hours => "设备运行情况（每2小时）", "Equipment status (every 2 hours)";
        WhatIsNotNormal => "异常情况", "What is not normal";
        AllNormal => "设备正常", "All normal";
        NotNormal => "有异常", "Not normal";
        Alarm => "报警记录", "Alarm";
        Where => "报警部位", "Where";
        Cause2 => "原因", "Cause";
        Handling => "处理情况", "Handling";
        FireStartHandling => "火警：开始处置", "Fire: start handling";
        OpenRepairs2 => "待维修故障", "Open repairs";
        Repaired => "已修复", "Repaired";
        RepairedBy => "维修人员或单位", "Repaired by";
        Handover => "交接班", "Handover";
        HandedOver => "交班：", "Handed over: ";
        TakeOverAndSign => "接班签字", "Take over and sign";
        HandedOverWaitingForTheNext => "已交班，等待接班人签字", "Handed over: waiting for the next operator to sign";
        NotesForTheNextShift => "交班事项", "Notes for the next shift";
        HandOver => "交班", "Hand over";
        LastHandover => "上次交接：", "Last handover: ";
        Signed => "已签字", "signed";
        RecentAlarms => "最近报警", "Recent alarms";
    }
}
