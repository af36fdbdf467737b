//! What the whole app shares on the phone: who is signed in, whether the server answers, the
//! language, and whether a new build waits.
//!
//! Everything starts empty on both sides so the hydrated page matches the server's HTML; the
//! phone fills it in after hydration (`start`), from local storage first, then from the server.

use crate::client::{self, store, ApiError};
use crate::i18n::{Key, Locale};
use crate::model::Me;
use crate::outbox::{self, Blocked};
use crate::sync::Entry;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct AppState {
    pub locale: Locale,
    /// The signed-in person, or the last one signed in on this phone while offline.
    pub me: RwSignal<Option<Me>>,
    /// Set once the phone knows whether someone is signed in.
    pub loaded: RwSignal<bool>,
    /// Did the last attempt to reach the server get an answer?
    pub online: RwSignal<bool>,
    /// Signed in from what the phone kept, because the server could not be asked.
    pub offline_session: RwSignal<bool>,
    /// When the server last answered (phone clock, ms).
    pub last_contact: RwSignal<Option<f64>>,
    /// A new build is installed and waits for the person to agree to switch.
    pub update_ready: RwSignal<bool>,
    /// Forms with unsaved input; an update never reloads over them.
    pub dirty_forms: RwSignal<u32>,
    /// The page's code is running (false in the server's HTML): forms submit only then, so a
    /// tap before the wasm arrives cannot send a form the browser's way.
    pub hydrated: RwSignal<bool>,
    /// Records saved on this phone and not yet acknowledged by the server.
    pub pending: RwSignal<usize>,
    /// Records the server refused, with its reason, until their author dismisses them.
    pub rejected: RwSignal<Vec<Entry>>,
    /// Records the server holds unapplied (see `sync::Status::Held`).
    pub held: RwSignal<usize>,
    pub enrolled: RwSignal<bool>,
    /// When a flush last emptied the outbox (phone clock, ms).
    pub last_sync: RwSignal<Option<f64>>,
    pub flushing: RwSignal<bool>,
    pub sync_blocked: RwSignal<Option<Blocked>>,
    /// Failed flushes in a row (for the backoff).
    pub failures: RwSignal<u32>,
    /// Bumped whenever the outbox or the phone's copy of records changes: lists re-read.
    pub view_rev: RwSignal<u32>,
}

impl AppState {
    pub fn new(locale: Locale) -> Self {
        Self {
            locale,
            me: RwSignal::new(None),
            loaded: RwSignal::new(false),
            online: RwSignal::new(true),
            offline_session: RwSignal::new(false),
            last_contact: RwSignal::new(None),
            update_ready: RwSignal::new(false),
            dirty_forms: RwSignal::new(0),
            hydrated: RwSignal::new(false),
            pending: RwSignal::new(0),
            rejected: RwSignal::new(Vec::new()),
            held: RwSignal::new(0),
            enrolled: RwSignal::new(false),
            last_sync: RwSignal::new(None),
            flushing: RwSignal::new(false),
            sync_blocked: RwSignal::new(None),
            failures: RwSignal::new(0),
            view_rev: RwSignal::new(0),
        }
    }

