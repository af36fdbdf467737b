//! The words of the scorecard and survey pages.

crate::i18n::catalogue! {
    /// The scorecard's and the survey's pages' words.
    Text {
        Scorecard => "考核评分", "Scorecard";
        Court => "全院", "Whole court";
        Period => "期间", "Period";
        Month => "月", "month";
        Quarter => "季度", "quarter";
        Total => "加权总分", "Weighted total";
        Points => "分", " points";
        Target => "目标", "target";
        Weight => "权重", "weight";
        Score => "得分", "score";
        Counted => "计入", "counted";
        OfWhich => "，其中达标", ", of which met";
        Records => "查看扣分记录", "Records that cost points";
        NoRecords => "没有扣分记录", "No records cost points";
        MoreRecords => "仅列出前500条", "Only the first 500 are listed";
        Rule => "计分规则：达到目标得该项全部权重分；未达到按 权重×实际值÷目标值 计分。本月无需求的响应时间得满分；未抽查或无问卷答复的项目不得分。", "Scoring: a figure at or above its target earns its whole weight; below it, weight × value ÷ target. Response time with no requests earns full weight; a figure not measured (no re-check, no survey answer) earns nothing.";
        SurveyUsed => "满意度采用：", "Satisfaction from: ";
        NoSurveyRound => "尚无季度满意度调查", "No quarterly survey yet";
        Certificates => "持证率（不计分）", "Certificate holding (not scored)";
        Attendance => "出勤（不计分）", "Attendance (not scored)";
        AttendanceLater => "排班与考勤上线后统计", "counted once rosters and clocking in are kept";
        NoneNeeded => "无需持证人员", "nobody here needs one";
        Surveys => "满意度调查", "Satisfaction survey";
        NewRound => "新建调查", "New round";
        Kind => "类型", "Kind";
        PeriodHint => "期间（如 2026-Q4 或 2026-11）", "Period (2026-Q4 or 2026-11)";
        Title => "标题（可不填）", "Title (optional)";
        LastDay => "截止日期", "Last day";
        Create => "创建", "Create";
        Open => "进行中", "open";
        Closed => "已结束", "closed";
        Until => "截止", "until";
        Answered => "已答", "answered";
        Links => "链接", "links";
        MakeLinks => "生成答卷链接", "Make answer links";
        Department => "部门", "Department";
        Site => "所在场所", "Site";
        HowMany => "份数", "How many";
        Make => "生成", "Make";
        ShownOnce => "以下链接只显示这一次（服务器只保存其摘要），请现在打印或发送给该部门，每个链接只能答一次。", "These links are shown this once (the server keeps only their digest): print them or send them to the department now. Each answers once.";
        Print => "打印", "Print";
        CloseRound => "结束调查", "Close the round";
        Results => "结果", "Results";
        Satisfied => "满意（4分及以上）", "Satisfied (4 or 5)";
        Comments => "意见和建议", "Comments";
        NoComments => "暂无意见", "No comments yet";
        ToRectify => "转整改", "Open a rectification";
        Rectifying => "已转整改", "Rectification opened";
        Questions => "问卷题目", "Questions";
        QuestionsHint => "每行一题：代码|中文|英文|打分（是/否）", "One per line: code|Chinese|English|rated (yes/no)";
        Save => "保存", "Save";
        Saved => "已保存", "Saved";
        ByDepartment => "各部门答卷", "By department";
        MonthlyReport => "月度报告", "Monthly report";
        FiledNo => "已归档，编号", "Filed, number";
        Draft => "草稿：按目前已同步的记录统计，归档后冻结", "Draft: counted from the records synced so far; frozen once filed";
        Workbook => "导出Excel", "Excel workbook";
        PrintPage => "打印版", "Printable page";
        NextMonthPlan => "下月工作计划", "Next month's plan";
        FileReport => "归档报告", "File the report";
    }
}
