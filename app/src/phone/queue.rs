//! The phone's outbox as stored, and its view of the records (the design is
//! `shared/design/sync.md`; the state machine is [`crate::sync::Outbox`]).
//!
//! Every change to the stored outbox is one synchronous read-modify-write of local storage,
//! never a copy held across an `await`: a second tab saving meanwhile cannot be overwritten.

use crate::phone::client::{self, store};
use crate::phone::state::AppState;
use crate::record::Record;
use crate::sync::{Limits, Outbox, Rows, View};
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

/// Saves `args` by `author` in place of the refused entry `replaces` (if any), without
/// starting a send.
pub fn save_for<T: Record>(
    app: AppState,
    args: &T,
    author: &str,
    replaces: Option<u64>,
) -> Result<u64, SaveError> {
    save(app, &Made::of(args), author, replaces, None)
}

/// Saves a corrected record in place of a refused one: the new mutation and the removal of the
/// old refusal are one write, so neither is lost or left behind.
pub fn save(
    app: AppState,
    made: &Made,
    author: &str,
    replaces: Option<u64>,
    base_version: Option<i64>,
) -> Result<u64, SaveError> {
    let current = load();
    let (client_time, clock) = crate::phone::clock::made();
    let (mut next, id) =
        current.with_new(made.name, made.v, author, made.args.clone(), client_time);
    if let Some(e) = next.entries.last_mut() {
        e.mutation.base_version = base_version;
        e.mutation.clock = clock;
        // Signed last, over everything it says (see `crate::proof`).
        e.mutation.proof = crate::phone::secret::proof_for(&e.mutation, &next.client_id);
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

/// Takes what the server said it takes (every push answer says it again).
pub fn set_limits(limits: Limits) {
    SERVER_LIMITS.with(|l| l.set(limits));
}
