//! Fire control room (消防控制室) rules, shared by the phone and the server: alarms and the
//! fault repairs they open, shift staffing, and the two-hourly equipment status entries. The
//! ordered handling of a fire alarm is a [`crate::procedure`]. The clock is always passed in
//! (milliseconds), so every rule is tested without waiting.

use crate::core::FieldError;
use crate::i18n::fire_rules::Words;
use crate::i18n::{coded, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;

pub const FIRE_ALARM: Entity = Entity::declare("fire_alarm")
    .kept_by("raised_at", 30)
    .open_until("closed_at");
pub const REPAIR: Entity = Entity::declare("repair")
    .kept_by("opened_at", 30)
    .open_until("repaired_at");
pub const FIRE_STATUS: Entity = Entity::declare("fire_status").kept_by("recorded_at", 7);
pub const HANDOVER: Entity = Entity::declare("handover").kept_by("handed_at", 14);
pub const FIRE_SHIFT: Entity = Entity::declare("fire_shift").kept_by("starts_at", 7);

coded!(
    /// What an alarm at the controller turned out to be.
    AlarmKind {
        Fire = "fire", "火警", "Fire";
        False = "false", "误报", "False alarm";
        Fault = "fault", "故障", "Fault";
        Supervisory = "supervisory", "监管报警", "Supervisory";
        Missed = "missed", "漏报", "Missed";
    }
);

impl AlarmKind {
    /// A false alarm or a fault opens a fault-repair record (故障维修记录).
    pub fn opens_repair(self) -> bool {
        matches!(self, AlarmKind::False | AlarmKind::Fault)
    }
}

/// `fire.alarm` v1: an alarm at the controller. A fire is then handled step by step
/// ([`crate::procedure::ProcedureKind::FireAlarm`]) and closed with `fire.alarm_close`; any
/// other kind is recorded whole, with its cause and handling.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub id: String,
    pub site_id: String,
    pub kind: Option<AlarmKind>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub handling: String,
}

/// `fire.alarm_close` v1: the fire handled, with its cause and what was done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlarmClose {
    pub alarm_id: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub handling: String,
}

/// `fire.repair_done` v1: the fault repaired.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepairDone {
    pub repair_id: String,
    #[serde(default)]
    pub repaired_by: String,
    #[serde(default)]
    pub note: String,
}

/// `fire.status` v1: the two-hourly equipment status entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub id: String,
    pub site_id: String,
    pub normal: bool,
    #[serde(default)]
    pub note: String,
}

/// `fire.handover` v1: the operator going off duty hands over, with notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub id: String,
    pub site_id: String,
    #[serde(default)]
    pub notes: String,
}

/// `fire.handover_accept` v1: the operator taking over signs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverAccept {
    pub handover_id: String,
}

/// A handover as the phone pulls it (`handover`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverRow {
    pub site_id: String,
    #[serde(default)]
    pub notes: String,
    pub open_alarms: i64,
    pub open_repairs: i64,
    pub handed_at: i64,
    pub author_id: String,
    #[serde(default)]
    pub accepted_at: Option<i64>,
}

/// The repair a false alarm or fault opens has the alarm's id with this suffix.
pub fn repair_id(alarm_id: &str) -> String {
    format!("{alarm_id}/repair")
}

fn trimmed(s: &mut String, max: usize, locale: Locale) -> Result<(), FieldError> {
    *s = s.trim().to_string();
    if s.chars().count() > max {
        return Err(FieldError::said(locale, "handling", Words::TooLong));
    }
    Ok(())
}

/// Checks an alarm as raised: kind and place always; cause and handling unless it is a fire
/// (which is closed after its steps).
pub fn check_alarm(mut a: Alarm, locale: Locale) -> Result<Alarm, FieldError> {
    let Some(kind) = a.kind else {
        return Err(FieldError::said(
            locale,
            "kind",
            Words::ChooseTheKindOfAlarm,
        ));
    };
    for s in [&mut a.place, &mut a.cause, &mut a.handling] {
        trimmed(s, 200, locale)?;
    }
    if a.place.is_empty() {
        return Err(FieldError::said(
            locale,
            "place",
            Words::EnterWhereTheAlarmIs,
        ));
    }
    if kind != AlarmKind::Fire {
        if a.cause.is_empty() {
            return Err(FieldError::said(locale, "cause", Words::EnterTheCause));
        }
        if a.handling.is_empty() {
            return Err(FieldError::said(
                locale,
                "handling",
                Words::EnterHowItWasHandled,
            ));
        }
    }
    Ok(a)
}

