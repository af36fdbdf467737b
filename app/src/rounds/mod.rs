//! Patrol rounds and building checks (巡查): routes of checkpoints per site, the rounds made on
//! them, and the schedule that says when a round is due, late or missed. A checkpoint is one of
//! the site's areas (floors, corridors, restrooms, halls, courtrooms, yard), so the areas an
//! administrator keeps are the tags a guard scans. Shared by the phone and the server; the
//! clock is always passed in.

use crate::core::{court_day_start, FieldError};
use crate::i18n::rounds_rules::Words;
use crate::i18n::{coded, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;

pub const ROUTE: Entity = Entity::declare("route");
pub const ROUND: Entity = Entity::declare("round").kept_by("started_at", 14);
pub const ROUND_CHECK: Entity = Entity::declare("round_check").kept_by("checked_at", 14);
pub const COURT_DUTY: Entity = Entity::declare("court_duty").kept_by("started_at", 14);

const MINUTE: i64 = 60 * 1000;
const DAY: i64 = 24 * 60 * MINUTE;

coded!(
    /// What a route is for.
    RouteKind {
        Morning = "morning", "上班前检查", "Morning check";
        Night = "night", "下班后夜间检查", "Night check";
        RestDay = "rest_day", "休息日巡查", "Rest-day patrol";
        CourtPatrol = "court_patrol", "巡庭", "Courtroom patrol";
    }
);

coded!(
    /// The days a route is due.
    Days {
        Workdays = "workdays", "工作日", "Workdays";
        RestDays = "rest_days", "休息日", "Rest days";
        Daily = "daily", "每天", "Every day";
        Unscheduled = "unscheduled", "不定时", "When needed";
    }
);

coded!(
    /// How a checkpoint was confirmed.
    How {
        Scan = "scan", "扫码", "Scanned";
        List = "list", "列表选择", "Chosen from list";
    }
);

coded!(
    /// Why a checkpoint was chosen from the list instead of scanned.
    ListReason {
        NoScanner = "no_scanner", "手机不支持扫码", "Phone cannot scan";
        TagMissing = "tag_missing", "标签缺失或损坏", "Tag missing or damaged";
        TooDark = "dark", "光线不足无法扫码", "Too dark to scan";
        Other = "other", "其他原因", "Other";
    }
);

/// The text a checkpoint's QR tag holds.
pub fn tag_text(area_id: &str) -> String {
    format!("guardpost:checkpoint:{area_id}")
}

/// The area a scanned tag names, if it is one of ours.
pub fn area_from_tag(text: &str) -> Option<&str> {
    text.trim()
        .strip_prefix("guardpost:checkpoint:")
        .filter(|s| !s.is_empty())
}

/// A route as the phone pulls it (`route`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteRow {
    pub site_id: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub days: String,
    /// Minutes after the court's midnight when the round may start and must have started.
    pub window_start: i64,
    pub window_end: i64,
    /// The checkpoints in order: area ids as a JSON array (text, as the table keeps it).
    pub area_ids: String,
}

impl RouteRow {
    pub fn areas(&self) -> Vec<String> {
        serde_json::from_str(&self.area_ids).unwrap_or_default()
    }
    pub fn name(&self, locale: Locale) -> &str {
        if locale == Locale::En && !self.name_en.is_empty() {
            &self.name_en
        } else {
            &self.name_zh
        }
    }
    pub fn schedule(&self) -> Schedule {
        Schedule {
            days: Days::parse(&self.days).unwrap_or(Days::Unscheduled),
            window_start: self.window_start,
            window_end: self.window_end,
        }
    }
}

/// When a route is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub days: Days,
    pub window_start: i64,
    pub window_end: i64,
}

/// Saturday and Sunday at the court (no holiday calendar yet).
pub fn rest_day(day_start: i64) -> bool {
    use chrono::Datelike;
    let t = chrono::DateTime::from_timestamp_millis(day_start + 8 * 60 * MINUTE + DAY / 2)
        .unwrap_or_default();
    matches!(t.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
}

impl Schedule {
    /// Whether the route is due on the court day starting at `day_start`.
    pub fn due_on(&self, day_start: i64) -> bool {
        match self.days {
            Days::Workdays => !rest_day(day_start),
            Days::RestDays => rest_day(day_start),
            Days::Daily => true,
            Days::Unscheduled => false,
        }
    }
}

/// Where a route stands on one court day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundStatus {
    /// Not due that day.
    NotDue,
    /// Due, its window not yet over.
    Due { window_end: i64 },
    /// Started within the window (`late`: after it).
    Done { late: bool },
    /// The window passed with no round.
    Missed,
}

