//! Hazards (安全隐患) and the rectification ledger (整改台账), shared by the phone and the server.
//!
//! A hazard report is a create-only event. One not fixed on the spot opens a rectification,
//! which is a state machine the server owns: registered → issued → in progress → awaiting
//! review → closed, review may return it to in progress, nothing else moves. Every change to a
//! rectification carries the revision it was made on; one made on a stale revision is refused
//! with "changed since you reviewed it" (see `shared/design/sync.md`, Conflicts).

use crate::core::{valid_date, FieldError};
use crate::i18n::{coded, pick, Locale};
use serde::{Deserialize, Serialize};

use crate::rows::Entity;

pub mod view;

pub const HAZARD: Entity = Entity::declare("hazard").kept_by("reported_at");
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

fn text(
    field: &'static str,
    value: &str,
    max: usize,
    locale: Locale,
) -> Result<String, FieldError> {
    let v = value.trim().to_string();
    if v.chars().count() > max {
        return Err(err(
            field,
            match locale {
                Locale::Zh => format!("内容过长（最多{max}字）"),
                Locale::En => format!("At most {max} characters"),
            },
        ));
    }
    Ok(v)
}

/// Checks a report: place, category, grade, description; how it was fixed when it was; a major
/// hazard is never "fixed on the spot" (it needs a plan).
pub fn check_report(mut r: Report, locale: Locale) -> Result<Report, FieldError> {
    r.place = text("place", &r.place, 60, locale)?;
    if r.place.is_empty() {
        return Err(err("place", pick(locale, "请填写地点", "Say where")));
    }
    if r.category.is_none() {
        return Err(err(
            "category",
            pick(locale, "请选择类别", "Choose a category"),
        ));
    }
    let Some(grade) = r.grade else {
        return Err(err("grade", pick(locale, "请选择等级", "Choose a grade")));
    };
    r.description = text("description", &r.description, 500, locale)?;
    if r.description.chars().count() < 4 {
        return Err(err(
            "description",
            pick(
                locale,
                "请描述隐患（至少4个字）",
                "Describe the hazard (at least 4 characters)",
            ),
        ));
    }
    r.fix_note = text("fix_note", &r.fix_note, 300, locale)?;
    if r.fixed_on_spot && grade == Grade::Major {
        return Err(err(
            "fixed_on_spot",
            pick(
                locale,
                "重大隐患不能按当场整改处理，需制定整改方案",
                "A major hazard cannot be closed on the spot: it needs a plan",
            ),
        ));
    }
    if r.fixed_on_spot && r.fix_note.is_empty() {
        return Err(err(
            "fix_note",
            pick(locale, "请写明当场如何整改", "Say how it was fixed"),
        ));
    }
    Ok(r)
}

/// A major hazard's plan (重大隐患治理方案): every part is required before it is issued.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub method: String,
    /// Funding and materials.
    #[serde(default)]
    pub materials: String,
    #[serde(default)]
    pub people: String,
    #[serde(default)]
    pub safety: String,
    #[serde(default)]
    pub contingency: String,
}

impl Plan {
    /// The parts, with their field names and labels, in the plan's order.
    pub fn parts(&self) -> [(&'static str, &str, &'static str, &'static str); 6] {
        [
            ("plan.goal", &self.goal, "治理目标和任务", "Goal"),
            ("plan.method", &self.method, "采取的方法和措施", "Method"),
            (
                "plan.materials",
                &self.materials,
                "经费和物资落实",
                "Funding and materials",
            ),
            (
                "plan.people",
                &self.people,
                "负责治理的机构和人员",
                "People in charge",
            ),
            ("plan.safety", &self.safety, "安全措施", "Safety measures"),
            (
                "plan.contingency",
                &self.contingency,
                "应急预案",
                "Contingency plan",
            ),
        ]
    }
}

/// The ledger's fields a supervisor sets when issuing, and may correct until it is closed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    #[serde(default)]
    pub department: String,
    /// The person responsible (a person id); never the reviewer.
    #[serde(default)]
    pub responsible_id: String,
    #[serde(default)]
    pub measures: String,
    /// The court date the work is due, `YYYY-MM-DD`.
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub funding: String,
    /// Interim safeguards while the work is under way.
    #[serde(default)]
    pub safeguards: String,
    #[serde(default)]
    pub plan: Plan,
}

/// `rect.issue` v1 and `rect.edit` v1: the ledger fields, on the revision they were read at
/// (the mutation's `base_version`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LedgerChange {
    pub rect_id: String,
    pub ledger: Ledger,
}

/// `rect.issue` v1: the ledger issued as a rectification notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Issue(pub LedgerChange);

/// `rect.edit` v1: the ledger corrected before the rectification closes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Edit(pub LedgerChange);

