//! Records held until their author signs them again (`resign`) or a supervisor decides
//! (accept or refuse, audited).

use super::authors::{held_message, run_as};
use crate::db::now_ms;
use crate::db::Conn;
use crate::http::caller::Grants;
use crate::http::{ApiError, ApiJson, ApiResult, Caller};
use crate::records::Refusal;
use crate::AppState;
use app::i18n::Key;
use app::model::{Action, Role};
use app::proof::{author_secret, verify, Proof};
use app::sync::{ClockFlag, Mutation, MutationResult, Status};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

/// A held record, as the server keeps it.
struct Held {
    m: Mutation,
    code: String,
    made_at: i64,
    flag: Option<ClockFlag>,
}

async fn load_held(
    tx: &mut Conn,
    client_id: &str,
    id: u64,
) -> ApiResult<Option<Result<Held, Status>>> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT status, held_record, code, made_at, clock_flag FROM sync_mutations
         WHERE client_id = ? AND mutation_id = ?",
    )
    .bind(client_id)
    .bind(id as i64)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, record, code, made_at, flag)) = row else {
        return Ok(None);
    };
    let held = record
        .filter(|_| status == "held")
        .and_then(|r| serde_json::from_str::<Mutation>(&r).ok());
    Ok(Some(match held {
        Some(m) => Ok(Held {
            m,
            code: code.unwrap_or_default(),
            made_at: made_at.unwrap_or_default(),
            flag: flag.as_deref().and_then(ClockFlag::parse),
        }),
        None => Err(Status::recorded(&status)),
    }))
}

/// Records how a held record came out.
async fn settle(
    tx: &mut Conn,
    client_id: &str,
    id: u64,
    outcome: &Result<(), Refusal>,
    signed_as: Option<String>,
    by: &str,
) -> ApiResult<MutationResult> {
    let (status, code, message, field) = match outcome {
        Ok(()) => (Status::Applied, None, None, None),
        Err(r) => (
            Status::Rejected,
            Some(r.code.to_string()),
            Some(r.message.clone()),
            r.field.map(str::to_string),
        ),
    };
    sqlx::query(
        "UPDATE sync_mutations SET status = ?, code = ?, message = ?, field = ?, held_record = NULL,
            signed_as = COALESCE(?, signed_as), decided_by = ?, decided_at = ?
         WHERE client_id = ? AND mutation_id = ?",
    )
    .bind(status.as_str())
    .bind(&code)
    .bind(&message)
    .bind(&field)
    .bind(signed_as)
    .bind(by)
    .bind(now_ms())
    .bind(client_id)
    .bind(id as i64)
    .execute(&mut *tx)
    .await?;
    Ok(MutationResult {
        id,
        status,
        original: None,
        code,
        message,
        field,
    })
}

#[derive(Deserialize)]
pub struct ResignRequest {
    pub client_id: String,
    /// Each held mutation of the signed-in person with a new proof.
    pub signed: Vec<(u64, Proof)>,
}

/// The author, signed in online on the phone again, signs their held records anew: each is
/// applied (or refused by its rules) at the time it was placed when it arrived. A record held
/// because its phone was revoked waits for a supervisor.
pub(super) async fn resign(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ResignRequest>,
) -> ApiResult<Json<Vec<MutationResult>>> {
    caller.require(Action::ViewSites)?;
    crate::devices::check_device(&state.db, &req.client_id, &headers, &caller).await?;
    if req.signed.len() > app::sync::LIMITS.batch {
        return Err(ApiError::TooLarge);
    }
    let locale = crate::http::locale_of(&headers);
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let (gen, disabled): (i64, bool) =
        sqlx::query_as("SELECT author_gen, disabled FROM people WHERE id = ?")
            .bind(&caller.id)
            .fetch_one(&mut *tx)
            .await?;
    let grants = Grants::of(&mut tx, &caller.id).await?;
    let mut out = Vec::new();
    for (id, proof) in &req.signed {
        let held = match load_held(&mut tx, &req.client_id, *id).await? {
            None => continue,
            Some(Err(status)) => {
                out.push(MutationResult {
                    id: *id,
                    status: Status::Duplicate,
                    original: Some(status),
                    code: None,
                    message: None,
                    field: None,
                });
                continue;
            }
            Some(Ok(h)) => h,
        };
        let mut m = held.m;
        m.proof = Some(proof.clone());
        let ok = m.author == caller.id
            && held.code != "device_revoked"
            && !disabled
            && proof.c == req.client_id
            && proof.n == *id
            && i64::from(proof.g) == gen
            && verify(
                &author_secret(&state.author_key[..], &caller.id, &proof.c, proof.g),
                &m,
                proof,
            );
        if !ok {
            out.push(MutationResult {
                id: *id,
                status: Status::Held,
                original: None,
                code: Some(held.code.clone()),
                message: Some(held_message(&held.code, locale)),
                field: None,
            });
            continue;
        }
        let outcome = run_as(
            &mut tx,
            &req.client_id,
            &m,
            &grants,
            held.made_at,
            held.flag,
            locale,
        )
        .await?;
        out.push(
            settle(
                &mut tx,
                &req.client_id,
                *id,
                &outcome,
                Some(proof.signed_as()),
                &caller.id,
            )
            .await?,
        );
    }
    tx.commit().await?;
    Ok(Json(out))
}

