//! The group robots (企业微信 / 钉钉 群机器人) alerts are posted to, for people not looking at
//! the app, and the durable queue their messages go out from.
//!
//! A robot's webhook address carries its key: it is kept on the server, shown back only masked,
//! never written to a log (errors are logged without it). Each alert's stage queues one
//! delivery per robot that serves its site (the site's own, and the court's); the worker posts
//! what is due, retries a failure with a growing wait (never giving up, so nothing is lost while
//! the robot or the network is down), never posts a delivery again once it succeeded, and keeps
//! to the robot's rate limit by merging what the minute has no room for into one message.

use crate::db::{Conn, Db};
use crate::http::{ApiError, ApiJson, ApiResult, Caller};
use crate::AppState;
use app::alert::plan::{batches, retry_after_ms};
use app::alert::rules::RobotKind;
use app::alert::text::{merged_message, robot_message};
use app::i18n::Key;
use app::model::Action;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};

/// How long one post may take before it counts as failed (a hung robot holds nothing up).
const POST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a claimed delivery is left to the worker posting it before another may.
const LEASE: i64 = 60_000;

/// Queues, for alert `alert_id` at `stage` (reached `after_min` minutes after it was raised),
/// one delivery per robot serving its site, due at once. Returns how many were queued.
pub async fn queue(
    tx: &mut Conn,
    alert_id: &str,
    stage: u32,
    after_min: u32,
    now: i64,
) -> sqlx::Result<usize> {
    type Row = (i64, String, String, String, Option<i64>);
    let (number, site, robot_text, site_name, last_sync): Row = sqlx::query_as(
        "SELECT a.number, a.site_id, a.robot_text,
                COALESCE((SELECT name_zh FROM sites WHERE id = a.site_id), '法院'), a.last_sync_at
         FROM alerts a WHERE a.id = ?",
    )
    .bind(alert_id)
    .fetch_one(&mut *tx)
    .await?;
    let text = robot_message(number, &site_name, &robot_text, stage, after_min, last_sync);
    let done = sqlx::query(
        "INSERT INTO robot_deliveries (robot_id, alert_id, stage, text, state, next_at, created_at)
         SELECT id, ?, ?, ?, 'waiting', 0, ? FROM robots
         WHERE removed_at IS NULL AND (site_id = '' OR site_id = ?)
         ON CONFLICT (robot_id, alert_id, stage) DO NOTHING",
    )
    .bind(alert_id)
    .bind(i64::from(stage))
    .bind(&text)
    .bind(now)
    .bind(&site)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() as usize)
}

/// The HTTP client robots are posted with (its own timeout; no address in its errors).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(POST_TIMEOUT)
        .connect_timeout(POST_TIMEOUT)
        .build()
        .unwrap_or_default()
}

/// Posts `text` to a robot; what went wrong, without the address, when it did not arrive.
pub async fn post(client: &reqwest::Client, url: &str, text: &str) -> Result<(), String> {
    let body = serde_json::json!({"msgtype": "text", "text": {"content": text}});
    let resp = client
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| failure(&e))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(format!("HTTP {}", status.as_u16()));
    }
    // Both robots answer 200 with `errcode` 0 when the message was taken.
    let answer: serde_json::Value = resp.json().await.map_err(|e| failure(&e))?;
    match answer["errcode"].as_i64() {
        Some(0) => Ok(()),
        Some(code) => Err(format!("errcode {code}")),
        None => Err("no errcode in the answer".into()),
    }
}

/// What went wrong with a post, in words that never hold the address.
fn failure(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_decode() {
        "unreadable answer"
    } else if e.is_body() {
        "the answer broke off"
    } else {
        "the request failed"
    };
    what.to_string()
}

