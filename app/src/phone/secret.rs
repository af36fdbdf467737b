//! The signed-in person's author secret on this phone (see [`crate::proof`]), kept for the
//! tab's session only, and the proof it signs each record with at save. Taking it from the
//! server, and signing again what waits, is [`crate::phone::author`].

use crate::phone::client::store;
use crate::phone::known::AuthorSecret;
use crate::proof::{sign, Proof};
use crate::sync::Mutation;

/// Session storage: the unwrapped secret of whoever is signed in.
pub const SESSION_KEY: &str = "gp.author";

pub fn current() -> Option<AuthorSecret> {
    store::session_get::<AuthorSecret>(SESSION_KEY)
}

pub fn keep(key: &AuthorSecret) {
    store::session_set(SESSION_KEY, key);
}

pub fn clear() {
    store::session_delete(SESSION_KEY);
}

/// The proof for `m`, made at `(client_id, m.id)`, when the signed-in person's secret is for
/// its author on this enrolment; else none (the server holds it until its author signs it).
pub fn proof_for(m: &Mutation, client_id: &str) -> Option<Proof> {
    let key = current().filter(|k| k.person == m.author && k.client_id == client_id)?;
    Some(sign(&key.bytes()?, m, client_id, m.id, key.generation))
}