/// A held record as supervisors see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HeldRow {
    pub client_id: String,
    pub id: u64,
    pub name: String,
    pub author: String,
    pub author_name: String,
    pub device: String,
    pub code: String,
    pub made_at: i64,
}

/// May the caller decide records by `author`? An administrator any; a supervisor those of
/// people at one of their sites.
async fn may_decide(tx: &mut Conn, caller: &Caller, author: &str) -> ApiResult<bool> {
    caller.require(Action::ManageDevices)?;
    if caller.roles.contains(&Role::Admin) {
        return Ok(true);
    }
    let sites = Grants::of(tx, author).await?.sites;
    Ok(sites.iter().any(|s| caller.site_ids.contains(s)))
}

pub(super) async fn held_list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<HeldRow>>> {
    caller.require(Action::ManageDevices)?;
    type Row = (
        String,
        i64,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.client_id, m.mutation_id, m.name, m.author, COALESCE(p.display_name, ''),
            COALESCE(d.label, ''), m.code, m.made_at
         FROM sync_mutations m LEFT JOIN people p ON p.id = m.author
            LEFT JOIN devices d ON d.client_id = m.client_id
         WHERE m.status = 'held' ORDER BY m.made_at LIMIT 500",
    )
    .fetch_all(&state.db)
    .await?;
    let mut conn = state.db.acquire().await?;
    let mut out = Vec::new();
    for r in rows {
        if may_decide(&mut conn, &caller, &r.3).await? {
            out.push(HeldRow {
                client_id: r.0,
                id: r.1 as u64,
                name: r.2,
                author: r.3,
                author_name: r.4,
                device: r.5,
                code: r.6.unwrap_or_default(),
                made_at: r.7.unwrap_or_default(),
            });
        }
    }
    Ok(Json(out))
}

/// A supervisor accepts a held record (applied as its author's, by its own rules) or refuses
/// it (recorded as refused); either is in the audit log.
pub(super) async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((client_id, id, decision)): Path<(String, u64, String)>,
) -> ApiResult<Json<MutationResult>> {
    caller.require(Action::ManageDevices)?;
    let accept = match decision.as_str() {
        "accept" => true,
        "refuse" => false,
        _ => return Err(ApiError::NotFound(Key::ErrBadRequest)),
    };
    let locale = crate::http::locale_of(&headers);
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let held = match load_held(&mut tx, &client_id, id).await? {
        Some(Ok(h)) => h,
        _ => return Err(ApiError::NotFound(Key::ErrBadRequest)),
    };
    if !may_decide(&mut tx, &caller, &held.m.author).await? {
        return Err(ApiError::Forbidden(Key::ErrSiteForbidden));
    }
    let outcome = if accept {
        let grants = Grants::of(&mut tx, &held.m.author).await?;
        run_as(
            &mut tx,
            &client_id,
            &held.m,
            &grants,
            held.made_at,
            held.flag,
            locale,
        )
        .await?
    } else {
        Err(Refusal {
            code: "refused_by_supervisor",
            message: Key::HeldRefused.text(locale).to_string(),
            field: None,
        })
    };
    let signed_as = held.m.proof.as_ref().map(Proof::signed_as);
    let result = settle(&mut tx, &client_id, id, &outcome, signed_as, &caller.id).await?;
    crate::db::audit(
        &mut *tx,
        Some(&caller.id),
        if accept { "accept_held" } else { "refuse_held" },
        &format!("{client_id}/{id}"),
        &held.m.name,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(result))
}
