//! Sites and their areas as they cross the wire.

use crate::i18n::Key;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    MainCourt,
    Tribunal,
}

impl SiteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::MainCourt => "main_court",
            SiteKind::Tribunal => "tribunal",
        }
    }
    pub fn parse(s: &str) -> Option<SiteKind> {
        [SiteKind::MainCourt, SiteKind::Tribunal]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// What kind of place an area is; patrol routes and forms pick areas by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Hall,
    Room,
    Courtroom,
    GateHouse,
    Floor,
    Corridor,
    Restroom,
    Yard,
    FilingArea,
    ReceptionArea,
    FireControlRoom,
    BoilerRoom,
    Other,
}

impl AreaKind {
    pub const ALL: [AreaKind; 13] = [
        AreaKind::Hall,
        AreaKind::Room,
        AreaKind::Courtroom,
        AreaKind::GateHouse,
        AreaKind::Floor,
        AreaKind::Corridor,
        AreaKind::Restroom,
        AreaKind::Yard,
        AreaKind::FilingArea,
        AreaKind::ReceptionArea,
        AreaKind::FireControlRoom,
        AreaKind::BoilerRoom,
        AreaKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::Hall => "hall",
            AreaKind::Room => "room",
            AreaKind::Courtroom => "courtroom",
            AreaKind::GateHouse => "gate_house",
            AreaKind::Floor => "floor",
            AreaKind::Corridor => "corridor",
            AreaKind::Restroom => "restroom",
            AreaKind::Yard => "yard",
            AreaKind::FilingArea => "filing_area",
            AreaKind::ReceptionArea => "reception_area",
            AreaKind::FireControlRoom => "fire_control_room",
            AreaKind::BoilerRoom => "boiler_room",
            AreaKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<AreaKind> {
        AreaKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub id: String,
    pub code: String,
    pub kind: AreaKind,
    pub name_zh: String,
    pub name_en: String,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub id: String,
    pub code: String,
    pub kind: SiteKind,
    pub name_zh: String,
    pub name_en: String,
    pub areas: Vec<Area>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SiteUpdate {
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AreaInput {
    pub code: String,
    pub kind: AreaKind,
    pub name_zh: String,
    pub name_en: String,
    pub active: bool,
}

impl AreaKind {
    /// The kind's name in the interface.
    pub fn key(self) -> Key {
        match self {
            AreaKind::Hall => Key::KindHall,
            AreaKind::Room => Key::KindRoom,
            AreaKind::Courtroom => Key::KindCourtroom,
            AreaKind::GateHouse => Key::KindGateHouse,
            AreaKind::Floor => Key::KindFloor,
            AreaKind::Corridor => Key::KindCorridor,
            AreaKind::Restroom => Key::KindRestroom,
            AreaKind::Yard => Key::KindYard,
            AreaKind::FilingArea => Key::KindFilingArea,
            AreaKind::ReceptionArea => Key::KindReceptionArea,
            AreaKind::FireControlRoom => Key::KindFireControlRoom,
            AreaKind::BoilerRoom => Key::KindBoilerRoom,
            AreaKind::Other => Key::KindOther,
        }
    }
}
