//! The one list of record types (see [`crate::record`] for what each declares).
//!
//! [`with_records!`] names them all; the phone's dispatch ([`RECORDS`], [`VIEWS`]), the
//! phone's typed send (`outbox::send`) and the server's dispatch (`server::records::run`, each
//! type's `Apply`) come from that one list, so a record type missing a half does not compile.
//! An entity (a table phones pull) is a [`crate::rows::Entity`] constant, declared in its
//! feature.
//!
//! Names and versions are the wire: phones in the field have records queued under them, so
//! they never change (`tests::the_wire_is_pinned`).

pub use crate::record::{Declared, Record};
use crate::rows::{Entity, Rows};
use crate::sync::Mutation;

/// Calls `$then! { Type, … }` with every record type: the one list.
#[macro_export]
macro_rules! with_records {
    ($then:ident) => {
        $then! {
            $crate::front::CheckIn,
            $crate::front::CheckOut,
            $crate::screening::Screening,
            $crate::screening::DepositClose,
            $crate::screening::SelfTest,
            $crate::watch::Alert,
            $crate::gate::Arrive,
            $crate::gate::Leave,
            $crate::rounds::Start,
            $crate::rounds::Check,
            $crate::rounds::Finish,
            $crate::boiler::Reading,
            $crate::procedure::Step,
            $crate::fire::Alarm,
            $crate::fire::AlarmClose,
            $crate::fire::RepairDone,
            $crate::fire::StatusEntry,
            $crate::fire::Handover,
            $crate::fire::HandoverAccept,
            $crate::fire::Shift,
            $crate::hazard::Complaint,
            $crate::rounds::DutyStart,
            $crate::rounds::DutyFinish,
            $crate::checklist::Checklist,
            $crate::checklist::Countersign,
            $crate::hazard::Report,
            $crate::hazard::Issue,
            $crate::hazard::Edit,
            $crate::hazard::Progress,
            $crate::hazard::Review,
            $crate::hazard::Comment,
            $crate::inspect::Inspection,
            $crate::inspect::Sample,
            $crate::request::File,
            $crate::request::Step,
            $crate::emergency::Open,
            $crate::emergency::AfterReport,
            $crate::request::BoxOpening,
            $crate::alert::Ack,
        }
    };
}

macro_rules! declared {
    ($($t:ty),* $(,)?) => {
        /// Every record type, in the order [`with_records!`] names them.
        pub const RECORDS: &[Declared] = &[$(Declared {
            name: <$t as Record>::NAME,
            version: <$t as Record>::VERSION,
            label: <$t as Record>::LABEL,
            fix_route: <$t as Record>::FIX_ROUTE,
        }),*];

        /// Every record type's view, by name: only what reads rows reaches it, so the first
        /// chunk (sign-in, home, the status bars) holds no view.
        pub const VIEWS: &[(&str, fn(&mut Rows, &Mutation))] =
            &[$((<$t as Record>::NAME, <$t as Record>::show)),*];
    };
}
with_records!(declared);

/// Every entity phones pull, each declared in its feature.
pub const ENTITIES: &[Entity] = &[
    crate::front::VISIT,
    crate::screening::SCREENING,
    crate::screening::DEPOSIT,
    crate::screening::SELF_TEST,
    crate::watch::WATCH,
    crate::watch::WATCH_ALERT,
    crate::gate::GATE,
    crate::rounds::ROUTE,
    crate::rounds::ROUND,
    crate::rounds::ROUND_CHECK,
    crate::boiler::BOILER,
    crate::boiler::BOILER_READING,
    crate::fire::FIRE_ALARM,
    crate::procedure::PROCEDURE_STEP,
    crate::fire::REPAIR,
    crate::fire::FIRE_STATUS,
    crate::fire::HANDOVER,
    crate::fire::FIRE_SHIFT,
    crate::rounds::COURT_DUTY,
    crate::checklist::CHECKLIST,
    crate::hazard::HAZARD,
    crate::hazard::RECTIFICATION,
    crate::hazard::RECT_COMMENT,
    crate::inspect::INSPECTION_CHECKLIST,
    crate::inspect::INSPECTION,
    crate::inspect::SCREENING_SAMPLE,
    crate::request::COURT_REQUEST,
    crate::emergency::EMERGENCY,
    crate::request::SUGGESTION_BOX,
    crate::alert::ALERT,
];

