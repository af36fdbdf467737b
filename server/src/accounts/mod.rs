//! People and their accounts: signing in and out, passwords, the people an administrator
//! keeps, the first administrator.

pub mod admin;
pub mod password;
pub mod people;
pub mod sign_in;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sign_in::router())
        .merge(people::router())
}

#[cfg(test)]
mod tests {
    use super::password::*;
    use crate::http::caller::*;
    use crate::http::locale_of;
    use crate::http::ApiError;
    use app::i18n::{Key, Locale};
    use app::model::{Action, Role};
    use axum::http::{header, HeaderMap, HeaderValue};

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("长城长城长城长城长城").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("长城长城长城长城长城", &h));
        assert!(!verify_password("长城长城长城长城长", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn one_time_passwords_are_long_and_unambiguous() {
        let a = one_time_password();
        assert_eq!(a.len(), 12);
        assert!(!a.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(a, one_time_password());
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; gp_session=tok; gp_lang=en"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(locale_of(&h), Locale::En);
        assert_eq!(cookie(&h, "gp"), None);
    }

    #[test]
    fn site_scope() {
        let c = Caller {
            id: "p".into(),
            login: "g".into(),
            display_name: "G".into(),
            roles: vec![Role::Guard],
            site_ids: vec!["s1".into()],
            must_change_password: false,
            token_hash: String::new(),
        };
        assert!(c.require_site(Action::ViewSites, "s1").is_ok());
        assert!(matches!(
            c.require_site(Action::ViewSites, "s2"),
            Err(ApiError::Forbidden(Key::ErrSiteForbidden))
        ));
        assert!(c.require(Action::ManagePeople).is_err());
        let fresh = Caller {
            must_change_password: true,
            ..c
        };
        assert!(matches!(
            fresh.require(Action::ViewSites),
            Err(ApiError::Forbidden(Key::ErrPasswordChangeRequired))
        ));
    }
}