/// Checks a fire's closing: every step recorded, cause and handling written.
pub fn check_close(
    mut c: AlarmClose,
    steps_complete: bool,
    locale: Locale,
) -> Result<AlarmClose, FieldError> {
    if !steps_complete {
        return Err(FieldError::said(
            locale,
            "steps",
            Words::NotEveryStepIsRecordedYet,
        ));
    }
    trimmed(&mut c.cause, 200, locale)?;
    trimmed(&mut c.handling, 200, locale)?;
    if c.cause.is_empty() {
        return Err(FieldError::said(locale, "cause", Words::EnterTheCause));
    }
    if c.handling.is_empty() {
        return Err(FieldError::said(
            locale,
            "handling",
            Words::EnterHowItWasHandled,
        ));
    }
    Ok(c)
}

/// Checks a repair's completion: who repaired it.
pub fn check_repair(mut r: RepairDone, locale: Locale) -> Result<RepairDone, FieldError> {
    trimmed(&mut r.repaired_by, 40, locale)?;
    trimmed(&mut r.note, 200, locale)?;
    if r.repaired_by.is_empty() {
        return Err(FieldError::said(
            locale,
            "repaired_by",
            Words::EnterWhoRepairedIt,
        ));
    }
    Ok(r)
}

/// Checks a status entry: anything not normal is described.
pub fn check_status(mut s: StatusEntry, locale: Locale) -> Result<StatusEntry, FieldError> {
    trimmed(&mut s.note, 200, locale)?;
    if !s.normal && s.note.is_empty() {
        return Err(FieldError::said(
            locale,
            "note",
            Words::DescribeWhatIsNotNormal,
        ));
    }
    Ok(s)
}

/// An alarm as the phone pulls it (`fire_alarm`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlarmRow {
    pub site_id: String,
    pub kind: String,
    pub place: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub handling: String,
    pub raised_at: i64,
    #[serde(default)]
    pub closed_at: Option<i64>,
}

/// A fault repair as the phone pulls it (`repair`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepairRow {
    pub site_id: String,
    pub alarm_id: String,
    pub place: String,
    pub opened_at: i64,
    #[serde(default)]
    pub repaired_at: Option<i64>,
}

const HOUR: i64 = 3600 * 1000;

/// A fire-room operator of a site, as the shift form lists them, with the last day their
/// fire-facility operator certificate is valid (`YYYY-MM-DD`; empty if it does not expire;
/// `None` when they hold none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operator {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub certificate_until: Option<String>,
}

/// What is wrong with a shift about to start: it may start anyway, but only once the operator
/// has seen this, and the supervisor sees it too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ShiftWarning {
    /// Fewer than two operators.
    Staffing,
    /// Longer than eight hours.
    TooLong,
    Uncertified {
        name: String,
    },
    Expires {
        name: String,
    },
}

impl ShiftWarning {
    pub fn message(&self, locale: Locale) -> String {
        match (self, locale) {
            (ShiftWarning::Staffing, _) => Words::AShiftNeedsAtLeast2.text(locale).into(),
            (ShiftWarning::TooLong, _) => Words::AShiftLastsAtMost8.text(locale).into(),
            (ShiftWarning::Uncertified { name }, Locale::Zh) => {
                format!("{name}没有消防设施操作员证书")
            }
            (ShiftWarning::Uncertified { name }, Locale::En) => {
                format!("{name} holds no fire-facility operator certificate")
            }
            (ShiftWarning::Expires { name }, Locale::Zh) => {
                format!("{name}的消防设施操作员证书在本班结束前过期")
            }
            (ShiftWarning::Expires { name }, Locale::En) => {
                format!("{name}'s operator certificate expires before the shift ends")
            }
        }
    }
}

