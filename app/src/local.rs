//! How the phone shows its own records before the server has them: for each mutation name, the
//! change it makes to the rows the phone holds (the server's rows come by pull). One match per
//! record type, the phone's half of `server::records`.

use crate::front::{self, CheckIn, CheckOut, VisitRow};
use crate::i18n::Locale;
use crate::sync::{Mutation, Rows};

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
        _ => {}
    }
}

/// Drops pulled records older than [`KEEP_DAYS`] (personal data stays no longer than needed).
pub fn prune(rows: &mut Rows, now: i64) {
    let oldest = now - KEEP_DAYS * 24 * 3600 * 1000;
    if let Some(t) = rows.get_mut("visit") {
        t.retain(|_, v| v["checked_in_at"].as_i64().unwrap_or(0) >= oldest);
    }
}

/// The visits the phone shows, newest first.
pub fn visits(rows: &Rows) -> Vec<(String, VisitRow)> {
    let mut list: Vec<(String, VisitRow)> = rows
        .get("visit")
        .map(|t| {
            t.iter()
                .filter_map(|(id, v)| {
                    serde_json::from_value::<VisitRow>(v.clone())
                        .ok()
                        .map(|r| (id.clone(), r))
                })
                .collect()
        })
        .unwrap_or_default();
    list.sort_by_key(|r| std::cmp::Reverse(r.1.checked_in_at));
    list
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
}
