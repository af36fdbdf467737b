//! How the phone shows the morning and night building checks before the server has them.

use super::{Checklist, ChecklistRow, Countersign, CHECKLIST};
use crate::i18n::Locale;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for Checklist {
    const NAME: &'static str = "checklist.record";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(c) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Ok(c) = super::check(c, Locale::Zh) {
            let row = ChecklistRow::from_checklist(&c, &m.author, m.client_time);
            rows.put(CHECKLIST, &c.id, &row);
        }
    }
}

impl Record for Countersign {
    const NAME: &'static str = "checklist.countersign";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(s) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Some(v) = rows.row_mut(CHECKLIST, &s.checklist_id) {
            if v["countersigned_at"].is_null() && v["author_id"] != m.author.as_str() {
                v["countersigned_at"] = m.client_time.into();
            }
        }
    }
}
