//! The caretakers' boiler log (锅炉运行记录): a boiler's profile, the readings taken against it,
//! the conditions that stop the boiler at once, and the duties due per shift, week and month.
//! Shared by the phone (which opens the stop procedure the moment a reading calls for it) and
//! the server (which decides again from the profile it keeps, and flags the reading to the
//! supervisor).

use crate::core::FieldError;
use crate::i18n::boiler_rules::Words;
use crate::i18n::{coded, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;

pub const BOILER: Entity = Entity::declare("boiler");
pub const BOILER_READING: Entity = Entity::declare("boiler_reading").kept_by("read_at", 40);

const HOUR: i64 = 3600 * 1000;

coded!(
    Medium {
        HotWater = "hot_water", "热水锅炉", "Hot-water boiler";
        Steam = "steam", "蒸汽锅炉", "Steam boiler";
    }
);

coded!(
    /// A steam boiler's water level as read on the gauge.
    WaterLevel {
        Normal = "normal", "正常", "Normal";
        Low = "low", "低于最低水位", "Below lowest";
        High = "high", "高于最高水位", "Above highest";
        Invisible = "invisible", "看不见水位", "Not visible";
    }
);

coded!(
    /// Duties with their interval: per shift, weekly, monthly.
    Duty {
        Blowdown = "blowdown", "排污", "Blowdown";
        GaugeFlush = "gauge_flush", "冲洗水位表", "Flush level gauge";
        AlarmTest = "alarm_test", "低水位报警试验", "Low-level alarm test";
        SiphonFlush = "siphon_flush", "冲洗压力表存水弯", "Flush gauge siphon";
        ValveTest = "valve_test", "安全阀手动排放试验", "Safety valve test";
    }
);

coded!(
    /// Conditions that stop the boiler at once (the reference's list), ticked by the caretaker.
    StopCondition {
        WaterFalling = "water_falling", "水位低于最低可见边缘或进水后仍下降", "Water below the lowest visible level or still falling";
        OverfullInvisible = "overfull_invisible", "满水放水后仍看不见水位", "Level invisible after draining";
        FeedFailed = "feed_failed", "给水设备全部失效", "All water feed failed";
        GaugesFailed = "gauges_failed", "水位表或安全阀全部失效", "All level gauges or safety valves failed";
        PartDamaged = "part_damaged", "受压元件损坏", "A pressure part is damaged";
        FurnaceWall = "furnace_wall", "炉墙倒塌或炉架烧坏", "Furnace wall collapsed";
        CoAlarm = "co_alarm", "一氧化碳报警", "Carbon monoxide alarm";
    }
);

impl Duty {
    /// How often the duty is due.
    pub fn every(self) -> i64 {
        match self {
            Duty::Blowdown | Duty::GaugeFlush | Duty::AlarmTest => 12 * HOUR,
            Duty::SiphonFlush => 7 * 24 * HOUR,
            Duty::ValveTest => 30 * 24 * HOUR,
        }
    }
    pub fn every_label(self, locale: Locale) -> &'static str {
        match self {
            Duty::Blowdown | Duty::GaugeFlush | Duty::AlarmTest => Words::EachShift.text(locale),
            Duty::SiphonFlush => Words::Weekly.text(locale),
            Duty::ValveTest => Words::Monthly.text(locale),
        }
    }
}

/// A boiler as the phone pulls it (`boiler`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub site_id: String,
    pub name: String,
    pub medium: String,
    /// Rated (maximum working) pressure, MPa; 0 for an atmospheric boiler.
    pub rated_pressure_mpa: f64,
    /// Rated outlet temperature, °C.
    pub rated_temp_c: f64,
    #[serde(default)]
    pub power_mw: f64,
    #[serde(default)]
    pub volume_l: f64,
    /// An atmospheric (常压) boiler: vent pipe, CO alarm, ventilation, door checks.
    #[serde(default)]
    pub atmospheric: i64,
    /// Heating season, month-day ("10-15" to "04-15").
    pub season_start: String,
    pub season_end: String,
    #[serde(default)]
    pub inspection_due: String,
}

