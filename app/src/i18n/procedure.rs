//! The words of the procedure pages.

crate::i18n::catalogue! {
    /// The procedure pages' words.
    Text {
        Skipped => "跳过：", "skipped: ";
        SkipThisStep => "跳过此步骤…", "Skip this step…";
        WhyItIsSkipped => "跳过原因", "Why it is skipped";
        WhatWasReported => "报告内容（时间、地点、性质、影响）", "What was reported (time, place, nature, impact)";
        Reported => "报告：", "reported: ";
    }
}
