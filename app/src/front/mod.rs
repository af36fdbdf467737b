//! Front desk records as they cross the wire and sit on the phone: visitor check-in and
//! check-out. The checks here run on the phone as the guard types and again on the server,
//! which trusts nothing the phone says.

use crate::core::FieldError;
use crate::i18n::front_rules::Words;
use crate::i18n::Locale;
use crate::idcard::{self, IdType};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;
pub use view::visits;

pub const VISIT: Entity = Entity::declare("visit")
    .kept_by("checked_in_at", 30)
    .open_until("checked_out_at");

/// Why a visitor came (来访类别).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitCategory {
    Party,
    Lawyer,
    Observer,
    Petitioner,
    Business,
    Courier,
    Other,
}

impl VisitCategory {
    pub const ALL: [VisitCategory; 7] = [
        VisitCategory::Party,
        VisitCategory::Lawyer,
        VisitCategory::Observer,
        VisitCategory::Petitioner,
        VisitCategory::Business,
        VisitCategory::Courier,
        VisitCategory::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VisitCategory::Party => "party",
            VisitCategory::Lawyer => "lawyer",
            VisitCategory::Observer => "observer",
            VisitCategory::Petitioner => "petitioner",
            VisitCategory::Business => "business",
            VisitCategory::Courier => "courier",
            VisitCategory::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            VisitCategory::Party => Words::Party,
            VisitCategory::Lawyer => Words::Lawyer,
            VisitCategory::Observer => Words::Observer,
            VisitCategory::Petitioner => Words::Petitioner,
            VisitCategory::Business => Words::Business,
            VisitCategory::Courier => Words::Courier,
            VisitCategory::Other => Words::Other,
        }
        .text(locale)
    }
}

/// `visit.check_in` v2: a registration as the guard made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    /// Made on the phone (UUID): a registration sent twice is one visit.
    pub id: String,
    pub site_id: String,
    pub name: String,
    pub id_type: IdType,
    #[serde(default)]
    pub id_number: String,
    /// Set when the document could not be read: the visit is registered, marked incomplete.
    #[serde(default)]
    pub id_missing_reason: String,
    #[serde(default)]
    pub phone: String,
    pub category: VisitCategory,
    #[serde(default)]
    pub purpose: String,
    /// The hall, courtroom or room the visitor goes to (an area of the site).
    #[serde(default)]
    pub area_id: String,
    #[serde(default)]
    pub person_visited: String,
    #[serde(default)]
    pub case_number: String,
    #[serde(default)]
    pub companions: u32,
    /// A returning visitor: the earlier visit whose document (and phone, if none is given) this
    /// one reuses. The phone never holds the full number of an earlier visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<String>,
    /// A visitor under 14 comes with a guardian: name and how to reach them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guardian: String,
}

/// `visit.check_in` v1 as the first build sent it: upgraded, never dropped.
#[derive(Clone, Debug, Deserialize)]
pub struct CheckInV1 {
    pub id: String,
    pub site_id: String,
    pub name: String,
    #[serde(default)]
    pub purpose: String,
}

impl From<CheckInV1> for CheckIn {
    fn from(v: CheckInV1) -> Self {
        CheckIn {
            id: v.id,
            site_id: v.site_id,
            name: v.name,
            id_type: IdType::Other,
            id_number: String::new(),
            id_missing_reason: "v1".into(),
            phone: String::new(),
            category: VisitCategory::Other,
            purpose: v.purpose,
            area_id: String::new(),
            person_visited: String::new(),
            case_number: String::new(),
            companions: 0,
            repeat_of: None,
            guardian: String::new(),
        }
    }
}

impl CheckIn {
    /// The args of a `visit.check_in` of version `v`, older versions upgraded.
    pub fn from_args(v: u32, args: &serde_json::Value) -> serde_json::Result<CheckIn> {
        if v == 1 {
            serde_json::from_value::<CheckInV1>(args.clone()).map(CheckIn::from)
        } else {
            serde_json::from_value::<CheckIn>(args.clone())
        }
    }
}

/// `visit.check_out` v1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckOut {
    pub visit_id: String,
}

/// What the checks found: the registration as it will be stored, or the first field to fix.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub visit: CheckIn,
    /// Required fields missing or not valid (the completeness KPI counts visits without any).
    pub incomplete: Vec<&'static str>,
    /// From a valid resident ID: true for male.
    pub male: Option<bool>,
    /// Under 14 by the document's birth date (sensitive personal information under PIPL):
    /// a guardian is recorded, phones show less, a reveal needs a reason.
    pub minor: bool,
}

/// Under this age a visitor's data is sensitive personal information (PIPL art. 28).
pub const MINOR_AGE: i32 = 14;