impl Profile {
    pub fn medium(&self) -> Medium {
        Medium::parse(&self.medium).unwrap_or(Medium::HotWater)
    }
    /// Special equipment (特种设备): an operator certificate and an annual inspection are
    /// required. Not atmospheric; pressure ≥ 0.1 MPa and, for hot water, power ≥ 0.1 MW; for steam, ≥ 30 L.
    pub fn special_equipment(&self) -> bool {
        self.atmospheric == 0
            && self.rated_pressure_mpa >= 0.1
            && match self.medium() {
                Medium::HotWater => self.power_mw >= 0.1,
                Medium::Steam => self.volume_l >= 30.0,
            }
    }
    /// Whether the court date (month, day) is in the heating season.
    pub fn in_season(&self, month: u32, day: u32) -> bool {
        let md = |s: &str| -> Option<(u32, u32)> {
            let (m, d) = s.split_once('-')?;
            Some((m.parse().ok()?, d.parse().ok()?))
        };
        let (Some(a), Some(b)) = (md(&self.season_start), md(&self.season_end)) else {
            return true;
        };
        let t = (month, day);
        if a <= b {
            a <= t && t <= b
        } else {
            t >= a || t <= b
        }
    }
}

/// Checks a profile as a supervisor sets it: a name, a known medium, ratings that make sense,
/// season dates as MM-DD.
pub fn check_profile(mut p: Profile, locale: Locale) -> Result<Profile, FieldError> {
    let err = |field, words: Words| FieldError::said(locale, field, words);
    p.name = p.name.trim().to_string();
    if p.name.is_empty() || p.name.chars().count() > 40 {
        return Err(err("name", Words::NameTheBoiler));
    }
    if Medium::parse(&p.medium).is_none() {
        return Err(err("medium", Words::ChooseTheKindOfBoiler));
    }
    if !(0.0..=5.0).contains(&p.rated_pressure_mpa) || !(30.0..=250.0).contains(&p.rated_temp_c) {
        return Err(err("rated_pressure_mpa", Words::RatedPressure0To5Mpa));
    }
    let md_ok = |s: &str| {
        s.split_once('-').is_some_and(|(m, d)| {
            m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
                && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
        })
    };
    if !md_ok(&p.season_start) || !md_ok(&p.season_end) {
        return Err(err("season_start", Words::SeasonDatesAreMonthDayE));
    }
    p.atmospheric = p.atmospheric.clamp(0, 1);
    Ok(p)
}

/// `boiler.reading` v1.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub id: String,
    pub boiler_id: String,
    #[serde(default)]
    pub supply_c: Option<f64>,
    #[serde(default)]
    pub return_c: Option<f64>,
    #[serde(default)]
    pub pressure_mpa: Option<f64>,
    #[serde(default)]
    pub water_level: Option<WaterLevel>,
    #[serde(default)]
    pub pump_running: bool,
    #[serde(default)]
    pub makeup_water: String,
    #[serde(default)]
    pub fuel: String,
    #[serde(default)]
    pub duties: Vec<Duty>,
    /// Safety accessories found faulty (none: all in order).
    #[serde(default)]
    pub faulty: Vec<String>,
    #[serde(default)]
    pub stop_conditions: Vec<StopCondition>,
    #[serde(default)]
    pub anomaly: String,
    #[serde(default)]
    pub handling: String,
}

/// Why a reading stops the boiler.
#[derive(Clone, Debug, PartialEq)]
pub enum StopReason {
    PressureAbove { read: f64, rated: f64 },
    TempAbove { read: f64, rated: f64 },
    LowWater,
    Condition(StopCondition),
}

impl StopReason {
    pub fn message(&self, locale: Locale) -> String {
        match (self, locale) {
            (StopReason::PressureAbove { read, rated }, Locale::Zh) => {
                format!("压力{read} MPa超过额定{rated} MPa")
            }
            (StopReason::PressureAbove { read, rated }, Locale::En) => {
                format!("Pressure {read} MPa above the rated {rated} MPa")
            }
            (StopReason::TempAbove { read, rated }, Locale::Zh) => {
                format!("出水温度{read} ℃超过额定{rated} ℃")
            }
            (StopReason::TempAbove { read, rated }, Locale::En) => {
                format!("Outlet {read} °C above the rated {rated} °C")
            }
            (StopReason::LowWater, l) => Words::WaterShort.text(l).into(),
            (StopReason::Condition(c), l) => c.label(l).into(),
        }
    }
}

/// The safety accessories a caretaker checks at each reading.
pub const ACCESSORIES: [(&str, Words); 3] = [
    ("safety_valve", Words::SafetyValve),
    ("pressure_gauge", Words::PressureGauge),
    ("level_gauge", Words::LevelGauge),
];

