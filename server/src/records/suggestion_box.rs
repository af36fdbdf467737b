//! The suggestion box's openings (意见箱): who opened it when, how many items, what they said.
//! Its rhythm (`app::request::BOX_EVERY_DAYS`) is read against the last opening.

use super::{Ctx, Entity, Outcome};
use app::model::Action;
use app::request::{self, BoxOpening};

pub const SUGGESTION_BOX: Entity = Entity {
    name: app::request::SUGGESTION_BOX,
    table: "suggestion_box_openings",
    seen_with: &[Action::HandleRequest, Action::ViewKpis],
    columns: &[
        "site_id",
        "items",
        "note",
        "opened_at",
        "opened_name",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// `suggestion_box.open`: by someone who answers requests at the site.
pub async fn open(cx: &mut Ctx<'_>, o: BoxOpening) -> Outcome {
    cx.new_id(&o.id)?;
    cx.allow(Action::HandleRequest, &o.site_id)?;
    let o = request::check_opening(o, cx.locale)?;
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO suggestion_box_openings (id, site_id, items, note, opened_at, opened_name,
            author_id, client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, (SELECT display_name FROM people WHERE id = ?), ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&o.id)
    .bind(&o.site_id)
    .bind(o.items as i64)
    .bind(&o.note)
    .bind(cx.event_time())
    .bind(&cx.m.author);
    cx.insert_new(q, version).await
}

super::applied! {
    app::request::BoxOpening => open,
}