/// Age in whole years on `today` of someone born on `birth`.
pub fn age_on(birth: (i32, u32, u32), today: (i32, u32, u32)) -> i32 {
    let had_birthday = (today.1, today.2) >= (birth.1, birth.2);
    today.0 - birth.0 - if had_birthday { 0 } else { 1 }
}

/// Is the holder of this resident ID under 14 on `today`?
pub fn is_minor(id_type: IdType, number: &str, today: (i32, u32, u32)) -> bool {
    id_type == IdType::ResidentId
        && idcard::parse_resident_id(number, today)
            .is_ok_and(|r| age_on(r.birth, today) < MINOR_AGE)
}

/// A name as phones show a minor's: the first character.
pub fn mask_name(name: &str) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| if i == 0 { c } else { '*' })
        .collect()
}

/// A visit as phones get it: the phone number masked; a minor's name masked too, and their
/// masked document number and phone number not at all.
pub fn shape_visit_for_phone(row: &mut serde_json::Map<String, serde_json::Value>) {
    let minor = match row.get("minor") {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::Number(n)) => n.as_i64() != Some(0),
        _ => false,
    };
    let text = |row: &serde_json::Map<String, serde_json::Value>, k: &str| {
        row.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let phone = if minor {
        String::new()
    } else {
        mask_phone(&text(row, "phone"))
    };
    row.insert("phone".into(), phone.into());
    if minor {
        let name = mask_name(&text(row, "name"));
        row.insert("name".into(), name.into());
        row.insert("id_masked".into(), String::new().into());
    }
}

/// A phone number as phones show and keep it: a mobile's first 3 and last 4 digits, another
/// number's last 4 (the full one stays on the server, like a document number).
pub fn mask_phone(p: &str) -> String {
    let chars: Vec<char> = p.trim().chars().collect();
    let n = chars.len();
    let keep_head = if n >= 11 { 3 } else { 0 };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep_head || i + 4 >= n { *c } else { '*' })
        .collect()
}

pub fn phone_ok(p: &str) -> bool {
    let digits: String = p.chars().filter(|c| *c != '-' && *c != ' ').collect();
    let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    // Mobile: 1[3-9] and 9 more digits; landline: 0, area code, 7–8 digits.
    all_digits
        && ((digits.len() == 11 && digits.starts_with('1') && digits.as_bytes()[1] >= b'3')
            || (digits.starts_with('0') && (10..=12).contains(&digits.len())))
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// Checks a registration. A document number that cannot be read may be left out with a reason;
/// one that is typed must be valid. `repeat_ok` says whether `repeat_of` names a visit whose
/// document was valid.
pub fn check_in(
    mut v: CheckIn,
    today: (i32, u32, u32),
    repeat_ok: bool,
    locale: Locale,
) -> Result<Checked, FieldError> {
    let err = |field, words: Words| FieldError::said(locale, field, words);
    v.name = v.name.trim().to_string();
    if v.name.is_empty() || too_long(&v.name, 40) {
        return Err(err("name", Words::TheNameHas1To40));
    }
    v.id_missing_reason = v.id_missing_reason.trim().to_string();
    let mut incomplete = Vec::new();
    let mut male = None;
    let mut minor = false;
    if v.repeat_of.is_some() && v.id_number.trim().is_empty() {
        if !repeat_ok {
            incomplete.push("id_number");
        }
    } else if v.id_missing_reason.is_empty() {
        match idcard::check_number(v.id_type, &v.id_number, today) {
            Ok(n) => {
                if v.id_type == IdType::ResidentId {
                    male = idcard::parse_resident_id(&n, today).ok().map(|r| r.male);
                    minor = is_minor(v.id_type, &n, today);
                }
                v.id_number = n;
            }
            Err(e) => {
                return Err(FieldError {
                    field: "id_number",
                    message: e.message(locale),
                })
            }
        }
    } else {
        if too_long(&v.id_missing_reason, 100) || too_long(&v.id_number, 30) {
            return Err(err("id_missing_reason", Words::TheReasonHasAtMost100));
        }
        incomplete.push("id_number");
    }
    v.phone = v.phone.trim().to_string();
    // A returning visitor's phone number comes from the earlier visit, like the document (the
    // phone holds it only masked; the server fills it in before it checks).
    if v.phone.is_empty() {
        if !(v.repeat_of.is_some() && repeat_ok) {
            incomplete.push("phone");
        }
    } else if !phone_ok(&v.phone) {
        return Err(err("phone", Words::APhoneIsAn11Digit));
    }
    v.purpose = v.purpose.trim().to_string();
    if v.purpose.is_empty() {
        incomplete.push("purpose");
    }
    if v.area_id.is_empty() {
        incomplete.push("area_id");
    }
    for (field, value, max) in [
        ("purpose", &v.purpose, 200),
        ("person_visited", &v.person_visited, 40),
        ("case_number", &v.case_number, 40),
    ] {
        if too_long(value, max) {
            return Err(FieldError {
                field,
                message: Words::AtMostCharacters
                    .text(locale)
                    .replace("{}", &max.to_string()),
            });
        }
    }
    if v.companions > 50 {
        return Err(err("companions", Words::AtMost50Companions));
    }
    v.guardian = v.guardian.trim().to_string();
    if too_long(&v.guardian, 60) {
        return Err(err("guardian", Words::AtMost60Characters));
    }
    if minor && v.guardian.is_empty() {
        return Err(err("guardian", Words::TheVisitorIsUnder14Record));
    }
    Ok(Checked {
        visit: v,
        incomplete,
        male,
        minor,
    })
}

/// A visit as phones see it (pulled from the server, or made here and not yet pulled). The
/// document number is only ever masked here.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitRow {
    pub site_id: String,
    pub name: String,
    #[serde(default)]
    pub id_type: String,
    #[serde(default)]
    pub id_masked: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub area_id: String,
    #[serde(default)]
    pub person_visited: String,
    #[serde(default)]
    pub case_number: String,
    #[serde(default)]
    pub companions: i64,
    pub author_id: String,
    pub checked_in_at: i64,
    #[serde(default)]
    pub checked_out_at: Option<i64>,
    /// Every required field present and valid.
    #[serde(default, deserialize_with = "crate::rows::bool_or_int")]
    pub complete: bool,
    #[serde(default, deserialize_with = "crate::rows::bool_or_int")]
    pub clock_skewed: bool,
    /// The watchlist entry the server matched this visitor with.
    #[serde(default)]
    pub watch_id: Option<String>,
    /// Under 14: shown with less (see [`shape_visit_for_phone`]).
    #[serde(default, deserialize_with = "crate::rows::bool_or_int")]
    pub minor: bool,
}

