//! When a record was made: the server places it from the phone's clocks, and flags it when
//! the phone's clock gives reason to doubt.

use super::*;

/// How the server placed a record in time, when the phone's clock gave it reason to doubt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockFlag {
    /// The phone's clock was off from the server's by more than [`MAX_CLOCK_SKEW_MS`], but
    /// steadily: the record is placed at the true time.
    Skewed,
    /// The phone's clock was changed between the last contact and the sending (turned back,
    /// reset after a flat battery, another time zone): both times are kept.
    Changed,
    /// The phone's times put the record before its previous record or contact, or after its
    /// arrival: it is placed at that bound.
    Bounded,
}

impl ClockFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockFlag::Skewed => "skewed",
            ClockFlag::Changed => "changed",
            ClockFlag::Bounded => "bounded",
        }
    }

    pub fn parse(s: &str) -> Option<ClockFlag> {
        [ClockFlag::Skewed, ClockFlag::Changed, ClockFlag::Bounded]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// When the server holds a record to have been made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub at: i64,
    pub flag: Option<ClockFlag>,
}

/// Places a record in time from what the phone said and what the server knows.
///
/// Two estimates: the phone's own (`clock.est`, the server's time at the last contact carried
/// forward), and the send-based one (`client_time` moved by the offset between the phone's
/// clock at sending, `sent_at`, and the arrival). They agree unless the phone's clock changed
/// in between; then the monotonic estimate is trusted, else the later of those inside the
/// bounds (a clock turned back cannot make a record earlier than both). The record is never
/// placed before `lower` (the phone's previous record, its contact before it was made) nor
/// after `arrival`.
pub fn place(
    client_time: i64,
    clock: Option<MadeClock>,
    sent_at: Option<i64>,
    arrival: i64,
    lower: i64,
) -> Placed {
    let mut lo = lower;
    let turned_back = clock.is_some_and(|c| c.behind > CLOCK_AGREE_MS);
    if let Some(c) = clock {
        // The record was made after its contact, and (unless monotonic time carried the
        // estimate past the change) after the latest time the app had shown on the phone's
        // clock since that contact, before the clock went back.
        lo = lo.max(c.contact);
        if turned_back && !c.mono {
            lo = lo.max(c.est.saturating_add(c.behind));
        }
    }
    // Without any other evidence, a record is not placed more than a month before it arrived
    // (a phone reset to 1970 that never reached the server).
    let lo = lo.max(arrival.saturating_sub(MAX_OFFLINE_MS)).min(arrival);
    let sent_based = sent_at.map(|s| client_time.saturating_add(arrival.saturating_sub(s)));
    let inside = |t: &i64| (lo..=arrival).contains(t);
    let (t, changed) = match (clock, sent_based) {
        (Some(c), Some(e2)) if (c.est - e2).abs() <= CLOCK_AGREE_MS => (c.est, turned_back),
        (Some(c), Some(_)) if c.mono => (c.est, true),
        (Some(c), Some(e2)) => {
            let best = [c.est, e2].into_iter().filter(inside).max();
            (best.unwrap_or(c.est.max(e2)), true)
        }
        (Some(c), None) => (c.est, turned_back),
        (None, Some(e2)) => (e2, false),
        (None, None) => (client_time, false),
    };
    let at = t.clamp(lo, arrival);
    let flag = if changed {
        Some(ClockFlag::Changed)
    } else if (at - t).abs() > CLOCK_AGREE_MS {
        // (A record made while the request before it was on its way is placed a moment after
        // that contact: not worth a supervisor's look.)
        Some(ClockFlag::Bounded)
    } else if (client_time - at).abs() > MAX_CLOCK_SKEW_MS {
        Some(ClockFlag::Skewed)
    } else {
        None
    };
    Placed { at, flag }
}
