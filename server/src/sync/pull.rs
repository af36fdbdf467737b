//! The pull: what the caller may see, in version order, page by page, with what the phone
//! should forget and what of its own the server settled.

use super::push::note_contact;
use crate::db::now_ms;
use crate::db::Conn;
use crate::devices::check_device;
use crate::http::caller::Grants;
use crate::http::{ApiJson, ApiResult, Caller, SiteScope};
use crate::records::{Entity, ENTITIES};
use crate::AppState;
use app::model::{roles_allow, Action};
use app::sync::{
    cut_page, Change, Cursor, Kept, MutationResult, Op, PullRequest, PullResponse, Scope, Status,
    LIMITS, PULL_PAGE,
};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;

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

/// Which rows of `e` someone of `scope` sees: none, or those at these sites.
fn part(e: &Entity, scope: &Scope) -> Option<SiteScope> {
    let roles = scope.roles();
    let action = e.seen_with.iter().find(|a| roles_allow(&roles, **a))?;
    if e.court_wide {
        return Some(SiteScope::All);
    }
    SiteScope::of(&roles, &scope.sites, *action)
}

/// What a phone keeps of its rows for someone of `scope`: the parts they see.
fn kept(scope: &Scope) -> Kept {
    ENTITIES
        .iter()
        .filter_map(|e| {
            let sites = match part(e, scope)? {
                SiteScope::All => None,
                SiteScope::Only(ids) => Some(ids),
            };
            Some((e.name.name().to_string(), sites))
        })
        .collect()
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}

