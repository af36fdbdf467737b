//! How the phone shows hazards, complaints and rectifications before the server has them.
//! They read their args as JSON: the structs' code stays out of the first download. The form
//! checked them before saving; the server checks again.

use super::{
    Comment, Complaint, Edit, Issue, Move, Progress, RectState, Report, Review, HAZARD,
    RECTIFICATION, RECT_COMMENT,
};
use crate::i18n::Key;
use crate::record::Record;
use crate::sync::{Mutation, Rows};

/// A hazard report, or a complaint (a report by the court): the same row.
fn show_report(rows: &mut Rows, m: &Mutation) {
    let r = &m.args;
    let (Some(id), Some(category), Some(grade)) = (
        r["id"].as_str(),
        r["category"].as_str(),
        r["grade"].as_str(),
    ) else {
        return;
    };
    let fixed = r["fixed_on_spot"] == true;
    if !fixed {
        open_rect(rows, m, id, r, category, grade);
    }
    let row = serde_json::json!({"site_id": r["site_id"], "place": r["place"],
        "category": category, "grade": grade, "description": r["description"],
        "fixed_on_spot": fixed, "fix_note": r["fix_note"],
        "reported_at": m.client_time, "author_id": m.author});
    rows.put_json(HAZARD, id, row);
}

impl Record for Report {
    const NAME: &'static str = "hazard.report";
    const LABEL: Key = Key::RecordHazard;

    fn show(rows: &mut Rows, m: &Mutation) {
        show_report(rows, m)
    }
}

impl Record for Complaint {
    const NAME: &'static str = "complaint.file";

    fn show(rows: &mut Rows, m: &Mutation) {
        show_report(rows, m)
    }
}

/// The ledger issued (`issue`) or corrected.
fn show_ledger(rows: &mut Rows, m: &Mutation, issue: bool) {
    let (Some(id), l) = (m.args["rect_id"].as_str(), &m.args["ledger"]) else {
        return;
    };
    let today = crate::core::date_text(crate::core::court_date(m.client_time));
    let text = |k: &str| l[k].as_str().unwrap_or_default().trim().to_string();
    if text("responsible_id").is_empty() || text("deadline") < today {
        return;
    }
    rect_move(rows, m, id, |r, state| {
        if issue {
            r["state"] = super::after(state, Move::Issue)?.code().into();
        } else if state == RectState::Closed {
            return None;
        }
        r["plan"] = l["plan"].to_string().into();
        for k in [
            "department",
            "responsible_id",
            "measures",
            "deadline",
            "funding",
            "safeguards",
        ] {
            r[k] = text(k).into();
        }
        let said = format!("{} · {}", text("measures"), text("deadline"));
        Some((if issue { "issue" } else { "edit" }, said))
    });
}

impl Record for Issue {
    const NAME: &'static str = "rect.issue";
    const LABEL: Key = Key::RecordRect;

    fn show(rows: &mut Rows, m: &Mutation) {
        show_ledger(rows, m, true)
    }
}

impl Record for Edit {
    const NAME: &'static str = "rect.edit";
    const LABEL: Key = Key::RecordRect;

    fn show(rows: &mut Rows, m: &Mutation) {
        show_ledger(rows, m, false)
    }
}

impl Record for Progress {
    const NAME: &'static str = "rect.progress";
    const LABEL: Key = Key::RecordRect;

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(p) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        rect_move(rows, m, &p.rect_id, |r, state| {
            if p.done {
                r["state"] = super::after(state, Move::Complete)?.code().into();
                r["completion"] = p.note.clone().into();
                r["completed_at"] = m.client_time.into();
                Some(("complete", p.note))
            } else if state == RectState::InProgress {
                Some(("note", p.note))
            } else {
                r["state"] = super::after(state, Move::Start)?.code().into();
                Some(("start", p.note))
            }
        });
    }
}

impl Record for Review {
    const NAME: &'static str = "rect.review";
    const LABEL: Key = Key::RecordRect;

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(v) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        rect_move(rows, m, &v.rect_id, |r, state| {
            if r["responsible_id"] == m.author.as_str() {
                return None;
            }
            let mv = if v.approve {
                Move::Approve
            } else {
                Move::Return
            };
            r["state"] = super::after(state, mv)?.code().into();
            r["reviewer_id"] = m.author.clone().into();
            r["reviewed_at"] = m.client_time.into();
            if v.approve {
                r["closed_at"] = m.client_time.into();
            }
            Some((if v.approve { "approve" } else { "return" }, v.comment))
        });
    }
}

impl Record for Comment {
    const NAME: &'static str = "rect.comment";
    const LABEL: Key = Key::RecordRect;

