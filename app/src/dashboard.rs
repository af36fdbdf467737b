//! The supervisor's day at one site: what the contract's figures are made of.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/dashboard?site=<id>&day=YYYY-MM-DD`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub site_id: String,
    pub day: String,
    /// Registrations that day, and the people they brought (companions counted).
    pub visits: i64,
    pub people: i64,
    /// Registrations with every required field present and valid.
    pub complete: i64,
    /// The same two over the month so far (the KPI is the month's share, ≥ 98%).
    pub month_visits: i64,
    pub month_complete: i64,
    pub screenings: i64,
    /// Screenings by outcome code.
    pub outcomes: Vec<(String, i64)>,
    /// Items found by category code.
    pub items: Vec<(String, i64)>,
    pub deposits_made: i64,
    /// Deposits not yet collected or transferred, whatever their day.
    pub deposits_open: i64,
    pub self_tests: i64,
    /// Visitors matched with the watchlist, and alerts recorded.
    pub watch_hits: i64,
    pub watch_alerts: i64,
    /// Gate entries that day by kind, and items held now.
    pub gate: Vec<(String, i64)>,
    pub custody_open: i64,
}

impl Dashboard {
    /// Share in per cent (one decimal), or `None` with nothing to count.
    pub fn percent(part: i64, whole: i64) -> Option<f64> {
        (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_to_one_decimal_and_needs_a_whole() {
        assert_eq!(Dashboard::percent(49, 50), Some(98.0));
        assert_eq!(Dashboard::percent(2, 3), Some(66.7));
        assert_eq!(Dashboard::percent(0, 0), None);
    }
}
