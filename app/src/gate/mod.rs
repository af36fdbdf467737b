//! The gate (门卫): vehicles in and out, express parcels received and collected, and vehicles
//! or equipment handed over in enforcement cases (扣划涉案移交车辆、设备) kept until released.
//! One record type with a kind; each kind has its own short form and required fields.

use crate::core::FieldError;
use crate::i18n::gate_rules::Words;
use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;
pub use view::gate_entries;

pub const GATE: Entity = Entity::declare("gate")
    .kept_by("arrived_at", 30)
    .open_until("left_at");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateKind {
    Vehicle,
    Parcel,
    Custody,
}

impl GateKind {
    pub const ALL: [GateKind; 3] = [GateKind::Vehicle, GateKind::Parcel, GateKind::Custody];
    pub fn code(self) -> &'static str {
        match self {
            GateKind::Vehicle => "vehicle",
            GateKind::Parcel => "parcel",
            GateKind::Custody => "custody",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            GateKind::Vehicle => Words::Vehicles.text(locale),
            GateKind::Parcel => Words::Parcels.text(locale),
            GateKind::Custody => Words::HeldInCustody.text(locale),
        }
    }
    /// The word for the end of an entry: a vehicle leaves, a parcel is collected, a held
    /// item is released.
    pub fn leave_label(self, locale: Locale) -> &'static str {
        match self {
            GateKind::Vehicle => Words::Out.text(locale),
            GateKind::Parcel => Words::Collected.text(locale),
            GateKind::Custody => Words::Released.text(locale),
        }
    }
}

/// `gate.arrive` v1: a vehicle in, a parcel received, an item taken into custody.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Arrive {
    pub id: String,
    pub site_id: String,
    pub kind: Option<GateKind>,
    #[serde(default)]
    pub plate: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub driver: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub parking: String,
    #[serde(default)]
    pub carrier: String,
    #[serde(default)]
    pub tracking: String,
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub case_number: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub handed_by: String,
    #[serde(default)]
    pub note: String,
}

/// `gate.leave` v1: the vehicle out, the parcel collected (by whom), the item released (to
/// whom).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Leave {
    pub entry_id: String,
    #[serde(default)]
    pub to: String,
}

const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/// A Chinese plate: province, a letter, then 5 (6 for new-energy) letters or digits, with an
/// optional last character such as 警, 学 or 挂. Upper-cased, spaces and dots removed.
pub fn normalise_plate(input: &str) -> Option<String> {
    let p: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '·' && *c != '.' && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let chars: Vec<char> = p.chars().collect();
    let (first, rest) = chars.split_first()?;
    if !PROVINCES.contains(*first) || !rest.first()?.is_ascii_uppercase() {
        return None;
    }
    let mut tail: &[char] = &rest[1..];
    if let Some(last) = tail.last() {
        if "警学挂领港澳".contains(*last) {
            tail = &tail[..tail.len() - 1];
        }
    }
    let ok = (5..=6).contains(&tail.len())
        && tail
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    ok.then_some(p)
}

/// Checks an arrival; the record as it will be stored, or the first field to fix.
pub fn check_arrive(mut a: Arrive, locale: Locale) -> Result<Arrive, FieldError> {
    let err = |field, words: Words| FieldError::said(locale, field, words);
    for f in [
        &mut a.plate,
        &mut a.unit,
        &mut a.driver,
        &mut a.purpose,
        &mut a.parking,
        &mut a.carrier,
        &mut a.tracking,
        &mut a.recipient,
        &mut a.case_number,
        &mut a.description,
        &mut a.handed_by,
        &mut a.note,
    ] {
        *f = f.trim().to_string();
        if f.chars().count() > 100 {
            return Err(err("note", Words::AtMost100CharactersAField));
        }
    }
    let Some(kind) = a.kind else {
        return Err(err("kind", Words::ChooseWhatIsLogged));
    };
    let need = |v: &str, field, words: Words| {
        if v.is_empty() {
            Err(err(field, words))
        } else {
            Ok(())
        }
    };
    match kind {
        GateKind::Vehicle => {
            a.plate =
                normalise_plate(&a.plate).ok_or_else(|| err("plate", Words::NotAPlateNumberEG))?;
            need(&a.driver, "driver", Words::NameTheDriver)?;
            need(&a.purpose, "purpose", Words::GiveThePurpose)?;
        }
        GateKind::Parcel => {
            need(&a.carrier, "carrier", Words::NameTheCarrier)?;
            let t_ok = (6..=30).contains(&a.tracking.len())
                && a.tracking.chars().all(|c| c.is_ascii_alphanumeric());
            if !t_ok {
                return Err(err("tracking", Words::ATrackingNumberHas6To));
            }
            a.tracking = a.tracking.to_ascii_uppercase();
            need(&a.recipient, "recipient", Words::NameTheRecipient)?;
        }
        GateKind::Custody => {
            need(&a.case_number, "case_number", Words::GiveTheCaseNumber)?;
            need(
                &a.description,
                "description",
                Words::DescribeTheVehicleOrEquipment,
            )?;
            need(&a.handed_by, "handed_by", Words::NameWhoHandedItOver)?;
            if !a.plate.is_empty() {
                a.plate = normalise_plate(&a.plate)
                    .ok_or_else(|| err("plate", Words::NotAPlateNumberEG))?;
            }
        }
    }
    Ok(a)
}

