//! The phone's outbox and its view of the records, as the pages and the flusher use them (the
//! design is `shared/design/sync.md`; the state machine is [`crate::sync::Outbox`], the store
//! [`crate::phone::db`]).
//!
//! The store is the truth: every change to the outbox is one IndexedDB transaction (a second
//! tab saving meanwhile waits for it and is not overwritten). This tab keeps a copy of the
//! outbox to count and batch from, read again when another tab says it changed the store.

use crate::phone::client::{self, store};
use crate::phone::db::{self, Fail};
use crate::phone::state::AppState;
use crate::record::Record;
use crate::rows::Want;
use crate::sync::{Entry, Limits, Outbox, Rows, View};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// Where an older build kept the outbox and the view (moved into the store at the first start
/// of this one).
pub const OLD_OUTBOX: &str = "gp.outbox";
pub const OLD_VIEW: &str = "gp.view";
pub const DEVICE: &str = "gp.device";
pub const LAST_SYNC: &str = "gp.last_sync";
/// The last id this phone's outbox gave out, beside the store: a store found behind it was
/// cleared while records waited.
pub const MADE: &str = "gp.made";

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
    /// A newer build took the store over in another tab: reload first.
    Replaced,
    /// The phone has no store to save in (a private window refusing IndexedDB).
    Unavailable,
}

impl From<Fail> for SaveError {
    fn from(f: Fail) -> Self {
        match f {
            Fail::Replaced => SaveError::Replaced,
            Fail::Unavailable => SaveError::Unavailable,
            Fail::Full | Fail::Other => SaveError::StorageFull,
        }
    }
}

