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
//! A backup beside the database does not survive the disk: with `GUARDPOST_BACKUP_COPY_DIR`
//! (another disk, a NAS mount, a USB drive) each one is also copied there and the copy verified
//! as a restore would read it (every page read by SQLite's integrity check, the same sync
//! version, epoch and row counts as the backup). Each backup's outcome, and its copy's, is
//! recorded; administrators see the last good one and whether the last one failed.

use crate::db::{now_ms, Db};
use crate::http::{ApiResult, Caller};
use crate::AppState;
use anyhow::Context;
use app::model::{Action, BackupStatus, BackupTaken};
use axum::extract::State;
use axum::Json;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/backups", axum::routing::get(backups))
}

async fn backups(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<BackupStatus>> {
    caller.require(Action::ManageServer)?;
    Ok(Json(status(&state.db, &state.settings).await?))
}
use std::path::{Path, PathBuf};

/// What one backup wrote.
#[derive(Debug)]
pub struct Done {
    pub file: PathBuf,
    pub bytes: u64,
    /// Its verified copy off the machine, when the deployment names a place.
    pub copy: Option<PathBuf>,
}

/// Where backups go and how many are kept.
#[derive(Clone, Debug)]
pub struct Plan {
    pub dir: PathBuf,
    pub keep: usize,
    /// The second place, and how many copies are kept there.
    pub copy: Option<(PathBuf, usize)>,
}

impl Plan {
    pub fn of(s: &crate::config::Settings) -> Plan {
        Plan {
            dir: folder(&s.data_dir),
            keep: s.backup_keep,
            copy: s.backup_copy_dir.clone().map(|d| (d, s.backup_copy_keep)),
        }
    }
}

/// The folder backups go to, inside the data folder.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// Takes a backup now, copies it to the second place and verifies the copy, keeps the newest
/// of each, and records what happened. A failed copy fails the run (the backup itself stays).
pub async fn run(db: &Db, plan: &Plan) -> anyhow::Result<Done> {
    let (id, mut done) = back_up(db, &plan.dir, plan.keep).await?;
    let Some((to, keep)) = &plan.copy else {
        return Ok(done);
    };
    match copy_off(&done.file, to, *keep).await {
        Ok(copy) => {
            sqlx::query("UPDATE backups SET copy_file = ?, copy_verified_at = ? WHERE id = ?")
                .bind(copy.display().to_string())
                .bind(now_ms())
                .bind(id)
                .execute(db)
                .await?;
            done.copy = Some(copy);
            Ok(done)
        }
        Err(e) => {
            sqlx::query("UPDATE backups SET copy_error = ? WHERE id = ?")
                .bind(format!("{e:#}"))
                .bind(id)
                .execute(db)
                .await?;
            Err(e.context(format!("copying the backup to {}", to.display())))
        }
    }
}

/// Copies `file` into `dir` (written as a part file, synced, then renamed, so a copy cut off
/// halfway never looks whole), verifies it against `file`, and keeps the newest `keep` there.
pub async fn copy_off(file: &Path, dir: &Path, keep: usize) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = file.file_name().context("a backup has a name")?;
    let to = dir.join(name);
    let part = dir.join(format!("{}.part", name.to_string_lossy()));
    std::fs::copy(file, &part).with_context(|| format!("writing {}", part.display()))?;
    std::fs::File::open(&part)?.sync_all()?;
    std::fs::rename(&part, &to).with_context(|| format!("naming {}", to.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    if let Err(e) = verify(&to, file).await {
        let _ = std::fs::remove_file(&to);
        return Err(e);
    }
    prune(dir, keep)?;
    Ok(to)
}

/// Reads `copy` as a restore would and checks it holds what `original` holds: SQLite's
/// integrity check (every page), the same sync version and epoch, the same rows per table.
pub async fn verify(copy: &Path, original: &Path) -> anyhow::Result<()> {
    let c = crate::db::dialect::open_read_only(copy).await?;
    let o = crate::db::dialect::open_read_only(original).await?;
    let result = async {
        let check = crate::db::dialect::integrity_check(&c)
            .await
            .context("the copy cannot be read")?;
        anyhow::ensure!(check == "ok", "the copy is damaged: {check}");
        let meta = "SELECT version, epoch FROM sync_meta WHERE id = 1";
        let a: (i64, String) = sqlx::query_as(meta)
            .fetch_one(&c)
            .await
            .context("the copy is not a Guardpost database")?;
        let b: (i64, String) = sqlx::query_as(meta).fetch_one(&o).await?;
        anyhow::ensure!(
            a == b,
            "the copy is not the backup (version {} ≠ {})",
            a.0,
            b.0
        );
        let tables = crate::db::dialect::table_names(&o).await?;
        for t in tables {
            let count = format!("SELECT COUNT(*) FROM \"{}\"", t.replace('"', ""));
            let n: i64 = sqlx::query_scalar(&count).fetch_one(&o).await?;
            let m: i64 = sqlx::query_scalar(&count)
                .fetch_one(&c)
                .await
                .with_context(|| format!("the copy lacks {t}"))?;
            anyhow::ensure!(n == m, "the copy's {t} holds {m} rows, the backup's {n}");
        }
        Ok(())
    }
    .await;
    c.close().await;
    o.close().await;
    result
}

/// The last backups as administrators see them: the newest good one (with its copy), and
/// the newest one if it failed.
pub async fn status(db: &Db, s: &crate::config::Settings) -> sqlx::Result<BackupStatus> {
    type Row = (String, i64, i64, Option<String>);
    // Good: finished, and copied and verified when a copy is asked for.
    let good = if s.backup_copy_dir.is_some() {
        "finished_at IS NOT NULL AND copy_verified_at IS NOT NULL"
    } else {
        "finished_at IS NOT NULL"
    };
    let last_good: Option<Row> = sqlx::query_as(&format!(
        "SELECT file, finished_at, bytes, copy_file FROM backups WHERE {good}
         ORDER BY started_at DESC LIMIT 1"
    ))
    .fetch_optional(db)
    .await?;
    let newest: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT error, copy_error FROM backups ORDER BY started_at DESC LIMIT 1")
            .fetch_optional(db)
            .await?;
    Ok(BackupStatus {
        last_good: last_good.map(|(file, finished_at, bytes, copy_file)| BackupTaken {
            file,
            finished_at,
            bytes,
            copy_file,
        }),
        failing: newest.and_then(|(e, c)| e.or(c)),
        copy_dir: s.backup_copy_dir.as_ref().map(|d| d.display().to_string()),
        every_hours: s.backup_hours,
    })
}

/// Takes a backup now into `dir`, keeps the newest `keep`, and records what it holds; the
/// backup's row id.
async fn back_up(db: &Db, dir: &Path, keep: usize) -> anyhow::Result<(i64, Done)> {
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
    Ok((
        id,
        Done {
            file,
            bytes,
            copy: None,
        },
    ))
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
pub fn spawn(db: Db, plan: Plan, hours: u64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = std::time::Duration::from_secs(hours.max(1) * 3600);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            match run(&db, &plan).await {
                Ok(d) => {
                    tracing::info!(file = %d.file.display(), bytes = d.bytes, copy = ?d.copy, "backup finished")
                }
                Err(e) => tracing::error!(error = %format!("{e:#}"), "backup failed"),
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
