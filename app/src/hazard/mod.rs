//! Hazards (安全隐患) and the rectification ledger (整改台账), shared by the phone and the server.
//!
//! A hazard report is a create-only event. One not fixed on the spot opens a rectification,
//! which is a state machine the server owns: registered → issued → in progress → awaiting
//! review → closed, review may return it to in progress, nothing else moves. Every change to a
//! rectification carries the revision it was made on; one made on a stale revision is refused
//! with "changed since you reviewed it" (see `shared/design/sync.md`, Conflicts).

use crate::core::{trimmed as text, valid_date, FieldError};
use crate::i18n::hazard_rules::Words;
use crate::i18n::{coded, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

mod rect;
pub mod view;

pub use rect::*;

pub const HAZARD: Entity = Entity::declare("hazard").kept_by("reported_at", 90);
pub const RECTIFICATION: Entity = Entity::declare("rectification");
pub const RECT_COMMENT: Entity = Entity::declare("rect_comment");

coded!(
    /// What a hazard is about (the ledger's categories).
    Category {
        Fire = "fire", "消防", "Fire";
        Electrical = "electrical", "用电", "Electrical";
        Boiler = "boiler", "锅炉", "Boiler";
        PublicOrder = "public_order", "治安", "Public order";
        Facility = "facility", "设施", "Facility";
        Sanitation = "sanitation", "卫生", "Sanitation";
    }
);

coded!(
    /// 一般 or 重大: a major hazard needs its full plan before it is issued.
    Grade {
        General = "general", "一般隐患", "General";
        Major = "major", "重大隐患", "Major";
    }
);

coded!(
    /// Where a rectification is in the ledger.
    RectState {
        Registered = "registered", "已登记", "Registered";
        Issued = "issued", "已下达", "Issued";
        InProgress = "in_progress", "整改中", "In progress";
        AwaitingReview = "awaiting_review", "待验收", "Awaiting review";
        Closed = "closed", "已销号", "Closed";
    }
);

/// What someone does to a rectification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// The supervisor issues the notice with its plan (registered → issued).
    Issue,
    /// The responsible person notes work begun (issued → in progress).
    Start,
    /// The work is done and goes to review (issued or in progress → awaiting review).
    Complete,
    /// The reviewer accepts it (awaiting review → closed).
    Approve,
    /// The reviewer sends it back (awaiting review → in progress).
    Return,
}

/// The state after `mv`, or `None` when the ledger does not allow it (never backwards, never
/// past review, nothing after closing).
pub fn after(state: RectState, mv: Move) -> Option<RectState> {
    use Move as M;
    use RectState as S;
    match (state, mv) {
        (S::Registered, M::Issue) => Some(S::Issued),
        (S::Issued, M::Start) => Some(S::InProgress),
        (S::Issued | S::InProgress, M::Complete) => Some(S::AwaitingReview),
        (S::AwaitingReview, M::Approve) => Some(S::Closed),
        (S::AwaitingReview, M::Return) => Some(S::InProgress),
        _ => None,
    }
}

/// `hazard.report` v1: a hazard seen anywhere (or at a patrol checkpoint: `from_check`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: String,
    pub site_id: String,
    #[serde(default)]
    pub place: String,
    pub category: Option<Category>,
    pub grade: Option<Grade>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub fixed_on_spot: bool,
    #[serde(default)]
    pub fix_note: String,
    /// The patrol checkpoint (`round_check` id) whose finding this is.
    #[serde(default)]
    pub from_check: Option<String>,
}

/// `complaint.file` v1: a court complaint (法院投诉), sent as [`as_complaint`] makes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Complaint(pub Report);

/// What `from_check` holds on a court complaint (法院投诉).
pub const COMPLAINT: &str = "complaint";

/// What `from_check` starts with on a hazard reported from a court request that needs work
/// (the request's id follows): the rectification and the request name each other.
pub const FROM_REQUEST: &str = "request:";

/// A complaint that needs work, as a report: graded general, never fixed on the spot.
pub fn as_complaint(r: Report) -> Report {
    Report {
        grade: Some(Grade::General),
        fixed_on_spot: false,
        fix_note: String::new(),
        from_check: Some(COMPLAINT.into()),
        ..r
    }
}