impl VisitRow {
    /// The row a check-in made on this phone stands for until the server's copy arrives.
    pub fn from_check_in(c: &Checked, author: &str, at: i64) -> Self {
        let v = &c.visit;
        VisitRow {
            site_id: v.site_id.clone(),
            name: if c.minor {
                mask_name(&v.name)
            } else {
                v.name.clone()
            },
            id_type: v.id_type.code().into(),
            id_masked: if c.minor {
                String::new()
            } else {
                idcard::mask(&v.id_number)
            },
            phone: if c.minor {
                String::new()
            } else {
                mask_phone(&v.phone)
            },
            category: v.category.code().into(),
            purpose: v.purpose.clone(),
            area_id: v.area_id.clone(),
            person_visited: v.person_visited.clone(),
            case_number: v.case_number.clone(),
            companions: v.companions as i64,
            author_id: author.into(),
            checked_in_at: at,
            checked_out_at: None,
            complete: c.incomplete.is_empty(),
            clock_skewed: false,
            watch_id: None,
            minor: c.minor,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn phone_numbers_are_masked_like_document_numbers() {
        assert_eq!(super::mask_phone("13800001111"), "138****1111");
        assert_eq!(super::mask_phone(" 0434-6221234 "), "043*****1234");
        assert_eq!(super::mask_phone("6221234"), "***1234");
        assert_eq!(super::mask_phone("12"), "12");
    }

    use super::*;

    const TODAY: (i32, u32, u32) = (2026, 11, 28);

    #[test]
    fn a_visitor_under_14_needs_a_guardian_and_shows_less() {
        // Born 2013-11-29: 12 on 2026-11-28, one day short of 13.
        let number = with_check("11010520131129003");
        assert!(is_minor(IdType::ResidentId, &number, TODAY));
        assert_eq!(age_on((2012, 11, 28), TODAY), 14);
        assert!(!is_minor(
            IdType::ResidentId,
            &with_check("11010520121128003"),
            TODAY
        ));
        let mut v = sample();
        v.name = "小明同学".into();
        v.id_number = number;
        let e = check_in(v.clone(), TODAY, false, Locale::Zh).unwrap_err();
        assert_eq!(e.field, "guardian");
        v.guardian = "王某（母亲）13900002222".into();
        let c = check_in(v, TODAY, false, Locale::Zh).unwrap();
        assert!(c.minor);
        let row = VisitRow::from_check_in(&c, "g", 0);
        assert_eq!(
            (
                row.name.as_str(),
                row.id_masked.as_str(),
                row.phone.as_str()
            ),
            ("小***", "", "")
        );
        let mut pulled = serde_json::json!({"name": "小明同学", "id_masked": "110105********0031",
            "phone": "13800001111", "minor": 1});
        shape_visit_for_phone(pulled.as_object_mut().unwrap());
        assert_eq!(pulled["name"], "小***");
        assert_eq!(pulled["id_masked"], "");
        assert_eq!(pulled["phone"], "");
        let mut adult = serde_json::json!({"name": "张三", "phone": "13800001111", "minor": 0});
        shape_visit_for_phone(adult.as_object_mut().unwrap());
        assert_eq!(
            (adult["name"].as_str(), adult["phone"].as_str()),
            (Some("张三"), Some("138****1111"))
        );
    }

    #[test]
    fn a_returning_visitor_without_a_phone_number_takes_the_earlier_one() {
        let mut v = sample();
        v.phone = String::new();
        v.id_number = String::new();
        v.repeat_of = Some("earlier".into());
        let c = check_in(v.clone(), TODAY, true, Locale::Zh).unwrap();
        assert!(c.incomplete.is_empty(), "{:?}", c.incomplete);
        v.repeat_of = None;
        v.id_number = "11010519491231002X".into();
        let c = check_in(v, TODAY, true, Locale::Zh).unwrap();
        assert_eq!(c.incomplete, vec!["phone"]);
    }

    /// The 18-digit number with its check character.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", idcard::check_character(first17).unwrap())
    }

    fn sample() -> CheckIn {
        CheckIn {
            id: "x".into(),
            site_id: "s".into(),
            name: " 张三 ".into(),
            id_type: IdType::ResidentId,
            id_number: "11010519491231002x".into(),
            id_missing_reason: String::new(),
            phone: "13800001111".into(),
            category: VisitCategory::Party,
            purpose: "开庭".into(),
            area_id: "a".into(),
            person_visited: String::new(),
            case_number: String::new(),
            companions: 0,
            repeat_of: None,
            guardian: String::new(),
        }
    }

    #[test]
    fn a_full_registration_is_complete_and_normalised() {
        let c = check_in(sample(), TODAY, false, Locale::Zh).unwrap();
        assert!(c.incomplete.is_empty());
        assert_eq!(c.visit.name, "张三");
        assert_eq!(c.visit.id_number, "11010519491231002X");
        assert_eq!(c.male, Some(false));
    }

    #[test]
    fn an_unreadable_document_is_allowed_with_a_reason_and_marked_incomplete() {
        let mut v = sample();
        v.id_number = "1101".into();
        let e = check_in(v.clone(), TODAY, false, Locale::Zh).unwrap_err();
        assert_eq!(e.field, "id_number");
        assert!(e.message.contains("18位"), "{}", e.message);
        v.id_missing_reason = "证件磨损".into();
        let c = check_in(v, TODAY, false, Locale::Zh).unwrap();
        assert_eq!(c.incomplete, vec!["id_number"]);
    }

    #[test]
    fn missing_fields_make_it_incomplete_wrong_ones_refuse_it() {
        let mut v = sample();
        v.phone = String::new();
        v.area_id = String::new();
        let c = check_in(v.clone(), TODAY, false, Locale::Zh).unwrap();
        assert_eq!(c.incomplete, vec!["phone", "area_id"]);
        v.phone = "12345".into();
        assert_eq!(
            check_in(v.clone(), TODAY, false, Locale::Zh)
                .unwrap_err()
                .field,
            "phone"
        );
        v.phone = "0434-6221234".into();
        assert!(check_in(v.clone(), TODAY, false, Locale::Zh).is_ok());
        v.name = "  ".into();
        assert_eq!(
            check_in(v, TODAY, false, Locale::Zh).unwrap_err().field,
            "name"
        );
    }

    #[test]
    fn a_returning_visitor_reuses_the_earlier_document() {
        let mut v = sample();
        v.id_number = String::new();
        v.repeat_of = Some("earlier".into());
        assert!(check_in(v.clone(), TODAY, true, Locale::Zh)
            .unwrap()
            .incomplete
            .is_empty());
        assert_eq!(
            check_in(v, TODAY, false, Locale::Zh).unwrap().incomplete,
            vec!["id_number"]
        );
    }

    #[test]
    fn version_one_is_upgraded_not_dropped() {
        let v1: CheckInV1 =
            serde_json::from_value(serde_json::json!({"id": "i", "site_id": "s", "name": "李四"}))
                .unwrap();
        let c = check_in(v1.into(), TODAY, false, Locale::Zh).unwrap();
        assert!(c.incomplete.contains(&"id_number"));
    }
}
