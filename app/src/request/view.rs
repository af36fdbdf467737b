//! How the phone shows a request and its steps before the server has them. The server's row
//! replaces the phone's at the next pull (with the names of who answered).

use super::{after, File, RequestState, Step, StepKind, COURT_REQUEST};
use crate::i18n::Key;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

impl Record for File {
    const NAME: &'static str = "request.file";
    const LABEL: Key = Key::RecordRequest;
    const FIX_ROUTE: Option<&'static str> = Some("/requests");

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(f) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let (Some(channel), Some(urgency)) = (f.channel, f.urgency) else {
            return;
        };
        let row = serde_json::json!({"site_id": f.site_id, "channel": channel.code(),
            "urgency": urgency.code(), "email_class": f.email_class.map(|c| c.code()),
            "subject": f.subject.trim(), "detail": f.detail.trim(), "from_whom": f.from_whom.trim(),
            "received_at": m.client_time - f.received_before_ms.clamp(0, super::LOG_WITHIN),
            "state": RequestState::Received.code(), "author_id": m.author});
        rows.put_json(COURT_REQUEST, &f.id, row);
    }
}

impl Record for Step {
    const NAME: &'static str = "request.step";
    const LABEL: Key = Key::RecordRequest;
    const FIX_ROUTE: Option<&'static str> = Some("/requests");

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(s) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let Some(r) = rows.row_mut(COURT_REQUEST, &s.request_id) else {
            return;
        };
        let state = RequestState::parse(r["state"].as_str().unwrap_or_default());
        let Some(Ok(next)) = state.map(|st| after(st, s.step)) else {
            return;
        };
        r["state"] = next.code().into();
        let at = m.client_time;
        match s.step {
            StepKind::Acknowledge => r["acknowledged_at"] = at.into(),
            StepKind::Handle => {
                r["handled_at"] = at.into();
                r["handling"] = s.note.trim().into();
                r["on_site"] = s.on_site.into();
            }
            StepKind::Report => {
                r["reported_at"] = at.into();
                r["report"] = s.note.trim().into();
            }
            StepKind::Confirm => {
                r["closed_at"] = at.into();
                r["close_kind"] = "confirmed".into();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Channel, RequestRow, Urgency, MINUTE};
    use super::*;
    use crate::record::testing::mutation;

    #[test]
    fn a_logged_call_shows_at_the_call_s_time_and_its_steps_in_order() {
        let mut rows = Rows::new();
        let file = File {
            id: "r1".into(),
            site_id: "s".into(),
            channel: Some(Channel::Phone),
            urgency: Some(Urgency::Urgent),
            subject: "走廊争吵".into(),
            from_whom: "立案庭".into(),
            received_before_ms: 40 * MINUTE,
            ..Default::default()
        };
        let m = mutation::<File>(serde_json::to_value(&file).unwrap());
        File::show(&mut rows, &m);
        let r: RequestRow = rows.row_as(COURT_REQUEST, "r1").unwrap();
        assert_eq!(r.received_at, m.client_time - 40 * MINUTE);
        assert_eq!(r.state(), RequestState::Received);
        assert!(r.response(m.client_time).breached());

        let step = |step: StepKind, note: &str| {
            mutation::<Step>(serde_json::json!({"request_id": "r1", "step": step.code(),
                "note": note, "on_site": true}))
        };
        // Out of order: nothing changes.
        Step::show(&mut rows, &step(StepKind::Report, "已告知"));
        let r: RequestRow = rows.row_as(COURT_REQUEST, "r1").unwrap();
        assert_eq!(r.state(), RequestState::Received);
        Step::show(&mut rows, &step(StepKind::Acknowledge, ""));
        Step::show(&mut rows, &step(StepKind::Handle, "到场劝离"));
        let r: RequestRow = rows.row_as(COURT_REQUEST, "r1").unwrap();
        assert_eq!(r.state(), RequestState::Handled);
        assert_eq!(r.handling.as_deref(), Some("到场劝离"));
        assert!(r.on_site);
        assert_eq!(r.acknowledged_at, Some(m.client_time));
    }

    /// The server's rows arrive with SQLite's 0 and 1 for flags: read as the phone's own.
    #[test]
    fn a_pulled_row_reads_with_its_flags_as_numbers() {
        let pulled = serde_json::json!({"site_id": "s", "channel": "online", "urgency": "urgent",
            "subject": "门口滞留", "received_at": 1, "state": "handled", "on_site": 1,
            "email_class": null, "rect_id": null, "author_id": "p", "clock_skewed": 0});
        let r: RequestRow = serde_json::from_value(pulled).unwrap();
        assert!(r.on_site);
        let e: crate::emergency::EmergencyRow = serde_json::from_value(serde_json::json!({
            "site_id": "s", "kind": "medical", "drill": 0, "opened_at": 1, "author_id": "p"}))
        .unwrap();
        assert!(!e.drill);
    }
}
