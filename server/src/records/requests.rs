//! Requests and feedback from the court (服务需求). The rules and clocks are `app::request`;
//! here the server applies them to its own rows: the state the row is in, who the author is,
//! the time each step was made. The court's side files and confirms online too, from a phone
//! that is not enrolled (court staff): [`router`] runs the same handlers as the sync push does.

use super::{Ctx, Entity, Outcome, Refusal, Reject};
use crate::http::caller::{Caller, SiteScope};
use crate::http::json::ApiJson;
use crate::http::ApiResult;
use crate::AppState;
use app::i18n::Key;
use app::model::{Action, Role};
use app::request::{self, File, RequestRow, RequestState, Step, StepKind};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};

pub const REQUEST: Entity = Entity {
    name: app::request::COURT_REQUEST,
    table: "court_requests",
    seen_with: &[Action::HandleRequest, Action::FileRequest, Action::ViewKpis],
    columns: COLUMNS,
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// Phones pull these; the court's list and the KPI read them too (`RowOf` takes what it needs).
const COLUMNS: &[&str] = &[
    "site_id",
    "channel",
    "urgency",
    "email_class",
    "subject",
    "detail",
    "from_whom",
    "received_at",
    "state",
    "acknowledged_at",
    "acknowledged_name",
    "handled_at",
    "handled_name",
    "handling",
    "on_site",
    "reported_at",
    "report",
    "closed_at",
    "close_kind",
    "rect_id",
    "author_id",
    "clock_skewed",
    "created_at",
];

/// Is the author the court's side at `site` (files online, confirms) rather than the service's
/// (logs what came by telephone, e-mail, the box or in person; answers)?
fn court_side(cx: &Ctx<'_>, site: &str) -> Result<bool, Refusal> {
    if cx.allow(Action::HandleRequest, site).is_ok() {
        return Ok(false);
    }
    cx.allow(Action::FileRequest, site)?;
    Ok(true)
}

/// `request.file`: filed by the court (online, now) or logged by the service (with the time it
/// came in, up to a day before the record was made).
pub async fn file(cx: &mut Ctx<'_>, f: File) -> Outcome {
    cx.new_id(&f.id)?;
    let court = court_side(cx, &f.site_id)?;
    let f = request::check_file(f, court, cx.locale)?;
    let (Some(channel), Some(urgency)) = (f.channel, f.urgency) else {
        return Err(cx.refuse("invalid", Key::ErrBadRequest).into());
    };
    let received = cx.event_time() - f.received_before_ms;
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO court_requests (id, site_id, channel, urgency, email_class, subject, detail,
            from_whom, received_at, state, author_id, client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&f.id)
    .bind(&f.site_id)
    .bind(channel.code())
    .bind(urgency.code())
    .bind(f.email_class.map(|c| c.code()))
    .bind(&f.subject)
    .bind(&f.detail)
    .bind(&f.from_whom)
    .bind(received)
    .bind(RequestState::Received.code());
    cx.insert_new(q, version).await
}

/// `request.step`: the next step, in order, once; nothing after the close. Each step's time is
/// when it was made, never before the step it follows.
pub async fn step(cx: &mut Ctx<'_>, s: Step) -> Outcome {
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT site_id, state, author_id FROM court_requests WHERE id = ?")
            .bind(&s.request_id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let Some((site, state, filer)) = row else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    if s.step.is_court_s() {
        cx.allow(Action::FileRequest, &site)?;
        let liaison = cx.grants.roles.contains(&Role::CourtLiaison);
        if !liaison && filer != cx.m.author {
            return Err(said(
                cx,
                "forbidden",
                app::i18n::request_rules::Words::YouMayConfirmOnlyYours,
            )
            .into());
        }
    } else {
        cx.allow(Action::HandleRequest, &site)?;
    }
    let state = RequestState::parse(&state).unwrap_or(RequestState::Received);
    let next = request::after(state, s.step).map_err(|e| Refusal {
        code: "step",
        message: e.message(cx.locale),
        field: Some("step"),
    })?;
    let s = request::check_step(s, cx.locale)?;
    let name: String = sqlx::query_scalar("SELECT display_name FROM people WHERE id = ?")
        .bind(&cx.m.author)
        .fetch_one(&mut *cx.tx)
        .await?;
    let (at_col, by_col, after_col) = match s.step {
        StepKind::Acknowledge => ("acknowledged_at", "acknowledged_by", "received_at"),
        StepKind::Handle => ("handled_at", "handled_by", "acknowledged_at"),
        StepKind::Report => ("reported_at", "reported_by", "handled_at"),
        StepKind::Confirm => ("closed_at", "closed_by", "reported_at"),
    };
    let at = crate::db::dialect::greatest(after_col, "?");
    let extra = match s.step {
        StepKind::Acknowledge => ", acknowledged_name = ?",
        StepKind::Handle => ", handled_name = ?, handling = ?, on_site = ?",
        StepKind::Report => ", report = ?",
        StepKind::Confirm => ", close_kind = 'confirmed', confirm_note = ?",
    };
    let version = cx.version().await?;
    let sql = format!(
        "UPDATE court_requests SET state = ?, {at_col} = {at}, {by_col} = ?{extra}, version = ?
         WHERE id = ? AND state = ?"
    );
    let mut q = sqlx::query(&sql)
        .bind(next.code())
        .bind(cx.event_time())
        .bind(&cx.m.author);
    q = match s.step {
        StepKind::Acknowledge => q.bind(&name),
        StepKind::Handle => q.bind(&name).bind(&s.note).bind(s.on_site),
        StepKind::Report | StepKind::Confirm => q.bind(&s.note),
    };
    q.bind(version)
        .bind(&s.request_id)
        .bind(state.code())
        .execute(&mut *cx.tx)
        .await?;
    Ok(())
}

/// A hazard reported from request `id` (at `site`) that needs work: the request must be there,
/// at that site, without a rectification yet. Checked before the hazard is stored.
pub async fn may_rectify(cx: &mut Ctx<'_>, id: &str, site: &str) -> Result<(), Reject> {
    use app::i18n::request_rules::Words;
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT site_id, rect_id FROM court_requests WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    match row {
        Some((s, None)) if s == site => Ok(()),
        Some((s, Some(_))) if s == site => {
            Err(said(cx, "exists", Words::ThisRequestHasARectification).into())
        }
        _ => Err(said(cx, "not_found", Words::NoSuchRequest).into()),
    }
}

/// Names on request `id` the rectification its hazard opened.
pub async fn link_rect(cx: &mut Ctx<'_>, id: &str, rect_id: &str, version: i64) -> Outcome {
    sqlx::query("UPDATE court_requests SET rect_id = ?, version = ? WHERE id = ?")
        .bind(rect_id)
        .bind(version)
        .bind(id)
        .execute(&mut *cx.tx)
        .await?;
    Ok(())
}

fn said(cx: &Ctx<'_>, code: &'static str, w: app::i18n::request_rules::Words) -> Refusal {
    Refusal {
        code,
        message: w.text(cx.locale).into(),
        field: None,
    }
}

super::applied! {
    app::request::File => file,
    app::request::Step => step,
}

/// Closes as unconfirmed the requests reported back more than `days` ago that the court has
/// not confirmed (the settings' `request_close_days`). `now` is passed in, so it is tested
/// with any clock.
pub async fn close_unconfirmed(db: &crate::db::Db, now: i64, days: i64) -> sqlx::Result<u64> {
    let before = now - days * 24 * request::HOUR;
    let mut tx = crate::db::dialect::begin_write(db).await?;
    let due: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM court_requests WHERE state = 'reported' AND reported_at < ?",
    )
    .bind(before)
    .fetch_all(&mut *tx)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let version = super::next_version(&mut tx).await?;
    for id in &due {
        sqlx::query(
            "UPDATE court_requests SET state = 'closed', closed_at = ?, close_kind = 'unconfirmed',
                version = ? WHERE id = ? AND state = 'reported'",
        )
        .bind(now)
        .bind(version)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        crate::db::audit(&mut *tx, None, "request_close_unconfirmed", id, "").await?;
    }
    tx.commit().await?;
    Ok(due.len() as u64)
}

/// The court's own routes: file and confirm online (a court staff member's phone is not
/// enrolled, so it has no outbox), and read back what one filed.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/requests", post(file_online))
        .route("/api/v1/requests/mine", get(mine))
        .route("/api/v1/requests/{id}/confirm", post(confirm_online))
}

