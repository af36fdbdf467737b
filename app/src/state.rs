//! What the whole app shares on the phone: who is signed in, whether the server answers, the
//! language, and whether a new build waits.
//!
//! Everything starts empty on both sides so the hydrated page matches the server's HTML; the
//! phone fills it in after hydration (`start`), from local storage first, then from the server.

use crate::client::{self, store, ApiError};
use crate::i18n::{Key, Locale};
use crate::model::Me;
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
        store::set(store::ME, &me);
        self.offline_session.set(false);
        self.me.set(Some(me));
        self.loaded.set(true);
    }

    pub fn signed_out(&self) {
        store::delete(store::ME);
        self.offline_session.set(false);
        self.me.set(None);
        self.loaded.set(true);
    }

    /// Asks the server who is signed in; keeps the phone's copy when the server cannot answer.
    pub async fn refresh_me(self) {
        match client::get::<Me>("/api/v1/me").await {
            Ok(me) => {
                self.contact();
                self.signed_in(me);
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
        let ticks = std::cell::Cell::new(0u32);
        let _ = set_interval_with_handle(
            move || {
                ticks.set(ticks.get().wrapping_add(1));
                if !self.online.get_untracked() || ticks.get().is_multiple_of(6) {
                    spawn_local(self.refresh_me());
                }
            },
            Duration::from_secs(10),
        );
        crate::pwa::register(self);
    }
}

pub fn use_app() -> AppState {
    use_context::<AppState>().unwrap_or_else(|| AppState::new(Locale::default()))
}