/// `rect.progress` v1: the responsible person's note; `done` sends it to review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub rect_id: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub done: bool,
}

/// `rect.review` v1: approve, or return with a comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub rect_id: String,
    pub approve: bool,
    #[serde(default)]
    pub comment: String,
}

/// `rect.comment` v1: one entry of the append-only thread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub rect_id: String,
    #[serde(default)]
    pub text: String,
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

/// Checks the ledger fields for a hazard of `grade`, on court date `today` (`YYYY-MM-DD`): who
/// is responsible, the measures and a deadline not already past; a major hazard's full plan
/// and its funding.
pub fn check_ledger(
    mut l: Ledger,
    grade: Grade,
    today: &str,
    locale: Locale,
) -> Result<Ledger, FieldError> {
    l.department = text("department", &l.department, 60, locale)?;
    if l.department.is_empty() {
        return Err(err(
            "department",
            pick(locale, "请填写责任部门", "Name the responsible department"),
        ));
    }
    if l.responsible_id.trim().is_empty() {
        return Err(err(
            "responsible_id",
            pick(locale, "请选择责任人", "Choose the person responsible"),
        ));
    }
    l.measures = text("measures", &l.measures, 500, locale)?;
    if l.measures.is_empty() {
        return Err(err(
            "measures",
            pick(locale, "请填写整改措施", "Describe the measures"),
        ));
    }
    if !valid_date(&l.deadline) {
        return Err(err(
            "deadline",
            pick(
                locale,
                "请填写整改期限（年-月-日）",
                "Give the deadline (YYYY-MM-DD)",
            ),
        ));
    }
    if l.deadline.as_str() < today {
        return Err(err(
            "deadline",
            pick(
                locale,
                "整改期限不能早于今天",
                "The deadline cannot be in the past",
            ),
        ));
    }
    l.funding = text("funding", &l.funding, 200, locale)?;
    l.safeguards = text("safeguards", &l.safeguards, 300, locale)?;
    let p = &mut l.plan;
    for (field, value) in [
        ("plan.goal", &mut p.goal),
        ("plan.method", &mut p.method),
        ("plan.materials", &mut p.materials),
        ("plan.people", &mut p.people),
        ("plan.safety", &mut p.safety),
        ("plan.contingency", &mut p.contingency),
    ] {
        *value = text(field, value, 500, locale)?;
    }
    if grade == Grade::Major {
        if let Some((field, _, zh, en)) = l.plan.parts().into_iter().find(|p| p.1.is_empty()) {
            return Err(err(
                field,
                match locale {
                    Locale::Zh => format!("重大隐患须有完整治理方案：请填写“{zh}”"),
                    Locale::En => format!("A major hazard needs its full plan: fill in “{en}”"),
                },
            ));
        }
        if l.funding.is_empty() {
            return Err(err(
                "funding",
                pick(
                    locale,
                    "重大隐患须落实整改资金",
                    "A major hazard needs its funding",
                ),
            ));
        }
    }
    Ok(l)
}

/// Checks a progress note: a note is needed to say what was done.
pub fn check_progress(mut p: Progress, locale: Locale) -> Result<Progress, FieldError> {
    p.note = text("note", &p.note, 500, locale)?;
    if p.note.is_empty() {
        return Err(err(
            "note",
            pick(locale, "请写明整改情况", "Say what was done"),
        ));
    }
    Ok(p)
}

/// Checks a review: returning it needs a comment saying what is still wrong.
pub fn check_review(mut r: Review, locale: Locale) -> Result<Review, FieldError> {
    r.comment = text("comment", &r.comment, 500, locale)?;
    if !r.approve && r.comment.is_empty() {
        return Err(err(
            "comment",
            pick(locale, "退回时请写明原因", "Say why it goes back"),
        ));
    }
    Ok(r)
}

pub fn check_comment(mut c: Comment, locale: Locale) -> Result<Comment, FieldError> {
    c.text = text("text", &c.text, 500, locale)?;
    if c.text.is_empty() {
        return Err(err("text", pick(locale, "请填写内容", "Write something")));
    }
    Ok(c)
}

/// Why a move is refused for this person, if it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The ledger does not allow this move from the current state.
    State,
    /// The reviewer is the person responsible.
    OwnWork,
    /// Only the person responsible or a supervisor records the work.
    NotResponsible,
    /// The rectification changed since the author read it.
    Stale,
}

