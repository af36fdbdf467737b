//! Procedures followed step by step under stress, each step time-stamped: handling a fire alarm
//! (消防控制室), stopping a boiler (停炉), and the emergencies any post meets (突发事件: a fire
//! elsewhere, violent conflict, a medical emergency, equipment failure, a suspicious item). The
//! steps go in order; none is passed over without a reason; times never go back; the immediate
//! report to the court says what happened in words. One rule for all, shared by the phone and
//! the server.

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
        Fire = "fire", "火灾", "Fire";
        ViolentConflict = "violent_conflict", "暴力冲突", "Violent conflict";
        Medical = "medical", "突发疾病或受伤", "Medical emergency";
        EquipmentFailure = "equipment_failure", "设备故障", "Equipment failure";
        SuspiciousItem = "suspicious_item", "可疑物品", "Suspicious item";
        Other = "other", "其他突发事件", "Other emergency";
    }
);

/// The step of an emergency that reports it to the court at once (time, place, nature,
/// impact): done with what was said, in words.
pub const REPORT_TO_COURT: &str = "report_to_court";

/// One step: its code on the wire, its words on the phone.
#[derive(Debug, PartialEq, Eq)]
pub struct StepDef {
    pub code: &'static str,
    zh: &'static str,
    en: &'static str,
}

const fn step(code: &'static str, zh: &'static str, en: &'static str) -> StepDef {
    StepDef { code, zh, en }
}

impl StepDef {
    /// Is this step done with words (what was reported)?
    pub fn needs_note(&self) -> bool {
        self.code == REPORT_TO_COURT
    }
}

const TO_COURT: StepDef = step(
    REPORT_TO_COURT,
    "立即报告法院（时间、地点、性质、影响）",
    "Report to the court at once (time, place, nature, impact)",
);

const FIRE: &[StepDef] = &[
    step("confirm_fire", "现场确认火情", "Confirm the fire on site"),
    step(
        "call_119",
        "拨打119报警（地址、部位、燃烧物、火势、报警人及电话）",
        "Call 119 (address, place, what burns, size, caller and phone)",
    ),
    step(
        "first_attack",
        "组织初期扑救（灭火器、消火栓）",
        "Fight it early (extinguishers, hydrants)",
    ),
    step("evacuate", "组织人员疏散", "Evacuate people"),
    TO_COURT,
];

const VIOLENT_CONFLICT: &[StepDef] = &[
    step(
        "stop_and_separate",
        "制止冲突，隔离双方",
        "Stop it and separate the people",
    ),
    step("protect_scene", "保护现场", "Protect the scene"),
    step(
        "call_police",
        "通知司法警察或拨打110",
        "Call the judicial police or 110",
    ),
    TO_COURT,
];

const MEDICAL: &[StepDef] = &[
    step("first_aid", "现场救护", "First aid on the spot"),
    step("call_120", "拨打120", "Call 120"),
    step(
        "guide_ambulance",
        "维护秩序，引导救护车",
        "Keep order, guide the ambulance in",
    ),
    TO_COURT,
];

const EQUIPMENT_FAILURE: &[StepDef] = &[
    step("report_repair", "报修", "Report it for repair"),
    step(
        "interim_measure",
        "采取临时措施（如改为人工安检）",
        "Take an interim measure (screening by hand, say)",
    ),
    TO_COURT,
    step("follow_up", "跟进修复情况", "Follow the repair up"),
];

const SUSPICIOUS_ITEM: &[StepDef] = &[
    step(
        "isolate",
        "隔离可疑物品，疏散周边人员",
        "Isolate the item, move people away",
    ),
    step(
        "do_not_touch",
        "禁止触动、移动",
        "Let nobody touch or move it",
    ),
    step(
        "call_police",
        "通知司法警察或拨打110",
        "Call the judicial police or 110",
    ),
    TO_COURT,
];

const OTHER: &[StepDef] = &[
    step("control", "控制现场", "Bring the scene under control"),
    TO_COURT,
];

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
    /// The kinds of emergency a guard opens at any post (the fire room's alarms and the
    /// boiler's stops have their own records).
    pub const EMERGENCIES: &'static [ProcedureKind] = &[
        ProcedureKind::ViolentConflict,
        ProcedureKind::Fire,
        ProcedureKind::Medical,
        ProcedureKind::EquipmentFailure,
        ProcedureKind::SuspiciousItem,
        ProcedureKind::Other,
    ];

    pub fn is_emergency(self) -> bool {
        Self::EMERGENCIES.contains(&self)
    }

    pub fn steps(self) -> &'static [StepDef] {
        match self {
            ProcedureKind::FireAlarm => FIRE_ALARM,
            ProcedureKind::BoilerStop => BOILER_STOP,
            ProcedureKind::Fire => FIRE,
            ProcedureKind::ViolentConflict => VIOLENT_CONFLICT,
            ProcedureKind::Medical => MEDICAL,
            ProcedureKind::EquipmentFailure => EQUIPMENT_FAILURE,
            ProcedureKind::SuspiciousItem => SUSPICIOUS_ITEM,
            ProcedureKind::Other => OTHER,
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
    /// What was said, for a step done in words (the report to the court).
    #[serde(default)]
    pub note: String,
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
    /// A report done says what was reported.
    NoNote,
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
            StepError::NoNote => Words::SayWhatWasReported.text(locale).into(),
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
    next.note = next.note.trim().chars().take(300).collect();
    if !def.needs_note() {
        next.note.clear();
    } else if next.skipped_because.is_empty() && next.note.chars().count() < 4 {
        return Err(StepError::NoNote);
    }
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
    /// What was said, for a step done in words (added to v1: older phones send none, and none
    /// of their steps needs one).
    #[serde(default)]
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(step: &str, at: i64) -> StepRecord {
        StepRecord {
            step: step.into(),
            at,
            skipped_because: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn the_report_to_the_court_says_what_was_reported() {
        let v = ProcedureKind::ViolentConflict;
        let mut d = Vec::new();
        for s in ["stop_and_separate", "protect_scene", "call_police"] {
            d = record_step(v, &d, done(s, 1)).unwrap();
        }
        assert_eq!(
            record_step(v, &d, done(REPORT_TO_COURT, 2)).unwrap_err(),
            StepError::NoNote
        );
        let told = StepRecord {
            note: " 10:05 二楼走廊两人争吵，已分开，无人受伤 ".into(),
            ..done(REPORT_TO_COURT, 2)
        };
        let d = record_step(v, &d, told).unwrap();
        assert!(complete(v, &d));
        assert_eq!(d[3].note, "10:05 二楼走廊两人争吵，已分开，无人受伤");
        // Any other step keeps no words.
        let f = ProcedureKind::FireAlarm;
        let noted = StepRecord {
            note: "x".into(),
            ..done("confirm_on_site", 1)
        };
        assert_eq!(record_step(f, &[], noted).unwrap()[0].note, "");
        // Every emergency reports to the court.
        for k in ProcedureKind::EMERGENCIES {
            assert!(k.step(REPORT_TO_COURT).is_some(), "{k:?}");
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
