//! The words of the emergency page.

crate::i18n::catalogue! {
    /// The emergency page's words.
    Text {
        Emergencies => "突发事件处置", "Emergencies";
        WhatHappened => "发生了什么？（点一下即开始处置）", "What happened? (one tap starts it)";
        ThisIsADrill => "这是演练", "This is a drill";
        Drill => "演练", "Drill";
        Open => "处置中", "Under way";
        Closed => "已结束", "Closed";
        Nothing => "暂无", "None";
        OpenedBy => "发起", "opened by";
        AfterReport => "事后报告", "Report afterwards";
        DueBy => "应于以下时间前提交：", "Due by ";
        Late => "（已逾期）", " (late)";
        Cause => "原因", "Cause";
        Process => "处置经过", "How it was handled";
        Losses => "损失情况", "Losses";
        Lessons => "经验教训", "Lessons";
        Improvements => "整改措施", "Improvements";
        SendReport => "提交事后报告", "Send the report";
        Print => "打印报告", "Print the reports";
        Place => "地点（可不填）", "Place (optional)";
        Opened => "已开始处置，请按步骤进行", "Started: go through the steps";
    }
}
