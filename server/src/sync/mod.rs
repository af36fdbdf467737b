//! The sync endpoints: enrolled phones push client-numbered mutations, applied exactly once
//! each, and pull what their people may see, in version order; authors are proven, and what
//! cannot be proven is held. The rules of the protocol itself are in `app::sync`, shared with
//! the phone; the record types it carries are `crate::records`.

pub mod authors;
pub mod held;
pub mod hello;
pub mod pull;
pub mod push;

use crate::AppState;
use app::sync::LIMITS;
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/sync/v1/push",
            post(push::push).layer(axum::extract::DefaultBodyLimit::max(LIMITS.batch_bytes)),
        )
        .route("/api/sync/v1/pull", post(pull::pull))
        .route("/api/sync/v1/hello", post(hello::hello))
        .route("/api/sync/v1/author-key", post(authors::author_key))
        .route("/api/sync/v1/resign", post(held::resign))
        .route("/api/v1/held", get(held::held_list))
        .route(
            "/api/v1/held/{client_id}/{id}/{decision}",
            post(held::decide),
        )
}
