//! The watchlist (重点关注人员名单): kept by supervisors and administrators; matched at every
//! registration, on the phone (by slow salted key) and on the server (by a keyed hash whose
//! secret stays here). No document number of a watched person is stored anywhere.

use super::{Ctx, Entity, Outcome};
use crate::db::Conn;
use crate::http::error::{ApiError, ApiResult};
use crate::http::ApiJson;
use crate::http::{locale_of, Caller};
use crate::AppState;
use app::i18n::Key;
use app::idcard::{self, IdType};
use app::model::Action;
use app::watch::{self, Alert, NewWatchEntry, WatchEntry};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use sha2::{Digest, Sha256};

pub fn router() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/v1/watchlist", get(list).post(add))
        .route("/api/v1/watchlist/{id}/remove", post(remove))
}

pub const ENTITY: Entity = Entity {
    name: app::watch::WATCH,
    table: "watchlist",
    seen_with: &[Action::RegisterVisitor],
    // Neither the name nor the masked number: a phone gets only what a possible match needs.
    columns: &[
        "id_type",
        "reason",
        "key_hash",
        "salt",
        "iterations",
        "created_at",
    ],
    gone: &["deleted_at"],
    shape: app::watch::shape_for_phone,
    court_wide: true,
};

pub const ALERT: Entity = Entity {
    name: app::watch::WATCH_ALERT,
    table: "watch_alerts",
    seen_with: &[Action::RegisterVisitor, Action::Inspect],
    columns: &[
        "site_id",
        "visit_id",
        "watch_id",
        "action",
        "note",
        "author_id",
        "alerted_at",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

async fn setting(db: &mut Conn, key: &str) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_one(db)
        .await
}

/// The server's fast key of a number: SHA-256 over the server's secret and the number.
fn server_key(secret: &str, id_type: IdType, number: &str) -> String {
    let mut h = Sha256::new();
    h.update(secret.as_bytes());
    h.update(b"|");
    h.update(id_type.code().as_bytes());
    h.update(b":");
    h.update(number.as_bytes());
    hex::encode(h.finalize())
}

/// The active entry `number` matches, if any (called for every registration).
pub async fn hit(db: &mut Conn, id_type: IdType, number: &str) -> sqlx::Result<Option<String>> {
    if number.is_empty() {
        return Ok(None);
    }
    let secret = setting(db, "watch_secret").await?;
    sqlx::query_scalar("SELECT id FROM watchlist WHERE server_key = ? AND deleted_at IS NULL")
        .bind(server_key(&secret, id_type, number))
        .fetch_optional(db)
        .await
}

/// `GET /api/v1/watchlist`: the active entries, masked.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<WatchEntry>>> {
    caller.require(Action::ManageWatchlist)?;
    let rows: Vec<(String, String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT w.id, w.name, w.id_type, w.id_masked, w.reason, p.display_name, w.created_at
         FROM watchlist w JOIN people p ON p.id = w.added_by
         WHERE w.deleted_at IS NULL ORDER BY w.created_at DESC",
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| WatchEntry {
                id: r.0,
                name: r.1,
                id_type: r.2,
                id_masked: r.3,
                reason: r.4,
                added_by: r.5,
                created_at: r.6,
            })
            .collect(),
    ))
}

