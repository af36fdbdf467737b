//! Retention (个人信息保护法): once a day, visitors' personal data older than the configured
//! number of days is anonymised. Rows stay, so every count the reports and KPIs need stays
//! (site, day, category, destination, completeness, outcome, items by category); names,
//! document numbers, phones and free text go, on the server and, through pull, on phones (an
//! anonymised row is a deletion for them). The args of old synced mutations, which hold the
//! same data, are emptied too, and so is what a held record keeps. Removed watchlist entries
//! keep only their tombstone (for phones to drop them). The database deletes securely
//! (`secure_delete`) and the run ends with a checkpoint that empties the WAL, so old values do
//! not survive in free pages or the log.

use crate::db::Db;

/// What one run anonymised.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub visits: u64,
    pub screenings: u64,
    pub deposits: u64,
    pub gate: u64,
    pub mutations: u64,
    pub alerts: u64,
    pub watchlist: u64,
}

/// Mutations whose args carry a visitor's personal data, as an SQL list.
fn personal_mutations() -> String {
    use app::record::Record;
    let names = [
        app::front::CheckIn::NAME,
        app::screening::Screening::NAME,
        app::screening::DepositClose::NAME,
        app::watch::Alert::NAME,
        app::gate::Arrive::NAME,
        app::gate::Leave::NAME,
    ];
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    format!("({})", quoted.join(", "))
}

/// Anonymises what is older than `days` at `now` (milliseconds): one transaction.
pub async fn run(db: &Db, now: i64, days: i64) -> sqlx::Result<Swept> {
    let cutoff = now - days * 24 * 3600 * 1000;
    let mut tx = crate::db::dialect::begin_write(db).await?;
    let version = crate::records::next_version(&mut tx).await?;
    let visits = sqlx::query(
        "UPDATE visits SET name = '', id_number = '', id_masked = '', id_missing_reason = '',
            phone = '', purpose = '', person_visited = '', case_number = '', guardian = '',
            watch_id = NULL, anonymised_at = ?, version = ?
         WHERE checked_in_at < ? AND anonymised_at IS NULL",
    )
    .bind(now)
    .bind(version)
    .bind(cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let screenings = sqlx::query(
        "UPDATE screenings SET name = '', visitor_sex = NULL, note = '', anonymised_at = ?, version = ?
         WHERE screened_at < ? AND anonymised_at IS NULL",
    )
    .bind(now)
    .bind(version)
    .bind(cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // An open deposit keeps its owner's name until the item is collected or transferred.
    let deposits = sqlx::query(
        "UPDATE deposits SET name = '', description = '', closed_to = '', anonymised_at = ?, version = ?
         WHERE deposited_at < ? AND closed_at IS NOT NULL AND anonymised_at IS NULL",
    )
    .bind(now)
    .bind(version)
    .bind(cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Drivers, recipients, plates of outside vehicles; an item still held keeps its record.
    let gate = sqlx::query(
        "UPDATE gate_entries SET plate = '', driver = '', recipient = '', tracking = '', note = '',
            left_to = '', handed_by = '', unit = '', description = '', case_number = '',
            anonymised_at = ?, version = ?
         WHERE arrived_at < ? AND left_at IS NOT NULL AND anonymised_at IS NULL",
    )
    .bind(now)
    .bind(version)
    .bind(cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let personal = personal_mutations();
    let mutations = sqlx::query(&format!(
        "UPDATE sync_mutations SET args = '{{}}', held_record = NULL
         WHERE server_time < ? AND (args <> '{{}}' OR held_record IS NOT NULL) AND name IN {personal}"
    ))
    .bind(cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // What a guard wrote about an alert; the alert (its time and action) stays for the counts.
    let alerts = sqlx::query(
        "UPDATE watch_alerts SET note = '', version = ? WHERE alerted_at < ? AND note <> ''",
    )
    .bind(version)
    .bind(cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let watchlist = crate::records::watch::purge_removed(&mut tx).await?;
    tx.commit().await?;
    crate::db::dialect::checkpoint(db).await?;
    Ok(Swept {
        visits,
        screenings,
        deposits,
        gate,
        mutations,
        alerts,
        watchlist,
    })
}

/// Runs [`run`] now and then every day, for as long as the server runs.
pub fn spawn_daily(db: Db, days: i64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            every.tick().await;
            match run(&db, crate::db::now_ms(), days).await {
                Ok(s) => tracing::info!(
                    visits = s.visits,
                    screenings = s.screenings,
                    deposits = s.deposits,
                    gate = s.gate,
                    mutations = s.mutations,
                    days,
                    "retention: anonymised"
                ),
                Err(e) => tracing::error!(error = %e, "retention run failed"),
            }
        }
    })
}
