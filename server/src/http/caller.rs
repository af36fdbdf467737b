//! Who is calling: the `Caller` extractor every handler starts from (the session cookie's
//! person, with their roles and sites as the database says now), and the one query of a
//! person's grants that the sync context uses too.

use crate::db::{now_ms, Db};
use crate::http::{ApiError, ApiResult};
use crate::AppState;
use app::i18n::Key;
use app::model::{roles_allow, Action, Me, Role};
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderMap};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "gp_session";

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
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

/// Marks a request that came over the server's own TLS (set by `crate::tls::serve`).
#[derive(Clone, Copy, Debug)]
pub struct OverTls;

/// Did this request come over HTTPS: the server's own TLS, a trusted proxy that says
/// `X-Forwarded-Proto: https` (a client writing it itself is not believed), or the deployment
/// saying so (`GUARDPOST_SECURE_COOKIES`, behind a proxy it did not list)?
pub fn is_https(
    settings: &crate::config::Settings,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
) -> bool {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    came_over_https(
        settings,
        headers,
        peer,
        extensions.get::<OverTls>().is_some(),
    )
}

/// [`is_https`] from the peer's address and whether the server's own TLS carried it.
pub fn came_over_https(
    settings: &crate::config::Settings,
    headers: &HeaderMap,
    peer: Option<std::net::IpAddr>,
    over_tls: bool,
) -> bool {
    if settings.secure_cookies || over_tls {
        return true;
    }
    peer.is_some_and(|p| settings.trusted_proxies.contains(&p))
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
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
    /// Where someone with `roles` at `sites` may do `action`, if anywhere: an administrator's
    /// own actions everywhere, every other at their sites.
    pub fn of(roles: &[Role], sites: &[String], action: Action) -> Option<SiteScope> {
        if !roles_allow(roles, action) {
            None
        } else if roles.contains(&Role::Admin) && roles_allow(&[Role::Admin], action) {
            Some(SiteScope::All)
        } else {
            Some(SiteScope::Only(sites.to_vec()))
        }
    }

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
        SiteScope::of(&self.roles, &self.site_ids, action)
            .ok_or(ApiError::Forbidden(Key::ErrForbidden))
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

/// Gives a page's renderer the person the request's session names ([`app::PagePerson`]), so the
/// home draws their tasks in its HTML. Not for the worker's copies of the pages meant for
/// whoever signs in on the phone (they send [`app::ANONYMOUS_PAGE`]), and never for the API.
pub async fn page_person(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let page = req.method() == axum::http::Method::GET
        && app::PAGES.contains(&req.uri().path())
        && !req.headers().contains_key(app::ANONYMOUS_PAGE);
    if page {
        if let Some(token) = cookie(req.headers(), SESSION_COOKIE) {
            // A database that cannot answer draws the page for nobody, as before sign-in.
            if let Ok(Some(caller)) = load_caller(&state.db, &token_hash(token)).await {
                req.extensions_mut().insert(app::PagePerson(caller.me()));
            }
        }
    }
    next.run(req).await
}

pub(crate) async fn load_caller(db: &Db, hash: &str) -> ApiResult<Option<Caller>> {
    let now = now_ms();
    let row: Option<(String, String, String, bool, i64)> = sqlx::query_as(
        "SELECT p.id, p.login, p.display_name, p.must_change_password, s.last_seen_at
         FROM sessions s JOIN people p ON p.id = s.person_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND p.disabled = FALSE",
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
    let Grants {
        roles,
        sites: site_ids,
    } = Grants::of(&mut *db.acquire().await?, &id).await?;
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

/// What a person may do, and where: their roles and sites as the database says now. The REST
/// caller and the sync context (a record's author, checked as of the push) both read it here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grants {
    /// Sorted.
    pub roles: Vec<Role>,
    /// In the court's order.
    pub sites: Vec<String>,
}

impl Grants {
    /// The grants of `person`, whatever the state of their account.
    pub async fn of(conn: &mut crate::db::Conn, person: &str) -> ApiResult<Grants> {
        let role_names: Vec<String> =
            sqlx::query_scalar("SELECT role FROM person_roles WHERE person_id = ? ORDER BY role")
                .bind(person)
                .fetch_all(&mut *conn)
                .await?;
        let mut roles: Vec<Role> = role_names.iter().filter_map(|r| Role::parse(r)).collect();
        roles.sort();
        let sites: Vec<String> = sqlx::query_scalar(
            "SELECT ps.site_id FROM person_sites ps JOIN sites s ON s.id = ps.site_id
             WHERE ps.person_id = ? ORDER BY s.sort",
        )
        .bind(person)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Grants { roles, sites })
    }

    /// The grants of `person`; none for a disabled or unknown account.
    pub async fn of_active(conn: &mut crate::db::Conn, person: &str) -> ApiResult<Grants> {
        let disabled: Option<bool> = sqlx::query_scalar("SELECT disabled FROM people WHERE id = ?")
            .bind(person)
            .fetch_optional(&mut *conn)
            .await?;
        if disabled != Some(false) {
            return Ok(Grants::default());
        }
        Grants::of(conn, person).await
    }
}
