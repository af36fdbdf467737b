//! The sync endpoints: enrolled devices push client-numbered mutations, applied exactly once
//! each in its own `BEGIN IMMEDIATE` transaction, and pull what their people may see, in
//! version order. The rules of the protocol itself are in `app::sync`, shared with the phone.

use crate::auth::{locale_of, Caller, SiteScope};
use crate::authors::Verdict;
use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::records::{Entity, Refusal, ENTITIES};
use crate::web::ApiJson;
use crate::AppState;
use app::i18n::{Key, Locale};
use app::model::{Action, Role};
use app::sync::{
    cut_page, place, step, Change, Cursor, Mutation, MutationResult, Op, Placed, PullRequest,
    PullResponse, PushRequest, PushResponse, Status, Step, LIMITS, PROTOCOL, PULL_PAGE,
};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/devices", post(enrol).get(crate::authors::devices))
        .route("/api/v1/devices/{client_id}/revoke", post(revoke))
        .route(
            "/api/sync/v1/push",
            post(push).layer(axum::extract::DefaultBodyLimit::max(LIMITS.batch_bytes)),
        )
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
    /// The last mutation id the phone's outbox gave out: this client counts on from it, so a
    /// phone enrolled again keeps what waits on it.
    #[serde(default)]
    pub resume_after: u64,
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
    // Not a contact for the records' times: what waits on a phone enrolled again was made
    // before this.
    let resume_after = req.resume_after.min(i64::MAX as u64 / 2) as i64;
    sqlx::query(
        "INSERT INTO sync_clients (client_id, last_mutation_id, contact_made_up_to, last_seen)
         VALUES (?, ?, ?, ?)",
    )
    .bind(&client_id)
    .bind(resume_after)
    .bind(resume_after)
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

/// A supervisor or administrator revokes a lost phone: it can no longer push or pull, every
/// session signed in on it ends (its cookies open nothing more), and what it still sends
/// signed there waits for a supervisor.
async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::ManageDevices)?;
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    let n =
        sqlx::query("UPDATE devices SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(&client_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if n == 0 {
        return Err(ApiError::NotFound(Key::ErrBadRequest));
    }
    let ended = sqlx::query("DELETE FROM sessions WHERE client_id = ?")
        .bind(&client_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    crate::db::audit(
        &mut *tx,
        Some(&caller.id),
        "revoke_device",
        &client_id,
        &format!("sessions_ended={ended}"),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(
        serde_json::json!({"revoked": true, "sessions_ended": ended}),
    ))
}

