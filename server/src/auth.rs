//! Who is calling: passwords (argon2id), sessions (random token in an HttpOnly cookie, only its
//! hash stored), rate-limited sign-in, and the `Caller` extractor every handler starts from.

use crate::db::{self, now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use app::i18n::{Key, Locale};
use app::model::{roles_allow, Action, ChangePasswordRequest, Me, Role, SignInRequest};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "gp_session";
/// Failed sign-ins for one account within [`FAILURE_WINDOW_MS`] before it is locked for the rest
/// of the window.
pub const MAX_FAILURES_PER_LOGIN: i64 = 5;
/// Failed sign-ins from one address (any accounts) within the window.
pub const MAX_FAILURES_PER_IP: i64 = 30;
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed sign-ins through one enrolled phone within the window (any accounts). A phone's
/// failures are its own: they never lock the court's other phones, nor an account elsewhere.
pub const MAX_FAILURES_PER_DEVICE: i64 = 30;
/// Password checks at once (argon2 takes 19 MiB and tens of milliseconds of CPU each); more
/// wait their turn, for at most [`HASHING_WAIT_MS`].
pub const HASHING_AT_ONCE: usize = 4;
pub const HASHING_WAIT_MS: u64 = 10_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/sign-in", post(sign_in))
        .route("/api/v1/auth/sign-out", post(sign_out))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", post(change_password))
}

// ---- passwords ----

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashing takes tens of milliseconds of CPU: keep it off the async workers.
pub async fn hash_password_blocking(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)
}

async fn verify_password_blocking(password: String, hash: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}

/// A password to hand over once: 12 characters without look-alikes (no 0/o, 1/l/i).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

// ---- sessions ----

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::thread_rng().gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn locale_of(headers: &HeaderMap) -> Locale {
    cookie(headers, app::i18n::LANG_COOKIE)
        .map(Locale::from_cookie_value)
        .unwrap_or_default()
}

fn is_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.settings.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn session_cookie(value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("gp_session=; Path=/; Max-Age=0"))
}

/// The signed-in person making a request, as the database says now (roles and sites are read
/// on every request, so a change by an administrator applies at once).
#[derive(Clone, Debug)]
pub struct Caller {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub site_ids: Vec<String>,
    pub must_change_password: bool,
    pub token_hash: String,
}

/// Which sites a caller may see for an action.
#[derive(Clone, Debug, PartialEq)]
pub enum SiteScope {
    All,
    Only(Vec<String>),
}

impl SiteScope {
    pub fn contains(&self, site_id: &str) -> bool {
        match self {
            SiteScope::All => true,
            SiteScope::Only(ids) => ids.iter().any(|s| s == site_id),
        }
    }
}

impl Caller {
    /// Do the caller's roles allow `action` (somewhere)?
    pub fn can(&self, action: Action) -> bool {
        !self.must_change_password && roles_allow(&self.roles, action)
    }

    pub fn me(&self) -> Me {
        Me {
            id: self.id.clone(),
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            roles: self.roles.clone(),
            site_ids: self.site_ids.clone(),
            must_change_password: self.must_change_password,
        }
    }

    /// May this caller do `action` at all? Someone who still has to change a first password may
    /// do nothing else.
    pub fn require(&self, action: Action) -> ApiResult<()> {
        if self.must_change_password {
            return Err(ApiError::Forbidden(Key::ErrPasswordChangeRequired));
        }
        if !roles_allow(&self.roles, action) {
            return Err(ApiError::Forbidden(Key::ErrForbidden));
        }
        Ok(())
    }

    /// The sites where the caller may do `action`: all for an administrator, else their own.
    pub fn scope(&self, action: Action) -> ApiResult<SiteScope> {
        self.require(action)?;
        if self.roles.contains(&Role::Admin) && roles_allow(&[Role::Admin], action) {
            Ok(SiteScope::All)
        } else {
            Ok(SiteScope::Only(self.site_ids.clone()))
        }
    }

