//! Alerts: the engine that raises, escalates and resolves them from the server's records
//! ([`engine`], the rules' conditions in [`conditions`]), the group robots they are posted to
//! ([`robots`]), and what people reach them by: the pull (each phone keeps its sites' alerts,
//! readable offline), a live stream while online, an inbox and acknowledgement online for
//! those without an enrolled phone, and the administrators' rules.
//!
//! Live is server-sent events (`GET /api/v1/alerts/live`), not WebSocket: one way is all it
//! needs, it goes through any proxy as a plain HTTP response, and the browser reconnects by
//! itself after a drop. An event says only "your alerts changed"; the phone then syncs, so the
//! pull stays the one way records reach phones and what the event missed the pull brings.

pub mod conditions;
pub mod engine;
pub mod robots;

use crate::db::Db;
use crate::http::{ApiError, ApiJson, ApiResult, Caller, SiteScope};
use crate::AppState;
use app::alert::rules::{check_config, RuleConfig};
use app::alert::{Ack, AlertRow, RuleKind};
use app::i18n::Key;
use app::model::Action;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use std::sync::Arc;
use tokio::sync::{broadcast, Notify};

/// What the engine and the robots' worker are woken by, and what live streams hear.
#[derive(Clone)]
pub struct Hub {
    wake: Arc<Notify>,
    deliver: Arc<Notify>,
    live: broadcast::Sender<Arc<Vec<String>>>,
    pub client: reqwest::Client,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            wake: Arc::new(Notify::new()),
            deliver: Arc::new(Notify::new()),
            live: broadcast::channel(64).0,
            client: robots::client(),
        }
    }
}

impl Hub {
    /// Records changed: the engine looks again now rather than at its next tick.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs the engine every `tick` and whenever woken, and the robots' worker after it and
    /// every few seconds (for retries).
    pub fn spawn(&self, db: Db, tick: std::time::Duration, backup_hours: u64) {
        let hub = self.clone();
        let engine_db = db.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(tick);
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = hub.wake.notified() => {}
                }
                match engine::pass(&engine_db, crate::db::now_ms(), backup_hours).await {
                    Ok(changed) => {
                        if !changed.sites.is_empty() {
                            let _ = hub.live.send(Arc::new(changed.sites.into_iter().collect()));
                        }
                        if changed.queued > 0 {
                            hub.deliver.notify_one();
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "the alert engine's pass failed"),
                }
            }
        });
        let hub = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    _ = hub.deliver.notified() => {}
                }
                if let Err(e) = robots::deliver(&db, &hub.client, crate::db::now_ms()).await {
                    tracing::error!(error = %e, "the robots' worker failed");
                }
            }
        });
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alerts", get(inbox))
        .route("/api/v1/alerts/live", get(live))
        .route("/api/v1/alerts/{id}/ack", post(ack_online))
        .route("/api/v1/alert-rules", get(rules))
        .route("/api/v1/alert-rules/{rule}", put(save_rule))
        .route("/api/v1/robots", get(robots::list).post(robots::add))
        .route("/api/v1/robots/{id}/remove", post(robots::remove))
        .route("/api/v1/robots/deliveries", get(deliveries))
}

/// The caller's open alerts, for someone without an enrolled phone (its own inbox is pulled).
async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<(String, AlertRow)>>> {
    caller.require(Action::ViewSites)?;
    let scope = caller.scope(Action::ViewSites)?;
    type Row = (
        String,
        i64,
        String,
        String,
        String,
        i64,
        i64,
        String,
        String,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, number, rule, site_id, subject, raised_at, stage, to_roles, params,
            last_sync_at, acknowledged_at, acknowledged_name
         FROM alerts WHERE resolved_at IS NULL ORDER BY raised_at",
    )
    .fetch_all(&state.db)
    .await?;
    let mut mine = Vec::new();
    for r in rows {
        let visible = match &scope {
            SiteScope::All => true,
            SiteScope::Only(ids) => ids.contains(&r.3),
        };
        let row = AlertRow {
            number: r.1,
            rule: r.2,
            site_id: r.3,
            subject: r.4,
            raised_at: r.5,
            stage: r.6 as u32,
            to_roles: r.7,
            params: r.8,
            last_sync_at: r.9,
            acknowledged_at: r.10,
            acknowledged_name: r.11,
            resolved_at: None,
        };
        if visible && row.reaches(&caller.roles) {
            mine.push((r.0, row));
        }
    }
    Ok(Json(app::alert::inbox(mine, &caller.roles)))
}

