//! Security screening (安检), deposits (寄存) and the equipment self-test, as they cross the wire
//! and sit on the phone. The rules run on the phone as the guard fills the form and again on the
//! server: a body check by staff of the other sex, a seizure or a body check without the
//! judicial police officer who did it, a deposit without locker and tag, are refused.

use crate::core::FieldError;
use crate::i18n::screening_rules::Words;
use crate::i18n::{coded, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;
pub use view::{deposits, last_self_test, screenings};

pub const SCREENING: Entity = Entity::declare("screening").kept_by("screened_at", 30);
pub const DEPOSIT: Entity = Entity::declare("deposit")
    .kept_by("deposited_at", 30)
    .open_until("closed_at");
pub const SELF_TEST: Entity = Entity::declare("self_test").kept_by("tested_at", 14);

coded!(
    /// Screening equipment and methods.
    Equipment {
        Gate = "gate", "安检门", "Walk-through gate";
        Handheld = "handheld", "手持探测器", "Hand-held detector";
        Xray = "xray", "X光机", "X-ray";
        Bag = "bag", "开包检查", "Bag opened";
        Manual = "manual", "人工检查", "Manual check";
    }
);

coded!(
    /// What the screening of one person came to.
    Outcome {
        Passed = "passed", "通过", "Passed";
        Prohibited = "prohibited", "查出违禁品", "Prohibited item";
        Restricted = "restricted", "查出限带物品", "Restricted item";
        Refused = "refused", "拒绝安检", "Refused screening";
        TurnedAway = "turned_away", "劝返", "Turned away";
    }
);

coded!(
    /// The six prohibited kinds and the restricted one.
    ItemCategory {
        Weapon = "p1", "枪支弹药、管制刀具等凶器", "Guns, ammunition, controlled knives";
        Explosive = "p2", "易燃易爆物品", "Flammable or explosive";
        Hazardous = "p3", "放射性、有毒、腐蚀性物品", "Radioactive, toxic, corrosive";
        Liquid = "p4", "液体、胶体、粉末", "Liquids, gels, powders";
        Banner = "p5", "标语、横幅、传单", "Slogans, banners, leaflets";
        OtherDanger = "p6", "其他危害安全秩序的物品", "Other items endangering order";
        Recording = "restricted", "录音录像摄影器材（限带）", "Recording equipment (restricted)";
    }
);

coded!(
    /// What became of an item.
    Disposition {
        Deposit = "deposit", "寄存", "Deposited";
        Seized = "seized", "移交司法警察", "Handed to judicial police";
        TakenAway = "taken_away", "劝其带离", "Taken away by visitor";
    }
);

coded!(
    Sex {
        Male = "m", "男", "Male";
        Female = "f", "女", "Female";
    }
);

impl ItemCategory {
    pub fn prohibited(self) -> bool {
        self != ItemCategory::Recording
    }
}

/// An item found on a person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub category: ItemCategory,
    pub description: String,
    pub disposition: Disposition,
    #[serde(default)]
    pub locker: String,
    #[serde(default)]
    pub tag: String,
    /// For knives: blade length in mm and tip angle in degrees, for the controlled-knife hint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blade_mm: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_angle: Option<u32>,
}

/// `screening.record` v1: one person screened, linked to a registration or not.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Screening {
    pub id: String,
    pub site_id: String,
    /// The registration this screening belongs to; none for a passer-by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<String>,
    /// The person's name (a passer-by's as told; a visitor's from the registration).
    #[serde(default)]
    pub name: String,
    pub equipment: Vec<Equipment>,
    pub outcome: Outcome,
    #[serde(default)]
    pub items: Vec<Item>,
    /// A body check in a non-public place (by the judicial police, assisted by staff).
    #[serde(default)]
    pub body_check: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_sex: Option<Sex>,
    /// The judicial police officer who searched or seized.
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub note: String,
}

/// `deposit.close` v1: a deposited item collected by its owner, or transferred.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepositClose {
    pub deposit_id: String,
    pub how: CloseHow,
    /// The visitor confirmed they received the item back.
    #[serde(default)]
    pub confirmed: bool,
    /// Who a transferred item went to.
    #[serde(default)]
    pub to: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseHow {
    Collected,
    Transferred,
}

/// `equipment.self_test` v1: the start-of-shift check at a screening post. `None` is equipment
/// the post does not have.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelfTest {
    pub id: String,
    pub site_id: String,
    pub gate_ok: Option<bool>,
    pub handheld_charged: Option<bool>,
    pub xray_ok: Option<bool>,
    #[serde(default)]
    pub note: String,
}

/// A deposit's id: the screening's and the item's place in it, so a screening sent twice
/// makes its deposits once.
pub fn deposit_id(screening_id: &str, index: usize) -> String {
    format!("{screening_id}/{index}")
}

/// Controlled-knife hint (公通字〔2007〕2号): tip angle under 60° and blade over 150 mm, or
/// tip angle over 60° and blade over 220 mm. Daggers, three-edged and spring-lock knives always
/// are; the guard judges those by sight.
pub fn controlled_knife(blade_mm: u32, tip_angle: u32) -> bool {
    (tip_angle < 60 && blade_mm > 150) || (tip_angle > 60 && blade_mm > 220)
}