async fn file_online(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiJson(f): ApiJson<File>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::FileRequest)?;
    super::run_online(&state, &caller, &headers, &f).await?;
    Ok(Json(serde_json::json!({"id": f.id})))
}

async fn confirm_online(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(note): ApiJson<ConfirmBody>,
) -> ApiResult<Json<serde_json::Value>> {
    caller.require(Action::FileRequest)?;
    let s = Step {
        request_id: id,
        step: StepKind::Confirm,
        note: note.note,
        on_site: false,
    };
    super::run_online(&state, &caller, &headers, &s).await?;
    Ok(Json(serde_json::json!({})))
}

#[derive(serde::Deserialize)]
struct ConfirmBody {
    #[serde(default)]
    note: String,
}

/// The requests the caller filed (court staff), or all at their sites (the liaison), newest
/// first, the last 90 days and every open one.
async fn mine(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<(String, RequestRow)>>> {
    let scope = caller.scope(Action::FileRequest)?;
    let liaison = caller.roles.contains(&Role::CourtLiaison);
    let since = crate::db::now_ms() - 90 * 24 * request::HOUR;
    let rows: Vec<RowOf> = sqlx::query_as(&format!(
        "SELECT id, {} FROM court_requests
         WHERE (received_at >= ? OR closed_at IS NULL) AND (? OR author_id = ?)
         ORDER BY received_at DESC LIMIT 200",
        COLUMNS.join(", ")
    ))
    .bind(since)
    .bind(liaison)
    .bind(&caller.id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(RowOf::into_row)
            .filter(|(_, r)| match &scope {
                SiteScope::All => true,
                s => s.contains(&r.site_id),
            })
            .collect(),
    ))
}

