//! How the phone shows its own records before the server has them: for each mutation name, the
//! change it makes to the rows the phone holds (the server's rows come by pull). One match per
//! record type, the phone's half of `server::records`.

use crate::front::{self, CheckIn, CheckOut, VisitRow};
use crate::gate::{self, Arrive, GateKind, GateRow, Leave};
use crate::i18n::Locale;
use crate::screening::{
    self, DepositClose, DepositRow, Disposition, Screening, ScreeningRow, SelfTest,
};
use crate::sync::{Mutation, Rows};
use crate::watch::{Alert, WatchRow};

/// How long the phone keeps pulled records (the server sends no older ones either).
pub const KEEP_DAYS: i64 = 14;

pub fn apply(rows: &mut Rows, m: &Mutation) {
    match m.name.as_str() {
        "visit.check_in" => {
            let Ok(args) = CheckIn::from_args(m.v, &m.args) else {
                return;
            };
            let id = args.id.clone();
            let today = front::court_date(m.client_time);
            // A returning visitor's earlier visit, as the phone holds it.
            let earlier = args
                .repeat_of
                .as_ref()
                .and_then(|r| rows.get("visit").and_then(|t| t.get(r)))
                .and_then(|v| serde_json::from_value::<VisitRow>(v.clone()).ok());
            let repeat_ok = earlier.as_ref().is_some_and(|e| e.complete);
            let earlier_masked = earlier.map(|e| e.id_masked);
            // Shown as the server will store it; a registration the server will refuse is
            // shown until its refusal arrives (then the author corrects it).
            if let Ok(c) = front::check_in(args, today, repeat_ok, Locale::Zh) {
                let mut row = VisitRow::from_check_in(&c, &m.author, m.client_time);
                if row.id_masked.is_empty() {
                    row.id_masked = earlier_masked.unwrap_or_default();
                }
                if let Ok(v) = serde_json::to_value(row) {
                    rows.entry("visit".into()).or_default().insert(id, v);
                }
            }
        }
        "visit.check_out" => {
            let Ok(args) = serde_json::from_value::<CheckOut>(m.args.clone()) else {
                return;
            };
            if let Some(v) = rows
                .get_mut("visit")
                .and_then(|t| t.get_mut(&args.visit_id))
            {
                if v["checked_out_at"].is_null() {
                    v["checked_out_at"] = m.client_time.into();
                }
            }
        }
        "screening.record" => {
            let Ok(args) = serde_json::from_value::<Screening>(m.args.clone()) else {
                return;
            };
            let Ok(s) = screening::check(args, Locale::Zh) else {
                return;
            };
            for (i, item) in s.items.iter().enumerate() {
                if item.disposition != Disposition::Deposit {
                    continue;
                }
                let row = DepositRow {
                    site_id: s.site_id.clone(),
                    screening_id: s.id.clone(),
                    name: s.name.clone(),
                    description: item.description.clone(),
                    category: item.category.code().into(),
                    locker: item.locker.clone(),
                    tag: item.tag.clone(),
                    deposited_at: m.client_time,
                    closed_at: None,
                };
                if let Ok(v) = serde_json::to_value(row) {
                    rows.entry("deposit".into())
                        .or_default()
                        .insert(screening::deposit_id(&s.id, i), v);
                }
            }
            let row = ScreeningRow {
                site_id: s.site_id,
                visit_id: s.visit_id,
                name: s.name,
                outcome: s.outcome.code().into(),
                screened_at: m.client_time,
            };
            if let Ok(v) = serde_json::to_value(row) {
                rows.entry("screening".into()).or_default().insert(s.id, v);
            }
        }
        "deposit.close" => {
            let Ok(args) = serde_json::from_value::<DepositClose>(m.args.clone()) else {
                return;
            };
            if screening::check_close(&args, Locale::Zh).is_err() {
                return;
            }
            if let Some(v) = rows
                .get_mut("deposit")
                .and_then(|t| t.get_mut(&args.deposit_id))
            {
                if v["closed_at"].is_null() {
                    v["closed_at"] = m.client_time.into();
                }
            }
        }
        "equipment.self_test" => {
            let Ok(args) = serde_json::from_value::<SelfTest>(m.args.clone()) else {
                return;
            };
            let id = args.id.clone();
            let row = serde_json::json!({"site_id": args.site_id, "tested_at": m.client_time});
            rows.entry("self_test".into()).or_default().insert(id, row);
        }
        "gate.arrive" => {
            let Ok(a) = serde_json::from_value::<Arrive>(m.args.clone()) else {
                return;
            };
            if let Ok(a) = gate::check_arrive(a, Locale::Zh) {
                if let Ok(v) = serde_json::to_value(GateRow::from_arrive(&a, m.client_time)) {
                    rows.entry("gate".into()).or_default().insert(a.id, v);
                }
            }
        }
        "gate.leave" => {
            let Ok(l) = serde_json::from_value::<Leave>(m.args.clone()) else {
                return;
            };
            if let Some(v) = rows.get_mut("gate").and_then(|t| t.get_mut(&l.entry_id)) {
                let kind = v["kind"].as_str().and_then(GateKind::parse);
                let ok = kind.is_some_and(|k| gate::check_leave(k, &l, Locale::Zh).is_ok());
                if ok && v["left_at"].is_null() {
                    v["left_at"] = m.client_time.into();
                }
            }
        }
        "watch.alert" => {
            let Ok(a) = serde_json::from_value::<Alert>(m.args.clone()) else {
                return;
            };
            let id = a.id.clone();
            let row = serde_json::json!({"site_id": a.site_id, "visit_id": a.visit_id,
                "watch_id": a.watch_id, "action": a.action.code(), "alerted_at": m.client_time});
            rows.entry("watch_alert".into())
                .or_default()
                .insert(id, row);
        }
        _ => {}
    }
}