fn long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// Checks a screening; the record as it will be stored, or the first field to fix.
pub fn check(mut s: Screening, locale: Locale) -> Result<Screening, FieldError> {
    let err = |field, words: Words| FieldError::said(locale, field, words);
    s.name = s.name.trim().to_string();
    s.officer = s.officer.trim().to_string();
    s.note = s.note.trim().to_string();
    if s.visit_id.is_none() && s.name.is_empty() {
        return Err(err("name", Words::GiveThePersonSNameOr));
    }
    if long(&s.name, 40) || long(&s.officer, 40) || long(&s.note, 200) {
        return Err(err("note", Words::TooLong));
    }
    let screened = !matches!(s.outcome, Outcome::Refused | Outcome::TurnedAway);
    if screened && s.equipment.is_empty() {
        return Err(err("equipment", Words::ChooseTheEquipmentOrMethodUsed));
    }
    let any_prohibited = s.items.iter().any(|i| i.category.prohibited());
    let any_restricted = s.items.iter().any(|i| !i.category.prohibited());
    match s.outcome {
        Outcome::Passed if !s.items.is_empty() => {
            return Err(err("outcome", Words::WithItemsFoundTheResultCannot))
        }
        Outcome::Prohibited if !any_prohibited => {
            return Err(err("items", Words::RecordTheProhibitedItemFound))
        }
        Outcome::Restricted if !any_restricted || any_prohibited => {
            return Err(err("items", Words::OnlyRestrictedItemsHereWithA))
        }
        _ => {}
    }
    if s.items.len() > 20 {
        return Err(err("items", Words::AtMost20Items));
    }
    for i in &mut s.items {
        i.description = i.description.trim().to_string();
        i.locker = i.locker.trim().to_string();
        i.tag = i.tag.trim().to_string();
        if i.description.is_empty() || long(&i.description, 100) {
            return Err(err("item_description", Words::DescribeTheItemAtMost100));
        }
        match i.disposition {
            Disposition::Deposit if i.locker.is_empty() || i.tag.is_empty() => {
                return Err(err("item_tag", Words::ADepositNeedsItsLockerAnd))
            }
            Disposition::Seized if s.officer.is_empty() => {
                return Err(err("officer", Words::ASeizureNamesTheJudicialPolice))
            }
            _ => {}
        }
        if long(&i.locker, 20) || long(&i.tag, 20) {
            return Err(err("item_tag", Words::AtMost20Characters));
        }
    }
    if s.body_check {
        let (Some(v), Some(st)) = (s.visitor_sex, s.staff_sex) else {
            return Err(err("staff_sex", Words::ABodyCheckRecordsTheSex));
        };
        if v != st {
            return Err(err("staff_sex", Words::ABodyCheckIsDoneBy));
        }
        if s.officer.is_empty() {
            return Err(err("officer", Words::ABodyCheckNamesTheJudicial));
        }
    }
    Ok(s)
}

/// Checks a deposit's closing.
pub fn check_close(c: &DepositClose, locale: Locale) -> Result<(), FieldError> {
    let err = |field, words: Words| FieldError::said(locale, field, words);
    match c.how {
        CloseHow::Collected if !c.confirmed => {
            Err(err("confirmed", Words::TheVisitorConfirmsTheItemOn))
        }
        CloseHow::Transferred if c.to.trim().is_empty() || long(&c.to, 60) => {
            Err(err("to", Words::SayWhoTheItemWasTransferred))
        }
        _ => Ok(()),
    }
}

/// Checks a self-test: a fault needs a note saying what was done.
pub fn check_self_test(t: &SelfTest, locale: Locale) -> Result<(), FieldError> {
    let states = [t.gate_ok, t.handheld_charged, t.xray_ok];
    let fault = states.contains(&Some(false));
    if states.iter().all(Option::is_none) {
        return Err(FieldError {
            field: "gate_ok",
            message: Words::CheckAtLeastOneDevice.text(locale).into(),
        });
    }
    if fault && t.note.trim().is_empty() {
        return Err(FieldError {
            field: "note",
            message: Words::AFaultNeedsANoteOn.text(locale).into(),
        });
    }
    if long(&t.note, 200) {
        return Err(FieldError {
            field: "note",
            message: Words::AtMost200Characters.text(locale).into(),
        });
    }
    Ok(())
}

/// A screening as phones see it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScreeningRow {
    pub site_id: String,
    #[serde(default)]
    pub visit_id: Option<String>,
    #[serde(default)]
    pub name: String,
    pub outcome: String,
    #[serde(default)]
    pub screened_at: i64,
}

