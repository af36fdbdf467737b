//! Alerts as phones pull them, and their acknowledgement (`alert.ack`), the one record of them
//! a person makes. The alerts themselves are raised, escalated and resolved by the server
//! (`crate::alerts`).

use super::{Ctx, Entity, Outcome, Refusal};
use app::alert::{roles_reach, Ack};
use app::i18n::Key;
use app::model::{Action, Role};
use app::request::{Step, StepKind};

pub const ALERT: Entity = Entity {
    name: app::alert::ALERT,
    table: "alerts",
    seen_with: &[Action::ViewSites],
    columns: COLUMNS,
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// What phones get (the robots' words and the condition's key stay on the server).
pub const COLUMNS: &[&str] = &[
    "number",
    "rule",
    "site_id",
    "subject",
    "raised_at",
    "stage",
    "to_roles",
    "params",
    "last_sync_at",
    "acknowledged_at",
    "acknowledged_name",
    "resolved_at",
];

fn said(cx: &Ctx<'_>, code: &'static str, zh: &'static str, en: &'static str) -> Refusal {
    Refusal {
        code,
        message: app::i18n::pick(cx.locale, zh, en).to_string(),
        field: None,
    }
}

/// `alert.ack`: by someone it reaches now, at their site (the court's own: an administrator),
/// once (a second tap, or a second person at once, changes nothing). An unanswered request's
/// alert acknowledged by someone who answers requests there is the request's response, at the
/// time of the tap.
pub async fn ack(cx: &mut Ctx<'_>, a: Ack) -> Outcome {
    type Row = (String, String, Option<i64>, String);
    let row: Option<Row> = sqlx::query_as(
        "SELECT site_id, to_roles, acknowledged_at, subject FROM alerts WHERE id = ?",
    )
    .bind(&a.alert_id)
    .fetch_optional(&mut *cx.tx)
    .await?;
    let Some((site, to_roles, acked, subject)) = row else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    if site.is_empty() {
        if !cx.grants.roles.contains(&Role::Admin) {
            return Err(cx.refuse("forbidden", Key::ErrForbidden).into());
        }
    } else {
        cx.allow(Action::ViewSites, &site)?;
    }
    if !roles_reach(&to_roles, &cx.grants.roles) {
        return Err(said(
            cx,
            "forbidden",
            "这条告警没有发给您的岗位",
            "This alert is not addressed to your role",
        )
        .into());
    }
    if acked.is_some() {
        return Ok(());
    }
    let name: String = sqlx::query_scalar("SELECT display_name FROM people WHERE id = ?")
        .bind(&cx.m.author)
        .fetch_one(&mut *cx.tx)
        .await?;
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ?, acknowledged_name = ?,
            version = ? WHERE id = ? AND acknowledged_at IS NULL",
    )
    .bind(cx.event_time())
    .bind(&cx.m.author)
    .bind(&name)
    .bind(version)
    .bind(&a.alert_id)
    .execute(&mut *cx.tx)
    .await?;
    if let Some(request_id) = subject.strip_prefix("court_request:") {
        let waiting: Option<String> =
            sqlx::query_scalar("SELECT id FROM court_requests WHERE id = ? AND state = 'received'")
                .bind(request_id)
                .fetch_optional(&mut *cx.tx)
                .await?;
        if waiting.is_some() && cx.allow(Action::HandleRequest, &site).is_ok() {
            let step = Step {
                request_id: request_id.to_string(),
                step: StepKind::Acknowledge,
                note: String::new(),
                on_site: false,
            };
            super::requests::step(cx, step).await?;
        }
    }
    Ok(())
}

super::applied! {
    Ack => ack,
}
