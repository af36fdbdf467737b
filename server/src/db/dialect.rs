//! Everything about the database that is SQLite's own, in one place: the backend's types, how
//! a connection is opened (WAL, `synchronous`, `secure_delete`), the write lock a push takes
//! (`BEGIN IMMEDIATE`), JSON functions, the scalar `MAX`, the checkpoint, `VACUUM INTO`, and
//! how a column's value becomes JSON for a pull. `make lint` fails if any other file names a
//! SQLite type or SQLite-only SQL (`.ci/layout.py`).
//!
//! The rest of the server writes SQL that SQLite and PostgreSQL both read, and takes these
//! types; serving PostgreSQL too (its own issue) gives this module a second backend, not every
//! feature a second copy (see the README's "Storage").

use anyhow::Context;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Column, Row, TypeInfo, ValueRef};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// The backend this build serves.
pub type Backend = sqlx::Sqlite;
/// A pool of connections.
pub type Db = SqlitePool;
/// One connection, or a transaction's.
pub type Conn = sqlx::SqliteConnection;
/// A transaction.
pub type Tx = sqlx::Transaction<'static, Backend>;
/// What a statement that changes rows answers.
pub type Done = sqlx::sqlite::SqliteQueryResult;
/// A row read.
pub type DbRow = sqlx::sqlite::SqliteRow;
/// A statement being built, its arguments bound so far.
pub type Query<'q> = sqlx::query::Query<'q, Backend, sqlx::sqlite::SqliteArguments<'q>>;

/// Anything a statement runs on: the pool, a connection, a transaction.
pub trait Executor<'e>: sqlx::Executor<'e, Database = Backend> {}
impl<'e, T: sqlx::Executor<'e, Database = Backend>> Executor<'e> for T {}

/// The URL of the database file `path`.
pub fn file_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// The file of a database URL.
pub fn file_of(url: &str) -> anyhow::Result<PathBuf> {
    let opts =
        SqliteConnectOptions::from_str(url).with_context(|| format!("database URL {url}"))?;
    Ok(opts.get_filename().to_path_buf())
}

/// Opens the pool at `url`, creating the file and its folder if needed; `durable` is
/// `synchronous=FULL` (what the server acknowledged survives a power cut; NORMAL in WAL mode
/// can lose the last transactions, and is only for the benchmark that measures FULL's cost).
pub async fn connect(url: &str, durable: bool) -> anyhow::Result<Db> {
    let synchronous = if durable {
        SqliteSynchronous::Full
    } else {
        SqliteSynchronous::Normal
    };
    let opts = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("database URL {url}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(synchronous)
        .foreign_keys(true)
        // Deleted and overwritten content is zeroed in the file, not left in free pages.
        .pragma("secure_delete", "ON")
        .busy_timeout(Duration::from_secs(5));
    if let Some(parent) = opts.get_filename().parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating data folder {}", parent.display()))?;
        }
    }
    // Every connection to `:memory:` is a database of its own: keep one.
    let max = if url.contains(":memory:") { 1 } else { 8 };
    SqlitePoolOptions::new()
        .max_connections(max)
        .connect_with(opts)
        .await
        .with_context(|| format!("opening {url}"))
}

/// A transaction that holds the write lock from its start: what it reads stays true until it
/// commits (two pushes from one phone cannot both apply; a failure is noted before the check).
pub async fn begin_write(db: &Db) -> sqlx::Result<Tx> {
    db.begin_with("BEGIN IMMEDIATE").await
}

/// The larger of two SQL expressions.
pub fn greatest(a: &str, b: &str) -> String {
    format!("MAX({a}, {b})")
}

/// The day's screened items by category at a site (`?` site, from, to): the JSON array of
/// each screening's `items`, unnested.
/// Past visits at a site in a time range, by a part of the name and the document's last
/// characters (each empty: any), newest first; binds site, from, to, name twice, tail three
/// times, the limit.
pub const VISIT_SEARCH: &str =
    "SELECT id, name, checked_in_at, checked_out_at, category, purpose, id_masked, phone, person_visited
     FROM visits
     WHERE site_id = ? AND checked_in_at >= ? AND checked_in_at < ? AND deleted_at IS NULL
       AND (? = '' OR instr(name, ?) > 0)
       AND (? = '' OR substr(id_number, -length(?)) = ?)
     ORDER BY checked_in_at DESC LIMIT ?";

/// Items found in screenings (the trends).
pub const ITEMS_FOUND: &str = "SELECT COALESCE(SUM(json_array_length(items)), 0) FROM screenings
     WHERE site_id = ? AND screened_at >= ? AND screened_at < ?";

/// Items found, by what was done with them (the monthly report).
pub const SCREENED_ITEMS_BY_DISPOSITION: &str =
    "SELECT json_extract(j.value, '$.disposition') AS c, COUNT(*) FROM screenings, json_each(screenings.items) AS j
     WHERE site_id = ? AND screened_at >= ? AND screened_at < ? GROUP BY c ORDER BY c";

pub const SCREENED_ITEMS_BY_CATEGORY: &str =
    "SELECT json_extract(j.value, '$.category') AS c, COUNT(*) FROM screenings, json_each(screenings.items) AS j
     WHERE site_id = ? AND screened_at >= ? AND screened_at < ? GROUP BY c ORDER BY c";

/// Writes the log of recent changes back into the database and empties it, so values just
/// overwritten are in neither (with `secure_delete`, freed space is zeroed).
pub async fn checkpoint(db: &Db) -> sqlx::Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(db)
        .await
        .map(|_| ())
}

/// A consistent copy of the database into the new file `file`, taken while the server serves.
pub async fn copy_into(db: &Db, file: &Path) -> sqlx::Result<()> {
    sqlx::query("VACUUM INTO ?")
        .bind(file.display().to_string())
        .execute(db)
        .await
        .map(|_| ())
}

/// SQLite's check of every page of `db`: `"ok"`, or what is wrong.
pub async fn integrity_check(db: &Db) -> sqlx::Result<String> {
    sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(db)
        .await
}

/// The names of the tables `db` holds (SQLite's own aside).
pub async fn table_names(db: &Db) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(db)
    .await
}

/// The database file `file`, opened read-only (to check a backup before restoring it).
pub async fn open_read_only(file: &Path) -> anyhow::Result<Db> {
    let opts = SqliteConnectOptions::new().filename(file).read_only(true);
    SqlitePool::connect_with(opts)
        .await
        .with_context(|| format!("reading {}", file.display()))
}

/// A row's columns as JSON, by name: integers (and booleans, stored as integers) as numbers,
/// reals as numbers, text as strings, NULL as null.
pub fn json_columns(row: &DbRow) -> sqlx::Result<Vec<(String, serde_json::Value)>> {
    let mut out = Vec::with_capacity(row.columns().len());
    for col in row.columns() {
        let raw = row.try_get_raw(col.ordinal())?;
        let value = if raw.is_null() {
            serde_json::Value::Null
        } else {
            match raw.type_info().name() {
                "INTEGER" | "BOOLEAN" => row.try_get::<i64, _>(col.ordinal())?.into(),
                "REAL" => row.try_get::<f64, _>(col.ordinal())?.into(),
                _ => row.try_get::<String, _>(col.ordinal())?.into(),
            }
        };
        out.push((col.name().to_string(), value));
    }
    Ok(out)
}
