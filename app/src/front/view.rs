//! How the phone shows visits before the server has them, and reads them back.

use super::{CheckIn, CheckOut, VisitRow, VISIT};
use crate::i18n::Locale;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for CheckIn {
    const NAME: &'static str = "visit.check_in";
    const VERSION: u32 = 2;
    const FIX_ROUTE: Option<&'static str> = Some("/visit");

    fn upgrade(v: u32, args: &serde_json::Value) -> Option<Self> {
        CheckIn::from_args(v, args).ok()
    }

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(args) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let id = args.id.clone();
        let today = crate::core::court_date(m.client_time);
        // A returning visitor's earlier visit, as the phone holds it.
        let earlier = args
            .repeat_of
            .as_ref()
            .and_then(|r| rows.row_as::<VisitRow>(VISIT, r));
        let repeat_ok = earlier.as_ref().is_some_and(|e| e.complete);
        let earlier_masked = earlier.map(|e| e.id_masked);
        // Shown as the server will store it; a registration the server will refuse is shown
        // until its refusal arrives (then the author corrects it).
        if let Ok(c) = super::check_in(args, today, repeat_ok, Locale::Zh) {
            let mut row = VisitRow::from_check_in(&c, &m.author, m.client_time);
            if row.id_masked.is_empty() {
                row.id_masked = earlier_masked.unwrap_or_default();
            }
            rows.put(VISIT, &id, &row);
        }
    }
}

impl Record for CheckOut {
    const NAME: &'static str = "visit.check_out";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(args) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Some(v) = rows.row_mut(VISIT, &args.visit_id) {
            if v["checked_out_at"].is_null() {
                v["checked_out_at"] = m.client_time.into();
            }
        }
    }
}

/// The visits the phone shows, newest first.
pub fn visits(rows: &Rows) -> Vec<(String, VisitRow)> {
    rows.list(VISIT, |v: &VisitRow| v.checked_in_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::testing::mutation as m;
    use crate::registry::prune;
    use crate::registry::show;
    use serde_json::json;

    #[test]
    fn a_check_in_and_its_check_out_show_on_the_phone() {
        let mut rows = Rows::new();
        show(
            &mut rows,
            &m::<CheckIn>(
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
            !rows
                .row(VISIT, "v1")
                .unwrap()
                .to_string()
                .contains("19491231"),
            "the full number is not kept"
        );
        show(&mut rows, &m::<CheckOut>(json!({"visit_id": "v1"})));
        assert!(visits(&rows)[0].1.checked_out_at.is_some());
        prune(
            &mut rows,
            1_795_885_200_000 + (VISIT.window().unwrap().1 + 1) * 24 * 3600 * 1000,
        );
        assert!(visits(&rows).is_empty());
    }
}
