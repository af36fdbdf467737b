//! What the whole app shares on the phone: who is signed in, whether the server answers, the
//! language, and whether a new build waits.
//!
//! Everything starts as the server drew the page on both sides so the hydrated page matches its
//! HTML (empty, but for the person the page was drawn for); the phone fills it in after
//! hydration (`start`), from local storage first, then from the server.

use crate::i18n::Locale;
use crate::model::Me;
use crate::phone::client::{self, store};
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
    /// The session's start has begun (after hydration): pages that read the phone draw their
    /// content only then; the home, which the server draws, at once.
    pub started: RwSignal<bool>,
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
    /// What is wrong with the phone's store, said on every page until it is not.
    pub store: RwSignal<Option<StoreTrouble>>,
    /// The page was opened at an address that is not a secure context (plain HTTP at an
    /// intranet address): no offline start, no persistent storage. Said on every page.
    pub insecure: RwSignal<bool>,
    /// The service worker is still fetching this build's pages and code on a first visit (it
    /// does not control the page yet): a page not opened before would not open offline.
    pub preparing_offline: RwSignal<bool>,
}

/// Why records may not be safe on this phone, or soon will not be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreTrouble {
    /// The browser gives no IndexedDB (a private window): nothing can be kept.
    Unavailable,
    /// A newer build took the store over in another tab: this page must reload to save.
    Replaced,
    /// A newer build waits for the other tabs of this app to close.
    WaitingForTabs,
    /// The store was cleared while records were waiting: the server has later ones from this
    /// phone than it holds. Saving stops until the phone is enrolled again.
    Lost,
    /// Less than 20% of the storage quota, or 50 MB, is left.
    Low,
    /// A save was refused for want of room (until one succeeds again).
    Full,
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
            started: RwSignal::new(false),
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
            store: RwSignal::new(None),
            insecure: RwSignal::new(false),
            preparing_offline: RwSignal::new(false),
        }
    }

    /// What a save says once the record is in the phone's store: on an insecure page it is not
    /// safe there (the app cannot open offline, the browser may clear it), and it says so.
    pub fn saved_pending(&self) -> &'static str {
        use leptos::prelude::GetUntracked;
        if self.insecure.get_untracked() {
            self.t(crate::i18n::Key::SavedNotSafe)
        } else {
            self.t(crate::i18n::Key::SavedPending)
        }
    }

    /// The words of a catalogue's entry in the person's language.
    pub fn t<W: crate::i18n::Words>(&self, words: W) -> &'static str {
        words.text(self.locale)
    }

    /// Records that the server answered just now.
    pub fn contact(&self) {
        let now = client::now_ms();
        self.online.set(true);
        self.last_contact.set(Some(now));
        store::set(store::LAST_CONTACT, &now);
    }

    /// Whether the page may draw a signed-in person's screens: the phone knows who it is (a
    /// reactive read).
    pub fn is_signed_in(&self) -> bool {
        self.loaded.get() && self.me.with(Option::is_some)
    }

    /// Keeps the signed-in person, in memory and on the phone for an offline start.
    pub fn signed_in(&self, me: Me) {
        store::delete(store::SIGNED_OUT);
        store::set(store::ME, &me);
        crate::phone::home_copy::person_home(Some(&me), true);
        self.offline_session.set(false);
        self.set_me(me);
    }

    /// The person, redrawing what shows them only when they changed (every contact confirms
    /// the same person, and the home the server drew is already theirs).
    pub fn set_me(&self, me: Me) {
        if self.me.with_untracked(|m| m.as_ref() != Some(&me)) {
            self.me.set(Some(me));
        }
        if !self.loaded.get_untracked() {
            self.loaded.set(true);
        }
    }

    pub fn signed_out(&self) {
        if !self.online.get_untracked() {
            store::set(store::SIGNED_OUT, &true);
        }
        store::delete(store::ME);
        crate::phone::home_copy::person_home(None, false);
        crate::phone::secret::clear();
        self.offline_session.set(false);
        self.me.set(None);
        self.loaded.set(true);
    }

    /// Signs in someone the phone knows, without the server (see [`crate::phone::known`]).
    pub fn signed_in_offline(&self, me: Me) {
        store::set(store::ME, &me);
        crate::phone::home_copy::person_home(Some(&me), false);
        self.set_me(me);
        self.offline_session.set(true);
    }

    /// Keeps the person's sites on the phone for forms that work offline; forms showing sites
    /// follow `view_rev`, so one opened before they arrived fills in.
    pub async fn load_sites(self) {
        if let Ok(sites) = client::get::<Vec<crate::model::Site>>("/api/v1/sites").await {
            store::set(store::SITES, &sites);
            self.view_rev.update(|n| *n = n.wrapping_add(1));
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

pub fn use_app() -> AppState {
    use_context::<AppState>().unwrap_or_else(|| AppState::new(Locale::default()))
}
