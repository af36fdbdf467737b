//! The sync endpoints: enrolled devices push client-numbered mutations, applied exactly once
//! each in its own `BEGIN IMMEDIATE` transaction, and pull what their people may see, in
//! version order. The rules of the protocol itself are in `app::sync`, shared with the phone.

use crate::auth::{locale_of, Caller, SiteScope};
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::web::ApiJson;
use crate::AppState;
use app::i18n::{Key, Locale};
use app::model::{roles_allow, Action, Role};
use app::sync::{
    step, Change, Mutation, MutationResult, Op, PullRequest, PullResponse, PushRequest,
    PushResponse, Status, Step, MAX_ARGS_BYTES, MAX_BATCH, MAX_CLOCK_SKEW_MS, PROTOCOL, PULL_PAGE,
};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
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
}

/// The mutations this server understands, by name and the newest `v` of their args.
pub const MUTATIONS: [(&str, u32); 1] = [("visit.check_in", 1)];

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
        if !MUTATIONS
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

/// A business rule's refusal: recorded, acknowledged, shown to the author.
struct Refusal {
    code: &'static str,
    key: Key,
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
            let row: Option<(String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT status, code, message FROM sync_mutations WHERE client_id = ? AND mutation_id = ?",
            )
            .bind(client_id)
            .bind(m.id as i64)
            .fetch_optional(&mut *tx)
            .await?;
            let (original, code, message) = match row {
                Some((s, code, message)) => (
                    Some(if s == "rejected" {
                        Status::Rejected
                    } else {
                        Status::Applied
                    }),
                    code,
                    message,
                ),
                None => (None, None, None),
            };
            Ok(Ok(MutationResult {
                id: m.id,
                status: Status::Duplicate,
                original,
                code,
                message,
            }))
        }
        Step::Apply => {
            let now = now_ms();
            let outcome = match authors.get(tx, client_id, caller, &m.author).await? {
                None => Err(Refusal {
                    code: "author_unknown",
                    key: Key::ErrForbidden,
                }),
                Some((roles, sites)) => run_handler(tx, client_id, m, &roles, &sites, now).await?,
            };
            let (status, code, message) = match &outcome {
                Ok(()) => (Status::Applied, None, None),
                Err(r) => (
                    Status::Rejected,
                    Some(r.code.to_string()),
                    Some(r.key.text(locale).to_string()),
                ),
            };
            sqlx::query(
                "INSERT INTO sync_mutations (client_id, mutation_id, name, v, author, args, status, code, message, client_time, server_time)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

async fn next_version(tx: &mut SqliteConnection) -> ApiResult<i64> {
    Ok(sqlx::query_scalar(
        "UPDATE sync_meta SET version = version + 1 WHERE id = 1 RETURNING version",
    )
    .fetch_one(&mut *tx)
    .await?)
}

#[derive(Deserialize)]
struct CheckInV1 {
    id: String,
    site_id: String,
    name: String,
    #[serde(default)]
    purpose: String,
}

async fn run_handler(
    tx: &mut SqliteConnection,
    client_id: &str,
    m: &Mutation,
    roles: &[Role],
    sites: &[String],
    now: i64,
) -> ApiResult<Result<(), Refusal>> {
    match m.name.as_str() {
        "visit.check_in" => {
            let Ok(a) = serde_json::from_value::<CheckInV1>(m.args.clone()) else {
                return Ok(Err(Refusal {
                    code: "invalid",
                    key: Key::ErrBadRequest,
                }));
            };
            if uuid::Uuid::parse_str(&a.id).is_err() {
                return Ok(Err(Refusal {
                    code: "invalid",
                    key: Key::ErrBadRequest,
                }));
            }
            let name = a.name.trim();
            if !(1..=40).contains(&name.chars().count()) {
                return Ok(Err(Refusal {
                    code: "invalid_name",
                    key: Key::ErrDisplayName,
                }));
            }
            if a.purpose.chars().count() > 200 {
                return Ok(Err(Refusal {
                    code: "invalid_purpose",
                    key: Key::ErrBadRequest,
                }));
            }
            // The author, not whoever is signed in now, must be allowed at this site.
            let admin_scope = roles.contains(&Role::Admin)
                && roles_allow(&[Role::Admin], Action::RegisterVisitor);
            if !roles_allow(roles, Action::RegisterVisitor) {
                return Ok(Err(Refusal {
                    code: "forbidden",
                    key: Key::ErrForbidden,
                }));
            }
            if !admin_scope && !sites.contains(&a.site_id) {
                return Ok(Err(Refusal {
                    code: "site_forbidden",
                    key: Key::ErrSiteForbidden,
                }));
            }
            let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM visits WHERE id = ?")
                .bind(&a.id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_some() {
                return Ok(Err(Refusal {
                    code: "exists",
                    key: Key::ErrBadRequest,
                }));
            }
            let version = next_version(tx).await?;
            let skewed = (m.client_time - now).abs() > MAX_CLOCK_SKEW_MS;
            sqlx::query(
                "INSERT INTO visits (id, site_id, name, purpose, author_id, client_id, checked_in_at, clock_skewed, created_at, version)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&a.id)
            .bind(&a.site_id)
            .bind(name)
            .bind(a.purpose.trim())
            .bind(&m.author)
            .bind(client_id)
            .bind(m.client_time)
            .bind(skewed)
            .bind(now)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            Ok(Ok(()))
        }
        // check_batch refuses unknown names before anything is applied.
        _ => Ok(Err(Refusal {
            code: "unknown_mutation",
            key: Key::ErrUnknownMutation,
        })),
    }
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

type VisitRow = (
    String,
    String,
    String,
    String,
    String,
    i64,
    bool,
    i64,
    Option<i64>,
);

async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PullRequest>,
) -> ApiResult<Json<PullResponse>> {
    caller.require(Action::ViewSites)?;
    check_device(&state.db, &req.client_id, &headers, &caller).await?;
    let sees_visits = caller.roles.iter().any(|r| {
        roles_allow(&[*r], Action::RegisterVisitor) || roles_allow(&[*r], Action::Inspect)
    });
    let scope = caller.scope(Action::ViewSites)?;
    let cursor = req.cursor.unwrap_or(0);
    // One read transaction: the rows and the version they are read at agree.
    let mut tx = state.db.begin().await?;
    let version: i64 = sqlx::query_scalar("SELECT version FROM sync_meta WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    let mut changes = Vec::new();
    let mut has_more = false;
    if sees_visits {
        let site_filter = match &scope {
            SiteScope::All => String::new(),
            SiteScope::Only(ids) if ids.is_empty() => " AND 0".to_string(),
            SiteScope::Only(ids) => format!(" AND site_id IN ({})", vec!["?"; ids.len()].join(",")),
        };
        let sql = format!(
            "SELECT id, site_id, name, purpose, author_id, checked_in_at, clock_skewed, version, deleted_at
             FROM visits WHERE version > ?{site_filter} ORDER BY version LIMIT ?"
        );
        let mut q = sqlx::query_as::<_, VisitRow>(&sql).bind(cursor);
        if let SiteScope::Only(ids) = &scope {
            for id in ids {
                q = q.bind(id);
            }
        }
        let rows = q.bind((PULL_PAGE + 1) as i64).fetch_all(&mut *tx).await?;
        has_more = rows.len() > PULL_PAGE;
        for (id, site_id, name, purpose, author_id, at, skewed, v, deleted) in
            rows.into_iter().take(PULL_PAGE)
        {
            changes.push(Change {
                entity: "visit".into(),
                id,
                op: if deleted.is_some() { Op::Del } else { Op::Put },
                version: v,
                data: serde_json::json!({
                    "site_id": site_id, "name": name, "purpose": purpose, "author_id": author_id,
                    "checked_in_at": at, "clock_skewed": skewed,
                }),
            });
        }
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
        server_time: now_ms(),
    }))
}
