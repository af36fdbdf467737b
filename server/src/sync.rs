//! The sync endpoints: enrolled devices push client-numbered mutations, applied exactly once
//! each in its own `BEGIN IMMEDIATE` transaction, and pull what their people may see, in
//! version order. The rules of the protocol itself are in `app::sync`, shared with the phone.

use crate::auth::{locale_of, Caller, SiteScope};
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::records::{Ctx, Entity, Refusal, Reject, ENTITIES};
use crate::web::ApiJson;
use crate::AppState;
use app::i18n::{Key, Locale};
use app::model::{Action, Role};
use app::sync::{
    step, Change, Mutation, MutationResult, Op, PullRequest, PullResponse, PushRequest,
    PushResponse, Status, Step, MAX_ARGS_BYTES, MAX_BATCH, PROTOCOL, PULL_PAGE,
};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/devices", post(enrol))
        .route("/api/v1/devices/{client_id}/revoke", post(revoke))
        .route("/api/sync/v1/push", post(push))
        .route("/api/sync/v1/pull", post(pull))
        .route("/api/sync/v1/hello", post(hello))
        .route(
            "/api/v1/visits/{id}/reveal",
            post(crate::records::visits::reveal),
        )
        .route(
            "/api/v1/routes/{id}",
            axum::routing::put(crate::records::rounds::put_route),
        )
        .route(
            "/api/v1/routes/{id}/remove",
            post(crate::records::rounds::remove_route),
        )
        .route(
            "/api/v1/sites/{id}/tags.svg",
            get(crate::records::rounds::tag_sheet),
        )
        .route(
            "/api/v1/boilers/{id}",
            axum::routing::put(crate::records::boiler::put_boiler),
        )
        .route("/api/v1/dashboard", get(crate::dashboard::get))
        .route("/api/v1/ledger.xlsx", get(crate::ledger::xlsx))
        .route(
            "/api/v1/inspection-checklists/{id}",
            axum::routing::put(crate::records::inspect::put_checklist),
        )
        .route("/ledger/print", get(crate::ledger::print))
        .route(
            "/api/v1/watchlist",
            get(crate::records::watch::list).post(crate::records::watch::add),
        )
        .route(
            "/api/v1/watchlist/{id}/remove",
            post(crate::records::watch::remove),
        )
}

#[derive(Deserialize)]
pub struct EnrolRequest {
    pub label: String,
}

/// The header a device sends its key in with every push and pull.
pub const DEVICE_KEY_HEADER: &str = "x-guardpost-device-key";

#[derive(Serialize, Deserialize)]
pub struct Enrolled {
    pub client_id: String,
    /// A secret only this phone holds (the server keeps its hash): knowing a client id is not
    /// enough to push as that device.
    pub device_key: String,
}

