//! The response-time KPI (响应时间, 20% of the contract's grade): of the requests that came in,
//! the share acknowledged within their class's limit, with the median and the worst time; a
//! request not acknowledged and past its limit is a breach already, one still within its limit
//! is not counted yet. E-mails' reply times are counted beside it the same way.

use super::{Clock, RequestRow};
use serde::{Deserialize, Serialize};

/// One clock's figures over a set of requests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockFigures {
    /// Requests whose clock is judged (met, or past its limit).
    pub judged: u32,
    pub within: u32,
    pub breaches: u32,
    /// Still running within the limit: not counted yet.
    pub running: u32,
    /// Of the met ones.
    pub median_ms: Option<i64>,
    /// The longest: met, or still running past its limit.
    pub worst_ms: Option<i64>,
}

impl ClockFigures {
    pub fn of(clocks: impl IntoIterator<Item = Clock>) -> ClockFigures {
        let mut f = ClockFigures::default();
        let mut took = Vec::new();
        for c in clocks {
            if c.running() {
                f.running += 1;
                continue;
            }
            f.judged += 1;
            if c.breached() {
                f.breaches += 1;
            } else {
                f.within += 1;
            }
            if let Some(t) = c.took {
                took.push(t);
            }
            f.worst_ms = Some(f.worst_ms.unwrap_or(0).max(c.ran));
        }
        took.sort_unstable();
        f.median_ms = median(&took);
        f
    }

    /// The share within the limit, in per mille (none judged: none).
    pub fn share_permille(&self) -> Option<u32> {
        (self.judged > 0).then(|| self.within * 1000 / self.judged)
    }
}

/// The middle of sorted `v` (the lower middle of an even count: a time that was really taken).
fn median(v: &[i64]) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    Some(v[(v.len() - 1) / 2])
}

/// The response-time KPI of one site (or the court) over one period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseKpi {
    pub site_id: String,
    /// Requests that came in within the period.
    pub requests: u32,
    pub response: ClockFigures,
    /// E-mails' replies (the report back), by their reply class.
    pub email_reply: ClockFigures,
    /// Still open (not closed) at the time asked.
    pub open: u32,
    /// From coming in to closed, of the closed ones (confirmed or not): the middle and the
    /// longest. No limit is set for it; it is read beside the response.
    #[serde(default)]
    pub close_median_ms: Option<i64>,
    #[serde(default)]
    pub close_worst_ms: Option<i64>,
}

impl ResponseKpi {
    /// The figures of `rows` (already chosen by site and period) at `now`.
    pub fn of<'a>(site_id: &str, rows: impl IntoIterator<Item = &'a RequestRow>, now: i64) -> Self {
        let rows: Vec<&RequestRow> = rows.into_iter().collect();
        let mut closed: Vec<i64> = rows
            .iter()
            .filter_map(|r| Some((r.closed_at? - r.received_at).max(0)))
            .collect();
        closed.sort_unstable();
        ResponseKpi {
            close_median_ms: median(&closed),
            close_worst_ms: closed.last().copied(),
            site_id: site_id.into(),
            requests: rows.len() as u32,
            response: ClockFigures::of(rows.iter().map(|r| r.response(now))),
            email_reply: ClockFigures::of(rows.iter().filter_map(|r| r.reply(now))),
            open: rows.iter().filter(|r| r.closed_at.is_none()).count() as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Urgency, HOUR, MINUTE};
    use super::*;

    fn row(urgency: Urgency, received: i64, acked: Option<i64>) -> RequestRow {
        RequestRow {
            urgency: urgency.code().into(),
            received_at: received,
            acknowledged_at: acked,
            state: "received".into(),
            ..Default::default()
        }
    }

    #[test]
    fn breaches_are_counted_at_the_limits_and_running_ones_wait() {
        let u = Urgency::Urgent;
        let g = Urgency::General;
        let rows = [
            row(u, 0, Some(15 * MINUTE)),     // at the limit: in time
            row(u, 0, Some(15 * MINUTE + 1)), // a millisecond over
            row(g, 0, Some(HOUR)),            // at the limit
            row(g, 0, Some(5 * MINUTE)),
            row(u, 0, None), // not acknowledged, limit gone by at `now`
            row(g, 0, None), // not acknowledged, within the hour still
        ];
        let k = ResponseKpi::of("s", &rows, 30 * MINUTE);
        assert_eq!(k.requests, 6);
        assert_eq!(k.response.judged, 5);
        assert_eq!(k.response.within, 3);
        assert_eq!(k.response.breaches, 2);
        assert_eq!(k.response.running, 1);
        // Met: 5 min, 15 min, 15 min + 1 ms, 60 min: the lower middle.
        assert_eq!(k.response.median_ms, Some(15 * MINUTE));
        assert_eq!(k.response.worst_ms, Some(HOUR));
        assert_eq!(k.response.share_permille(), Some(600));
        assert_eq!(k.open, 6);
        assert_eq!(k.close_median_ms, None);
        assert_eq!(ClockFigures::default().share_permille(), None);
        let mut done = row(g, 0, Some(MINUTE));
        done.closed_at = Some(3 * HOUR);
        let mut quick = row(g, HOUR, Some(HOUR + MINUTE));
        quick.closed_at = Some(2 * HOUR);
        let k = ResponseKpi::of("s", [&done, &quick], 4 * HOUR);
        assert_eq!(
            (k.close_median_ms, k.close_worst_ms),
            (Some(HOUR), Some(3 * HOUR))
        );
        assert_eq!(k.open, 0);
    }
}
