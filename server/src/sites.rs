//! Sites and areas: read by everyone for their own sites, edited by administrators.

use crate::db::{self, now_ms, Db};
use crate::http::error::{ApiError, ApiResult};
use crate::http::ApiJson;
use crate::http::{Caller, SiteScope};
use crate::AppState;
use app::i18n::Key;
use app::model::{Action, Area, AreaInput, AreaKind, Site, SiteKind, SiteUpdate};
use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sites", get(list))
        .route("/api/v1/sites/{id}", get(one).put(update_site))
        .route("/api/v1/sites/{id}/areas", axum::routing::post(add_area))
        .route("/api/v1/sites/{id}/areas/{area_id}", put(update_area))
}

type SiteRow = (String, String, String, String, String);
type AreaRow = (String, String, String, String, String, String, bool);

/// Sites with their areas, in the court's order; `scope` limits which.
pub async fn load_sites(db: &Db, scope: &SiteScope) -> ApiResult<Vec<Site>> {
    let sites: Vec<SiteRow> =
        sqlx::query_as("SELECT id, code, kind, name_zh, name_en FROM sites ORDER BY sort, code")
            .fetch_all(db)
            .await?;
    let areas: Vec<AreaRow> = sqlx::query_as(
        "SELECT site_id, id, code, kind, name_zh, name_en, active FROM areas ORDER BY sort, code",
    )
    .fetch_all(db)
    .await?;
    Ok(sites
        .into_iter()
        .filter(|s| scope.contains(&s.0))
        .map(|(id, code, kind, name_zh, name_en)| Site {
            areas: areas
                .iter()
                .filter(|a| a.0 == id)
                .map(|a| Area {
                    id: a.1.clone(),
                    code: a.2.clone(),
                    kind: AreaKind::parse(&a.3).unwrap_or(AreaKind::Other),
                    name_zh: a.4.clone(),
                    name_en: a.5.clone(),
                    active: a.6,
                })
                .collect(),
            id,
            code,
            kind: SiteKind::parse(&kind).unwrap_or(SiteKind::Tribunal),
            name_zh,
            name_en,
        })
        .collect())
}

async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Site>>> {
    let scope = caller.scope(Action::ViewSites)?;
    Ok(Json(load_sites(&state.db, &scope).await?))
}

async fn find_site(db: &Db, id: &str) -> ApiResult<Site> {
    load_sites(db, &SiteScope::Only(vec![id.to_string()]))
        .await?
        .pop()
        .ok_or(ApiError::NotFound(Key::ErrUnknownSite))
}

async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Site>> {
    caller.require_site(Action::ViewSites, &id)?;
    Ok(Json(find_site(&state.db, &id).await?))
}

fn check_name(name: &str, key: Key, field: &'static str) -> ApiResult<String> {
    let name = name.trim();
    if (1..=40).contains(&name.chars().count()) {
        Ok(name.to_string())
    } else {
        Err(ApiError::bad(key, field))
    }
}

async fn update_site(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SiteUpdate>,
) -> ApiResult<Json<Site>> {
    caller.require_site(Action::ManageSites, &id)?;
    let name_zh = check_name(&req.name_zh, Key::ErrSiteName, "name_zh")?;
    let name_en = check_name(&req.name_en, Key::ErrSiteName, "name_en")?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let n = sqlx::query("UPDATE sites SET name_zh = ?, name_en = ?, updated_at = ? WHERE id = ?")
        .bind(&name_zh)
        .bind(&name_en)
        .bind(now_ms())
        .bind(&id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(ApiError::NotFound(Key::ErrUnknownSite));
    }
    db::audit(
        &mut *tx,
        Some(&caller.id),
        "update_site",
        &id,
        &format!("{name_zh} / {name_en}"),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(find_site(&state.db, &id).await?))
}

struct CleanArea {
    code: String,
    kind: AreaKind,
    name_zh: String,
    name_en: String,
    active: bool,
}

fn clean_area(req: AreaInput) -> ApiResult<CleanArea> {
    let code = req.code.trim().to_string();
    let code_ok = (1..=32).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !code_ok {
        return Err(ApiError::bad(Key::ErrAreaCode, "code"));
    }
    Ok(CleanArea {
        code,
        kind: req.kind,
        name_zh: check_name(&req.name_zh, Key::ErrAreaName, "name_zh")?,
        name_en: check_name(&req.name_en, Key::ErrAreaName, "name_en")?,
        active: req.active,
    })
}

fn area_of(id: String, a: CleanArea) -> Area {
    Area {
        id,
        code: a.code,
        kind: a.kind,
        name_zh: a.name_zh,
        name_en: a.name_en,
        active: a.active,
    }
}

async fn add_area(
    State(state): State<AppState>,
    caller: Caller,
    Path(site_id): Path<String>,
    ApiJson(req): ApiJson<AreaInput>,
) -> ApiResult<Json<Area>> {
    caller.require_site(Action::ManageSites, &site_id)?;
    let a = clean_area(req)?;
    find_site(&state.db, &site_id).await?;
    let id = db::new_id();
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let sort: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(sort), -1) + 1 FROM areas WHERE site_id = ?")
            .bind(&site_id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO areas (id, site_id, code, kind, name_zh, name_en, sort, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&site_id)
    .bind(&a.code)
    .bind(a.kind.as_str())
    .bind(&a.name_zh)
    .bind(&a.name_en)
    .bind(sort)
    .bind(a.active)
    .bind(now_ms())
    .execute(&mut *tx)
    .await
    .map_err(|e| ApiError::conflict_on_unique(e, Key::ErrAreaCodeTaken, "code"))?;
    db::audit(&mut *tx, Some(&caller.id), "add_area", &id, &a.code).await?;
    tx.commit().await?;
    Ok(Json(area_of(id, a)))
}

async fn update_area(
    State(state): State<AppState>,
    caller: Caller,
    Path((site_id, area_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<AreaInput>,
) -> ApiResult<Json<Area>> {
    caller.require_site(Action::ManageSites, &site_id)?;
    let a = clean_area(req)?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let n = sqlx::query(
        "UPDATE areas SET code = ?, kind = ?, name_zh = ?, name_en = ?, active = ?, updated_at = ? WHERE id = ? AND site_id = ?",
    )
    .bind(&a.code)
    .bind(a.kind.as_str())
    .bind(&a.name_zh)
    .bind(&a.name_en)
    .bind(a.active)
    .bind(now_ms())
    .bind(&area_id)
    .bind(&site_id)
    .execute(&mut *tx)
    .await
    .map_err(|e| ApiError::conflict_on_unique(e, Key::ErrAreaCodeTaken, "code"))?
    .rows_affected();
    if n == 0 {
        return Err(ApiError::NotFound(Key::ErrUnknownSite));
    }
    db::audit(&mut *tx, Some(&caller.id), "update_area", &area_id, &a.code).await?;
    tx.commit().await?;
    Ok(Json(area_of(area_id, a)))
}
