//! The contract's scorecard (质量监督指标), per site or for the court, per month or quarter:
//! the four weighted figures counted from the records, the scoring setting beside them, and
//! the records each figure counted against.

use crate::db::Db;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::Caller;
use crate::records::requests;
use crate::AppState;
use app::i18n::Key;
use app::model::Action;
use app::score::{self, Counts, Detail, Kpi, Period, RoundUsed, Scorecard, Scoring};
use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ScoreQuery {
    /// A site's id, or `court`.
    pub site: String,
    /// `YYYY-MM` or `YYYY-Qn`.
    pub period: String,
    #[serde(default)]
    pub kpi: Option<String>,
}

/// The setting's name in `report_settings`.
const SCORING: &str = "scoring";

/// The scoring setting as saved, or the default.
pub async fn scoring(db: &Db) -> sqlx::Result<Scoring> {
    Ok(crate::db::saved_setting(db, SCORING)
        .await?
        .unwrap_or_default())
}

/// Every site's id, in the order sites are listed.
pub async fn all_sites(db: &Db) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT id FROM sites ORDER BY sort, id")
        .fetch_all(db)
        .await
}

/// The sites `site` names for `caller` doing `action`: one of theirs, or every site
/// (`court`), which needs `action` at every site.
pub async fn scope(
    db: &Db,
    caller: &Caller,
    site: &str,
    action: Action,
) -> ApiResult<(Vec<String>, bool)> {
    if site == score::COURT {
        let all = all_sites(db).await?;
        for s in &all {
            caller.require_site(action, s)?;
        }
        Ok((all, true))
    } else {
        caller.require_site(action, site)?;
        Ok((vec![site.to_string()], false))
    }
}

fn period_of(text: &str) -> ApiResult<Period> {
    Period::parse(text).ok_or(ApiError::bad(Key::ErrBadRequest, "period"))
}

/// The quarterly round a period's satisfaction comes from: the latest opened before it ends.
pub async fn round_for(db: &Db, period: Period) -> sqlx::Result<Option<RoundUsed>> {
    let (_, to) = period.bounds();
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT id, title, period FROM survey_rounds WHERE kind = 'quarterly' AND opens_at < ?
         ORDER BY opens_at DESC LIMIT 1",
    )
    .bind(to)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id, title, period)| RoundUsed { id, title, period }))
}

/// Rated answers of 4 or 5, and all rated answers, of `round` from departments at `sites`.
async fn satisfied(db: &Db, round: &str, sites: &[String]) -> sqlx::Result<(u32, u32)> {
    let (mut part, mut whole) = (0, 0);
    for s in sites {
        let (w, p): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(a.score >= ?), 0) FROM survey_answers a
             JOIN survey_responses r ON r.id = a.response_id
             WHERE r.round_id = ? AND r.site_id = ? AND a.score IS NOT NULL",
        )
        .bind(i64::from(app::survey::SATISFIED_FROM))
        .bind(round)
        .bind(s)
        .fetch_one(db)
        .await?;
        part += p as u32;
        whole += w as u32;
    }
    Ok((part, whole))
}

/// What a scorecard is made of, at `sites` over `period`, judged at `now` (a request still
/// within its limit is not counted yet; one acknowledged late after the period is a breach).
pub async fn counts(
    db: &Db,
    sites: &[String],
    court: bool,
    period: Period,
    now: i64,
) -> sqlx::Result<(Counts, Option<RoundUsed>)> {
    let (from, to) = period.bounds();
    let mut c = Counts::default();
    let add = |a: &mut (u32, u32), (p, w): (i64, i64)| {
        a.0 += p as u32;
        a.1 += w as u32;
    };
    for s in sites {
        let v: (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(complete = TRUE), 0), COUNT(*) FROM visits
             WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ?",
        )
        .bind(s)
        .bind(from)
        .bind(to)
        .fetch_one(db)
        .await?;
        add(&mut c.complete, v);
        let v: (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(correct = TRUE), 0), COUNT(*) FROM screening_samples
             WHERE site_id = ? AND screened_at >= ? AND screened_at < ?",
        )
        .bind(s)
        .bind(from)
        .bind(to)
        .fetch_one(db)
        .await?;
        add(&mut c.correct, v);
        let rows = requests::rows_between(db, s, from, to).await?;
        let r = app::request::ResponseKpi::of(s, &rows, now).response;
        c.in_time.0 += r.within;
        c.in_time.1 += r.judged;
    }
    let round = round_for(db, period).await?;
    if let Some(r) = &round {
        (c.satisfied, c.court_survey) = satisfaction(db, &r.id, sites, court).await?;
    }
    Ok((c, round))
}

