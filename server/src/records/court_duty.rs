//! Court duty (庭审值守): a guard's watch over a hearing, started and finished on the phone.

use super::{Ctx, Entity, Outcome};
use app::i18n::Key;
use app::model::Action;
use app::rounds;

/// Who sees court duties: as the rounds (patrols and inspections).
const SEEN_WITH: &[Action] = &[Action::PatrolRound, Action::Inspect];

pub const COURT_DUTY: Entity = Entity {
    name: app::rounds::COURT_DUTY,
    table: "court_duties",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "courtroom",
        "case_no",
        "started_at",
        "finished_at",
        "outcome",
        "note",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// `court_duty.start`: a guard of the site on duty in a hearing.
pub async fn duty_start(cx: &mut Ctx<'_>, d: rounds::DutyStart) -> Outcome {
    cx.new_id(&d.id)?;
    cx.allow(Action::PatrolRound, &d.site_id)?;
    let d = rounds::check_duty_start(d, cx.locale)?;
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO court_duties (id, site_id, courtroom, case_no, started_at, author_id,
            client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&d.id)
    .bind(&d.site_id)
    .bind(&d.courtroom)
    .bind(&d.case_no)
    .bind(cx.event_time());
    cx.insert_new(q, version).await
}

/// `court_duty.finish`: once, by a guard of the site (the one who took over, if need be).
pub async fn duty_finish(cx: &mut Ctx<'_>, f: rounds::DutyFinish) -> Outcome {
    let (site, finished) = cx
        .site_and_closed("court_duties", "finished_at", &f.duty_id)
        .await?;
    cx.allow(Action::PatrolRound, &site)?;
    if finished.is_some() {
        return Err(cx.refuse("finished", Key::ErrDutyFinished).into());
    }
    let f = rounds::check_duty_finish(f, cx.locale)?;
    let version = cx.version().await?;
    let finished = crate::db::dialect::greatest("started_at", "?");
    sqlx::query(&format!(
        "UPDATE court_duties SET finished_at = {finished}, outcome = ?, note = ?,
            version = ? WHERE id = ?"
    ))
    .bind(cx.event_time())
    .bind(f.outcome.map(|o| o.code()))
    .bind(&f.note)
    .bind(version)
    .bind(&f.duty_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

super::applied! {
    app::rounds::DutyStart => duty_start,
    app::rounds::DutyFinish => duty_finish,
}