/// Checks a reading against its boiler: the reading as it will be stored and why it stops the
/// boiler (empty: it runs on), or the first field to fix.
pub fn check_reading(
    p: &Profile,
    mut r: Reading,
    locale: Locale,
) -> Result<(Reading, Vec<StopReason>), FieldError> {
    let err = |field, words: Words| FieldError::said(locale, field, words);
    let temp_ok = |t: Option<f64>| t.is_some_and(|t| (-30.0..=250.0).contains(&t));
    if !temp_ok(r.supply_c) {
        return Err(err("supply_c", Words::EnterTheOutletTemperature30To));
    }
    if r.return_c.is_some() && !temp_ok(r.return_c) {
        return Err(err("return_c", Words::TheReturnTemperatureIsBetween30));
    }
    if !r.pressure_mpa.is_some_and(|x| (0.0..=5.0).contains(&x)) {
        return Err(err("pressure_mpa", Words::EnterThePressure0To5));
    }
    if p.medium() == Medium::Steam && r.water_level.is_none() {
        return Err(err("water_level", Words::ASteamBoilerSWaterLevel));
    }
    r.faulty
        .retain(|f| ACCESSORIES.iter().any(|(code, _)| code == f));
    for s in [
        &mut r.makeup_water,
        &mut r.fuel,
        &mut r.anomaly,
        &mut r.handling,
    ] {
        *s = s.trim().to_string();
        if s.chars().count() > 200 {
            return Err(err("anomaly", Words::AtMost200Characters));
        }
    }
    if (!r.faulty.is_empty() || !r.stop_conditions.is_empty()) && r.anomaly.is_empty() {
        return Err(err("anomaly", Words::DescribeWhatIsWrong));
    }
    let mut stop = Vec::new();
    let pressure = r.pressure_mpa.unwrap_or_default();
    if pressure > p.rated_pressure_mpa {
        stop.push(StopReason::PressureAbove {
            read: pressure,
            rated: p.rated_pressure_mpa,
        });
    }
    let supply = r.supply_c.unwrap_or_default();
    if supply > p.rated_temp_c {
        stop.push(StopReason::TempAbove {
            read: supply,
            rated: p.rated_temp_c,
        });
    }
    if matches!(
        r.water_level,
        Some(WaterLevel::Low) | Some(WaterLevel::Invisible)
    ) {
        stop.push(StopReason::LowWater);
    }
    stop.extend(r.stop_conditions.iter().map(|c| StopReason::Condition(*c)));
    Ok((r, stop))
}

/// Stop reasons in both languages, as the server's table and the phone's copy keep them
/// (JSON `[{"zh", "en"}]`; an empty array: the boiler runs on).
pub fn reasons_json(stop: &[StopReason]) -> String {
    let list: Vec<serde_json::Value> = stop
        .iter()
        .map(|r| serde_json::json!({"zh": r.message(Locale::Zh), "en": r.message(Locale::En)}))
        .collect();
    serde_json::Value::from(list).to_string()
}

/// A reading as the phone pulls it (`boiler_reading`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadingRow {
    pub site_id: String,
    pub boiler_id: String,
    pub read_at: i64,
    #[serde(default)]
    pub supply_c: Option<f64>,
    #[serde(default)]
    pub pressure_mpa: Option<f64>,
    /// The duties done with it, as a JSON array of codes.
    #[serde(default)]
    pub duties: String,
    /// Why it stopped the boiler, see [`reasons_json`].
    #[serde(default)]
    pub stop_reasons: String,
}

impl ReadingRow {
    pub fn duties(&self) -> Vec<Duty> {
        serde_json::from_str(&self.duties).unwrap_or_default()
    }
    /// Why it stopped the boiler, in `locale`.
    pub fn stop_reasons(&self, locale: Locale) -> Vec<String> {
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&self.stop_reasons).unwrap_or_default();
        let key = if locale == Locale::Zh { "zh" } else { "en" };
        list.iter()
            .filter_map(|v| v[key].as_str().map(String::from))
            .collect()
    }
}

