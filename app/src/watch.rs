//! Watchlist (重点关注人员名单): persons the court asked to be alerted about. Phones never hold
//! their document numbers: each entry travels as a salted PBKDF2-SHA256 key of the number, and
//! the phone computes the same key of the number a guard types (once per registration, the
//! salt being one for the whole court) and compares. The server, which holds the visitor's
//! number anyway, matches too and marks the visit.

use crate::front::FieldError;
use crate::i18n::Locale;
use crate::idcard::IdType;
use serde::{Deserialize, Serialize};

/// Iterations of PBKDF2 for watch keys (as for offline sign-in: a fraction of a second on a
/// phone, and each guess at a number costs an attacker as much).
pub const ITERATIONS: u32 = 60_000;

/// The key of a document number (already normalised by [`crate::idcard::check_number`]).
pub fn key(id_type: IdType, number: &str, salt_hex: &str, iterations: u32) -> String {
    let salt = hex::decode(salt_hex).unwrap_or_default();
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
        format!("{}:{}", id_type.code(), number).as_bytes(),
        &salt,
        iterations,
        &mut out,
    );
    hex::encode(out)
}

/// A watchlist entry as phones see it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WatchRow {
    pub name: String,
    #[serde(default)]
    pub id_masked: String,
    #[serde(default)]
    pub reason: String,
    pub key_hash: String,
    pub salt: String,
    pub iterations: u32,
}

/// The entries whose key matches `number`; each distinct salt is computed once.
pub fn matches<'a>(
    entries: &'a [(String, WatchRow)],
    id_type: IdType,
    number: &str,
) -> Vec<&'a (String, WatchRow)> {
    let mut keys: Vec<((&str, u32), String)> = Vec::new();
    entries
        .iter()
        .filter(|(_, w)| {
            let params = (w.salt.as_str(), w.iterations);
            let k = match keys.iter().find(|(p, _)| *p == params) {
                Some((_, k)) => k.clone(),
                None => {
                    let k = key(id_type, number, &w.salt, w.iterations);
                    keys.push((params, k.clone()));
                    k
                }
            };
            k == w.key_hash
        })
        .collect()
}

/// An entry as supervisors and administrators see it (masked).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WatchEntry {
    pub id: String,
    pub name: String,
    pub id_type: String,
    pub id_masked: String,
    pub reason: String,
    pub added_by: String,
    pub created_at: i64,
}

/// `POST /api/v1/watchlist`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewWatchEntry {
    pub name: String,
    pub id_type: IdType,
    pub id_number: String,
    pub reason: String,
}

/// What the guard did about an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertAction {
    /// Judicial police called and told.
    NotifiedPolice,
    /// Judicial police could not be reached (the note says what was done instead).
    PoliceUnreachable,
    /// Not the person (the guard compared the document): the note says why.
    NotThePerson,
}

impl AlertAction {
    pub const ALL: [AlertAction; 3] = [
        AlertAction::NotifiedPolice,
        AlertAction::PoliceUnreachable,
        AlertAction::NotThePerson,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AlertAction::NotifiedPolice => "notified_police",
            AlertAction::PoliceUnreachable => "police_unreachable",
            AlertAction::NotThePerson => "not_the_person",
        }
    }
    pub fn label(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            AlertAction::NotifiedPolice => ("已通知司法警察", "Judicial police notified"),
            AlertAction::PoliceUnreachable => ("未能联系司法警察", "Police could not be reached"),
            AlertAction::NotThePerson => ("核实非本人", "Checked: not the person"),
        };
        if locale == Locale::Zh {
            zh
        } else {
            en
        }
    }
}

/// `watch.alert` v1: an alert raised at a registration and what was done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub id: String,
    pub site_id: String,
    pub visit_id: String,
    pub watch_id: String,
    pub action: AlertAction,
    #[serde(default)]
    pub note: String,
}

pub fn check_alert(a: &Alert, locale: Locale) -> Result<(), FieldError> {
    let note = a.note.trim();
    if a.action != AlertAction::NotifiedPolice && note.is_empty() {
        return Err(FieldError {
            field: "note",
            message: if locale == Locale::Zh {
                "请写明处理情况"
            } else {
                "Say what was done"
            }
            .into(),
        });
    }
    if note.chars().count() > 200 {
        return Err(FieldError {
            field: "note",
            message: if locale == Locale::Zh {
                "最多200字"
            } else {
                "At most 200 characters"
            }
            .into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: &str = "00112233445566778899aabbccddeeff";

    fn row(number: &str) -> (String, WatchRow) {
        (
            "w1".into(),
            WatchRow {
                name: "某某".into(),
                id_masked: crate::idcard::mask(number),
                reason: "法院通知".into(),
                key_hash: key(IdType::ResidentId, number, SALT, 1_000),
                salt: SALT.into(),
                iterations: 1_000,
            },
        )
    }

    #[test]
    fn a_number_matches_its_key_and_no_other() {
        let list = vec![row("11010519491231002X")];
        assert_eq!(
            matches(&list, IdType::ResidentId, "11010519491231002X").len(),
            1
        );
        assert!(matches(&list, IdType::ResidentId, "110105194912310037").is_empty());
        // The same characters as another kind of document are another key.
        assert!(matches(&list, IdType::Passport, "11010519491231002X").is_empty());
        // The key does not contain the number.
        assert!(!list[0].1.key_hash.contains("19491231"));
    }

    #[test]
    fn an_alert_other_than_police_notified_says_what_was_done() {
        let mut a = Alert {
            id: "a".into(),
            site_id: "s".into(),
            visit_id: "v".into(),
            watch_id: "w".into(),
            action: AlertAction::PoliceUnreachable,
            note: " ".into(),
        };
        assert_eq!(check_alert(&a, Locale::Zh).unwrap_err().field, "note");
        a.action = AlertAction::NotifiedPolice;
        assert!(check_alert(&a, Locale::Zh).is_ok());
    }
}