/// The status of a route on the court day containing `day` given the starts of the rounds made
/// on it, at `now`.
pub fn round_status(s: Schedule, day: i64, starts: &[i64], now: i64) -> RoundStatus {
    let day_start = court_day_start(day);
    if !s.due_on(day_start) {
        return RoundStatus::NotDue;
    }
    let from = day_start + s.window_start * MINUTE;
    let to = day_start + s.window_end * MINUTE;
    let mut on_day: Vec<i64> = starts
        .iter()
        .copied()
        .filter(|t| *t >= from && *t < day_start + DAY)
        .collect();
    on_day.sort_unstable();
    match on_day.first() {
        Some(first) => RoundStatus::Done { late: *first > to },
        None if now > to => RoundStatus::Missed,
        None => RoundStatus::Due { window_end: to },
    }
}

/// `round.start` v1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Start {
    pub id: String,
    pub route_id: String,
}

/// `round.check` v1: one checkpoint confirmed, scanned or chosen from the list with a reason,
/// with what was found there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub round_id: String,
    pub area_id: String,
    pub how: How,
    #[serde(default)]
    pub reason: Option<ListReason>,
    #[serde(default)]
    pub reason_note: String,
    /// Anything found there (empty: all in order).
    #[serde(default)]
    pub finding: String,
}

/// `round.finish` v1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finish {
    pub round_id: String,
    #[serde(default)]
    pub note: String,
}

/// Checks a checkpoint's confirmation against its route's checkpoints.
pub fn check_check(c: &Check, route_areas: &[String], locale: Locale) -> Result<(), FieldError> {
    let err = |field, words: Words| FieldError::said(locale, field, words);
    if !route_areas.contains(&c.area_id) {
        return Err(err("area_id", Words::ThisCheckpointIsNotOnThe));
    }
    if c.how == How::List {
        match c.reason {
            None => return Err(err("reason", Words::SayWhyTheTagWasNot)),
            Some(ListReason::Other) if c.reason_note.trim().is_empty() => {
                return Err(err("reason_note", Words::WriteWhyTheTagWasNot))
            }
            _ => {}
        }
    }
    if c.finding.chars().count() > 200 || c.reason_note.chars().count() > 100 {
        return Err(err("finding", Words::AtMost200Characters));
    }
    Ok(())
}

/// A round as the phone pulls it (`round`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundRow {
    pub site_id: String,
    pub route_id: String,
    pub started_at: i64,
    #[serde(default)]
    pub finished_at: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// A confirmed checkpoint as the phone pulls it (`round_check`, id `{round}/{area}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckRow {
    pub round_id: String,
    pub area_id: String,
    pub how: String,
    #[serde(default)]
    pub finding: String,
    pub checked_at: i64,
}

pub fn check_id(round_id: &str, area_id: &str) -> String {
    format!("{round_id}/{area_id}")
}

/// The route's checkpoints not confirmed by the round.
pub fn skipped(route_areas: &[String], confirmed: &[String]) -> Vec<String> {
    route_areas
        .iter()
        .filter(|a| !confirmed.contains(a))
        .cloned()
        .collect()
}

/// A route as a supervisor sets it (`PUT /api/v1/routes/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteEdit {
    pub site_id: String,
    pub kind: RouteKind,
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    pub days: Days,
    pub window_start: i64,
    pub window_end: i64,
    pub area_ids: Vec<String>,
}

/// Checks a route: a name, a window within the day (start before end), at least one checkpoint
/// and each of the site's areas at most once. `site_areas` are the site's active areas.
pub fn check_route(
    mut r: RouteEdit,
    site_areas: &[String],
    locale: Locale,
) -> Result<RouteEdit, FieldError> {
    let err = |field, words: Words| FieldError::said(locale, field, words);
    r.name_zh = r.name_zh.trim().to_string();
    r.name_en = r.name_en.trim().to_string();
    if r.name_zh.is_empty() || r.name_zh.chars().count() > 40 || r.name_en.chars().count() > 60 {
        return Err(err("name_zh", Words::NameTheRoute40CharactersAt));
    }
    if !(0..=1440).contains(&r.window_start)
        || !(0..=1440).contains(&r.window_end)
        || r.window_start >= r.window_end
    {
        return Err(err("window_start", Words::TheWindowStartsBeforeItEnds));
    }
    if r.area_ids.is_empty() {
        return Err(err("area_ids", Words::ARouteHasAtLeastOne));
    }
    let mut seen = Vec::new();
    for a in &r.area_ids {
        if !site_areas.contains(a) || seen.contains(&a) {
            return Err(err("area_ids", Words::CheckpointsAreThisSiteSAreas));
        }
        seen.push(a);
    }
    Ok(r)
}

