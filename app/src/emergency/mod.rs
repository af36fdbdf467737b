//! Emergencies (突发事件) at any post: opened in two taps by kind, walked step by step (the
//! steps are [`crate::procedure`]'s, each time-stamped, skipped only with a reason, one of them
//! the immediate report to the court), and closed by the report afterwards (cause, process,
//! losses, lessons, improvements), due within [`AFTER_REPORT_WITHIN`] of the opening. A drill
//! goes through the same flow, marked as one. Shared by the phone and the server.

use crate::core::{trimmed, FieldError};
use crate::i18n::emergency_rules::Words;
use crate::i18n::Locale;
use crate::procedure::ProcedureKind;
use crate::rows::Entity;
use serde::{Deserialize, Serialize};

pub mod view;

/// Emergencies stay on phones 90 days, open ones however old.
pub const EMERGENCY: Entity = Entity::declare("emergency")
    .kept_by("opened_at", 90)
    .open_until("closed_at");

/// The report afterwards is due this long after the emergency was opened.
pub const AFTER_REPORT_WITHIN: i64 = 48 * 3600 * 1000;

/// `emergency.open` v1: an emergency of a kind at a site, now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Open {
    pub id: String,
    pub site_id: String,
    pub kind: ProcedureKind,
    /// Where (may be said later, in the report to the court).
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub drill: bool,
}

/// `emergency.after_report` v1: the report afterwards, which closes the emergency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AfterReport {
    pub emergency_id: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub process: String,
    #[serde(default)]
    pub losses: String,
    #[serde(default)]
    pub lessons: String,
    #[serde(default)]
    pub improvements: String,
}

pub fn check_open(mut o: Open, locale: Locale) -> Result<Open, FieldError> {
    if !o.kind.is_emergency() {
        return Err(FieldError::said(locale, "kind", Words::ChooseWhatHappened));
    }
    o.place = trimmed("place", &o.place, 60, locale)?;
    Ok(o)
}

/// Every part of the report afterwards is said (losses may be "none").
pub fn check_after_report(mut r: AfterReport, locale: Locale) -> Result<AfterReport, FieldError> {
    let parts: [(&'static str, &mut String, Words); 5] = [
        ("cause", &mut r.cause, Words::SayTheCause),
        ("process", &mut r.process, Words::SayHowItWasHandled),
        ("losses", &mut r.losses, Words::SayTheLosses),
        ("lessons", &mut r.lessons, Words::SayTheLessons),
        (
            "improvements",
            &mut r.improvements,
            Words::SayTheImprovements,
        ),
    ];
    for (field, value, missing) in parts {
        *value = trimmed(field, value, 500, locale)?;
        if value.is_empty() {
            return Err(FieldError::said(locale, field, missing));
        }
    }
    Ok(r)
}

/// An emergency as phones keep it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EmergencyRow {
    pub site_id: String,
    pub kind: String,
    #[serde(default)]
    pub place: String,
    #[serde(default, deserialize_with = "crate::rows::bool_or_int")]
    pub drill: bool,
    pub opened_at: i64,
    #[serde(default)]
    pub opened_name: Option<String>,
    #[serde(default)]
    pub after_report_at: Option<i64>,
    #[serde(default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub process: Option<String>,
    #[serde(default)]
    pub losses: Option<String>,
    #[serde(default)]
    pub lessons: Option<String>,
    #[serde(default)]
    pub improvements: Option<String>,
    #[serde(default)]
    pub closed_at: Option<i64>,
    pub author_id: String,
}

impl EmergencyRow {
    pub fn kind(&self) -> Option<ProcedureKind> {
        ProcedureKind::parse(&self.kind).filter(|k| k.is_emergency())
    }
    /// When the report afterwards is due.
    pub fn after_report_due(&self) -> i64 {
        self.opened_at + AFTER_REPORT_WITHIN
    }
    /// Its report afterwards is late at `now` (not made in time, or made after the time).
    pub fn after_report_late(&self, now: i64) -> bool {
        self.after_report_at.unwrap_or(now) > self.after_report_due()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emergency_is_one_of_the_emergency_kinds() {
        let o = Open {
            id: "e".into(),
            site_id: "s".into(),
            kind: ProcedureKind::ViolentConflict,
            place: " 二楼走廊 ".into(),
            drill: false,
        };
        assert_eq!(check_open(o.clone(), Locale::Zh).unwrap().place, "二楼走廊");
        let boiler = Open {
            kind: ProcedureKind::BoilerStop,
            ..o
        };
        assert_eq!(check_open(boiler, Locale::Zh).unwrap_err().field, "kind");
    }

    #[test]
    fn the_report_afterwards_says_every_part() {
        let full = AfterReport {
            emergency_id: "e".into(),
            cause: "当事人不满判决".into(),
            process: "制止、隔离、报警".into(),
            losses: "无".into(),
            lessons: "安检口应加派人手".into(),
            improvements: "开庭高峰增派一人".into(),
        };
        assert!(check_after_report(full.clone(), Locale::Zh).is_ok());
        let e = check_after_report(
            AfterReport {
                lessons: " ".into(),
                ..full
            },
            Locale::Zh,
        )
        .unwrap_err();
        assert_eq!(e.field, "lessons");
    }

    #[test]
    fn the_report_afterwards_is_late_after_48_hours() {
        let r = EmergencyRow {
            opened_at: 0,
            ..Default::default()
        };
        assert!(!r.after_report_late(AFTER_REPORT_WITHIN));
        assert!(r.after_report_late(AFTER_REPORT_WITHIN + 1));
        let made = EmergencyRow {
            after_report_at: Some(10),
            ..r
        };
        assert!(!made.after_report_late(AFTER_REPORT_WITHIN * 5));
    }
}
