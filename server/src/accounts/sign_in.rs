//! Signing in and out: rate-limited per account, per address and per enrolled phone (a
//! failure is noted before the password is checked), sessions as random tokens in an
//! HttpOnly cookie (only their hash stored); a person's own password change.

use super::password::{hash_password_blocking, verify_password_blocking, HASHING_WAIT_MS};
use crate::db::{self, now_ms, Db};
use crate::http::caller::{cookie, load_caller, token_hash, SESSION_COOKIE};
use crate::http::{ApiError, ApiResult, Caller};
use crate::AppState;
use app::i18n::Key;
use app::model::{ChangePasswordRequest, Me, SignInRequest};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/sign-in", post(sign_in))
        .route("/api/v1/auth/sign-out", post(sign_out))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", post(change_password))
}

/// Failed sign-ins for one account within [`FAILURE_WINDOW_MS`] before it is locked for the rest
/// of the window.
pub const MAX_FAILURES_PER_LOGIN: i64 = 5;
/// Failed sign-ins from one address (any accounts) within the window.
pub const MAX_FAILURES_PER_IP: i64 = 30;
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed sign-ins through one enrolled phone within the window (any accounts). A phone's
/// failures are its own: they never lock the court's other phones, nor an account elsewhere.
pub const MAX_FAILURES_PER_DEVICE: i64 = 30;

fn new_token() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::thread_rng().gen();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether the session cookie is marked `Secure`.
fn is_https(state: &AppState, headers: &HeaderMap, peer: SocketAddr, tls: bool) -> bool {
    crate::http::caller::came_over_https(&state.settings, headers, Some(peer.ip()), tls)
}

fn session_cookie(value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("gp_session=; Path=/; Max-Age=0"))
}

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
    let mut tx = crate::db::dialect::begin_write(db).await?;
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
            .get(crate::devices::DEVICE_KEY_HEADER)
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
    tls: Option<axum::Extension<crate::http::caller::OverTls>>,
    headers: HeaderMap,
    crate::http::ApiJson(req): crate::http::ApiJson<SignInRequest>,
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
        session_cookie(
            &token,
            max_age,
            is_https(&state, &headers, peer, tls.is_some()),
        ),
    );
    Ok(res)
}

async fn sign_out(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    tls: Option<axum::Extension<crate::http::caller::OverTls>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash(token))
            .execute(&state.db)
            .await?;
    }
    let mut res = Json(serde_json::json!({"signed_out": true})).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie("", 0, is_https(&state, &headers, peer, tls.is_some())),
    );
    Ok(res)
}

async fn me(caller: Caller) -> Json<Me> {
    Json(caller.me())
}

async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    crate::http::ApiJson(req): crate::http::ApiJson<ChangePasswordRequest>,
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
    let mut tx = crate::db::dialect::begin_write(db).await?;
    sqlx::query("UPDATE people SET password_hash = ?, must_change_password = FALSE, updated_at = ?, author_gen = author_gen + 1 WHERE id = ?")
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
