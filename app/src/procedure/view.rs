//! How the phone shows a step of a procedure (a fire alarm's, a boiler stop's, an emergency's)
//! before the server has it, and reads the steps back.

use super::{Step, StepRecord, PROCEDURE_STEP};
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for Step {
    const NAME: &'static str = "procedure.step";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(s) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let done = steps_of(rows, &s.of);
        let next = StepRecord {
            step: s.step.clone(),
            at: m.client_time,
            skipped_because: s.skipped_because,
            note: s.note,
        };
        let Ok(after) = super::record_step(s.kind, &done, next) else {
            return;
        };
        let rec = &after[after.len() - 1];
        let row = serde_json::json!({"of_id": s.of, "kind": s.kind.code(), "step": rec.step,
            "seq": after.len(), "at": rec.at, "skipped_because": rec.skipped_because,
            "note": rec.note});
        rows.put_json(PROCEDURE_STEP, &format!("{}/{}", s.of, rec.step), row);
    }
}

/// The steps recorded for a fire alarm, a boiler stop or an emergency, in order.
pub fn steps_of(rows: &Rows, of: &str) -> Vec<StepRecord> {
    let mut list: Vec<(i64, StepRecord)> = rows
        .all(PROCEDURE_STEP)
        .filter(|v| v["of_id"] == of)
        .filter_map(|v| {
            Some((
                v["seq"].as_i64()?,
                StepRecord {
                    step: v["step"].as_str()?.into(),
                    at: v["at"].as_i64()?,
                    skipped_because: v["skipped_because"].as_str().unwrap_or_default().into(),
                    note: v["note"].as_str().unwrap_or_default().into(),
                },
            ))
        })
        .collect();
    list.sort_by_key(|(seq, _)| *seq);
    list.into_iter().map(|(_, s)| s).collect()
}
