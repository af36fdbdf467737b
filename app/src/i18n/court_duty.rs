//! The words of the court duty pages.

crate::i18n::catalogue! {
    /// The court duty pages' words.
    Text {
        CourtroomDuty => "值庭", "Courtroom duty";
        OnDuty => "值庭中：", "On duty: ";
        Since => "开始于 ", "Since ";
        WhatHappenedAndWhatWasDone => "情况及处置", "What happened and what was done";
        EndDuty => "结束值庭", "End duty";
        CaseNumberOptional => "案号（可不填）", "Case number (optional)";
        StartDuty => "开始值庭", "Start duty";
    }
}
