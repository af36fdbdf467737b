//! The monthly report to the court (月度报告), as the server computes it, files it (frozen and
//! numbered) and the pages, the workbook and the printed page show it: parts of labelled
//! figures, charts, the scorecard, and the supervisor's plan for the next month.
//!
//! A filed report never changes: records of its month that reach the server later are listed
//! in the next report as late additions (补录), by kind and month.

pub mod chart;

use crate::i18n::{coded, Locale};
use crate::score::Scorecard;
use serde::{Deserialize, Serialize};

coded! {
    /// The report's parts, in its order (one sheet each in the workbook).
    PartKey {
        Visits = "visits", "来访登记", "Visits";
        Screening = "screening", "安全检查", "Screening";
        Deposits = "deposits", "物品寄存", "Deposits";
        Gate = "gate", "门岗出入", "Gate traffic";
        Rounds = "rounds", "巡逻巡查", "Patrol rounds";
        Boiler = "boiler", "锅炉运行", "Boiler";
        FireRoom = "fire_room", "消防控制室", "Fire control room";
        Hazards = "hazards", "隐患与整改", "Hazards and rectifications";
        Inspections = "inspections", "监督检查", "Inspections";
        Requests = "requests", "需求与响应", "Requests and response";
        Emergencies = "emergencies", "突发事件", "Emergencies";
        Late = "late", "上期报告后补录的记录", "Records that arrived after the last report";
    }
}

/// One labelled figure of a part.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub zh: String,
    pub en: String,
    pub value: String,
}

impl Line {
    pub fn new(zh: impl Into<String>, en: impl Into<String>, value: impl ToString) -> Line {
        Line {
            zh: zh.into(),
            en: en.into(),
            value: value.to_string(),
        }
    }

    pub fn label(&self, locale: Locale) -> &str {
        match locale {
            Locale::Zh => &self.zh,
            Locale::En => &self.en,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub key: PartKey,
    pub lines: Vec<Line>,
}

/// A chart's data: one bar per point.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub zh: String,
    pub en: String,
    pub points: Vec<(String, i64)>,
}

/// `GET /api/v1/monthly-report?site=<id or court>&month=YYYY-MM`: the filed report, or the
/// draft as the records stand now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyReport {
    /// Given when filed (`2026-007`: the year, and the order filed in it).
    pub number: Option<String>,
    /// A site's id, or none for the whole court.
    pub site_id: Option<String>,
    pub site_name: String,
    pub month: String,
    pub computed_at: i64,
    pub filed_at: Option<i64>,
    pub filed_by: Option<String>,
    /// The next month's plan, written by the supervisor.
    pub plan: String,
    pub parts: Vec<Part>,
    pub charts: Vec<Series>,
    pub scorecard: Scorecard,
}

/// `PUT /api/v1/monthly-report/plan` and `POST /api/v1/monthly-report/file`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAsk {
    pub site: String,
    pub month: String,
    #[serde(default)]
    pub plan: String,
}

/// Longest plan, in characters.
pub const PLAN_MAX: usize = 2000;

/// The report's title as the court files it.
pub fn title(site_name: &str, month: &str, locale: Locale) -> String {
    let p = crate::score::Period::parse(month)
        .map(|p| p.label(locale))
        .unwrap_or_else(|| month.to_string());
    match locale {
        Locale::Zh => format!("{site_name}安保服务{p}月度报告"),
        Locale::En => format!("{site_name}: security service report, {p}"),
    }
}

/// Minutes as people read them: `42分钟`, `1小时5分钟`.
pub fn minutes_text(ms: i64, locale: Locale) -> String {
    let m = (ms + 59_999) / 60_000;
    match (m / 60, m % 60, locale) {
        (0, m, Locale::Zh) => format!("{m}分钟"),
        (h, 0, Locale::Zh) => format!("{h}小时"),
        (h, m, Locale::Zh) => format!("{h}小时{m}分钟"),
        (0, m, Locale::En) => format!("{m} min"),
        (h, m, Locale::En) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_times_read_as_the_court_writes_them() {
        assert_eq!(
            title("院本级", "2026-11", Locale::Zh),
            "院本级安保服务2026年11月月度报告"
        );
        assert_eq!(minutes_text(42 * 60_000, Locale::Zh), "42分钟");
        assert_eq!(minutes_text(65 * 60_000, Locale::Zh), "1小时5分钟");
        assert_eq!(minutes_text(120 * 60_000, Locale::Zh), "2小时");
        assert_eq!(minutes_text(1, Locale::En), "1 min");
        assert_eq!(PartKey::ALL.len(), 12);
    }
}
