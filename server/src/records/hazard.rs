//! Hazard reports and the rectification ledger. The state machine and the field rules are
//! `app::hazard`; here the server applies them to its own rows whatever the phone sent: the
//! state the row is in, the revision the change was read at, who the author is.

use super::{Ctx, Entity, Outcome, Refusal};
use app::core::{court_date, date_text};
use app::hazard::{
    self, Comment, Grade, LedgerChange, Move, Progress, RectState, Refused, Report, Review,
};
use app::i18n::Key;
use app::model::{roles_allow, Action};

const SEEN_WITH: &[Action] = &[
    Action::ReportHazard,
    Action::ReviewRectification,
    Action::Inspect,
    Action::ViewReports,
];

pub const HAZARD: Entity = Entity {
    name: app::hazard::HAZARD,
    table: "hazards",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "place",
        "category",
        "grade",
        "description",
        "fixed_on_spot",
        "fix_note",
        "from_check",
        "reported_at",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// The ledger: open items can be old, so phones get ten years of it.
pub const RECT: Entity = Entity {
    name: app::hazard::RECTIFICATION,
    table: "rectifications",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "hazard_id",
        "notice_no",
        "state",
        "rev",
        "category",
        "grade",
        "place",
        "description",
        "found_at",
        "finder_id",
        "finder_name",
        "department",
        "responsible_id",
        "responsible_name",
        "measures",
        "deadline",
        "funding",
        "safeguards",
        "plan",
        "issued_by",
        "issued_at",
        "completion",
        "completed_at",
        "reviewer_id",
        "reviewed_at",
        "closed_at",
        "escalated_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

pub const COMMENT: Entity = Entity {
    name: app::hazard::RECT_COMMENT,
    table: "rect_comments",
    seen_with: SEEN_WITH,
    columns: &["rect_id", "site_id", "kind", "text", "at", "author_id"],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// `hazard.report`: the report, and its rectification when it was not fixed on the spot.
pub async fn report(cx: &mut Ctx<'_>, r: Report) -> Outcome {
    cx.new_id(&r.id)?;
    cx.allow(Action::ReportHazard, &r.site_id)?;
    let r = hazard::check_report(r, cx.locale)?;
    // From a court request that needs work: the request and the rectification name each other.
    let request = r
        .from_check
        .as_deref()
        .and_then(|c| c.strip_prefix(hazard::FROM_REQUEST))
        .filter(|_| !r.fixed_on_spot)
        .map(str::to_string);
    if let Some(id) = &request {
        super::requests::may_rectify(cx, id, &r.site_id).await?;
    }
    // From a comment of the court's survey: the response and the rectification name each other.
    let response = r
        .from_check
        .as_deref()
        .and_then(|c| c.strip_prefix(app::survey::FROM_SURVEY))
        .filter(|_| !r.fixed_on_spot)
        .map(str::to_string);
    if let Some(id) = &response {
        if let Err(code) = super::survey_link::may_rectify(cx.tx, id, &r.site_id).await? {
            let words = match code {
                "exists" => app::i18n::hazard_rules::Words::ThisCommentHasARectification,
                _ => app::i18n::hazard_rules::Words::NoSuchSurveyAnswer,
            };
            return Err(super::Refusal {
                code,
                message: words.text(cx.locale).into(),
                field: None,
            }
            .into());
        }
    }
    let version = cx.version().await?;
    insert(cx, &r, version).await?;
    if let Some(id) = &request {
        super::requests::link_rect(cx, id, &hazard::rect_id(&r.id), version).await?;
    }
    if let Some(id) = &response {
        super::survey_link::link_rect(cx.tx, id, &hazard::rect_id(&r.id)).await?;
    }
    Ok(())
}

/// `complaint.file`: a complaint of the court's (by its liaison) that needs work becomes a
/// registered rectification, like a hazard not fixed on the spot; marked as a complaint.
pub async fn complaint(cx: &mut Ctx<'_>, r: Report) -> Outcome {
    cx.new_id(&r.id)?;
    cx.allow(Action::FileRequest, &r.site_id)?;
    let r = hazard::check_report(hazard::as_complaint(r), cx.locale)?;
    let version = cx.version().await?;
    insert(cx, &r, version).await
}

/// Stores a checked report (from a person, or an inspection's failed item) and, when it was
/// not fixed on the spot, its rectification.
pub async fn insert(cx: &mut Ctx<'_>, r: &Report, version: i64) -> Outcome {
    let at = cx.event_time();
    let q = sqlx::query(
        "INSERT INTO hazards (id, site_id, place, category, grade, description, fixed_on_spot,
            fix_note, from_check, reported_at, author_id, client_id, clock_skewed, created_at,
            version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&r.id)
    .bind(&r.site_id)
    .bind(&r.place)
    .bind(r.category.map(|c| c.code()))
    .bind(r.grade.map(|g| g.code()))
    .bind(&r.description)
    .bind(r.fixed_on_spot)
    .bind(&r.fix_note)
    .bind(&r.from_check)
    .bind(at);
    cx.insert_new(q, version).await?;
    if !r.fixed_on_spot {
        let row = hazard::RectRow::from_report(r, &cx.m.author, at);
        sqlx::query(
            "INSERT INTO rectifications (id, site_id, hazard_id, state, rev, last_client_id,
                category, grade, place, description, found_at, finder_id, finder_name, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                (SELECT display_name FROM people WHERE id = ?), ?)",
        )
        .bind(hazard::rect_id(&r.id))
        .bind(&row.site_id)
        .bind(&row.hazard_id)
        .bind(&row.state)
        .bind(row.rev)
        .bind(cx.client_id)
        .bind(&row.category)
        .bind(&row.grade)
        .bind(&row.place)
        .bind(&row.description)
        .bind(at)
        .bind(&row.finder_id)
        .bind(&row.finder_id)
        .bind(version)
        .execute(&mut *cx.tx)
        .await?;
    }
    Ok(())
}

/// What the server holds of a rectification for deciding a change.
struct Current {
    site: String,
    state: RectState,
    grade: Grade,
    responsible: String,
}

impl Ctx<'_> {
    /// The court date now, `YYYY-MM-DD`.
    fn today(&self) -> String {
        date_text(court_date(self.at))
    }

    fn refused(&self, why: Refused, state: RectState) -> Refusal {
        Refusal {
            code: why.code(),
            message: why.message(state, self.locale),
            field: None,
        }
    }

    /// The rectification, with the author allowed to see it at its site (one of `actions`),
    /// and the change read at its current revision (or this phone's own change since).
    async fn rect(&mut self, id: &str, actions: &[Action]) -> Result<Current, super::Reject> {
        let row: Option<(String, String, i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT site_id, state, rev, last_client_id, grade, responsible_id
             FROM rectifications WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some((site, state, rev, last_client, grade, responsible)) = row else {
            return Err(self.refuse("not_found", Key::ErrNotFound).into());
        };
        self.allow_any(actions, &site)?;
        let state = RectState::parse(&state).unwrap_or(RectState::Registered);
        if !hazard::fresh(self.m.base_version, rev, &last_client, self.client_id) {
            return Err(self.refused(Refused::Stale, state).into());
        }
        Ok(Current {
            site,
            state,
            grade: Grade::parse(&grade).unwrap_or(Grade::General),
            responsible: responsible.unwrap_or_default(),
        })
    }

    /// The move allowed for the author, or the refusal saying why not.
    fn may(&self, cur: &Current, mv: Move) -> Result<RectState, Refusal> {
        let supervisor = roles_allow(&self.grants.roles, Action::ReviewRectification);
        hazard::allowed(cur.state, mv, &self.m.author, &cur.responsible, supervisor)
            .map_err(|why| self.refused(why, cur.state))
    }

    /// One entry of the rectification's thread.
    async fn thread(
        &mut self,
        rect: &str,
        site: &str,
        kind: &str,
        text: &str,
        version: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO rect_comments (id, rect_id, site_id, kind, text, at, author_id, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(rect)
        .bind(site)
        .bind(kind)
        .bind(text)
        .bind(self.at)
        .bind(&self.m.author)
        .bind(version)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

/// The responsible person must be an active person of the site.
async fn check_responsible(cx: &mut Ctx<'_>, site: &str, person: &str) -> Outcome {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM people p JOIN person_sites s ON s.person_id = p.id
         WHERE p.id = ? AND s.site_id = ? AND p.disabled = FALSE",
    )
    .bind(person)
    .bind(site)
    .fetch_optional(&mut *cx.tx)
    .await?;
    if found.is_none() {
        return Err(Refusal {
            code: "invalid",
            message: app::i18n::pick(
                cx.locale,
                "责任人须为本场所在岗人员",
                "The person responsible must work at this site",
            )
            .into(),
            field: Some("responsible_id"),
        }
        .into());
    }
    Ok(())
}

/// `rect.issue` (registered → issued, with the notice number) and `rect.edit` (the ledger
/// fields corrected before it is closed): by a supervisor of the site.
pub async fn ledger(cx: &mut Ctx<'_>, c: LedgerChange, issue: bool) -> Outcome {
    let cur = cx.rect(&c.rect_id, &[Action::ReviewRectification]).await?;
    let next = if issue {
        cx.may(&cur, Move::Issue)?
    } else if cur.state == RectState::Closed {
        return Err(cx.refused(Refused::State, cur.state).into());
    } else {
        cur.state
    };
    let l = hazard::check_ledger(c.ledger, cur.grade, &cx.today(), cx.locale)?;
    check_responsible(cx, &cur.site, &l.responsible_id).await?;
    let version = cx.version().await?;
    let notice_no = if issue {
        let year = court_date(cx.at).0;
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM rectifications WHERE notice_no LIKE ?")
                .bind(format!("ZG-{year}-%"))
                .fetch_one(&mut *cx.tx)
                .await?;
        Some(format!("ZG-{year}-{:04}", n + 1))
    } else {
        None
    };
    sqlx::query(
        "UPDATE rectifications SET state = ?, rev = rev + 1, last_client_id = ?, department = ?,
            responsible_id = ?, responsible_name = (SELECT display_name FROM people WHERE id = ?),
            measures = ?, deadline = ?, funding = ?, safeguards = ?, plan = ?,
            notice_no = COALESCE(?, notice_no), issued_by = COALESCE(?, issued_by),
            issued_at = COALESCE(?, issued_at),
            escalated_at = CASE WHEN deadline = ? THEN escalated_at END, version = ?
         WHERE id = ?",
    )
    .bind(next.code())
    .bind(cx.client_id)
    .bind(&l.department)
    .bind(&l.responsible_id)
    .bind(&l.responsible_id)
    .bind(&l.measures)
    .bind(&l.deadline)
    .bind(&l.funding)
    .bind(&l.safeguards)
    .bind(serde_json::to_string(&l.plan).unwrap_or_default())
    .bind(&notice_no)
    .bind(issue.then_some(&cx.m.author))
    .bind(issue.then_some(cx.at))
    .bind(&l.deadline)
    .bind(version)
    .bind(&c.rect_id)
    .execute(&mut *cx.tx)
    .await?;
    let text = format!("{} · {}", l.measures, l.deadline);
    let kind = if issue { "issue" } else { "edit" };
    cx.thread(&c.rect_id, &cur.site, kind, &text, version)
        .await?;
    Ok(())
}

/// `rect.progress`: work begun (a note), or done and sent to review; by the person responsible
/// or a supervisor. A note on work already under way changes no state.
pub async fn progress(cx: &mut Ctx<'_>, p: Progress) -> Outcome {
    let cur = cx
        .rect(
            &p.rect_id,
            &[Action::ReportHazard, Action::ReviewRectification],
        )
        .await?;
    let p = hazard::check_progress(p, cx.locale)?;
    let mv = if p.done { Move::Complete } else { Move::Start };
    if !p.done && cur.state == RectState::InProgress {
        // Only a note: the thread grows, the item does not change.
        cx.may(&cur, Move::Complete)?;
        let version = cx.version().await?;
        return Ok(cx
            .thread(&p.rect_id, &cur.site, "note", &p.note, version)
            .await?);
    }
    let next = cx.may(&cur, mv)?;
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE rectifications SET state = ?, rev = rev + 1, last_client_id = ?,
            completion = CASE WHEN ? THEN ? ELSE completion END,
            completed_at = CASE WHEN ? THEN ? ELSE completed_at END, version = ?
         WHERE id = ?",
    )
    .bind(next.code())
    .bind(cx.client_id)
    .bind(p.done)
    .bind(&p.note)
    .bind(p.done)
    .bind(cx.event_time())
    .bind(version)
    .bind(&p.rect_id)
    .execute(&mut *cx.tx)
    .await?;
    let kind = if p.done { "complete" } else { "start" };
    cx.thread(&p.rect_id, &cur.site, kind, &p.note, version)
        .await?;
    Ok(())
}

/// `rect.review`: approve (closed) or return with a comment; by a supervisor of the site who is
/// not the person responsible.
pub async fn review(cx: &mut Ctx<'_>, r: Review) -> Outcome {
    let cur = cx.rect(&r.rect_id, &[Action::ReviewRectification]).await?;
    let r = hazard::check_review(r, cx.locale)?;
    let next = cx.may(
        &cur,
        if r.approve {
            Move::Approve
        } else {
            Move::Return
        },
    )?;
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE rectifications SET state = ?, rev = rev + 1, last_client_id = ?, reviewer_id = ?,
            reviewed_at = ?, closed_at = CASE WHEN ? THEN ? END, version = ?
         WHERE id = ?",
    )
    .bind(next.code())
    .bind(cx.client_id)
    .bind(&cx.m.author)
    .bind(cx.at)
    .bind(r.approve)
    .bind(cx.at)
    .bind(version)
    .bind(&r.rect_id)
    .execute(&mut *cx.tx)
    .await?;
    let kind = if r.approve { "approve" } else { "return" };
    cx.thread(&r.rect_id, &cur.site, kind, &r.comment, version)
        .await?;
    Ok(())
}

/// `rect.comment`: appended to the thread by anyone who sees the item; never edited. A comment
/// is not a change of the item, so it needs no revision.
pub async fn comment(cx: &mut Ctx<'_>, c: Comment) -> Outcome {
    cx.new_id(&c.id)?;
    let c = hazard::check_comment(c, cx.locale)?;
    let (site, _) = cx
        .site_and_closed("rectifications", "closed_at", &c.rect_id)
        .await?;
    cx.allow_any(SEEN_WITH, &site)?;
    let version = cx.version().await?;
    let done = sqlx::query(
        "INSERT INTO rect_comments (id, rect_id, site_id, kind, text, at, author_id, version)
         VALUES (?, ?, ?, 'comment', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&c.id)
    .bind(&c.rect_id)
    .bind(&site)
    .bind(&c.text)
    .bind(cx.event_time())
    .bind(&cx.m.author)
    .bind(version)
    .execute(&mut *cx.tx)
    .await?;
    cx.inserted(done)
}

super::applied! {
    Report => report,
    hazard::Complaint => |cx, c: hazard::Complaint| complaint(cx, c.0),
    hazard::Issue => |cx, c: hazard::Issue| ledger(cx, c.0, true),
    hazard::Edit => |cx, c: hazard::Edit| ledger(cx, c.0, false),
    Progress => progress,
    Review => review,
    Comment => comment,
}