#[derive(sqlx::FromRow)]
struct RowOf {
    id: String,
    site_id: String,
    channel: String,
    urgency: String,
    email_class: Option<String>,
    subject: String,
    detail: String,
    from_whom: String,
    received_at: i64,
    state: String,
    acknowledged_at: Option<i64>,
    acknowledged_name: Option<String>,
    handled_at: Option<i64>,
    handled_name: Option<String>,
    handling: Option<String>,
    on_site: bool,
    reported_at: Option<i64>,
    report: Option<String>,
    closed_at: Option<i64>,
    close_kind: Option<String>,
    rect_id: Option<String>,
    author_id: String,
}

impl RowOf {
    fn into_row(self) -> (String, RequestRow) {
        (
            self.id,
            RequestRow {
                site_id: self.site_id,
                channel: self.channel,
                urgency: self.urgency,
                email_class: self.email_class,
                subject: self.subject,
                detail: self.detail,
                from_whom: self.from_whom,
                received_at: self.received_at,
                state: self.state,
                acknowledged_at: self.acknowledged_at,
                acknowledged_name: self.acknowledged_name,
                handled_at: self.handled_at,
                handled_name: self.handled_name,
                handling: self.handling,
                on_site: self.on_site,
                reported_at: self.reported_at,
                report: self.report,
                closed_at: self.closed_at,
                close_kind: self.close_kind,
                rect_id: self.rect_id,
                author_id: self.author_id,
            },
        )
    }
}

/// The requests of `site` that came in from `from` to `to`, for the KPI.
pub async fn rows_between(
    db: &crate::db::Db,
    site: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<RequestRow>> {
    Ok(between(db, site, from, to)
        .await?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}

/// The same, each with its id.
pub async fn between(
    db: &crate::db::Db,
    site: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<(String, RequestRow)>> {
    let rows: Vec<RowOf> = sqlx::query_as(&format!(
        "SELECT id, {} FROM court_requests
         WHERE site_id = ? AND received_at >= ? AND received_at < ?",
        COLUMNS.join(", ")
    ))
    .bind(site)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(RowOf::into_row).collect())
}