fn key_hash(key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// A supervisor or administrator enrols the phone in their hand once.
async fn enrol(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> ApiResult<Json<Enrolled>> {
    caller.require(Action::EnrolDevice)?;
    let label = req.label.trim();
    if !(1..=40).contains(&label.chars().count()) {
        return Err(ApiError::bad(Key::ErrBadRequest, "label"));
    }
    let client_id = uuid::Uuid::new_v4().to_string();
    let device_key = {
        use base64::Engine;
        let bytes: [u8; 32] = rand::random();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    sqlx::query("INSERT INTO devices (client_id, key_hash, label, enrolled_by, enrolled_at) VALUES (?, ?, ?, ?, ?)")
        .bind(&client_id)
        .bind(key_hash(&device_key))
        .bind(label)
        .bind(&caller.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sync_clients (client_id, last_mutation_id, last_seen) VALUES (?, 0, ?)",
    )
    .bind(&client_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::db::audit(
        &mut *tx,
        Some(&caller.id),
        "enrol_device",
        &client_id,
        label,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Enrolled {
        client_id,
        device_key,
    }))
}

/// An administrator revokes a lost phone: it can no longer push or pull.
async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::ManagePeople)?;
    let n =
        sqlx::query("UPDATE devices SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(&client_id)
            .execute(&state.db)
            .await?
            .rows_affected();
    if n == 0 {
        return Err(ApiError::NotFound(Key::ErrBadRequest));
    }
    crate::db::audit(&state.db, Some(&caller.id), "revoke_device", &client_id, "").await?;
    Ok(Json(serde_json::json!({"revoked": true})))
}

/// The device must be enrolled and not revoked; the caller is noted as a person of it.
async fn check_device(
    db: &Db,
    client_id: &str,
    headers: &HeaderMap,
    caller: &Caller,
) -> ApiResult<()> {
    let key = headers
        .get(DEVICE_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT key_hash, revoked_at FROM devices WHERE client_id = ?")
            .bind(client_id)
            .fetch_optional(db)
            .await?;
    match row {
        Some((hash, _)) if hash != key_hash(key) => {
            Err(ApiError::Forbidden(Key::ErrDeviceNotEnrolled))
        }
        None => Err(ApiError::Forbidden(Key::ErrDeviceNotEnrolled)),
        Some((_, Some(_))) => Err(ApiError::Forbidden(Key::ErrDeviceRevoked)),
        Some((_, None)) => {
            sqlx::query("INSERT OR IGNORE INTO device_people (client_id, person_id) VALUES (?, ?)")
                .bind(client_id)
                .bind(&caller.id)
                .execute(db)
                .await?;
            Ok(())
        }
    }
}

#[derive(Deserialize)]
pub struct Hello {
    pub client_id: String,
}

/// A person signed in on this device: from now on their queued records may be sent from it
/// by whoever is signed in (shift change on a shared post phone). Also tells a phone whether
/// it is still enrolled.
async fn hello(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<Hello>,
) -> ApiResult<Json<serde_json::Value>> {
    check_device(&state.db, &req.client_id, &headers, &caller).await?;
    Ok(Json(serde_json::json!({"ok": true})))
}

/// Checks a whole batch before anything is applied: a malformed batch changes nothing.
fn check_batch(req: &PushRequest) -> ApiResult<()> {
    // An older app's protocol: it must update first (its outbox stays on the phone). A newer
    // one than this server knows is a malformed request.
    if req.protocol < PROTOCOL {
        return Err(ApiError::UpdateRequired);
    }
    if req.protocol != PROTOCOL {
        return Err(ApiError::bad(Key::ErrBadRequest, "protocol"));
    }
    if req.mutations.len() > MAX_BATCH {
        return Err(ApiError::bad(Key::ErrBadRequest, "mutations"));
    }
    let mut prev = 0u64;
    for m in &req.mutations {
        if m.id == 0 || m.id <= prev {
            return Err(ApiError::bad(Key::ErrBadRequest, "id"));
        }
        prev = m.id;
        if !crate::records::MUTATIONS
            .iter()
            .any(|(name, v)| *name == m.name && (1..=*v).contains(&m.v))
        {
            return Err(ApiError::bad(Key::ErrUnknownMutation, "name"));
        }
        if serde_json::to_string(&m.args)
            .map(|s| s.len())
            .unwrap_or(usize::MAX)
            > MAX_ARGS_BYTES
        {
            return Err(ApiError::bad(Key::ErrBadRequest, "args"));
        }
    }
    Ok(())
}

async fn push(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PushRequest>,
) -> ApiResult<Json<PushResponse>> {
    caller.require(Action::ViewSites)?;
    check_batch(&req)?;
    check_device(&state.db, &req.client_id, &headers, &caller).await?;
    let locale = locale_of(&headers);
    let mut results = Vec::with_capacity(req.mutations.len());
    let mut gap_expected = None;
    // The batch in one IMMEDIATE transaction: it takes the write lock before reading the last
    // id, so two pushes from one client (a retry racing its original) cannot both apply, and
    // each mutation's change and its record commit together.
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    let mut last: i64 =
        sqlx::query_scalar("SELECT last_mutation_id FROM sync_clients WHERE client_id = ?")
            .bind(&req.client_id)
            .fetch_one(&mut *tx)
            .await?;
    let mut authors = Authors::default();
    for m in &req.mutations {
        match apply_one(
            &mut tx,
            &req.client_id,
            &caller,
            m,
            last as u64,
            locale,
            &mut authors,
        )
        .await?
        {
            Ok(r) => {
                if r.status != Status::Duplicate {
                    last = m.id as i64;
                }
                results.push(r);
            }
            Err(expected) => {
                gap_expected = Some(expected);
                break;
            }
        }
    }
    sqlx::query("UPDATE sync_clients SET last_mutation_id = ?, app_build = ?, last_seen = ? WHERE client_id = ?")
        .bind(last)
        .bind(&req.app_build)
        .bind(now_ms())
        .bind(&req.client_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Json(PushResponse {
        last_mutation_id: last as u64,
        results,
        gap_expected,
        server_time: now_ms(),
    }))
}

/// Who may author mutations sent in this batch, and what they may do: looked up once per
/// author per batch.
#[derive(Default)]
struct Authors(std::collections::HashMap<String, Option<Grants>>);

/// A person's roles and sites.
type Grants = (Vec<Role>, Vec<String>);

impl Authors {
    /// `None` when the author may not send through this device.
    async fn get(
        &mut self,
        tx: &mut SqliteConnection,
        client_id: &str,
        caller: &Caller,
        author: &str,
    ) -> ApiResult<Option<Grants>> {
        if let Some(v) = self.0.get(author) {
            return Ok(v.clone());
        }
        let v = if author_may_send(tx, client_id, caller, author).await? {
            Some(roles_and_sites_tx(tx, author).await?)
        } else {
            None
        };
        self.0.insert(author.to_string(), v.clone());
        Ok(v)
    }
}

/// Applies one mutation inside the batch's transaction. `Ok(Err(expected))` is a gap.
async fn apply_one(
    tx: &mut SqliteConnection,
    client_id: &str,
    caller: &Caller,
    m: &Mutation,
    last: u64,
    locale: Locale,
    authors: &mut Authors,
) -> ApiResult<Result<MutationResult, u64>> {
    match step(last, m.id) {
        Step::Gap { expected } => Ok(Err(expected)),
        Step::Duplicate => {
            type Outcome = (String, Option<String>, Option<String>, Option<String>);
            let row: Option<Outcome> = sqlx::query_as(
                "SELECT status, code, message, field FROM sync_mutations WHERE client_id = ? AND mutation_id = ?",
            )
            .bind(client_id)
            .bind(m.id as i64)
            .fetch_optional(&mut *tx)
            .await?;
            let (original, code, message, field) = match row {
                Some((s, code, message, field)) => (
                    Some(if s == "rejected" {
                        Status::Rejected
                    } else {
                        Status::Applied
                    }),
                    code,
                    message,
                    field,
                ),
                None => (None, None, None, None),
            };
            Ok(Ok(MutationResult {
                id: m.id,
                status: Status::Duplicate,
                original,
                code,
                message,
                field,
            }))
        }
        Step::Apply => {
            let now = now_ms();
            let outcome = match authors.get(tx, client_id, caller, &m.author).await? {
                None => Err(Refusal {
                    code: "author_unknown",
                    message: Key::ErrForbidden.text(locale).to_string(),
                    field: None,
                }),
                Some((roles, sites)) => {
                    let mut cx = Ctx {
                        tx: &mut *tx,
                        client_id,
                        m,
                        roles: &roles,
                        sites: &sites,
                        now,
                        locale,
                    };
                    match crate::records::run(&mut cx).await {
                        Ok(()) => Ok(()),
                        Err(Reject::Refused(r)) => Err(r),
                        Err(Reject::Failed(e)) => return Err(e),
                    }
                }
            };
            let (status, code, message, field) = match outcome {
                Ok(()) => (Status::Applied, None, None, None),
                Err(r) => (
                    Status::Rejected,
                    Some(r.code.to_string()),
                    Some(r.message),
                    r.field.map(str::to_string),
                ),
            };
            sqlx::query(
                "INSERT INTO sync_mutations (client_id, mutation_id, name, v, author, args, status, code, message, field, client_time, server_time)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(client_id)
            .bind(m.id as i64)
            .bind(&m.name)
            .bind(m.v as i64)
            .bind(&m.author)
            .bind(m.args.to_string())
            .bind(status.as_str())
            .bind(&code)
            .bind(&message)
            .bind(&field)
            .bind(m.client_time)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok(Ok(MutationResult {
                id: m.id,
                status,
                original: None,
                code,
                message,
                field,
            }))
        }
    }
}

/// The signed-in person, or someone who used this device before (their queued records are
/// theirs, whoever is signed in now).
async fn author_may_send(
    tx: &mut SqliteConnection,
    client_id: &str,
    caller: &Caller,
    author: &str,
) -> ApiResult<bool> {
    if author == caller.id {
        return Ok(true);
    }
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM device_people dp JOIN people p ON p.id = dp.person_id
         WHERE dp.client_id = ? AND dp.person_id = ? AND p.disabled = 0",
    )
    .bind(client_id)
    .bind(author)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(known.is_some())
}

async fn roles_and_sites_tx(tx: &mut SqliteConnection, person: &str) -> ApiResult<Grants> {
    let disabled: Option<bool> = sqlx::query_scalar("SELECT disabled FROM people WHERE id = ?")
        .bind(person)
        .fetch_optional(&mut *tx)
        .await?;
    if disabled != Some(false) {
        return Ok((Vec::new(), Vec::new()));
    }
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT role FROM person_roles WHERE person_id = ?")
            .bind(person)
            .fetch_all(&mut *tx)
            .await?;
    let sites: Vec<String> =
        sqlx::query_scalar("SELECT site_id FROM person_sites WHERE person_id = ?")
            .bind(person)
            .fetch_all(&mut *tx)
            .await?;
    Ok((roles.iter().filter_map(|r| Role::parse(r)).collect(), sites))
}

/// One entity's changed rows after `cursor`, as changes, at most `limit`.
async fn entity_changes(
    tx: &mut SqliteConnection,
    e: &Entity,
    sites: &SiteScope,
    cursor: i64,
    since: i64,
    limit: usize,
) -> ApiResult<Vec<Change>> {
    use sqlx::{Column, Row, TypeInfo, ValueRef};
    let sites = if e.court_wide { &SiteScope::All } else { sites };
    let site_filter = match sites {
        SiteScope::All => String::new(),
        SiteScope::Only(ids) if ids.is_empty() => " AND 0".to_string(),
        SiteScope::Only(ids) => format!(" AND site_id IN ({})", vec!["?"; ids.len()].join(",")),
    };
    let sql = format!(
        "SELECT * FROM {} WHERE version > ? AND {} >= ?{site_filter} ORDER BY version LIMIT ?",
        e.table, e.time_column
    );
    let mut q = sqlx::query(&sql).bind(cursor).bind(since);
    if let SiteScope::Only(ids) = sites {
        for id in ids {
            q = q.bind(id);
        }
    }
    let rows = q.bind(limit as i64).fetch_all(&mut *tx).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut data = serde_json::Map::new();
        let (mut id, mut version, mut gone) = (String::new(), 0, false);
        for col in row.columns() {
            let name = col.name();
            let raw = row.try_get_raw(col.ordinal())?;
            let value = if raw.is_null() {
                serde_json::Value::Null
            } else {
                match raw.type_info().name() {
                    "INTEGER" | "BOOLEAN" => row.try_get::<i64, _>(col.ordinal())?.into(),
                    "REAL" => row.try_get::<f64, _>(col.ordinal())?.into(),
                    _ => row.try_get::<String, _>(col.ordinal())?.into(),
                }
            };
            match name {
                "id" => id = value.as_str().unwrap_or_default().to_string(),
                "version" => version = value.as_i64().unwrap_or_default(),
                "deleted_at" | "anonymised_at" => gone |= !value.is_null(),
                _ => {}
            }
            if name != "id" && name != "version" && !e.hidden.contains(&name) {
                data.insert(name.to_string(), value);
            }
        }
        out.push(Change {
            entity: e.name.to_string(),
            id,
            op: if gone { Op::Del } else { Op::Put },
            version,
            data: if gone {
                serde_json::Value::Null
            } else {
                data.into()
            },
        });
    }
    Ok(out)
}

/// Changes after the cursor, in version order, of the entities and sites the signed-in person
/// may see. Each entity's table is read up to a page; the merged list is cut at one page, so
/// the cursor never passes a change that was not sent.
async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PullRequest>,
) -> ApiResult<Json<PullResponse>> {
    caller.require(Action::ViewSites)?;
    check_device(&state.db, &req.client_id, &headers, &caller).await?;
    let cursor = req.cursor.unwrap_or(0);
    let now = now_ms();
    // One read transaction: the rows and the version they are read at agree.
    let mut tx = state.db.begin().await?;
    let version: i64 = sqlx::query_scalar("SELECT version FROM sync_meta WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let mut changes = Vec::new();
    let mut has_more = false;
    for e in ENTITIES {
        let Some(action) = e.seen_with.iter().find(|a| caller.can(**a)) else {
            continue;
        };
        let scope = caller.scope(*action)?;
        let since = now - e.max_age_days * 24 * 3600 * 1000;
        let mut part = entity_changes(&mut tx, e, &scope, cursor, since, PULL_PAGE + 1).await?;
        has_more |= part.len() > PULL_PAGE;
        part.truncate(PULL_PAGE);
        changes.append(&mut part);
    }
    changes.sort_by_key(|c| c.version);
    if changes.len() > PULL_PAGE {
        has_more = true;
        changes.truncate(PULL_PAGE);
    }
    let last_mutation_id: i64 =
        sqlx::query_scalar("SELECT last_mutation_id FROM sync_clients WHERE client_id = ?")
            .bind(&req.client_id)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    let next_cursor = if has_more {
        changes.last().map(|c| c.version).unwrap_or(cursor)
    } else {
        version.max(cursor)
    };
    Ok(Json(PullResponse {
        cursor: next_cursor,
        last_mutation_id: last_mutation_id as u64,
        changes,
        reset: req.cursor.is_none(),
        has_more,
        server_time: now,
    }))
}
