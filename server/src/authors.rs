//! Proven authors (the rules are in `app::proof`): the server's key, the secret a person takes
//! on a phone at an online sign-in, the check every pushed record passes, records held until
//! their author signs them again or a supervisor decides, and the phones page.

use crate::auth::Caller;
use crate::db::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::records::{Ctx, Refusal, Reject};
use crate::web::ApiJson;
use crate::AppState;
use app::i18n::{Key, Locale};
use app::model::{Action, Role};
use app::proof::{author_secret, verify, Proof};
use app::sync::{ClockFlag, Mutation, MutationResult, Status};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use std::path::Path as FsPath;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/sync/v1/author-key", post(author_key))
        .route("/api/sync/v1/resign", post(resign))
        .route("/api/v1/held", get(held_list))
        .route("/api/v1/held/{client_id}/{id}/{decision}", post(decide))
}

/// Reads the author key, or creates it (32 random bytes, hex, readable by the owner only).
pub fn load_or_create_key(path: &FsPath) -> anyhow::Result<[u8; 32]> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let bytes = hex::decode(text.trim())
            .map_err(|_| anyhow::anyhow!("{} is not a hex key", path.display()))?;
        return bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("{} must hold 32 bytes", path.display()));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let key: [u8; 32] = rand::random();
    let tmp = path.with_extension("key.tmp");
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let _ = std::fs::remove_file(&tmp);
        let mut f = opts.open(&tmp)?;
        f.write_all(hex::encode(key).as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    Ok(key)
}

/// May this person be remembered on a phone for an offline sign-in? Not administrators: their
/// work needs the server anyway, and a phone that opens for them is worth stealing.
pub fn rememberable(roles: &[Role]) -> bool {
    !roles.contains(&Role::Admin)
}

#[derive(Deserialize)]
pub struct KeyRequest {
    pub client_id: String,
}

#[derive(Serialize, Deserialize)]
pub struct AuthorKey {
    /// Hex: the per-(person, phone) secret records are signed with.
    pub secret: String,
    pub generation: u32,
    /// Whether the phone may keep it (wrapped) for an offline sign-in.
    pub remember: bool,
}

/// The signed-in person's secret on this phone. Only an enrolled, unrevoked phone gets one,
/// and only for the session signed in on it (the session is tied to the phone from now on).
async fn author_key(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<KeyRequest>,
) -> ApiResult<Json<AuthorKey>> {
    caller.require(Action::ViewSites)?;
    crate::sync::check_device(&state.db, &req.client_id, &headers, &caller).await?;
    let g: i64 = sqlx::query_scalar("SELECT author_gen FROM people WHERE id = ?")
        .bind(&caller.id)
        .fetch_one(&state.db)
        .await?;
    let g = g as u32;
    let secret = author_secret(&state.author_key[..], &caller.id, &req.client_id, g);
    Ok(Json(AuthorKey {
        secret: hex::encode(secret),
        generation: g,
        remember: rememberable(&caller.roles),
    }))
}

