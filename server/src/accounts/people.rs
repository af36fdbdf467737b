//! People and accounts: administrators create people, set their roles and sites, reset
//! passwords and disable accounts; supervisors and team leaders may read the list of their sites.

use crate::accounts::password::{hash_password_blocking, one_time_password};
use crate::db::{self, now_ms, Db};
use crate::http::error::{ApiError, ApiResult};
use crate::http::ApiJson;
use crate::http::{Caller, SiteScope};
use crate::AppState;
use app::i18n::Key;
use app::model::{
    check_certificates, validate_display_name, validate_login, Action, CertKind, Certificate,
    NewPerson, OneTimePassword, PersonUpdate, PersonView, Role,
};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post, put};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/people", get(list).post(create))
        .route("/api/v1/people/{id}", put(update))
        .route("/api/v1/people/{id}/reset-password", post(reset_password))
        .route("/api/v1/fire-operators", get(fire_operators))
}

async fn write_certificates(
    tx: &mut crate::db::Conn,
    id: &str,
    certs: &[Certificate],
) -> ApiResult<()> {
    sqlx::query("DELETE FROM certificates WHERE person_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for c in certs {
        sqlx::query(
            "INSERT INTO certificates (person_id, kind, number, valid_until, updated_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(c.kind.code())
        .bind(&c.number)
        .bind(&c.valid_until)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The kinds of certificates saved, for the audit line (never their numbers).
fn cert_kinds(certs: &[Certificate]) -> String {
    let kinds: Vec<&str> = certs.iter().map(|c| c.kind.code()).collect();
    kinds.join(",")
}

#[derive(serde::Deserialize)]
struct SiteQuery {
    site: String,
}

/// The active fire-room operators of a site with their operator certificate's last day, for
/// the shift form (kept on the phone for offline use).
async fn fire_operators(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SiteQuery>,
) -> ApiResult<Json<Vec<app::fire::Operator>>> {
    caller.require_site_any(&[Action::FireDuty, Action::Inspect], &q.site)?;
    Ok(Json(operators_at(&state.db, &q.site).await?))
}

/// The active people with the fire-operator role at `site`, by name.
pub async fn operators_at<'e, E: crate::db::Executor<'e>>(
    db: E,
    site: &str,
) -> sqlx::Result<Vec<app::fire::Operator>> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT p.id, p.display_name, c.valid_until FROM people p
           JOIN person_roles r ON r.person_id = p.id AND r.role = 'fire_operator'
           JOIN person_sites s ON s.person_id = p.id AND s.site_id = ?
           LEFT JOIN certificates c ON c.person_id = p.id AND c.kind = 'fire_operator'
         WHERE p.disabled = FALSE ORDER BY p.display_name",
    )
    .bind(site)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, certificate_until)| app::fire::Operator {
            id,
            name,
            certificate_until,
        })
        .collect())
}