/// What is wrong with a shift of `operators` from `start` to `end`; empty when fine. A
/// certificate is valid through the court day it ends on.
pub fn shift_warnings(operators: &[Operator], start: i64, end: i64) -> Vec<ShiftWarning> {
    let mut w = Vec::new();
    if operators.len() < 2 {
        w.push(ShiftWarning::Staffing);
    }
    if end - start > 8 * HOUR {
        w.push(ShiftWarning::TooLong);
    }
    let last_day = crate::core::date_text(crate::core::court_date(end - 1));
    for o in operators {
        let name = o.name.clone();
        match o.certificate_until.as_deref() {
            None => w.push(ShiftWarning::Uncertified { name }),
            Some(until) if !until.is_empty() && until < last_day.as_str() => {
                w.push(ShiftWarning::Expires { name })
            }
            Some(_) => {}
        }
    }
    w
}

/// `fire.shift` v1: a fire-room shift starts, with who is on it and when it ends. Started
/// despite its warnings only when `acknowledged`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shift {
    pub id: String,
    pub site_id: String,
    pub operator_ids: Vec<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    #[serde(default)]
    pub acknowledged: bool,
}

/// Checks a shift's form at `now`: someone on it, each once; it starts within 12 hours of now
/// and ends after it starts, within a day.
pub fn check_shift(mut s: Shift, now: i64, locale: Locale) -> Result<Shift, FieldError> {
    s.operator_ids.retain(|id| !id.trim().is_empty());
    let mut ids = s.operator_ids.clone();
    ids.sort();
    ids.dedup();
    if s.operator_ids.is_empty() || ids.len() != s.operator_ids.len() || ids.len() > 8 {
        return Err(FieldError::said(
            locale,
            "operators",
            Words::ChooseTheOperatorsOnThisShift,
        ));
    }
    if (s.starts_at - now).abs() > 12 * HOUR {
        return Err(FieldError::said(
            locale,
            "starts_at",
            Words::TheStartIsWithin12Hours,
        ));
    }
    if s.ends_at <= s.starts_at || s.ends_at - s.starts_at > 24 * HOUR {
        return Err(FieldError::said(
            locale,
            "ends_at",
            Words::TheEndIsAfterTheStart,
        ));
    }
    Ok(s)
}

/// A shift as the phone pulls it (`fire_shift`). `operator_ids` and `warnings` are JSON text;
/// a shift still on the phone has no `warnings` yet (the server judges them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShiftRow {
    pub site_id: String,
    pub operator_ids: String,
    #[serde(default)]
    pub operator_names: String,
    pub starts_at: i64,
    pub ends_at: i64,
    #[serde(default)]
    pub warnings: Option<String>,
}

/// The equipment status entry due after `last` (or from the shift's `start`): due two hours on,
/// late once that has passed at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusDue {
    pub due_at: i64,
    pub late: bool,
}

pub fn status_due(last: Option<i64>, start: i64, now: i64) -> StatusDue {
    let due_at = last.unwrap_or(start) + 2 * HOUR;
    StatusDue {
        due_at,
        late: now > due_at,
    }
}

