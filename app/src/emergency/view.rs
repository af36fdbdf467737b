//! How the phone shows an emergency and its report afterwards before the server has them (the
//! steps are `procedure.step`'s).

use super::{check_after_report, AfterReport, Open, EMERGENCY};
use crate::i18n::{Key, Locale};
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for Open {
    const NAME: &'static str = "emergency.open";
    const LABEL: Key = Key::RecordEmergency;
    const FIX_ROUTE: Option<&'static str> = Some("/emergency");

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(o) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let row = serde_json::json!({"site_id": o.site_id, "kind": o.kind.code(),
            "place": o.place.trim(), "drill": o.drill, "opened_at": m.client_time,
            "author_id": m.author});
        rows.put_json(EMERGENCY, &o.id, row);
    }
}

impl Record for AfterReport {
    const NAME: &'static str = "emergency.after_report";
    const LABEL: Key = Key::RecordEmergency;
    const FIX_ROUTE: Option<&'static str> = Some("/emergency");

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(r) =
            Self::upgrade(m.v, &m.args).and_then(|r| check_after_report(r, Locale::Zh).ok())
        else {
            return;
        };
        let Some(row) = rows.row_mut(EMERGENCY, &r.emergency_id) else {
            return;
        };
        if !row["closed_at"].is_null() {
            return;
        }
        for (k, v) in [
            ("cause", &r.cause),
            ("process", &r.process),
            ("losses", &r.losses),
            ("lessons", &r.lessons),
            ("improvements", &r.improvements),
        ] {
            row[k] = v.as_str().into();
        }
        row["after_report_at"] = m.client_time.into();
        row["closed_at"] = m.client_time.into();
    }
}

#[cfg(test)]
mod tests {
    use super::super::EmergencyRow;
    use super::*;
    use crate::record::testing::mutation;

    #[test]
    fn an_emergency_shows_open_until_its_report_afterwards() {
        let mut rows = Rows::new();
        Open::show(
            &mut rows,
            &mutation::<Open>(serde_json::json!({"id": "e", "site_id": "s",
                "kind": "violent_conflict", "place": "二楼", "drill": true})),
        );
        let r: EmergencyRow = rows.row_as(EMERGENCY, "e").unwrap();
        assert!(r.drill && r.closed_at.is_none());
        // A report missing a part changes nothing; a full one closes it.
        let report = serde_json::json!({"emergency_id": "e", "cause": "纠纷", "process": "制止",
            "losses": "无", "lessons": "加强巡查", "improvements": ""});
        AfterReport::show(&mut rows, &mutation::<AfterReport>(report.clone()));
        assert!(rows
            .row_as::<EmergencyRow>(EMERGENCY, "e")
            .unwrap()
            .closed_at
            .is_none());
        let mut full = report;
        full["improvements"] = "高峰增派一人".into();
        AfterReport::show(&mut rows, &mutation::<AfterReport>(full));
        let r: EmergencyRow = rows.row_as(EMERGENCY, "e").unwrap();
        assert_eq!(r.closed_at, r.after_report_at);
        assert_eq!(r.lessons.as_deref(), Some("加强巡查"));
    }
}
