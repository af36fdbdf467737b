//! The words of the rectification queue and its cards.

crate::i18n::catalogue! {
    /// The rectification queue and its cards' words.
    Text {
        Grade => "等级", "Grade";
        Issued => "下达", "Issued";
        Edited => "修改", "Edited";
        Started => "开始整改", "Started";
        Progress => "进展", "Progress";
        DoneToReview => "完成，申请验收", "Done, to review";
        Approved => "验收通过", "Approved";
        Returned => "退回", "Returned";
        EscalatedOverdue => "逾期上报", "Escalated: overdue";
        Comment => "留言", "Comment";
        NoNumberYet => "未编号", "No number yet";
        Facilities => "物业部", "Facilities";
        Due => "期限 ", "Due ";
        Overdue => "（已逾期）", " (overdue)";
        Description => "描述", "Description";
        Found => "发现", "Found";
        Responsible => "责任", "Responsible";
        Measures => "措施", "Measures";
        Funding => "资金", "Funding";
        Safeguards => "防范措施", "Safeguards";
        WorkDone => "完成情况", "Work done";
        CommentNeededToReturn => "验收意见（退回必填）", "Comment (needed to return)";
        Approve => "✓ 验收通过", "✓ Approve";
        Return => "↩ 退回", "↩ Return";
        YouAreResponsibleAnotherSupervisorReviews => "您是整改责任人，须由其他主管验收", "You are responsible: another supervisor reviews it";
        WhatWasDone => "整改情况", "What was done";
        Start => "开始整改", "Start";
        AddProgress => "记录进展", "Add progress";
        DoneAskForReview => "整改完成，申请验收", "Done: ask for review";
        IssueTheNotice => "下达整改通知", "Issue the notice";
        CorrectTheLedger => "修改台账信息", "Correct the ledger";
        Department => "责任部门", "Department";
        PersonResponsible => "责任人", "Person responsible";
        Choose => "请选择", "Choose";
        Measures2 => "整改措施", "Measures";
        Deadline => "整改期限", "Deadline";
        Funding2 => "整改资金", "Funding";
        InterimSafeguards => "整改期间防范措施", "Interim safeguards";
        Issue => "下达", "Issue";
        SaveChanges => "保存修改", "Save changes";
        Post => "发表", "Post";
        Rectifications => "隐患整改", "Rectifications";
        ReportAHazardLink => "+ 上报隐患", "+ Report a hazard";
        CourtComplaintLink => "+ 法院投诉转整改", "+ A court complaint to rectify";
        InspectionsDue => "待检查：", "Inspections due: ";
        Ledger => "整改台账", "Ledger";
        NoRectificationsYet => "暂无整改记录", "No rectifications yet";
        ExportTheLedgerAndInspections => "导出台账及检查记录", "Export the ledger and inspections";
        FromMonth => "起始月份", "From month";
        ToMonth => "截止月份", "To month";
        ExcelFile => "Excel 文件", "Excel file";
        PrintablePage => "打印页", "Printable page";
    }
}
