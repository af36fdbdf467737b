//! Daily checklists, one record type for several duties: housekeeping at the tribunals (cleaning,
//! plants, vegetable plot, meals), the main court's water tanks, the fire controller's daily
//! check, the daily fire patrol (防火巡查) and the periodic facility inspection. Each item is done
//! (or in order) or not, with a note when not. The fire patrol and the facility inspection are
//! countersigned by a supervisor, never by the person who made them.

use crate::core::FieldError;
use crate::i18n::checklist_rules::Words;
use crate::i18n::{coded, pick, Locale};
use crate::model::Action;
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;

pub const CHECKLIST: Entity = Entity::declare("checklist").kept_by("recorded_at", 62);

coded!(
    ChecklistKind {
        Housekeeping = "housekeeping", "卫生与绿植", "Cleaning and plants";
        WaterTank = "water_tank", "水箱补水检查", "Water tanks";
        ControllerCheck = "controller_check", "控制器日检", "Controller daily check";
        FirePatrol = "fire_patrol", "防火巡查", "Fire patrol";
        FacilityInspection = "facility_inspection", "消防设施检查", "Fire facility inspection";
    }
);

/// One item of a checklist: its code and words.
pub struct ItemDef {
    pub key: &'static str,
    zh: &'static str,
    en: &'static str,
}

impl ItemDef {
    pub fn label(&self, locale: Locale) -> &'static str {
        pick(locale, self.zh, self.en)
    }
}

macro_rules! items {
    ($($key:literal, $zh:literal, $en:literal;)*) => {
        &[$(ItemDef { key: $key, zh: $zh, en: $en }),*]
    };
}

impl ChecklistKind {
    pub fn items(self) -> &'static [ItemDef] {
        match self {
            ChecklistKind::Housekeeping => items! {
                "office", "办公楼清扫", "Office building cleaned";
                "yard", "院落清扫", "Yard swept";
                "restrooms", "卫生间清扫", "Restrooms cleaned";
                "plants_water", "楼内院内绿植浇水", "Plants watered";
                "plants_prune", "绿植剪枝维护", "Plants pruned";
                "garden", "菜园打理", "Vegetable plot tended";
                "breakfast", "早餐加工供应", "Breakfast served";
                "lunch", "午餐加工供应", "Lunch served";
            },
            ChecklistKind::WaterTank => items! {
                "living_refill", "生活水箱补水", "Living-water tank refilled";
                "living_check", "生活水箱检查（水位、卫生、盖板加锁）", "Living-water tank checked (level, clean, lid locked)";
                "fire_refill", "消防水箱补水", "Fire-water tank refilled";
                "fire_check", "消防水箱检查（水位、阀门、防冻）", "Fire-water tank checked (level, valves, frost)";
            },
            ChecklistKind::ControllerCheck => items! {
                "self_test", "自检", "Self-test";
                "silence", "消音", "Silence";
                "reset", "复位", "Reset";
                "main_power", "主电源", "Main power";
                "backup_power", "备用电源", "Backup power";
                "linkage_auto", "联动控制处于自动状态", "Linkage in automatic mode";
            },
            ChecklistKind::FirePatrol => items! {
                "fire_electric", "用火、用电有无违章", "Use of fire and electricity";
                "exits", "安全出口、疏散通道畅通，疏散指示标志、应急照明完好", "Exits and escape routes clear, signs and emergency lights working";
                "equipment", "消防设施、器材和消防安全标志在位、完整", "Fire equipment and signs in place";
                "doors", "常闭式防火门关闭，防火卷帘下无堆放", "Fire doors closed, nothing under fire shutters";
                "staff", "消防安全重点部位人员在岗", "Staff at key posts";
                "other", "其他消防安全情况", "Other";
            },
            ChecklistKind::FacilityInspection => items! {
                "extinguishers", "灭火器（压力、有效期、位置）", "Extinguishers (pressure, date, place)";
                "hydrants", "消火栓（水带、水枪、阀门、水压）", "Hydrants (hose, nozzle, valve, pressure)";
                "sprinklers", "自动喷水灭火系统（喷头、阀门、末端试水）", "Sprinklers (heads, valves, test outlet)";
            },
        }
    }

    /// Who keeps this checklist.
    pub fn kept_with(self) -> &'static [Action] {
        match self {
            ChecklistKind::Housekeeping => &[Action::Housekeeping],
            ChecklistKind::WaterTank => &[Action::GateLog, Action::Housekeeping],
            _ => &[Action::FireDuty],
        }
    }

    /// Countersigned by a supervisor.
    pub fn countersigned(self) -> bool {
        matches!(
            self,
            ChecklistKind::FirePatrol | ChecklistKind::FacilityInspection
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub key: String,
    pub ok: bool,
    #[serde(default)]
    pub note: String,
}

/// `checklist.record` v1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    pub id: String,
    pub site_id: String,
    pub kind: ChecklistKind,
    pub items: Vec<ItemResult>,
    #[serde(default)]
    pub note: String,
}

/// `checklist.countersign` v1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Countersign {
    pub checklist_id: String,
    #[serde(default)]
    pub note: String,
}

