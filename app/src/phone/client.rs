//! The phone's side of talking to the server and keeping things on the phone.
//!
//! Everything here runs only in the browser (after hydration); on the server the same functions
//! exist so components compile on both sides, but they are never called during rendering.

use crate::model::ApiErrorBody;
use serde::{de::DeserializeOwned, Serialize};

/// Why a call to the server did not give what was asked.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer at all: offline, server down, or the request was cut.
    Network,
    /// The server answered with a refusal it explained.
    Refused { status: u16, body: ApiErrorBody },
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Network => None,
            ApiError::Refused { status, .. } => Some(*status),
        }
    }
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Network => None,
            ApiError::Refused { body, .. } => Some(body.code.as_str()),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// GET a JSON resource.
pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    send::<(), T>("GET", path, None).await
}

/// POST (or PUT) a JSON body, read a JSON answer.
pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    send("POST", path, Some(body)).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ApiResult<T> {
    send("PUT", path, Some(body)).await
}

/// POST as this enrolled device (sync endpoints).
pub async fn post_with_device<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    device_key: &str,
) -> ApiResult<T> {
    send_with("POST", path, Some(body), Some(device_key)).await
}

async fn send<B: Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&B>,
) -> ApiResult<T> {
    send_with(method, path, body, None).await
}

#[cfg(feature = "hydrate")]
async fn send_with<B: Serialize, T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&B>,
    device_key: Option<&str>,
) -> ApiResult<T> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let window = web_sys::window().ok_or(ApiError::Network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.set("Accept", "application/json");
    if let Some(key) = device_key {
        let _ = headers.set("x-guardpost-device-key", key);
    }
    if let Some(body) = body {
        let json = serde_json::to_string(body).map_err(|_| ApiError::Network)?;
        let _ = headers.set("Content-Type", "application/json");
        init.set_body(&wasm_bindgen::JsValue::from_str(&json));
    }
    init.set_headers(&headers);
    let resp = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| ApiError::Network)?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| ApiError::Network)?;
    let status = resp.status();
    let text = match resp.text() {
        Ok(p) => JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if (200..300).contains(&status) {
        let text = if text.is_empty() { "null" } else { &text };
        serde_json::from_str(text).map_err(|_| ApiError::Refused {
            status,
            body: ApiErrorBody {
                code: "bad_response".into(),
                message: String::new(),
                field: None,
                retry_after_secs: None,
                limits: None,
                min_build: None,
            },
        })
    } else if status == 0 {
        Err(ApiError::Network)
    } else {
        let body = serde_json::from_str(&text).unwrap_or(ApiErrorBody {
            code: "http_error".into(),
            message: format!("HTTP {status}"),
            field: None,
            retry_after_secs: None,
            limits: None,
            min_build: None,
        });
        Err(ApiError::Refused { status, body })
    }
}

#[cfg(not(feature = "hydrate"))]
async fn send_with<B: Serialize, T: DeserializeOwned>(
    _method: &str,
    _path: &str,
    _body: Option<&B>,
    _device_key: Option<&str>,
) -> ApiResult<T> {
    Err(ApiError::Network)
}

/// Local storage on the phone, by key. Reads give `None` on the server.
pub mod store {
    use serde::{de::DeserializeOwned, Serialize};

    pub const ME: &str = "gp.me";
    /// The height (px) the home's "needs you now" took last time (read before the first
    /// paint by the page's head).
    pub const NOW_HEIGHT: &str = "gp.now_height";
    pub const LAST_CONTACT: &str = "gp.last_contact";
    /// People who signed in on this phone before (offline sign-in verifiers).
    pub const KNOWN: &str = "gp.known";
    /// Set when someone signed out while the server could not be told: it is told on reconnect.
    pub const SIGNED_OUT: &str = "gp.signed_out";
    /// The sites the signed-in person works at (forms work offline from them).
    pub const SITES: &str = "gp.sites";
    /// The person whose home the worker keeps a copy of (see `home_copy::person_home`).
    pub const HOME_PERSON: &str = "gp.home_person";
    /// Set in a tab that asked the worker for its pages again in the chosen language.
    pub const RELANG: &str = "gp.relang";
    /// The last site and destination this phone registered at: preselected next time.
    pub const LAST_POST: &str = "gp.last_post";

    #[cfg(feature = "hydrate")]
    pub fn get<T: DeserializeOwned>(key: &str) -> Option<T> {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::get(key).ok()
    }

    /// Writes `value`; `false` when the phone refused (storage full or disabled).
    #[cfg(feature = "hydrate")]
    pub fn set<T: Serialize>(key: &str, value: &T) -> bool {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::set(key, value).is_ok()
    }

    #[cfg(feature = "hydrate")]
    pub fn delete(key: &str) {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::delete(key)
    }

    /// This tab's session storage (gone when the tab or app closes): what must not outlive
    /// a sign-in, like the author secret.
    #[cfg(feature = "hydrate")]
    pub fn session_get<T: DeserializeOwned>(key: &str) -> Option<T> {
        use gloo_storage::Storage;
        gloo_storage::SessionStorage::get(key).ok()
    }
    #[cfg(feature = "hydrate")]
    pub fn session_set<T: Serialize>(key: &str, value: &T) -> bool {
        use gloo_storage::Storage;
        gloo_storage::SessionStorage::set(key, value).is_ok()
    }
    #[cfg(feature = "hydrate")]
    pub fn session_delete(key: &str) {
        use gloo_storage::Storage;
        gloo_storage::SessionStorage::delete(key)
    }
    #[cfg(not(feature = "hydrate"))]
    pub fn session_get<T: DeserializeOwned>(_key: &str) -> Option<T> {
        None
    }
    #[cfg(not(feature = "hydrate"))]
    pub fn session_set<T: Serialize>(_key: &str, _value: &T) -> bool {
        false
    }
    #[cfg(not(feature = "hydrate"))]
    pub fn session_delete(_key: &str) {}