/// The device must be enrolled and not revoked; the caller is noted as a person of it, and
/// their session as signed in on it (revoking the phone ends it).
pub async fn check_device(
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
            sqlx::query(
                "UPDATE sessions SET client_id = ? WHERE token_hash = ? AND client_id IS NULL",
            )
            .bind(client_id)
            .bind(&caller.token_hash)
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

/// Checks the envelope before anything is applied: a malformed envelope changes nothing. What
/// is wrong with one mutation is that mutation's refusal (see [`apply_one`]), never the batch's.
fn check_batch(req: &PushRequest, min_build: &str) -> ApiResult<()> {
    // An older app's protocol: it must update first (its outbox stays on the phone). A newer
    // one than this server knows is a malformed request.
    if req.protocol < PROTOCOL {
        return Err(ApiError::UpdateRequired {
            min_build: min_build.to_string(),
        });
    }
    if req.protocol != PROTOCOL {
        return Err(ApiError::bad(Key::ErrBadRequest, "protocol"));
    }
    if req.mutations.len() > LIMITS.batch {
        return Err(ApiError::TooLarge);
    }
    let mut prev = 0u64;
    for m in &req.mutations {
        if m.id == 0 || m.id <= prev || m.id > i64::MAX as u64 {
            return Err(ApiError::bad(Key::ErrBadRequest, "id"));
        }
        prev = m.id;
    }
    Ok(())
}

/// Does this server know the mutation's name and version?
fn known(m: &Mutation) -> bool {
    m.name == app::sync::SKIP || crate::records::known(&m.name, m.v)
}

/// Where this client stood before this request: its last applied id, the time of its last
/// record, and its previous contact (the server's time, and the last id it had given out).
struct ClientState {
    last: i64,
    last_made_at: i64,
    contact_at: i64,
    contact_made_up_to: i64,
    backed_up_to: i64,
}

async fn client_state(tx: &mut SqliteConnection, client_id: &str) -> ApiResult<ClientState> {
    let (last, last_made_at, contact_at, contact_made_up_to, backed_up_to): (
        i64,
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT last_mutation_id, last_made_at, contact_at, contact_made_up_to, backed_up_to
             FROM sync_clients WHERE client_id = ?",
    )
    .bind(client_id)
    .fetch_one(&mut *tx)
    .await?;
    Ok(ClientState {
        last,
        last_made_at,
        contact_at,
        contact_made_up_to,
        backed_up_to,
    })
}

/// Notes a contact: the server's time now and the last id the phone had given out (a record
/// with a higher id was made after it).
async fn note_contact(
    ex: impl sqlx::SqliteExecutor<'_>,
    client_id: &str,
    made_up_to: Option<u64>,
    now: i64,
) -> ApiResult<()> {
    if let Some(upto) = made_up_to {
        sqlx::query(
            "UPDATE sync_clients SET contact_at = ?, contact_made_up_to = MAX(contact_made_up_to, ?), last_seen = ?
             WHERE client_id = ?",
        )
        .bind(now)
        .bind(upto.min(i64::MAX as u64) as i64)
        .bind(now)
        .bind(client_id)
        .execute(ex)
        .await?;
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
    check_batch(&req, &state.assets.build_id)?;
    check_device(&state.db, &req.client_id, &headers, &caller).await?;
    let locale = locale_of(&headers);
    let mut results = Vec::with_capacity(req.mutations.len());
    let (mut gap_expected, mut server_behind) = (None, None);
    // The batch in one IMMEDIATE transaction: it takes the write lock before reading the last
    // id, so two pushes from one client (a retry racing its original) cannot both apply, and
    // each mutation's change and its record commit together.
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    let now = now_ms();
    let mut client = client_state(&mut tx, &req.client_id).await?;
    let mut authors = Authors::default();
    for m in &req.mutations {
        if step(client.last as u64, m.id) == Step::Apply && !known(m) {
            // A phone newer than this server: kept on the phone and sent again later.
            server_behind = Some(m.id);
            break;
        }
        let lower = if m.id as i64 > client.contact_made_up_to {
            client.last_made_at.max(client.contact_at)
        } else {
            client.last_made_at
        };
        let placed = place(m.client_time, m.clock, req.sent_at, now, lower);
        let one = One {
            client_id: &req.client_id,
            m,
            placed,
            sent_at: req.sent_at,
            now,
        };
        let fresh = step(client.last as u64, m.id) == Step::Apply;
        match apply_one(
            &mut tx,
            &one,
            &state.author_key,
            client.last as u64,
            locale,
            &mut authors,
        )
        .await?
        {
            Ok(r) => {
                // Recorded under this id now (one carried over from an earlier enrolment and
                // answered as its duplicate too).
                if fresh {
                    client.last = m.id as i64;
                    // (A skip was made by nobody: it bounds nothing.)
                    if m.name != app::sync::SKIP {
                        client.last_made_at = client.last_made_at.max(placed.at);
                    }
                }
                results.push(r);
            }
            Err(expected) => {
                gap_expected = Some(expected);
                break;
            }
        }
    }
    sqlx::query(
        "UPDATE sync_clients SET last_mutation_id = ?, last_made_at = ?, app_build = ?, last_seen = ?
         WHERE client_id = ?",
    )
    .bind(client.last)
    .bind(client.last_made_at)
    .bind(&req.app_build)
    .bind(now)
    .bind(&req.client_id)
    .execute(&mut *tx)
    .await?;
    note_contact(&mut *tx, &req.client_id, req.made_up_to, now).await?;
    tx.commit().await?;
    Ok(Json(PushResponse {
        last_mutation_id: client.last as u64,
        results,
        gap_expected,
        server_behind,
        backed_up_to: client.backed_up_to as u64,
        limits: LIMITS.to_value(),
        server_time: now_ms(),
    }))
}

/// One mutation as it arrived: who sent it, and when the server holds it was made.
struct One<'a> {
    client_id: &'a str,
    m: &'a Mutation,
    placed: Placed,
    sent_at: Option<i64>,
    now: i64,
}

/// What the proven authors of this batch may do: looked up once per author per batch.
#[derive(Default)]
struct Authors {
    grants: std::collections::HashMap<String, Grants>,
    /// What their proofs are judged against.
    seen: crate::authors::Seen,
}

/// A person's roles and sites.
type Grants = (Vec<Role>, Vec<String>);

impl Authors {
    async fn get(&mut self, tx: &mut SqliteConnection, author: &str) -> ApiResult<Grants> {
        if let Some(v) = self.grants.get(author) {
            return Ok(v.clone());
        }
        let v = roles_and_sites_tx(tx, author).await?;
        self.grants.insert(author.to_string(), v.clone());
        Ok(v)
    }
}

/// Applies one mutation inside the batch's transaction. `Ok(Err(expected))` is a gap.
async fn apply_one(
    tx: &mut SqliteConnection,
    one: &One<'_>,
    key: &[u8; 32],
    last: u64,
    locale: Locale,
    authors: &mut Authors,
) -> ApiResult<Result<MutationResult, u64>> {
    let (m, client_id) = (one.m, one.client_id);
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
                Some((s, code, message, field)) => {
                    (Some(Status::recorded(&s)), code, message, field)
                }
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
            if let Some(first) = replayed(tx, m).await? {
                // Carried over from an earlier enrolment of this phone that has it: recorded
                // under this id as what it was, and answered as its duplicate.
                sqlx::query(
                    "INSERT INTO sync_mutations (client_id, mutation_id, name, v, author, args, status, code, message, field,
                        client_time, server_time, made_at, sent_at, server_est, clock_flag)
                     SELECT ?, ?, name, v, author, args, status, code, message, field,
                        client_time, ?, made_at, sent_at, server_est, clock_flag
                     FROM sync_mutations WHERE client_id = ? AND mutation_id = ?",
                )
                .bind(client_id)
                .bind(m.id as i64)
                .bind(one.now)
                .bind(&first.0)
                .bind(first.1)
                .execute(&mut *tx)
                .await?;
                return Ok(Ok(MutationResult {
                    id: m.id,
                    status: Status::Duplicate,
                    original: Some(first.2),
                    code: first.3,
                    message: first.4,
                    field: first.5,
                }));
            }
            let now = one.now;
            let args_bytes = serde_json::to_string(&m.args)
                .map(|s| s.len())
                .unwrap_or(usize::MAX);
            let too_large = m.oversized.is_some() || m.wire_bytes() > LIMITS.mutation_bytes;
            let mut held = None;
            let mut signed_as = None;
            let outcome = if m.name == app::sync::SKIP {
                // An id this server lost (restored from a backup) that the phone no longer
                // sends as it was: recorded, nothing applied.
                Err(Refusal {
                    code: "skipped",
                    message: String::new(),
                    field: None,
                })
            } else if too_large {
                Err(Refusal {
                    code: "too_large",
                    message: Key::ErrRecordTooLarge.text(locale).to_string(),
                    field: None,
                })
            } else {
                match crate::authors::judge(tx, &mut authors.seen, key, client_id, m).await? {
                    Verdict::Refuse => Err(Refusal {
                        code: "author_unproven",
                        message: Key::ErrAuthorProof.text(locale).to_string(),
                        field: None,
                    }),
                    Verdict::Hold(code) => {
                        signed_as = m.proof.as_ref().map(|p| p.signed_as());
                        held = Some(code);
                        Ok(())
                    }
                    Verdict::Proven => {
                        signed_as = m.proof.as_ref().map(|p| p.signed_as());
                        let (roles, sites) = authors.get(tx, &m.author).await?;
                        crate::authors::run_as(
                            tx,
                            client_id,
                            m,
                            &roles,
                            &sites,
                            one.placed.at,
                            one.placed.flag,
                            locale,
                        )
                        .await?
                    }
                }
            };
            let (status, code, message, field) = match (held, outcome) {
                (Some(code), _) => (
                    Status::Held,
                    Some(code.to_string()),
                    Some(crate::authors::held_message(code, locale)),
                    None,
                ),
                (None, Ok(())) => (Status::Applied, None, None, None),
                (None, Err(r)) => (
                    Status::Rejected,
                    Some(r.code.to_string()),
                    Some(r.message),
                    r.field.map(str::to_string),
                ),
            };
            // What a refused record too large to take said is not kept (only its size).
            let args = if too_large {
                serde_json::json!({"oversized": m.oversized.unwrap_or(args_bytes as u64)})
                    .to_string()
            } else {
                m.args.to_string()
            };
            // A held record waits whole (with its proof) for its author or a supervisor.
            let held_record = held.map(|_| serde_json::to_string(m).unwrap_or_default());
            sqlx::query(
                "INSERT INTO sync_mutations (client_id, mutation_id, name, v, author, args, status, code, message, field,
                    client_time, server_time, made_at, sent_at, server_est, clock_flag, held_record, signed_as)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(client_id)
            .bind(m.id as i64)
            .bind(&m.name)
            .bind(m.v as i64)
            .bind(&m.author)
            .bind(args)
            .bind(status.as_str())
            .bind(&code)
            .bind(&message)
            .bind(&field)
            .bind(m.client_time)
            .bind(now)
            .bind(one.placed.at)
            .bind(one.sent_at)
            .bind(m.clock.map(|c| c.est))
            .bind(one.placed.flag.map(|f| f.as_str()))
            .bind(held_record)
            .bind(signed_as)
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

/// What an earlier enrolment of this phone recorded for a mutation carried over from it
/// (`replay_of`), by the same author: where, and its outcome.
type Replayed = (
    String,
    i64,
    Status,
    Option<String>,
    Option<String>,
    Option<String>,
);

async fn replayed(tx: &mut SqliteConnection, m: &Mutation) -> ApiResult<Option<Replayed>> {
    // Where its proof was made first: a copy of a record already applied there (or wherever
    // it arrived first) is that record. Then the enrolments it says it came from.
    if let Some(p) = &m.proof {
        type Row = (
            String,
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT client_id, mutation_id, status, code, message, field FROM sync_mutations
             WHERE signed_as = ? AND author = ?",
        )
        .bind(p.signed_as())
        .bind(&m.author)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((client, id, status, code, message, field)) = row {
            return Ok(Some((
                client,
                id,
                Status::recorded(&status),
                code,
                message,
                field,
            )));
        }
    }
    for origin in m.replay_of.iter().take(8) {
        let Some((client, id)) = origin.rsplit_once('/') else {
            continue;
        };
        let Ok(id) = id.parse::<i64>() else { continue };
        type Row = (String, Option<String>, Option<String>, Option<String>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT status, code, message, field FROM sync_mutations
             WHERE client_id = ? AND mutation_id = ? AND author = ?",
        )
        .bind(client)
        .bind(id)
        .bind(&m.author)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((status, code, message, field)) = row {
            let status = Status::recorded(&status);
            return Ok(Some((client.to_string(), id, status, code, message, field)));
        }
    }
    Ok(None)
}

/// A person's roles and sites; none for a disabled or unknown account.
async fn roles_and_sites_tx(tx: &mut SqliteConnection, person: &str) -> ApiResult<Grants> {
    let disabled: Option<bool> = sqlx::query_scalar("SELECT disabled FROM people WHERE id = ?")
        .bind(person)
        .fetch_optional(&mut *tx)
        .await?;
    if disabled != Some(false) {
        return Ok((Vec::new(), Vec::new()));
    }
    crate::authors::grants(tx, person).await
}

/// Where a pull resumes inside the entity at `index` of [`ENTITIES`].
#[derive(Clone, Copy)]
enum From<'a> {
    /// Rows after `version`.
    After(i64),
    /// Rows at `version` too (this entity comes after the cursor's inside that version).
    AtOrAfter(i64),
    /// Rows after `version`, and at `version` those with an id after this one.
    Inside(i64, &'a str),
}

/// One entity's changed rows from `from`, as changes, in `(version, id)` order, at most `limit`.
async fn entity_changes(
    tx: &mut SqliteConnection,
    e: &Entity,
    sites: &SiteScope,
    from: From<'_>,
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
    let position = match from {
        From::After(_) => "version > ?",
        From::AtOrAfter(_) => "version >= ?",
        From::Inside(..) => "(version > ? OR (version = ? AND id > ?))",
    };
    let mut select = vec!["id", "version"];
    select.extend(e.gone);
    select.extend(e.columns);
    let sql = format!(
        "SELECT {} FROM {} WHERE {position} AND {} >= ?{site_filter} ORDER BY version, id LIMIT ?",
        select.join(", "),
        e.table,
        e.time_column
    );
    let mut q = sqlx::query(&sql);
    q = match from {
        From::After(v) | From::AtOrAfter(v) => q.bind(v),
        From::Inside(v, id) => q.bind(v).bind(v).bind(id.to_string()),
    };
    q = q.bind(since);
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
            if name == "id" {
                id = value.as_str().unwrap_or_default().to_string();
            } else if name == "version" {
                version = value.as_i64().unwrap_or_default();
            } else if e.gone.contains(&name) {
                gone |= !value.is_null();
            } else {
                data.insert(name.to_string(), value);
            }
        }
        (e.shape)(&mut data);
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

/// A fingerprint of what a person may see (their roles and sites): a cursor taken under
/// another one makes the next pull a reset.
fn scope_of(caller: &Caller) -> String {
    use sha2::{Digest, Sha256};
    let mut roles: Vec<&str> = caller.roles.iter().map(|r| r.as_str()).collect();
    roles.sort_unstable();
    let mut sites: Vec<&str> = caller.site_ids.iter().map(String::as_str).collect();
    sites.sort_unstable();
    let text = format!("{}|{}", roles.join(","), sites.join(","));
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// The server's cursor epoch: a new one after a restore from a backup.
pub async fn epoch(ex: impl sqlx::SqliteExecutor<'_>) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT epoch FROM sync_meta WHERE id = 1")
        .fetch_one(ex)
        .await
}

/// Changes after the cursor, in `(version, entity, id)` order, of the entities and sites the
/// signed-in person may see, a page at a time. Each entity's table is read up to a page past
/// the cursor; the merged list is cut at one page, and the next cursor is the last change
/// sent, so rows sharing a version are never skipped however many there are.
async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PullRequest>,
) -> ApiResult<Json<PullResponse>> {
    caller.require(Action::ViewSites)?;
    check_device(&state.db, &req.client_id, &headers, &caller).await?;
    let now = now_ms();
    note_contact(&state.db, &req.client_id, req.made_up_to, now).await?;
    // One read transaction: the rows and the version they are read at agree.
    let mut tx = state.db.begin().await?;
    let (version, epoch): (i64, String) =
        sqlx::query_as("SELECT version, epoch FROM sync_meta WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
    let scope = scope_of(&caller);
    // Another epoch (a restored server), another scope (roles or sites changed), a cursor
    // ahead of this server or of an entity it does not know: start again.
    let cursor = req.cursor.as_ref().and_then(Cursor::read).filter(|c| {
        c.epoch == epoch
            && c.scope == scope
            && c.version <= version
            && c.after
                .as_ref()
                .is_none_or(|(name, _)| ENTITIES.iter().any(|e| e.name.name() == name))
    });
    let reset = cursor.is_none();
    let start = cursor.unwrap_or_default();
    let after_index = start
        .after
        .as_ref()
        .and_then(|(name, _)| ENTITIES.iter().position(|e| e.name.name() == name));
    let mut changes: Vec<(usize, Change)> = Vec::new();
    let mut has_more = false;
    for (index, e) in ENTITIES.iter().enumerate() {
        let Some(action) = e.seen_with.iter().find(|a| caller.can(**a)) else {
            continue;
        };
        let from = match (after_index, &start.after) {
            (Some(i), Some((_, id))) if i == index => From::Inside(start.version, id),
            (Some(i), _) if index > i => From::AtOrAfter(start.version),
            _ => From::After(start.version),
        };
        let scope = caller.scope(*action)?;
        let since = now - e.max_age_days * 24 * 3600 * 1000;
        let mut part = entity_changes(&mut tx, e, &scope, from, since, PULL_PAGE + 1).await?;
        has_more |= part.len() > PULL_PAGE;
        part.truncate(PULL_PAGE);
        changes.extend(part.into_iter().map(|c| (index, c)));
    }
    let (last_mutation_id, backed_up_to): (i64, i64) = sqlx::query_as(
        "SELECT last_mutation_id, backed_up_to FROM sync_clients WHERE client_id = ?",
    )
    .bind(&req.client_id)
    .fetch_one(&mut *tx)
    .await?;
    let forget = forgotten(&mut tx, &req.known).await?;
    let settled = settled(&mut tx, &req.client_id, &req.held).await?;
    tx.commit().await?;
    let head = Cursor {
        epoch,
        scope,
        version: version.max(start.version),
        after: None,
    };
    let (changes, next, has_more) = cut_page(changes, has_more, PULL_PAGE, head);
    Ok(Json(PullResponse {
        cursor: next.to_value(),
        last_mutation_id: last_mutation_id as u64,
        changes,
        reset,
        has_more,
        backed_up_to: backed_up_to as u64,
        server_time: now_ms(),
        forget,
        settled,
    }))
}

/// Of the people a phone remembers, those it must forget: unknown, disabled, their secrets of
/// another generation (a password reset or changed), or no longer allowed to be remembered.
async fn forgotten(tx: &mut SqliteConnection, known: &[(String, u32)]) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for (person, g) in known.iter().take(app::phone::known::MAX_PEOPLE * 2) {
        let row: Option<(i64, bool)> =
            sqlx::query_as("SELECT author_gen, disabled FROM people WHERE id = ?")
                .bind(person)
                .fetch_optional(&mut *tx)
                .await?;
        let keep = match row {
            Some((gen, false)) if gen == i64::from(*g) => {
                let (roles, _) = roles_and_sites_tx(tx, person).await?;
                crate::authors::rememberable(&roles)
            }
            _ => false,
        };
        if !keep {
            out.push(person.clone());
        }
    }
    Ok(out)
}

/// Of the mutations a phone holds as held, those decided since.
async fn settled(
    tx: &mut SqliteConnection,
    client_id: &str,
    held: &[u64],
) -> ApiResult<Vec<MutationResult>> {
    let mut out = Vec::new();
    for id in held.iter().take(LIMITS.batch * 10) {
        type Row = (String, Option<String>, Option<String>, Option<String>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT status, code, message, field FROM sync_mutations
             WHERE client_id = ? AND mutation_id = ? AND status <> 'held'",
        )
        .bind(client_id)
        .bind(*id as i64)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((status, code, message, field)) = row {
            out.push(MutationResult {
                id: *id,
                status: Status::recorded(&status),
                original: None,
                code,
                message,
                field,
            });
        }
    }
    Ok(out)
}