/// One pass of the worker at `now`: for each robot with deliveries due, what its minute has
/// room for, in order; a failure stops that robot until its retry time. Returns how many
/// deliveries were sent.
pub async fn deliver(db: &Db, client: &reqwest::Client, now: i64) -> sqlx::Result<usize> {
    let robots: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT r.id, r.url FROM robot_deliveries d JOIN robots r ON r.id = d.robot_id
         WHERE d.state = 'waiting' AND d.next_at <= ? AND r.removed_at IS NULL",
    )
    .bind(now)
    .fetch_all(db)
    .await?;
    let mut sent = 0;
    for (robot, url) in robots {
        // Claimed in a write transaction, so a second worker (another server, a pass that
        // overlaps) finds them taken: each delivery is posted by one worker at a time.
        let mut tx = crate::db::dialect::begin_write(db).await?;
        let in_minute: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT COALESCE(message_of, id)) FROM robot_deliveries
             WHERE robot_id = ? AND state = 'sent' AND sent_at > ?",
        )
        .bind(&robot)
        .bind(now - 60_000)
        .fetch_one(&mut *tx)
        .await?;
        let waiting: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, text, attempts FROM robot_deliveries
             WHERE robot_id = ? AND state = 'waiting' AND next_at <= ? ORDER BY id",
        )
        .bind(&robot)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?;
        let plan = batches(in_minute as usize, &waiting);
        for (id, ..) in plan.iter().flatten() {
            sqlx::query("UPDATE robot_deliveries SET next_at = ? WHERE id = ?")
                .bind(now + LEASE)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        for batch in plan {
            let text = match batch.as_slice() {
                [one] => one.1.clone(),
                many => merged_message(&many.iter().map(|d| d.1.clone()).collect::<Vec<_>>()),
            };
            let first = batch[0].0;
            let result = post(client, &url, &text).await;
            // (`now` is the pass's clock: a test's may run ahead of the wall's.)
            let at = now.max(crate::db::now_ms());
            let mut tx = crate::db::dialect::begin_write(db).await?;
            for (id, _, attempts) in &batch {
                match &result {
                    Ok(()) => {
                        sqlx::query(
                            "UPDATE robot_deliveries SET state = 'sent', sent_at = ?,
                                attempts = attempts + 1, message_of = ?, last_error = NULL
                             WHERE id = ? AND state = 'waiting'",
                        )
                        .bind(at)
                        .bind(first)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Err(e) => {
                        sqlx::query(
                            "UPDATE robot_deliveries SET attempts = attempts + 1, next_at = ?,
                                last_error = ? WHERE id = ? AND state = 'waiting'",
                        )
                        .bind(at + retry_after_ms(*attempts as u32))
                        .bind(e)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            tx.commit().await?;
            match result {
                Ok(()) => sent += batch.len(),
                Err(e) => {
                    tracing::warn!(robot = %robot, error = %e, "a robot message did not arrive");
                    break;
                }
            }
        }
    }
    Ok(sent)
}

/// A webhook address as it is shown back: where it goes and its last four characters.
pub fn masked(url: &str) -> String {
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| format!("{}://{h}", u.scheme())))
        .unwrap_or_default();
    let tail: String = url
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{host}/…{tail}")
}

/// An address a robot may have: HTTPS, or plain HTTP on this machine (a relay, a test's robot).
pub fn acceptable(url: &str) -> bool {
    match reqwest::Url::parse(url) {
        Ok(u) if u.scheme() == "https" => u.host_str().is_some(),
        Ok(u) if u.scheme() == "http" => u.host_str().is_some_and(|h| {
            h == "localhost"
                || h.trim_matches(|c| c == '[' || c == ']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }),
        _ => false,
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RobotView {
    pub id: String,
    pub site_id: String,
    pub kind: String,
    pub url_masked: String,
    pub waiting: i64,
    pub last_sent_at: Option<i64>,
    pub last_error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NewRobot {
    #[serde(default)]
    pub site_id: String,
    pub kind: String,
    pub url: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<RobotView>>> {
    caller.require(Action::ManageServer)?;
    type Row = (
        String,
        String,
        String,
        String,
        i64,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, r.site_id, r.kind, r.url,
            (SELECT COUNT(*) FROM robot_deliveries d WHERE d.robot_id = r.id AND d.state = 'waiting'),
            (SELECT MAX(sent_at) FROM robot_deliveries d WHERE d.robot_id = r.id),
            (SELECT last_error FROM robot_deliveries d WHERE d.robot_id = r.id
               AND d.state = 'waiting' AND d.last_error IS NOT NULL ORDER BY d.id LIMIT 1)
         FROM robots r WHERE r.removed_at IS NULL ORDER BY r.created_at",
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(
                |(id, site_id, kind, url, waiting, last_sent_at, last_error)| RobotView {
                    id,
                    site_id,
                    kind,
                    url_masked: masked(&url),
                    waiting,
                    last_sent_at,
                    last_error,
                },
            )
            .collect(),
    ))
}

/// Saves a robot, then posts it a test message and says whether it arrived (it is kept either
/// way: the network may be down now; its alerts wait in the queue).
pub(super) async fn add(
    State(state): State<AppState>,
    caller: Caller,
    headers: axum::http::HeaderMap,
    ApiJson(r): ApiJson<NewRobot>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::ManageServer)?;
    let locale = crate::http::locale::locale_of(&headers);
    let url = r.url.trim().to_string();
    if RobotKind::parse(&r.kind).is_none() {
        return Err(ApiError::Invalid {
            message: app::i18n::pick(locale, "请选择企业微信或钉钉", "Choose WeCom or DingTalk")
                .into(),
            field: "kind",
        });
    }
    if url.len() > 500 || !acceptable(&url) {
        return Err(ApiError::Invalid {
            message: app::i18n::pick(
                locale,
                "请粘贴机器人的 https:// Webhook 地址",
                "Paste the robot's https:// webhook address",
            )
            .into(),
            field: "url",
        });
    }
    if !r.site_id.is_empty() {
        let known: Option<String> = sqlx::query_scalar("SELECT id FROM sites WHERE id = ?")
            .bind(&r.site_id)
            .fetch_optional(&state.db)
            .await?;
        if known.is_none() {
            return Err(ApiError::NotFound(Key::ErrNotFound));
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::db::now_ms();
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO robots (id, site_id, kind, url, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&r.site_id)
    .bind(&r.kind)
    .bind(&url)
    .bind(now)
    .bind(&caller.id)
    .execute(&mut *tx)
    .await?;
    crate::db::audit(&mut *tx, Some(&caller.id), "robot_add", &id, &masked(&url)).await?;
    tx.commit().await?;
    let test = "【安保告警】测试消息：本群已接入法院安保应用的告警推送";
    let arrived = post(&state.alerts.client, &url, test).await;
    if let Err(e) = &arrived {
        tracing::warn!(robot = %id, error = %e, "a robot's test message did not arrive");
    }
    Ok(Json(serde_json::json!({
        "id": id,
        "url_masked": masked(&url),
        "test_arrived": arrived.is_ok(),
        "test_error": arrived.err(),
    })))
}

pub(super) async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::ManageServer)?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let done = sqlx::query("UPDATE robots SET removed_at = ? WHERE id = ? AND removed_at IS NULL")
        .bind(crate::db::now_ms())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound(Key::ErrNotFound));
    }
    crate::db::audit(&mut *tx, Some(&caller.id), "robot_remove", &id, "").await?;
    tx.commit().await?;
    Ok(Json(serde_json::json!({})))
}
