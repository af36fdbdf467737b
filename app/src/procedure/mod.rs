//! Procedures followed step by step under stress, each step time-stamped: handling a fire alarm
//! (消防控制室) and stopping a boiler (停炉). The steps go in order; none is passed over without a
//! reason; times never go back. One rule for both, shared by the phone and the server.

use crate::i18n::procedure_rules::Words;
use crate::i18n::{coded, pick, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;
pub use view::steps_of;

pub const PROCEDURE_STEP: Entity = Entity::declare("procedure_step").kept_by("at", 30);

coded!(
    /// Which procedure a step belongs to.
    ProcedureKind {
        FireAlarm = "fire_alarm", "火警处置", "Fire alarm";
        BoilerStop = "boiler_stop", "紧急停炉", "Boiler stop";
    }
);

/// One step: its code on the wire, its words on the phone.
#[derive(Debug, PartialEq, Eq)]
pub struct StepDef {
    pub code: &'static str,
    zh: &'static str,
    en: &'static str,
}

impl StepDef {
    pub fn label(&self, locale: Locale) -> &'static str {
        pick(locale, self.zh, self.en)
    }
}

const FIRE_ALARM: &[StepDef] = &[
    StepDef {
        code: "confirm_on_site",
        zh: "现场确认",
        en: "Confirm on site",
    },
    StepDef {
        code: "linkage_auto",
        zh: "联动控制转自动",
        en: "Switch linkage to automatic",
    },
    StepDef {
        code: "call_119",
        zh: "拨打119报警（地址、部位、燃烧物、火势、报警人及电话）",
        en: "Call 119 (address, place, what burns, size, caller and phone)",
    },
    StepDef {
        code: "report_to_charge",
        zh: "报告消防安全责任人",
        en: "Report to the person in charge",
    },
    StepDef {
        code: "start_evacuation",
        zh: "启动应急疏散预案",
        en: "Start the evacuation plan",
    },
];

const BOILER_STOP: &[StepDef] = &[
    StepDef {
        code: "stop_fuel",
        zh: "停止加煤（燃料）供给",
        en: "Stop feeding fuel",
    },
    StepDef {
        code: "damp_fire",
        zh: "压火或熄火，关闭鼓风、引风",
        en: "Bank or put out the fire, close the fans",
    },
    StepDef {
        code: "water_and_pressure",
        zh: "缺水时严禁向锅炉进水；开启放空阀泄压，热水锅炉保持循环",
        en: "Never feed water into a boiler short of water; vent the pressure, keep hot water circulating",
    },
    StepDef {
        code: "report_supervisor",
        zh: "报告主管和法庭负责人",
        en: "Report to the supervisor and the tribunal's head",
    },
];

impl ProcedureKind {
    pub fn steps(self) -> &'static [StepDef] {
        match self {
            ProcedureKind::FireAlarm => FIRE_ALARM,
            ProcedureKind::BoilerStop => BOILER_STOP,
        }
    }
    pub fn step(self, code: &str) -> Option<&'static StepDef> {
        self.steps().iter().find(|s| s.code == code)
    }
}

/// One step as recorded: done at a time, or skipped with a reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    pub step: String,
    pub at: i64,
    /// Empty when the step was done; the reason when it was skipped.
    #[serde(default)]
    pub skipped_because: String,
}

/// Why a step cannot be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepError {
    /// Not a step of this procedure.
    Unknown,
    /// An earlier step is neither done nor skipped with a reason.
    OutOfOrder { missing: &'static StepDef },
    /// The step was already recorded.
    Twice,
    /// A skip needs a reason.
    NoReason,
    /// Earlier than the step before it.
    BeforePrevious,
}

impl StepError {
    pub fn message(&self, locale: Locale) -> String {
        match self {
            StepError::Unknown => Words::NoSuchStep.text(locale).into(),
            StepError::OutOfOrder { missing } => match locale {
                Locale::Zh => format!("请先完成“{}”，或写明跳过的原因", missing.label(locale)),
                Locale::En => format!(
                    "First do “{}”, or say why it is skipped",
                    missing.label(locale)
                ),
            },
            StepError::Twice => Words::ThisStepIsRecordedAlready.text(locale).into(),
            StepError::NoReason => Words::ASkippedStepNeedsAReason.text(locale).into(),
            StepError::BeforePrevious => Words::TheTimeIsBeforeThePrevious.text(locale).into(),
        }
    }
}

