//! The supervisor's view of a day's duty logs (#5): each route's state and rounds, the boiler
//! readings that called for a stop, the fire room's entries, alarms and open repairs.

use app::dashboard::{
    AlarmDay, BoilerStopDay, ChecklistDay, CourtDutyDay, DutyDay, RepairOpen, RoundDay, RouteDay,
    ShiftDay,
};
use app::procedure::ProcedureKind;
use app::rounds::{self, Days, RoundStatus, RouteRow};
use std::collections::HashMap;

pub type RouteSql = (String, String, String, String, String, i64, i64, String);
/// id, kind, place, raised, closed, cause, handling, steps, skipped steps.
type AlarmSql = (
    String,
    String,
    String,
    i64,
    Option<i64>,
    String,
    String,
    i64,
    i64,
);

/// The duty logs of `site` on the court day `[from, to)`, judged at `now`.
pub async fn day(
    db: &crate::db::Db,
    site: &str,
    from: i64,
    to: i64,
    now: i64,
) -> sqlx::Result<DutyDay> {
    let areas: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT id, name_zh FROM areas WHERE site_id = ?")
            .bind(site)
            .fetch_all(db)
            .await?
            .into_iter()
            .collect();
    let routes: Vec<RouteSql> = sqlx::query_as(
        "SELECT id, kind, name_zh, name_en, days, window_start, window_end, area_ids FROM routes
         WHERE site_id = ? AND deleted_at IS NULL ORDER BY window_start",
    )
    .bind(site)
    .fetch_all(db)
    .await?;
    let mut out = DutyDay::default();
    for (id, kind, name_zh, name_en, days, window_start, window_end, area_ids) in routes {
        let route = RouteRow {
            site_id: site.into(),
            kind,
            name_zh: name_zh.clone(),
            name_en: name_en.clone(),
            days,
            window_start,
            window_end,
            area_ids,
        };
        let rounds: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, started_at, finished_at FROM rounds WHERE route_id = ? AND started_at >= ? AND started_at < ?
             ORDER BY started_at",
        )
        .bind(&id)
        .bind(from)
        .bind(to)
        .fetch_all(db)
        .await?;
        let starts: Vec<i64> = rounds.iter().map(|r| r.1).collect();
        let status = if route.schedule().days == Days::Unscheduled {
            "unscheduled"
        } else {
            match rounds::round_status(route.schedule(), from, &starts, now) {
                RoundStatus::NotDue => "not_due",
                RoundStatus::Due { .. } => "due",
                RoundStatus::Done { late: false } => "done",
                RoundStatus::Done { late: true } => "late",
                RoundStatus::Missed => "missed",
            }
        };
        let mut list = Vec::new();
        for (round_id, started_at, finished_at) in rounds {
            let checks: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT area_id, how, finding FROM round_checks WHERE round_id = ? ORDER BY checked_at",
            )
            .bind(&round_id)
            .fetch_all(db)
            .await?;
            let name = |a: &str| areas.get(a).cloned().unwrap_or_default();
            let confirmed: Vec<String> = checks.iter().map(|c| c.0.clone()).collect();
            list.push(RoundDay {
                started_at,
                finished_at,
                skipped: if finished_at.is_some() {
                    rounds::skipped(&route.areas(), &confirmed)
                        .iter()
                        .map(|a| name(a))
                        .collect()
                } else {
                    Vec::new()
                },
                findings: checks
                    .iter()
                    .filter(|c| !c.2.is_empty())
                    .map(|c| format!("{}：{}", name(&c.0), c.2))
                    .collect(),
                by_list: checks.iter().filter(|c| c.1 == "list").count() as i64,
            });
        }
        out.routes.push(RouteDay {
            name_zh,
            name_en,
            status: status.into(),
            rounds: list,
        });
    }

    out.boiler_readings = sqlx::query_scalar(
        "SELECT COUNT(*) FROM boiler_readings WHERE site_id = ? AND read_at >= ? AND read_at < ?",
    )
    .bind(site)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await?;
    let stops: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT r.id, b.name, r.read_at, r.stop_reasons,
            (SELECT COUNT(*) FROM procedure_steps p WHERE p.of_id = r.id)
         FROM boiler_readings r JOIN boilers b ON b.id = r.boiler_id
         WHERE r.site_id = ? AND r.read_at >= ? AND r.read_at < ? AND r.stop_reasons != '[]'
         ORDER BY r.read_at",
    )
    .bind(site)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    for (_, boiler, read_at, reasons, steps_done) in stops {
        let list: Vec<serde_json::Value> = serde_json::from_str(&reasons).unwrap_or_default();
        let of = |k: &str| {
            list.iter()
                .filter_map(|v| v[k].as_str().map(String::from))
                .collect()
        };
        out.boiler_stops.push(BoilerStopDay {
            boiler,
            read_at,
            reasons_zh: of("zh"),
            reasons_en: of("en"),
            steps_done,
            steps_total: ProcedureKind::BoilerStop.steps().len() as i64,
        });
    }

    let (entries, late): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(late), 0) FROM fire_status
         WHERE site_id = ? AND recorded_at >= ? AND recorded_at < ?",
    )
    .bind(site)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await?;
    out.fire_entries = entries;
    out.fire_late = late;
    out.fire_last =
        sqlx::query_scalar("SELECT MAX(recorded_at) FROM fire_status WHERE site_id = ?")
            .bind(site)
            .fetch_one(db)
            .await?;
    let alarms: Vec<AlarmSql> =
        sqlx::query_as(
            "SELECT a.id, a.kind, a.place, a.raised_at, a.closed_at, a.cause, a.handling,
                (SELECT COUNT(*) FROM procedure_steps p WHERE p.of_id = a.id),
                (SELECT COUNT(*) FROM procedure_steps p WHERE p.of_id = a.id AND p.skipped_because != '')
             FROM fire_alarms a
             WHERE a.site_id = ? AND ((a.raised_at >= ? AND a.raised_at < ?) OR a.closed_at IS NULL)
             ORDER BY a.raised_at",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_all(db)
        .await?;
    out.alarms = alarms
        .into_iter()
        .map(
            |(_, kind, place, raised_at, closed_at, cause, handling, steps_done, steps_skipped)| {
                AlarmDay {
                    kind,
                    place,
                    raised_at,
                    closed_at,
                    cause,
                    handling,
                    steps_done,
                    steps_skipped,
                }
            },
        )
        .collect();
    out.court_duties =
        sqlx::query_as::<_, (String, String, i64, Option<i64>, Option<String>, String)>(
            "SELECT courtroom, case_no, started_at, finished_at, outcome, note FROM court_duties
         WHERE site_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_all(db)
        .await?
        .into_iter()
        .map(
            |(courtroom, case_no, started_at, finished_at, outcome, note)| CourtDutyDay {
                courtroom,
                case_no,
                started_at,
                finished_at,
                outcome,
                note,
            },
        )
        .collect();
    out.shifts = sqlx::query_as::<_, (i64, i64, String, String)>(
        "SELECT starts_at, ends_at, operator_names, warnings FROM fire_shifts
         WHERE site_id = ? AND starts_at < ? AND ends_at > ? ORDER BY starts_at",
    )
    .bind(site)
    .bind(to)
    .bind(from)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|(starts_at, ends_at, operators, warnings)| ShiftDay {
        starts_at,
        ends_at,
        operators,
        warnings: serde_json::from_str(&warnings).unwrap_or_default(),
    })
    .collect();
    out.repairs_open = sqlx::query_as::<_, (String, i64)>(
        "SELECT place, opened_at FROM repairs WHERE site_id = ? AND repaired_at IS NULL ORDER BY opened_at",
    )
    .bind(site)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|(place, opened_at)| RepairOpen { place, opened_at })
    .collect();
    out.checklists = sqlx::query_as::<_, (String, i64, i64, i64)>(
        "SELECT kind, COUNT(*), SUM(failed),
            SUM(CASE WHEN kind IN ('fire_patrol', 'facility_inspection') AND countersigned_at IS NULL
                THEN 1 ELSE 0 END)
         FROM checklists WHERE site_id = ? AND recorded_at >= ? AND recorded_at < ?
         GROUP BY kind ORDER BY kind",
    )
    .bind(site)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|(kind, count, failed, unsigned)| ChecklistDay {
        kind,
        count,
        failed,
        unsigned,
    })
    .collect();
    Ok(out)
}
