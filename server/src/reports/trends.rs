//! The court-wide view: every site of the reader's scope at once (a row each: today's
//! visitors, people on site now, rounds done and missed, open alarms and repairs, overdue
//! rectifications, open requests), and trends over weeks and months as chart series.

use super::scorecard;
use crate::db::Db;
use crate::http::error::{ApiError, ApiResult};
use crate::http::Caller;
use crate::AppState;
use app::dashboard::{SiteRow, Trends};
use app::i18n::Key;
use app::model::Action;
use app::report::Series;
use app::rounds::{RoundStatus, RouteRow};
use app::score::Period;
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

const DAY: i64 = 24 * 3600 * 1000;

/// Route-days due at `site` from `from` to `to` (court midnights), judged at `now`: done on
/// time, done late, missed. Two queries whatever the range.
pub async fn route_days(
    db: &Db,
    site: &str,
    from: i64,
    to: i64,
    now: i64,
) -> sqlx::Result<(i64, i64, i64)> {
    let routes: Vec<super::duty_day::RouteSql> = sqlx::query_as(
        "SELECT id, kind, name_zh, name_en, days, window_start, window_end, area_ids FROM routes
         WHERE site_id = ? AND deleted_at IS NULL",
    )
    .bind(site)
    .fetch_all(db)
    .await?;
    let starts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT route_id, started_at FROM rounds WHERE site_id = ? AND started_at >= ? AND started_at < ?",
    )
    .bind(site)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    let (mut done, mut late, mut missed) = (0, 0, 0);
    for (id, kind, name_zh, name_en, days, window_start, window_end, area_ids) in routes {
        let route = RouteRow {
            site_id: site.into(),
            kind,
            name_zh,
            name_en,
            days,
            window_start,
            window_end,
            area_ids,
        };
        let mine: Vec<i64> = starts
            .iter()
            .filter(|(r, _)| *r == id)
            .map(|(_, t)| *t)
            .collect();
        let mut day = from;
        while day < to && day <= now {
            match app::rounds::round_status(route.schedule(), day, &mine, now) {
                RoundStatus::Done { late: false } => done += 1,
                RoundStatus::Done { late: true } => late += 1,
                RoundStatus::Missed => missed += 1,
                _ => {}
            }
            day += DAY;
        }
    }
    Ok((done, late, missed))
}

async fn count(db: &Db, sql: &str, site: &str, a: i64, b: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(sql)
        .bind(site)
        .bind(a)
        .bind(b)
        .fetch_one(db)
        .await
}

#[derive(Deserialize)]
pub struct DayQuery {
    pub day: String,
}

/// `GET /api/v1/overview?day=YYYY-MM-DD`: a row per site where the reader sees the KPIs.
pub async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DayQuery>,
) -> ApiResult<Json<Vec<SiteRow>>> {
    caller.require(Action::ViewKpis)?;
    let from =
        app::score::period::day_start(&q.day).ok_or(ApiError::bad(Key::ErrBadRequest, "day"))?;
    let to = from + DAY;
    let now = crate::db::now_ms();
    let db = &state.db;
    let mut rows = Vec::new();
    for site in scorecard::all_sites(db).await? {
        if caller.require_site(Action::ViewKpis, &site).is_err() {
            continue;
        }
        let s = site.as_str();
        let (done, late, missed) = route_days(db, s, from, to, now).await?;
        rows.push(SiteRow {
            visitors: count(db, "SELECT COUNT(*) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", s, from, to).await?,
            on_site: count(db, "SELECT COUNT(*) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ? AND checked_out_at IS NULL AND deleted_at IS NULL", s, from, to).await?,
            rounds_done: done + late,
            rounds_missed: missed,
            alarms_open: count(db, "SELECT COUNT(*) FROM fire_alarms WHERE site_id = ? AND closed_at IS NULL AND raised_at >= ? AND raised_at < ?", s, 0, to).await?,
            repairs_open: count(db, "SELECT COUNT(*) FROM repairs WHERE site_id = ? AND repaired_at IS NULL AND opened_at >= ? AND opened_at < ?", s, 0, to).await?,
            rect_overdue: sqlx::query_scalar(
                "SELECT COUNT(*) FROM rectifications WHERE site_id = ? AND state != 'closed' AND deadline != '' AND deadline < ?",
            )
            .bind(s)
            .bind(&q.day)
            .fetch_one(db)
            .await?,
            requests_open: count(db, "SELECT COUNT(*) FROM court_requests WHERE site_id = ? AND closed_at IS NULL AND received_at >= ? AND received_at < ?", s, 0, to).await?,
            site_id: site,
        });
    }
    Ok(Json(rows))
}