/// Drops pulled records older than [`KEEP_DAYS`] (personal data stays no longer than needed).
pub fn prune(rows: &mut Rows, now: i64) {
    let oldest = now - KEEP_DAYS * 24 * 3600 * 1000;
    let keep = |rows: &mut Rows, entity: &str, column: &str| {
        if let Some(t) = rows.get_mut(entity) {
            t.retain(|_, v| {
                // An open deposit or a held item stays until it is closed, however old.
                let open = (entity == "deposit" && v["closed_at"].is_null())
                    || (entity == "gate" && v["left_at"].is_null());
                open || v[column].as_i64().unwrap_or(0) >= oldest
            });
        }
    };
    keep(rows, "visit", "checked_in_at");
    keep(rows, "screening", "screened_at");
    keep(rows, "deposit", "deposited_at");
    keep(rows, "self_test", "tested_at");
    keep(rows, "watch_alert", "alerted_at");
    keep(rows, "gate", "arrived_at");
}

/// Rows of `entity` as `T`, newest first by `time`.
fn list<T: serde::de::DeserializeOwned>(
    rows: &Rows,
    entity: &str,
    time: impl Fn(&T) -> i64,
) -> Vec<(String, T)> {
    let mut list: Vec<(String, T)> = rows
        .get(entity)
        .map(|t| {
            t.iter()
                .filter_map(|(id, v)| {
                    serde_json::from_value::<T>(v.clone())
                        .ok()
                        .map(|r| (id.clone(), r))
                })
                .collect()
        })
        .unwrap_or_default();
    list.sort_by_key(|r| std::cmp::Reverse(time(&r.1)));
    list
}

pub fn screenings(rows: &Rows) -> Vec<(String, ScreeningRow)> {
    list(rows, "screening", |s: &ScreeningRow| s.screened_at)
}

pub fn deposits(rows: &Rows) -> Vec<(String, DepositRow)> {
    list(rows, "deposit", |d: &DepositRow| d.deposited_at)
}

