//! The supervisor's inspections (项目负责人监督检查): the weekly on-site inspection, the monthly
//! full inspection and unannounced spot checks, each from a checklist the supervisor can edit;
//! a failed item becomes a rectification in one tap. And screening-accuracy sampling: the
//! supervisor re-checks some of the day's screenings; the share confirmed correct is the
//! contract's screening-accuracy figure (≥ 95%).

use crate::core::FieldError;
use crate::hazard::Category;
use crate::i18n::inspect_rules::Words;
use crate::i18n::{coded, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;

pub const INSPECTION_CHECKLIST: Entity = Entity::declare("inspection_checklist");
pub const INSPECTION: Entity = Entity::declare("inspection").kept_by("recorded_at", 62);
pub const SCREENING_SAMPLE: Entity = Entity::declare("screening_sample").kept_by("sampled_at", 31);

coded!(
    /// How often, and how announced, an inspection is.
    InspectionKind {
        Weekly = "weekly", "每周现场检查", "Weekly on-site";
        Monthly = "monthly", "每月全面检查", "Monthly full";
        Spot = "spot", "不定期抽查", "Spot check";
    }
);

const DAY_MS: i64 = 24 * 3600 * 1000;

impl InspectionKind {
    /// Whether one is due at `now` given the last one of this kind at the site (`None`: never):
    /// weekly within 7 days, monthly within the court month; spot checks are never due.
    pub fn due(self, last: Option<i64>, now: i64) -> bool {
        match (self, last) {
            (InspectionKind::Spot, _) => false,
            (_, None) => true,
            (InspectionKind::Weekly, Some(t)) => now - t >= 7 * DAY_MS,
            (InspectionKind::Monthly, Some(t)) => {
                let (y1, m1, _) = crate::core::court_date(t);
                let (y2, m2, _) = crate::core::court_date(now);
                (y1, m1) != (y2, m2)
            }
        }
    }
}

/// A checklist to inspect from, as the bid starts them; supervisors edit the items.
pub struct StartingChecklist {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub category: Category,
    pub items: &'static [&'static str],
}

/// The bid's checklists (项目负责人监督机制), the starting point of the editable ones.
pub const STARTING: &[StartingChecklist] = &[
    StartingChecklist {
        code: "screening",
        name_zh: "安检流程",
        name_en: "Screening procedure",
        category: Category::PublicOrder,
        items: &[
            "安检人员在岗在位，着装规范",
            "人员均经安检门和手持金属探测器检查",
            "随身物品经X光机检查，可疑物品开包复查",
            "违禁物品登记、暂存或移交处理",
            "安检设备每日开机自检并记录",
        ],
    },
    StartingChecklist {
        code: "registration",
        name_zh: "来访登记",
        name_en: "Visitor registration",
        category: Category::PublicOrder,
        items: &[
            "来访人员核验身份证件并登记",
            "登记信息完整（姓名、证件、事由、去向、时间）",
            "证件号码屏幕遮挡显示，未外泄",
            "离开时间登记及时",
        ],
    },
    StartingChecklist {
        code: "order",
        name_zh: "秩序维护",
        name_en: "Order keeping",
        category: Category::PublicOrder,
        items: &[
            "大厅、走廊秩序良好，无聚集滞留",
            "巡庭、值庭按要求开展",
            "突发事件处置预案熟悉",
        ],
    },
    StartingChecklist {
        code: "gate",
        name_zh: "门卫登记",
        name_en: "Gate registration",
        category: Category::PublicOrder,
        items: &[
            "外来车辆登记、引导停放",
            "快递包裹登记、签收",
            "执行扣押车辆物品交接记录完整",
            "上班前、下班后安全检查已完成",
        ],
    },
    StartingChecklist {
        code: "boiler",
        name_zh: "锅炉运行",
        name_en: "Boiler operation",
        category: Category::Boiler,
        items: &[
            "运行记录按时填写，数据真实",
            "排污、冲洗水位表、低水位报警试验按时进行",
            "安全附件（安全阀、压力表、水位表）完好",
            "锅炉房整洁，无杂物堆放",
        ],
    },
    StartingChecklist {
        code: "sanitation",
        name_zh: "卫生及绿植",
        name_en: "Sanitation and plants",
        category: Category::Sanitation,
        items: &[
            "办公楼、院落、卫生间清洁",
            "花草浇水、修剪及时",
            "菜园管护良好",
        ],
    },
    StartingChecklist {
        code: "fire_monitor",
        name_zh: "消防监控",
        name_en: "Fire-control monitoring",
        category: Category::Fire,
        items: &[
            "消防值班人员实时监控，24小时不间断",
            "监控设备运行正常，无故障或异常",
            "值班记录完整准确，异常处理及时",
        ],
    },
    StartingChecklist {
        code: "facility",
        name_zh: "设施巡检",
        name_en: "Facility inspection",
        category: Category::Fire,
        items: &[
            "按规定时间间隔和标准巡检消防设施",
            "巡检记录完整准确，问题报告处理及时",
            "消防设施运行正常，无损坏缺失",
        ],
    },
    StartingChecklist {
        code: "alarm",
        name_zh: "报警处置",
        name_en: "Alarm handling",
        category: Category::Fire,
        items: &[
            "火警按程序确认、处置并报告",
            "误报、故障报警及时报修并跟踪",
            "报警处置记录完整",
        ],
    },
];