/// Checks a departure: a parcel names who collected it, a held item whom it was released to.
pub fn check_leave(kind: GateKind, l: &Leave, locale: Locale) -> Result<(), FieldError> {
    let to = l.to.trim();
    if to.chars().count() > 60 {
        return Err(FieldError {
            field: "to",
            message: Words::AtMost60Characters.text(locale).into(),
        });
    }
    match kind {
        GateKind::Parcel if to.is_empty() => Err(FieldError {
            field: "to",
            message: Words::NameWhoCollectedIt.text(locale).into(),
        }),
        GateKind::Custody if to.is_empty() => Err(FieldError {
            field: "to",
            message: Words::NameWhomItWasReleasedTo.text(locale).into(),
        }),
        _ => Ok(()),
    }
}

/// A gate entry as phones see it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GateRow {
    pub site_id: String,
    pub kind: String,
    #[serde(default)]
    pub plate: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub driver: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub parking: String,
    #[serde(default)]
    pub carrier: String,
    #[serde(default)]
    pub tracking: String,
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub case_number: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub handed_by: String,
    pub arrived_at: i64,
    #[serde(default)]
    pub left_at: Option<i64>,
}

impl GateRow {
    pub fn from_arrive(a: &Arrive, at: i64) -> Self {
        GateRow {
            site_id: a.site_id.clone(),
            kind: a.kind.map(|k| k.code()).unwrap_or_default().into(),
            plate: a.plate.clone(),
            unit: a.unit.clone(),
            driver: a.driver.clone(),
            purpose: a.purpose.clone(),
            parking: a.parking.clone(),
            carrier: a.carrier.clone(),
            tracking: a.tracking.clone(),
            recipient: a.recipient.clone(),
            case_number: a.case_number.clone(),
            description: a.description.clone(),
            handed_by: a.handed_by.clone(),
            arrived_at: at,
            left_at: None,
        }
    }

    /// One line saying what the entry is.
    pub fn title(&self) -> String {
        match GateKind::parse(&self.kind) {
            Some(GateKind::Vehicle) => format!("{} {}", self.plate, self.driver),
            Some(GateKind::Parcel) => {
                format!("{} {} → {}", self.carrier, self.tracking, self.recipient)
            }
            Some(GateKind::Custody) => format!("{} {}", self.case_number, self.description),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vehicle() -> Arrive {
        Arrive {
            id: "g1".into(),
            site_id: "s".into(),
            kind: Some(GateKind::Vehicle),
            plate: "吉c 12345".into(),
            driver: "李师傅".into(),
            purpose: "送达文书".into(),
            ..Arrive::default()
        }
    }

    #[test]
    fn plates() {
        assert_eq!(normalise_plate("吉c·12345").as_deref(), Some("吉C12345"));
        assert_eq!(
            normalise_plate("吉CD12345").as_deref(),
            Some("吉CD12345"),
            "new energy"
        );
        assert_eq!(normalise_plate("吉C1234警").as_deref(), None, "too short");
        assert_eq!(normalise_plate("吉C12345警").as_deref(), Some("吉C12345警"));
        assert!(normalise_plate("XC12345").is_none());
        assert!(normalise_plate("吉112345").is_none());
        assert!(normalise_plate("").is_none());
    }

    #[test]
    fn each_kind_has_its_required_fields() {
        let v = check_arrive(vehicle(), Locale::Zh).unwrap();
        assert_eq!(v.plate, "吉C12345");
        let mut bad = vehicle();
        bad.plate = "吉C12".into();
        assert_eq!(check_arrive(bad, Locale::Zh).unwrap_err().field, "plate");
        let parcel = Arrive {
            kind: Some(GateKind::Parcel),
            carrier: "顺丰".into(),
            tracking: "sf123".into(),
            recipient: "立案庭 王法官".into(),
            ..Arrive::default()
        };
        assert_eq!(
            check_arrive(parcel.clone(), Locale::Zh).unwrap_err().field,
            "tracking"
        );
        let ok = check_arrive(
            Arrive {
                tracking: "sf1234567890".into(),
                ..parcel
            },
            Locale::Zh,
        )
        .unwrap();
        assert_eq!(ok.tracking, "SF1234567890");
        let custody = Arrive {
            kind: Some(GateKind::Custody),
            case_number: "(2026)吉0323执123号".into(),
            description: "白色轿车一辆".into(),
            ..Arrive::default()
        };
        assert_eq!(
            check_arrive(custody, Locale::Zh).unwrap_err().field,
            "handed_by"
        );
        assert_eq!(
            check_arrive(Arrive::default(), Locale::Zh)
                .unwrap_err()
                .field,
            "kind"
        );
    }

    #[test]
    fn leaving_names_the_receiver_for_parcels_and_custody() {
        let l = Leave {
            entry_id: "g".into(),
            to: " ".into(),
        };
        assert!(check_leave(GateKind::Vehicle, &l, Locale::Zh).is_ok());
        assert_eq!(
            check_leave(GateKind::Parcel, &l, Locale::Zh)
                .unwrap_err()
                .field,
            "to"
        );
        assert_eq!(
            check_leave(GateKind::Custody, &l, Locale::Zh)
                .unwrap_err()
                .field,
            "to"
        );
    }
}