    /// May the caller do `action` at `site_id`?
    pub fn require_site(&self, action: Action, site_id: &str) -> ApiResult<()> {
        if self.scope(action)?.contains(site_id) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(Key::ErrSiteForbidden))
        }
    }

    /// Any one of `actions` allows the caller at `site_id`; otherwise the last refusal.
    pub fn require_site_any(&self, actions: &[Action], site_id: &str) -> ApiResult<()> {
        let mut allowed = Err(ApiError::Forbidden(Key::ErrForbidden));
        for a in actions {
            allowed = self.require_site(*a, site_id);
            if allowed.is_ok() {
                break;
            }
        }
        allowed
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(ApiError::Unauthorized)?;
        load_caller(&state.db, &token_hash(token))
            .await?
            .ok_or(ApiError::Unauthorized)
    }
}

async fn load_caller(db: &Db, hash: &str) -> ApiResult<Option<Caller>> {
    let now = now_ms();
    let row: Option<(String, String, String, bool, i64)> = sqlx::query_as(
        "SELECT p.id, p.login, p.display_name, p.must_change_password, s.last_seen_at
         FROM sessions s JOIN people p ON p.id = s.person_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND p.disabled = 0",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(db)
    .await?;
    let Some((id, login, display_name, must_change_password, last_seen)) = row else {
        return Ok(None);
    };
    // Note activity at most once a minute, not on every request.
    if now - last_seen > 60_000 {
        sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(hash)
            .execute(db)
            .await?;
    }
    let (roles, site_ids) = roles_and_sites(db, &id).await?;
    Ok(Some(Caller {
        id,
        login,
        display_name,
        roles,
        site_ids,
        must_change_password,
        token_hash: hash.to_string(),
    }))
}

pub async fn roles_and_sites(db: &Db, person_id: &str) -> ApiResult<(Vec<Role>, Vec<String>)> {
    let role_names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM person_roles WHERE person_id = ? ORDER BY role")
            .bind(person_id)
            .fetch_all(db)
            .await?;
    let mut roles: Vec<Role> = role_names.iter().filter_map(|r| Role::parse(r)).collect();
    roles.sort();
    let site_ids: Vec<String> = sqlx::query_scalar(
        "SELECT ps.site_id FROM person_sites ps JOIN sites s ON s.id = ps.site_id
         WHERE ps.person_id = ? ORDER BY s.sort",
    )
    .bind(person_id)
    .fetch_all(db)
    .await?;
    Ok((roles, site_ids))
}

// ---- sign-in ----

/// Where a sign-in comes from: an enrolled phone (its failures are counted for it), or an
/// address (the TCP peer, or what a trusted proxy says the client is).
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    Device(String),
    Address(String),
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy, then the last
/// address in `X-Forwarded-For` that is not one (what a client writes there itself comes
/// first and is never believed).
pub fn client_ip(
    trusted: &[std::net::IpAddr],
    peer: std::net::IpAddr,
    headers: &HeaderMap,
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// In one write transaction: refuses while the account (from this origin) or the origin has
/// too many recent failures, else notes this attempt as a failure before the password is
/// checked (removed again if it is right). Parallel wrong guesses each take a place: none is
/// checked past the limit. Returns the noted attempt's row.
async fn reserve_attempt(db: &Db, login: &str, origin: &Origin, now: i64) -> ApiResult<i64> {
    let since = now - FAILURE_WINDOW_MS;
    let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
    let (by_login, by_origin) = match origin {
        Origin::Device(d) => {
            let a: (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE login = ? AND device = ? AND at > ?",
            )
            .bind(login)
            .bind(d)
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
            let b: (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE device = ? AND at > ?",
            )
            .bind(d)
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
            (a, (b.0, b.1, MAX_FAILURES_PER_DEVICE))
        }
        Origin::Address(ip) => {
            let a: (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE login = ? AND device IS NULL AND at > ?",
            )
            .bind(login)
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
            let b: (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE ip = ? AND device IS NULL AND at > ?",
            )
            .bind(ip)
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
            (a, (b.0, b.1, MAX_FAILURES_PER_IP))
        }
    };
    let blocked_since = if by_login.0 >= MAX_FAILURES_PER_LOGIN {
        by_login.1
    } else if by_origin.0 >= by_origin.2 {
        by_origin.1
    } else {
        None
    };
    if let Some(oldest) = blocked_since {
        let retry_ms = (oldest + FAILURE_WINDOW_MS - now).max(1000);
        return Err(ApiError::RateLimited {
            retry_after_secs: (retry_ms as u64).div_ceil(1000),
        });
    }
    let (ip, device) = match origin {
        Origin::Device(d) => ("", Some(d.as_str())),
        Origin::Address(ip) => (ip.as_str(), None),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sign_in_failures (login, ip, device, at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(login)
    .bind(ip)
    .bind(device)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The enrolled, unrevoked phone a sign-in says it comes from (its key in the device header).
async fn signing_device(
    db: &Db,
    client_id: Option<&str>,
    headers: &HeaderMap,
) -> ApiResult<Option<String>> {
    let (Some(client_id), Some(key)) = (
        client_id,
        headers
            .get(crate::sync::DEVICE_KEY_HEADER)
            .and_then(|v| v.to_str().ok()),
    ) else {
        return Ok(None);
    };
    let hash: Option<String> = sqlx::query_scalar(
        "SELECT key_hash FROM devices WHERE client_id = ? AND revoked_at IS NULL",
    )
    .bind(client_id)
    .fetch_optional(db)
    .await?;
    Ok(hash
        .filter(|h| *h == hex::encode(Sha256::digest(key.as_bytes())))
        .map(|_| client_id.to_string()))
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    crate::web::ApiJson(req): crate::web::ApiJson<SignInRequest>,
) -> ApiResult<Response> {
    let db = &state.db;
    let login = req.login.trim().to_lowercase();
    if login.is_empty() || login.len() > 64 || req.password.is_empty() || req.password.len() > 256 {
        return Err(ApiError::WrongPassword);
    }
    let now = now_ms();
    let origin = match signing_device(db, req.client_id.as_deref(), &headers).await? {
        Some(d) => Origin::Device(d),
        None => Origin::Address(
            client_ip(&state.settings.trusted_proxies, peer.ip(), &headers).to_string(),
        ),
    };
    let attempt = reserve_attempt(db, &login, &origin, now).await?;

    let row: Option<(String, String, bool)> =
        sqlx::query_as("SELECT id, password_hash, disabled FROM people WHERE login = ?")
            .bind(&login)
            .fetch_optional(db)
            .await?;
    // Unknown accounts cost the same hashing time as known ones.
    let hash = row
        .as_ref()
        .map(|r| r.1.clone())
        .unwrap_or_else(|| state.dummy_hash.clone());
    // At most a few checks at once: a flood of sign-ins waits (then is told to retry)
    // instead of taking the machine's memory.
    let permit = tokio::time::timeout(
        std::time::Duration::from_millis(HASHING_WAIT_MS),
        state.hashing.clone().acquire_owned(),
    )
    .await
    .map_err(|_| ApiError::RateLimited {
        retry_after_secs: 5,
    })?
    .map_err(|e| ApiError::Internal(e.into()))?;
    let ok = verify_password_blocking(req.password, hash).await? && row.is_some();
    drop(permit);
    let Some((person_id, _, disabled)) = row.filter(|_| ok) else {
        // The attempt stays noted as a failure. (What was typed as the login is not logged:
        // people type passwords there.)
        tracing::info!("sign-in failed");
        return Err(ApiError::WrongPassword);
    };
    if disabled {
        return Err(ApiError::Forbidden(Key::ErrAccountDisabled));
    }
    // A success clears the failures from where it came only: someone locking the account
    // from elsewhere gets no fresh guesses from it.
    let device = match &origin {
        Origin::Device(d) => Some(d.as_str()),
        Origin::Address(_) => None,
    };
    sqlx::query("DELETE FROM sign_in_failures WHERE id = ? OR (login = ? AND device IS ?)")
        .bind(attempt)
        .bind(&login)
        .bind(device)
        .execute(db)
        .await?;
    let token = new_token();
    let max_age = state.settings.session_days * 86_400;
    sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash(&token))
    .bind(&person_id)
    .bind(now)
    .bind(now + max_age * 1000)
    .bind(now)
    .execute(db)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
        .bind(now)
        .execute(db)
        .await?;
    db::audit(db, Some(&person_id), "sign_in", &person_id, "").await?;
    tracing::info!(person = %person_id, "signed in");

    let caller = load_caller(db, &token_hash(&token))
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let mut res = Json(caller.me()).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&token, max_age, is_https(&state, &headers)),
    );
    Ok(res)
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash(token))
            .execute(&state.db)
            .await?;
    }
    let mut res = Json(serde_json::json!({"signed_out": true})).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie("", 0, is_https(&state, &headers)),
    );
    Ok(res)
}

