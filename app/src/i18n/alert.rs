//! The words of alerts: the home's "now" panel and the administrators' rules and robots.

crate::i18n::catalogue! {
    /// Alerts' words.
    Text {
        NothingNow => "暂无待办事项", "Nothing needs you now";
        Acknowledge => "✓ 确认", "✓ Acknowledge";
        Acknowledged => "已确认", "Acknowledged";
        Ago => "前", " ago";
        Escalated => "已升级", "Escalated";
        OpenRequests => "待办需求", "Open requests";
        RoundsDue => "应巡查", "Rounds due";
        FireEntryDue => "消控室设备状态记录", "Fire-room status entry";
        DueBy => "应于 {} 前开始", "due to start by {}";
        NotReceived => "时段已过，尚未收到", "Its window has passed: none received";
        Answered => "已响应，待处理", "Acknowledged, to handle";
        LateBy => "已超时 ", "Late by ";
        LeftToRespond => "剩余 ", "Left to respond: ";
        DueAt => "应于 {} 记录", "due at {}";
        BoilerDue => "锅炉待办", "Boiler duties due";
        NotRecordedToday => "今日尚未记录", "Not recorded today";
        OnSite => "在院访客", "Visitors on site";
        Deposits => "未领取的暂存物品", "Deposits not collected";
        AlertRules => "告警规则", "Alert rules";
        Enabled => "启用", "On";
        Threshold => "阈值", "Threshold";
        Chain => "升级顺序（分钟:角色）", "Escalation (minutes:roles)";
        ChainHelp => "例：0:guard,team_leader; 5:supervisor", "e.g. 0:guard,team_leader; 5:supervisor";
        Save => "保存", "Save";
        Saved => "已保存", "Saved";
        Robots => "群机器人", "Group robots";
        RobotUrl => "Webhook 地址（保存后只显示末四位）", "Webhook address (shown back only by its last four characters)";
        CourtWide => "全院", "The whole court";
        AddRobot => "保存并发送测试消息", "Save and send a test message";
        TestArrived => "测试消息已送达", "The test message arrived";
        TestFailed => "已保存，但测试消息未送达：", "Saved, but the test message did not arrive: ";
        Remove => "移除", "Remove";
        Waiting => "待发送", "waiting";
        LastSent => "最近发送", "last sent";
        BadChain => "升级顺序格式不对：每级写 分钟:角色，用分号分隔", "The escalation is not written right: each stage as minutes:roles, separated by semicolons";
    }
}
