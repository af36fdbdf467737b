//! How the phone shows the gate's vehicles and parcels before the server has them.

use super::{Arrive, GateKind, GateRow, Leave, GATE};
use crate::i18n::Locale;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for Arrive {
    const NAME: &'static str = "gate.arrive";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(a) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Ok(a) = super::check_arrive(a, Locale::Zh) {
            rows.put(GATE, &a.id, &GateRow::from_arrive(&a, m.client_time));
        }
    }
}

impl Record for Leave {
    const NAME: &'static str = "gate.leave";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(l) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Some(v) = rows.row_mut(GATE, &l.entry_id) {
            let kind = v["kind"].as_str().and_then(GateKind::parse);
            let ok = kind.is_some_and(|k| super::check_leave(k, &l, Locale::Zh).is_ok());
            if ok && v["left_at"].is_null() {
                v["left_at"] = m.client_time.into();
            }
        }
    }
}

pub fn gate_entries(rows: &Rows) -> Vec<(String, GateRow)> {
    rows.list(GATE, |g: &GateRow| g.arrived_at)
}
