//! The phone's outbox and the flusher that sends it (the design is `shared/design/sync.md`; the
//! state machine is [`crate::sync::Outbox`]).
//!
//! Every change to the stored outbox is one synchronous read-modify-write of local storage,
//! never a copy held across an `await`: a second tab saving meanwhile cannot be overwritten.

use crate::client::{self, store};
use crate::i18n::Key;
use crate::state::AppState;
use crate::sync::{
    Outbox, PullRequest, PullResponse, PushRequest, PushResponse, Rows, View, MAX_BATCH, PROTOCOL,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const OUTBOX: &str = "gp.outbox";
pub const DEVICE: &str = "gp.device";
pub const LAST_SYNC: &str = "gp.last_sync";
pub const VIEW: &str = "gp.view";

/// This phone's enrolment: its client id and the key only it holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub client_id: String,
    pub device_key: String,
}

/// Why a save did not happen. The form keeps what was typed.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveError {
    /// The phone refused the write (storage full or disabled).
    StorageFull,
}

pub fn load() -> Outbox {
    store::get::<Outbox>(OUTBOX).unwrap_or_default()
}

/// Read, change, write back in one go. `false` when the write failed (nothing changed).
fn update(f: impl FnOnce(&mut Outbox)) -> bool {
    let mut o = load();
    f(&mut o);
    store::set(OUTBOX, &o)
}

/// Saves a mutation before anything says "saved". Returns its id.
pub fn save(
    app: AppState,
    name: &str,
    v: u32,
    author: &str,
    args: serde_json::Value,
) -> Result<u64, SaveError> {
    save_replacing(app, name, v, author, args, None, None)
}

/// Saves a record by the signed-in person and starts sending it; on failure, the text to show.
pub fn save_and_sync(
    app: AppState,
    name: &str,
    v: u32,
    args: &impl serde::Serialize,
) -> Result<u64, String> {
    save_and_sync_on(app, name, v, args, None)
}

/// As [`save_and_sync`], for a change to a record the server may have changed meanwhile:
/// `base_version` is the revision the person read (the server refuses it if stale).
pub fn save_and_sync_on(
    app: AppState,
    name: &str,
    v: u32,
    args: &impl serde::Serialize,
    base_version: Option<i64>,
) -> Result<u64, String> {
    let me = app
        .me
        .get_untracked()
        .ok_or_else(|| app.t(Key::ErrNotSignedIn).to_string())?;
    let json = serde_json::to_value(args).map_err(|e| e.to_string())?;
    match save_replacing(app, name, v, &me.id, json, None, base_version) {
        Ok(id) => {
            leptos::task::spawn_local(sync(app));
            Ok(id)
        }
        Err(SaveError::StorageFull) => Err(app.t(Key::ErrStorageFull).into()),
    }
}

/// Saves a corrected record in place of a refused one: the new mutation and the removal of the
/// old refusal are one write, so neither is lost or left behind.
pub fn save_replacing(
    app: AppState,
    name: &str,
    v: u32,
    author: &str,
    args: serde_json::Value,
    replaces: Option<u64>,
    base_version: Option<i64>,
) -> Result<u64, SaveError> {
    let current = load();
    let (mut next, id) = current.with_new(name, v, author, args, client::now_ms() as i64);
    if let Some(e) = next.entries.last_mut() {
        e.mutation.base_version = base_version;
    }
    if let Some(old) = replaces {
        next.dismiss(old);
    }
    if !store::set(OUTBOX, &next) {
        return Err(SaveError::StorageFull);
    }
    refresh_counts(app);
    Ok(id)
}

/// A refused entry, for its author to correct.
pub fn rejected_entry(id: u64) -> Option<crate::sync::Entry> {
    load().rejected().find(|e| e.mutation.id == id).cloned()
}

/// Takes the enrolment: the outbox now belongs to this client id (mutations saved before
/// enrolment keep their numbers; the server starts this client at 0).
pub fn enrolled(app: AppState, device: Device) -> bool {
    let ok = store::set(DEVICE, &device)
        && update(|o| {
            if o.client_id.is_empty() {
                o.client_id = device.client_id.clone();
            }
        });
    refresh_counts(app);
    ok
}

pub fn device() -> Option<Device> {
    store::get::<Device>(DEVICE)
}

/// What the phone shows: the pulled rows with its own unsent records on top.
pub fn rows() -> Rows {
    let view = store::get::<View>(VIEW).unwrap_or_default();
    view.optimistic(&load(), crate::local::apply)
}

pub fn refresh_counts(app: AppState) {
    app.view_rev.update(|n| *n = n.wrapping_add(1));
    let o = load();
    app.pending.set(o.pending());
    app.rejected.set(o.rejected().cloned().collect());
    app.enrolled.set(device().is_some());
    if let Some(ms) = store::get::<f64>(LAST_SYNC) {
        app.last_sync.set(Some(ms));
    }
}

pub fn dismiss(app: AppState, id: u64) {
    update(|o| o.dismiss(id));
    refresh_counts(app);
}

/// Tells the server the signed-in person uses this phone, so their records queued here can be
/// sent after they sign out (by whoever signs in next).
pub async fn hello(app: AppState) {
    let Some(dev) = device() else { return };
    let body = serde_json::json!({"client_id": dev.client_id});
    match client::post_with_device::<_, serde_json::Value>(
        "/api/sync/v1/hello",
        &body,
        &dev.device_key,
    )
    .await
    {
        Ok(_) => {}
        Err(err) => {
            if err.code() == Some("device_revoked") {
                app.sync_blocked.set(Some(Blocked::Revoked));
            }
        }
    }
}

