//! Watchlist (重点关注人员名单): persons the court asked to be alerted about. Phones hold neither
//! their document numbers nor their names: each entry travels as the first [`PHONE_KEY_HEX`]
//! hex digits (20 bits) of a PBKDF2-SHA256 key of the number under the entry's own salt, and the
//! phone computes the key of the number a guard types and compares those digits. A match on the
//! phone is therefore a *possible* match ("call the supervisor"): about one registration in
//! 5,000 with 200 entries matches by chance, and a stolen phone narrows a number down only to
//! the thousands that share its 20 bits (the README gives the search figures). The server,
//! which holds the visitor's number anyway, matches exactly and marks the visit.

use crate::core::FieldError;
use crate::i18n::watch_rules::Words;
use crate::i18n::Locale;
use crate::idcard::IdType;
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;
pub use view::{alerted_visits, find_hit, watchlist};

pub const WATCH: Entity = Entity::declare("watch");
pub const WATCH_ALERT: Entity = Entity::declare("watch_alert").kept_by("alerted_at", 30);

/// Iterations of PBKDF2 for a new entry's key: with a salt per entry, a registration computes
/// one key per entry, so 200 entries must stay within 300 ms on a cheap phone (measured by
/// `make bench`). The secrecy is in the short key, not in the rounds. (Entries made before
/// took 60,000 rounds under one court-wide salt: one computation for all of them.)
pub const ITERATIONS: u32 = 100;
/// Hex digits of an entry's key phones get.
pub const PHONE_KEY_HEX: usize = 5;

/// The part of a key phones get.
pub fn phone_key(full: &str) -> String {
    full.chars().take(PHONE_KEY_HEX).collect()
}

/// A watchlist entry as phones get it: its key cut to [`PHONE_KEY_HEX`] digits.
pub fn shape_for_phone(row: &mut serde_json::Map<String, serde_json::Value>) {
    if let Some(k) = row.get("key_hash").and_then(|k| k.as_str()) {
        let short = phone_key(k);
        row.insert("key_hash".into(), short.into());
    }
}

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
            // The phone holds the key's first digits: a possible match.
            !w.key_hash.is_empty() && k.starts_with(&w.key_hash)
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
        match self {
            AlertAction::NotifiedPolice => Words::NotifiedPolice,
            AlertAction::PoliceUnreachable => Words::PoliceUnreachable,
            AlertAction::NotThePerson => Words::NotThePerson,
        }
        .text(locale)
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
                reason: "法院通知".into(),
                key_hash: phone_key(&key(IdType::ResidentId, number, SALT, ITERATIONS)),
                salt: SALT.into(),
                iterations: ITERATIONS,
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
        // A phone holds 20 bits of the key, nothing of the number.
        assert_eq!(list[0].1.key_hash.len(), PHONE_KEY_HEX);
        assert!(!list[0].1.key_hash.contains("1949"));
        // A full key (as the server keeps it) matches too.
        let mut full = list.clone();
        full[0].1.key_hash = key(IdType::ResidentId, "11010519491231002X", SALT, ITERATIONS);
        assert_eq!(
            matches(&full, IdType::ResidentId, "11010519491231002X").len(),
            1
        );
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
