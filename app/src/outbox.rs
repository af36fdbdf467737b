//! The phone's outbox and the flusher that sends it (the design is `shared/design/sync.md`; the
//! state machine is [`crate::sync::Outbox`]).
//!
//! Every change to the stored outbox is one synchronous read-modify-write of local storage,
//! never a copy held across an `await`: a second tab saving meanwhile cannot be overwritten.

use crate::client::{self, store};
use crate::i18n::Key;
use crate::registry::Record;
use crate::state::AppState;
use crate::sync::{
    Limits, Outbox, PullRequest, PullResponse, PushRequest, PushResponse, Rows, View, PROTOCOL,
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
    /// The record is larger than the server takes in one mutation.
    TooLarge,
}

pub fn load() -> Outbox {
    store::get::<Outbox>(OUTBOX).unwrap_or_default()
}

/// Read, change, write back in one go. `false` when the write failed (nothing changed).
pub fn update(f: impl FnOnce(&mut Outbox)) -> bool {
    let mut o = load();
    f(&mut o);
    store::set(OUTBOX, &o)
}

/// A record ready to save: its declared name and version, and its args as JSON.
pub struct Made {
    name: &'static str,
    v: u32,
    args: serde_json::Value,
}

impl Made {
    /// Only this is per record type: the rest of saving is one copy in the download, not one
    /// per form (it was 30 copies of 876 bytes).
    pub fn of<T: Record>(args: &T) -> Self {
        Made {
            name: T::NAME,
            v: T::VERSION,
            // A record type's args are plain structs: serialising them cannot fail.
            args: serde_json::to_value(args).unwrap_or_default(),
        }
    }
}

/// Saves a record by the signed-in person and starts sending it; on failure, the text to show.
pub fn send<T: Record>(app: AppState, args: &T) -> Result<u64, String> {
    send_made(app, Made::of(args), None)
}

/// As [`send`], for a change to a record the server may have changed meanwhile:
/// `base_version` is the revision the person read (the server refuses it if stale).
pub fn send_on<T: Record>(
    app: AppState,
    args: &T,
    base_version: Option<i64>,
) -> Result<u64, String> {
    send_made(app, Made::of(args), base_version)
}

/// As [`send_on`], for a record already [`Made`].
#[inline(never)]
pub fn send_made(app: AppState, made: Made, base_version: Option<i64>) -> Result<u64, String> {
    let me = app
        .me
        .get_untracked()
        .ok_or_else(|| app.t(Key::ErrNotSignedIn).to_string())?;
    match save_replacing(app, &made, &me.id, None, base_version) {
        Ok(id) => {
            leptos::task::spawn_local(sync(app));
            Ok(id)
        }
        Err(SaveError::StorageFull) => Err(app.t(Key::ErrStorageFull).into()),
        Err(SaveError::TooLarge) => Err(app.t(Key::ErrRecordTooLarge).into()),
    }
}

/// Saves `args` by `author` in place of the refused entry `replaces` (if any), without
/// starting a send.
pub fn save_for<T: Record>(
    app: AppState,
    args: &T,
    author: &str,
    replaces: Option<u64>,
) -> Result<u64, SaveError> {
    save_replacing(app, &Made::of(args), author, replaces, None)
}

