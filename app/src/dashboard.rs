//! The supervisor's day at one site: what the contract's figures are made of.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/dashboard?site=<id>&day=YYYY-MM-DD`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Records that day whose time the phone's clock put in doubt (off by over ten minutes,
    /// changed before sending, or outside what the server knows): placed at the best estimate,
    /// flagged for the supervisor.
    #[serde(default)]
    pub clock_flagged: i64,
    /// The month's response-time KPI so far (requests by when they came in).
    #[serde(default)]
    pub responses: crate::request::ResponseKpi,
    #[serde(default)]
    pub emergencies: EmergencyMonth,
    pub site_id: String,
    pub day: String,
    /// Registrations that day, and the people they brought (companions counted).
    pub visits: i64,
    pub people: i64,
    /// Registrations with every required field present and valid.
    pub complete: i64,
    /// The same two over the month so far (the KPI is the month's share, ≥ 98%).
    pub month_visits: i64,
    pub month_complete: i64,
    pub screenings: i64,
    /// Screenings by outcome code.
    pub outcomes: Vec<(String, i64)>,
    /// Items found by category code.
    pub items: Vec<(String, i64)>,
    pub deposits_made: i64,
    /// Deposits not yet collected or transferred, whatever their day.
    pub deposits_open: i64,
    pub self_tests: i64,
    /// Visitors matched with the watchlist, and alerts recorded.
    pub watch_hits: i64,
    pub watch_alerts: i64,
    /// Gate entries that day by kind, and items held now.
    pub gate: Vec<(String, i64)>,
    pub custody_open: i64,
    /// Rounds, the boiler and the fire control room that day.
    #[serde(default)]
    pub duty: DutyDay,
    /// That day's screenings re-checked by a supervisor, and those confirmed correct; the same
    /// over the month so far (the screening-accuracy KPI is the month's share, ≥ 95%).
    #[serde(default)]
    pub sampled: i64,
    #[serde(default)]
    pub sampled_correct: i64,
    #[serde(default)]
    pub month_sampled: i64,
    #[serde(default)]
    pub month_sampled_correct: i64,
    /// Hazards and the rectification ledger.
    #[serde(default)]
    pub rectify: RectifyDay,
}

/// Hazards reported that day, and the site's ledger as it stands (#6).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RectifyDay {
    pub reported: i64,
    /// Not closed, whatever their day.
    pub open: i64,
    /// Not closed and past their deadline on that day.
    pub overdue: i64,
    pub awaiting_review: i64,
    pub closed: i64,
}

/// The month's emergencies at the site so far (#20): how many, how many drills, and their
/// reports afterwards not made within 48 hours (made late, or still due and past it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyMonth {
    pub opened: i64,
    pub drills: i64,
    pub open: i64,
    pub reports_late: i64,
}

/// The duty logs behind the supervisor's view of a day (#5).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DutyDay {
    pub routes: Vec<RouteDay>,
    pub boiler_readings: i64,
    /// Readings that called for a stop, with how far the procedure went.
    pub boiler_stops: Vec<BoilerStopDay>,
    pub fire_entries: i64,
    /// Entries made more than two hours after the one before.
    pub fire_late: i64,
    /// The newest entry at the site (any day), so an entry overdue now shows.
    pub fire_last: Option<i64>,
    /// Alarms raised that day, and any fire still open.
    pub alarms: Vec<AlarmDay>,
    /// Fault repairs not yet done, whatever their day.
    pub repairs_open: Vec<RepairOpen>,
    /// Checklists that day by kind.
    #[serde(default)]
    pub checklists: Vec<ChecklistDay>,
    /// Fire-room shifts on duty that day, with what was wrong when each started.
    #[serde(default)]
    pub shifts: Vec<ShiftDay>,
    /// Courtroom duties (值庭) begun that day.
    #[serde(default)]
    pub court_duties: Vec<CourtDutyDay>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CourtDutyDay {
    pub courtroom: String,
    pub case_no: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub outcome: Option<String>,
    pub note: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ShiftDay {
    pub starts_at: i64,
    pub ends_at: i64,
    pub operators: String,
    pub warnings: Vec<crate::fire::ShiftWarning>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChecklistDay {
    pub kind: String,
    pub count: i64,
    /// Items not done or not in order, over the day's checklists of the kind.
    pub failed: i64,
    /// Still to be countersigned (fire patrol, facility inspection).
    pub unsigned: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RouteDay {
    pub name_zh: String,
    pub name_en: String,
    /// `not_due`, `due`, `done`, `late`, `missed`, or `unscheduled`.
    pub status: String,
    pub rounds: Vec<RoundDay>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundDay {
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// The checkpoints not confirmed (names), once finished.
    pub skipped: Vec<String>,
    /// "checkpoint: what was found".
    pub findings: Vec<String>,
    /// Checkpoints chosen from the list instead of scanned.
    pub by_list: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BoilerStopDay {
    pub boiler: String,
    pub read_at: i64,
    pub reasons_zh: Vec<String>,
    pub reasons_en: Vec<String>,
    pub steps_done: i64,
    pub steps_total: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AlarmDay {
    pub kind: String,
    pub place: String,
    pub raised_at: i64,
    pub closed_at: Option<i64>,
    pub cause: String,
    pub handling: String,
    /// For a fire: steps recorded, and how many were skipped with a reason.
    pub steps_done: i64,
    pub steps_skipped: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairOpen {
    pub place: String,
    pub opened_at: i64,
}

/// One site in the court-wide view (`GET /api/v1/overview?day=`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRow {
    pub site_id: String,
    /// Registered that day, and still on site (not checked out).
    pub visitors: i64,
    pub on_site: i64,
    /// Route-days done (on time or late) and missed that day.
    pub rounds_done: i64,
    pub rounds_missed: i64,
    /// Open now, whatever their day.
    pub alarms_open: i64,
    pub repairs_open: i64,
    pub rect_overdue: i64,
    pub requests_open: i64,
}

/// Trends over weeks and months (`GET /api/v1/trends?site=`), each drawn as a bar chart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trends {
    pub series: Vec<crate::report::Series>,
}

/// A past visit found by a supervisor's search (`GET /api/v1/visits/search`): the document and
/// the phone masked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitFound {
    pub id: String,
    pub name: String,
    pub checked_in_at: i64,
    pub checked_out_at: Option<i64>,
    pub category: String,
    pub purpose: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub person_visited: String,
}

impl Dashboard {
    /// Share in per cent (one decimal), or `None` with nothing to count.
    pub fn percent(part: i64, whole: i64) -> Option<f64> {
        (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_to_one_decimal_and_needs_a_whole() {
        assert_eq!(Dashboard::percent(49, 50), Some(98.0));
        assert_eq!(Dashboard::percent(2, 3), Some(66.7));
        assert_eq!(Dashboard::percent(0, 0), None);
    }
}
