//! The words of the hazard report page.

crate::i18n::catalogue! {
    /// The hazard report page' words.
    Text {
        SavedARectificationIsRegisteredFor => "已保存，已登记整改（待主管下达）", "Saved; a rectification is registered for the supervisor";
        ACourtComplaintToRectify => "法院投诉转整改", "A court complaint to rectify";
        ReportAHazard => "隐患上报", "Report a hazard";
        Place => "地点", "Place";
        Category => "类别", "Category";
        Grade => "等级", "Grade";
        TheComplaintAndWhatNeedsWork => "投诉内容及需整改的问题", "The complaint and what needs work";
        WhatIsWrong => "隐患描述", "What is wrong";
        FixedOnTheSpot => "已当场整改", "Fixed on the spot";
        HowItWasFixed => "如何整改", "How it was fixed";
        RectificationLedger => "整改台账 →", "Rectification ledger →";
    }
}
