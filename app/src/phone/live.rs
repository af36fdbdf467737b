//! Alerts live while online: a server-sent event stream (`/api/v1/alerts/live`) that says only
//! "your alerts changed"; the phone then syncs, so what reaches it comes through the pull like
//! every record (and what a dropped stream missed, the next pull brings). The browser
//! reconnects a dropped stream by itself; one refused (signed out) is opened again at the
//! next sign-in.

use crate::phone::state::AppState;
#[cfg(feature = "hydrate")]
use leptos::prelude::*;

#[cfg(feature = "hydrate")]
thread_local! {
    /// The stream, and whom it was opened for (the next person on a shared phone gets their own).
    static STREAM: std::cell::RefCell<Option<(String, web_sys::EventSource)>> =
        const { std::cell::RefCell::new(None) };
}

/// Opens the stream for the person signed in, unless one is open for them.
#[cfg(feature = "hydrate")]
pub fn open(app: AppState) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(me) = app.me.get_untracked().map(|m| m.id) else {
        return;
    };
    let open = STREAM.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|(who, es)| *who == me && es.ready_state() != web_sys::EventSource::CLOSED)
    });
    if open {
        return;
    }
    close();
    let Ok(es) = web_sys::EventSource::new("/api/v1/alerts/live") else {
        return;
    };
    let on_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        // Phones without an outbox (the court's side) read their alerts online.
        app.view_rev.update(|n| *n = n.wrapping_add(1));
        leptos::task::spawn_local(crate::phone::outbox::sync(app));
    });
    let _ = es.add_event_listener_with_callback("alerts", on_change.as_ref().unchecked_ref());
    on_change.forget();
    STREAM.with(|s| *s.borrow_mut() = Some((me, es)));
}

/// Closes it (signed out).
#[cfg(feature = "hydrate")]
pub fn close() {
    STREAM.with(|s| {
        if let Some((_, es)) = s.borrow_mut().take() {
            es.close();
        }
    });
}

#[cfg(not(feature = "hydrate"))]
pub fn open(_app: AppState) {}

#[cfg(not(feature = "hydrate"))]
pub fn close() {}
