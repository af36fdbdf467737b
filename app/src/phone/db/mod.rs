//! The phone's store in IndexedDB: the outbox, one entry per record, and the pulled rows, one
//! object store per entity with the indexes the screens read (`crate::rows::Keys`). A save
//! writes its outbox entry and the outbox's counter in one transaction; a pull page writes its
//! rows, what it prunes and its cursor in one; a screen reads one index range. Local storage
//! keeps only the small things (device, people remembered, language, last sync).
//!
//! Schema (version [`SCHEMA`]):
//! - `meta`: `outbox` → `{client_id, last_id, backed_up_to}`, `view` → `{cursor,
//!   last_mutation_id, person}` (JSON text, out-of-line keys);
//! - `outbox`: an [`Entry`] as JSON text, keyed by its mutation id;
//! - one store per entity, keyed by the row's id: `{i: id, j: row as JSON text, s: site,
//!   t: time, o: site while open, c: time once closed, n: name, r: id tail reversed}` with
//!   the indexes `s`, `st` (s, t), `o`, `c`, `sn` (s, n) and `sr` (s, r). Schema 2 added
//!   `s` (the rows the next person on a shared phone may not see go by site, keys only).
//!
//! A newer build's schema is opened while an older tab holds the store: the older tab is told
//! (`versionchange`), closes it and stops saving (its page says to reload); the newer one
//! waits (`blocked`) and opens once it has.

use crate::rows::{Rows, Want};
use crate::sync::{Entry, Outbox, PullResponse};
use serde::{Deserialize, Serialize};

pub const NAME: &str = "guardpost";
/// The store's schema: raised when an entity or an index is added (the upgrade creates what
/// is missing and keeps every row and entry).
pub const SCHEMA: u32 = 2;

/// Why the store did not do what was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fail {
    /// No IndexedDB here (a private window that refuses it, a browser without it).
    Unavailable,
    /// The phone's storage is full.
    Full,
    /// A newer build took the store over in another tab: this page must reload.
    Replaced,
    /// Anything else the browser said.
    Other,
}

/// The outbox's own state, beside its entries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub client_id: String,
    pub last_id: u64,
    #[serde(default)]
    pub backed_up_to: u64,
}

/// Where the pulled rows stand: the cursor to send back, the last of this phone's mutations
/// the rows already show, and whose pull they were.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ViewHead {
    #[serde(default)]
    pub cursor: Option<serde_json::Value>,
    #[serde(default)]
    pub last_mutation_id: u64,
    #[serde(default)]
    pub person: String,
}

/// How many rows of one entity the phone holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Held {
    pub entity: &'static str,
    pub rows: u32,
}

#[cfg(feature = "hydrate")]
mod idb;
#[cfg(feature = "hydrate")]
mod web;
#[cfg(feature = "hydrate")]
pub use idb::{estimate, on_other_tab, open, persist};
#[cfg(feature = "hydrate")]
pub use web::*;

#[cfg(not(feature = "hydrate"))]
pub use server_side::*;

/// On the server the store does not exist: every call says so, and nothing renders from it.
#[cfg(not(feature = "hydrate"))]
mod server_side {
    use super::*;

    pub async fn open() -> Result<(), Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn load_outbox() -> Result<Outbox, Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn append<E>(
        _replaces: Option<u64>,
        _make: impl FnOnce(&Head) -> Result<Entry, E>,
    ) -> Result<Result<Entry, E>, Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn rewrite_outbox(_f: Box<dyn FnOnce(&mut Outbox) + '_>) -> Result<Outbox, Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn view_head() -> Result<ViewHead, Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn apply_pull(_resp: &PullResponse, _person: &str, _now: i64) -> Result<(), Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn prune(_now: i64) -> Result<(), Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn clear_view() -> Result<(), Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn read(_wants: &[Want]) -> Result<Rows, Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn held() -> Result<Vec<Held>, Fail> {
        Err(Fail::Unavailable)
    }
    pub async fn move_from_local_storage(
        _old_outbox: Option<Outbox>,
        _old_view: Option<crate::sync::View>,
    ) -> Result<(), Fail> {
        Err(Fail::Unavailable)
    }
    pub fn on_other_tab(_f: impl Fn() + 'static) {}
    pub async fn estimate() -> Option<(f64, f64)> {
        None
    }
    pub async fn persist() -> bool {
        false
    }
}