/// The declaration of the mutation named `name`, if this build knows it.
pub fn declared(name: &str) -> Option<&'static Declared> {
    RECORDS.iter().find(|d| d.name == name)
}

/// What kind of record the mutation `name` is, for a refusal that names no visitor.
pub fn label(name: &str, locale: crate::i18n::Locale) -> &'static str {
    declared(name)
        .map_or(crate::i18n::Key::RecordAny, |d| d.label)
        .text(locale)
}

/// The page where a refused record of the mutation `name` is corrected and sent again.
pub fn fix_route(name: &str) -> Option<&'static str> {
    declared(name).and_then(|d| d.fix_route)
}

/// Drops pulled records the entities' declarations no longer keep at `now` (personal data
/// stays on the phone no longer than needed; what is still open stays).
pub fn prune(rows: &mut Rows, now: i64) {
    rows.prune(ENTITIES, now);
}

/// Lays `m` on the phone's rows as its record type shows it (nothing for a name this build
/// does not know: the server judges it).
pub fn show(rows: &mut Rows, m: &Mutation) {
    if let Some((_, show)) = VIEWS.iter().find(|(name, _)| *name == m.name) {
        show(rows, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What goes over the wire today: phones in the field have records queued under these
    /// names and versions, so a change here is a change to the protocol, not a refactor.
    const WIRE: &[(&str, u32)] = &[
        ("visit.check_in", 2),
        ("visit.check_out", 1),
        ("screening.record", 1),
        ("deposit.close", 1),
        ("equipment.self_test", 1),
        ("watch.alert", 1),
        ("gate.arrive", 1),
        ("gate.leave", 1),
        ("round.start", 1),
        ("round.check", 1),
        ("round.finish", 1),
        ("boiler.reading", 1),
        ("procedure.step", 1),
        ("fire.alarm", 1),
        ("fire.alarm_close", 1),
        ("fire.repair_done", 1),
        ("fire.status", 1),
        ("fire.handover", 1),
        ("fire.handover_accept", 1),
        ("fire.shift", 1),
        ("complaint.file", 1),
        ("court_duty.start", 1),
        ("court_duty.finish", 1),
        ("checklist.record", 1),
        ("checklist.countersign", 1),
        ("hazard.report", 1),
        ("rect.issue", 1),
        ("rect.edit", 1),
        ("rect.progress", 1),
        ("rect.review", 1),
        ("rect.comment", 1),
        ("inspection.record", 1),
        ("screening.sample", 1),
        ("request.file", 1),
        ("request.step", 1),
        ("emergency.open", 1),
        ("emergency.after_report", 1),
        ("suggestion_box.open", 1),
        ("alert.ack", 1),
    ];

    #[test]
    fn the_wire_is_pinned() {
        let declared: Vec<(&str, u32)> = RECORDS.iter().map(|d| (d.name, d.version)).collect();
        assert_eq!(declared, WIRE);
    }

    /// The entities' names on the wire (phones keep their pulled rows under them).
    const WIRE_ENTITIES: &[&str] = &[
        "visit",
        "screening",
        "deposit",
        "self_test",
        "watch",
        "watch_alert",
        "gate",
        "route",
        "round",
        "round_check",
        "boiler",
        "boiler_reading",
        "fire_alarm",
        "procedure_step",
        "repair",
        "fire_status",
        "handover",
        "fire_shift",
        "court_duty",
        "checklist",
        "hazard",
        "rectification",
        "rect_comment",
        "inspection_checklist",
        "inspection",
        "screening_sample",
        "court_request",
        "emergency",
        "suggestion_box",
        "alert",
    ];

    #[test]
    fn the_entities_are_pinned() {
        let names: Vec<&str> = ENTITIES.iter().map(|e| e.name()).collect();
        assert_eq!(names, WIRE_ENTITIES);
    }

    #[test]
    fn every_name_is_declared_once() {
        let mut names: Vec<&str> = RECORDS.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RECORDS.len());
        assert!(RECORDS.iter().all(|d| d.version >= 1));
    }
}

#[cfg(test)]
mod views_tests {
    use super::*;
    use crate::boiler::{self, BOILER, BOILER_READING};
    use crate::fire::Alarm;
    use crate::fire::{FIRE_ALARM, REPAIR};
    use crate::i18n::Locale;
    use crate::procedure::{steps_of, Step};
    use crate::record::testing::mutation as m;
    use crate::rounds::{Check, Finish, Start, ROUTE};
    use crate::rounds::{ROUND, ROUND_CHECK};
    use serde_json::json;

    #[test]
    fn rounds_boiler_stops_and_fire_alarms_show_on_the_phone() {
        let mut rows = Rows::new();
        rows.table_mut(ROUTE).insert(
            "rt".into(),
            json!({"site_id": "s", "kind": "night", "name_zh": "夜查", "name_en": "",
                   "days": "workdays", "window_start": 1020, "window_end": 1260,
                   "area_ids": "[\"a1\",\"a2\"]"}),
        );
        show(
            &mut rows,
            &m::<Start>(json!({"id": "r1", "route_id": "rt"})),
        );
        let check = |area: &str, reason: serde_json::Value| {
            m::<Check>(json!({"round_id": "r1", "area_id": area, "how": "list", "reason": reason}))
        };
        show(&mut rows, &check("a1", json!(null)));
        show(&mut rows, &check("a1", json!("no_scanner")));
        show(&mut rows, &check("x", json!("no_scanner")));
        assert_eq!(
            rows.table(ROUND_CHECK).unwrap().len(),
            1,
            "no reason or off the route: not shown"
        );
        show(&mut rows, &m::<Finish>(json!({"round_id": "r1"})));
        assert!(rows.row(ROUND, "r1").unwrap()["finished_at"].is_i64());

        rows.table_mut(BOILER).insert(
            "b".into(),
            json!({"site_id": "s", "name": "1号锅炉", "medium": "hot_water",
                   "rated_pressure_mpa": 0.4, "rated_temp_c": 95.0, "season_start": "10-15",
                   "season_end": "04-15"}),
        );
        show(
            &mut rows,
            &m::<boiler::Reading>(
                json!({"id": "rd", "boiler_id": "b", "supply_c": 99.0, "pressure_mpa": 0.3}),
            ),
        );
        let r: boiler::ReadingRow = rows.row_as(BOILER_READING, "rd").unwrap();
        assert_eq!(r.stop_reasons(Locale::Zh), ["出水温度99 ℃超过额定95 ℃"]);
        let step = |s: &str| m::<Step>(json!({"of": "rd", "kind": "boiler_stop", "step": s}));
        show(&mut rows, &step("damp_fire"));
        show(&mut rows, &step("stop_fuel"));
        show(&mut rows, &step("damp_fire"));
        let steps: Vec<String> = steps_of(&rows, "rd").into_iter().map(|s| s.step).collect();
        assert_eq!(steps, ["stop_fuel", "damp_fire"]);

        show(
            &mut rows,
            &m::<Alarm>(json!({"id": "al", "site_id": "s", "kind": "false",
                "place": "二楼烟感", "cause": "灰尘", "handling": "清洁复位"})),
        );
        assert!(rows.row(FIRE_ALARM, "al").unwrap()["closed_at"].is_i64());
        assert!(rows.row(REPAIR, "al/repair").unwrap()["repaired_at"].is_null());
        // An open repair stays on the phone, however old.
        prune(
            &mut rows,
            1_795_885_200_000 + (FIRE_ALARM.window().unwrap().1 + 1) * 24 * 3600 * 1000,
        );
        assert!(rows.row(REPAIR, "al/repair").is_some());
        assert!(rows.table(FIRE_ALARM).unwrap().is_empty());
    }
}
