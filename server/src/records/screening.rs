//! Security screening (安检), deposits (寄存) and the start-of-shift equipment self-test.

use super::{Ctx, Entity, Outcome};
use app::i18n::Key;
use app::model::Action;
use app::screening::{self, DepositClose, Disposition, Screening, SelfTest};

const SEEN_WITH: &[Action] = &[Action::RecordScreening, Action::Inspect];

pub const SCREENING: Entity = Entity {
    name: app::screening::SCREENING,
    table: "screenings",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "visit_id",
        "name",
        "equipment",
        "outcome",
        "items",
        "body_check",
        "visitor_sex",
        "staff_sex",
        "officer",
        "note",
        "author_id",
        "screened_at",
        "clock_skewed",
        "created_at",
    ],
    gone: &["anonymised_at"],
    shape: super::as_stored,
    court_wide: false,
};

/// Open deposits can wait weeks for their owner: they go to phones for longer.
pub const DEPOSIT: Entity = Entity {
    name: app::screening::DEPOSIT,
    table: "deposits",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "screening_id",
        "name",
        "description",
        "category",
        "locker",
        "tag",
        "deposited_at",
        "closed_at",
        "closed_how",
        "closed_to",
        "confirmed",
        "closed_by",
    ],
    gone: &["anonymised_at"],
    shape: super::as_stored,
    court_wide: false,
};

pub const SELF_TEST: Entity = Entity {
    name: app::screening::SELF_TEST,
    table: "self_tests",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "gate_ok",
        "handheld_charged",
        "xray_ok",
        "note",
        "author_id",
        "tested_at",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

pub async fn record(cx: &mut Ctx<'_>, args: Screening) -> Outcome {
    cx.new_id(&args.id)?;
    cx.allow(Action::RecordScreening, &args.site_id)?;
    let mut s = screening::check(args, cx.locale)?;
    // The registration it belongs to, at the same site. One the server refused (and the guard
    // registered again under a new id) leaves the screening standing on its own name.
    if let Some(visit) = s.visit_id.clone() {
        let name: Option<String> =
            sqlx::query_scalar("SELECT name FROM visits WHERE id = ? AND site_id = ?")
                .bind(&visit)
                .bind(&s.site_id)
                .fetch_optional(&mut *cx.tx)
                .await?;
        match name {
            Some(n) if s.name.is_empty() => s.name = n,
            Some(_) => {}
            None if s.name.is_empty() => {
                return Err(cx.refuse("not_found", Key::ErrNotFound).into())
            }
            None => s.visit_id = None,
        }
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM screenings WHERE id = ?")
        .bind(&s.id)
        .fetch_optional(&mut *cx.tx)
        .await?;
    if exists.is_some() {
        return Err(cx.refuse("exists", Key::ErrBadRequest).into());
    }
    let version = cx.version().await?;
    let at = cx.event_time();
    let equipment = s
        .equipment
        .iter()
        .map(|e| e.code())
        .collect::<Vec<_>>()
        .join(",");
    sqlx::query(
        "INSERT INTO screenings (id, site_id, visit_id, name, equipment, outcome, items, body_check,
            visitor_sex, staff_sex, officer, note, author_id, client_id, screened_at, clock_skewed,
            created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&s.id)
    .bind(&s.site_id)
    .bind(&s.visit_id)
    .bind(&s.name)
    .bind(equipment)
    .bind(s.outcome.code())
    .bind(serde_json::to_string(&s.items).unwrap_or_else(|_| "[]".into()))
    .bind(s.body_check)
    .bind(s.visitor_sex.map(|x| x.code()))
    .bind(s.staff_sex.map(|x| x.code()))
    .bind(&s.officer)
    .bind(&s.note)
    .bind(&cx.m.author)
    .bind(cx.client_id)
    .bind(at)
    .bind(cx.clock_skewed())
    .bind(cx.now)
    .bind(version)
    .execute(&mut *cx.tx)
    .await?;
    for (i, item) in s.items.iter().enumerate() {
        if item.disposition != Disposition::Deposit {
            continue;
        }
        sqlx::query(
            "INSERT INTO deposits (id, site_id, screening_id, name, description, category, locker,
                tag, deposited_at, version)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(screening::deposit_id(&s.id, i))
        .bind(&s.site_id)
        .bind(&s.id)
        .bind(&s.name)
        .bind(&item.description)
        .bind(item.category.code())
        .bind(&item.locker)
        .bind(&item.tag)
        .bind(at)
        .bind(version)
        .execute(&mut *cx.tx)
        .await?;
    }
    Ok(())
}

/// Closing a deposit already closed is applied and changes nothing (two guards offline).
pub async fn close(cx: &mut Ctx<'_>, args: DepositClose) -> Outcome {
    let (site_id, closed) = cx
        .site_and_closed("deposits", "closed_at", &args.deposit_id)
        .await?;
    cx.allow(Action::RecordScreening, &site_id)?;
    screening::check_close(&args, cx.locale)?;
    if closed.is_some() {
        return Ok(());
    }
    let version = cx.version().await?;
    let how = match args.how {
        screening::CloseHow::Collected => "collected",
        screening::CloseHow::Transferred => "transferred",
    };
    sqlx::query(
        "UPDATE deposits SET closed_at = ?, closed_how = ?, closed_to = ?, confirmed = ?,
            closed_by = ?, version = ?
         WHERE id = ?",
    )
    .bind(cx.event_time())
    .bind(how)
    .bind(args.to.trim())
    .bind(args.confirmed)
    .bind(&cx.m.author)
    .bind(version)
    .bind(&args.deposit_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

pub async fn self_test(cx: &mut Ctx<'_>, args: SelfTest) -> Outcome {
    cx.new_id(&args.id)?;
    cx.allow(Action::RecordScreening, &args.site_id)?;
    screening::check_self_test(&args, cx.locale)?;
    let version = cx.version().await?;
    let done = sqlx::query(
        "INSERT INTO self_tests (id, site_id, gate_ok, handheld_charged, xray_ok, note, author_id,
            client_id, tested_at, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&args.id)
    .bind(&args.site_id)
    .bind(args.gate_ok)
    .bind(args.handheld_charged)
    .bind(args.xray_ok)
    .bind(args.note.trim())
    .bind(&cx.m.author)
    .bind(cx.client_id)
    .bind(cx.event_time())
    .bind(cx.now)
    .bind(version)
    .execute(&mut *cx.tx)
    .await?;
    cx.inserted(done)
}

super::applied! {
    app::screening::Screening => record,
    app::screening::DepositClose => close,
    app::screening::SelfTest => self_test,
}
