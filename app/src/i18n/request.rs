//! The words of the requests page.

crate::i18n::catalogue! {
    /// The requests page's words.
    Text {
        CourtRequests => "法院需求", "Court requests";
        RequestsAndFeedback => "需求与反馈", "Requests and feedback";
        FileARequest => "向安保服务提出需求", "Ask the security service";
        LogARequest => "登记收到的需求", "Log a request received";
        Channel => "来源", "Came by";
        Urgency => "紧急程度", "Urgency";
        EmailClass => "邮件分类", "E-mail class";
        Subject => "需求内容", "What is asked";
        Detail => "详细说明（可不填）", "Details (optional)";
        FromWhom => "提出人或部门", "Who asked (person or department)";
        ReceivedAt => "收到时间（不填为现在）", "Came in at (empty: now)";
        Send => "提交", "Send";
        Log => "登记", "Log it";
        Sent => "已提交，安保服务将按时限响应", "Sent: the service answers within its limit";
        Open => "待办", "Open";
        Closed => "已办结", "Closed";
        Nothing => "暂无需求", "No requests";
        LeftToRespond => "剩余 ", "Left to respond: ";
        LateBy => "已超时 ", "Late by ";
        RespondedIn => "响应用时 ", "Answered in ";
        LateResponse => "（超时）", " (late)";
        RepliedIn => "邮件回复用时 ", "E-mail answered in ";
        ReplyLeft => "邮件回复剩余 ", "E-mail reply due in ";
        Acknowledge => "✓ 响应", "✓ Acknowledge";
        WhatWasDone => "处理情况", "What was done";
        OnSite => "派人到场处理", "Someone went on site";
        Handled => "记录处理", "Record handling";
        WhatTheCourtWasTold => "向法院反馈的内容", "What the court was told";
        ReportBack => "反馈法院", "Report back";
        Confirm => "✓ 确认办结", "✓ Confirm closed";
        ClosedUnconfirmed => "反馈后未确认，已自动办结", "Closed unconfirmed after the report back";
        By => "经办", "By";
        OnlineOnly => "需要联网才能提交", "Sending needs a connection";
        ReceivedLabel => "收到", "Came in";
        SuggestionBox => "意见箱", "Suggestion box";
        BoxLastOpened => "上次开箱 ", "Last opened ";
        BoxDue => "下次应于 ", "next due ";
        BoxNeverOpened => "尚无开箱记录", "Never opened yet";
        BoxOverdue => "（应开箱）", " (due now)";
        BoxItems => "箱内件数", "Items in the box";
        BoxContents => "内容摘要（需求请另行登记）", "What they said (log each request on its own)";
        BoxOpened => "记录开箱", "Record the opening";
        ToRectify => "转整改", "Open a rectification";
        Rectification => "已转整改", "Rectification opened";
    }
}