/// What the proof of a pushed record says.
pub enum Verdict {
    /// Proven: apply it (as its author).
    Proven,
    /// Proven with a secret since voided, or not signed at all: recorded, not applied.
    Hold(&'static str),
    /// Not made by its author: refused, and recorded as refused.
    Refuse,
}

/// What a batch's proofs are judged against, read once per person and per phone in a batch.
#[derive(Default)]
pub struct Seen {
    people: std::collections::HashMap<String, Option<(i64, bool)>>,
    revoked: std::collections::HashMap<String, bool>,
}

impl Seen {
    /// A person's generation and whether they are disabled (`None`: no such person).
    async fn person(
        &mut self,
        tx: &mut SqliteConnection,
        id: &str,
    ) -> ApiResult<Option<(i64, bool)>> {
        if let Some(v) = self.people.get(id) {
            return Ok(*v);
        }
        let v: Option<(i64, bool)> =
            sqlx::query_as("SELECT author_gen, disabled FROM people WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        self.people.insert(id.to_string(), v);
        Ok(v)
    }

    async fn revoked(&mut self, tx: &mut SqliteConnection, client_id: &str) -> ApiResult<bool> {
        if let Some(v) = self.revoked.get(client_id) {
            return Ok(*v);
        }
        let at: Option<Option<i64>> =
            sqlx::query_scalar("SELECT revoked_at FROM devices WHERE client_id = ?")
                .bind(client_id)
                .fetch_optional(&mut *tx)
                .await?;
        let v = matches!(at, Some(Some(_)));
        self.revoked.insert(client_id.to_string(), v);
        Ok(v)
    }
}

/// Judges `m`'s proof as sent by `client_id`. A proof binds the record to where it was signed:
/// this client at this id, or an earlier enrolment of this phone it says it replays.
pub async fn judge(
    tx: &mut SqliteConnection,
    seen: &mut Seen,
    key: &[u8; 32],
    client_id: &str,
    m: &Mutation,
) -> ApiResult<Verdict> {
    let Some(p) = &m.proof else {
        return Ok(Verdict::Hold("unsigned"));
    };
    let bound = (p.c == client_id && p.n == m.id) || m.replay_of.contains(&p.signed_as());
    let Some((gen, disabled)) = seen.person(tx, &m.author).await? else {
        return Ok(Verdict::Refuse);
    };
    if !bound || i64::from(p.g) > gen || !verify(&author_secret(key, &m.author, &p.c, p.g), m, p) {
        return Ok(Verdict::Refuse);
    }
    if seen.revoked(tx, &p.c).await? {
        return Ok(Verdict::Hold("device_revoked"));
    }
    if i64::from(p.g) < gen || disabled {
        return Ok(Verdict::Hold("secret_void"));
    }
    Ok(Verdict::Proven)
}

/// What a held record's code tells its author.
pub fn held_message(code: &str, locale: Locale) -> String {
    app::sync::held_reason(code).text(locale).to_string()
}

/// Runs `m`'s handler as a person with `roles` at `sites`, placed at `at`.
#[allow(clippy::too_many_arguments)]
pub async fn run_as(
    tx: &mut SqliteConnection,
    client_id: &str,
    m: &Mutation,
    roles: &[Role],
    sites: &[String],
    at: i64,
    flag: Option<ClockFlag>,
    locale: Locale,
) -> ApiResult<Result<(), Refusal>> {
    let mut cx = Ctx {
        tx,
        client_id,
        m,
        roles,
        sites,
        now: now_ms(),
        at,
        clock_flag: flag,
        locale,
    };
    match crate::records::run(&mut cx).await {
        Ok(()) => Ok(Ok(())),
        Err(Reject::Refused(r)) => Ok(Err(r)),
        Err(Reject::Failed(e)) => Err(e),
    }
}

/// A person's roles and sites, also when their account is disabled (a supervisor accepting a
/// held record vouches for it; the record's own rules still apply).
pub async fn grants(
    tx: &mut SqliteConnection,
    person: &str,
) -> ApiResult<(Vec<Role>, Vec<String>)> {
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

/// A held record, as the server keeps it.
struct Held {
    m: Mutation,
    code: String,
    made_at: i64,
    flag: Option<ClockFlag>,
}

async fn load_held(
    tx: &mut SqliteConnection,
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
    tx: &mut SqliteConnection,
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
async fn resign(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ResignRequest>,
) -> ApiResult<Json<Vec<MutationResult>>> {
    caller.require(Action::ViewSites)?;
    crate::sync::check_device(&state.db, &req.client_id, &headers, &caller).await?;
    if req.signed.len() > app::sync::LIMITS.batch {
        return Err(ApiError::TooLarge);
    }
    let locale = crate::auth::locale_of(&headers);
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    let (gen, disabled): (i64, bool) =
        sqlx::query_as("SELECT author_gen, disabled FROM people WHERE id = ?")
            .bind(&caller.id)
            .fetch_one(&mut *tx)
            .await?;
    let (roles, sites) = grants(&mut tx, &caller.id).await?;
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
            &roles,
            &sites,
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
async fn may_decide(tx: &mut SqliteConnection, caller: &Caller, author: &str) -> ApiResult<bool> {
    caller.require(Action::ManageDevices)?;
    if caller.roles.contains(&Role::Admin) {
        return Ok(true);
    }
    let (_, sites) = grants(tx, author).await?;
    Ok(sites.iter().any(|s| caller.site_ids.contains(s)))
}

async fn held_list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<HeldRow>>> {
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
async fn decide(
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
    let locale = crate::auth::locale_of(&headers);
    let mut tx = state.db.begin_with("BEGIN IMMEDIATE").await?;
    let held = match load_held(&mut tx, &client_id, id).await? {
        Some(Ok(h)) => h,
        _ => return Err(ApiError::NotFound(Key::ErrBadRequest)),
    };
    if !may_decide(&mut tx, &caller, &held.m.author).await? {
        return Err(ApiError::Forbidden(Key::ErrSiteForbidden));
    }
    let outcome = if accept {
        let (roles, sites) = grants(&mut tx, &held.m.author).await?;
        run_as(
            &mut tx,
            &client_id,
            &held.m,
            &roles,
            &sites,
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

/// One enrolled phone, for the phones page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DeviceRow {
    pub client_id: String,
    pub label: String,
    pub enrolled_at: i64,
    pub enrolled_by: String,
    pub revoked_at: Option<i64>,
    /// The server's time of its last push or pull.
    pub last_contact: Option<i64>,
    /// Who used it (display names, most recent sign-ins first).
    pub people: Vec<String>,
    /// Records it had made that the server had not yet received, as it said at its last
    /// contact.
    pub waiting: u64,
    pub held: u64,
    pub sessions: u64,
}

/// `GET /api/v1/devices`: every phone, for finding a lost one.
pub async fn devices(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<DeviceRow>>> {
    caller.require(Action::ManageDevices)?;
    type Row = (
        String,
        String,
        i64,
        String,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.client_id, d.label, d.enrolled_at, COALESCE(p.display_name, ''), d.revoked_at,
            c.last_seen, COALESCE(c.contact_made_up_to, 0), COALESCE(c.last_mutation_id, 0),
            (SELECT COUNT(*) FROM sync_mutations m WHERE m.client_id = d.client_id AND m.status = 'held'),
            (SELECT COUNT(*) FROM sessions s WHERE s.client_id = d.client_id AND s.expires_at > ?)
         FROM devices d LEFT JOIN people p ON p.id = d.enrolled_by
            LEFT JOIN sync_clients c ON c.client_id = d.client_id
         ORDER BY d.revoked_at IS NOT NULL, COALESCE(c.last_seen, d.enrolled_at) DESC",
    )
    .bind(now_ms())
    .fetch_all(&state.db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let people: Vec<String> = sqlx::query_scalar(
            "SELECT p.display_name FROM device_people dp JOIN people p ON p.id = dp.person_id
             WHERE dp.client_id = ? ORDER BY p.display_name LIMIT 20",
        )
        .bind(&r.0)
        .fetch_all(&state.db)
        .await?;
        out.push(DeviceRow {
            client_id: r.0,
            label: r.1,
            enrolled_at: r.2,
            enrolled_by: r.3,
            revoked_at: r.4,
            last_contact: r.5,
            people,
            waiting: (r.6 - r.7).max(0) as u64,
            held: r.8 as u64,
            sessions: r.9 as u64,
        });
    }
    Ok(Json(out))
}
