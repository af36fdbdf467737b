//! Overdue rectifications raised to the supervisor, and court requests reported back but never
//! confirmed closed as unconfirmed, hourly.

use crate::db::Db;
use app::core::{court_date, date_text};

/// Marks rectifications past their deadline and not closed as escalated (once each), with an
/// entry in their thread: the supervisor's queue and the court liaison's ledger show them.
/// `now` is passed in, so it is tested with any clock.
pub async fn escalate(db: &Db, now: i64) -> sqlx::Result<u64> {
    let today = date_text(court_date(now));
    let mut tx = crate::db::dialect::begin_write(db).await?;
    let due: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, site_id, deadline FROM rectifications
         WHERE state != 'closed' AND deadline != '' AND deadline < ? AND escalated_at IS NULL",
    )
    .bind(&today)
    .fetch_all(&mut *tx)
    .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let version = super::next_version(&mut tx).await?;
    for (id, site, deadline) in &due {
        sqlx::query("UPDATE rectifications SET escalated_at = ?, version = ? WHERE id = ?")
            .bind(now)
            .bind(version)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO rect_comments (id, rect_id, site_id, kind, text, at, author_id, version)
             VALUES (?, ?, ?, 'escalate', ?, ?, NULL, ?)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(id)
        .bind(site)
        .bind(deadline)
        .bind(now)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        crate::db::audit(&mut *tx, None, "rect_escalate", id, deadline).await?;
    }
    tx.commit().await?;
    Ok(due.len() as u64)
}

/// Escalation every hour; requests reported back `close_days` ago and not confirmed close.
pub fn spawn_hourly(db: Db, close_days: i64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match escalate(&db, crate::db::now_ms()).await {
                Ok(n) if n > 0 => tracing::info!(escalated = n, "rectifications past deadline"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "escalation failed"),
            }
            match super::requests::close_unconfirmed(&db, crate::db::now_ms(), close_days).await {
                Ok(n) if n > 0 => tracing::info!(closed = n, "requests closed unconfirmed"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "closing unconfirmed requests failed"),
            }
        }
    })
}