    fn show(rows: &mut Rows, m: &Mutation) {
        let Some(c) = Self::upgrade(m.v, &m.args) else {
            return;
        };
        let Some(site) = rows
            .row(RECTIFICATION, &c.rect_id)
            .map(|r| r["site_id"].clone())
        else {
            return;
        };
        let row = serde_json::json!({"rect_id": c.rect_id, "site_id": site,
            "kind": "comment", "text": c.text, "at": m.client_time, "author_id": m.author});
        rows.put_json(RECT_COMMENT, &c.id, row);
    }
}

/// The registered rectification a hazard report `id` (or an inspection's failed item) opens;
/// `r` holds its site, place and description.
pub(crate) fn open_rect(
    rows: &mut Rows,
    m: &Mutation,
    id: &str,
    r: &serde_json::Value,
    category: &str,
    grade: &str,
) {
    let row = serde_json::json!({"site_id": r["site_id"], "hazard_id": id,
        "state": "registered", "rev": 1, "category": category, "grade": grade,
        "place": r["place"], "description": r["description"], "found_at": m.client_time,
        "finder_id": m.author});
    rows.put_json(RECTIFICATION, &super::rect_id(id), row);
}

/// Changes the rectification `id` (its pulled JSON, given with its state) as `f` says
/// (nothing when `f` answers `None`: the move does not apply), and adds the move to its thread
/// as the server will. The row's `rev` stays the server's: changes are sent on it.
fn rect_move(
    rows: &mut Rows,
    m: &Mutation,
    id: &str,
    f: impl FnOnce(&mut serde_json::Value, RectState) -> Option<(&'static str, String)>,
) {
    let Some(r) = rows.row_mut(RECTIFICATION, id) else {
        return;
    };
    let Some(state) = r["state"].as_str().and_then(RectState::parse) else {
        return;
    };
    let Some((kind, text)) = f(r, state) else {
        return;
    };
    let entry = serde_json::json!({"rect_id": id, "site_id": r["site_id"].clone(),
        "kind": kind, "text": text, "at": m.client_time, "author_id": m.author});
    rows.put_json(RECT_COMMENT, &format!("{id}#{}", m.id), entry);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::testing::mutation as m;
    use crate::registry::show;
    use serde_json::json;

    #[test]
    fn a_hazard_and_its_rectification_move_on_the_phone() {
        let numbered = |id: u64, mut m: Mutation| {
            m.id = id;
            m
        };
        let mut rows = Rows::new();
        let report = json!({"id": "h", "site_id": "s", "place": "大厅", "category": "fire",
            "grade": "general", "description": "灭火器压力不足", "fixed_on_spot": false});
        show(&mut rows, &m::<Report>(report));
        let rect = |rows: &Rows| {
            rows.row_as::<super::super::RectRow>(RECTIFICATION, "h/rect")
                .unwrap()
        };
        assert_eq!(rect(&rows).state, "registered");
        // Work cannot be reported before the notice is issued: the view does not move.
        let done = json!({"rect_id": "h/rect", "note": "已更换", "done": true});
        show(&mut rows, &m::<Progress>(done.clone()));
        assert_eq!(rect(&rows).state, "registered");
        // 2026-11-29 in the court at the mutation's time: a deadline after it is valid.
        let issue = json!({"rect_id": "h/rect", "ledger": {"department": "物业部",
            "responsible_id": "g", "measures": "更换灭火器", "deadline": "2026-12-01"}});
        show(&mut rows, &numbered(2, m::<Issue>(issue)));
        assert_eq!(
            (rect(&rows).state.as_str(), rect(&rows).rev),
            ("issued", 1),
            "rev stays the server's"
        );
        show(&mut rows, &numbered(3, m::<Progress>(done)));
        assert_eq!(rect(&rows).state, "awaiting_review");
        // The person responsible cannot approve their own work, even on the phone.
        let mut own = m::<Review>(json!({"rect_id": "h/rect", "approve": true}));
        own.author = "g".into();
        show(&mut rows, &own);
        assert_eq!(rect(&rows).state, "awaiting_review");
        show(
            &mut rows,
            &m::<Review>(json!({"rect_id": "h/rect", "approve": true})),
        );
        assert_eq!(rect(&rows).state, "closed");
        show(
            &mut rows,
            &m::<Comment>(json!({"id": "c", "rect_id": "h/rect", "text": "好"})),
        );
        assert_eq!(
            rows.table(RECT_COMMENT).unwrap().len(),
            4,
            "issue, complete, approve, the comment"
        );
        assert_eq!(rows.row(HAZARD, "h").unwrap()["place"], "大厅");
    }
}
