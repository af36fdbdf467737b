//! The caller's language: the `gp_lang` cookie the page also renders with.

use super::caller::cookie;
use app::i18n::Locale;
use axum::http::HeaderMap;

pub fn locale_of(headers: &HeaderMap) -> Locale {
    cookie(headers, app::i18n::LANG_COOKIE)
        .map(Locale::from_cookie_value)
        .unwrap_or_default()
}