    #[cfg(not(feature = "hydrate"))]
    pub fn get<T: DeserializeOwned>(_key: &str) -> Option<T> {
        None
    }
    #[cfg(not(feature = "hydrate"))]
    pub fn set<T: Serialize>(_key: &str, _value: &T) -> bool {
        false
    }
    #[cfg(not(feature = "hydrate"))]
    pub fn delete(_key: &str) {}
}

/// Milliseconds since the epoch by the phone's clock (for display only, never for ordering).
#[cfg(feature = "hydrate")]
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
#[cfg(not(feature = "hydrate"))]
pub fn now_ms() -> f64 {
    0.0
}

/// The court's date (China time) today by the phone's clock.
pub fn court_today() -> (i32, u32, u32) {
    crate::core::court_date(now_ms() as i64)
}

/// The court's date today as `YYYY-MM-DD`.
pub fn court_today_text() -> String {
    crate::core::date_text(court_today())
}

/// "HH:MM" (today) or "MM-DD HH:MM" of a time in the phone's time zone.
#[cfg(feature = "hydrate")]
pub fn format_local_time(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let today = js_sys::Date::new_0();
    let same_day = d.get_date() == today.get_date() && d.get_month() == today.get_month();
    if same_day {
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
    } else {
        format!(
            "{:02}-{:02} {:02}:{:02}",
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        )
    }
}
#[cfg(not(feature = "hydrate"))]
pub fn format_local_time(_ms: f64) -> String {
    String::new()
}

/// `n` random bytes from the browser's cryptographic generator.
#[cfg(feature = "hydrate")]
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = c.get_random_values_with_u8_array(&mut buf);
    }
    buf
}
#[cfg(not(feature = "hydrate"))]
pub fn random_bytes(n: usize) -> Vec<u8> {
    vec![0u8; n]
}

/// Sets the language cookie for a year (read by the server on the next render).
#[cfg(feature = "hydrate")]
pub fn set_lang_cookie(value: &str) {
    use wasm_bindgen::JsCast;
    if let Some(doc) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    {
        let _ = doc.set_cookie(&format!(
            "{}={value}; Path=/; Max-Age=31536000; SameSite=Lax",
            crate::i18n::LANG_COOKIE
        ));
    }
}
#[cfg(not(feature = "hydrate"))]
pub fn set_lang_cookie(_value: &str) {}

/// The language the person chose on this phone (its cookie), if they chose one.
#[cfg(feature = "hydrate")]
pub fn lang_cookie() -> Option<String> {
    use wasm_bindgen::JsCast;
    let cookies = web_sys::window()?
        .document()?
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?
        .cookie()
        .ok()?;
    let prefix = format!("{}=", crate::i18n::LANG_COOKIE);
    cookies
        .split(';')
        .find_map(|c| c.trim().strip_prefix(prefix.as_str()).map(str::to_string))
}

/// Asks the person yes or no (the browser's dialog).
#[cfg(feature = "hydrate")]
pub fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(true)
}
#[cfg(not(feature = "hydrate"))]
pub fn confirm(_text: &str) -> bool {
    true
}

/// Asks for a line of text (`None` when cancelled).
#[cfg(feature = "hydrate")]
pub fn prompt(text: &str) -> Option<String> {
    web_sys::window().and_then(|w| w.prompt_with_message(text).ok().flatten())
}
#[cfg(not(feature = "hydrate"))]
pub fn prompt(_text: &str) -> Option<String> {
    None
}

/// Runs `f` holding the phone-wide sync lock (`navigator.locks`), so two tabs never flush at
/// once; when another tab holds it, returns at once without running `f` (that tab is syncing).
/// Browsers without the Web Locks API run `f` directly: the outbox's writes stay safe anyway.
#[cfg(feature = "hydrate")]
pub async fn with_sync_lock<F>(f: F)
where
    F: std::future::Future<Output = ()> + 'static,
{
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let request = locks.as_ref().and_then(|l| {
        js_sys::Reflect::get(l, &"request".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    let (Some(locks), Some(request)) = (locks, request) else {
        f.await;
        return;
    };
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"ifAvailable".into(), &JsValue::TRUE);
    let cb = Closure::once(move |lock: JsValue| -> js_sys::Promise {
        if lock.is_null() {
            js_sys::Promise::resolve(&JsValue::FALSE)
        } else {
            wasm_bindgen_futures::future_to_promise(async move {
                f.await;
                Ok(JsValue::TRUE)
            })
        }
    });
    if let Ok(p) = request.call3(&locks, &"guardpost-sync".into(), &opts, cb.as_ref()) {
        if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        }
    }
}

#[cfg(not(feature = "hydrate"))]
pub async fn with_sync_lock<F>(f: F)
where
    F: std::future::Future<Output = ()> + 'static,
{
    f.await
}
