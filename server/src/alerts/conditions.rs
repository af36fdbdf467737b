//! Each rule's condition, judged on the server's records as they stand: what holds now, at
//! which site, since when, in what words. Nothing here writes; the engine raises, escalates and
//! resolves alerts from what these return.

use crate::db::Conn;
use app::alert::text::{self, Words};
use app::alert::{RuleConfig, RuleKind};
use app::core::{court_date, court_day_start, date_text};
use app::i18n::Locale;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// A condition that holds now.
#[derive(Clone, Debug, PartialEq)]
pub struct Cond {
    pub rule: RuleKind,
    /// Its identity: one open alert per condition.
    pub cond: String,
    pub site_id: String,
    pub subject: String,
    /// Since when it holds (escalation counts from here); `None`: from when it is first seen.
    pub since: Option<i64>,
    pub words: Words,
    /// Judged on records a post's phone may not have sent yet.
    pub rests_on_phones: bool,
}

fn cond(rule: RuleKind, key: String, site: &str, since: Option<i64>, words: Words) -> Cond {
    Cond {
        rule,
        subject: key.clone(),
        cond: key,
        site_id: site.to_string(),
        since,
        words,
        rests_on_phones: false,
    }
}

fn labels(zh: &'static str, en: &'static str) -> (&'static str, &'static str) {
    (zh, en)
}

/// Every enabled rule's conditions at `now`.
pub async fn gather(
    tx: &mut Conn,
    rules: &[RuleConfig],
    now: i64,
    backup_hours: u64,
) -> sqlx::Result<Vec<Cond>> {
    let mut out = Vec::new();
    for r in rules.iter().filter(|r| r.enabled) {
        let t = r.threshold.unwrap_or(0);
        match r.rule {
            RuleKind::FireAlarm => fire_alarms(tx, now, &mut out).await?,
            RuleKind::Emergency => emergencies(tx, now, &mut out).await?,
            RuleKind::RequestUrgent | RuleKind::RequestGeneral => {
                requests(tx, r.rule, &mut out).await?
            }
            RuleKind::BoilerStop => boiler_stops(tx, now, &mut out).await?,
            RuleKind::WatchMatch => watch_matches(tx, now, &mut out).await?,
            RuleKind::FireEntryLate => fire_entries(tx, now, t * MINUTE, &mut out).await?,
            RuleKind::RoundMissed => rounds(tx, now, t * MINUTE, &mut out).await?,
            RuleKind::PhoneUnsynced => phones(tx, now, t * MINUTE, &mut out).await?,
            RuleKind::RectOverdue => rects(tx, now, t, &mut out).await?,
            RuleKind::BackupFailing => backups(tx, now, t, backup_hours, &mut out).await?,
            RuleKind::CertExpiring => certificates(tx, now, t, &mut out).await?,
        }
    }
    Ok(out)
}

async fn fire_alarms(tx: &mut Conn, now: i64, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, site_id, kind, place, raised_at FROM fire_alarms
         WHERE closed_at IS NULL AND raised_at >= ?",
    )
    .bind(now - 2 * DAY)
    .fetch_all(&mut *tx)
    .await?;
    for (id, site, kind, place, at) in rows {
        let k = app::fire::AlarmKind::parse(&kind).map_or(labels("报警", "alarm"), |k| {
            (k.label(Locale::Zh), k.label(Locale::En))
        });
        let w = text::fire_alarm(k, &place);
        out.push(cond(
            RuleKind::FireAlarm,
            format!("fire_alarm:{id}"),
            &site,
            Some(at),
            w,
        ));
    }
    Ok(())
}

async fn emergencies(tx: &mut Conn, now: i64, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, site_id, kind, place, opened_at FROM emergencies
         WHERE closed_at IS NULL AND drill = 0 AND opened_at >= ?",
    )
    .bind(now - 2 * DAY)
    .fetch_all(&mut *tx)
    .await?;
    for (id, site, kind, place, at) in rows {
        let k = app::procedure::ProcedureKind::parse(&kind)
            .map_or(labels("突发事件", "an emergency"), |k| {
                (k.label(Locale::Zh), k.label(Locale::En))
            });
        let w = text::emergency(k, &place);
        out.push(cond(
            RuleKind::Emergency,
            format!("emergency:{id}"),
            &site,
            Some(at),
            w,
        ));
    }
    Ok(())
}

/// Requests not yet answered (their response clock runs).
async fn requests(tx: &mut Conn, rule: RuleKind, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    let urgent = rule == RuleKind::RequestUrgent;
    let urgency = if urgent {
        app::request::Urgency::Urgent
    } else {
        app::request::Urgency::General
    };
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT id, site_id, subject, received_at FROM court_requests
         WHERE state = 'received' AND urgency = ?",
    )
    .bind(urgency.code())
    .fetch_all(&mut *tx)
    .await?;
    let limit = urgency.response_limit() / MINUTE;
    for (id, site, subject, at) in rows {
        let w = text::request(urgent, &subject, limit);
        out.push(cond(
            rule,
            format!("court_request:{id}"),
            &site,
            Some(at),
            w,
        ));
    }
    Ok(())
}