/// One item's result in an inspection: the item's text as it was (the checklist may change
/// later), passed or not, a note, and whether a failure becomes a rectification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub text: String,
    pub ok: bool,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub rectify: bool,
}

/// `inspection.record` v1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub id: String,
    pub site_id: String,
    pub kind: InspectionKind,
    pub checklist_id: String,
    pub items: Vec<ItemResult>,
    #[serde(default)]
    pub note: String,
}

/// The id of the hazard (and so of the rectification) an inspection's failed item `i` opens.
pub fn finding_id(inspection: &str, i: usize) -> String {
    format!("{inspection}/{i}")
}

/// Checks an inspection against its checklist's items (`expected`, in order): each answered,
/// a failure with a note.
pub fn check(
    mut i: Inspection,
    expected: &[String],
    locale: Locale,
) -> Result<Inspection, FieldError> {
    if i.items.len() != expected.len() || i.items.iter().zip(expected).any(|(a, e)| a.text != *e) {
        return Err(FieldError {
            field: "items",
            message: Words::TheItemsDoNotMatchThe.text(locale).into(),
        });
    }
    for item in &mut i.items {
        item.note = item.note.trim().chars().take(300).collect();
        if !item.ok && item.note.is_empty() {
            return Err(FieldError {
                field: "items",
                message: match locale {
                    Locale::Zh => format!("“{}”不合格，请写明问题", item.text),
                    Locale::En => format!("“{}” failed: say what is wrong", item.text),
                },
            });
        }
        item.rectify &= !item.ok;
    }
    i.note = i.note.trim().chars().take(500).collect();
    Ok(i)
}

/// A checklist's items as a supervisor typed them, one per line: trimmed, empty lines dropped,
/// at least one, at most 30, each at most 60 characters.
pub fn parse_items(text: &str, locale: Locale) -> Result<Vec<String>, FieldError> {
    let items: Vec<String> = text
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let bad = |words: Words| FieldError::said(locale, "items", words);
    if items.is_empty() {
        return Err(bad(Words::AChecklistNeedsAtLeastOne));
    }
    if items.len() > 30 {
        return Err(bad(Words::AtMost30Items));
    }
    if items.iter().any(|i| i.chars().count() > 60) {
        return Err(bad(Words::AtMost60CharactersAnItem));
    }
    Ok(items)
}

/// An editable checklist as the phone pulls it (`inspection_checklist`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChecklistRow {
    pub name_zh: String,
    pub name_en: String,
    pub category: String,
    /// JSON array of the items' texts.
    pub items: String,
    pub sort: i64,
}

impl ChecklistRow {
    pub fn items(&self) -> Vec<String> {
        serde_json::from_str(&self.items).unwrap_or_default()
    }
}

/// An inspection as the phone pulls it (`inspection`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InspectionRow {
    pub site_id: String,
    pub kind: String,
    pub checklist_id: String,
    pub name_zh: String,
    pub failed: i64,
    pub recorded_at: i64,
    pub author_id: String,
}

/// `screening.sample` v1: a supervisor's re-check of one screening.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub screening_id: String,
    pub correct: bool,
    #[serde(default)]
    pub note: String,
}

