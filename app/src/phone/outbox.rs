//! The flusher: sends what the outbox holds and pulls the server's records (the design is
//! `shared/design/sync.md`), and the saves that start it.

use crate::i18n::Key;
use crate::phone::client::{self, store};
use crate::phone::db;
use crate::phone::queue::{
    self, device, limits, load, refresh_counts, update, Made, SaveError, LAST_SYNC,
};
use crate::phone::state::{AppState, Blocked};
use crate::record::Record;
use crate::sync::{Limits, PullRequest, PullResponse, PushRequest, PushResponse, PROTOCOL};
use leptos::prelude::*;

/// Saves a record by the signed-in person and starts sending it; `done` hears the outcome
/// once the phone's store has it (or, on failure, the text to show: the form keeps what was
/// typed).
pub fn send<T: Record>(app: AppState, args: &T, done: impl FnOnce(Result<u64, String>) + 'static) {
    send_made(app, Made::of(args), None, done)
}

/// What hears a save's outcome (boxed: one copy of the saving in the download, not one per
/// form).
pub type Done = Box<dyn FnOnce(Result<u64, String>)>;

/// As [`send`], for a change to a record the server may have changed meanwhile:
/// `base_version` is the revision the person read (the server refuses it if stale).
pub fn send_on<T: Record>(
    app: AppState,
    args: &T,
    base_version: Option<i64>,
    done: impl FnOnce(Result<u64, String>) + 'static,
) {
    send_made(app, Made::of(args), base_version, done)
}

/// As [`send_on`], for a record already [`Made`].
pub fn send_made(
    app: AppState,
    made: Made,
    base_version: Option<i64>,
    done: impl FnOnce(Result<u64, String>) + 'static,
) {
    save_and_send(app, made, base_version, Box::new(done))
}

#[inline(never)]
fn save_and_send(app: AppState, made: Made, base_version: Option<i64>, done: Done) {
    let Some(me) = app.me.get_untracked() else {
        return done(Err(app.t(Key::ErrNotSignedIn).to_string()));
    };
    leptos::task::spawn_local(async move {
        let r = queue::save(app, &made, &me.id, None, base_version).await;
        if r.is_ok() {
            leptos::task::spawn_local(sync(app));
        }
        done(r.map_err(|e| save_error(app, e)));
        queue::check_room(app).await;
    });
}

/// What a failed save tells the person.
pub fn save_error(app: AppState, e: SaveError) -> String {
    app.t(match e {
        SaveError::StorageFull => Key::ErrStorageFull,
        SaveError::TooLarge => Key::ErrRecordTooLarge,
        SaveError::Replaced => Key::ErrStoreReplaced,
        SaveError::Unavailable => Key::ErrStoreUnavailable,
    })
    .into()
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
            let fresh = crate::phone::secret::current().is_some_and(|k| {
                Some(&k.person) == app.me.get_untracked().as_ref().map(|m| &m.id)
                    && k.client_id == dev.client_id
            });
            if !fresh && !app.offline_session.get_untracked() {
                crate::phone::author::fetch(app).await;
            }
            crate::phone::author::sign_waiting(app).await;
        }
        Err(err) => {
            if err.code() == Some("device_revoked") {
                app.sync_blocked.set(Some(Blocked::Revoked));
            }
        }
    }
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

/// Pulls every page of changes since the phone's cursor into its store, each page in one
/// transaction. The next person on a shared phone goes on from the same cursor: when they may
/// see the same (the same roles at the same sites) only the difference comes; else the server
/// says what to keep (the rest is dropped) and sends only what the phone lacks. A restored
/// server answers a reset, which drops everything. `true` when the
/// server turned out to have lost records this phone sent: they wait to be sent again.
pub async fn pull(app: AppState) -> bool {
    let (Some(dev), Some(me)) = (device(), app.me.get_untracked()) else {
        return false;
    };
    for _ in 0..200 {
        let Ok(view) = db::view_head().await else {
            return false;
        };
        let cursor = view.cursor;
        let o = load();
        let req = PullRequest {
            client_id: dev.client_id.clone(),
            cursor,
            made_up_to: Some(o.last_id),
            waiting: Some(o.pending() as u32),
            known: store::get::<crate::phone::known::KnownPeople>(store::KNOWN)
                .unwrap_or_default()
                .refs(),
            held: o.held_ids(),
        };
        let started = crate::phone::clock::mono_now();
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
        crate::phone::clock::contact(resp.server_time, crate::phone::clock::mono_now() - started);
        app.contact();
        if queue::server_ahead(resp.last_mutation_id).await {
            queue::lost(app);
            return false;
        }
        if !resp.forget.is_empty() {
            // Disabled, password reset or changed elsewhere: this phone no longer opens for them.
            let mut known =
                store::get::<crate::phone::known::KnownPeople>(store::KNOWN).unwrap_or_default();
            known.forget_ids(&resp.forget);
            store::set(store::KNOWN, &known);
        }
        let mut resend = false;
        update(|o| {
            let before = o.pending();
            o.on_settled(&resp.settled, client::now_ms() as i64);
            o.on_pull(resp.last_mutation_id, resp.backed_up_to);
            resend = o.pending() > before;
        })
        .await;
        if resend {
            refresh_counts(app);
            return true;
        }
        // Another tab may have pulled meanwhile: applying a page twice is harmless.
        if db::apply_pull(&resp, &me.id, resp.server_time)
            .await
            .is_err()
        {
            // Full: the outbox matters more than the copy; the cursor stays where it was.
            break;
        }
        queue::pulled_upto(resp.last_mutation_id);
        app.view_rev.update(|n| *n = n.wrapping_add(1));
        if !resp.has_more {
            break;
        }
    }
    refresh_counts(app);
    queue::check_room(app).await;
    false
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
        if !app.me.get_untracked().is_some_and(|m| m.online_only()) {
            app.sync_blocked.set(Some(Blocked::NotEnrolled));
        }
        return;
    };
    app.flushing.set(true);
    // What waits unsigned (an older build's, or saved before the secret came) is signed first.
    crate::phone::author::sign_pending(false).await;
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
        update(|o| o.mark_sent(&ids)).await;
        let req = PushRequest {
            client_id: dev.client_id.clone(),
            protocol: PROTOCOL,
            app_build: build_id(),
            sent_at: Some(client::now_ms() as i64),
            made_up_to: Some(o.last_id),
            waiting: Some(o.pending().saturating_sub(sent) as u32),
            mutations: batch,
        };
        let started = crate::phone::clock::mono_now();
        match client::post_with_device::<_, PushResponse>(
            "/api/sync/v1/push",
            &req,
            &dev.device_key,
        )
        .await
        {
            Ok(resp) => {
                crate::phone::clock::contact(
                    resp.server_time,
                    crate::phone::clock::mono_now() - started,
                );
                app.contact();
                if queue::server_ahead(resp.last_mutation_id).await {
                    queue::lost(app);
                    ok = false;
                    break;
                }
                let now = client::now_ms() as i64;
                update(|o| {
                    o.on_push_response(&resp, now);
                    o.prune();
                })
                .await;
                let said = Limits::read(&resp.limits);
                if said != limits {
                    limits = said;
                    queue::set_limits(limits);
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
