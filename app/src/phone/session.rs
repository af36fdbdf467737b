//! The session on this phone: who is signed in, asked of the server whenever it may answer,
//! and the app's start after hydration (restore from the phone, then keep in touch).

use crate::model::Me;
use crate::phone::client::{self, store, ApiError};
use crate::phone::outbox;
use crate::phone::state::{AppState, Blocked};
use leptos::prelude::*;

/// Asks the server who is signed in; keeps the phone's copy when the server cannot answer.
pub async fn refresh_me(app: AppState) {
    match client::get::<Me>("/api/v1/me").await {
        Ok(server_me) => {
            app.contact();
            let local = app.me.get_untracked();
            let signed_out_offline = store::get::<bool>(store::SIGNED_OUT).unwrap_or(false);
            // The server's session belongs to someone who signed out, or to someone else
            // than the person signed in offline: end it; never switch people silently.
            if signed_out_offline || local.as_ref().is_some_and(|l| l.id != server_me.id) {
                let _ = client::post::<(), serde_json::Value>("/api/v1/auth/sign-out", &()).await;
                store::delete(store::SIGNED_OUT);
                if local.is_some() {
                    app.sync_blocked.set(Some(Blocked::SignIn));
                }
                app.signed_out();
                return;
            }
            app.signed_in(server_me);
            app.load_sites().await;
            if app.sync_blocked.get_untracked() == Some(Blocked::SignIn) {
                app.sync_blocked.set(None);
            }
            crate::phone::live::open(app);
            outbox::hello(app).await;
            outbox::sync(app).await;
        }
        Err(ApiError::Network) => {
            app.online.set(false);
            if app.me.get_untracked().is_none() {
                if let Some(me) = store::get::<Me>(store::ME) {
                    app.me.set(Some(me));
                }
            }
            app.offline_session.set(app.me.get_untracked().is_some());
            app.loaded.set(true);
        }
        Err(ApiError::Refused { status, .. }) => {
            app.contact();
            if status == 401 {
                app.signed_out();
            } else {
                app.loaded.set(true);
            }
        }
    }
}

/// Runs once after hydration: restore from the phone, then ask the server, and keep asking
/// when the network comes back, when the app returns to the foreground, and on a timer.
#[cfg(feature = "hydrate")]
pub fn start(app: AppState) {
    use crate::phone::state::StoreTrouble;
    use leptos::task::spawn_local;
    use std::time::Duration;

    if let Some(ms) = store::get::<f64>(store::LAST_CONTACT) {
        app.last_contact.set(Some(ms));
    }
    // The phone's word on who is signed in over the page's (which may be a cached copy): a
    // page drawn for someone the phone no longer holds waits for the server.
    match store::get::<Me>(store::ME) {
        Some(me) => app.set_me(me),
        None if app.me.get_untracked().is_some() => {
            app.me.set(None);
            app.loaded.set(false);
        }
        None => {}
    }
    app.started.set(true);
    // A page in the other language than the one chosen: the worker fetched its pages before
    // the switch (it was installing). Fetch them again, once per tab.
    let chosen = client::lang_cookie().map(|v| crate::i18n::Locale::from_cookie_value(&v));
    if chosen.is_some_and(|l| l != app.locale) {
        if store::session_get::<bool>(store::RELANG).is_none() {
            store::session_set(store::RELANG, &true);
            crate::phone::pwa::recache_pages_and_reload();
        }
    } else {
        store::session_delete(store::RELANG);
    }
    // The phone's store first (moving what an older build kept in local storage), then the
    // server: nothing is sent or pulled before the outbox is read.
    spawn_local(async move {
        match crate::phone::queue::open(app).await {
            Ok(()) if app.store.get_untracked() == Some(StoreTrouble::WaitingForTabs) => {
                app.store.set(None)
            }
            Ok(()) => {}
            Err(_) => app.store.set(Some(StoreTrouble::Unavailable)),
        }
        crate::phone::queue::watch_room(app).await;
        app.hydrated.set(true);
        refresh_me(app).await;
        // The worker's download of every page and part (about 450 KB) waits for the first
        // contact's sync: on a weak signal the records go first.
        crate::phone::pwa::register(app);
    });

    let on_online = move |_: web_sys::Event| spawn_local(refresh_me(app));
    let on_offline = move |_: web_sys::Event| app.online.set(false);
    let _ = window_event_listener_untyped("online", on_online);
    let _ = window_event_listener_untyped("offline", on_offline);
    let _ = window_event_listener_untyped("focus", move |_| spawn_local(refresh_me(app)));

    // Offline: look again every 10 s; online: every 60 s (notices an expired session).
    // Records waiting: try again after a backoff with jitter.
    let ticks = std::cell::Cell::new(0u32);
    let next_try = std::cell::Cell::new(0.0f64);
    let _ = set_interval_with_handle(
        move || {
            ticks.set(ticks.get().wrapping_add(1));
            crate::phone::clock::tick();
            if !app.online.get_untracked() || ticks.get().is_multiple_of(6) {
                spawn_local(refresh_me(app));
            } else if app.pending.get_untracked() > 0 && client::now_ms() >= next_try.get() {
                let wait =
                    outbox::backoff_secs(app.failures.get_untracked(), js_sys::Math::random());
                next_try.set(client::now_ms() + wait * 1000.0);
                spawn_local(outbox::sync(app));
            }
        },
        Duration::from_secs(10),
    );
    let _ = window_event_listener_untyped("gp-store-blocked", move |_| {
        app.store.set(Some(StoreTrouble::WaitingForTabs))
    });
    // A newer build took the store over in another tab: this page no longer saves.
    let _ = window_event_listener_untyped("gp-store-replaced", move |_| {
        app.store.set(Some(StoreTrouble::Replaced))
    });
}
