//! The hello a phone says when its person signs in: the server ties them to the phone, so
//! records queued there can be sent after they sign out.

use crate::devices::check_device;
use crate::http::{ApiJson, ApiResult, Caller};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Hello {
    pub client_id: String,
}

/// A person signed in on this device: from now on their queued records may be sent from it
/// by whoever is signed in (shift change on a shared post phone). Also tells a phone whether
/// it is still enrolled.
pub(super) async fn hello(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(req): ApiJson<Hello>,
) -> ApiResult<Json<serde_json::Value>> {
    check_device(&state.db, &req.client_id, &headers, &caller).await?;
    Ok(Json(serde_json::json!({"ok": true})))
}
