//! What the phone knows of the server's clock, so a record keeps the time it was made even when
//! it reaches the server hours later or the phone's clock is wrong (`shared/design/sync.md`,
//! "Time"; the server's rule is [`crate::sync::place`]).
//!
//! At every contact (a push or pull answer) the phone keeps the server's time with its own
//! clock then (`gp.clock_server`, `gp.clock_phone`, for the next start) and with monotonic time (in memory, for as long
//! as the page runs: a change of the phone's clock does not touch it). A record carries the
//! phone's clock and its estimate of the server's time from those. The latest time the app has
//! seen on the phone's clock since that contact (`gp.clock_seen`) tells a clock turned back.

use crate::phone::client::store;
use crate::sync::MadeClock;

/// The server's time at the last contact, and the phone's clock then (ms, as numbers: the
/// phone already reads numbers from storage, so no new reader goes into its download).
const CLOCK_SERVER: &str = "gp.clock_server";
const CLOCK_PHONE: &str = "gp.clock_phone";
const SEEN: &str = "gp.clock_seen";
/// Answers slower than this there and back do not set the phone's estimate of the server's
/// clock (half the round trip is its error).
pub const MAX_RTT_MS: i64 = 30_000;

#[cfg(feature = "hydrate")]
thread_local! {
    /// The server's time at the last contact in this page, and `performance.now()` then.
    static MONO: std::cell::Cell<Option<(i64, f64)>> = const { std::cell::Cell::new(None) };
}

/// Milliseconds of monotonic time since the page started.
#[cfg(feature = "hydrate")]
pub fn mono_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}
#[cfg(not(feature = "hydrate"))]
pub fn mono_now() -> f64 {
    0.0
}

/// The server answered with `server_time`; the request took `rtt` ms (monotonic) there and
/// back, so the server's clock now is about half of that past its stamp.
pub fn contact(server_time: i64, rtt: f64) {
    // An answer that took longer than this says too little about when it was written.
    if server_time <= 0 || rtt > MAX_RTT_MS as f64 {
        return;
    }
    let server = server_time + (rtt.max(0.0) / 2.0) as i64;
    let phone = crate::phone::client::now_ms() as i64;
    #[cfg(feature = "hydrate")]
    MONO.with(|m| m.set(Some((server, mono_now()))));
    store::set(CLOCK_SERVER, &(server as f64));
    store::set(CLOCK_PHONE, &(phone as f64));
    store::set(SEEN, &(phone as f64));
}

/// Keeps the latest time the app has seen on the phone's clock (called on a timer and at each
/// save).
pub fn tick() {
    let now = crate::phone::client::now_ms();
    if store::get::<f64>(SEEN).is_none_or(|seen| now > seen) {
        store::set(SEEN, &now);
    }
}

/// The phone's clock now, and its estimate of the server's time now (none before the first
/// contact).
pub fn made() -> (i64, Option<MadeClock>) {
    let now = crate::phone::client::now_ms() as i64;
    let seen = store::get::<f64>(SEEN).map_or(now, |s| s as i64);
    tick();
    let anchor = store::get::<f64>(CLOCK_SERVER)
        .zip(store::get::<f64>(CLOCK_PHONE))
        .map(|(s, p)| (s as i64, p as i64));
    #[cfg(feature = "hydrate")]
    let carried = MONO
        .with(|m| m.get())
        .map(|(server, mono)| (server, (mono_now() - mono) as i64));
    #[cfg(not(feature = "hydrate"))]
    let carried = None;
    (now, estimate(now, anchor, carried, seen))
}

/// The estimate a record carries, from the phone's clock `now`, the last contact (`anchor`:
/// the server's time and the phone's clock then), the same contact carried by monotonic time
/// in this page (`carried`: the server's time then and the milliseconds elapsed since), and
/// the latest time the app saw on the phone's clock since the contact (`seen`).
pub fn estimate(
    now: i64,
    anchor: Option<(i64, i64)>,
    carried: Option<(i64, i64)>,
    seen: i64,
) -> Option<MadeClock> {
    let behind = (seen - now).max(0);
    if let Some((server, elapsed)) = carried {
        return Some(MadeClock {
            est: server + elapsed,
            mono: true,
            contact: server,
            behind,
        });
    }
    let (server, phone) = anchor?;
    Some(MadeClock {
        est: now + (server - phone),
        mono: false,
        contact: server,
        behind,
    })
}