thread_local! {
    /// This tab's copy of the stored outbox.
    static OUTBOX: RefCell<Outbox> = RefCell::new(Outbox::default());
    /// The last of this phone's mutations the pulled rows show.
    static PULLED_UPTO: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// This tab's copy of the outbox (as of its last write or read of the store).
pub fn load() -> Outbox {
    OUTBOX.with(|o| o.borrow().clone())
}

fn keep(o: Outbox) {
    OUTBOX.with(|x| *x.borrow_mut() = o);
}

/// Reads the outbox and the view's position again from the store (another tab changed them).
pub async fn reload(app: AppState) {
    if let Ok(o) = db::load_outbox().await {
        keep(o);
    }
    if let Ok(h) = db::view_head().await {
        PULLED_UPTO.with(|p| p.set(h.last_mutation_id));
    }
    refresh_counts(app);
}

/// Reads, changes and writes back the stored outbox in one transaction. `false` when the write
/// failed (nothing changed).
pub async fn update(f: impl FnOnce(&mut Outbox)) -> bool {
    update_boxed(Box::new(f)).await
}

/// [`update`], once in the download (not once per change).
async fn update_boxed(f: Box<dyn FnOnce(&mut Outbox) + '_>) -> bool {
    match db::rewrite_outbox(f).await {
        Ok(o) => {
            keep(o);
            true
        }
        Err(_) => false,
    }
}

/// Opens the store at the start of the page: moves what an older build kept in local storage
/// into it, and reads the outbox. `Err` when the phone cannot keep records (said on screen).
pub async fn open(app: AppState) -> Result<(), Fail> {
    db::open().await?;
    let old_outbox = store::get::<Outbox>(OLD_OUTBOX);
    let old_view = store::get::<View>(OLD_VIEW);
    if old_outbox.is_some() || old_view.is_some() {
        db::move_from_local_storage(old_outbox, old_view).await?;
        store::delete(OLD_OUTBOX);
        store::delete(OLD_VIEW);
    }
    let _ = db::prune(client::now_ms() as i64).await;
    reload(app).await;
    let o = load();
    // The phone gave out a later id than its store holds: the store was cleared (the whole of
    // it when it lost its enrolment too).
    let behind = store::get::<(String, u64)>(MADE)
        .is_some_and(|(c, id)| id > o.last_id && (c == o.client_id || o.client_id.is_empty()));
    if behind {
        lost(app);
    }
    db::on_other_tab(move || leptos::task::spawn_local(reload(app)));
    Ok(())
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
pub async fn save_for<T: Record>(
    app: AppState,
    args: &T,
    author: &str,
    replaces: Option<u64>,
) -> Result<u64, SaveError> {
    save(app, &Made::of(args), author, replaces, None).await
}

/// Saves a record: its outbox entry and the outbox's counter are one transaction, and a
/// corrected record replaces its refusal in the same one, so neither is lost or left behind.
/// Done when the store has it: only then does the screen say "saved".
pub async fn save(
    app: AppState,
    made: &Made,
    author: &str,
    replaces: Option<u64>,
    base_version: Option<i64>,
) -> Result<u64, SaveError> {
    let (client_time, clock) = crate::phone::clock::made();
    let saved = db::append(replaces, |head| {
        let id = head.last_id + 1;
        let mut e = Entry::new(
            id,
            made.name,
            made.v,
            author,
            made.args.clone(),
            client_time,
        );
        e.mutation.base_version = base_version;
        e.mutation.clock = clock;
        // Signed last, over everything it says (see `crate::proof`).
        e.mutation.proof = crate::phone::secret::proof_for(&e.mutation, &head.client_id);
        // A safety net: the forms keep within the limits; a record the server could not take
        // is refused here, with the form kept, rather than queued.
        if e.mutation.wire_bytes() > limits().mutation_bytes {
            return Err(SaveError::TooLarge);
        }
        Ok(e)
    })
    .await;
    use crate::phone::state::StoreTrouble;
    let saved = match saved {
        Ok(Ok(e)) => e,
        Ok(Err(e)) => return Err(e),
        Err(f) => {
            let e = SaveError::from(f);
            if e == SaveError::StorageFull
                && app
                    .store
                    .get_untracked()
                    .is_none_or(|t| t == StoreTrouble::Low)
            {
                app.store.set(Some(StoreTrouble::Full));
            }
            return Err(e);
        }
    };
    if app.store.get_untracked() == Some(StoreTrouble::Full) {
        app.store.set(None);
    }
    let id = saved.mutation.id;
    let client_id = OUTBOX.with(|o| o.borrow().client_id.clone());
    store::set(MADE, &(client_id, id));
    OUTBOX.with(|o| {
        let mut o = o.borrow_mut();
        o.last_id = o.last_id.max(id);
        if let Some(old) = replaces {
            o.dismiss(old);
        }
        o.entries.push(saved);
    });
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
pub async fn enrolled(app: AppState, device: Device, resume_after: u64) -> bool {
    let ok = store::set(DEVICE, &device)
        && update(|o| o.reenrolled(&device.client_id, resume_after)).await;
    // The new enrolment starts its pull afresh.
    let _ = db::clear_view().await;
    if app.store.get_untracked() == Some(crate::phone::state::StoreTrouble::Lost) {
        app.store.set(None);
    }
    PULLED_UPTO.with(|p| p.set(0));
    app.sync_blocked.set(None);
    refresh_counts(app);
    ok
}

thread_local! {
    /// What the server last said it takes, in this page (every push answer says it again).
    static SERVER_LIMITS: std::cell::Cell<Limits> = const { std::cell::Cell::new(crate::sync::LIMITS) };
}

/// The server has later records from this phone than its store holds: the store was cleared
/// while records waited. Saying so, the phone stops sending under its old enrolment (the
/// server would take new records as ones it already has): it is enrolled again, and what it
/// makes meanwhile waits on it. Nothing is renumbered without the person being told.
pub fn lost(app: AppState) {
    store::delete(DEVICE);
    store::delete(MADE);
    app.store.set(Some(crate::phone::state::StoreTrouble::Lost));
    app.sync_blocked
        .set(Some(crate::phone::state::Blocked::NotEnrolled));
    app.enrolled.set(false);
}

/// Is the server ahead of this phone's outbox (see [`lost`])? Asked of the store itself when
/// this tab's copy says so: another tab may have saved and sent meanwhile.
pub async fn server_ahead(server_last_id: u64) -> bool {
    if server_last_id <= load().last_id {
        return false;
    }
    match db::load_outbox().await {
        Ok(o) => {
            let ahead = server_last_id > o.last_id;
            keep(o);
            ahead
        }
        Err(_) => false,
    }
}

/// What the server last said it takes (this build's own limits until it said).
pub fn limits() -> Limits {
    SERVER_LIMITS.with(|l| l.get())
}

pub fn device() -> Option<Device> {
    store::get::<Device>(DEVICE)
}

/// What a screen shows of what it wants: the pulled rows in those ranges, with this phone's
/// records the server had not applied when they were pulled laid on top (each screen still
/// picks its rows: a record laid on top may fall outside what it asked for).
pub async fn read(wants: Vec<Want>) -> Rows {
    read_showing(wants, crate::registry::show).await
}

/// As [`read`], laying on top only what `show` shows: a screen that shows a few record types
/// (the home's "now") need not download every type's view.
pub async fn read_showing(wants: Vec<Want>, show: fn(&mut Rows, &crate::sync::Mutation)) -> Rows {
    let mut rows = db::read(&wants).await.unwrap_or_default();
    let upto = PULLED_UPTO.with(|p| p.get());
    OUTBOX.with(|o| o.borrow().lay(&mut rows, upto, show));
    rows
}

/// The view's position after this tab pulled a page.
pub fn pulled_upto(last_mutation_id: u64) {
    PULLED_UPTO.with(|p| p.set(last_mutation_id));
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

pub async fn dismiss(app: AppState, id: u64) {
    update(|o| o.dismiss(id)).await;
    refresh_counts(app);
}

/// Asks the browser to keep the store under storage pressure, then says whether room runs low.
pub async fn watch_room(app: AppState) {
    db::persist().await;
    check_room(app).await;
}

/// Says on every page when less than 20% of the quota or 50 MB is left, before a save fails.
pub async fn check_room(app: AppState) {
    use crate::phone::state::StoreTrouble;
    let Some((usage, quota)) = db::estimate().await else {
        return;
    };
    let low = room_is_low(usage, quota);
    match app.store.get_untracked() {
        None if low => app.store.set(Some(StoreTrouble::Low)),
        Some(StoreTrouble::Low) if !low => app.store.set(None),
        _ => {}
    }
}

/// Less than 20% of `quota` or 50 MB left (bytes)?
pub fn room_is_low(usage: f64, quota: f64) -> bool {
    let left = quota - usage;
    left < 0.2 * quota || left < 50.0 * 1024.0 * 1024.0
}

/// Takes what the server said it takes (every push answer says it again).
pub fn set_limits(limits: Limits) {
    SERVER_LIMITS.with(|l| l.set(limits));
}

#[cfg(test)]
mod tests {
    use super::room_is_low;
    const MB: f64 = 1024.0 * 1024.0;

    #[test]
    fn room_is_low_below_a_fifth_of_the_quota_or_50_mb() {
        // A cheap phone: 1 GB for the origin.
        assert!(!room_is_low(100.0 * MB, 1000.0 * MB));
        assert!(room_is_low(801.0 * MB, 1000.0 * MB), "under 20% left");
        // A small quota: 50 MB left is the line, whatever share that is.
        assert!(room_is_low(0.0, 49.0 * MB));
        assert!(room_is_low(100.0 * MB, 149.0 * MB), "under 50 MB left");
        assert!(!room_is_low(0.0, 250.0 * MB));
    }
}
