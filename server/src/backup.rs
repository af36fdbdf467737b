//! Backups of the SQLite database into the data folder, on a schedule, and the restore that
//! brings one back (`guardpost restore FILE`, with the server stopped).
//!
//! A backup is `VACUUM INTO` a new file: a consistent copy taken while the server serves. Each
//! client's last applied mutation id is read just before; once the copy is finished, that id
//! becomes the client's `backed_up_to`, which the phone hears in every push and pull answer:
//! its receipts up to there may go, because a restore of this backup holds them.
//!
//! A restore puts the backup in place of the database and starts a new cursor epoch: every
//! phone's next pull is a reset, and the phones send again from their receipts what the backup
//! does not hold (the push answers `gap`, the pull's `last_mutation_id` is below their receipts).
//! Copy the backups off the machine too: a backup beside the database does not survive the disk.

use crate::db::{now_ms, Db};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// What one backup wrote.
#[derive(Debug)]
pub struct Done {
    pub file: PathBuf,
    pub bytes: u64,
}

/// The folder backups go to, inside the data folder.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// Takes a backup now into `dir`, keeps the newest `keep`, and records what it holds.
pub async fn run(db: &Db, dir: &Path, keep: usize) -> anyhow::Result<Done> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let started = now_ms();
    let stamp = chrono::DateTime::from_timestamp_millis(started)
        .unwrap_or_default()
        .format("%Y%m%d-%H%M%S%.3f");
    let file = dir.join(format!("guardpost-{stamp}.db"));
    let id: i64 =
        sqlx::query_scalar("INSERT INTO backups (file, started_at) VALUES (?, ?) RETURNING id")
            .bind(file.display().to_string())
            .bind(started)
            .fetch_one(db)
            .await?;
    // Read before the copy: every id here is in it.
    let held: Vec<(String, i64)> =
        sqlx::query_as("SELECT client_id, last_mutation_id FROM sync_clients")
            .fetch_all(db)
            .await?;
    let result = crate::db::dialect::copy_into(db, &file).await;
    if let Err(e) = result {
        sqlx::query("UPDATE backups SET error = ? WHERE id = ?")
            .bind(e.to_string())
            .bind(id)
            .execute(db)
            .await?;
        return Err(e).context("backing up the database");
    }
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let mut tx = crate::db::dialect::begin_write(db).await?;
    for (client, last) in &held {
        let upto = crate::db::dialect::greatest("backed_up_to", "?");
        sqlx::query(&format!(
            "UPDATE sync_clients SET backed_up_to = {upto} WHERE client_id = ?"
        ))
        .bind(last)
        .bind(client)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE backups SET finished_at = ?, bytes = ? WHERE id = ?")
        .bind(now_ms())
        .bind(bytes as i64)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    prune(dir, keep)?;
    Ok(Done { file, bytes })
}

/// Keeps the newest `keep` backups in `dir` (by name, which sorts by time).
fn prune(dir: &Path, keep: usize) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("guardpost-") && n.ends_with(".db"))
        })
        .collect();
    files.sort();
    let drop = files.len().saturating_sub(keep.max(1));
    for f in files.into_iter().take(drop) {
        std::fs::remove_file(&f).with_context(|| format!("removing {}", f.display()))?;
    }
    Ok(())
}

/// Backs up every `hours` hours (the first one `hours` after start).
pub fn spawn(db: Db, dir: PathBuf, hours: u64, keep: usize) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = std::time::Duration::from_secs(hours.max(1) * 3600);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            match run(&db, &dir, keep).await {
                Ok(d) => {
                    tracing::info!(file = %d.file.display(), bytes = d.bytes, "backup finished")
                }
                Err(e) => tracing::error!(error = %e, "backup failed"),
            }
        }
    })
}

/// Puts `backup` in place of the SQLite database at `db_file` (the server stopped), and starts
/// a new cursor epoch. What the database held is kept beside it as `<file>.before-restore`.
pub async fn restore(backup: &Path, db_file: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        backup.is_file(),
        "no backup at {} / 备份文件不存在",
        backup.display()
    );
    // A backup that is not a Guardpost database is refused before anything is touched.
    let check = crate::db::dialect::open_read_only(backup).await?;
    let _: i64 = sqlx::query_scalar("SELECT version FROM sync_meta WHERE id = 1")
        .fetch_one(&check)
        .await
        .context("the backup is not a Guardpost database")?;
    check.close().await;
    if let Some(parent) = db_file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if db_file.exists() {
        let aside = db_file.with_extension("db.before-restore");
        std::fs::rename(db_file, &aside)
            .with_context(|| format!("moving {} aside", db_file.display()))?;
    }
    for ext in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(db_file.with_extension(ext));
    }
    std::fs::copy(backup, db_file)
        .with_context(|| format!("copying {} to {}", backup.display(), db_file.display()))?;
    let db = crate::db::open(&crate::db::dialect::file_url(db_file)).await?;
    let mut tx = crate::db::dialect::begin_write(&db).await?;
    let epoch = hex::encode(rand::random::<[u8; 8]>());
    sqlx::query("UPDATE sync_meta SET epoch = ? WHERE id = 1")
        .bind(&epoch)
        .execute(&mut *tx)
        .await?;
    // The restored database is itself the backup: it holds what each client has in it.
    sqlx::query("UPDATE sync_clients SET backed_up_to = last_mutation_id")
        .execute(&mut *tx)
        .await?;
    crate::db::audit(
        &mut *tx,
        None,
        "restore",
        &backup.display().to_string(),
        &epoch,
    )
    .await?;
    tx.commit().await?;
    db.close().await;
    Ok(())
}
