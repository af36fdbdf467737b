//! The words of the gate pages.

crate::i18n::catalogue! {
    /// The gate pages' words.
    Text {
        WaterTanksDailyChecklists => "水箱补水检查 · 日常记录", "Water tanks · daily checklists";
    }
}