/// Where a hazard came from, for the ledger (隐患来源), by its `from_check`.
pub fn source_label(from_check: Option<&str>) -> &'static str {
    match from_check {
        None => "日常上报",
        Some(COMPLAINT) => "法院投诉",
        Some(c) if c.starts_with(FROM_REQUEST) => "法院需求",
        Some(c) if c.starts_with(crate::survey::FROM_SURVEY) => "满意度调查",
        Some(c) if c.starts_with("inspection:") => "监督检查",
        Some(_) => "巡查发现",
    }
}

/// The id of the rectification a report opens.
pub fn rect_id(hazard_id: &str) -> String {
    format!("{hazard_id}/rect")
}

fn err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// Checks a report: place, category, grade, description; how it was fixed when it was; a major
/// hazard is never "fixed on the spot" (it needs a plan).
pub fn check_report(mut r: Report, locale: Locale) -> Result<Report, FieldError> {
    r.place = text("place", &r.place, 60, locale)?;
    if r.place.is_empty() {
        return Err(err("place", Words::SayWhere.text(locale)));
    }
    if r.category.is_none() {
        return Err(err("category", Words::ChooseACategory.text(locale)));
    }
    let Some(grade) = r.grade else {
        return Err(err("grade", Words::ChooseAGrade.text(locale)));
    };
    r.description = text("description", &r.description, 500, locale)?;
    if r.description.chars().count() < 4 {
        return Err(err(
            "description",
            Words::DescribeTheHazardAtLeast4.text(locale),
        ));
    }
    r.fix_note = text("fix_note", &r.fix_note, 300, locale)?;
    if r.fixed_on_spot && grade == Grade::Major {
        return Err(err(
            "fixed_on_spot",
            Words::AMajorHazardCannotBeClosed.text(locale),
        ));
    }
    if r.fixed_on_spot && r.fix_note.is_empty() {
        return Err(err("fix_note", Words::SayHowItWasFixed.text(locale)));
    }
    Ok(r)
}

