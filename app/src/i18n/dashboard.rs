//! The words of the dashboard pages.

crate::i18n::catalogue! {
    /// The dashboard pages' words.
    Text {
        ReChecked => "抽查复核 ", "Re-checked ";
        ScorecardLink => "考核评分", "Scorecard";
        SurveysLink => "满意度调查", "Satisfaction survey";
        Correct => "，正确 ", ", correct ";
        Target95 => "（目标≥95%）", " (target ≥ 95%)";
        HazardsAndRectifications => "隐患整改", "Hazards and rectifications";
        Reported => "当日上报 ", "Reported ";
        Open => "未销号 ", "Open ";
        ToReview => "待验收 ", "To review ";
        Closed => "当日销号 ", "Closed ";
        Overdue => "已逾期 ", "Overdue ";
        RecordsWithADoubtfulTime => "记录时间存疑 ", "Records with a doubtful time ";
        ThePhoneSClockWasOff => "（手机时间不准或被改动，已按服务器推算的时间记录）", " (the phone's clock was off or changed; placed at the server's estimate)";
        Done => "已完成", "done";
        Late => "迟到", "late";
        Missed => "未巡查", "missed";
        Due => "待巡查", "due";
        NotDue => "今日无需", "not due";
        WhenNeeded => "不定时", "when needed";
        UnderWay => "进行中", "under way";
        ConfirmedWithoutScan => "未扫码确认 ", "confirmed without scan: ";
        Skipped => "漏检：", "Skipped: ";
        StopSteps => "停炉步骤", "stop steps";
        Steps => "处置步骤", "steps";
        Skipped2 => "跳过", "skipped ";
        Open2 => "未结束", "open";
        ItemsWrong => "异常项 ", "items wrong: ";
        ToCountersign => "待复核 ", "to countersign: ";
        OnDutyNow => "值庭中", "on duty now";
        PatrolRounds => "巡逻巡查", "Patrol rounds";
        CourtroomDuty => "值庭", "Courtroom duty";
        Boiler => "锅炉", "Boiler";
        Readings => "运行记录", "Readings";
        Stops => "超限停炉", "stops";
        FireControlRoom => "消防控制室", "Fire control room";
        StatusEntries => "设备记录", "Status entries";
        Late2 => "迟记", "late";
        OverdueNow => "当前已超时", "overdue now";
        OpenRepairs => "待维修故障", "Open repairs";
        DailyChecklists => "日常记录", "Daily checklists";
        Countersign => "去复核签字", "Countersign";
        ResponseTime => "响应时间（本月）", "Response time (this month)";
        Requests => "需求 ", "Requests ";
        InTime => "按时响应 ", "answered in time ";
        Median => "中位 ", "Median ";
        Worst => "最长 ", "longest ";
        Breaches => "超时 ", "late ";
        Waiting => "计时中 ", "clock running ";
        EmailReplies => "邮件回复按时 ", "E-mails answered in time ";
        Closing => "办结用时中位 ", "Closed in, median ";
        EmergenciesMonth => "突发事件（本月）", "Emergencies (this month)";
        Opened => "发生 ", "Opened ";
        Drills => "其中演练 ", "drills ";
        UnderWay2 => "处置中 ", "under way ";
        ReportsLate => "事后报告逾期 ", "reports afterwards late ";
    }
}
