//! People who signed in on this phone before, so they can sign in again while offline (shift
//! change in a basement). The phone keeps each one's author secret for this phone wrapped by a
//! key derived from their password ([`crate::proof::wrap`]), never the password: unwrapping it
//! is the offline sign-in check, and the unwrapped secret signs their records until they sign
//! out. Administrators are never remembered; the server tells the phone at every pull whom to
//! forget (disabled, password reset or changed).

use crate::model::Me;
use crate::proof::{unwrap, wrap, Wrapped};
use serde::{Deserialize, Serialize};

/// Rounds of PBKDF2-SHA256 for the wrapping key: one derivation per offline sign-in (and one
/// per online sign-in to wrap). Measured by `make bench` (`end2end/bench/derive.spec.ts`) in
/// Chromium with the CPU throttled 4x: see the README.
pub const ITERATIONS: u32 = 150_000;
/// Most people remembered on one phone (the most recent first).
pub const MAX_PEOPLE: usize = 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KnownPerson {
    pub login: String,
    pub me: Me,
    /// The enrolment the secret belongs to, and its generation.
    pub client_id: String,
    pub generation: u32,
    pub wrapped: Wrapped,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KnownPeople {
    pub people: Vec<KnownPerson>,
}

/// The secret a person signs with while signed in on this phone (kept for the tab's session).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthorSecret {
    pub person: String,
    pub client_id: String,
    pub generation: u32,
    /// Hex.
    pub secret: String,
}

impl AuthorSecret {
    pub fn bytes(&self) -> Option<[u8; 32]> {
        hex::decode(&self.secret).ok()?.try_into().ok()
    }
}

impl KnownPeople {
    /// After a sign-in the server accepted: remember (or refresh) this person with their
    /// secret wrapped by `password` (a fresh `salt` each time).
    pub fn remember(
        &mut self,
        login: &str,
        password: &str,
        salt: &[u8],
        me: Me,
        key: &AuthorSecret,
    ) {
        self.remember_at(login, password, salt, me, key, ITERATIONS)
    }

    /// As [`Self::remember`], with `iterations` rounds (tests use few).
    pub fn remember_at(
        &mut self,
        login: &str,
        password: &str,
        salt: &[u8],
        me: Me,
        key: &AuthorSecret,
        iterations: u32,
    ) {
        let Some(secret) = key.bytes() else { return };
        self.people.retain(|p| p.login != login);
        self.people.insert(
            0,
            KnownPerson {
                login: login.to_string(),
                me,
                client_id: key.client_id.clone(),
                generation: key.generation,
                wrapped: wrap(&secret, password, salt, iterations),
            },
        );
        self.people.truncate(MAX_PEOPLE);
    }

    /// Offline sign-in: who, and the secret they sign with, or why not.
    pub fn check(&self, login: &str, password: &str) -> Result<(Me, AuthorSecret), OfflineRefusal> {
        let p = self
            .people
            .iter()
            .find(|p| p.login == login)
            .ok_or(OfflineRefusal::Unknown)?;
        let secret = unwrap(&p.wrapped, password).ok_or(OfflineRefusal::WrongPassword)?;
        Ok((
            p.me.clone(),
            AuthorSecret {
                person: p.me.id.clone(),
                client_id: p.client_id.clone(),
                generation: p.generation,
                secret: hex::encode(secret),
            },
        ))
    }

    /// A password changed online, or an administrator signed in: nothing of theirs stays.
    pub fn forget(&mut self, login: &str) {
        self.people.retain(|p| p.login != login);
    }

    /// The server said these people may no longer open the phone.
    pub fn forget_ids(&mut self, ids: &[String]) {
        self.people.retain(|p| !ids.contains(&p.me.id));
    }

    /// What a pull tells the server: each person and the generation of their secret.
    pub fn refs(&self) -> Vec<(String, u32)> {
        self.people
            .iter()
            .map(|p| (p.me.id.clone(), p.generation))
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfflineRefusal {
    /// Never signed in on this phone: needs the server once.
    Unknown,
    WrongPassword,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me(login: &str) -> Me {
        Me {
            id: format!("id-{login}"),
            login: login.into(),
            display_name: login.into(),
            roles: vec![crate::model::Role::Guard],
            site_ids: vec![],
            must_change_password: false,
        }
    }

    fn key(person: &str) -> AuthorSecret {
        AuthorSecret {
            person: person.into(),
            client_id: "c1".into(),
            generation: 2,
            secret: hex::encode([7u8; 32]),
        }
    }

    #[test]
    fn only_the_right_password_opens_and_nothing_stores_it() {
        let mut k = KnownPeople::default();
        k.remember_at(
            "zhao",
            "长城长城长城长城长城",
            b"salt-1",
            me("zhao"),
            &key("id-zhao"),
            100,
        );
        let (who, secret) = k.check("zhao", "长城长城长城长城长城").unwrap();
        assert_eq!(who.login, "zhao");
        assert_eq!(secret, key("id-zhao"));
        assert_eq!(
            k.check("zhao", "wrong").unwrap_err(),
            OfflineRefusal::WrongPassword
        );
        assert_eq!(k.check("qian", "x").unwrap_err(), OfflineRefusal::Unknown);
        let stored = serde_json::to_string(&k).unwrap();
        assert!(!stored.contains("长城"));
        assert!(
            !stored.contains(&key("").secret),
            "the secret is only stored wrapped"
        );
        assert_eq!(k.refs(), vec![("id-zhao".to_string(), 2)]);
        k.forget_ids(&["id-zhao".into()]);
        assert_eq!(
            k.check("zhao", "长城长城长城长城长城").unwrap_err(),
            OfflineRefusal::Unknown
        );
    }

    #[test]
    fn the_list_is_bounded_and_most_recent_first() {
        let mut k = KnownPeople::default();
        for i in 0..25 {
            let mut m = me(&format!("p{i}"));
            m.id = format!("p{i}");
            k.remember_at(&format!("p{i}"), "pw", b"s", m, &key(&format!("p{i}")), 10);
        }
        assert_eq!(k.people.len(), MAX_PEOPLE);
        assert_eq!(k.people[0].login, "p24");
        k.forget("p24");
        assert_eq!(k.check("p24", "pw").unwrap_err(), OfflineRefusal::Unknown);
    }
}