/// The report form's address prefilled from a patrol finding (`/hazard?check=&place=&text=`).
pub fn from_finding_href(check_id: &str, place: &str, finding: &str) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    format!(
        "/hazard?check={}&place={}&text={}",
        enc(check_id),
        enc(place),
        enc(finding)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use RectState as S;

    const ALL_MOVES: [Move; 5] = [
        Move::Issue,
        Move::Start,
        Move::Complete,
        Move::Approve,
        Move::Return,
    ];

    #[test]
    fn every_transition_allowed_and_refused() {
        let allowed: &[(RectState, Move, RectState)] = &[
            (S::Registered, Move::Issue, S::Issued),
            (S::Issued, Move::Start, S::InProgress),
            (S::Issued, Move::Complete, S::AwaitingReview),
            (S::InProgress, Move::Complete, S::AwaitingReview),
            (S::AwaitingReview, Move::Approve, S::Closed),
            (S::AwaitingReview, Move::Return, S::InProgress),
        ];
        let mut seen = 0;
        for &s in S::ALL {
            for mv in ALL_MOVES {
                let expected = allowed
                    .iter()
                    .find(|(from, m, _)| *from == s && *m == mv)
                    .map(|t| t.2);
                assert_eq!(after(s, mv), expected, "{s:?} {mv:?}");
                seen += 1;
            }
        }
        assert_eq!(seen, 25);
        // Nothing leaves Closed, nothing goes back to Registered or Issued.
        for mv in ALL_MOVES {
            assert_eq!(after(S::Closed, mv), None);
            for &s in S::ALL {
                assert_ne!(after(s, mv), Some(S::Registered));
                if s != S::Registered {
                    assert_ne!(after(s, mv), Some(S::Issued));
                }
            }
        }
    }

    #[test]
    fn the_reviewer_is_never_the_person_responsible() {
        assert_eq!(
            allowed(S::AwaitingReview, Move::Approve, "p1", "p1", true),
            Err(Refused::OwnWork)
        );
        assert_eq!(
            allowed(S::AwaitingReview, Move::Return, "p1", "p1", true),
            Err(Refused::OwnWork)
        );
        assert_eq!(
            allowed(S::AwaitingReview, Move::Approve, "sup", "p1", true),
            Ok(S::Closed)
        );
        // The work is recorded by the person responsible, or a supervisor on their behalf.
        assert_eq!(
            allowed(S::Issued, Move::Complete, "p2", "p1", false),
            Err(Refused::NotResponsible)
        );
        assert_eq!(
            allowed(S::Issued, Move::Complete, "p1", "p1", false),
            Ok(S::AwaitingReview)
        );
        assert_eq!(
            allowed(S::Closed, Move::Approve, "sup", "p1", true),
            Err(Refused::State)
        );
        assert!(Refused::OwnWork
            .message(S::AwaitingReview, Locale::Zh)
            .contains("责任人"));
    }

    fn report() -> Report {
        Report {
            id: "h".into(),
            site_id: "s".into(),
            place: "二楼走廊".into(),
            category: Some(Category::Electrical),
            grade: Some(Grade::General),
            description: "插座面板破损外露".into(),
            ..Report::default()
        }
    }

    #[test]
    fn reports_are_checked() {
        assert!(check_report(report(), Locale::Zh).is_ok());
        let e = check_report(
            Report {
                place: " ".into(),
                ..report()
            },
            Locale::Zh,
        )
        .unwrap_err();
        assert_eq!(e.field, "place");
        let e = check_report(
            Report {
                category: None,
                ..report()
            },
            Locale::En,
        )
        .unwrap_err();
        assert_eq!(
            (e.field, e.message.as_str()),
            ("category", "Choose a category")
        );
        let e = check_report(
            Report {
                description: "坏".into(),
                ..report()
            },
            Locale::Zh,
        )
        .unwrap_err();
        assert_eq!(e.field, "description");
        let fixed = Report {
            fixed_on_spot: true,
            ..report()
        };
        assert_eq!(
            check_report(fixed.clone(), Locale::Zh).unwrap_err().field,
            "fix_note"
        );
        let fixed = Report {
            fix_note: "已断电并贴封条".into(),
            ..fixed
        };
        assert!(check_report(fixed.clone(), Locale::Zh).is_ok());
        let major = Report {
            grade: Some(Grade::Major),
            ..fixed
        };
        assert_eq!(
            check_report(major, Locale::Zh).unwrap_err().field,
            "fixed_on_spot"
        );
    }

    fn ledger() -> Ledger {
        Ledger {
            department: "物业部".into(),
            responsible_id: "p1".into(),
            measures: "更换插座面板".into(),
            deadline: "2026-12-05".into(),
            ..Ledger::default()
        }
    }

    #[test]
    fn ledger_fields_and_the_major_plan() {
        let today = "2026-11-28";
        assert!(check_ledger(ledger(), Grade::General, today, Locale::Zh).is_ok());
        for (l, field) in [
            (
                Ledger {
                    department: "".into(),
                    ..ledger()
                },
                "department",
            ),
            (
                Ledger {
                    responsible_id: " ".into(),
                    ..ledger()
                },
                "responsible_id",
            ),
            (
                Ledger {
                    measures: "".into(),
                    ..ledger()
                },
                "measures",
            ),
            (
                Ledger {
                    deadline: "12月5日".into(),
                    ..ledger()
                },
                "deadline",
            ),
            (
                Ledger {
                    deadline: "2026-02-30".into(),
                    ..ledger()
                },
                "deadline",
            ),
            (
                Ledger {
                    deadline: "2026-11-27".into(),
                    ..ledger()
                },
                "deadline",
            ),
        ] {
            assert_eq!(
                check_ledger(l, Grade::General, today, Locale::Zh)
                    .unwrap_err()
                    .field,
                field
            );
        }
        // Today itself is a valid deadline.
        let l = Ledger {
            deadline: today.into(),
            ..ledger()
        };
        assert!(check_ledger(l, Grade::General, today, Locale::Zh).is_ok());
        // A major hazard: every part of the plan, in order, then the funding.
        let e = check_ledger(ledger(), Grade::Major, today, Locale::Zh).unwrap_err();
        assert_eq!(e.field, "plan.goal");
        assert!(e.message.contains("治理目标"), "{}", e.message);
        let mut l = ledger();
        l.plan = Plan {
            goal: "消除触电隐患".into(),
            method: "更换线路".into(),
            materials: "线材、面板".into(),
            people: "物业电工两名".into(),
            safety: "断电作业、设围挡".into(),
            contingency: String::new(),
        };
        let e = check_ledger(l.clone(), Grade::Major, today, Locale::En).unwrap_err();
        assert_eq!(e.field, "plan.contingency");
        assert!(e.message.contains("Contingency plan"));
        l.plan.contingency = "备用照明、专人值守".into();
        assert_eq!(
            check_ledger(l.clone(), Grade::Major, today, Locale::Zh)
                .unwrap_err()
                .field,
            "funding"
        );
        l.funding = "800元".into();
        assert!(check_ledger(l, Grade::Major, today, Locale::Zh).is_ok());
    }

    #[test]
    fn stale_changes_and_overdue() {
        // Read at the current revision: fresh.
        assert!(fresh(Some(3), 3, "other", "me"));
        // Another phone changed it since: stale.
        assert!(!fresh(Some(2), 3, "other", "me"));
        // This phone's own earlier change, made offline on the same read: fresh.
        assert!(fresh(Some(2), 3, "me", "me"));
        // No revision at all: refused.
        assert!(!fresh(None, 1, "me", "me"));
        assert!(overdue(S::InProgress, "2026-11-27", "2026-11-28"));
        assert!(!overdue(S::InProgress, "2026-11-28", "2026-11-28"));
        assert!(!overdue(S::Closed, "2026-11-01", "2026-11-28"));
        assert!(!overdue(S::Registered, "", "2026-11-28"));
        assert_eq!(
            from_finding_href("r/a", "一楼", "门 & 窗"),
            "/hazard?check=r%2Fa&place=%E4%B8%80%E6%A5%BC&text=%E9%97%A8%20%26%20%E7%AA%97"
        );
    }

    #[test]
    fn a_pulled_row_not_yet_issued_reads() {
        let v = serde_json::json!({"site_id": "s", "hazard_id": "h", "state": "registered",
            "rev": 1, "category": "fire", "grade": "general", "place": "p", "description": "d",
            "found_at": 1, "finder_id": "f", "responsible_id": null, "plan": "{}"});
        let r: RectRow = serde_json::from_value(v).unwrap();
        assert_eq!((r.responsible_id.as_str(), r.state()), ("", S::Registered));
    }

    #[test]
    fn reviews_progress_and_comments_are_checked() {
        let r = Review {
            rect_id: "r".into(),
            approve: false,
            comment: " ".into(),
        };
        assert_eq!(
            check_review(r.clone(), Locale::Zh).unwrap_err().field,
            "comment"
        );
        assert!(check_review(Review { approve: true, ..r }, Locale::Zh).is_ok());
        let p = Progress {
            rect_id: "r".into(),
            note: "".into(),
            done: true,
        };
        assert_eq!(check_progress(p, Locale::Zh).unwrap_err().field, "note");
        let c = Comment {
            id: "c".into(),
            rect_id: "r".into(),
            text: "  ".into(),
        };
        assert!(check_comment(c, Locale::Zh).is_err());
    }

    #[test]
    fn a_complaint_is_a_general_rectification_marked_as_the_courts() {
        let r = Report {
            id: "c".into(),
            site_id: "s".into(),
            place: "三楼卫生间".into(),
            category: Some(Category::Sanitation),
            grade: Some(Grade::Major),
            description: "长期无人清扫".into(),
            fixed_on_spot: true,
            fix_note: "x".into(),
            from_check: None,
        };
        let c = as_complaint(r);
        assert_eq!(
            (c.grade, c.fixed_on_spot, c.fix_note.as_str()),
            (Some(Grade::General), false, "")
        );
        assert!(check_report(c.clone(), Locale::Zh).is_ok());
        assert_eq!(source_label(c.from_check.as_deref()), "法院投诉");
        assert_eq!(source_label(None), "日常上报");
        assert_eq!(source_label(Some("inspection:abc/1")), "监督检查");
        assert_eq!(source_label(Some("round-check-id")), "巡查发现");
    }
}