pub fn check_sample(mut s: Sample, locale: Locale) -> Result<Sample, FieldError> {
    s.note = s.note.trim().chars().take(300).collect();
    if !s.correct && s.note.is_empty() {
        return Err(FieldError {
            field: "note",
            message: Words::SayWhatWasWrongWithThe.text(locale).into(),
        });
    }
    Ok(s)
}

/// The id of the sample of a screening (one per screening: sampling it twice changes nothing).
pub fn sample_id(screening_id: &str) -> String {
    format!("{screening_id}/sample")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phone_keeps_the_last_monthly_inspection_however_late_in_the_month() {
        // Done at the start of a 31-day month (2026-12-01 court time): on every day of that
        // month it is not due, so the phone must still hold it then (it kept 14 days before).
        let (_, days) = INSPECTION
            .window()
            .expect("inspections are kept by a window");
        let done = 1_796_054_400_000; // 2026-12-01 00:00 +08:00
        for day in 0..31 {
            let now = done + day * DAY_MS + DAY_MS / 2;
            assert!(!InspectionKind::Monthly.due(Some(done), now), "day {day}");
            assert!(
                now - done < days * DAY_MS,
                "day {day}: pruned while not due"
            );
        }
    }

    #[test]
    fn inspections_are_due_weekly_and_monthly() {
        // 2026-11-29 01:00 in the court.
        let now = 1_795_885_200_000;
        assert!(InspectionKind::Weekly.due(None, now));
        assert!(!InspectionKind::Weekly.due(Some(now - 6 * DAY_MS), now));
        assert!(InspectionKind::Weekly.due(Some(now - 7 * DAY_MS), now));
        assert!(!InspectionKind::Monthly.due(Some(now - 20 * DAY_MS), now));
        assert!(InspectionKind::Monthly.due(Some(now - 30 * DAY_MS), now));
        assert!(!InspectionKind::Spot.due(None, now));
    }

    fn inspection(items: Vec<ItemResult>) -> Inspection {
        Inspection {
            id: "i".into(),
            site_id: "s".into(),
            kind: InspectionKind::Weekly,
            checklist_id: "c".into(),
            items,
            note: String::new(),
        }
    }

    #[test]
    fn an_inspection_answers_its_checklist() {
        let expected = vec!["甲".to_string(), "乙".to_string()];
        let item = |text: &str, ok: bool, note: &str, rectify: bool| ItemResult {
            text: text.into(),
            ok,
            note: note.into(),
            rectify,
        };
        let ok = inspection(vec![
            item("甲", true, "", true),
            item("乙", true, "", false),
        ]);
        let checked = check(ok, &expected, Locale::Zh).unwrap();
        assert!(!checked.items[0].rectify, "a pass is never rectified");
        let missing = inspection(vec![item("甲", true, "", false)]);
        assert!(check(missing, &expected, Locale::Zh).is_err());
        let changed = inspection(vec![
            item("甲", true, "", false),
            item("丙", true, "", false),
        ]);
        assert!(check(changed, &expected, Locale::Zh).is_err());
        let no_note = inspection(vec![
            item("甲", false, " ", true),
            item("乙", true, "", false),
        ]);
        let e = check(no_note, &expected, Locale::Zh).unwrap_err();
        assert!(e.message.contains("甲"), "{}", e.message);
        let failed = inspection(vec![
            item("甲", false, "未自检", true),
            item("乙", true, "", false),
        ]);
        assert!(check(failed, &expected, Locale::Zh).unwrap().items[0].rectify);
    }

    #[test]
    fn checklist_items_and_samples() {
        assert_eq!(
            parse_items(" 一 \n\n二\n", Locale::Zh).unwrap(),
            vec!["一", "二"]
        );
        assert!(parse_items(" \n ", Locale::Zh).is_err());
        assert!(parse_items(&"长".repeat(61), Locale::Zh).is_err());
        assert_eq!(STARTING.len(), 9);
        assert!(STARTING.iter().all(|c| !c.items.is_empty()));
        let s = Sample {
            screening_id: "x".into(),
            correct: false,
            note: String::new(),
        };
        assert_eq!(
            check_sample(s.clone(), Locale::Zh).unwrap_err().field,
            "note"
        );
        assert!(check_sample(Sample { correct: true, ..s }, Locale::Zh).is_ok());
        assert_eq!(finding_id("i", 2), "i/2");
    }
}