/// Saves a corrected record in place of a refused one: the new mutation and the removal of the
/// old refusal are one write, so neither is lost or left behind.
fn save_replacing(
    app: AppState,
    made: &Made,
    author: &str,
    replaces: Option<u64>,
    base_version: Option<i64>,
) -> Result<u64, SaveError> {
    let current = load();
    let (client_time, clock) = crate::clock::made();
    let (mut next, id) =
        current.with_new(made.name, made.v, author, made.args.clone(), client_time);
    if let Some(e) = next.entries.last_mut() {
        e.mutation.base_version = base_version;
        e.mutation.clock = clock;
        // Signed last, over everything it says (see `crate::proof`).
        e.mutation.proof = crate::author::proof_for(&e.mutation, &next.client_id);
        // A safety net: the forms keep within the limits; a record the server could not take
        // is refused here, with the form kept, rather than queued.
        if e.mutation.wire_bytes() > limits().mutation_bytes {
            return Err(SaveError::TooLarge);
        }
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

/// What an enrolment asks the server: the phone's name, and the last id its outbox gave out,
/// after which the new client counts (so what waits is sent under the new enrolment).
pub fn enrol_request(label: &str) -> serde_json::Value {
    serde_json::json!({"label": label, "resume_after": load().last_id})
}

/// Takes the enrolment: the outbox now belongs to this client id. A phone enrolled again (lost
/// and found, or a server that lost its enrolment) keeps what waits and sends it under the new
/// one, numbered after `resume_after`, the id the enrolment request said.
pub fn enrolled(app: AppState, device: Device, resume_after: u64) -> bool {
    let ok =
        store::set(DEVICE, &device) && update(|o| o.reenrolled(&device.client_id, resume_after));
    // The new enrolment starts its pull afresh.
    store::delete(VIEW);
    app.sync_blocked.set(None);
    refresh_counts(app);
    ok
}

thread_local! {
    /// What the server last said it takes, in this page (every push answer says it again).
    static SERVER_LIMITS: std::cell::Cell<Limits> = const { std::cell::Cell::new(crate::sync::LIMITS) };
}

/// What the server last said it takes (this build's own limits until it said).
pub fn limits() -> Limits {
    SERVER_LIMITS.with(|l| l.get())
}

pub fn device() -> Option<Device> {
    store::get::<Device>(DEVICE)
}

/// What the phone shows: the pulled rows with its own unsent records on top.
pub fn rows() -> Rows {
    let view = store::get::<View>(VIEW).unwrap_or_default();
    view.optimistic(&load(), crate::registry::show)
}

pub fn refresh_counts(app: AppState) {
    app.view_rev.update(|n| *n = n.wrapping_add(1));
    let o = load();
    app.pending.set(o.pending());
    app.rejected.set(o.rejected().cloned().collect());
    app.held.set(o.held());
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
        Ok(_) => {
            // The secret this person signs with here (again after a password change or a new
            // enrolment), then what waits for it.
            let fresh = crate::author::current().is_some_and(|k| {
                Some(&k.person) == app.me.get_untracked().as_ref().map(|m| &m.id)
                    && k.client_id == dev.client_id
            });
            if !fresh && !app.offline_session.get_untracked() {
                crate::author::fetch(app).await;
            }
            crate::author::sign_waiting(app).await;
        }
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
    /// The server does not know a record this build makes yet: it waits on the phone.
    ServerBehind,
}

/// Sends what waits, then brings the phone's copy up to date: holding the phone-wide sync lock,
/// so a second tab does not sync at the same time (it sees the results through `storage`).
pub async fn sync(app: AppState) {
    if app.flushing.get_untracked() {
        return;
    }
    client::with_sync_lock(async move {
        // A pull may find that the server lost records (restored from a backup): they are
        // sent again, then the pull goes on.
        for _ in 0..3 {
            flush(app).await;
            let may_pull = matches!(
                app.sync_blocked.get_untracked(),
                None | Some(Blocked::ServerBehind)
            );
            if !may_pull || app.offline_session.get_untracked() || !pull(app).await {
                break;
            }
        }
    })
    .await;
}

/// Pulls every page of changes since the phone's cursor into its copy (a different person
/// than the one it was pulled for starts from nothing: their scope may differ; a reset answer,
/// after a change of roles or sites or a restored server, drops what was there). `true` when
/// the server turned out to have lost records this phone sent: they wait to be sent again.
pub async fn pull(app: AppState) -> bool {
    let (Some(dev), Some(me)) = (device(), app.me.get_untracked()) else {
        return false;
    };
    for _ in 0..200 {
        let view = store::get::<View>(VIEW).unwrap_or_default();
        let cursor = if view.person == me.id {
            view.cursor
        } else {
            None
        };
        let o = load();
        let req = PullRequest {
            client_id: dev.client_id.clone(),
            cursor,
            made_up_to: Some(o.last_id),
            known: store::get::<crate::known::KnownPeople>(store::KNOWN)
                .unwrap_or_default()
                .refs(),
            held: o.held_ids(),
        };
        let started = crate::clock::mono_now();
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
                return false;
            }
            Err(_) => return false,
        };
        crate::clock::contact(resp.server_time, crate::clock::mono_now() - started);
        app.contact();
        if !resp.forget.is_empty() {
            // Disabled, password reset or changed elsewhere: this phone no longer opens for them.
            let mut known =
                store::get::<crate::known::KnownPeople>(store::KNOWN).unwrap_or_default();
            known.forget_ids(&resp.forget);
            store::set(store::KNOWN, &known);
        }
        let mut resend = false;
        update(|o| {
            let before = o.pending();
            o.on_settled(&resp.settled, client::now_ms() as i64);
            o.on_pull(resp.last_mutation_id, resp.backed_up_to);
            resend = o.pending() > before;
        });
        if resend {
            refresh_counts(app);
            return true;
        }
        // Read again: another tab may have pulled meanwhile; applying twice is harmless.
        let mut view = store::get::<View>(VIEW).unwrap_or_default();
        if view.person != me.id {
            view = View {
                person: me.id.clone(),
                ..View::default()
            };
        }
        view.apply(&resp);
        crate::registry::prune(&mut view.rows, resp.server_time);
        if !store::set(VIEW, &view) {
            // Full: the outbox matters more than the copy; keep the cursor where it was.
            break;
        }
        if !resp.has_more {
            break;
        }
    }
    refresh_counts(app);
    false
}