#[derive(Deserialize)]
pub struct TrendQuery {
    pub site: String,
}

fn pct(part: i64, whole: i64) -> i64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// Court midnights starting the last `n` weeks (Monday to Sunday), oldest first, the last
/// being the week containing `now`.
fn weeks(now: i64, n: i64) -> Vec<i64> {
    let today = app::core::court_day_start(now);
    // 1970-01-01 was a Thursday: days since a Monday.
    let days = (today + 8 * 3600 * 1000).div_euclid(DAY);
    let monday = today - (days + 3).rem_euclid(7) * DAY;
    (0..n).rev().map(|i| monday - i * 7 * DAY).collect()
}

fn mmdd(ms: i64) -> String {
    let (_, m, d) = app::core::court_date(ms);
    format!("{m}-{d}")
}

/// `GET /api/v1/trends?site=<id or court>`: twelve weeks and six months.
pub async fn trends(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<TrendQuery>,
) -> ApiResult<Json<Trends>> {
    let (sites, court) = scorecard::scope(&state.db, &caller, &q.site, Action::ViewKpis).await?;
    let db = &state.db;
    let now = crate::db::now_ms();
    let mut visits = Vec::new();
    let mut on_time = Vec::new();
    for w in weeks(now, 12) {
        let (mut v, mut done, mut due) = (0, 0, 0);
        for s in &sites {
            v += count(db, "SELECT COUNT(*) FROM visits WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?", s, w, w + 7 * DAY).await?;
            let (d, l, m) = route_days(db, s, w, w + 7 * DAY, now).await?;
            done += d;
            due += d + l + m;
        }
        visits.push((mmdd(w), v));
        on_time.push((mmdd(w), pct(done, due)));
    }
    let mut months = vec![Period::month_of(now)];
    for _ in 0..5 {
        let p = months[months.len() - 1].previous();
        months.push(p);
    }
    months.reverse();
    let (mut items, mut response, mut scores) = (Vec::new(), Vec::new(), Vec::new());
    for m in months {
        let (from, to) = m.bounds();
        let label = m.text()[5..].trim_start_matches('0').to_string();
        let mut n = 0;
        for s in &sites {
            n += count(db, crate::db::dialect::ITEMS_FOUND, s, from, to).await?;
        }
        items.push((label.clone(), n));
        let card = scorecard::card(db, &sites, court, m, now).await?;
        let in_time = card
            .figures
            .iter()
            .find(|f| f.kpi == app::score::Kpi::Response);
        let (part, whole) = in_time.map_or((0, 0), |f| (f.part, f.whole));
        response.push((label.clone(), pct(part.into(), whole.into())));
        scores.push((label, i64::from(card.total_centi / 100)));
    }
    let series = |zh: &str, en: &str, points| Series {
        zh: zh.into(),
        en: en.into(),
        points,
    };
    Ok(Json(Trends {
        series: vec![
            series(
                "每周来访登记（周一起）",
                "Registrations per week (from Monday)",
                visits,
            ),
            series(
                "每周巡查按时率（%）",
                "Rounds on time per week (%)",
                on_time,
            ),
            series("每月查出物品", "Items found per month", items),
            series(
                "每月需求按时确认率（%）",
                "Requests acknowledged in time per month (%)",
                response,
            ),
            series("每月考核加权总分", "Weighted score per month", scores),
        ],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_the_courts_monday() {
        // 2026-12-06 12:00 +08:00 is a Sunday; its week began on Monday 2026-11-30.
        let (from, _) = Period::parse("2026-12").unwrap().bounds();
        let sunday = from + 5 * DAY + 12 * 3600 * 1000;
        let w = weeks(sunday, 3);
        assert_eq!(w.len(), 3);
        assert_eq!(app::core::court_date(w[2]), (2026, 11, 30));
        assert_eq!(app::core::court_date(w[0]), (2026, 11, 16));
        // The Monday itself is in its own week.
        assert_eq!(weeks(w[2], 1)[0], w[2]);
        assert_eq!(mmdd(w[2]), "11-30");
    }
}
