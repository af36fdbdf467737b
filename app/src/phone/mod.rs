//! The phone's infrastructure, under every page: the http client and local storage, the
//! phone's store in IndexedDB, the app's shared state, the outbox as stored and the flusher
//! that sends it, the author secret, the
//! phone's estimate of the server's clock, people known offline, the service worker, the
//! camera's scanner.
//!
//! Layers, each importing only those before it (`make lint` fails on a cycle): `client` →
//! `db` → `clock`, `known`, `scan` → `secret` → `state` → `queue` → `author` → `outbox` →
//! `live`, `pwa` → `session`.

pub mod author;
pub mod client;
pub mod clock;
pub mod db;
pub mod home_copy;
pub mod known;
pub mod live;
pub mod outbox;
pub mod pwa;
pub mod queue;
pub mod scan;
pub mod secret;
pub mod session;
pub mod state;