/// A deposit as phones see it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DepositRow {
    pub site_id: String,
    pub screening_id: String,
    #[serde(default)]
    pub name: String,
    pub description: String,
    pub category: String,
    pub locker: String,
    pub tag: String,
    pub deposited_at: i64,
    #[serde(default)]
    pub closed_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Screening {
        Screening {
            id: "s1".into(),
            site_id: "site".into(),
            visit_id: Some("v1".into()),
            name: "张三".into(),
            equipment: vec![Equipment::Gate],
            outcome: Outcome::Passed,
            items: vec![],
            body_check: false,
            visitor_sex: None,
            staff_sex: None,
            officer: String::new(),
            note: String::new(),
        }
    }

    fn knife(disposition: Disposition) -> Item {
        Item {
            category: ItemCategory::Weapon,
            description: "水果刀".into(),
            disposition,
            locker: "3".into(),
            tag: "A12".into(),
            blade_mm: Some(120),
            tip_angle: Some(45),
        }
    }

    fn field(s: Screening) -> &'static str {
        check(s, Locale::Zh).unwrap_err().field
    }

    #[test]
    fn a_plain_pass_and_a_deposit_are_accepted() {
        assert!(check(base(), Locale::Zh).is_ok());
        let mut s = base();
        s.outcome = Outcome::Prohibited;
        s.items = vec![knife(Disposition::Deposit)];
        assert!(check(s, Locale::Zh).is_ok());
    }

    #[test]
    fn outcome_and_items_agree() {
        let mut s = base();
        s.items = vec![knife(Disposition::Deposit)];
        assert_eq!(field(s.clone()), "outcome");
        s.items.clear();
        s.outcome = Outcome::Prohibited;
        assert_eq!(field(s.clone()), "items");
        s.outcome = Outcome::Restricted;
        s.items = vec![knife(Disposition::Deposit)];
        assert_eq!(field(s.clone()), "items");
        s.items[0].category = ItemCategory::Recording;
        assert!(check(s, Locale::Zh).is_ok());
    }

    #[test]
    fn a_deposit_needs_locker_and_tag() {
        let mut s = base();
        s.outcome = Outcome::Prohibited;
        s.items = vec![knife(Disposition::Deposit)];
        s.items[0].tag = " ".into();
        assert_eq!(field(s), "item_tag");
    }

    #[test]
    fn a_seizure_names_the_officer() {
        let mut s = base();
        s.outcome = Outcome::Prohibited;
        s.items = vec![knife(Disposition::Seized)];
        let e = check(s.clone(), Locale::Zh).unwrap_err();
        assert_eq!(e.field, "officer");
        assert!(e.message.contains("司法警察"));
        s.officer = "王警官".into();
        assert!(check(s, Locale::Zh).is_ok());
    }

    #[test]
    fn a_body_check_by_the_other_sex_is_refused() {
        let mut s = base();
        s.body_check = true;
        s.officer = "王警官".into();
        s.visitor_sex = Some(Sex::Female);
        s.staff_sex = Some(Sex::Male);
        let e = check(s.clone(), Locale::En).unwrap_err();
        assert_eq!(e.field, "staff_sex");
        assert!(e.message.contains("staff of the person's sex"));
        s.staff_sex = None;
        assert_eq!(field(s.clone()), "staff_sex");
        s.staff_sex = Some(Sex::Female);
        assert!(check(s.clone(), Locale::Zh).is_ok());
        s.officer.clear();
        assert_eq!(field(s), "officer");
    }

    #[test]
    fn equipment_is_named_unless_the_person_was_not_screened() {
        let mut s = base();
        s.equipment.clear();
        assert_eq!(field(s.clone()), "equipment");
        s.outcome = Outcome::Refused;
        assert!(check(s, Locale::Zh).is_ok());
    }

    #[test]
    fn a_passer_by_is_named() {
        let mut s = base();
        s.visit_id = None;
        s.name = "  ".into();
        assert_eq!(field(s), "name");
    }

    #[test]
    fn controlled_knife_by_blade_and_tip() {
        assert!(controlled_knife(151, 59));
        assert!(!controlled_knife(150, 59));
        assert!(controlled_knife(221, 61));
        assert!(!controlled_knife(220, 61));
        assert!(!controlled_knife(200, 70));
        // Exactly 60°: neither rule's angle applies.
        assert!(!controlled_knife(300, 60));
    }

    #[test]
    fn closing_a_deposit() {
        let mut c = DepositClose {
            deposit_id: "s1/0".into(),
            how: CloseHow::Collected,
            confirmed: false,
            to: String::new(),
        };
        assert_eq!(check_close(&c, Locale::Zh).unwrap_err().field, "confirmed");
        c.confirmed = true;
        assert!(check_close(&c, Locale::Zh).is_ok());
        c.how = CloseHow::Transferred;
        assert_eq!(check_close(&c, Locale::Zh).unwrap_err().field, "to");
    }

    #[test]
    fn self_test_faults_need_a_note() {
        let mut t = SelfTest {
            id: "t".into(),
            site_id: "s".into(),
            gate_ok: Some(true),
            handheld_charged: Some(false),
            xray_ok: None,
            note: String::new(),
        };
        assert_eq!(check_self_test(&t, Locale::Zh).unwrap_err().field, "note");
        t.note = "已更换电池".into();
        assert!(check_self_test(&t, Locale::Zh).is_ok());
        t.gate_ok = None;
        t.handheld_charged = None;
        assert_eq!(
            check_self_test(&t, Locale::Zh).unwrap_err().field,
            "gate_ok"
        );
    }
}
