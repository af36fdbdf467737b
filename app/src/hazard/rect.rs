//! The rectification ledger (整改台账): the fields a supervisor issues and corrects, the
//! responsible person's progress and the review, each checked the same on phone and server;
//! who may make which move, and when a change is stale.

use super::*;
use crate::i18n::hazard_rules::Words;

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
    pub fn parts(&self) -> [(&'static str, &str, Words); 6] {
        [
            ("plan.goal", &self.goal, Words::PlanGoal),
            ("plan.method", &self.method, Words::PlanMethod),
            ("plan.materials", &self.materials, Words::PlanMaterials),
            ("plan.people", &self.people, Words::PlanPeople),
            ("plan.safety", &self.safety, Words::PlanSafety),
            (
                "plan.contingency",
                &self.contingency,
                Words::PlanContingency,
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
            Words::NameTheResponsibleDepartment.text(locale),
        ));
    }
    if l.responsible_id.trim().is_empty() {
        return Err(err(
            "responsible_id",
            Words::ChooseThePersonResponsible.text(locale),
        ));
    }
    l.measures = text("measures", &l.measures, 500, locale)?;
    if l.measures.is_empty() {
        return Err(err("measures", Words::DescribeTheMeasures.text(locale)));
    }
    if !valid_date(&l.deadline) {
        return Err(err("deadline", Words::GiveTheDeadlineYyyyMmDd.text(locale)));
    }
    if l.deadline.as_str() < today {
        return Err(err(
            "deadline",
            Words::TheDeadlineCannotBeInThe.text(locale),
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
        if let Some((field, _, part)) = l.plan.parts().into_iter().find(|p| p.1.is_empty()) {
            let said = Words::MajorNeedsFullPlan.text(locale);
            return Err(err(field, said.replace("{}", part.text(locale))));
        }
        if l.funding.is_empty() {
            return Err(err(
                "funding",
                Words::AMajorHazardNeedsItsFunding.text(locale),
            ));
        }
    }
    Ok(l)
}

/// Checks a progress note: a note is needed to say what was done.
pub fn check_progress(mut p: Progress, locale: Locale) -> Result<Progress, FieldError> {
    p.note = text("note", &p.note, 500, locale)?;
    if p.note.is_empty() {
        return Err(err("note", Words::SayWhatWasDone.text(locale)));
    }
    Ok(p)
}

/// Checks a review: returning it needs a comment saying what is still wrong.
pub fn check_review(mut r: Review, locale: Locale) -> Result<Review, FieldError> {
    r.comment = text("comment", &r.comment, 500, locale)?;
    if !r.approve && r.comment.is_empty() {
        return Err(err("comment", Words::SayWhyItGoesBack.text(locale)));
    }
    Ok(r)
}

pub fn check_comment(mut c: Comment, locale: Locale) -> Result<Comment, FieldError> {
    c.text = text("text", &c.text, 500, locale)?;
    if c.text.is_empty() {
        return Err(err("text", Words::WriteSomething.text(locale)));
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
            Refused::OwnWork => Words::TheReviewerCannotBeThePerson.text(locale).into(),
            Refused::NotResponsible => Words::OnlyThePersonResponsibleOrA.text(locale).into(),
            Refused::Stale => Words::ChangedSinceYouReviewedItLook.text(locale).into(),
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

coded!(
    /// The parts of a supervisor's rectification queue, in the order they work it.
    Queue {
        Overdue = "overdue", "已逾期", "Overdue";
        Review = "review", "待验收", "Awaiting review";
        Issue = "issue", "待下达", "To issue";
        Mine = "mine", "我负责整改", "Mine to fix";
    }
);

impl Queue {
    /// Is `r` in this part of the queue of person `me` (a `reviewer` or not) on court date
    /// `today` (`YYYY-MM-DD`)?
    pub fn holds(self, r: &RectRow, me: &str, reviewer: bool, today: &str) -> bool {
        let st = r.state();
        match self {
            Queue::Overdue => overdue(st, &r.deadline, today),
            Queue::Review => reviewer && st == RectState::AwaitingReview && r.responsible_id != me,
            Queue::Issue => reviewer && st == RectState::Registered,
            Queue::Mine => {
                r.responsible_id == me && matches!(st, RectState::Issued | RectState::InProgress)
            }
        }
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