    pub fn t(&self, key: Key) -> &'static str {
        key.text(self.locale)
    }

    /// Records that the server answered just now.
    pub fn contact(&self) {
        let now = client::now_ms();
        self.online.set(true);
        self.last_contact.set(Some(now));
        store::set(store::LAST_CONTACT, &now);
    }

    /// Keeps the signed-in person, in memory and on the phone for an offline start.
    pub fn signed_in(&self, me: Me) {
        store::delete(store::SIGNED_OUT);
        store::set(store::ME, &me);
        self.offline_session.set(false);
        self.me.set(Some(me));
        self.loaded.set(true);
    }

    pub fn signed_out(&self) {
        if !self.online.get_untracked() {
            store::set(store::SIGNED_OUT, &true);
        }
        store::delete(store::ME);
        crate::author::clear();
        self.offline_session.set(false);
        self.me.set(None);
        self.loaded.set(true);
    }

    /// Signs in someone the phone knows, without the server (see [`crate::known`]).
    pub fn signed_in_offline(&self, me: Me) {
        store::set(store::ME, &me);
        self.me.set(Some(me));
        self.offline_session.set(true);
        self.loaded.set(true);
    }

    /// Keeps the person's sites on the phone for forms that work offline; forms showing sites
    /// follow `view_rev`, so one opened before they arrived fills in.
    pub async fn load_sites(self) {
        if let Ok(sites) = client::get::<Vec<crate::model::Site>>("/api/v1/sites").await {
            store::set(crate::pages::SITES, &sites);
            self.view_rev.update(|n| *n = n.wrapping_add(1));
        }
    }

    /// Asks the server who is signed in; keeps the phone's copy when the server cannot answer.
    pub async fn refresh_me(self) {
        match client::get::<Me>("/api/v1/me").await {
            Ok(server_me) => {
                self.contact();
                let local = self.me.get_untracked();
                let signed_out_offline = store::get::<bool>(store::SIGNED_OUT).unwrap_or(false);
                // The server's session belongs to someone who signed out, or to someone else
                // than the person signed in offline: end it; never switch people silently.
                if signed_out_offline || local.as_ref().is_some_and(|l| l.id != server_me.id) {
                    let _ =
                        client::post::<(), serde_json::Value>("/api/v1/auth/sign-out", &()).await;
                    store::delete(store::SIGNED_OUT);
                    if local.is_some() {
                        self.sync_blocked.set(Some(Blocked::SignIn));
                    }
                    self.signed_out();
                    return;
                }
                self.signed_in(server_me);
                self.load_sites().await;
                if self.sync_blocked.get_untracked() == Some(Blocked::SignIn) {
                    self.sync_blocked.set(None);
                }
                outbox::hello(self).await;
                outbox::sync(self).await;
            }
            Err(ApiError::Network) => {
                self.online.set(false);
                if self.me.get_untracked().is_none() {
                    if let Some(me) = store::get::<Me>(store::ME) {
                        self.me.set(Some(me));
                    }
                }
                self.offline_session.set(self.me.get_untracked().is_some());
                self.loaded.set(true);
            }
            Err(ApiError::Refused { status, .. }) => {
                self.contact();
                if status == 401 {
                    self.signed_out();
                } else {
                    self.loaded.set(true);
                }
            }
        }
    }

    /// Runs once after hydration: restore from the phone, then ask the server, and keep asking
    /// when the network comes back, when the app returns to the foreground, and on a timer.
    #[cfg(feature = "hydrate")]
    pub fn start(self) {
        use leptos::task::spawn_local;
        use std::time::Duration;

        self.hydrated.set(true);
        outbox::prune_view();
        outbox::refresh_counts(self);
        if let Some(ms) = store::get::<f64>(store::LAST_CONTACT) {
            self.last_contact.set(Some(ms));
        }
        if let Some(me) = store::get::<Me>(store::ME) {
            self.me.set(Some(me));
            self.loaded.set(true);
        }
        spawn_local(self.refresh_me());

        let on_online = move |_: web_sys::Event| spawn_local(self.refresh_me());
        let on_offline = move |_: web_sys::Event| self.online.set(false);
        let _ = window_event_listener_untyped("online", on_online);
        let _ = window_event_listener_untyped("offline", on_offline);
        let _ = window_event_listener_untyped("focus", move |_| spawn_local(self.refresh_me()));

        // Offline: look again every 10 s; online: every 60 s (notices an expired session).
        // Records waiting: try again after a backoff with jitter.
        let ticks = std::cell::Cell::new(0u32);
        let next_try = std::cell::Cell::new(0.0f64);
        let _ = set_interval_with_handle(
            move || {
                ticks.set(ticks.get().wrapping_add(1));
                crate::clock::tick();
                if !self.online.get_untracked() || ticks.get().is_multiple_of(6) {
                    spawn_local(self.refresh_me());
                } else if self.pending.get_untracked() > 0 && client::now_ms() >= next_try.get() {
                    let wait =
                        outbox::backoff_secs(self.failures.get_untracked(), js_sys::Math::random());
                    next_try.set(client::now_ms() + wait * 1000.0);
                    spawn_local(outbox::sync(self));
                }
            },
            Duration::from_secs(10),
        );
        // Another tab saved or synced: show its counts.
        let _ = window_event_listener_untyped("storage", move |_| outbox::refresh_counts(self));
        crate::pwa::register(self);
    }
}

pub fn use_app() -> AppState {
    use_context::<AppState>().unwrap_or_else(|| AppState::new(Locale::default()))
}
