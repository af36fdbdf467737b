//! Proven authors (the rules are in `app::proof`): the server's key, the secret a person takes
//! on a phone at an online sign-in, and the check every pushed record passes.

use crate::db::now_ms;
use crate::db::Conn;
use crate::http::caller::Grants;
use crate::http::{ApiJson, ApiResult, Caller};
use crate::records::{Ctx, Refusal, Reject};
use crate::AppState;
use app::i18n::Locale;
use app::model::{Action, Role};
use app::proof::{author_secret, verify};
use app::sync::{ClockFlag, Mutation};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::path::Path as FsPath;

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
pub(super) async fn author_key(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<KeyRequest>,
) -> ApiResult<Json<AuthorKey>> {
    caller.require(Action::ViewSites)?;
    crate::devices::check_device(&state.db, &req.client_id, &headers, &caller).await?;
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
    async fn person(&mut self, tx: &mut Conn, id: &str) -> ApiResult<Option<(i64, bool)>> {
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

    async fn revoked(&mut self, tx: &mut Conn, client_id: &str) -> ApiResult<bool> {
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
    tx: &mut Conn,
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
    tx: &mut Conn,
    client_id: &str,
    m: &Mutation,
    grants: &Grants,
    at: i64,
    flag: Option<ClockFlag>,
    locale: Locale,
) -> ApiResult<Result<(), Refusal>> {
    let mut cx = Ctx {
        tx,
        client_id,
        m,
        grants,
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
