//! Daily checklists: recorded by whoever keeps the kind at the site, countersigned (fire patrol,
//! facility inspection) by a supervisor who did not make it.

use super::{Ctx, Entity, Outcome};
use app::checklist::{self, Checklist, ChecklistKind, Countersign};
use app::i18n::Key;
use app::model::Action;

pub const ENTITY: Entity = Entity {
    name: app::checklist::CHECKLIST,
    table: "checklists",
    seen_with: &[
        Action::Housekeeping,
        Action::GateLog,
        Action::FireDuty,
        Action::Inspect,
    ],
    columns: &[
        "site_id",
        "kind",
        "items",
        "failed",
        "note",
        "recorded_at",
        "author_id",
        "countersigned_by",
        "countersigned_at",
        "countersign_note",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

pub async fn record(cx: &mut Ctx<'_>, c: Checklist) -> Outcome {
    cx.new_id(&c.id)?;
    // Any of the actions that keep this kind, at the site.
    cx.allow_any(c.kind.kept_with(), &c.site_id)?;
    let c = checklist::check(c, cx.locale)?;
    let failed = c.items.iter().filter(|i| !i.ok).count() as i64;
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO checklists (id, site_id, kind, items, failed, note, recorded_at, author_id,
            client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&c.id)
    .bind(&c.site_id)
    .bind(c.kind.code())
    .bind(serde_json::to_string(&c.items).unwrap_or_default())
    .bind(failed)
    .bind(&c.note)
    .bind(cx.event_time());
    cx.insert_new(q, version).await
}

/// A countersignature: once, by someone who inspects at the site and did not make the record.
pub async fn countersign(cx: &mut Ctx<'_>, s: Countersign) -> Outcome {
    let row: Option<(String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT site_id, kind, author_id, countersigned_at FROM checklists WHERE id = ?",
    )
    .bind(&s.checklist_id)
    .fetch_optional(&mut *cx.tx)
    .await?;
    let Some((site, kind, author, signed)) = row else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    cx.allow(Action::Inspect, &site)?;
    if !ChecklistKind::parse(&kind).is_some_and(|k| k.countersigned()) {
        return Err(cx.refuse("invalid", Key::ErrBadRequest).into());
    }
    if author == cx.m.author {
        return Err(cx.refuse("own_record", Key::ErrCountersignOwn).into());
    }
    if signed.is_some() {
        return Ok(());
    }
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE checklists SET countersigned_by = ?, countersigned_at = ?, countersign_note = ?,
            version = ? WHERE id = ?",
    )
    .bind(&cx.m.author)
    .bind(cx.event_time())
    .bind(s.note.trim())
    .bind(version)
    .bind(&s.checklist_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

super::applied! {
    app::checklist::Checklist => record,
    app::checklist::Countersign => countersign,
}