/// What the last flush attempt ran into, for the status area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Blocked {
    SignIn,
    NotEnrolled,
    Revoked,
    Update,
}

/// Sends what waits, then brings the phone's copy up to date: holding the phone-wide sync lock,
/// so a second tab does not sync at the same time (it sees the results through `storage`).
pub async fn sync(app: AppState) {
    if app.flushing.get_untracked() {
        return;
    }
    client::with_sync_lock(async move {
        flush(app).await;
        if app.sync_blocked.get_untracked().is_none() && !app.offline_session.get_untracked() {
            pull(app).await;
        }
    })
    .await;
}

/// Pulls every page of changes since the phone's cursor into its copy (a different person
/// than the one it was pulled for starts from nothing: their scope may differ).
pub async fn pull(app: AppState) {
    let (Some(dev), Some(me)) = (device(), app.me.get_untracked()) else {
        return;
    };
    for _ in 0..100 {
        let view = store::get::<View>(VIEW).unwrap_or_default();
        let cursor = if view.person == me.id {
            view.cursor
        } else {
            None
        };
        let req = PullRequest {
            client_id: dev.client_id.clone(),
            cursor,
        };
        let resp = match client::post_with_device::<_, PullResponse>(
            "/api/sync/v1/pull",
            &req,
            &dev.device_key,
        )
        .await
        {
            Ok(r) => r,
            Err(client::ApiError::Network) => {
                app.online.set(false);
                return;
            }
            Err(_) => return,
        };
        app.contact();
        // Read again: another tab may have pulled meanwhile; applying twice is harmless.
        let mut view = store::get::<View>(VIEW).unwrap_or_default();
        if view.person != me.id {
            view = View {
                person: me.id.clone(),
                ..View::default()
            };
        }
        view.apply(&resp);
        crate::local::prune(&mut view.rows, resp.server_time);
        if !store::set(VIEW, &view) {
            // Full: the outbox matters more than the copy; keep the cursor where it was.
            break;
        }
        if !resp.has_more {
            break;
        }
    }
    refresh_counts(app);
}

/// Drops what the phone may no longer keep, even when it has not reached the server for days
/// (run at every start; pulls prune too).
pub fn prune_view() {
    let Some(mut view) = store::get::<View>(VIEW) else {
        return;
    };
    let count = |v: &View| v.rows.values().map(|t| t.len()).sum::<usize>();
    let before = count(&view);
    crate::local::prune(&mut view.rows, client::now_ms() as i64);
    if count(&view) != before {
        store::set(VIEW, &view);
    }
}

/// Sends what waits, batch by batch, until nothing is pending or something stops it.
/// One flush at a time in this tab; another tab flushing at once is harmless (the server
/// answers its duplicates) and cannot lose a save (see the module docs).
pub async fn flush(app: AppState) {
    if app.flushing.get_untracked() {
        return;
    }
    let Some(dev) = device() else {
        app.sync_blocked.set(Some(Blocked::NotEnrolled));
        return;
    };
    app.flushing.set(true);
    let mut ok = true;
    for _ in 0..50 {
        let o = load();
        let batch = o.batch(MAX_BATCH);
        if batch.is_empty() {
            break;
        }
        let ids: Vec<u64> = batch.iter().map(|m| m.id).collect();
        update(|o| o.mark_sent(&ids));
        let req = PushRequest {
            client_id: dev.client_id.clone(),
            protocol: PROTOCOL,
            app_build: build_id(),
            mutations: batch,
        };
        match client::post_with_device::<_, PushResponse>(
            "/api/sync/v1/push",
            &req,
            &dev.device_key,
        )
        .await
        {
            Ok(resp) => {
                app.contact();
                let now = client::now_ms() as i64;
                update(|o| {
                    o.on_push_response(&resp, now);
                    o.prune(now);
                });
                app.sync_blocked.set(None);
                if resp.gap_expected.is_some() || resp.results.is_empty() {
                    break;
                }
            }
            Err(client::ApiError::Network) => {
                app.online.set(false);
                ok = false;
                break;
            }
            Err(err) => {
                app.contact();
                ok = false;
                app.sync_blocked.set(match (err.status(), err.code()) {
                    (Some(401), _) => Some(Blocked::SignIn),
                    (_, Some("device_revoked")) => Some(Blocked::Revoked),
                    (_, Some("device_not_enrolled")) => Some(Blocked::NotEnrolled),
                    (Some(426), _) | (_, Some("bad_request")) => Some(Blocked::Update),
                    _ => None,
                });
                break;
            }
        }
    }
    if ok {
        let now = client::now_ms();
        store::set(LAST_SYNC, &now);
        app.failures.set(0);
    } else {
        app.failures.update(|n| *n = n.saturating_add(1));
    }
    app.flushing.set(false);
    refresh_counts(app);
}

/// Seconds to wait before the next automatic attempt after `failures` failed ones:
/// 5 s doubling to 5 minutes, with up to 30% jitter so phones do not all come back at once.
pub fn backoff_secs(failures: u32, jitter: f64) -> f64 {
    let base = (5.0 * 2f64.powi(failures.min(6) as i32)).min(300.0);
    base * (1.0 + 0.3 * jitter.clamp(0.0, 1.0))
}

fn build_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("meta[name=gp-build]").ok().flatten())
            .and_then(|m| m.get_attribute("content"))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff_secs(0, 0.0), 5.0);
        assert_eq!(backoff_secs(1, 0.0), 10.0);
        assert_eq!(backoff_secs(20, 0.0), 300.0);
        assert!((backoff_secs(0, 1.0) - 6.5).abs() < 1e-9);
    }
}