/// Boilers whose latest reading stopped them (a later reading that runs resolves it).
async fn boiler_stops(tx: &mut Conn, now: i64, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT r.boiler_id, r.site_id, b.name, r.stop_reasons, r.read_at
         FROM boiler_readings r JOIN boilers b ON b.id = r.boiler_id
         WHERE r.read_at >= ? AND r.stop_reasons <> '[]'
           AND NOT EXISTS (SELECT 1 FROM boiler_readings l
                           WHERE l.boiler_id = r.boiler_id AND l.read_at > r.read_at)",
    )
    .bind(now - 2 * DAY)
    .fetch_all(&mut *tx)
    .await?;
    for (boiler, site, name, reasons, at) in rows {
        let list: Vec<serde_json::Value> = serde_json::from_str(&reasons).unwrap_or_default();
        let first = list.first().cloned().unwrap_or_default();
        let (zh, en) = (
            first["zh"].as_str().unwrap_or("停炉条件"),
            first["en"].as_str().unwrap_or("a stop condition"),
        );
        let w = text::boiler_stop(&name, (zh, en));
        out.push(cond(
            RuleKind::BoilerStop,
            format!("boiler:{boiler}"),
            &site,
            Some(at),
            w,
        ));
    }
    Ok(())
}

/// A watchlist match holds for half a day after it was made.
async fn watch_matches(tx: &mut Conn, now: i64, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT id, site_id, alerted_at FROM watch_alerts WHERE alerted_at >= ?")
            .bind(now - 12 * HOUR)
            .fetch_all(&mut *tx)
            .await?;
    for (id, site, at) in rows {
        let w = text::watch_match();
        out.push(cond(
            RuleKind::WatchMatch,
            format!("watch:{id}"),
            &site,
            Some(at),
            w,
        ));
    }
    Ok(())
}

/// In a fire-room shift, the status entry due (two hours after the last) and not received
/// `grace` after.
async fn fire_entries(
    tx: &mut Conn,
    now: i64,
    grace: i64,
    out: &mut Vec<Cond>,
) -> sqlx::Result<()> {
    let shifts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT site_id, MIN(starts_at) FROM fire_shifts WHERE starts_at <= ? AND ends_at > ?
         GROUP BY site_id",
    )
    .bind(now)
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    for (site, start) in shifts {
        let last: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(recorded_at) FROM fire_status WHERE site_id = ? AND recorded_at >= ?",
        )
        .bind(&site)
        .bind(start)
        .fetch_one(&mut *tx)
        .await?;
        let due = app::fire::status_due(last, start, now);
        if now > due.due_at + grace {
            let mut c = cond(
                RuleKind::FireEntryLate,
                format!("fire_entry:{site}:{}", due.due_at),
                &site,
                Some(due.due_at + grace),
                text::fire_entry_late(due.due_at),
            );
            c.subject = format!("fire_status:{site}");
            c.rests_on_phones = true;
            out.push(c);
        }
    }
    Ok(())
}

/// Routes due today or yesterday whose window ended `grace` ago with no round received (a
/// window that ended before the route was last set is not counted).
async fn rounds(tx: &mut Conn, now: i64, grace: i64, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    type Route = (String, String, String, String, String, i64, i64, i64);
    let routes: Vec<Route> = sqlx::query_as(
        "SELECT id, site_id, name_zh, name_en, days, window_start, window_end, updated_at
         FROM routes WHERE deleted_at IS NULL AND days <> 'unscheduled'",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, site, zh, en, days, ws, we, updated) in routes {
        let schedule = app::rounds::Schedule {
            days: app::rounds::Days::parse(&days).unwrap_or(app::rounds::Days::Unscheduled),
            window_start: ws,
            window_end: we,
        };
        for day_start in [court_day_start(now) - DAY, court_day_start(now)] {
            let starts: Vec<i64> = sqlx::query_scalar(
                "SELECT started_at FROM rounds WHERE route_id = ? AND started_at >= ?
                 AND started_at < ?",
            )
            .bind(&id)
            .bind(day_start)
            .bind(day_start + DAY)
            .fetch_all(&mut *tx)
            .await?;
            let end = day_start + we * MINUTE;
            // A window that ended before the route was set as it is now was not its to miss.
            if end <= updated {
                continue;
            }
            let status = app::rounds::round_status(schedule, day_start, &starts, now);
            if status == app::rounds::RoundStatus::Missed && now > end + grace {
                let day = date_text(court_date(day_start));
                let mut c = cond(
                    RuleKind::RoundMissed,
                    format!("round:{id}:{day}"),
                    &site,
                    Some(end + grace),
                    text::round_missed((&zh, if en.is_empty() { &zh } else { &en }), end),
                );
                c.subject = format!("route:{id}");
                c.rests_on_phones = true;
                out.push(c);
            }
        }
    }
    Ok(())
}

