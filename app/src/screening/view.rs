//! How the phone shows screenings, deposits and self-tests before the server has them.

use super::{
    DepositClose, DepositRow, Disposition, Screening, ScreeningRow, SelfTest, DEPOSIT, SCREENING,
    SELF_TEST,
};
use crate::i18n::Locale;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for Screening {
    const NAME: &'static str = "screening.record";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(args) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let Ok(s) = super::check(args, Locale::Zh) else {
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
            rows.put(DEPOSIT, &super::deposit_id(&s.id, i), &row);
        }
        let row = ScreeningRow {
            site_id: s.site_id,
            visit_id: s.visit_id,
            name: s.name,
            outcome: s.outcome.code().into(),
            screened_at: m.client_time,
        };
        rows.put(SCREENING, &s.id, &row);
    }
}

impl Record for DepositClose {
    const NAME: &'static str = "deposit.close";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(args) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if super::check_close(&args, Locale::Zh).is_err() {
            return;
        }
        if let Some(v) = rows.row_mut(DEPOSIT, &args.deposit_id) {
            if v["closed_at"].is_null() {
                v["closed_at"] = m.client_time.into();
            }
        }
    }
}

impl Record for SelfTest {
    const NAME: &'static str = "equipment.self_test";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(args) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let row = serde_json::json!({"site_id": args.site_id, "tested_at": m.client_time});
        rows.put_json(SELF_TEST, &args.id, row);
    }
}

pub fn screenings(rows: &Rows) -> Vec<(String, ScreeningRow)> {
    rows.list(SCREENING, |s: &ScreeningRow| s.screened_at)
}

pub fn deposits(rows: &Rows) -> Vec<(String, DepositRow)> {
    rows.list(DEPOSIT, |d: &DepositRow| d.deposited_at)
}

/// When the last self-test at `site` was made, if the phone knows one.
pub fn last_self_test(rows: &Rows, site: &str) -> Option<i64> {
    rows.all(SELF_TEST)
        .filter(|v| v["site_id"] == site)
        .filter_map(|v| v["tested_at"].as_i64())
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::testing::mutation as m;
    use crate::registry::prune;
    use crate::registry::show;
    use serde_json::json;

    #[test]
    fn a_deposit_shows_until_collected_and_an_open_one_is_kept() {
        let mut rows = Rows::new();
        show(
            &mut rows,
            &m::<Screening>(
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
        let later = 1_795_885_200_000 + (SCREENING.window().unwrap().1 + 1) * 24 * 3600 * 1000;
        prune(&mut rows, later);
        assert!(screenings(&rows).is_empty());
        assert_eq!(deposits(&rows).len(), 1);
        // Collection without the visitor's confirmation is not shown as done.
        show(
            &mut rows,
            &m::<DepositClose>(json!({"deposit_id": "s1/0", "how": "collected"})),
        );
        assert!(deposits(&rows)[0].1.closed_at.is_none());
        show(
            &mut rows,
            &m::<DepositClose>(
                json!({"deposit_id": "s1/0", "how": "collected", "confirmed": true}),
            ),
        );
        assert!(deposits(&rows)[0].1.closed_at.is_some());
    }
}
