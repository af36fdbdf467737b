//! Fire control room (消防控制室) rules, shared by the phone and the server: alarms and the
//! fault repairs they open, shift staffing, and the two-hourly equipment status entries. The
//! ordered handling of a fire alarm is a [`crate::procedure`]. The clock is always passed in
//! (milliseconds), so every rule is tested without waiting.

use crate::front::FieldError;
use crate::i18n::{coded, pick, Locale};
use serde::{Deserialize, Serialize};

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

fn field_err(
    locale: Locale,
    field: &'static str,
    zh: &'static str,
    en: &'static str,
) -> FieldError {
    FieldError {
        field,
        message: pick(locale, zh, en).to_string(),
    }
}

fn trimmed(s: &mut String, max: usize, locale: Locale) -> Result<(), FieldError> {
    *s = s.trim().to_string();
    if s.chars().count() > max {
        return Err(field_err(locale, "handling", "内容过长", "Too long"));
    }
    Ok(())
}

/// Checks an alarm as raised: kind and place always; cause and handling unless it is a fire
/// (which is closed after its steps).
pub fn check_alarm(mut a: Alarm, locale: Locale) -> Result<Alarm, FieldError> {
    let Some(kind) = a.kind else {
        return Err(field_err(
            locale,
            "kind",
            "请选择报警类型",
            "Choose the kind of alarm",
        ));
    };
    for s in [&mut a.place, &mut a.cause, &mut a.handling] {
        trimmed(s, 200, locale)?;
    }
    if a.place.is_empty() {
        return Err(field_err(
            locale,
            "place",
            "请填写报警部位",
            "Enter where the alarm is",
        ));
    }
    if kind != AlarmKind::Fire {
        if a.cause.is_empty() {
            return Err(field_err(
                locale,
                "cause",
                "请填写报警原因",
                "Enter the cause",
            ));
        }
        if a.handling.is_empty() {
            return Err(field_err(
                locale,
                "handling",
                "请填写处理情况",
                "Enter how it was handled",
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
        return Err(field_err(
            locale,
            "steps",
            "处置步骤尚未全部完成",
            "Not every step is recorded yet",
        ));
    }
    trimmed(&mut c.cause, 200, locale)?;
    trimmed(&mut c.handling, 200, locale)?;
    if c.cause.is_empty() {
        return Err(field_err(
            locale,
            "cause",
            "请填写报警原因",
            "Enter the cause",
        ));
    }
    if c.handling.is_empty() {
        return Err(field_err(
            locale,
            "handling",
            "请填写处理情况",
            "Enter how it was handled",
        ));
    }
    Ok(c)
}

/// Checks a repair's completion: who repaired it.
pub fn check_repair(mut r: RepairDone, locale: Locale) -> Result<RepairDone, FieldError> {
    trimmed(&mut r.repaired_by, 40, locale)?;
    trimmed(&mut r.note, 200, locale)?;
    if r.repaired_by.is_empty() {
        return Err(field_err(
            locale,
            "repaired_by",
            "请填写维修人员或单位",
            "Enter who repaired it",
        ));
    }
    Ok(r)
}

/// Checks a status entry: anything not normal is described.
pub fn check_status(mut s: StatusEntry, locale: Locale) -> Result<StatusEntry, FieldError> {
    trimmed(&mut s.note, 200, locale)?;
    if !s.normal && s.note.is_empty() {
        return Err(field_err(
            locale,
            "note",
            "设备异常时须写明情况",
            "Describe what is not normal",
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

/// An operator on a planned shift, with the expiry of their fire-facility operator certificate.
#[derive(Clone, Debug, PartialEq)]
pub struct Operator {
    pub name: String,
    pub certificate_until: Option<i64>,
}

/// What is wrong with a planned shift, each said in the person's language; empty when fine.
pub fn shift_warnings(operators: &[Operator], start: i64, end: i64, locale: Locale) -> Vec<String> {
    let mut w = Vec::new();
    if operators.len() < 2 {
        w.push(
            pick(
                locale,
                "每班至少2名值班人员",
                "A shift needs at least 2 operators",
            )
            .to_string(),
        );
    }
    if end - start > 8 * HOUR {
        w.push(pick(locale, "每班不超过8小时", "A shift lasts at most 8 hours").to_string());
    }
    if end <= start {
        w.push(
            pick(
                locale,
                "结束时间应晚于开始时间",
                "The end is after the start",
            )
            .to_string(),
        );
    }
    for o in operators {
        match o.certificate_until {
            Some(until) if until >= end => {}
            Some(_) => w.push(match locale {
                Locale::Zh => format!("{}的消防设施操作员证书在本班结束前过期", o.name),
                Locale::En => format!(
                    "{}'s operator certificate expires before the shift ends",
                    o.name
                ),
            }),
            None => w.push(match locale {
                Locale::Zh => format!("{}没有消防设施操作员证书", o.name),
                Locale::En => format!("{} holds no fire-facility operator certificate", o.name),
            }),
        }
    }
    w
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
        let ok = |name: &str| Operator {
            name: name.into(),
            certificate_until: Some(100 * HOUR),
        };
        assert!(shift_warnings(&[ok("甲"), ok("乙")], 0, 8 * HOUR, Locale::Zh).is_empty());
        let w = shift_warnings(&[ok("甲")], 0, 9 * HOUR, Locale::Zh);
        assert_eq!(w, ["每班至少2名值班人员", "每班不超过8小时"]);
        let expiring = Operator {
            name: "丙".into(),
            certificate_until: Some(4 * HOUR),
        };
        let none = Operator {
            name: "丁".into(),
            certificate_until: None,
        };
        let w = shift_warnings(&[expiring, none], 0, 8 * HOUR, Locale::Zh);
        assert_eq!(
            w,
            [
                "丙的消防设施操作员证书在本班结束前过期",
                "丁没有消防设施操作员证书"
            ]
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
