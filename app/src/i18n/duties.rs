//! The words of the duties pages.

crate::i18n::catalogue! {
    /// The duties pages' words.
    Text {
        Ok => "✓ 正常", "✓ OK";
        NotDoneWrong => "✗ 未完成/异常", "✗ Not done / wrong";
        WhatIsWrong => "情况说明", "What is wrong";
        DailyChecklists => "日常记录", "Daily checklists";
        ToCountersign => "待复核签字", "To countersign";
        Countersign => "复核签字", "Countersign";
        Note => "备注", "Note";
        Today => "今日已记", "Today";
        AllInOrder => "全部正常", "All in order";
        Countersigned => "已复核", "Countersigned";
        AwaitingCountersign => "待复核", "Awaiting countersign";
    }
}
