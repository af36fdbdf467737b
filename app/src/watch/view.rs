//! How the phone shows watchlist alerts before the server has them, and finds a registration's
//! possible match in its copy of the watchlist (keys, never numbers).

use super::{Alert, WatchRow, WATCH, WATCH_ALERT};
use crate::idcard::IdType;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for Alert {
    const NAME: &'static str = "watch.alert";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(a) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let row = serde_json::json!({"site_id": a.site_id, "visit_id": a.visit_id,
            "watch_id": a.watch_id, "action": a.action.code(), "alerted_at": m.client_time});
        rows.put_json(WATCH_ALERT, &a.id, row);
    }
}

/// The watchlist as the phone holds it (keys, never numbers).
pub fn watchlist(rows: &Rows) -> Vec<(String, WatchRow)> {
    rows.list(WATCH, |_: &WatchRow| 0)
}

/// Visits whose watchlist alert has been recorded on this phone or the server.
pub fn alerted_visits(rows: &Rows) -> std::collections::HashSet<String> {
    rows.all(WATCH_ALERT)
        .filter_map(|v| v["visit_id"].as_str().map(String::from))
        .collect()
}

/// The watchlist entry a registration matches, from the phone's copy, with its reason: by key
/// for a typed number, by the server's mark for a returning visitor's earlier visit.
pub fn find_hit(
    rows: &Rows,
    id_type: IdType,
    number: &str,
    earlier_visit: Option<&str>,
) -> Option<(String, String)> {
    let list = watchlist(rows);
    if list.is_empty() {
        return None;
    }
    let id = match earlier_visit {
        Some(v) => crate::front::visits(rows)
            .into_iter()
            .find(|(id, _)| id == v)
            .and_then(|(_, r)| r.watch_id)?,
        None if !number.is_empty() => super::matches(&list, id_type, number)
            .first()
            .map(|(id, _)| id.clone())?,
        None => return None,
    };
    let reason = list
        .iter()
        .find(|(w, _)| *w == id)
        .map(|(_, r)| r.reason.clone())
        .unwrap_or_default();
    Some((id, reason))
}
