//! The words of the inspect pages.

crate::i18n::catalogue! {
    /// The inspect pages' words.
    Text {
        Pass => "✓ 合格", "✓ Pass";
        Fail => "✗ 不合格", "✗ Fail";
        WhatIsWrong => "问题", "What is wrong";
        OpenARectification => "转为整改", "Open a rectification";
        SavedInUseAfterTheNext => "清单已保存，同步后生效", "Saved; in use after the next sync";
        Inspections => "监督检查", "Inspections";
        Due => "待检查：", "Due: ";
        Checklist => "检查清单", "Checklist";
        EditThisChecklist => "编辑此清单", "Edit this checklist";
        Name => "名称", "Name";
        ItemsOneALine => "检查项目（每行一项）", "Items (one a line)";
        SaveTheChecklist => "保存清单", "Save the checklist";
        ScreeningReChecks => "安检抽查复核", "Screening re-checks";
        ReCheckTodaySScreeningsThe => "复核今日安检记录，确认正确的比例即安检准确率（目标≥95%）", "Re-check today's screenings: the share confirmed correct is the accuracy figure (target ≥ 95%)";
        IfWrongWhatWasWrong => "有误时写明问题", "If wrong, what was wrong";
        Correct => "✓ 正确", "✓ Correct";
        Wrong => "✗ 有误", "✗ Wrong";
        NoScreeningsAtThisSiteToday => "今日本点尚无安检记录可复核", "No screenings at this site today to re-check";
        RecentInspections => "近期检查", "Recent inspections";
        Failed => "不合格", "failed";
        RectificationLedger => "整改台账 →", "Rectification ledger →";
    }
}
