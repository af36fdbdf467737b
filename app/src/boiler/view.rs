//! How the phone shows a boiler reading (and the stop it calls for) before the server has it.

use super::{Profile, Reading, ReadingRow, BOILER, BOILER_READING};
use crate::i18n::Locale;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for Reading {
    const NAME: &'static str = "boiler.reading";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(r) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let Some(p) = rows.row_as::<Profile>(BOILER, &r.boiler_id) else {
            return;
        };
        let Ok((r, stop)) = super::check_reading(&p, r, Locale::Zh) else {
            return;
        };
        let duties: Vec<&str> = r.duties.iter().map(|d| d.code()).collect();
        let row = ReadingRow {
            site_id: p.site_id,
            boiler_id: r.boiler_id.clone(),
            read_at: m.client_time,
            supply_c: r.supply_c,
            pressure_mpa: r.pressure_mpa,
            duties: serde_json::to_string(&duties).unwrap_or_default(),
            stop_reasons: super::reasons_json(&stop),
        };
        rows.put(BOILER_READING, &r.id, &row);
    }
}