impl Refused {
    pub fn code(self) -> &'static str {
        match self {
            Refused::State => "state",
            Refused::OwnWork => "own_work",
            Refused::NotResponsible => "not_responsible",
            Refused::Stale => "stale",
        }
    }

    pub fn message(self, state: RectState, locale: Locale) -> String {
        match self {
            Refused::State => match locale {
                Locale::Zh => format!("此整改单当前为“{}”，不能进行该操作", state.label(locale)),
                Locale::En => format!(
                    "This rectification is {}: that cannot be done now",
                    state.label(locale)
                ),
            },
            Refused::OwnWork => pick(
                locale,
                "验收人不能是整改责任人",
                "The reviewer cannot be the person responsible",
            )
            .into(),
            Refused::NotResponsible => pick(
                locale,
                "只有整改责任人或主管可以填写整改情况",
                "Only the person responsible or a supervisor records the work",
            )
            .into(),
            Refused::Stale => pick(
                locale,
                "此整改单在您查看之后已被他人修改，请查看最新内容后重新操作",
                "Changed since you reviewed it: look at it again and redo your change",
            )
            .into(),
        }
    }
}

/// Whether a change read at revision `base` may apply to a rectification now at `rev`, last
/// changed by `last_client`. A phone's own changes in a row (made offline one after another)
/// carry the revision it last pulled; any change by another phone in between makes it stale.
pub fn fresh(base: Option<i64>, rev: i64, last_client: &str, client: &str) -> bool {
    match base {
        Some(b) => b == rev || (b < rev && last_client == client),
        None => false,
    }
}

/// The move `who` wants, checked against the row: the state allows it, the reviewer is not
/// the person responsible, the work is recorded by the responsible person or a supervisor.
pub fn allowed(
    state: RectState,
    mv: Move,
    who: &str,
    responsible: &str,
    supervisor: bool,
) -> Result<RectState, Refused> {
    let next = after(state, mv).ok_or(Refused::State)?;
    match mv {
        Move::Approve | Move::Return if who == responsible => Err(Refused::OwnWork),
        Move::Start | Move::Complete if who != responsible && !supervisor => {
            Err(Refused::NotResponsible)
        }
        _ => Ok(next),
    }
}

/// Past its deadline and not closed, on court date `today`.
pub fn overdue(state: RectState, deadline: &str, today: &str) -> bool {
    state != RectState::Closed && !deadline.is_empty() && deadline < today
}

/// A rectification as the phone pulls it (`rectification`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RectRow {
    pub site_id: String,
    pub hazard_id: String,
    #[serde(default)]
    pub notice_no: String,
    pub state: String,
    pub rev: i64,
    pub category: String,
    pub grade: String,
    pub place: String,
    pub description: String,
    pub found_at: i64,
    pub finder_id: String,
    #[serde(default)]
    pub finder_name: String,
    #[serde(default)]
    pub department: String,
    /// Null on the server until issued.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub responsible_id: String,
    #[serde(default)]
    pub responsible_name: String,
    #[serde(default)]
    pub measures: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub funding: String,
    #[serde(default)]
    pub safeguards: String,
    /// The plan as JSON ([`Plan`]).
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub completion: String,
    #[serde(default)]
    pub completed_at: Option<i64>,
    #[serde(default)]
    pub reviewer_id: Option<String>,
    #[serde(default)]
    pub reviewed_at: Option<i64>,
    #[serde(default)]
    pub closed_at: Option<i64>,
    #[serde(default)]
    pub escalated_at: Option<i64>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

impl RectRow {
    pub fn state(&self) -> RectState {
        RectState::parse(&self.state).unwrap_or(RectState::Registered)
    }
    pub fn grade(&self) -> Grade {
        Grade::parse(&self.grade).unwrap_or(Grade::General)
    }
    pub fn plan(&self) -> Plan {
        serde_json::from_str(&self.plan).unwrap_or_default()
    }
    pub fn ledger(&self) -> Ledger {
        Ledger {
            department: self.department.clone(),
            responsible_id: self.responsible_id.clone(),
            measures: self.measures.clone(),
            deadline: self.deadline.clone(),
            funding: self.funding.clone(),
            safeguards: self.safeguards.clone(),
            plan: self.plan(),
        }
    }
    /// A new row from a report not fixed on the spot.
    pub fn from_report(r: &Report, finder: &str, at: i64) -> RectRow {
        RectRow {
            site_id: r.site_id.clone(),
            hazard_id: r.id.clone(),
            state: RectState::Registered.code().into(),
            rev: 1,
            category: r.category.map(|c| c.code()).unwrap_or_default().into(),
            grade: r.grade.map(|g| g.code()).unwrap_or_default().into(),
            place: r.place.clone(),
            description: r.description.clone(),
            found_at: at,
            finder_id: finder.into(),
            ..RectRow::default()
        }
    }
}

/// One entry of a rectification's thread as the phone pulls it (`rect_comment`): a comment, or
/// a move with what was said (`kind` is `comment`, `note` or the move).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadRow {
    pub rect_id: String,
    pub site_id: String,
    pub kind: String,
    #[serde(default)]
    pub text: String,
    pub at: i64,
    #[serde(default)]
    pub author_id: Option<String>,
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