/// "HH:MM" for minutes after midnight.
pub fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Minutes after midnight from "HH:MM".
pub fn parse_hhmm(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..=24).contains(&h) && (0..60).contains(&m) && h * 60 + m <= 1440).then_some(h * 60 + m)
}

coded!(
    /// How a hearing's order was kept (值庭).
    DutyOutcome {
        Orderly = "orderly", "秩序良好", "Orderly";
        Stopped = "stopped", "有违反法庭纪律行为，已制止", "Misconduct stopped";
        Police = "police", "已报告司法警察处置", "Handed to the judicial police";
    }
);

/// `court_duty.start` v1: a guard takes up courtroom duty (值庭) for a hearing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyStart {
    pub id: String,
    pub site_id: String,
    /// The courtroom (an area of the site, by name).
    pub courtroom: String,
    #[serde(default)]
    pub case_no: String,
}

/// `court_duty.finish` v1: the hearing over, how order was kept and what happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyFinish {
    pub duty_id: String,
    pub outcome: Option<DutyOutcome>,
    #[serde(default)]
    pub note: String,
}

/// A courtroom duty as the phone pulls it (`court_duty`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyRow {
    pub site_id: String,
    pub courtroom: String,
    #[serde(default)]
    pub case_no: String,
    pub started_at: i64,
    #[serde(default)]
    pub finished_at: Option<i64>,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub note: String,
    pub author_id: String,
}

pub fn check_duty_start(mut d: DutyStart, locale: Locale) -> Result<DutyStart, FieldError> {
    d.courtroom = d.courtroom.trim().into();
    d.case_no = d.case_no.trim().into();
    if d.courtroom.is_empty() || d.courtroom.chars().count() > 40 {
        return Err(FieldError::said(
            locale,
            "courtroom",
            Words::ChooseTheCourtroom,
        ));
    }
    if d.case_no.chars().count() > 40 {
        return Err(FieldError::said(
            locale,
            "case_no",
            Words::TheCaseNumberIsTooLong,
        ));
    }
    Ok(d)
}

