//! Inspections from editable checklists (a failed item opens a rectification), and
//! screening-accuracy samples. The rules are `app::inspect`.

use super::{Ctx, Entity, Outcome};
use crate::db::{self, now_ms, Db};
use crate::http::error::{ApiError, ApiResult};
use crate::http::ApiJson;
use crate::http::Caller;
use crate::AppState;
use app::hazard::{Grade, Report};
use app::i18n::Key;
use app::inspect::{self, Inspection, Sample};
use app::model::Action;
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;

pub fn router() -> axum::Router<crate::AppState> {
    axum::Router::new().route(
        "/api/v1/inspection-checklists/{id}",
        axum::routing::put(put_checklist),
    )
}

pub const CHECKLIST: Entity = Entity {
    name: app::inspect::INSPECTION_CHECKLIST,
    table: "inspection_checklists",
    seen_with: &[Action::Inspect],
    columns: &[
        "code",
        "name_zh",
        "name_en",
        "category",
        "items",
        "sort",
        "updated_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: true,
};

pub const INSPECTION: Entity = Entity {
    name: app::inspect::INSPECTION,
    table: "inspections",
    seen_with: &[Action::Inspect, Action::ViewReports],
    columns: &[
        "site_id",
        "kind",
        "checklist_id",
        "name_zh",
        "failed",
        "note",
        "recorded_at",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

pub const SAMPLE: Entity = Entity {
    name: app::inspect::SCREENING_SAMPLE,
    table: "screening_samples",
    seen_with: &[Action::Inspect],
    columns: &[
        "screening_id",
        "site_id",
        "screened_at",
        "correct",
        "note",
        "sampled_at",
        "author_id",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// The bid's checklists, when there are none yet.
pub async fn seed_defaults(db: &Db) -> anyhow::Result<usize> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inspection_checklists")
        .fetch_one(db)
        .await?;
    if n > 0 {
        return Ok(0);
    }
    let mut tx = crate::db::dialect::begin_write(db).await?;
    let version = super::next_version(&mut tx).await?;
    for (i, c) in inspect::STARTING.iter().enumerate() {
        sqlx::query(
            "INSERT INTO inspection_checklists (id, code, name_zh, name_en, category, items, sort,
                updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(db::new_id())
        .bind(c.code)
        .bind(c.name_zh)
        .bind(c.name_en)
        .bind(c.category.code())
        .bind(serde_json::to_string(c.items).unwrap_or_default())
        .bind(i as i64)
        .bind(now_ms())
        .bind(version)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(inspect::STARTING.len())
}

#[derive(Deserialize)]
pub struct ChecklistEdit {
    pub name_zh: String,
    /// One item per line.
    pub items: String,
}

/// `PUT /api/v1/inspection-checklists/{id}`: a supervisor edits a checklist's name and items.
/// Inspections already made keep the items they were made with.
pub async fn put_checklist(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    ApiJson(e): ApiJson<ChecklistEdit>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::Inspect)?;
    let locale = crate::http::locale_of(&headers);
    let items = inspect::parse_items(&e.items, locale)?;
    let name = e.name_zh.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(ApiError::BadRequest {
            key: Key::ErrBadRequest,
            field: Some("name_zh"),
        });
    }
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let version = super::next_version(&mut tx).await?;
    let done = sqlx::query(
        "UPDATE inspection_checklists SET name_zh = ?, items = ?, updated_at = ?, version = ?
         WHERE id = ?",
    )
    .bind(name)
    .bind(serde_json::to_string(&items).unwrap_or_default())
    .bind(now_ms())
    .bind(version)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound(Key::ErrNotFound));
    }
    db::audit(
        &mut *tx,
        Some(&caller.id),
        "inspection_checklist_put",
        &id,
        name,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({"id": id, "version": version})))
}

/// `inspection.record`: an inspection at a site; each failed item marked for it opens a
/// hazard and its rectification (ids `{inspection}/{i}`, so nothing doubles).
pub async fn record(cx: &mut Ctx<'_>, i: Inspection) -> Outcome {
    cx.new_id(&i.id)?;
    cx.allow(Action::Inspect, &i.site_id)?;
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT name_zh, category, items FROM inspection_checklists WHERE id = ?")
            .bind(&i.checklist_id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let Some((name, category, items)) = row else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    let expected: Vec<String> = serde_json::from_str(&items).unwrap_or_default();
    let i = inspect::check(i, &expected, cx.locale)?;
    let failed = i.items.iter().filter(|x| !x.ok).count() as i64;
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO inspections (id, site_id, kind, checklist_id, name_zh, items, failed, note,
            recorded_at, author_id, client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&i.id)
    .bind(&i.site_id)
    .bind(i.kind.code())
    .bind(&i.checklist_id)
    .bind(&name)
    .bind(serde_json::to_string(&i.items).unwrap_or_default())
    .bind(failed)
    .bind(&i.note)
    .bind(cx.event_time());
    cx.insert_new(q, version).await?;
    for (n, item) in i.items.iter().enumerate().filter(|(_, x)| x.rectify) {
        let r = finding(&i, n, &name, &category, item);
        super::hazard::insert(cx, &r, version).await?;
    }
    Ok(())
}

/// The hazard report an inspection's failed item stands for.
pub fn finding(
    i: &Inspection,
    n: usize,
    checklist: &str,
    category: &str,
    item: &inspect::ItemResult,
) -> Report {
    Report {
        id: inspect::finding_id(&i.id, n),
        site_id: i.site_id.clone(),
        place: checklist.into(),
        category: app::hazard::Category::parse(category),
        grade: Some(Grade::General),
        description: format!("{}：{}", item.text, item.note),
        fixed_on_spot: false,
        fix_note: String::new(),
        from_check: Some(format!("inspection:{}", i.id)),
    }
}

/// `screening.sample`: a supervisor's re-check of a screening at one of their sites, once.
pub async fn sample(cx: &mut Ctx<'_>, s: Sample) -> Outcome {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT site_id, screened_at FROM screenings WHERE id = ?")
            .bind(&s.screening_id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let Some((site, screened_at)) = row else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    cx.allow(Action::Inspect, &site)?;
    let s = inspect::check_sample(s, cx.locale)?;
    let version = cx.version().await?;
    let done = sqlx::query(
        "INSERT INTO screening_samples (id, screening_id, site_id, screened_at, correct, note,
            sampled_at, author_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(inspect::sample_id(&s.screening_id))
    .bind(&s.screening_id)
    .bind(&site)
    .bind(screened_at)
    .bind(s.correct)
    .bind(&s.note)
    .bind(cx.event_time())
    .bind(&cx.m.author)
    .bind(version)
    .execute(&mut *cx.tx)
    .await?;
    cx.inserted(done)
}

super::applied! {
    app::inspect::Inspection => record,
    app::inspect::Sample => sample,
}