/// People with their roles, sites and certificates: everyone (`one` = `None`) or one person.
/// Four queries whatever the number of people (the list read each person's three one by one).
pub(crate) async fn people(db: &Db, one: Option<&str>) -> ApiResult<Vec<PersonView>> {
    let rows: Vec<(String, String, String, bool, bool)> = sqlx::query_as(
        "SELECT id, login, display_name, disabled, must_change_password FROM people
         WHERE ?1 IS NULL OR id = ?1 ORDER BY disabled, login",
    )
    .bind(one)
    .fetch_all(db)
    .await?;
    let roles: Vec<(String, String)> = sqlx::query_as(
        "SELECT person_id, role FROM person_roles WHERE ?1 IS NULL OR person_id = ?1",
    )
    .bind(one)
    .fetch_all(db)
    .await?;
    let sites: Vec<(String, String)> = sqlx::query_as(
        "SELECT ps.person_id, ps.site_id FROM person_sites ps JOIN sites s ON s.id = ps.site_id
         WHERE ?1 IS NULL OR ps.person_id = ?1 ORDER BY s.sort",
    )
    .bind(one)
    .fetch_all(db)
    .await?;
    let certs: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT person_id, kind, number, valid_until FROM certificates
         WHERE ?1 IS NULL OR person_id = ?1 ORDER BY kind",
    )
    .bind(one)
    .fetch_all(db)
    .await?;
    let mut out: Vec<PersonView> = rows
        .into_iter()
        .map(
            |(id, login, display_name, disabled, must_change_password)| PersonView {
                id,
                login,
                display_name,
                roles: Vec::new(),
                site_ids: Vec::new(),
                disabled,
                must_change_password,
                certificates: Vec::new(),
            },
        )
        .collect();
    let at: std::collections::HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    for (person, role) in roles {
        if let (Some(&i), Some(r)) = (at.get(&person), Role::parse(&role)) {
            out[i].roles.push(r);
        }
    }
    for (person, site) in sites {
        if let Some(&i) = at.get(&person) {
            out[i].site_ids.push(site);
        }
    }
    for (person, kind, number, valid_until) in certs {
        if let (Some(&i), Some(kind)) = (at.get(&person), CertKind::parse(&kind)) {
            out[i].certificates.push(Certificate {
                kind,
                number,
                valid_until,
            });
        }
    }
    out.iter_mut().for_each(|p| p.roles.sort());
    Ok(out)
}

async fn person(db: &Db, id: &str) -> ApiResult<PersonView> {
    people(db, Some(id))
        .await?
        .pop()
        .ok_or(ApiError::NotFound(Key::ErrUnknownPerson))
}

async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<PersonView>>> {
    let scope = caller.scope(Action::ViewPeople)?;
    let mut out = Vec::new();
    // Certificate numbers are for administrators; others see kinds and dates (for rostering).
    let numbers = caller.can(Action::ManagePeople);
    for mut p in people(&state.db, None).await? {
        if !numbers {
            p.certificates.iter_mut().for_each(|c| c.number.clear());
        }
        // Outside administrators, people are seen only when they share a site with the caller.
        if scope == SiteScope::All || p.site_ids.iter().any(|s| scope.contains(s)) {
            out.push(p);
        }
    }
    Ok(Json(out))
}

/// Checks roles and sites of a person being saved; the sites must exist.
async fn check_assignment(db: &Db, roles: &[Role], site_ids: &[String]) -> ApiResult<()> {
    if roles.is_empty() {
        return Err(ApiError::bad(Key::ErrNoRole, "roles"));
    }
    // Everyone but a pure administrator works at one site at least.
    let needs_site = roles.iter().any(|r| *r != Role::Admin);
    if needs_site && site_ids.is_empty() {
        return Err(ApiError::bad(Key::ErrNoSite, "site_ids"));
    }
    for s in site_ids {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM sites WHERE id = ?")
            .bind(s)
            .fetch_optional(db)
            .await?;
        if found.is_none() {
            return Err(ApiError::bad(Key::ErrUnknownSite, "site_ids"));
        }
    }
    Ok(())
}

async fn write_assignment(
    tx: &mut crate::db::Conn,
    id: &str,
    roles: &[Role],
    site_ids: &[String],
) -> ApiResult<()> {
    sqlx::query("DELETE FROM person_roles WHERE person_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM person_sites WHERE person_id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    for r in roles {
        sqlx::query("INSERT INTO person_roles (person_id, role) VALUES (?, ?)")
            .bind(id)
            .bind(r.as_str())
            .execute(&mut *tx)
            .await?;
    }
    let mut sites = site_ids.to_vec();
    sites.sort();
    sites.dedup();
    for s in sites {
        sqlx::query("INSERT INTO person_sites (person_id, site_id) VALUES (?, ?)")
            .bind(id)
            .bind(s)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewPerson>,
) -> ApiResult<Json<OneTimePassword>> {
    caller.require(Action::ManagePeople)?;
    let login = req.login.trim().to_string();
    validate_login(&login).map_err(|k| ApiError::bad(k, "login"))?;
    validate_display_name(&req.display_name).map_err(|k| ApiError::bad(k, "display_name"))?;
    let certs = check_certificates(req.certificates, crate::http::locale_of(&headers))?;
    check_assignment(&state.db, &req.roles, &req.site_ids).await?;
    let password = one_time_password();
    let hash = hash_password_blocking(password.clone()).await?;
    let id = db::new_id();
    let now = now_ms();
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO people (id, login, display_name, password_hash, must_change_password, disabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, 1, 0, ?, ?)",
    )
    .bind(&id)
    .bind(&login)
    .bind(req.display_name.trim())
    .bind(&hash)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| ApiError::conflict_on_unique(e, Key::ErrLoginTaken, "login"))?;
    write_assignment(&mut tx, &id, &req.roles, &req.site_ids).await?;
    write_certificates(&mut tx, &id, &certs).await?;
    let detail = format!("{login} certificates={}", cert_kinds(&certs));
    db::audit(&mut *tx, Some(&caller.id), "create_person", &id, &detail).await?;
    tx.commit().await?;
    Ok(Json(OneTimePassword {
        person: person(&state.db, &id).await?,
        one_time_password: password,
    }))
}