/// The duties not done within their interval before `now`, given the readings' (time, duties).
pub fn duties_due(done: &[(i64, Vec<Duty>)], now: i64) -> Vec<Duty> {
    Duty::ALL
        .iter()
        .copied()
        .filter(|d| {
            !done
                .iter()
                .any(|(at, ds)| ds.contains(d) && *at > now - d.every() && *at <= now)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            site_id: "s".into(),
            name: "1号锅炉".into(),
            medium: "hot_water".into(),
            rated_pressure_mpa: 0.4,
            rated_temp_c: 95.0,
            power_mw: 0.35,
            volume_l: 0.0,
            atmospheric: 0,
            season_start: "10-15".into(),
            season_end: "04-15".into(),
            inspection_due: String::new(),
        }
    }

    fn reading(supply: f64, pressure: f64) -> Reading {
        Reading {
            id: "r".into(),
            boiler_id: "b".into(),
            supply_c: Some(supply),
            return_c: Some(supply - 15.0),
            pressure_mpa: Some(pressure),
            pump_running: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_reading_within_the_rating_runs_on_and_one_above_stops() {
        let p = profile();
        let (_, stop) = check_reading(&p, reading(95.0, 0.4), Locale::Zh).unwrap();
        assert!(stop.is_empty(), "exactly the rating is still within it");
        let (_, stop) = check_reading(&p, reading(96.5, 0.45), Locale::Zh).unwrap();
        assert_eq!(stop.len(), 2);
        assert_eq!(stop[0].message(Locale::Zh), "压力0.45 MPa超过额定0.4 MPa");
        assert_eq!(stop[1].message(Locale::Zh), "出水温度96.5 ℃超过额定95 ℃");
    }

    #[test]
    fn missing_or_impossible_values_are_explained() {
        let p = profile();
        let mut r = reading(70.0, 0.3);
        r.supply_c = None;
        assert_eq!(
            check_reading(&p, r, Locale::Zh).unwrap_err().field,
            "supply_c"
        );
        let e = check_reading(&p, reading(70.0, 9.0), Locale::En).unwrap_err();
        assert_eq!(e.message, "Enter the pressure (0 to 5 MPa)");
        // A faulty accessory or a stop condition needs the anomaly described.
        let mut r = reading(70.0, 0.3);
        r.stop_conditions = vec![StopCondition::PartDamaged];
        assert_eq!(
            check_reading(&p, r.clone(), Locale::Zh).unwrap_err().field,
            "anomaly"
        );
        r.anomaly = "炉管渗漏".into();
        let (_, stop) = check_reading(&p, r, Locale::Zh).unwrap();
        assert_eq!(stop, [StopReason::Condition(StopCondition::PartDamaged)]);
    }

    #[test]
    fn a_steam_boiler_needs_its_water_level_and_low_water_stops_it() {
        let mut p = profile();
        p.medium = "steam".into();
        p.volume_l = 20.0;
        assert!(
            !p.special_equipment(),
            "under 30 L is not special equipment"
        );
        p.volume_l = 30.0;
        assert!(p.special_equipment());
        let r = reading(70.0, 0.3);
        assert_eq!(
            check_reading(&p, r.clone(), Locale::Zh).unwrap_err().field,
            "water_level"
        );
        let low = Reading {
            water_level: Some(WaterLevel::Low),
            ..r
        };
        let (_, stop) = check_reading(&p, low, Locale::Zh).unwrap();
        assert_eq!(stop, [StopReason::LowWater]);
    }

    #[test]
    fn special_equipment_and_the_heating_season() {
        let mut p = profile();
        assert!(p.special_equipment());
        p.atmospheric = 1;
        assert!(
            !p.special_equipment(),
            "an atmospheric boiler bears no pressure"
        );
        p.atmospheric = 0;
        p.power_mw = 0.05;
        assert!(!p.special_equipment());
        assert!(p.in_season(11, 28));
        assert!(p.in_season(1, 1));
        assert!(p.in_season(4, 15));
        assert!(!p.in_season(4, 16));
        assert!(!p.in_season(7, 1));
    }

    #[test]
    fn the_phone_keeps_each_duty_longer_than_it_takes_to_fall_due() {
        // A monthly valve test done 29 days ago must still be on the phone, or it shows as
        // due again (the phone kept 14 days before).
        let (_, days) = BOILER_READING
            .window()
            .expect("readings are kept by a window");
        for d in Duty::ALL {
            assert!(d.every() + 7 * 24 * HOUR <= days * 24 * HOUR, "{d:?}");
        }
    }

    #[test]
    fn duties_fall_due_per_shift_week_and_month() {
        let now = 1_000 * 24 * HOUR;
        assert_eq!(duties_due(&[], now).len(), 5);
        let done = [
            (now - 2 * HOUR, vec![Duty::Blowdown, Duty::GaugeFlush]),
            (now - 13 * HOUR, vec![Duty::AlarmTest]),
            (now - 6 * 24 * HOUR, vec![Duty::SiphonFlush]),
            (now - 31 * 24 * HOUR, vec![Duty::ValveTest]),
        ];
        assert_eq!(duties_due(&done, now), [Duty::AlarmTest, Duty::ValveTest]);
    }
}
