//! The fire control room (消防控制室): alarms, the fault repairs a false alarm or fault opens,
//! the two-hourly equipment status entries; and the steps of any ordered procedure (a fire
//! alarm's handling, a boiler's stop, an emergency's), which the server checks in order whatever
//! the phone sent.

use super::{Ctx, Entity, Outcome, Refusal};
use app::fire::{self, Alarm, AlarmClose, AlarmKind, RepairDone, StatusEntry};
use app::i18n::Key;
use app::model::Action;
use app::procedure::{self, ProcedureKind, Step, StepRecord};

const SEEN_WITH: &[Action] = &[Action::FireDuty, Action::Inspect];

pub const ALARM: Entity = Entity {
    name: app::fire::FIRE_ALARM,
    table: "fire_alarms",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "kind",
        "place",
        "cause",
        "handling",
        "raised_at",
        "closed_at",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

pub const STEP: Entity = Entity {
    name: app::procedure::PROCEDURE_STEP,
    table: "procedure_steps",
    seen_with: &[
        Action::FireDuty,
        Action::BoilerLog,
        Action::Inspect,
        Action::HandleEmergency,
    ],
    columns: &[
        "of_id",
        "kind",
        "site_id",
        "step",
        "seq",
        "at",
        "skipped_because",
        "note",
        "author_id",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// Open repairs can wait for parts: they go to phones for longer.
pub const REPAIR: Entity = Entity {
    name: app::fire::REPAIR,
    table: "repairs",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "alarm_id",
        "place",
        "opened_at",
        "repaired_at",
        "repaired_by",
        "note",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

pub const STATUS: Entity = Entity {
    name: app::fire::FIRE_STATUS,
    table: "fire_status",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "normal",
        "note",
        "recorded_at",
        "late",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

pub async fn alarm(cx: &mut Ctx<'_>, a: Alarm) -> Outcome {
    cx.new_id(&a.id)?;
    cx.allow(Action::FireDuty, &a.site_id)?;
    let a = fire::check_alarm(a, cx.locale)?;
    let kind = a.kind.unwrap_or(AlarmKind::Fire);
    let at = cx.event_time();
    // Anything but a fire is recorded whole, and so closed as it is raised.
    let closed = (kind != AlarmKind::Fire).then_some(at);
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO fire_alarms (id, site_id, kind, place, cause, handling, raised_at, closed_at,
            author_id, client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&a.site_id)
    .bind(kind.code())
    .bind(&a.place)
    .bind(&a.cause)
    .bind(&a.handling)
    .bind(at)
    .bind(closed);
    cx.insert_new(q, version).await?;
    if kind.opens_repair() {
        sqlx::query(
            "INSERT INTO repairs (id, site_id, alarm_id, place, opened_at, version)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(fire::repair_id(&a.id))
        .bind(&a.site_id)
        .bind(&a.id)
        .bind(&a.place)
        .bind(at)
        .bind(version)
        .execute(&mut *cx.tx)
        .await?;
    }
    Ok(())
}

async fn steps_of(cx: &mut Ctx<'_>, of: &str) -> Result<Vec<StepRecord>, super::Reject> {
    let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT step, at, skipped_because, note FROM procedure_steps WHERE of_id = ? ORDER BY seq",
    )
    .bind(of)
    .fetch_all(&mut *cx.tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(step, at, skipped_because, note)| StepRecord {
            step,
            at,
            skipped_because,
            note,
        })
        .collect())
}

/// `procedure.step`: a step of an open fire alarm (fire duty), of a boiler stop (the boiler
/// log) or of an open emergency (anyone who handles them at its site), in order.
pub async fn step(cx: &mut Ctx<'_>, s: Step) -> Outcome {
    let site: Option<String> = match s.kind {
        ProcedureKind::FireAlarm => {
            let row: Option<(String, String, Option<i64>)> =
                sqlx::query_as("SELECT site_id, kind, closed_at FROM fire_alarms WHERE id = ?")
                    .bind(&s.of)
                    .fetch_optional(&mut *cx.tx)
                    .await?;
            match row {
                Some((site, kind, closed)) => {
                    cx.allow(Action::FireDuty, &site)?;
                    if kind != AlarmKind::Fire.code() || closed.is_some() {
                        return Err(cx.refuse("closed", Key::ErrProcedureClosed).into());
                    }
                    Some(site)
                }
                None => None,
            }
        }
        ProcedureKind::BoilerStop => {
            let row: Option<(String, String)> =
                sqlx::query_as("SELECT site_id, stop_reasons FROM boiler_readings WHERE id = ?")
                    .bind(&s.of)
                    .fetch_optional(&mut *cx.tx)
                    .await?;
            match row {
                Some((site, reasons)) => {
                    cx.allow(Action::BoilerLog, &site)?;
                    if reasons == "[]" {
                        return Err(cx.refuse("closed", Key::ErrProcedureClosed).into());
                    }
                    Some(site)
                }
                None => None,
            }
        }
        k => super::emergency::open_site(cx, &s.of, k).await?,
    };
    let Some(site) = site else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    let done = steps_of(cx, &s.of).await?;
    let next = StepRecord {
        step: s.step.clone(),
        at: cx.event_time(),
        skipped_because: s.skipped_because.clone(),
        note: s.note.clone(),
    };
    let after = procedure::record_step(s.kind, &done, next).map_err(|e| Refusal {
        code: "step",
        message: e.message(cx.locale),
        field: Some("step"),
    })?;
    let rec = &after[after.len() - 1];
    let version = cx.version().await?;
    sqlx::query(
        "INSERT INTO procedure_steps (id, of_id, kind, site_id, step, seq, at, skipped_because,
            note, author_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(format!("{}/{}", s.of, rec.step))
    .bind(&s.of)
    .bind(s.kind.code())
    .bind(&site)
    .bind(&rec.step)
    .bind(after.len() as i64)
    .bind(rec.at)
    .bind(&rec.skipped_because)
    .bind(&rec.note)
    .bind(&cx.m.author)
    .bind(version)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

/// `fire.alarm_close`: a fire handled through every step, with its cause and handling.
pub async fn close(cx: &mut Ctx<'_>, c: AlarmClose) -> Outcome {
    let (site, closed) = cx
        .site_and_closed("fire_alarms", "closed_at", &c.alarm_id)
        .await?;
    cx.allow(Action::FireDuty, &site)?;
    if closed.is_some() {
        return Ok(());
    }
    let done = steps_of(cx, &c.alarm_id).await?;
    let c = fire::check_close(
        c,
        procedure::complete(ProcedureKind::FireAlarm, &done),
        cx.locale,
    )?;
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE fire_alarms SET closed_at = ?, cause = ?, handling = ?, version = ? WHERE id = ?",
    )
    .bind(cx.event_time())
    .bind(&c.cause)
    .bind(&c.handling)
    .bind(version)
    .bind(&c.alarm_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

/// `fire.repair_done`: the repair is closed; twice changes nothing.
pub async fn repair_done(cx: &mut Ctx<'_>, r: RepairDone) -> Outcome {
    let (site, repaired) = cx
        .site_and_closed("repairs", "repaired_at", &r.repair_id)
        .await?;
    cx.allow(Action::FireDuty, &site)?;
    let r = fire::check_repair(r, cx.locale)?;
    if repaired.is_some() {
        return Ok(());
    }
    let version = cx.version().await?;
    sqlx::query(
        "UPDATE repairs SET repaired_at = ?, repaired_by = ?, note = ?, version = ? WHERE id = ?",
    )
    .bind(cx.event_time())
    .bind(&r.repaired_by)
    .bind(&r.note)
    .bind(version)
    .bind(&r.repair_id)
    .execute(&mut *cx.tx)
    .await?;
    Ok(())
}

/// `fire.status`: the entry is marked late when the one before it at the site (within a day)
/// is more than two hours older.
pub async fn status(cx: &mut Ctx<'_>, s: StatusEntry) -> Outcome {
    cx.new_id(&s.id)?;
    cx.allow(Action::FireDuty, &s.site_id)?;
    let s = fire::check_status(s, cx.locale)?;
    let at = cx.event_time();
    let previous: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(recorded_at) FROM fire_status WHERE site_id = ? AND recorded_at <= ?
           AND recorded_at > ?",
    )
    .bind(&s.site_id)
    .bind(at)
    .bind(at - 24 * 3600 * 1000)
    .fetch_one(&mut *cx.tx)
    .await?;
    let late = previous.is_some_and(|p| fire::entry_late(Some(p), p, at));
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO fire_status (id, site_id, normal, note, recorded_at, late, author_id,
            client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&s.id)
    .bind(&s.site_id)
    .bind(s.normal)
    .bind(&s.note)
    .bind(at)
    .bind(late);
    cx.insert_new(q, version).await
}

pub const HANDOVER: Entity = Entity {
    name: app::fire::HANDOVER,
    table: "handovers",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "notes",
        "open_alarms",
        "open_repairs",
        "handed_at",
        "author_id",
        "accepted_by",
        "accepted_at",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// `fire.handover`: what stays open is counted by the server at the moment it applies.
pub async fn handover(cx: &mut Ctx<'_>, h: app::fire::Handover) -> Outcome {
    cx.new_id(&h.id)?;
    if h.notes.chars().count() > 500 {
        return Err(cx.refuse("invalid", Key::ErrBadRequest).into());
    }
    cx.allow(Action::FireDuty, &h.site_id)?;
    let (alarms, repairs): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM fire_alarms WHERE site_id = ?1 AND closed_at IS NULL),
                (SELECT COUNT(*) FROM repairs WHERE site_id = ?1 AND repaired_at IS NULL)",
    )
    .bind(&h.site_id)
    .fetch_one(&mut *cx.tx)
    .await?;
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO handovers (id, site_id, notes, open_alarms, open_repairs, handed_at, author_id,
            client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&h.id)
    .bind(&h.site_id)
    .bind(h.notes.trim())
    .bind(alarms)
    .bind(repairs)
    .bind(cx.event_time());
    cx.insert_new(q, version).await
}

/// `fire.handover_accept`: signed by another operator at the site, once.
pub async fn handover_accept(cx: &mut Ctx<'_>, a: app::fire::HandoverAccept) -> Outcome {
    let row: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT site_id, author_id, accepted_at FROM handovers WHERE id = ?")
            .bind(&a.handover_id)
            .fetch_optional(&mut *cx.tx)
            .await?;
    let Some((site, author, accepted)) = row else {
        return Err(cx.refuse("not_found", Key::ErrNotFound).into());
    };
    cx.allow(Action::FireDuty, &site)?;
    if author == cx.m.author {
        return Err(cx.refuse("own_record", Key::ErrHandoverOwn).into());
    }
    if accepted.is_some() {
        return Ok(());
    }
    let version = cx.version().await?;
    sqlx::query("UPDATE handovers SET accepted_by = ?, accepted_at = ?, version = ? WHERE id = ?")
        .bind(&cx.m.author)
        .bind(cx.event_time())
        .bind(version)
        .bind(&a.handover_id)
        .execute(&mut *cx.tx)
        .await?;
    Ok(())
}

pub const SHIFT: Entity = Entity {
    name: app::fire::FIRE_SHIFT,
    table: "fire_shifts",
    seen_with: SEEN_WITH,
    columns: &[
        "site_id",
        "operator_ids",
        "operator_names",
        "starts_at",
        "ends_at",
        "warnings",
        "author_id",
        "clock_skewed",
        "created_at",
    ],
    gone: &[],
    shape: super::as_stored,
    court_wide: false,
};

/// `fire.shift`: the operators must be the site's active fire-room operators; staffing, length
/// and certificates are judged again on the server's own records, and a shift with warnings
/// starts only when the operator acknowledged them. The warnings are kept for the supervisor.
pub async fn shift(cx: &mut Ctx<'_>, s: fire::Shift) -> Outcome {
    cx.new_id(&s.id)?;
    cx.allow(Action::FireDuty, &s.site_id)?;
    let s = fire::check_shift(s, cx.event_time(), cx.locale)?;
    let known = crate::accounts::people::operators_at(&mut *cx.tx, &s.site_id).await?;
    let mut on = Vec::new();
    for id in &s.operator_ids {
        match known.iter().find(|o| &o.id == id) {
            Some(o) => on.push(o.clone()),
            None => {
                let mut r = cx.refuse("not_operator", Key::ErrNotOperator);
                r.field = Some("operators");
                return Err(r.into());
            }
        }
    }
    let warnings = fire::shift_warnings(&on, s.starts_at, s.ends_at);
    if !warnings.is_empty() && !s.acknowledged {
        let said: Vec<String> = warnings.iter().map(|w| w.message(cx.locale)).collect();
        return Err(Refusal {
            code: "shift_warnings",
            message: said.join("；"),
            field: Some("operators"),
        }
        .into());
    }
    let names: Vec<&str> = on.iter().map(|o| o.name.as_str()).collect();
    let version = cx.version().await?;
    let q = sqlx::query(
        "INSERT INTO fire_shifts (id, site_id, operator_ids, operator_names, starts_at, ends_at,
            warnings, author_id, client_id, clock_skewed, created_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&s.id)
    .bind(&s.site_id)
    .bind(serde_json::to_string(&s.operator_ids).unwrap_or_default())
    .bind(names.join("、"))
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(serde_json::to_string(&warnings).unwrap_or_default());
    cx.insert_new(q, version).await
}

super::applied! {
    app::procedure::Step => step,
    app::fire::Alarm => alarm,
    app::fire::AlarmClose => close,
    app::fire::RepairDone => repair_done,
    app::fire::StatusEntry => status,
    app::fire::Handover => handover,
    app::fire::HandoverAccept => handover_accept,
    app::fire::Shift => shift,
}