/// Anything but an orderly hearing says what happened.
pub fn check_duty_finish(mut f: DutyFinish, locale: Locale) -> Result<DutyFinish, FieldError> {
    f.note = f.note.trim().into();
    let Some(outcome) = f.outcome else {
        return Err(FieldError::said(
            locale,
            "outcome",
            Words::ChooseHowTheHearingWent,
        ));
    };
    if outcome != DutyOutcome::Orderly && f.note.is_empty() {
        return Err(FieldError::said(
            locale,
            "note",
            Words::SayWhatHappenedAndWhatWas,
        ));
    }
    if f.note.chars().count() > 500 {
        return Err(FieldError::said(locale, "note", Words::TooLong));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-27 is a Friday; the court's midnight is 16:00 UTC the day before.
    const FRI: i64 = 1_795_737_600_000 - 8 * 3600 * 1000;

    fn night() -> Schedule {
        Schedule {
            days: Days::Workdays,
            window_start: 17 * 60,
            window_end: 21 * 60,
        }
    }

    #[test]
    fn the_court_week_has_its_rest_days() {
        assert_eq!(court_day_start(FRI + 5 * 3600 * 1000), FRI);
        assert!(!rest_day(FRI));
        assert!(rest_day(FRI + DAY));
        assert!(rest_day(FRI + 2 * DAY));
        assert!(!rest_day(FRI + 3 * DAY));
    }

    #[test]
    fn a_night_round_is_due_done_late_or_missed() {
        let h = |h: i64, m: i64| FRI + h * 3600 * 1000 + m * MINUTE;
        assert_eq!(
            round_status(night(), FRI, &[], h(18, 0)),
            RoundStatus::Due {
                window_end: h(21, 0)
            }
        );
        assert_eq!(
            round_status(night(), FRI, &[h(20, 59)], h(22, 0)),
            RoundStatus::Done { late: false }
        );
        assert_eq!(
            round_status(night(), FRI, &[h(21, 30)], h(22, 0)),
            RoundStatus::Done { late: true }
        );
        assert_eq!(
            round_status(night(), FRI, &[], h(21, 1)),
            RoundStatus::Missed
        );
        // A round before the window (the afternoon) does not count for the night.
        assert_eq!(
            round_status(night(), FRI, &[h(15, 0)], h(22, 0)),
            RoundStatus::Missed
        );
        // Saturday: a workday route is not due; the rest-day one is.
        assert_eq!(
            round_status(night(), FRI + DAY, &[], FRI + DAY + DAY - 1),
            RoundStatus::NotDue
        );
        let rest = Schedule {
            days: Days::RestDays,
            ..night()
        };
        assert_eq!(
            round_status(rest, FRI + DAY, &[], FRI + DAY + DAY - 1),
            RoundStatus::Missed
        );
    }

    #[test]
    fn a_checkpoint_from_the_list_needs_a_reason() {
        let areas = vec!["a1".to_string(), "a2".to_string()];
        let mut c = Check {
            round_id: "r".into(),
            area_id: "a1".into(),
            how: How::List,
            reason: None,
            reason_note: String::new(),
            finding: String::new(),
        };
        assert_eq!(
            check_check(&c, &areas, Locale::Zh).unwrap_err().message,
            "未扫码时须选择原因"
        );
        c.reason = Some(ListReason::Other);
        assert_eq!(
            check_check(&c, &areas, Locale::Zh).unwrap_err().field,
            "reason_note"
        );
        c.reason = Some(ListReason::NoScanner);
        assert!(check_check(&c, &areas, Locale::Zh).is_ok());
        c.area_id = "elsewhere".into();
        assert_eq!(
            check_check(&c, &areas, Locale::Zh).unwrap_err().field,
            "area_id"
        );
        let scanned = Check {
            how: How::Scan,
            reason: None,
            area_id: "a2".into(),
            ..c
        };
        assert!(check_check(&scanned, &areas, Locale::Zh).is_ok());
        assert_eq!(skipped(&areas, &["a2".into()]), ["a1"]);
        assert_eq!(area_from_tag(&tag_text("a2")), Some("a2"));
        assert_eq!(area_from_tag("https://example.com"), None);
    }

    #[test]
    fn a_route_is_checked_against_its_site() {
        let site = vec!["a1".to_string(), "a2".to_string()];
        let r = RouteEdit {
            site_id: "s".into(),
            kind: RouteKind::Night,
            name_zh: " 夜间检查 ".into(),
            name_en: String::new(),
            days: Days::Workdays,
            window_start: parse_hhmm("17:00").unwrap(),
            window_end: parse_hhmm("21:00").unwrap(),
            area_ids: vec!["a2".into(), "a1".into()],
        };
        assert_eq!(
            check_route(r.clone(), &site, Locale::Zh).unwrap().name_zh,
            "夜间检查"
        );
        let twice = RouteEdit {
            area_ids: vec!["a1".into(), "a1".into()],
            ..r.clone()
        };
        assert_eq!(
            check_route(twice, &site, Locale::Zh).unwrap_err().field,
            "area_ids"
        );
        let other = RouteEdit {
            area_ids: vec!["x".into()],
            ..r.clone()
        };
        assert!(check_route(other, &site, Locale::Zh).is_err());
        let backwards = RouteEdit {
            window_end: 60,
            ..r
        };
        assert_eq!(
            check_route(backwards, &site, Locale::Zh).unwrap_err().field,
            "window_start"
        );
        assert_eq!(hhmm(17 * 60 + 5), "17:05");
        assert_eq!(parse_hhmm("25:00"), None);
    }

    #[test]
    fn courtroom_duty_needs_a_courtroom_and_says_what_went_wrong() {
        let start = DutyStart {
            id: "d".into(),
            site_id: "s".into(),
            courtroom: " 第一审判庭 ".into(),
            case_no: " (2026)吉0323民初1号 ".into(),
        };
        let ok = check_duty_start(start.clone(), Locale::Zh).unwrap();
        assert_eq!(
            (ok.courtroom.as_str(), ok.case_no.as_str()),
            ("第一审判庭", "(2026)吉0323民初1号")
        );
        let empty = DutyStart {
            courtroom: " ".into(),
            ..start
        };
        assert_eq!(
            check_duty_start(empty, Locale::Zh).unwrap_err().field,
            "courtroom"
        );
        let finish = |outcome, note: &str| DutyFinish {
            duty_id: "d".into(),
            outcome,
            note: note.into(),
        };
        assert!(check_duty_finish(finish(Some(DutyOutcome::Orderly), ""), Locale::Zh).is_ok());
        assert_eq!(
            check_duty_finish(finish(None, ""), Locale::Zh)
                .unwrap_err()
                .field,
            "outcome"
        );
        let e = check_duty_finish(finish(Some(DutyOutcome::Stopped), " "), Locale::Zh).unwrap_err();
        assert_eq!(
            (e.field, e.message.as_str()),
            ("note", "请写明发生的情况及处置")
        );
        assert!(check_duty_finish(
            finish(
                Some(DutyOutcome::Police),
                "旁听人员喧哗，经劝阻无效移交法警"
            ),
            Locale::Zh
        )
        .is_ok());
    }
}
