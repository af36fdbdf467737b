//! Emergencies (突发事件): the rules are `app::emergency` and `app::procedure`; here the server
//! opens them, judges their steps' site (`procedure.step` runs in `fire.rs`), closes them with
//! the report afterwards once every step is recorded, and prints both reports for the court.

use super::{Ctx, Entity, Outcome, Refusal, Reject};
use crate::http::error::{ApiError, ApiResult};
use crate::http::Caller;
use crate::records::rounds::escape;
use crate::AppState;
use app::emergency::{self, AfterReport, Open};
use app::i18n::emergency_rules::Words;
use app::i18n::Key;
use app::model::Action;
use app::procedure::{self, ProcedureKind};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;

pub const EMERGENCY: Entity = Entity {
    name: app::emergency::EMERGENCY,
    table: "emergencies",
    seen_with: &[Action::HandleEmergency, Action::ViewKpis],
    columns: &[
        "site_id",
        "kind",
        "place",
        "drill",
        "opened_at",
        "opened_name",
        "cause",
        "process",
        "losses",
        "lessons",
        "improvements",
        "after_report_at",
        "closed_at",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

fn said(cx: &Ctx<'_>, code: &'static str, w: Words) -> Refusal {
    Refusal {
        code,
        message: w.text(cx.locale).into(),
        field: None,
    }
}

/// `emergency.open`: anyone who handles emergencies at the site, now.
pub async fn open(cx: &mut Ctx<'_>, o: Open) -> Outcome {
    cx.new_id(&o.id)?;
    cx.allow(Action::HandleEmergency, &o.site_id)?;
    let o = emergency::check_open(o, cx.locale)?;
    let name: String = sqlx::query_scalar("SELECT display_name FROM people WHERE id = ?")
        .bind(&cx.m.author)
        .fetch_one(&mut *cx.tx)
        .await?;
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO emergencies (id, site_id, kind, place, drill, opened_at, opened_name,
            author_id, client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&o.id)
    .bind(&o.site_id)
    .bind(o.kind.code())
    .bind(&o.place)
    .bind(o.drill)
    .bind(cx.event_time())
    .bind(name);
    cx.insert_new(q, version).await
}

/// The site of the open emergency `of` of kind `kind`, for one of its steps (`None`: no such
/// emergency); refused when the author may not handle it there or it is closed.
pub async fn open_site(
    cx: &mut Ctx<'_>,
    of: &str,
    kind: ProcedureKind,
) -> Result<Option<String>, Reject> {
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT site_id, kind, closed_at FROM emergencies WHERE id = ?")
            .bind(of)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let Some((site, stored, closed)) = row else {
        return Ok(None);
    };
    cx.allow(Action::HandleEmergency, &site)?;
    if stored != kind.code() || closed.is_some() {
        return Err(cx.refuse("closed", Key::ErrProcedureClosed).into());
    }
    Ok(Some(site))
}

/// `emergency.after_report`: once every step is recorded (done, or skipped with a reason); it
/// closes the emergency, late or not (lateness is read against its due time).
pub async fn after_report(cx: &mut Ctx<'_>, r: AfterReport) -> Outcome {
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT site_id, kind, closed_at FROM emergencies WHERE id = ?")
            .bind(&r.emergency_id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let Some((site, kind, closed)) = row else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    cx.allow(Action::HandleEmergency, &site)?;
    if closed.is_some() {
        return Err(said(cx, "closed", Words::ThisEmergencyIsClosed).into());
    }
    let kind =
        ProcedureKind::parse(&kind).ok_or_else(|| cx.refuse("invalid", Key::ErrBadRequest))?;
    let done: Vec<String> = sqlx::query_scalar("SELECT step FROM procedure_steps WHERE of_id = ?")
        .bind(&r.emergency_id)
        .fetch_all(&mut *cx.tx)
        .await?;
    if kind
        .steps()
        .iter()
        .any(|s| !done.iter().any(|d| d == s.code))
    {
        return Err(said(cx, "steps", Words::FinishTheStepsFirst).into());
    }
    let r = emergency::check_after_report(r, cx.locale)?;
    let version = cx.version().await?;
    let at = crate::db::dialect::greatest("opened_at", "?");
    sqlx::query(&format!(
        "UPDATE emergencies SET cause = ?, process = ?, losses = ?, lessons = ?,
            improvements = ?, after_report_at = {at}, after_report_by = ?, closed_at = {at},
            version = ? WHERE id = ? AND closed_at IS NULL"
    ))
    .bind(&r.cause)
    .bind(&r.process)
    .bind(&r.losses)
    .bind(&r.lessons)
    .bind(&r.improvements)
    .bind(cx.event_time())
    .bind(&cx.m.author)
    .bind(cx.event_time())
    .bind(version)
    .bind(&r.emergency_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

super::applied! {
    app::emergency::Open => open,
    app::emergency::AfterReport => after_report,
}

#[derive(serde::Deserialize)]
pub struct PrintQuery {
    pub id: String,
}

type Stored = (
    String,
    String,
    String,
    bool,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// `GET /emergency/print?id=`: the immediate report to the court and the report afterwards,
/// on one page to print and file (each print recorded).
pub async fn print(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PrintQuery>,
) -> ApiResult<impl IntoResponse> {
    let row: Option<Stored> = sqlx::query_as(
        "SELECT e.site_id, s.name_zh, e.kind, e.drill, e.opened_at, e.opened_name, e.place,
            e.cause, e.process, e.losses, e.lessons, e.after_report_at
         FROM emergencies e JOIN sites s ON s.id = e.site_id WHERE e.id = ?",
    )
    .bind(&q.id)
    .fetch_optional(&state.db)
    .await?;
    // Who may not see it is not told whether it exists.
    let Some(r) = row else {
        caller.require(Action::HandleEmergency)?;
        return Err(ApiError::NotFound(Key::ErrNotFound));
    };
    caller.require_site_any(&[Action::HandleEmergency, Action::ViewKpis], &r.0)?;
    let steps: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT step, at, skipped_because, note FROM procedure_steps WHERE of_id = ? ORDER BY seq",
    )
    .bind(&q.id)
    .fetch_all(&state.db)
    .await?;
    let improvements: Option<String> =
        sqlx::query_scalar("SELECT improvements FROM emergencies WHERE id = ?")
            .bind(&q.id)
            .fetch_one(&state.db)
            .await?;
    crate::db::audit(&state.db, Some(&caller.id), "emergency_print", &q.id, "").await?;
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page(&r, &steps, improvements.as_deref()),
    ))
}

/// A time as the court reads it (China time).
fn time(ms: i64) -> String {
    let Some(china) = chrono::FixedOffset::east_opt(8 * 3600) else {
        return String::new();
    };
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&china).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn page(r: &Stored, steps: &[(String, i64, String, String)], improvements: Option<&str>) -> String {
    let kind = ProcedureKind::parse(&r.2);
    let label = kind.map(|k| k.label(app::i18n::Locale::Zh)).unwrap_or("?");
    let text = |v: &Option<String>| escape(v.as_deref().unwrap_or("（未填写）"));
    let mut list = String::new();
    let mut told = String::from("（尚未报告）");
    for (code, at, skipped, note) in steps {
        let name = kind
            .and_then(|k| k.step(code))
            .map(|d| d.label(app::i18n::Locale::Zh))
            .unwrap_or(code);
        let how = if skipped.is_empty() {
            String::new()
        } else {
            format!("（跳过：{}）", escape(skipped))
        };
        list.push_str(&format!("<li>{} {}{}</li>", time(*at), escape(name), how));
        if code == procedure::REPORT_TO_COURT && skipped.is_empty() {
            told = format!("{}：{}", time(*at), escape(note));
        }
    }
    let due = time(r.4 + emergency::AFTER_REPORT_WITHIN);
    let late = r.11.unwrap_or(i64::MAX) > r.4 + emergency::AFTER_REPORT_WITHIN;
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>突发事件报告</title>\
<style>body{{font:14px sans-serif;margin:2em}}h1{{font-size:20px}}dt{{font-weight:bold;margin-top:.6em}}</style></head><body>\
<h1>{site} 突发事件报告{drill}</h1>\
<h2>一、即时报告</h2><dl><dt>时间</dt><dd>{opened}</dd><dt>地点</dt><dd>{place}</dd><dt>性质</dt><dd>{label}</dd>\
<dt>报告法院（影响）</dt><dd>{told}</dd><dt>处置人</dt><dd>{who}</dd></dl>\
<h2>二、处置步骤</h2><ol>{list}</ol>\
<h2>三、事后报告</h2><p>应于 {due} 前报告{late}</p><dl><dt>原因</dt><dd>{cause}</dd><dt>经过</dt><dd>{process}</dd>\
<dt>损失</dt><dd>{losses}</dd><dt>教训</dt><dd>{lessons}</dd><dt>整改措施</dt><dd>{improvements}</dd></dl></body></html>",
        site = escape(&r.1),
        drill = if r.3 { "（演练）" } else { "" },
        opened = time(r.4),
        place = escape(r.6.as_deref().unwrap_or("")),
        who = escape(&r.5),
        late = if late { "（已逾期）" } else { "" },
        cause = text(&r.7),
        process = text(&r.8),
        losses = text(&r.9),
        lessons = text(&r.10),
        improvements = escape(improvements.unwrap_or("（未填写）")),
    )
}
