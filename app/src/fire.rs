//! Fire control room (消防控制室) rules, shared by the phone and the server: the ordered
//! handling of a fire alarm, shift staffing, and the two-hourly equipment status entries. The
//! clock is always passed in (milliseconds), so every rule is tested without waiting.

use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

fn pick(locale: Locale, zh: &'static str, en: &'static str) -> &'static str {
    if locale == Locale::Zh {
        zh
    } else {
        en
    }
}

/// The steps of handling a fire alarm, in the order they must be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FireStep {
    ConfirmOnSite,
    LinkageAuto,
    Call119,
    ReportToCharge,
    StartEvacuation,
}

impl FireStep {
    pub const ALL: [FireStep; 5] = [
        FireStep::ConfirmOnSite,
        FireStep::LinkageAuto,
        FireStep::Call119,
        FireStep::ReportToCharge,
        FireStep::StartEvacuation,
    ];

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            FireStep::ConfirmOnSite => pick(locale, "现场确认", "Confirm on site"),
            FireStep::LinkageAuto => pick(locale, "联动控制转自动", "Switch linkage to automatic"),
            FireStep::Call119 => pick(locale, "拨打119报警", "Call 119"),
            FireStep::ReportToCharge => pick(
                locale,
                "报告消防安全责任人",
                "Report to the person in charge",
            ),
            FireStep::StartEvacuation => {
                pick(locale, "启动应急疏散预案", "Start the evacuation plan")
            }
        }
    }
}

/// One step as recorded: done at a time, or skipped with a reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub step: FireStep,
    pub at: i64,
    /// Empty when the step was done; the reason when it was skipped.
    #[serde(default)]
    pub skipped_because: String,
}

/// Why a step cannot be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepError {
    /// An earlier step is neither done nor skipped with a reason.
    OutOfOrder { missing: FireStep },
    /// A step was already recorded.
    Twice,
    /// A skip needs a reason.
    NoReason,
    /// Earlier than the step before it.
    BeforePrevious,
}

impl StepError {
    pub fn message(&self, locale: Locale) -> String {
        match self {
            StepError::OutOfOrder { missing } => match locale {
                Locale::Zh => format!("请先完成“{}”，或写明跳过的原因", missing.label(locale)),
                Locale::En => format!(
                    "First do “{}”, or say why it is skipped",
                    missing.label(locale)
                ),
            },
            StepError::Twice => {
                pick(locale, "该步骤已记录", "This step is recorded already").into()
            }
            StepError::NoReason => pick(
                locale,
                "跳过步骤须写明原因",
                "A skipped step needs a reason",
            )
            .into(),
            StepError::BeforePrevious => pick(
                locale,
                "时间早于上一步骤",
                "The time is before the previous step",
            )
            .into(),
        }
    }
}

/// Records `next` after `done` (the steps recorded so far, in order): the steps must follow
/// [`FireStep::ALL`], none passed over without a reason, times never going back.
pub fn record_step(done: &[StepRecord], next: StepRecord) -> Result<Vec<StepRecord>, StepError> {
    if done.iter().any(|r| r.step == next.step) {
        return Err(StepError::Twice);
    }
    if let Some(missing) = FireStep::ALL
        .into_iter()
        .take_while(|s| *s != next.step)
        .find(|s| !done.iter().any(|r| r.step == *s))
    {
        return Err(StepError::OutOfOrder { missing });
    }
    if !next.skipped_because.is_empty() && next.skipped_because.trim().is_empty() {
        return Err(StepError::NoReason);
    }
    if done.last().is_some_and(|l| next.at < l.at) {
        return Err(StepError::BeforePrevious);
    }
    let mut out = done.to_vec();
    out.push(next);
    Ok(out)
}

/// Skips `step` with `reason` (which must say something).
pub fn skip(
    done: &[StepRecord],
    step: FireStep,
    at: i64,
    reason: &str,
) -> Result<Vec<StepRecord>, StepError> {
    if reason.trim().is_empty() {
        return Err(StepError::NoReason);
    }
    record_step(
        done,
        StepRecord {
            step,
            at,
            skipped_because: reason.trim().to_string(),
        },
    )
}

/// Every step is recorded (done or skipped with a reason).
pub fn complete(done: &[StepRecord]) -> bool {
    FireStep::ALL
        .iter()
        .all(|s| done.iter().any(|r| r.step == *s))
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

    fn done(step: FireStep, at: i64) -> StepRecord {
        StepRecord {
            step,
            at,
            skipped_because: String::new(),
        }
    }

    #[test]
    fn fire_steps_go_in_order() {
        let d = record_step(&[], done(FireStep::ConfirmOnSite, 10)).unwrap();
        assert_eq!(
            record_step(&d, done(FireStep::Call119, 20)).unwrap_err(),
            StepError::OutOfOrder {
                missing: FireStep::LinkageAuto
            }
        );
        let d = record_step(&d, done(FireStep::LinkageAuto, 20)).unwrap();
        assert_eq!(
            record_step(&d, done(FireStep::LinkageAuto, 30)).unwrap_err(),
            StepError::Twice
        );
        assert_eq!(
            record_step(&d, done(FireStep::Call119, 15)).unwrap_err(),
            StepError::BeforePrevious
        );
        let d = record_step(&d, done(FireStep::Call119, 30)).unwrap();
        assert!(!complete(&d));
        // Skipping needs a reason, and then counts.
        assert_eq!(
            skip(&d, FireStep::ReportToCharge, 40, "  ").unwrap_err(),
            StepError::NoReason
        );
        let d = skip(&d, FireStep::ReportToCharge, 40, "责任人已在现场").unwrap();
        let d = record_step(&d, done(FireStep::StartEvacuation, 50)).unwrap();
        assert!(complete(&d));
        assert_eq!(d[3].skipped_because, "责任人已在现场");
    }

    #[test]
    fn the_first_step_cannot_be_passed_over() {
        let e = record_step(&[], done(FireStep::StartEvacuation, 1)).unwrap_err();
        assert_eq!(
            e,
            StepError::OutOfOrder {
                missing: FireStep::ConfirmOnSite
            }
        );
        assert_eq!(
            e.message(Locale::Zh),
            "请先完成“现场确认”，或写明跳过的原因"
        );
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