/// Whether an entry made at `at` was late, given the one before (or the shift's start).
pub fn entry_late(previous: Option<i64>, start: i64, at: i64) -> bool {
    at > previous.unwrap_or(start) + 2 * HOUR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarms_say_what_they_lack() {
        let a = Alarm {
            id: "a".into(),
            site_id: "s".into(),
            kind: Some(AlarmKind::Fault),
            place: " 三楼走廊烟感 ".into(),
            ..Default::default()
        };
        assert_eq!(
            check_alarm(a.clone(), Locale::Zh).unwrap_err().field,
            "cause"
        );
        let fire = Alarm {
            kind: Some(AlarmKind::Fire),
            ..a.clone()
        };
        assert_eq!(check_alarm(fire, Locale::Zh).unwrap().place, "三楼走廊烟感");
        let none = Alarm { kind: None, ..a };
        assert_eq!(
            check_alarm(none, Locale::En).unwrap_err().message,
            "Choose the kind of alarm"
        );
        assert!(AlarmKind::False.opens_repair() && !AlarmKind::Fire.opens_repair());
        let close = AlarmClose {
            alarm_id: "a".into(),
            cause: "电气线路短路".into(),
            handling: "已扑灭".into(),
        };
        assert_eq!(
            check_close(close.clone(), false, Locale::Zh)
                .unwrap_err()
                .message,
            "处置步骤尚未全部完成"
        );
        assert!(check_close(close, true, Locale::Zh).is_ok());
        let s = StatusEntry {
            id: "x".into(),
            site_id: "s".into(),
            normal: false,
            note: " ".into(),
        };
        assert_eq!(check_status(s, Locale::Zh).unwrap_err().field, "note");
    }

    #[test]
    fn shifts_need_two_certified_operators_for_at_most_eight_hours() {
        // 2026-11-28 08:00 at the court.
        let start = 1_795_824_000_000;
        let op = |name: &str, until: Option<&str>| Operator {
            id: name.into(),
            name: name.into(),
            certificate_until: until.map(Into::into),
        };
        let ok = |name: &str| op(name, Some("2027-01-01"));
        assert!(shift_warnings(&[ok("甲"), ok("乙")], start, start + 8 * HOUR).is_empty());
        // No expiry date: valid.
        assert!(
            shift_warnings(&[ok("甲"), op("乙", Some(""))], start, start + 8 * HOUR).is_empty()
        );
        assert_eq!(
            shift_warnings(&[ok("甲")], start, start + 9 * HOUR),
            [ShiftWarning::Staffing, ShiftWarning::TooLong]
        );
        // Valid through its last day: a shift ending at 24:00 that day is fine, one running
        // past midnight is not.
        let today = op("丙", Some("2026-11-28"));
        assert!(shift_warnings(
            &[ok("甲"), today.clone()],
            start + 8 * HOUR,
            start + 16 * HOUR
        )
        .is_empty());
        let w = shift_warnings(
            &[today, op("丁", None)],
            start + 8 * HOUR + 1,
            start + 16 * HOUR + 1,
        );
        assert_eq!(
            w,
            [
                ShiftWarning::Expires { name: "丙".into() },
                ShiftWarning::Uncertified { name: "丁".into() }
            ]
        );
        let said: Vec<String> = w.iter().map(|w| w.message(Locale::Zh)).collect();
        assert_eq!(
            said,
            [
                "丙的消防设施操作员证书在本班结束前过期",
                "丁没有消防设施操作员证书"
            ]
        );
        assert_eq!(
            ShiftWarning::Staffing.message(Locale::En),
            "A shift needs at least 2 operators"
        );
        // Stored as codes, so each reader says it in their own language.
        assert_eq!(
            serde_json::to_string(&w[0]).unwrap(),
            r#"{"code":"expires","name":"丙"}"#
        );
    }

    #[test]
    fn a_shift_form_needs_operators_once_each_and_a_sane_time() {
        let now = 1_000 * HOUR;
        let s = Shift {
            id: "s".into(),
            site_id: "x".into(),
            operator_ids: vec!["a".into(), "b".into()],
            starts_at: now,
            ends_at: now + 8 * HOUR,
            acknowledged: false,
        };
        assert!(check_shift(s.clone(), now, Locale::Zh).is_ok());
        let field = |s: Shift| check_shift(s, now, Locale::Zh).unwrap_err().field;
        assert_eq!(
            field(Shift {
                operator_ids: vec![],
                ..s.clone()
            }),
            "operators"
        );
        assert_eq!(
            field(Shift {
                operator_ids: vec!["a".into(), "a".into()],
                ..s.clone()
            }),
            "operators"
        );
        assert_eq!(
            field(Shift {
                starts_at: now - 13 * HOUR,
                ends_at: now,
                ..s.clone()
            }),
            "starts_at"
        );
        assert_eq!(
            field(Shift {
                ends_at: now,
                ..s.clone()
            }),
            "ends_at"
        );
        assert_eq!(
            field(Shift {
                ends_at: now + 25 * HOUR,
                ..s
            }),
            "ends_at"
        );
    }

    #[test]
    fn status_entries_are_due_every_two_hours() {
        let start = 1_000 * HOUR;
        assert_eq!(
            status_due(None, start, start + HOUR),
            StatusDue {
                due_at: start + 2 * HOUR,
                late: false
            }
        );
        assert!(status_due(None, start, start + 2 * HOUR + 1).late);
        assert!(!status_due(Some(start + 2 * HOUR), start, start + 3 * HOUR).late);
        assert!(!entry_late(Some(start), start, start + 2 * HOUR));
        assert!(entry_late(Some(start), start, start + 2 * HOUR + 60_000));
    }
}
