//! Enrolled phones: enrolment (a client id and a key only the phone holds), the check every
//! sync request passes, the phones list a supervisor finds a lost phone in, and revoking it.

use crate::db::{now_ms, Db};
use crate::http::{ApiError, ApiJson, ApiResult, Caller};
use crate::AppState;
use app::i18n::Key;
use app::model::Action;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/devices", post(enrol).get(devices))
        .route("/api/v1/devices/{client_id}/revoke", post(revoke))
}

#[derive(Deserialize)]
pub struct EnrolRequest {
    pub label: String,
    /// The last mutation id the phone's outbox gave out: this client counts on from it, so a
    /// phone enrolled again keeps what waits on it.
    #[serde(default)]
    pub resume_after: u64,
}

/// The header a device sends its key in with every push and pull.
pub const DEVICE_KEY_HEADER: &str = "x-guardpost-device-key";

#[derive(Serialize, Deserialize)]
pub struct Enrolled {
    pub client_id: String,
    /// A secret only this phone holds (the server keeps its hash): knowing a client id is not
    /// enough to push as that device.
    pub device_key: String,
}

fn key_hash(key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// A supervisor or administrator enrols the phone in their hand once.
async fn enrol(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> ApiResult<Json<Enrolled>> {
    caller.require(Action::EnrolDevice)?;
    let label = req.label.trim();
    if !(1..=40).contains(&label.chars().count()) {
        return Err(ApiError::bad(Key::ErrBadRequest, "label"));
    }
    let client_id = uuid::Uuid::new_v4().to_string();
    let device_key = {
        use base64::Engine;
        let bytes: [u8; 32] = rand::random();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    };
    let now = now_ms();
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    sqlx::query("INSERT INTO devices (client_id, key_hash, label, enrolled_by, enrolled_at) VALUES (?, ?, ?, ?, ?)")
        .bind(&client_id)
        .bind(key_hash(&device_key))
        .bind(label)
        .bind(&caller.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    // Not a contact for the records' times: what waits on a phone enrolled again was made
    // before this.
    let resume_after = req.resume_after.min(i64::MAX as u64 / 2) as i64;
    sqlx::query(
        "INSERT INTO sync_clients (client_id, last_mutation_id, contact_made_up_to, last_seen)
         VALUES (?, ?, ?, ?)",
    )
    .bind(&client_id)
    .bind(resume_after)
    .bind(resume_after)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::db::audit(
        &mut *tx,
        Some(&caller.id),
        "enrol_device",
        &client_id,
        label,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Enrolled {
        client_id,
        device_key,
    }))
}

/// A supervisor or administrator revokes a lost phone: it can no longer push or pull, every
/// session signed in on it ends (its cookies open nothing more), and what it still sends
/// signed there waits for a supervisor.
async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::ManageDevices)?;
    let mut tx = crate::db::dialect::begin_write(&state.db).await?;
    let n =
        sqlx::query("UPDATE devices SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL")
            .bind(now_ms())
            .bind(&client_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if n == 0 {
        return Err(ApiError::NotFound(Key::ErrBadRequest));
    }
    let ended = sqlx::query("DELETE FROM sessions WHERE client_id = ?")
        .bind(&client_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    crate::db::audit(
        &mut *tx,
        Some(&caller.id),
        "revoke_device",
        &client_id,
        &format!("sessions_ended={ended}"),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(
        serde_json::json!({"revoked": true, "sessions_ended": ended}),
    ))
}

/// The device must be enrolled and not revoked; the caller is noted as a person of it, and
/// their session as signed in on it (revoking the phone ends it).
pub async fn check_device(
    db: &Db,
    client_id: &str,
    headers: &HeaderMap,
    caller: &Caller,
) -> ApiResult<()> {
    let key = headers
        .get(DEVICE_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT key_hash, revoked_at FROM devices WHERE client_id = ?")
            .bind(client_id)
            .fetch_optional(db)
            .await?;
    match row {
        Some((hash, _)) if hash != key_hash(key) => {
            Err(ApiError::Forbidden(Key::ErrDeviceNotEnrolled))
        }
        None => Err(ApiError::Forbidden(Key::ErrDeviceNotEnrolled)),
        Some((_, Some(_))) => Err(ApiError::Forbidden(Key::ErrDeviceRevoked)),
        Some((_, None)) => {
            sqlx::query("INSERT INTO device_people (client_id, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .bind(client_id)
                .bind(&caller.id)
                .execute(db)
                .await?;
            sqlx::query(
                "UPDATE sessions SET client_id = ? WHERE token_hash = ? AND client_id IS NULL",
            )
            .bind(client_id)
            .bind(&caller.token_hash)
            .execute(db)
            .await?;
            Ok(())
        }
    }
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