/// Drops what the phone may no longer keep, even when it has not reached the server for days
/// (run at every start; pulls prune too).
pub fn prune_view() {
    let Some(mut view) = store::get::<View>(VIEW) else {
        return;
    };
    let count = |v: &View| v.rows.count();
    let before = count(&view);
    crate::registry::prune(&mut view.rows, client::now_ms() as i64);
    if count(&view) != before {
        store::set(VIEW, &view);
    }
}

/// Sends what waits, batch by batch, until nothing is pending or something stops it.
/// One flush at a time in this tab; another tab flushing at once is harmless (the server
/// answers its duplicates) and cannot lose a save (see the module docs).
///
/// No answer but 426 stops the queue for good: a 413 shrinks the batch, a mutation the server
/// does not know yet waits for the server's update, a malformed envelope or a server error is
/// tried again after a backoff. One record too big goes as a refusal its author corrects.
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
    let mut limits = limits();
    for _ in 0..100 {
        let o = load();
        let batch = o.batch(&limits);
        if batch.is_empty() {
            break;
        }
        let sent = batch.len();
        let ids: Vec<u64> = batch.iter().map(|m| m.id).collect();
        update(|o| o.mark_sent(&ids));
        let req = PushRequest {
            client_id: dev.client_id.clone(),
            protocol: PROTOCOL,
            app_build: build_id(),
            sent_at: Some(client::now_ms() as i64),
            made_up_to: Some(o.last_id),
            mutations: batch,
        };
        let started = crate::clock::mono_now();
        match client::post_with_device::<_, PushResponse>(
            "/api/sync/v1/push",
            &req,
            &dev.device_key,
        )
        .await
        {
            Ok(resp) => {
                crate::clock::contact(resp.server_time, crate::clock::mono_now() - started);
                app.contact();
                let now = client::now_ms() as i64;
                update(|o| {
                    o.on_push_response(&resp, now);
                    o.prune();
                });
                let said = Limits::read(&resp.limits);
                if said != limits {
                    limits = said;
                    SERVER_LIMITS.with(|l| l.set(limits));
                }
                if resp.server_behind.is_some() {
                    app.sync_blocked.set(Some(Blocked::ServerBehind));
                    ok = false;
                    break;
                }
                app.sync_blocked.set(None);
                if resp.gap_expected.is_none() && resp.results.is_empty() {
                    break;
                }
            }
            Err(client::ApiError::Network) => {
                app.online.set(false);
                ok = false;
                break;
            }
            Err(client::ApiError::Refused { status: 413, .. }) => {
                // Too big for this server: send half as many (its next answer states its
                // limits).
                app.contact();
                limits.batch = (sent / 2).max(1);
                limits.batch_bytes /= 2;
                if sent == 1 {
                    ok = false;
                    break;
                }
            }
            Err(err) => {
                app.contact();
                ok = false;
                app.sync_blocked.set(match (err.status(), err.code()) {
                    (Some(401), _) => Some(Blocked::SignIn),
                    (_, Some("device_revoked")) => Some(Blocked::Revoked),
                    (_, Some("device_not_enrolled")) => Some(Blocked::NotEnrolled),
                    (Some(426), _) => Some(Blocked::Update),
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
