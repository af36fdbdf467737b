//! The supervisor's dashboard: per site and court day, the counts behind the contract's KPIs.

use crate::http::error::{ApiError, ApiResult};
use crate::http::Caller;
use crate::records::{self, Entity};
use crate::AppState;
use app::dashboard::Dashboard;
use app::i18n::Key;
use app::model::Action;
use axum::extract::{Query, State};
use axum::Json;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct DashboardQuery {
    pub site: String,
    pub day: String,
}

pub const OFFSET_MS: i64 = 8 * 3600 * 1000;

/// The court day's start in milliseconds (UTC+8 midnight).
pub fn day_start(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis() - OFFSET_MS)
        .unwrap_or_default()
}

async fn count(db: &crate::db::Db, sql: &str, site: &str, from: i64, to: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(sql)
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_one(db)
        .await
}

async fn grouped(
    db: &crate::db::Db,
    sql: &str,
    site: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(sql)
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_all(db)
        .await
}

/// Record tables with a `clock_skewed` flag (each entity's time column holds the record's time).
const CLOCK_FLAGGED: &[&Entity] = &[
    &records::visits::ENTITY,
    &records::screening::SCREENING,
    &records::gate::ENTITY,
    &records::rounds::ROUND,
    &records::boiler::READING,
    &records::fire::ALARM,
    &records::fire::STATUS,
    &records::checklist::ENTITY,
    &records::fire::HANDOVER,
    &records::hazard::HAZARD,
    &records::inspect::INSPECTION,
    &records::fire::SHIFT,
    &records::court_duty::COURT_DUTY,
    &records::requests::REQUEST,
];

