//! The push: client-numbered mutations applied exactly once each, the batch in one
//! `BEGIN IMMEDIATE` transaction, each record's author proven, its time placed from the
//! phone's clocks; and the hello a phone says when its person signs in.

use super::authors::Verdict;
use crate::db::now_ms;
use crate::db::Conn;
use crate::devices::check_device;
use crate::http::caller::Grants;
use crate::http::{locale_of, ApiError, ApiJson, ApiResult, Caller};
use crate::records::Refusal;
use crate::AppState;
use app::i18n::{Key, Locale};
use app::model::Action;
use app::sync::{
    place, step, Mutation, MutationResult, Placed, PushRequest, PushResponse, Status, Step, LIMITS,
    PROTOCOL,
};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;

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

async fn client_state(tx: &mut Conn, client_id: &str) -> ApiResult<ClientState> {
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
pub(super) async fn note_contact(
    ex: impl crate::db::Executor<'_>,
    client_id: &str,
    made_up_to: Option<u64>,
    waiting: Option<u32>,
    now: i64,
) -> ApiResult<()> {
    if made_up_to.is_none() && waiting.is_none() {
        return Ok(());
    }
    let upto = made_up_to.map(|u| u.min(i64::MAX as u64) as i64);
    let waiting = waiting.map(i64::from);
    let upto_sql = crate::db::dialect::greatest("contact_made_up_to", "?");
    // The waiting count as the phone said it, and since when it has held records unsent: the
    // first contact that said so (none once it says nothing waits).
    sqlx::query(&format!(
        "UPDATE sync_clients SET
            contact_at = CASE WHEN ? IS NULL THEN contact_at ELSE ? END,
            contact_made_up_to = CASE WHEN ? IS NULL THEN contact_made_up_to ELSE {upto_sql} END,
            last_seen = CASE WHEN ? IS NULL THEN last_seen ELSE ? END,
            waiting = COALESCE(?, waiting),
            waiting_since = CASE WHEN ? IS NULL THEN waiting_since WHEN ? = 0 THEN NULL
                                 ELSE COALESCE(waiting_since, ?) END
         WHERE client_id = ?"
    ))
    .bind(upto)
    .bind(now)
    .bind(upto)
    .bind(upto)
    .bind(upto)
    .bind(now)
    .bind(waiting)
    .bind(waiting)
    .bind(waiting)
    .bind(now)
    .bind(client_id)
    .execute(ex)
    .await?;
    Ok(())
}

pub(super) async fn push(
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
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
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
    note_contact(&mut *tx, &req.client_id, req.made_up_to, req.waiting, now).await?;
    tx.commit().await?;
    state.alerts.wake();
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
    seen: crate::sync::authors::Seen,
}

impl Authors {
    async fn get(&mut self, tx: &mut Conn, author: &str) -> ApiResult<Grants> {
        if let Some(v) = self.grants.get(author) {
            return Ok(v.clone());
        }
        let v = Grants::of_active(tx, author).await?;
        self.grants.insert(author.to_string(), v.clone());
        Ok(v)
    }
}

/// Applies one mutation inside the batch's transaction. `Ok(Err(expected))` is a gap.
async fn apply_one(
    tx: &mut Conn,
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
                match crate::sync::authors::judge(tx, &mut authors.seen, key, client_id, m).await? {
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
                        let grants = authors.get(tx, &m.author).await?;
                        crate::sync::authors::run_as(
                            tx,
                            client_id,
                            m,
                            &grants,
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
                    Some(crate::sync::authors::held_message(code, locale)),
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

async fn replayed(tx: &mut Conn, m: &Mutation) -> ApiResult<Option<Replayed>> {
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
