//! The gate (门卫): vehicles, parcels, items held in custody.

use super::{Ctx, Entity, Outcome};
use app::gate::{self, Arrive, GateKind, Leave};
use app::i18n::Key;
use app::model::Action;

/// Held items can stay for months: they go to phones while open (the phone keeps open ones).
pub const ENTITY: Entity = Entity {
    name: app::gate::GATE,
    table: "gate_entries",
    seen_with: &[Action::GateLog, Action::Inspect],
    columns: &[
        "site_id",
        "kind",
        "plate",
        "unit",
        "driver",
        "purpose",
        "parking",
        "carrier",
        "tracking",
        "recipient",
        "case_number",
        "description",
        "handed_by",
        "note",
        "arrived_at",
        "left_at",
        "left_to",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &["anonymised_at"],
    shape: super::as_stored,
    court_wide: false,
};

pub async fn arrive(cx: &mut Ctx<'_>, args: Arrive) -> Outcome {
    cx.new_id(&args.id)?;
    cx.allow(Action::GateLog, &args.site_id)?;
    let a = gate::check_arrive(args, cx.locale)?;
    let kind = a.kind.map(GateKind::code).unwrap_or_default();
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO gate_entries (id, site_id, kind, plate, unit, driver, purpose, parking, carrier,
            tracking, recipient, case_number, description, handed_by, note, arrived_at, author_id,
            client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&a.site_id)
    .bind(kind)
    .bind(&a.plate)
    .bind(&a.unit)
    .bind(&a.driver)
    .bind(&a.purpose)
    .bind(&a.parking)
    .bind(&a.carrier)
    .bind(&a.tracking)
    .bind(&a.recipient)
    .bind(&a.case_number)
    .bind(&a.description)
    .bind(&a.handed_by)
    .bind(&a.note)
    .bind(cx.event_time());
    cx.insert_new(q, version).await
}

/// Leaving twice (two guards offline) is applied and changes nothing.
pub async fn leave(cx: &mut Ctx<'_>, args: Leave) -> Outcome {
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT site_id, kind, left_at FROM gate_entries WHERE id = ?")
            .bind(&args.entry_id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let Some((site_id, kind, left)) = row else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    cx.allow(Action::GateLog, &site_id)?;
    let kind = GateKind::parse(&kind).ok_or_else(|| cx.refuse("invalid", Key::ErrBadRequest))?;
    gate::check_leave(kind, &args, cx.locale)?;
    if left.is_some() {
        return Ok(());
    }
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE gate_entries SET left_at = ?, left_to = ?, left_by = ?, version = ? WHERE id = ?",
    )
    .bind(cx.event_time())
    .bind(args.to.trim())
    .bind(&cx.m.author)
    .bind(version)
    .bind(&args.entry_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

super::applied! {
    app::gate::Arrive => arrive,
    app::gate::Leave => leave,
}