/// One entity's changed rows from `from` at `sites`, as changes, in `(version, id)` order, at
/// most `limit`; none of `had` (rows up to its version at its sites the phone holds already).
async fn entity_changes(
    tx: &mut Conn,
    e: &Entity,
    sites: &SiteScope,
    had: Option<(SiteScope, i64)>,
    from: From<'_>,
    now: i64,
    limit: usize,
) -> ApiResult<Vec<Change>> {
    let site_filter = match sites {
        SiteScope::All => String::new(),
        SiteScope::Only(ids) if ids.is_empty() => " AND FALSE".to_string(),
        SiteScope::Only(ids) => format!(" AND site_id IN ({})", placeholders(ids.len())),
    };
    let had_filter = match &had {
        None => String::new(),
        Some((SiteScope::All, _)) => " AND version > ?".to_string(),
        Some((SiteScope::Only(ids), _)) if ids.is_empty() => String::new(),
        Some((SiteScope::Only(ids), _)) => format!(
            " AND NOT (version <= ? AND site_id IN ({}))",
            placeholders(ids.len())
        ),
    };
    let position = match from {
        From::After(_) => "version > ?",
        From::AtOrAfter(_) => "version >= ?",
        From::Inside(..) => "(version > ? OR (version = ? AND id > ?))",
    };
    let mut select = vec!["id", "version"];
    select.extend(e.gone);
    select.extend(e.columns);
    // Only rows the phone keeps (its window, or still open however old): personal data
    // stays on phones no longer than their screens need.
    let window = match (e.name.window(), e.name.open_column()) {
        (Some((time, _)), Some(open)) => format!(" AND ({time} >= ? OR {open} IS NULL)"),
        (Some((time, _)), None) => format!(" AND {time} >= ?"),
        (None, _) => String::new(),
    };
    let sql = format!(
        "SELECT {} FROM {} WHERE {position}{window}{site_filter}{had_filter} \
         ORDER BY version, id LIMIT ?",
        select.join(", "),
        e.table,
    );
    let mut q = sqlx::query(&sql);
    q = match from {
        From::After(v) | From::AtOrAfter(v) => q.bind(v),
        From::Inside(v, id) => q.bind(v).bind(v).bind(id.to_string()),
    };
    if let Some(oldest) = e.name.oldest_kept(now) {
        q = q.bind(oldest);
    }
    if let SiteScope::Only(ids) = sites {
        for id in ids {
            q = q.bind(id);
        }
    }
    match &had {
        Some((SiteScope::All, v)) => q = q.bind(*v),
        Some((SiteScope::Only(ids), v)) if !ids.is_empty() => {
            q = q.bind(*v);
            for id in ids {
                q = q.bind(id);
            }
        }
        _ => {}
    }
    let rows = q.bind(limit as i64).fetch_all(&mut *tx).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut data = serde_json::Map::new();
        let (mut id, mut version, mut gone) = (String::new(), 0, false);
        for (name, value) in crate::db::dialect::json_columns(&row)? {
            let name = name.as_str();
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

/// The server's cursor epoch: a new one after a restore from a backup.
pub async fn epoch(ex: impl crate::db::Executor<'_>) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT epoch FROM sync_meta WHERE id = 1")
        .fetch_one(ex)
        .await
}

/// Changes after the cursor, in `(version, entity, id)` order, of the entities and sites the
/// signed-in person may see, a page at a time. Each entity's table is read up to a page past
/// the cursor; the merged list is cut at one page, and the next cursor is the last change
/// sent, so rows sharing a version are never skipped however many there are.
pub(super) async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<PullRequest>,
) -> ApiResult<Json<PullResponse>> {
    caller.require(Action::ViewSites)?;
    check_device(&state.db, &req.client_id, &headers, &caller).await?;
    let now = now_ms();
    note_contact(&state.db, &req.client_id, req.made_up_to, req.waiting, now).await?;
    if req.waiting.is_some_and(|n| n > 0) {
        state.alerts.wake();
    }
    // One read transaction: the rows and the version they are read at agree.
    let mut tx = state.db.begin().await?;
    let (version, epoch): (i64, String) =
        sqlx::query_as("SELECT version, epoch FROM sync_meta WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
    let scope = Scope::new(&caller.roles, &caller.site_ids);
    // Another epoch (a restored server), a cursor ahead of this server or of an entity it does
    // not know: start again. Another scope (the next person on a shared phone, or roles or
    // sites changed): go on from version 0 over this scope, less what the phone holds.
    let cursor = req.cursor.as_ref().and_then(Cursor::read).filter(|c| {
        c.epoch == epoch
            && c.version <= version
            && c.after
                .as_ref()
                .is_none_or(|(name, _)| ENTITIES.iter().any(|e| e.name.name() == name))
    });
    let (start, reset, keep) = match cursor {
        None => (Cursor::default(), true, None),
        Some(c) if c.scope == scope => (c, false, None),
        Some(c) => (c.rescoped(scope.clone()), false, Some(kept(&scope))),
    };
    let after_index = start
        .after
        .as_ref()
        .and_then(|(name, _)| ENTITIES.iter().position(|e| e.name.name() == name));
    let mut changes: Vec<(usize, Change)> = Vec::new();
    let mut has_more = false;
    for (index, e) in ENTITIES.iter().enumerate() {
        let Some(sites) = part(e, &scope) else {
            continue;
        };
        let had = start
            .had
            .as_ref()
            .and_then(|(s, v)| Some((part(e, s)?, *v)));
        let from = match (after_index, &start.after) {
            (Some(i), Some((_, id))) if i == index => From::Inside(start.version, id),
            (Some(i), _) if index > i => From::AtOrAfter(start.version),
            _ => From::After(start.version),
        };
        let mut part = entity_changes(&mut tx, e, &sites, had, from, now, PULL_PAGE + 1).await?;
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
        had: start.had,
    };
    let (changes, mut next, has_more) = cut_page(changes, has_more, PULL_PAGE, head);
    if next
        .had
        .as_ref()
        .is_some_and(|(_, v)| next.complete_to() >= *v)
    {
        next.had = None;
    }
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
        keep,
    }))
}

/// Of the people a phone remembers, those it must forget: unknown, disabled, their secrets of
/// another generation (a password reset or changed), or no longer allowed to be remembered.
async fn forgotten(tx: &mut Conn, known: &[(String, u32)]) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for (person, g) in known.iter().take(app::phone::known::MAX_PEOPLE * 2) {
        let row: Option<(i64, bool)> =
            sqlx::query_as("SELECT author_gen, disabled FROM people WHERE id = ?")
                .bind(person)
                .fetch_optional(&mut *tx)
                .await?;
        let keep = match row {
            Some((gen, false)) if gen == i64::from(*g) => {
                let roles = Grants::of_active(tx, person).await?.roles;
                crate::sync::authors::rememberable(&roles)
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
async fn settled(tx: &mut Conn, client_id: &str, held: &[u64]) -> ApiResult<Vec<MutationResult>> {
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
