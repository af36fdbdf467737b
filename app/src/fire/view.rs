//! How the phone shows the fire room's records before the server has them.

use super::{
    Alarm, AlarmClose, AlarmKind, AlarmRow, Handover, HandoverAccept, HandoverRow, RepairDone,
    RepairRow, Shift, StatusEntry, FIRE_ALARM, FIRE_SHIFT, FIRE_STATUS, HANDOVER, REPAIR,
};
use crate::i18n::Locale;
use crate::procedure::{self, ProcedureKind};
use crate::record::Record;
use crate::rows::Entity;
use crate::sync::{Mutation, Rows};

impl Record for Alarm {
    const NAME: &'static str = "fire.alarm";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(a) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let Ok(a) = super::check_alarm(a, Locale::Zh) else {
            return;
        };
        let kind = a.kind.unwrap_or(AlarmKind::Fire);
        if kind.opens_repair() {
            let repair = RepairRow {
                site_id: a.site_id.clone(),
                alarm_id: a.id.clone(),
                place: a.place.clone(),
                opened_at: m.client_time,
                repaired_at: None,
            };
            rows.put(REPAIR, &super::repair_id(&a.id), &repair);
        }
        let row = AlarmRow {
            site_id: a.site_id.clone(),
            kind: kind.code().into(),
            place: a.place,
            cause: a.cause,
            handling: a.handling,
            raised_at: m.client_time,
            closed_at: (kind != AlarmKind::Fire).then_some(m.client_time),
        };
        rows.put(FIRE_ALARM, &a.id, &row);
    }
}

impl Record for AlarmClose {
    const NAME: &'static str = "fire.alarm_close";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(c) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let complete = procedure::complete(
            ProcedureKind::FireAlarm,
            &procedure::steps_of(rows, &c.alarm_id),
        );
        let Ok(c) = super::check_close(c, complete, Locale::Zh) else {
            return;
        };
        if let Some(v) = rows.row_mut(FIRE_ALARM, &c.alarm_id) {
            if v["closed_at"].is_null() {
                v["closed_at"] = m.client_time.into();
                v["cause"] = c.cause.into();
                v["handling"] = c.handling.into();
            }
        }
    }
}

impl Record for RepairDone {
    const NAME: &'static str = "fire.repair_done";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(r) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if super::check_repair(r.clone(), Locale::Zh).is_err() {
            return;
        }
        if let Some(v) = rows.row_mut(REPAIR, &r.repair_id) {
            if v["repaired_at"].is_null() {
                v["repaired_at"] = m.client_time.into();
            }
        }
    }
}

impl Record for StatusEntry {
    const NAME: &'static str = "fire.status";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(s) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Ok(s) = super::check_status(s, Locale::Zh) {
            let row = serde_json::json!({"site_id": s.site_id, "normal": s.normal,
                "note": s.note, "recorded_at": m.client_time});
            rows.put_json(FIRE_STATUS, &s.id, row);
        }
    }
}

impl Record for Handover {
    const NAME: &'static str = "fire.handover";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(h) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let open = |entity: Entity, column: &str| {
            rows.all(entity)
                .filter(|v| v["site_id"] == h.site_id.as_str() && v[column].is_null())
                .count() as i64
        };
        let row = HandoverRow {
            site_id: h.site_id.clone(),
            notes: h.notes.trim().into(),
            open_alarms: open(FIRE_ALARM, "closed_at"),
            open_repairs: open(REPAIR, "repaired_at"),
            handed_at: m.client_time,
            author_id: m.author.clone(),
            accepted_at: None,
        };
        rows.put(HANDOVER, &h.id, &row);
    }
}

impl Record for HandoverAccept {
    const NAME: &'static str = "fire.handover_accept";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(a) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Some(v) = rows.row_mut(HANDOVER, &a.handover_id) {
            if v["accepted_at"].is_null() && v["author_id"] != m.author.as_str() {
                v["accepted_at"] = m.client_time.into();
            }
        }
    }
}

/// The server judges the warnings; the page shows the form's own until then.
impl Record for Shift {
    const NAME: &'static str = "fire.shift";

    fn show(rows: &mut Rows, m: &Mutation) {
        let a = &m.args;
        if let Some(id) = a["id"].as_str() {
            let row = serde_json::json!({"site_id": a["site_id"],
                "operator_ids": a["operator_ids"].to_string(),
                "starts_at": a["starts_at"], "ends_at": a["ends_at"]});
            rows.put_json(FIRE_SHIFT, id, row);
        }
    }
}
