//! People who signed in on this phone before, so they can sign in again while offline
//! (shift change in a basement). The phone keeps a salted PBKDF2-SHA256 verifier of the
//! password, never the password; the server is asked again as soon as it can be reached.

use crate::model::Me;
use serde::{Deserialize, Serialize};

/// Iterations of PBKDF2: slow enough to make guessing from a stolen phone costly, fast enough
/// (a fraction of a second) on a guard's phone.
pub const ITERATIONS: u32 = 60_000;
/// Most people remembered on one phone (the most recent first).
pub const MAX_PEOPLE: usize = 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KnownPerson {
    pub login: String,
    pub salt: String,
    pub iterations: u32,
    pub verifier: String,
    pub me: Me,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KnownPeople {
    pub people: Vec<KnownPerson>,
}

pub fn verifier(password: &str, salt: &[u8], iterations: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, iterations, &mut out);
    hex::encode(out)
}

/// Compares without stopping at the first different byte.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl KnownPeople {
    /// After a sign-in the server accepted: remember (or refresh) this person.
    pub fn remember(&mut self, login: &str, password: &str, salt: &[u8], me: Me) {
        self.people.retain(|p| p.login != login);
        self.people.insert(
            0,
            KnownPerson {
                login: login.to_string(),
                salt: hex::encode(salt),
                iterations: ITERATIONS,
                verifier: verifier(password, salt, ITERATIONS),
                me,
            },
        );
        self.people.truncate(MAX_PEOPLE);
    }

    /// Offline sign-in: `Ok(me)`, or why not.
    pub fn check(&self, login: &str, password: &str) -> Result<Me, OfflineRefusal> {
        let p = self
            .people
            .iter()
            .find(|p| p.login == login)
            .ok_or(OfflineRefusal::Unknown)?;
        let salt = hex::decode(&p.salt).map_err(|_| OfflineRefusal::Unknown)?;
        if same(&verifier(password, &salt, p.iterations), &p.verifier) {
            Ok(p.me.clone())
        } else {
            Err(OfflineRefusal::WrongPassword)
        }
    }

    /// A password changed online: the old verifier must not open the phone any more.
    pub fn forget(&mut self, login: &str) {
        self.people.retain(|p| p.login != login);
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

    #[test]
    fn only_the_right_password_opens_and_nothing_stores_it() {
        let mut k = KnownPeople::default();
        k.remember("zhao", "长城长城长城长城长城", b"salt-1", me("zhao"));
        assert_eq!(
            k.check("zhao", "长城长城长城长城长城").map(|m| m.login),
            Ok("zhao".into())
        );
        assert_eq!(k.check("zhao", "wrong"), Err(OfflineRefusal::WrongPassword));
        assert_eq!(k.check("qian", "x"), Err(OfflineRefusal::Unknown));
        let stored = serde_json::to_string(&k).unwrap();
        assert!(!stored.contains("长城"));
    }

    #[test]
    fn salts_differ_so_verifiers_differ() {
        assert_ne!(
            verifier("pw-123456789", b"a", 10),
            verifier("pw-123456789", b"b", 10)
        );
    }

    #[test]
    fn the_list_is_bounded_and_most_recent_first() {
        let mut k = KnownPeople::default();
        for i in 0..25 {
            k.remember(&format!("p{i}"), "pw", b"s", me(&format!("p{i}")));
        }
        assert_eq!(k.people.len(), MAX_PEOPLE);
        assert_eq!(k.people[0].login, "p24");
        k.forget("p24");
        assert_eq!(k.check("p24", "pw"), Err(OfflineRefusal::Unknown));
    }
}