/// Phones that have held records for `over` without sending them (as they said at their last
/// contact), at the site of the last person who signed in on them.
async fn phones(tx: &mut Conn, now: i64, over: i64, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT c.client_id, d.label, c.waiting, c.waiting_since
         FROM sync_clients c JOIN devices d ON d.client_id = c.client_id
         WHERE d.revoked_at IS NULL AND c.waiting > 0 AND c.waiting_since IS NOT NULL
           AND c.waiting_since <= ?",
    )
    .bind(now - over)
    .fetch_all(&mut *tx)
    .await?;
    for (client, label, waiting, since) in rows {
        let site: Option<String> = sqlx::query_scalar(
            "SELECT ps.site_id FROM sessions s JOIN person_sites ps ON ps.person_id = s.person_id
             WHERE s.client_id = ? ORDER BY s.created_at DESC, ps.site_id LIMIT 1",
        )
        .bind(&client)
        .fetch_optional(&mut *tx)
        .await?;
        let site = match site {
            Some(s) => s,
            None => sqlx::query_scalar(
                "SELECT ps.site_id FROM device_people dp
                 JOIN person_sites ps ON ps.person_id = dp.person_id
                 WHERE dp.client_id = ? ORDER BY ps.site_id LIMIT 1",
            )
            .bind(&client)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or_default(),
        };
        let w = text::phone_unsynced(&label, waiting, since);
        let mut c = cond(
            RuleKind::PhoneUnsynced,
            format!("phone:{client}"),
            &site,
            Some(since + over),
            w,
        );
        c.subject = String::new();
        out.push(c);
    }
    Ok(())
}

/// Rectifications not closed `days` past their deadline.
async fn rects(tx: &mut Conn, now: i64, days: i64, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    let cutoff = date_text(court_date(now - days * DAY));
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT id, site_id, deadline, description FROM rectifications
         WHERE state <> 'closed' AND deadline <> '' AND deadline < ?",
    )
    .bind(&cutoff)
    .fetch_all(&mut *tx)
    .await?;
    for (id, site, deadline, description) in rows {
        let w = text::rect_overdue(&deadline, &description);
        out.push(cond(
            RuleKind::RectOverdue,
            format!("rect:{id}"),
            &site,
            None,
            w,
        ));
    }
    Ok(())
}

/// With scheduled backups on: the last one failed, or none succeeded for `hours`.
async fn backups(
    tx: &mut Conn,
    now: i64,
    hours: i64,
    backup_hours: u64,
    out: &mut Vec<Cond>,
) -> sqlx::Result<()> {
    if backup_hours == 0 {
        return Ok(());
    }
    let last: Option<(i64, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT started_at, error, finished_at FROM backups ORDER BY started_at DESC, id DESC LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((started, error, _)) = last else {
        return Ok(());
    };
    let last_ok: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(finished_at) FROM backups WHERE error IS NULL AND finished_at IS NOT NULL",
    )
    .fetch_one(&mut *tx)
    .await?;
    let failed = error.is_some();
    let stale = last_ok.is_none_or(|t| now - t > hours * HOUR) && now - started > hours * HOUR;
    if failed || stale {
        let w = text::backup_failing(failed, last_ok);
        out.push(cond(RuleKind::BackupFailing, "backup".into(), "", None, w));
    }
    Ok(())
}

/// Certificates of people still active that expire within `days` (or have expired).
async fn certificates(tx: &mut Conn, now: i64, days: i64, out: &mut Vec<Cond>) -> sqlx::Result<()> {
    let soon = date_text(court_date(now + days * DAY));
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT c.person_id, p.display_name, c.kind, c.valid_until
         FROM certificates c JOIN people p ON p.id = c.person_id
         WHERE p.disabled = 0 AND c.valid_until <> '' AND c.valid_until <= ?",
    )
    .bind(&soon)
    .fetch_all(&mut *tx)
    .await?;
    for (person, name, kind, until) in rows {
        let site: String = sqlx::query_scalar(
            "SELECT site_id FROM person_sites WHERE person_id = ? ORDER BY site_id LIMIT 1",
        )
        .bind(&person)
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or_default();
        let k = app::model::CertKind::parse(&kind).map_or(labels("证书", "certificate"), |k| {
            (k.label(Locale::Zh), k.label(Locale::En))
        });
        let w = text::cert_expiring(&name, k, &until);
        let mut c = cond(
            RuleKind::CertExpiring,
            format!("cert:{person}:{kind}:{until}"),
            &site,
            None,
            w,
        );
        c.subject = format!("person:{person}");
        out.push(c);
    }
    Ok(())
}

/// When the phones used at `site` last reached the server (the newest contact of any phone a
/// person of the site has used).
pub async fn last_sync(tx: &mut Conn, site: &str) -> sqlx::Result<Option<i64>> {
    let last = crate::db::dialect::greatest("c.contact_at", "c.last_seen");
    sqlx::query_scalar(&format!(
        "SELECT MAX({last}) FROM sync_clients c
         JOIN device_people dp ON dp.client_id = c.client_id
         JOIN person_sites ps ON ps.person_id = dp.person_id
         WHERE ps.site_id = ?"
    ))
    .bind(site)
    .fetch_one(&mut *tx)
    .await
}
