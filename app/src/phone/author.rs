//! The signed-in person's author secret on this phone (see [`crate::proof`]): taken from the
//! server at an online sign-in on an enrolled phone, or unwrapped by the password at an offline
//! one; kept for the tab's session only; used to sign every record they save; and, once a new
//! one is taken, to sign again what waits unsigned or was held.

use crate::phone::client::{self, store};
use crate::phone::known::{AuthorSecret, KnownPeople};
use crate::phone::queue::{self, device};
use crate::phone::secret::{current, keep};
use crate::phone::state::AppState;
use crate::proof::{sign, Proof};
use crate::sync::{EntryState, MutationResult};
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Issued {
    secret: String,
    generation: u32,
    remember: bool,
}

/// Takes the signed-in person's secret for this phone from the server (online, enrolled).
/// `Some(remember)` when it did.
pub async fn fetch(app: AppState) -> Option<bool> {
    let (dev, me) = (device()?, app.me.get_untracked()?);
    let body = serde_json::json!({"client_id": dev.client_id});
    let issued: Issued =
        client::post_with_device("/api/sync/v1/author-key", &body, &dev.device_key)
            .await
            .ok()?;
    keep(&AuthorSecret {
        person: me.id.clone(),
        client_id: dev.client_id,
        generation: issued.generation,
        secret: issued.secret,
    });
    if !issued.remember {
        let mut known = store::get::<KnownPeople>(store::KNOWN).unwrap_or_default();
        known.forget(&me.login);
        store::set(store::KNOWN, &known);
    }
    Some(issued.remember)
}

/// After a new secret: signs what the signed-in person queued unsigned (an older build, a
/// session without a secret) or with a voided secret, and asks the server to apply what it
/// held of theirs, signed anew.
pub async fn sign_waiting(app: AppState) {
    let held = sign_pending(true).await;
    let Some(dev) = device() else { return };
    for chunk in held.chunks(crate::sync::LIMITS.batch) {
        let body = serde_json::json!({"client_id": dev.client_id, "signed": chunk});
        let Ok(results) = client::post_with_device::<_, Vec<MutationResult>>(
            "/api/sync/v1/resign",
            &body,
            &dev.device_key,
        )
        .await
        else {
            break;
        };
        queue::update(|x| x.on_settled(&results, client::now_ms() as i64)).await;
    }
    queue::refresh_counts(app);
}

/// Signs the signed-in person's pending records that carry no proof of their current secret
/// (run before every send too, so none goes out unsigned when it could be signed). With
/// `held`, also returns the proofs for their records the server holds.
pub async fn sign_pending(held: bool) -> Vec<(u64, Proof)> {
    let mut out: Vec<(u64, Proof)> = Vec::new();
    let (Some(key), Some(dev)) = (current(), device()) else {
        return out;
    };
    let Some(secret) = key.bytes() else {
        return out;
    };
    if key.client_id != dev.client_id {
        return out;
    }
    let stale = |e: &crate::sync::Entry| {
        e.mutation.author == key.person
            && e.mutation.name != crate::sync::SKIP
            && match &e.state {
                EntryState::Pending => e
                    .mutation
                    .proof
                    .as_ref()
                    .is_none_or(|p| p.g != key.generation),
                EntryState::Held { code, .. } => held && code != "device_revoked",
                _ => false,
            }
    };
    // Nothing to sign (the usual case before a send): no write.
    if !queue::load().entries.iter().any(stale) {
        return out;
    }
    queue::update(|o| {
        if o.client_id != dev.client_id {
            return;
        }
        for e in o.entries.iter_mut().filter(|e| stale(e)) {
            let proof = sign(
                &secret,
                &e.mutation,
                &dev.client_id,
                e.mutation.id,
                key.generation,
            );
            if e.state == EntryState::Pending {
                e.mutation.proof = Some(proof);
            } else {
                out.push((e.mutation.id, proof));
            }
        }
    })
    .await;
    out
}

/// After the server accepted this person's password (a sign-in, a change of password): takes
/// their secret for this phone, remembers them wrapped by that password if they may be
/// remembered (else forgets them), and signs what waits for them.
pub async fn signed_in_online(app: AppState, login: &str, password: &str, me: &crate::model::Me) {
    let mut known = store::get::<KnownPeople>(store::KNOWN).unwrap_or_default();
    // Whatever the phone held for them was wrapped by a password the server may no longer
    // take: replaced below, or gone.
    known.forget(login);
    store::set(store::KNOWN, &known);
    if fetch(app).await == Some(true) {
        if let Some(key) = current() {
            let mut known = store::get::<KnownPeople>(store::KNOWN).unwrap_or_default();
            known.remember(login, password, &client::random_bytes(16), me.clone(), &key);
            store::set(store::KNOWN, &known);
        }
    }
    sign_waiting(app).await;
}