/// How many enabled administrators there would be if `id` had `roles` and `disabled`.
async fn admins_after(db: &Db, id: &str, roles: &[Role], disabled: bool) -> ApiResult<i64> {
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM people p JOIN person_roles r ON r.person_id = p.id
         WHERE r.role = 'admin' AND p.disabled = FALSE AND p.id <> ?",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(others + i64::from(roles.contains(&Role::Admin) && !disabled))
}

async fn update(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PersonUpdate>,
) -> ApiResult<Json<PersonView>> {
    caller.require(Action::ManagePeople)?;
    person(&state.db, &id).await?;
    validate_display_name(&req.display_name).map_err(|k| ApiError::bad(k, "display_name"))?;
    let certs = check_certificates(req.certificates, crate::http::locale_of(&headers))?;
    check_assignment(&state.db, &req.roles, &req.site_ids).await?;
    if admins_after(&state.db, &id, &req.roles, req.disabled).await? == 0 {
        return Err(ApiError::Conflict {
            key: Key::ErrLastAdmin,
            field: Some("roles"),
        });
    }
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    sqlx::query("UPDATE people SET display_name = ?, disabled = ?, updated_at = ? WHERE id = ?")
        .bind(req.display_name.trim())
        .bind(req.disabled)
        .bind(now_ms())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    write_assignment(&mut tx, &id, &req.roles, &req.site_ids).await?;
    write_certificates(&mut tx, &id, &certs).await?;
    if req.disabled {
        sqlx::query("DELETE FROM sessions WHERE person_id = ?")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        // Their author secrets are void: what phones hold of them is held, not applied.
        sqlx::query("UPDATE people SET author_gen = author_gen + 1 WHERE id = ?")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    }
    let roles: Vec<&str> = req.roles.iter().map(|r| r.as_str()).collect();
    let detail = format!(
        "roles={} sites={} disabled={} certificates={}",
        roles.join(","),
        req.site_ids.len(),
        req.disabled,
        cert_kinds(&certs)
    );
    db::audit(&mut *tx, Some(&caller.id), "update_person", &id, &detail).await?;
    tx.commit().await?;
    Ok(Json(person(&state.db, &id).await?))
}

async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<OneTimePassword>> {
    caller.require(Action::ManagePeople)?;
    person(&state.db, &id).await?;
    let password = one_time_password();
    let hash = hash_password_blocking(password.clone()).await?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    sqlx::query("UPDATE people SET password_hash = ?, must_change_password = TRUE, updated_at = ?, author_gen = author_gen + 1 WHERE id = ?")
        .bind(&hash)
        .bind(now_ms())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE person_id = ?")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "DELETE FROM sign_in_failures WHERE login = (SELECT login FROM people WHERE id = ?)",
    )
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    db::audit(&mut *tx, Some(&caller.id), "reset_password", &id, "").await?;
    tx.commit().await?;
    Ok(Json(OneTimePassword {
        person: person(&state.db, &id).await?,
        one_time_password: password,
    }))
}