/// `GET /api/v1/dashboard?site=&day=`: for those who see the KPIs, at their sites.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DashboardQuery>,
) -> ApiResult<Json<Dashboard>> {
    caller.require_site(Action::ViewKpis, &q.site)?;
    let day = NaiveDate::parse_from_str(&q.day, "%Y-%m-%d")
        .map_err(|_| ApiError::bad(Key::ErrBadRequest, "day"))?;
    let (from, to) = (day_start(day), day_start(day) + 24 * 3600 * 1000);
    let month_from = day_start(day.with_day(1).unwrap_or(day));
    let db = &state.db;
    let s = q.site.as_str();
    let visits = count(db, "SELECT COUNT(*) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", s, from, to).await?;
    let people = count(db, "SELECT COALESCE(SUM(1 + companions), 0) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", s, from, to).await?;
    let complete = count(db, "SELECT COUNT(*) FROM visits WHERE complete = TRUE AND site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", s, from, to).await?;
    let month_visits = count(db, "SELECT COUNT(*) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", s, month_from, to).await?;
    let month_complete = count(db, "SELECT COUNT(*) FROM visits WHERE complete = TRUE AND site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", s, month_from, to).await?;
    let screenings = count(db, "SELECT COUNT(*) FROM screenings WHERE site_id = ? AND screened_at >= ? AND screened_at < ?", s, from, to).await?;
    let outcomes = grouped(db, "SELECT outcome, COUNT(*) FROM screenings WHERE site_id = ? AND screened_at >= ? AND screened_at < ? GROUP BY outcome ORDER BY outcome", s, from, to).await?;
    let items = grouped(
        db,
        crate::db::dialect::SCREENED_ITEMS_BY_CATEGORY,
        s,
        from,
        to,
    )
    .await?;
    let deposits_made = count(db, "SELECT COUNT(*) FROM deposits WHERE site_id = ? AND deposited_at >= ? AND deposited_at < ?", s, from, to).await?;
    let deposits_open = count(db, "SELECT COUNT(*) FROM deposits WHERE site_id = ? AND closed_at IS NULL AND deposited_at >= ? AND deposited_at < ?", s, 0, to).await?;
    let self_tests = count(
        db,
        "SELECT COUNT(*) FROM self_tests WHERE site_id = ? AND tested_at >= ? AND tested_at < ?",
        s,
        from,
        to,
    )
    .await?;
    let watch_hits = count(db, "SELECT COUNT(*) FROM visits WHERE watch_id IS NOT NULL AND site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", s, from, to).await?;
    let watch_alerts = count(db, "SELECT COUNT(*) FROM watch_alerts WHERE site_id = ? AND alerted_at >= ? AND alerted_at < ?", s, from, to).await?;
    let gate = grouped(db, "SELECT kind, COUNT(*) FROM gate_entries WHERE site_id = ? AND arrived_at >= ? AND arrived_at < ? GROUP BY kind ORDER BY kind", s, from, to).await?;
    let custody_open = count(db, "SELECT COUNT(*) FROM gate_entries WHERE kind = 'custody' AND left_at IS NULL AND site_id = ? AND arrived_at >= ? AND arrived_at < ?", s, 0, to).await?;
    let duty = crate::reports::duty_day::day(db, s, from, to, crate::db::now_ms()).await?;
    let sampled_sql = "SELECT COUNT(*) FROM screening_samples WHERE site_id = ? AND screened_at >= ? AND screened_at < ?";
    let correct_sql = "SELECT COUNT(*) FROM screening_samples WHERE correct = TRUE AND site_id = ? AND screened_at >= ? AND screened_at < ?";
    let sampled = count(db, sampled_sql, s, from, to).await?;
    let sampled_correct = count(db, correct_sql, s, from, to).await?;
    let month_sampled = count(db, sampled_sql, s, month_from, to).await?;
    let month_sampled_correct = count(db, correct_sql, s, month_from, to).await?;
    let ledger: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(state != 'closed'), 0),
                COALESCE(SUM(state != 'closed' AND deadline != '' AND deadline < ?), 0),
                COALESCE(SUM(state = 'awaiting_review'), 0),
                COALESCE(SUM(state = 'closed' AND closed_at >= ? AND closed_at < ?), 0)
         FROM rectifications WHERE site_id = ?",
    )
    .bind(&q.day)
    .bind(from)
    .bind(to)
    .bind(s)
    .fetch_one(db)
    .await?;
    // Records of the day whose phone clock was off, changed or out of bounds (placed at the
    // server's best estimate; both times are in sync_mutations).
    let mut clock_flagged = 0;
    for e in CLOCK_FLAGGED {
        // Each of these is kept by the time it was made.
        let Some((column, _)) = e.name.window() else {
            continue;
        };
        let table = e.table;
        let sql = format!(
            "SELECT COUNT(*) FROM {table} WHERE site_id = ? AND {column} >= ? AND {column} < ? AND clock_skewed = TRUE"
        );
        clock_flagged += count(db, &sql, s, from, to).await?;
    }
    // The month's response-time KPI so far, judged now (a request still within its limit is
    // not counted yet).
    let month_requests = records::requests::rows_between(db, s, month_from, to).await?;
    let responses = app::request::ResponseKpi::of(s, &month_requests, crate::db::now_ms().min(to));
    let judged_at = crate::db::now_ms().min(to);
    let e: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(drill = TRUE), 0), COALESCE(SUM(closed_at IS NULL), 0),
                COALESCE(SUM(COALESCE(after_report_at, ?) > opened_at + ?), 0)
         FROM emergencies WHERE site_id = ? AND opened_at >= ? AND opened_at < ?",
    )
    .bind(judged_at)
    .bind(app::emergency::AFTER_REPORT_WITHIN)
    .bind(s)
    .bind(month_from)
    .bind(to)
    .fetch_one(db)
    .await?;
    let emergencies = app::dashboard::EmergencyMonth {
        opened: e.0,
        drills: e.1,
        open: e.2,
        reports_late: e.3,
    };
    let rectify = app::dashboard::RectifyDay {
        reported: count(db, "SELECT COUNT(*) FROM hazards WHERE site_id = ? AND reported_at >= ? AND reported_at < ?", s, from, to).await?,
        open: ledger.0,
        overdue: ledger.1,
        awaiting_review: ledger.2,
        closed: ledger.3,
    };
    Ok(Json(Dashboard {
        site_id: q.site,
        day: q.day,
        visits,
        people,
        complete,
        month_visits,
        month_complete,
        screenings,
        outcomes,
        items,
        deposits_made,
        deposits_open,
        self_tests,
        watch_hits,
        watch_alerts,
        gate,
        custody_open,
        duty,
        sampled,
        sampled_correct,
        month_sampled,
        month_sampled_correct,
        rectify,
        clock_flagged,
        responses,
        emergencies,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_court_day_starts_at_midnight_china_time() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        // 2026-11-27 16:00 UTC.
        assert_eq!(day_start(d), 1_795_824_000_000 - OFFSET_MS);
    }
}