/// The same acknowledgement a phone sends, made online now.
async fn ack_online(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::ViewSites)?;
    crate::records::run_online(&state, &caller, &headers, &Ack { alert_id: id }).await?;
    Ok(Json(serde_json::json!({})))
}

/// "Your alerts changed", each time they do at one of the caller's sites, until the page
/// closes; a comment every 15 seconds keeps proxies from closing a quiet stream.
async fn live(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>>> {
    caller.require(Action::ViewSites)?;
    let scope = caller.scope(Action::ViewSites)?;
    let rx = state.alerts.live.subscribe();
    let stream = futures_util::stream::unfold((rx, scope), |(mut rx, scope)| async move {
        loop {
            match rx.recv().await {
                Ok(sites) => {
                    let mine = sites.iter().any(|s| match &scope {
                        SiteScope::All => true,
                        SiteScope::Only(ids) => ids.contains(s),
                    });
                    if mine {
                        let e = Event::default().event("alerts").data("changed");
                        return Some((Ok(e), (rx, scope)));
                    }
                }
                // Missed some: say so once, the pull brings what was missed.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let e = Event::default().event("alerts").data("changed");
                    return Some((Ok(e), (rx, scope)));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(std::time::Duration::from_secs(15))))
}

/// Every rule as it stands (defaults where none was saved).
async fn rules(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<RuleConfig>>> {
    caller.require(Action::ManageServer)?;
    let mut c = state.db.acquire().await?;
    Ok(Json(engine::rules(&mut c).await?))
}

/// An administrator's change to a rule: checked, saved, in the audit log, applied at once.
async fn save_rule(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(rule): Path<String>,
    ApiJson(c): ApiJson<RuleConfig>,
) -> ApiResult<Json<RuleConfig>> {
    caller.require(Action::ManageServer)?;
    let locale = crate::http::locale::locale_of(&headers);
    let Some(kind) = RuleKind::parse(&rule) else {
        return Err(ApiError::NotFound(Key::ErrNotFound));
    };
    if c.rule != kind {
        return Err(ApiError::BadRequest {
            key: Key::ErrBadRequest,
            field: Some("rule"),
        });
    }
    let c = check_config(c).map_err(|e| ApiError::Invalid {
        message: e.message(locale).into(),
        field: "rule",
    })?;
    let json = serde_json::to_string(&c).map_err(anyhow::Error::from)?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO alert_rules (rule, config, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (rule) DO UPDATE SET config = excluded.config,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(kind.code())
    .bind(&json)
    .bind(crate::db::now_ms())
    .bind(&caller.id)
    .execute(&mut *tx)
    .await?;
    crate::db::audit(&mut *tx, Some(&caller.id), "alert_rule", kind.code(), &json).await?;
    tx.commit().await?;
    state.alerts.wake();
    Ok(Json(c))
}

/// The robots' latest deliveries, each as recorded (the address masked).
async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<serde_json::Value>>> {
    caller.require(Action::ManageServer)?;
    type Row = (
        i64,
        i64,
        String,
        i64,
        String,
        i64,
        Option<i64>,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.id, a.number, d.robot_id, d.stage, d.state, d.attempts, d.sent_at,
            d.last_error, d.message_of
         FROM robot_deliveries d JOIN alerts a ON a.id = d.alert_id
         ORDER BY d.id DESC LIMIT 200",
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, number, robot, stage, st, attempts, sent_at, error, message_of)| {
                serde_json::json!({"id": id, "number": number, "robot_id": robot, "stage": stage,
                    "state": st, "attempts": attempts, "sent_at": sent_at, "last_error": error,
                    "message_of": message_of})
            })
            .collect(),
    ))
}