/// `POST /api/v1/watchlist`: adds a person; the number is checked, keyed and forgotten.
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewWatchEntry>,
) -> ApiResult<Json<WatchEntry>> {
    caller.require(Action::ManageWatchlist)?;
    let locale = locale_of(&headers);
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(ApiError::bad(Key::ErrDisplayName, "name"));
    }
    let reason = req.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(ApiError::bad(Key::ErrWatchReason, "reason"));
    }
    let today = app::core::court_date(crate::db::now_ms());
    let number = idcard::check_number(req.id_type, &req.id_number, today).map_err(|e| {
        ApiError::Invalid {
            message: e.message(locale),
            field: "id_number",
        }
    })?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    // A salt of its own: no two entries are searched at once.
    let salt = hex::encode(rand::random::<[u8; 16]>());
    let secret = setting(&mut tx, "watch_secret").await?;
    let key = server_key(&secret, req.id_type, &number);
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM watchlist WHERE server_key = ? AND deleted_at IS NULL")
            .bind(&key)
            .fetch_optional(&mut *tx)
            .await?;
    if taken.is_some() {
        return Err(ApiError::Conflict {
            key: Key::ErrWatchTaken,
            field: Some("id_number"),
        });
    }
    let version = super::next_version(&mut tx).await?;
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::db::now_ms();
    let masked = idcard::mask(&number);
    sqlx::query(
        "INSERT INTO watchlist (id, name, id_type, id_masked, reason, key_hash, salt, iterations,
            server_key, added_by, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&name)
    .bind(req.id_type.code())
    .bind(&masked)
    .bind(&reason)
    .bind(watch::key(req.id_type, &number, &salt, watch::ITERATIONS))
    .bind(&salt)
    .bind(watch::ITERATIONS)
    .bind(&key)
    .bind(&caller.id)
    .bind(now)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    crate::db::audit(&mut *tx, Some(&caller.id), "watchlist_add", &id, "").await?;
    tx.commit().await?;
    Ok(Json(WatchEntry {
        id,
        name,
        id_type: req.id_type.code().into(),
        id_masked: masked,
        reason,
        added_by: caller.display_name.clone(),
        created_at: now,
    }))
}

/// `POST /api/v1/watchlist/{id}/remove`: removes an entry (phones drop it at their next pull).
pub async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::ManageWatchlist)?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let version = super::next_version(&mut tx).await?;
    let done = sqlx::query(
        "UPDATE watchlist SET deleted_at = ?, removed_by = ?, version = ?
         WHERE id = ? AND deleted_at IS NULL",
    )
    .bind(crate::db::now_ms())
    .bind(&caller.id)
    .bind(version)
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound(Key::ErrNotFound));
    }
    // Nothing of the person stays: phones need only the tombstone to drop the entry.
    purge_removed(&mut tx).await?;
    crate::db::audit(&mut *tx, Some(&caller.id), "watchlist_remove", &id, "").await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({"removed": id})))
}

/// `watch.alert`: what the guard did about an alert at a registration.
pub async fn alert(cx: &mut Ctx<'_>, a: Alert) -> Outcome {
    cx.new_id(&a.id)?;
    cx.allow(Action::RegisterVisitor, &a.site_id)?;
    watch::check_alert(&a, cx.locale)?;
    let visit: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM visits WHERE id = ? AND site_id = ?")
            .bind(&a.visit_id)
            .bind(&a.site_id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let entry: Option<i64> = sqlx::query_scalar("SELECT 1 FROM watchlist WHERE id = ?")
        .bind(&a.watch_id)
        .fetch_optional(&mut *cx.tx)
        .await?;
    if visit.is_none() || entry.is_none() {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    }
    let version = cx.version().await?;
    let done = sqlx::query(
        "INSERT INTO watch_alerts (id, site_id, visit_id, watch_id, action, note, author_id,
            client_id, alerted_at, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&a.site_id)
    .bind(&a.visit_id)
    .bind(&a.watch_id)
    .bind(a.action.code())
    .bind(a.note.trim())
    .bind(&cx.m.author)
    .bind(cx.client_id)
    .bind(cx.event_time())
    .bind(cx.now)
    .bind(version)
    .execute(&mut *cx.tx)
    .await?;
    cx.inserted(done)
}

super::applied! {
    app::watch::Alert => alert,
}

/// A removed watchlist entry keeps only its id and tombstone (what phones need to drop it):
/// name, masked number, keys and reason go. Returns how many were emptied.
pub async fn purge_removed(tx: &mut crate::db::Conn) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE watchlist SET name = '', id_masked = '', reason = '', key_hash = '', salt = '',
            server_key = ''
         WHERE deleted_at IS NOT NULL AND (name <> '' OR server_key <> '' OR key_hash <> '')",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_key_depends_on_secret_type_and_number() {
        let a = server_key("s1", IdType::ResidentId, "11010519491231002X");
        assert_ne!(
            a,
            server_key("s2", IdType::ResidentId, "11010519491231002X")
        );
        assert_ne!(a, server_key("s1", IdType::Passport, "11010519491231002X"));
        assert_eq!(
            a,
            server_key("s1", IdType::ResidentId, "11010519491231002X")
        );
        assert!(!a.contains("19491231"));
    }
}
