//! The caretakers' boiler log: boiler profiles per site, and readings checked against them.
//! A reading that calls for a stop is flagged here, whatever the phone said, and its stop
//! procedure's steps follow as `procedure.step` (see [`super::fire::step`]).

use super::{Ctx, Entity, Outcome};
use crate::db::Conn;
use crate::db::{self, now_ms, Db};
use crate::http::error::{ApiError, ApiResult};
use crate::http::ApiJson;
use crate::http::Caller;
use crate::AppState;
use app::boiler::{self, Profile, Reading};
use app::i18n::Key;
use app::model::Action;
use axum::extract::{Path, State};
use axum::Json;

pub fn router() -> axum::Router<crate::AppState> {
    axum::Router::new().route("/api/v1/boilers/{id}", axum::routing::put(put_boiler))
}

const SEEN_WITH: &[Action] = &[Action::BoilerLog, Action::Inspect];

pub const BOILER: Entity = Entity {
    name: app::boiler::BOILER,
    table: "boilers",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "name",
        "medium",
        "rated_pressure_mpa",
        "rated_temp_c",
        "power_mw",
        "volume_l",
        "atmospheric",
        "season_start",
        "season_end",
        "inspection_due",
        "updated_at",
    ],
    gone: &["deleted_at"],
    shape: super::as_stored,
    court_wide: false,
};

pub const READING: Entity = Entity {
    name: app::boiler::BOILER_READING,
    table: "boiler_readings",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "boiler_id",
        "read_at",
        "supply_c",
        "return_c",
        "pressure_mpa",
        "water_level",
        "pump_running",
        "makeup_water",
        "fuel",
        "duties",
        "faulty",
        "stop_conditions",
        "stop_reasons",
        "anomaly",
        "handling",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// A starting profile for every tribunal without a boiler: the local practice of an
/// atmospheric (常压) coal-fired hot-water boiler. A supervisor sets the real plate's figures.
pub async fn seed_defaults(db: &Db) -> anyhow::Result<usize> {
    let sites: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM sites s WHERE kind = 'tribunal'
           AND NOT EXISTS (SELECT 1 FROM boilers b WHERE b.site_id = s.id)",
    )
    .fetch_all(db)
    .await?;
    let mut tx = crate::db::dialect::begin_write(db).await?;
    for site in &sites {
        let version = super::next_version(&mut tx).await?;
        sqlx::query(
            "INSERT INTO boilers (id, site_id, name, medium, rated_pressure_mpa, rated_temp_c,
                power_mw, atmospheric, season_start, season_end, updated_at, version)
             VALUES (?, ?, '1号锅炉', 'hot_water', 0.1, 85, 0.35, 1, '10-15', '04-15', ?, ?)",
        )
        .bind(db::new_id())
        .bind(site)
        .bind(now_ms())
        .bind(version)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(sites.len())
}

type ProfileRow = (
    String,
    String,
    String,
    f64,
    f64,
    f64,
    f64,
    i64,
    String,
    String,
    String,
);

async fn profile(tx: &mut Conn, id: &str) -> sqlx::Result<Option<Profile>> {
    let row: Option<ProfileRow> = sqlx::query_as(
        "SELECT site_id, name, medium, rated_pressure_mpa, rated_temp_c, power_mw, volume_l,
            atmospheric, season_start, season_end, inspection_due
         FROM boilers WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(id)
    .fetch_optional(tx)
    .await?;
    Ok(row.map(
        |(site_id, name, medium, p, t, mw, l, atm, start, end, due)| Profile {
            site_id,
            name,
            medium,
            rated_pressure_mpa: p,
            rated_temp_c: t,
            power_mw: mw,
            volume_l: l,
            atmospheric: atm,
            season_start: start,
            season_end: end,
            inspection_due: due,
        },
    ))
}

/// `PUT /api/v1/boilers/{id}`: creates or replaces a boiler's profile, for those who inspect at
/// its site.
pub async fn put_boiler(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    ApiJson(p): ApiJson<Profile>,
) -> ApiResult<Json<serde_json::Value>> {
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(ApiError::NotFound(Key::ErrNotFound));
    }
    caller.require_site(Action::Inspect, &p.site_id)?;
    let p = boiler::check_profile(p, crate::http::locale_of(&headers))?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let existing: Option<String> = sqlx::query_scalar("SELECT site_id FROM boilers WHERE id = ?")
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?;
    if existing.is_some_and(|s| s != p.site_id) {
        return Err(ApiError::Forbidden(Key::ErrSiteForbidden));
    }
    let version = super::next_version(&mut tx).await?;
    sqlx::query(
        "INSERT INTO boilers (id, site_id, name, medium, rated_pressure_mpa, rated_temp_c, power_mw,
            volume_l, atmospheric, season_start, season_end, inspection_due, updated_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, medium = excluded.medium,
            rated_pressure_mpa = excluded.rated_pressure_mpa, rated_temp_c = excluded.rated_temp_c,
            power_mw = excluded.power_mw, volume_l = excluded.volume_l,
            atmospheric = excluded.atmospheric, season_start = excluded.season_start,
            season_end = excluded.season_end, inspection_due = excluded.inspection_due,
            updated_at = excluded.updated_at, version = excluded.version, deleted_at = NULL",
    )
    .bind(&id)
    .bind(&p.site_id)
    .bind(&p.name)
    .bind(&p.medium)
    .bind(p.rated_pressure_mpa)
    .bind(p.rated_temp_c)
    .bind(p.power_mw)
    .bind(p.volume_l)
    .bind(p.atmospheric)
    .bind(&p.season_start)
    .bind(&p.season_end)
    .bind(&p.inspection_due)
    .bind(now_ms())
    .bind(version)
    .execute(&mut *tx)
    .await?;
    db::audit(&mut *tx, Some(&caller.id), "boiler_put", &id, &p.name).await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({"id": id, "version": version})))
}

pub async fn reading(cx: &mut Ctx<'_>, r: Reading) -> Outcome {
    cx.new_id(&r.id)?;
    let Some(p) = profile(cx.tx, &r.boiler_id).await? else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    cx.allow(Action::BoilerLog, &p.site_id)?;
    let (r, stop) = boiler::check_reading(&p, r, cx.locale)?;
    let codes = |v: Vec<&str>| serde_json::to_string(&v).unwrap_or_default();
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO boiler_readings (id, site_id, boiler_id, read_at, supply_c, return_c,
            pressure_mpa, water_level, pump_running, makeup_water, fuel, duties, faulty,
            stop_conditions, stop_reasons, anomaly, handling, author_id, client_id, clock_skewed,
            created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&r.id)
    .bind(&p.site_id)
    .bind(&r.boiler_id)
    .bind(cx.event_time())
    .bind(r.supply_c)
    .bind(r.return_c)
    .bind(r.pressure_mpa)
    .bind(r.water_level.map(|w| w.code()))
    .bind(r.pump_running)
    .bind(&r.makeup_water)
    .bind(&r.fuel)
    .bind(codes(r.duties.iter().map(|d| d.code()).collect()))
    .bind(serde_json::to_string(&r.faulty).unwrap_or_default())
    .bind(codes(r.stop_conditions.iter().map(|c| c.code()).collect()))
    .bind(boiler::reasons_json(&stop))
    .bind(&r.anomaly)
    .bind(&r.handling);
    cx.insert_new(q, version).await
}

super::applied! {
    app::boiler::Reading => reading,
}