async fn me(caller: Caller) -> Json<Me> {
    Json(caller.me())
}

async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    crate::web::ApiJson(req): crate::web::ApiJson<ChangePasswordRequest>,
) -> ApiResult<Json<Me>> {
    let db = &state.db;
    app::model::validate_new_password(&caller.login, &req.new_password)
        .map_err(|k| ApiError::bad(k, "new_password"))?;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM people WHERE id = ?")
        .bind(&caller.id)
        .fetch_one(db)
        .await?;
    if !verify_password_blocking(req.current_password.clone(), hash).await? {
        return Err(ApiError::bad(Key::ErrCurrentPassword, "current_password"));
    }
    if req.current_password == req.new_password {
        return Err(ApiError::bad(Key::ErrPasswordSame, "new_password"));
    }
    let new_hash = hash_password_blocking(req.new_password).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE people SET password_hash = ?, must_change_password = 0, updated_at = ?, author_gen = author_gen + 1 WHERE id = ?")
        .bind(&new_hash)
        .bind(now_ms())
        .bind(&caller.id)
        .execute(&mut *tx)
        .await?;
    // Other sessions of this person end: a changed password locks out whoever knew the old one.
    sqlx::query("DELETE FROM sessions WHERE person_id = ? AND token_hash <> ?")
        .bind(&caller.id)
        .bind(&caller.token_hash)
        .execute(&mut *tx)
        .await?;
    db::audit(
        &mut *tx,
        Some(&caller.id),
        "change_password",
        &caller.id,
        "",
    )
    .await?;
    tx.commit().await?;
    let mut me = caller.me();
    me.must_change_password = false;
    Ok(Json(me))
}