pub fn gate_entries(rows: &Rows) -> Vec<(String, GateRow)> {
    list(rows, "gate", |g: &GateRow| g.arrived_at)
}

/// The watchlist as the phone holds it (keys, never numbers).
pub fn watchlist(rows: &Rows) -> Vec<(String, WatchRow)> {
    list(rows, "watch", |_: &WatchRow| 0)
}

/// Visits whose watchlist alert has been recorded on this phone or the server.
pub fn alerted_visits(rows: &Rows) -> std::collections::HashSet<String> {
    rows.get("watch_alert")
        .map(|t| {
            t.values()
                .filter_map(|v| v["visit_id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// When the last self-test at `site` was made, if the phone knows one.
pub fn last_self_test(rows: &Rows, site: &str) -> Option<i64> {
    rows.get("self_test")?
        .values()
        .filter(|v| v["site_id"] == site)
        .filter_map(|v| v["tested_at"].as_i64())
        .max()
}

/// The visits the phone shows, newest first.
pub fn visits(rows: &Rows) -> Vec<(String, VisitRow)> {
    list(rows, "visit", |v: &VisitRow| v.checked_in_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(name: &str, v: u32, args: serde_json::Value) -> Mutation {
        Mutation {
            id: 1,
            name: name.into(),
            v,
            author: "p".into(),
            args,
            client_time: 1_795_885_200_000,
            base_version: None,
        }
    }

    #[test]
    fn a_check_in_and_its_check_out_show_on_the_phone() {
        let mut rows = Rows::new();
        apply(
            &mut rows,
            &m(
                "visit.check_in",
                2,
                json!({"id": "v1", "site_id": "s", "name": "张三", "id_type": "resident_id",
                       "id_number": "11010519491231002X", "phone": "13800001111", "category": "party",
                       "purpose": "开庭", "area_id": "a"}),
            ),
        );
        let list = visits(&rows);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].1.id_masked, "110105********002X");
        assert!(list[0].1.complete);
        assert!(
            !rows["visit"]["v1"].to_string().contains("19491231"),
            "the full number is not kept"
        );
        apply(
            &mut rows,
            &m("visit.check_out", 1, json!({"visit_id": "v1"})),
        );
        assert!(visits(&rows)[0].1.checked_out_at.is_some());
        prune(
            &mut rows,
            1_795_885_200_000 + (KEEP_DAYS + 1) * 24 * 3600 * 1000,
        );
        assert!(visits(&rows).is_empty());
    }

    #[test]
    fn a_deposit_shows_until_collected_and_an_open_one_is_kept() {
        let mut rows = Rows::new();
        apply(
            &mut rows,
            &m(
                "screening.record",
                1,
                json!({"id": "s1", "site_id": "s", "name": "张三", "equipment": ["gate"],
                       "outcome": "prohibited",
                       "items": [{"category": "p1", "description": "水果刀", "disposition": "deposit",
                                  "locker": "3", "tag": "A12"}]}),
            ),
        );
        assert_eq!(screenings(&rows).len(), 1);
        let d = deposits(&rows);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "s1/0");
        // Much later, the open deposit is still on the phone; the screening is not.
        let later = 1_795_885_200_000 + (KEEP_DAYS + 1) * 24 * 3600 * 1000;
        prune(&mut rows, later);
        assert!(screenings(&rows).is_empty());
        assert_eq!(deposits(&rows).len(), 1);
        // Collection without the visitor's confirmation is not shown as done.
        apply(
            &mut rows,
            &m(
                "deposit.close",
                1,
                json!({"deposit_id": "s1/0", "how": "collected"}),
            ),
        );
        assert!(deposits(&rows)[0].1.closed_at.is_none());
        apply(
            &mut rows,
            &m(
                "deposit.close",
                1,
                json!({"deposit_id": "s1/0", "how": "collected", "confirmed": true}),
            ),
        );
        assert!(deposits(&rows)[0].1.closed_at.is_some());
    }
}
