//! JSON request bodies, with malformed input refused as our own 400 (in the caller's language)
//! instead of axum's plain-text rejection. Bodies over 64 KiB are refused.

use super::error::ApiError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(axum::extract::rejection::JsonRejection::MissingJsonContentType(_)) => {
                Err(ApiError::NotJson)
            }
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::TooLarge)
            }
            Err(e) => {
                tracing::debug!(error = %e, "rejected a request body");
                Err(ApiError::BadRequest {
                    key: app::i18n::Key::ErrBadRequest,
                    field: None,
                })
            }
        }
    }
}
