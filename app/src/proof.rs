//! Proven authors: each record carries an HMAC made with a secret that belongs to one person on
//! one phone. The server derives the secret from a key it keeps outside the database; the phone
//! holds it only while that person is signed in, and otherwise wrapped by a key derived from the
//! person's password (so opening it is the offline sign-in check). Both sides compute the
//! proof over the same canonical encoding, here.

use crate::sync::Mutation;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

pub use crate::sync::Proof;

/// Appends a length-prefixed field, so no two different records encode the same.
fn field(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Writes a JSON value with object keys in sorted order (whatever order the map kept them in).
fn canonical_json(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                canonical_json(&map[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// What a proof covers: where it was signed, the record's name and version, its author, its
/// times (the phone's clock and its estimate of the server's), the revision it was made on,
/// and its arguments. Not the id it is sent at now, nor what an enrolment added.
pub fn message(m: &Mutation, c: &str, n: u64, g: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    field(&mut out, b"guardpost-record-1");
    field(&mut out, c.as_bytes());
    field(&mut out, &n.to_be_bytes());
    field(&mut out, &g.to_be_bytes());
    field(&mut out, m.name.as_bytes());
    field(&mut out, &m.v.to_be_bytes());
    field(&mut out, m.author.as_bytes());
    field(&mut out, &m.client_time.to_be_bytes());
    let clock = m
        .clock
        .map(|k| [k.est, k.mono as i64, k.contact, k.behind])
        .unwrap_or([0; 4]);
    for x in clock {
        field(&mut out, &x.to_be_bytes());
    }
    field(&mut out, &m.base_version.unwrap_or(-1).to_be_bytes());
    let mut args = String::new();
    canonical_json(&m.args, &mut args);
    field(&mut out, args.as_bytes());
    out
}

fn mac(secret: &[u8], msg: &[u8]) -> HmacSha256 {
    let mut h = HmacSha256::new_from_slice(secret).expect("HMAC takes a key of any length");
    h.update(msg);
    h
}

/// Signs `m` as made at `(c, n)` with the author's secret of generation `g`.
pub fn sign(secret: &[u8], m: &Mutation, c: &str, n: u64, g: u32) -> Proof {
    let tag = mac(secret, &message(m, c, n, g)).finalize().into_bytes();
    Proof {
        c: c.to_string(),
        n,
        g,
        mac: hex::encode(tag),
    }
}

/// Does `proof` prove that the holder of `secret` made exactly `m`? (Constant-time compare.)
pub fn verify(secret: &[u8], m: &Mutation, proof: &Proof) -> bool {
    let Ok(tag) = hex::decode(&proof.mac) else {
        return false;
    };
    mac(secret, &message(m, &proof.c, proof.n, proof.g))
        .verify_slice(&tag)
        .is_ok()
}

/// The per-(person, phone) secret, as the server derives it from its key: the same secret for
/// the same person, phone and generation, so proofs still verify after a restore from a backup
/// (the key is not in the database, nor in its backups).
pub fn author_secret(server_key: &[u8], person: &str, client_id: &str, g: u32) -> [u8; 32] {
    let mut msg = Vec::new();
    field(&mut msg, b"guardpost-author-secret-1");
    field(&mut msg, person.as_bytes());
    field(&mut msg, client_id.as_bytes());
    field(&mut msg, &g.to_be_bytes());
    mac(server_key, &msg).finalize().into_bytes().into()
}

/// A secret kept on the phone, wrapped by a key derived from a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    pub salt: String,
    pub iterations: u32,
    /// The secret XOR the derived key (hex; one use per salt, a new salt at every wrap).
    pub sealed: String,
    /// HMAC of the secret under a fixed label, truncated: tells a wrong password (which
    /// unwraps to some other 32 bytes) from the right one.
    pub check: String,
}

fn derive(password: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut out);
    out
}

fn check_of(secret: &[u8]) -> String {
    let tag = mac(secret, b"guardpost-known-check")
        .finalize()
        .into_bytes();
    hex::encode(&tag[..16])
}

/// Wraps a 32-byte secret by `password` (one PBKDF2 derivation, `iterations` rounds).
pub fn wrap(secret: &[u8; 32], password: &str, salt: &[u8], iterations: u32) -> Wrapped {
    let k = derive(password, salt, iterations);
    let sealed: Vec<u8> = secret.iter().zip(k.iter()).map(|(a, b)| a ^ b).collect();
    Wrapped {
        salt: hex::encode(salt),
        iterations,
        sealed: hex::encode(sealed),
        check: check_of(secret),
    }
}

/// The secret, if `password` is the one it was wrapped by.
pub fn unwrap(w: &Wrapped, password: &str) -> Option<[u8; 32]> {
    let salt = hex::decode(&w.salt).ok()?;
    let sealed = hex::decode(&w.sealed).ok()?;
    if sealed.len() != 32 {
        return None;
    }
    let k = derive(password, &salt, w.iterations);
    let mut secret = [0u8; 32];
    for i in 0..32 {
        secret[i] = sealed[i] ^ k[i];
    }
    let check = check_of(&secret);
    let same = check.len() == w.check.len()
        && check
            .bytes()
            .zip(w.check.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0;
    same.then_some(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(author: &str, args: serde_json::Value) -> Mutation {
        Mutation {
            id: 7,
            name: "screening.sample".into(),
            v: 1,
            author: author.into(),
            args,
            client_time: 1_700_000_000_000,
            clock: None,
            base_version: None,
            oversized: None,
            replay_of: Vec::new(),
            proof: None,
        }
    }

    #[test]
    fn a_proof_verifies_only_its_record_and_its_author() {
        let key = [9u8; 32];
        let a = author_secret(&key, "guard-a", "client-1", 0);
        let b = author_secret(&key, "guard-b", "client-1", 0);
        assert_ne!(a, b);
        assert_ne!(a, author_secret(&key, "guard-a", "client-2", 0));
        assert_ne!(a, author_secret(&key, "guard-a", "client-1", 1));
        let rec = m("guard-a", json!({"id": "x", "ok": true}));
        let p = sign(&a, &rec, "client-1", 7, 0);
        assert!(verify(&a, &rec, &p));
        // Another person's secret, another author named, another argument, another time,
        // another place it claims to be signed at: each fails.
        assert!(!verify(&b, &rec, &p));
        let mut forged = rec.clone();
        forged.author = "guard-b".into();
        assert!(!verify(&a, &forged, &p));
        let mut changed = rec.clone();
        changed.args = json!({"id": "x", "ok": false});
        assert!(!verify(&a, &changed, &p));
        let mut later = rec.clone();
        later.client_time += 1;
        assert!(!verify(&a, &later, &p));
        assert!(!verify(&a, &rec, &Proof { n: 8, ..p.clone() }));
        assert!(!verify(&a, &rec, &Proof { g: 1, ..p.clone() }));
        assert!(!verify(
            &a,
            &rec,
            &Proof {
                mac: "zz".into(),
                ..p.clone()
            }
        ));
        // The id it is sent at and what an enrolment adds are not covered.
        let mut moved = rec.clone();
        moved.id = 40;
        moved.replay_of = vec!["client-1/7".into()];
        assert!(verify(&a, &moved, &p));
    }

    #[test]
    fn the_encoding_does_not_depend_on_key_order() {
        let x: serde_json::Value =
            serde_json::from_str(r#"{"b":1,"a":{"d":[1,"二"],"c":null}}"#).unwrap();
        let y: serde_json::Value =
            serde_json::from_str(r#"{"a":{"c":null,"d":[1,"二"]},"b":1}"#).unwrap();
        assert_eq!(
            message(&m("p", x), "c", 1, 0),
            message(&m("p", y), "c", 1, 0)
        );
        let mut s = String::new();
        canonical_json(&json!({"b": 1.5, "a": "引号\""}), &mut s);
        assert_eq!(s, r#"{"a":"引号\"","b":1.5}"#);
    }

    #[test]
    fn only_the_password_unwraps_the_secret() {
        let secret = [42u8; 32];
        let w = wrap(&secret, "长城长城长城长城长城", b"salt-salt-salt-1", 10);
        assert_eq!(unwrap(&w, "长城长城长城长城长城"), Some(secret));
        assert_eq!(unwrap(&w, "长城长城长城长城长"), None);
        let stored = serde_json::to_string(&w).unwrap();
        assert!(!stored.contains(&hex::encode(secret)));
        // A new salt, a new pad: two wraps of one secret share nothing.
        let w2 = wrap(&secret, "长城长城长城长城长城", b"salt-salt-salt-2", 10);
        assert_ne!(w.sealed, w2.sealed);
    }
}
