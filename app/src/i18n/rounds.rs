//! The words of the rounds pages.

crate::i18n::catalogue! {
    /// The rounds pages' words.
    Text {
        NotDueToday => "今日无需", "Not due today";
        DueBy => "待巡查，截止", "Due by";
        Done => "已完成", "Done";
        DoneLate => "已完成（迟到）", "Done late";
        Missed => "未巡查", "Missed";
        NotATagOfThisRoute => "这不是本路线的检查点标签", "Not a tag of this route";
        TheCameraCannotBeOpenedChoose => "无法打开相机，请从列表选择", "The camera cannot be opened: choose from the list";
        RoundsToday => "今日已巡", "Rounds today:";
        Checkpoints => "个检查点", " checkpoints";
        Start => "开始巡查", "Start";
        Edit => "编辑", "Edit";
        Skipped => "漏检：", "Skipped: ";
        PatrolRounds => "巡逻巡查", "Patrol rounds";
        Routes => "巡查路线", "Routes";
        PrintCheckpointQrTags => "打印巡查点二维码", "Print checkpoint QR tags";
        RecentRounds => "最近巡查", "Recent rounds";
        ReportAsAHazard => "转为隐患上报", "Report as a hazard";
        ConfirmWithoutScan => "未扫码确认", "Confirm without scan";
        WhyNotScanned => "未扫码原因", "Why not scanned";
        Reason => "原因说明", "Reason";
        AnythingFoundLeaveEmptyIfNone => "发现问题（无则不填）", "Anything found (leave empty if none)";
        Started => "开始于", "started";
        ScanCheckpointTag => "扫描检查点二维码", "Scan checkpoint tag";
        Summary => "巡查小结", "Summary";
        /// `{}`: how many.
        CheckpointsLeft => "还有{}个检查点未确认", "{} checkpoints not confirmed";
        FinishRound => "结束巡查", "Finish round";
        TimesAreHhMmEG => "时间格式为 时:分，例如 17:00", "Times are HH:MM, e.g. 17:00";
        EditRoute => "编辑路线", "Edit route";
        Name => "名称", "Name";
        Days => "日期", "Days";
        From => "最早开始", "From";
        Until => "最晚开始", "Until";
        Checkpoints2 => "检查点", "Checkpoints";
    }
}
