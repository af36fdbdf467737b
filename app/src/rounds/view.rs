//! How the phone shows rounds and court duties before the server has them.

use super::{
    Check, CheckRow, DutyFinish, DutyStart, Finish, RoundRow, RouteRow, Start, COURT_DUTY, ROUND,
    ROUND_CHECK, ROUTE,
};
use crate::i18n::Locale;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for Start {
    const NAME: &'static str = "round.start";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(s) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let Some(route) = rows.row_as::<RouteRow>(ROUTE, &s.route_id) else {
            return;
        };
        let row = RoundRow {
            site_id: route.site_id,
            route_id: s.route_id,
            started_at: m.client_time,
            finished_at: None,
            note: String::new(),
        };
        rows.put(ROUND, &s.id, &row);
    }
}

impl Record for Check {
    const NAME: &'static str = "round.check";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(c) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let Some(round) = rows.row_as::<RoundRow>(ROUND, &c.round_id) else {
            return;
        };
        let Some(route) = rows.row_as::<RouteRow>(ROUTE, &round.route_id) else {
            return;
        };
        if round.finished_at.is_some()
            || super::check_check(&c, &route.areas(), Locale::Zh).is_err()
        {
            return;
        }
        let id = super::check_id(&c.round_id, &c.area_id);
        if rows.row(ROUND_CHECK, &id).is_some() {
            return;
        }
        let row = CheckRow {
            round_id: c.round_id,
            area_id: c.area_id,
            how: c.how.code().into(),
            finding: c.finding.trim().into(),
            checked_at: m.client_time,
        };
        rows.put(ROUND_CHECK, &id, &row);
    }
}

impl Record for Finish {
    const NAME: &'static str = "round.finish";

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(f) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        if let Some(v) = rows.row_mut(ROUND, &f.round_id) {
            if v["finished_at"].is_null() {
                v["finished_at"] = m.client_time.into();
            }
        }
    }
}

// Court duties read their args as JSON: their structs' code stays out of the first download.
impl Record for DutyStart {
    const NAME: &'static str = "court_duty.start";

    fn show(rows: &mut Rows, m: &Mutation) {
        let a = &m.args;
        if let Some(id) = a["id"].as_str() {
            let row = serde_json::json!({"site_id": a["site_id"], "courtroom": a["courtroom"],
                "case_no": a["case_no"], "started_at": m.client_time, "author_id": m.author});
            rows.put_json(COURT_DUTY, id, row);
        }
    }
}

impl Record for DutyFinish {
    const NAME: &'static str = "court_duty.finish";

    fn show(rows: &mut Rows, m: &Mutation) {
        let a = &m.args;
        let duty = a["duty_id"].as_str().unwrap_or_default();
        if let Some(v) = rows.row_mut(COURT_DUTY, duty) {
            if v["finished_at"].is_null() {
                v["finished_at"] = m.client_time.into();
                v["outcome"] = a["outcome"].clone();
                v["note"] = a["note"].clone();
            }
        }
    }
}