/// Checks a checklist: every item of its kind answered once, nothing else, a note for each item
/// not done or not in order. Returns it with the items in the kind's order.
pub fn check(mut c: Checklist, locale: Locale) -> Result<Checklist, FieldError> {
    let defs = c.kind.items();
    let mut ordered = Vec::with_capacity(defs.len());
    for d in defs {
        let mut answers = c.items.iter().filter(|i| i.key == d.key);
        let (Some(a), None) = (answers.next(), answers.next()) else {
            return Err(FieldError {
                field: "items",
                message: match locale {
                    Locale::Zh => format!("请填写“{}”", d.label(locale)),
                    Locale::En => format!("Answer “{}”", d.label(locale)),
                },
            });
        };
        let note = a.note.trim().to_string();
        if !a.ok && note.is_empty() {
            return Err(FieldError {
                field: "items",
                message: match locale {
                    Locale::Zh => format!("“{}”未完成或有问题，请写明情况", d.label(locale)),
                    Locale::En => {
                        format!("“{}” is not done or not in order: say why", d.label(locale))
                    }
                },
            });
        }
        if note.chars().count() > 200 {
            return Err(FieldError {
                field: "items",
                message: Words::AtMost200Characters.text(locale).into(),
            });
        }
        ordered.push(ItemResult {
            key: d.key.into(),
            ok: a.ok,
            note,
        });
    }
    if c.items.len() != defs.len() {
        return Err(FieldError {
            field: "items",
            message: Words::TheItemsDoNotMatchThe.text(locale).into(),
        });
    }
    c.items = ordered;
    c.note = c.note.trim().to_string();
    // Bounded like every other text, so the largest checklist fits one mutation.
    if c.note.chars().count() > 500 {
        return Err(FieldError {
            field: "note",
            message: Words::AtMost500Characters.text(locale).into(),
        });
    }
    Ok(c)
}

/// A checklist as the phone pulls it (`checklist`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChecklistRow {
    pub site_id: String,
    pub kind: String,
    /// Items as JSON (`[ItemResult]`).
    pub items: String,
    pub failed: i64,
    #[serde(default)]
    pub note: String,
    pub recorded_at: i64,
    pub author_id: String,
    #[serde(default)]
    pub countersigned_at: Option<i64>,
}

impl ChecklistRow {
    pub fn items(&self) -> Vec<ItemResult> {
        serde_json::from_str(&self.items).unwrap_or_default()
    }
    pub fn from_checklist(c: &Checklist, author: &str, at: i64) -> Self {
        ChecklistRow {
            site_id: c.site_id.clone(),
            kind: c.kind.code().into(),
            items: serde_json::to_string(&c.items).unwrap_or_default(),
            failed: c.items.iter().filter(|i| !i.ok).count() as i64,
            note: c.note.clone(),
            recorded_at: at,
            author_id: author.into(),
            countersigned_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_checklist_of_each_kind_fits_one_mutation() {
        use crate::sync::{Outbox, LIMITS};
        let kinds = [
            ChecklistKind::Housekeeping,
            ChecklistKind::WaterTank,
            ChecklistKind::ControllerCheck,
            ChecklistKind::FirePatrol,
            ChecklistKind::FacilityInspection,
        ];
        for kind in kinds {
            let mut c = all_ok(kind);
            for i in c.items.iter_mut() {
                i.ok = false;
                i.note = "字".repeat(200);
            }
            c.note = "字".repeat(500);
            let c = check(c, Locale::Zh).expect("the largest valid checklist");
            let args = serde_json::to_value(&c).unwrap();
            let (o, _) = Outbox::new("c").with_new("checklist.record", 1, "p", args, 0);
            let bytes = o.entries[0].mutation.wire_bytes();
            assert!(bytes < LIMITS.mutation_bytes, "{kind:?}: {bytes}");
        }
        let mut long = all_ok(ChecklistKind::FirePatrol);
        long.note = "字".repeat(501);
        assert_eq!(check(long, Locale::Zh).unwrap_err().field, "note");
    }

    fn all_ok(kind: ChecklistKind) -> Checklist {
        Checklist {
            id: "c".into(),
            site_id: "s".into(),
            kind,
            items: kind
                .items()
                .iter()
                .rev()
                .map(|d| ItemResult {
                    key: d.key.into(),
                    ok: true,
                    note: String::new(),
                })
                .collect(),
            note: String::new(),
        }
    }

    #[test]
    fn every_item_is_answered_once_and_a_failure_is_explained() {
        let c = check(all_ok(ChecklistKind::FirePatrol), Locale::Zh).unwrap();
        assert_eq!(c.items[0].key, "fire_electric", "put in the kind's order");
        let mut missing = all_ok(ChecklistKind::ControllerCheck);
        missing.items.retain(|i| i.key != "backup_power");
        assert_eq!(
            check(missing, Locale::Zh).unwrap_err().message,
            "请填写“备用电源”"
        );
        let mut twice = all_ok(ChecklistKind::WaterTank);
        twice.items.push(twice.items[0].clone());
        assert!(check(twice, Locale::Zh).is_err());
        let mut extra = all_ok(ChecklistKind::WaterTank);
        extra.items.push(ItemResult {
            key: "boiler".into(),
            ok: true,
            note: String::new(),
        });
        assert!(check(extra, Locale::Zh).is_err());
        let mut failed = all_ok(ChecklistKind::Housekeeping);
        failed.items[0].ok = false;
        assert_eq!(
            check(failed.clone(), Locale::Zh).unwrap_err().message,
            "“午餐加工供应”未完成或有问题，请写明情况"
        );
        failed.items[0].note = "今日停水，改为外购".into();
        let c = check(failed, Locale::Zh).unwrap();
        assert_eq!(ChecklistRow::from_checklist(&c, "p", 1).failed, 1);
        assert!(ChecklistKind::FirePatrol.countersigned());
        assert!(!ChecklistKind::Housekeeping.countersigned());
    }
}
