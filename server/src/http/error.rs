//! The API's one error type. Each variant says its HTTP status; the message is written in the
//! caller's language by the `localize` middleware, which knows the request's cookie.
//! A 500 shows a generic message and logs the cause.

use app::i18n::{Key, Locale};
use app::model::ApiErrorBody;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the input is wrong; `field` names the field when there is one.
    #[error("bad request: {key:?}")]
    BadRequest {
        key: Key,
        field: Option<&'static str>,
    },
    /// 400 with a message written for this input (a document number's exact fault, say), in
    /// the caller's language already.
    #[error("invalid: {field}")]
    Invalid {
        message: String,
        field: &'static str,
    },
    /// 401: no valid session.
    #[error("not signed in")]
    Unauthorized,
    /// 401 on sign-in: wrong login or password (never says which).
    #[error("wrong login or password")]
    WrongPassword,
    /// 403: signed in, but the role or the site does not allow it.
    #[error("forbidden: {0:?}")]
    Forbidden(Key),
    /// 404: no such thing (or not one the caller may know of).
    #[error("not found: {0:?}")]
    NotFound(Key),
    /// 409: conflicts with what is stored (a taken login, say).
    #[error("conflict: {key:?}")]
    Conflict {
        key: Key,
        field: Option<&'static str>,
    },
    /// 415: state-changing requests must be JSON (keeps cross-site forms out).
    #[error("unsupported media type")]
    NotJson,
    /// 426: this build of the app speaks an older sync protocol; the outbox waits for the update
    /// to `min_build` (the only answer that stops a phone's queue until it updates).
    #[error("update required")]
    UpdateRequired { min_build: String },
    /// 413: a request body larger than the server takes; for the sync push, the body names the
    /// limits so the phone sends smaller batches.
    #[error("too large")]
    TooLarge,
    /// 429: too many failed sign-ins.
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// 500: our fault; the cause goes to the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl ApiError {
    /// A unique-constraint violation becomes a 409 naming `field`; anything else stays a 500.
    pub fn conflict_on_unique(e: sqlx::Error, key: Key, field: &'static str) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => ApiError::Conflict {
                key,
                field: Some(field),
            },
            _ => e.into(),
        }
    }

    pub fn bad(key: Key, field: &'static str) -> Self {
        ApiError::BadRequest {
            key,
            field: Some(field),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, Key, Option<&'static str>) {
        match self {
            ApiError::BadRequest { key, field } => {
                (StatusCode::BAD_REQUEST, "bad_request", *key, *field)
            }
            ApiError::Invalid { field, .. } => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                Key::ErrBadRequest,
                Some(*field),
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "not_signed_in",
                Key::ErrNotSignedIn,
                None,
            ),
            ApiError::WrongPassword => (
                StatusCode::UNAUTHORIZED,
                "wrong_password",
                Key::ErrWrongPassword,
                None,
            ),
            ApiError::Forbidden(key) => {
                let code = match key {
                    Key::ErrPasswordChangeRequired => "password_change_required",
                    Key::ErrSiteForbidden => "site_forbidden",
                    Key::ErrAccountDisabled => "account_disabled",
                    Key::ErrDeviceNotEnrolled => "device_not_enrolled",
                    Key::ErrDeviceRevoked => "device_revoked",
                    _ => "forbidden",
                };
                (StatusCode::FORBIDDEN, code, *key, None)
            }
            ApiError::NotFound(key) => (StatusCode::NOT_FOUND, "not_found", *key, None),
            ApiError::Conflict { key, field } => (StatusCode::CONFLICT, "conflict", *key, *field),
            ApiError::NotJson => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "not_json",
                Key::ErrBadRequest,
                None,
            ),
            ApiError::UpdateRequired { .. } => (
                StatusCode::UPGRADE_REQUIRED,
                "update_required",
                Key::BlockedUpdate,
                None,
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                Key::ErrTooLarge,
                None,
            ),
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                Key::ErrRateLimited,
                None,
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                Key::ErrServer,
                None,
            ),
        }
    }

    /// The body in `locale`.
    pub fn body(&self, locale: Locale) -> ApiErrorBody {
        let (_, code, key, field) = self.parts();
        let retry_after_secs = match self {
            ApiError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let mut message = match self {
            ApiError::Invalid { message, .. } => message.clone(),
            _ => key.text(locale).to_string(),
        };
        if let Some(secs) = retry_after_secs {
            let minutes = secs.div_ceil(60).max(1);
            message = match locale {
                Locale::Zh => format!(
                    "{message}（{minutes} {}）",
                    Key::ErrRetryInMinutes.text(locale)
                ),
                Locale::En => format!(
                    "{message} ({minutes} {})",
                    Key::ErrRetryInMinutes.text(locale)
                ),
            };
        }
        ApiErrorBody {
            code: code.into(),
            message,
            field: field.map(Into::into),
            retry_after_secs,
            limits: matches!(self, ApiError::TooLarge).then(|| app::sync::LIMITS.to_value()),
            min_build: match self {
                ApiError::UpdateRequired { min_build } => Some(min_build.clone()),
                _ => None,
            },
        }
    }
}

/// Carried on the response until `localize` writes the body in the caller's language.
#[derive(Clone, Debug)]
pub struct PendingError(pub std::sync::Arc<ApiError>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, ..) = self.parts();
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = %e, "request failed");
        }
        let mut res = status.into_response();
        if let ApiError::RateLimited { retry_after_secs } = &self {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res.extensions_mut()
            .insert(PendingError(std::sync::Arc::new(self)));
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A shared rule's "this field cannot be saved as typed", as a 400 naming the field.
impl From<app::core::FieldError> for ApiError {
    fn from(e: app::core::FieldError) -> Self {
        ApiError::Invalid {
            message: e.message,
            field: e.field,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_follow_the_language() {
        let e = ApiError::WrongPassword;
        assert_eq!(e.body(Locale::Zh).message, "账号或密码错误");
        assert_eq!(e.body(Locale::En).code, "wrong_password");
        let r = ApiError::RateLimited {
            retry_after_secs: 61,
        }
        .body(Locale::Zh);
        assert!(r.message.contains("2 分钟"), "{}", r.message);
        let i = ApiError::Internal(anyhow::anyhow!("disk /secret/path full")).body(Locale::En);
        assert!(!i.message.contains("secret"));
    }
}
