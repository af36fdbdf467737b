//! The records behind each figure of the scorecard: what counted against it, with why, in the
//! reader's language. Names are shown as on the on-site list; document numbers never.

use crate::db::Db;
use crate::records::requests;
use app::i18n::{pick, Locale};
use app::score::{field_label, DetailRow, Kpi, Period};

/// Minutes, rounded up, as people say them.
fn minutes(ms: i64) -> i64 {
    (ms + 59_999) / 60_000
}

pub async fn rows(
    db: &Db,
    kpi: Kpi,
    sites: &[String],
    court: bool,
    period: Period,
    now: i64,
    locale: Locale,
) -> sqlx::Result<Vec<DetailRow>> {
    let (from, to) = period.bounds();
    let mut out = Vec::new();
    match kpi {
        Kpi::Completeness => {
            for s in sites {
                let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
                    "SELECT checked_in_at, name, incomplete, id_missing_reason FROM visits
                     WHERE site_id = ? AND complete = FALSE AND checked_in_at >= ? AND checked_in_at < ?
                     ORDER BY checked_in_at LIMIT 1000",
                )
                .bind(s)
                .bind(from)
                .bind(to)
                .fetch_all(db)
                .await?;
                for (at, name, fields, reason) in rows {
                    let missing: Vec<&str> = fields
                        .split(',')
                        .filter(|f| !f.is_empty())
                        .map(|f| field_label(f, locale))
                        .collect();
                    let mut why = format!(
                        "{}{}",
                        pick(locale, "缺少：", "missing: "),
                        missing.join(pick(locale, "、", ", "))
                    );
                    if !reason.is_empty() {
                        why.push_str(&format!(
                            "{}{reason}",
                            pick(locale, "；原因：", "; reason: ")
                        ));
                    }
                    out.push(DetailRow {
                        at,
                        site_id: s.clone(),
                        subject: name,
                        why,
                    });
                }
            }
        }
        Kpi::Accuracy => {
            for s in sites {
                let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
                    "SELECT x.screened_at, s.name, x.note, COALESCE(p.display_name, '')
                     FROM screening_samples x JOIN screenings s ON s.id = x.screening_id
                     LEFT JOIN people p ON p.id = x.author_id
                     WHERE x.site_id = ? AND x.correct = FALSE AND x.screened_at >= ? AND x.screened_at < ?
                     ORDER BY x.screened_at LIMIT 1000",
                )
                .bind(s)
                .bind(from)
                .bind(to)
                .fetch_all(db)
                .await?;
                for (at, name, note, by) in rows {
                    out.push(DetailRow {
                        at,
                        site_id: s.clone(),
                        subject: name,
                        why: format!(
                            "{}{by}{}{note}",
                            pick(locale, "复核人 ", "re-checked by "),
                            pick(locale, "：", ": ")
                        ),
                    });
                }
            }
        }
        Kpi::Response => {
            for s in sites {
                for (_, r) in requests::between(db, s, from, to).await? {
                    let c = r.response(now);
                    if c.running() || !c.breached() {
                        continue;
                    }
                    let limit = minutes(c.limit);
                    let why = match c.took {
                        Some(t) => format!(
                            "{} {}{limit}{}{}{}",
                            r.urgency().label(locale),
                            pick(locale, "限", "limit "),
                            pick(locale, "分钟，用时", " min, took "),
                            minutes(t),
                            pick(locale, "分钟", " min")
                        ),
                        None => format!(
                            "{} {}{limit}{}",
                            r.urgency().label(locale),
                            pick(locale, "限", "limit "),
                            pick(locale, "分钟，至今未确认", " min, not acknowledged yet")
                        ),
                    };
                    out.push(DetailRow {
                        at: r.received_at,
                        site_id: s.clone(),
                        subject: r.subject.clone(),
                        why,
                    });
                }
            }
        }
        Kpi::Satisfaction => {
            let Some(round) = super::scorecard::round_for(db, period).await? else {
                return Ok(out);
            };
            // A site no department of which answered reads the court's answers.
            let (_, court_survey) =
                super::scorecard::satisfaction(db, &round.id, sites, court).await?;
            let all;
            let read: &[String] = if court_survey {
                all = super::scorecard::all_sites(db).await?;
                &all
            } else {
                sites
            };
            let questions: Vec<app::survey::Question> = {
                let q: String =
                    sqlx::query_scalar("SELECT questions FROM survey_rounds WHERE id = ?")
                        .bind(&round.id)
                        .fetch_one(db)
                        .await?;
                serde_json::from_str(&q).unwrap_or_default()
            };
            for s in read {
                let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
                    "SELECT r.answered_at, r.department, a.question_key, a.score
                     FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
                     WHERE r.round_id = ? AND r.site_id = ? AND a.score < ?
                     ORDER BY r.answered_at LIMIT 1000",
                )
                .bind(&round.id)
                .bind(s)
                .bind(i64::from(app::survey::SATISFIED_FROM))
                .fetch_all(db)
                .await?;
                for (at, department, key, score) in rows {
                    let q = questions
                        .iter()
                        .find(|q| q.key == key)
                        .map(|q| q.text(locale).to_string())
                        .unwrap_or(key);
                    out.push(DetailRow {
                        at,
                        site_id: s.clone(),
                        subject: department,
                        why: format!("{q} {score}{}", pick(locale, "分", " of 5")),
                    });
                }
            }
        }
    }
    Ok(out)
}