/// Creates the first administrator when no active one exists, with a random one-time password
/// that must be changed at first sign-in. Returns `(login, password)` when it created one.
pub async fn bootstrap_admin(db: &Db) -> anyhow::Result<Option<(String, String)>> {
    let admins: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM people p JOIN person_roles r ON r.person_id = p.id
         WHERE r.role = 'admin' AND p.disabled = 0",
    )
    .fetch_one(db)
    .await?;
    if admins > 0 {
        return Ok(None);
    }
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE login = 'admin'")
        .fetch_one(db)
        .await?;
    let login = if taken == 0 {
        "admin".to_string()
    } else {
        format!("admin-{}", &db::new_id()[..8])
    };
    let password = one_time_password();
    let hash = hash_password(&password)?;
    let id = db::new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO people (id, login, display_name, password_hash, must_change_password, disabled, created_at, updated_at)
         VALUES (?, ?, '系统管理员', ?, 1, 0, ?, ?)",
    )
    .bind(&id)
    .bind(&login)
    .bind(&hash)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO person_roles (person_id, role) VALUES (?, 'admin')")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    db::audit(&mut *tx, None, "bootstrap_admin", &id, "").await?;
    tx.commit().await?;
    Ok(Some((login, password)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("长城长城长城长城长城").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("长城长城长城长城长城", &h));
        assert!(!verify_password("长城长城长城长城长", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn one_time_passwords_are_long_and_unambiguous() {
        let a = one_time_password();
        assert_eq!(a.len(), 12);
        assert!(!a.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(a, one_time_password());
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; gp_session=tok; gp_lang=en"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(locale_of(&h), Locale::En);
        assert_eq!(cookie(&h, "gp"), None);
    }

    #[test]
    fn site_scope() {
        let c = Caller {
            id: "p".into(),
            login: "g".into(),
            display_name: "G".into(),
            roles: vec![Role::Guard],
            site_ids: vec!["s1".into()],
            must_change_password: false,
            token_hash: String::new(),
        };
        assert!(c.require_site(Action::ViewSites, "s1").is_ok());
        assert!(matches!(
            c.require_site(Action::ViewSites, "s2"),
            Err(ApiError::Forbidden(Key::ErrSiteForbidden))
        ));
        assert!(c.require(Action::ManagePeople).is_err());
        let fresh = Caller {
            must_change_password: true,
            ..c
        };
        assert!(matches!(
            fresh.require(Action::ViewSites),
            Err(ApiError::Forbidden(Key::ErrPasswordChangeRequired))
        ));
    }
}