/// Records `next` after `done` (the steps recorded so far, in order): the steps must follow
/// the procedure, none passed over without a reason, times never going back.
pub fn record_step(
    kind: ProcedureKind,
    done: &[StepRecord],
    mut next: StepRecord,
) -> Result<Vec<StepRecord>, StepError> {
    let def = kind.step(&next.step).ok_or(StepError::Unknown)?;
    if done.iter().any(|r| r.step == next.step) {
        return Err(StepError::Twice);
    }
    if let Some(missing) = kind
        .steps()
        .iter()
        .take_while(|s| s.code != def.code)
        .find(|s| !done.iter().any(|r| r.step == s.code))
    {
        return Err(StepError::OutOfOrder { missing });
    }
    if !next.skipped_because.is_empty() && next.skipped_because.trim().is_empty() {
        return Err(StepError::NoReason);
    }
    next.skipped_because = next.skipped_because.trim().to_string();
    if done.last().is_some_and(|l| next.at < l.at) {
        return Err(StepError::BeforePrevious);
    }
    let mut out = done.to_vec();
    out.push(next);
    Ok(out)
}

/// The step to take next, if any is left.
pub fn next_step(kind: ProcedureKind, done: &[StepRecord]) -> Option<&'static StepDef> {
    kind.steps()
        .iter()
        .find(|s| !done.iter().any(|r| r.step == s.code))
}

/// Every step is recorded (done or skipped with a reason).
pub fn complete(kind: ProcedureKind, done: &[StepRecord]) -> bool {
    next_step(kind, done).is_none()
}

/// `procedure.step` v1: one step of an open fire alarm or boiler stop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The alarm or the boiler stop.
    pub of: String,
    pub kind: ProcedureKind,
    pub step: String,
    #[serde(default)]
    pub skipped_because: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(step: &str, at: i64) -> StepRecord {
        StepRecord {
            step: step.into(),
            at,
            skipped_because: String::new(),
        }
    }

    fn skip(step: &str, at: i64, why: &str) -> StepRecord {
        StepRecord {
            skipped_because: why.into(),
            ..done(step, at)
        }
    }

    const F: ProcedureKind = ProcedureKind::FireAlarm;

    #[test]
    fn fire_steps_go_in_order() {
        let d = record_step(F, &[], done("confirm_on_site", 10)).unwrap();
        assert_eq!(
            record_step(F, &d, done("call_119", 20)).unwrap_err(),
            StepError::OutOfOrder {
                missing: F.step("linkage_auto").unwrap()
            }
        );
        let d = record_step(F, &d, done("linkage_auto", 20)).unwrap();
        assert_eq!(
            record_step(F, &d, done("linkage_auto", 30)).unwrap_err(),
            StepError::Twice
        );
        assert_eq!(
            record_step(F, &d, done("call_119", 15)).unwrap_err(),
            StepError::BeforePrevious
        );
        assert_eq!(
            record_step(F, &d, done("stop_fuel", 30)).unwrap_err(),
            StepError::Unknown
        );
        let d = record_step(F, &d, done("call_119", 30)).unwrap();
        assert!(!complete(F, &d));
        assert_eq!(next_step(F, &d).unwrap().code, "report_to_charge");
        // Skipping needs a reason, and then counts.
        assert_eq!(
            record_step(F, &d, skip("report_to_charge", 40, "  ")).unwrap_err(),
            StepError::NoReason
        );
        let d = record_step(F, &d, skip("report_to_charge", 40, " 责任人已在现场 ")).unwrap();
        let d = record_step(F, &d, done("start_evacuation", 50)).unwrap();
        assert!(complete(F, &d));
        assert_eq!(d[3].skipped_because, "责任人已在现场");
    }

    #[test]
    fn the_first_step_cannot_be_passed_over() {
        let e = record_step(F, &[], done("start_evacuation", 1)).unwrap_err();
        assert_eq!(
            e.message(Locale::Zh),
            "请先完成“现场确认”，或写明跳过的原因"
        );
        let b = ProcedureKind::BoilerStop;
        let e = record_step(b, &[], done("report_supervisor", 1)).unwrap_err();
        assert_eq!(
            e.message(Locale::En),
            "First do “Stop feeding fuel”, or say why it is skipped"
        );
    }
}