/// The satisfied answers of `round` at `sites`, and whether they are the court's (a site none
/// of whose departments answered reads the court's answers).
pub async fn satisfaction(
    db: &Db,
    round: &str,
    sites: &[String],
    court: bool,
) -> sqlx::Result<((u32, u32), bool)> {
    let own = satisfied(db, round, sites).await?;
    if own.1 > 0 || court {
        return Ok((own, false));
    }
    let all = satisfied(db, round, &all_sites(db).await?).await?;
    Ok((all, all.1 > 0))
}

/// People at `sites` (not disabled) whose roles need a certificate, and those holding them.
async fn certificates(db: &Db, sites: &[String], today: &str) -> ApiResult<score::Share> {
    let people = crate::accounts::people::people(db, None).await?;
    let mut share = score::Share::default();
    for p in people
        .iter()
        .filter(|p| !p.disabled && p.site_ids.iter().any(|s| sites.contains(s)))
    {
        if let Some(holds) = app::model::holds_needed(p, today) {
            share.whole += 1;
            share.part += u32::from(holds);
        }
    }
    Ok(share)
}

/// The scorecard of `sites` over `period`.
pub async fn card(
    db: &Db,
    sites: &[String],
    court: bool,
    period: Period,
    now: i64,
) -> ApiResult<Scorecard> {
    let scoring = scoring(db).await?;
    let (counts, round) = counts(db, sites, court, period, now).await?;
    let (figures, total_centi) = score::figures(&counts, &scoring);
    let today = app::core::date_text(app::core::court_date(now));
    Ok(Scorecard {
        site_id: (!court).then(|| sites[0].clone()),
        period: period.text(),
        figures,
        total_centi,
        scoring: Some(scoring),
        round,
        certificates: certificates(db, sites, &today).await?,
        attendance: None,
    })
}

/// `GET /api/v1/scorecard?site=&period=`: for those who see the KPIs there.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ScoreQuery>,
) -> ApiResult<Json<Scorecard>> {
    let period = period_of(&q.period)?;
    let (sites, court) = scope(&state.db, &caller, &q.site, Action::ViewKpis).await?;
    Ok(Json(
        card(&state.db, &sites, court, period, crate::db::now_ms()).await?,
    ))
}

/// `PUT /api/v1/scoring`: an administrator changes how figures become points.
pub async fn put_scoring(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiJson(s): ApiJson<Scoring>,
) -> ApiResult<Json<Scoring>> {
    caller.require(Action::ManageServer)?;
    let locale = crate::http::locale_of(&headers);
    s.check(locale).map_err(|message| ApiError::Invalid {
        message,
        field: "rules",
    })?;
    crate::db::save_setting(&state.db, SCORING, &s, &caller.id, "scoring_set", true).await?;
    Ok(Json(s))
}

/// `GET /api/v1/scoring`.
pub async fn get_scoring(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Scoring>> {
    if !caller.can(Action::ViewKpis) {
        caller.require(Action::ManageServer)?;
    }
    Ok(Json(scoring(&state.db).await?))
}

/// `GET /api/v1/scorecard/records?site=&period=&kpi=`: what a figure counted against.
pub async fn records(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    Query(q): Query<ScoreQuery>,
) -> ApiResult<Json<Detail>> {
    let locale = crate::http::locale_of(&headers);
    let period = period_of(&q.period)?;
    let kpi = q
        .kpi
        .as_deref()
        .and_then(Kpi::parse)
        .ok_or(ApiError::bad(Key::ErrBadRequest, "kpi"))?;
    let (sites, court) = scope(&state.db, &caller, &q.site, Action::ViewKpis).await?;
    let now = crate::db::now_ms();
    let mut rows =
        super::score_detail::rows(&state.db, kpi, &sites, court, period, now, locale).await?;
    rows.sort_by_key(|r| r.at);
    let more = rows.len() > score::DETAIL_MAX;
    rows.truncate(score::DETAIL_MAX);
    Ok(Json(Detail { rows, more }))
}
