//! The database: open (creating the data folder and file), migrate, and load the court's sites
//! into an empty database.

pub mod dialect;

pub use dialect::{Conn, Db, Done, Executor, Query, Tx};

use anyhow::Context;
use serde::Deserialize;

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Opens the database at `url`, creating it (and its folder) if needed, and migrates it:
/// durable.
pub async fn open(url: &str) -> anyhow::Result<Db> {
    open_with(url, true).await
}

/// As [`open`]; `durable: false` can lose the last committed transactions on a power cut (only
/// for the benchmark that measures what durability costs: `GUARDPOST_SQLITE_SYNCHRONOUS=normal`).
pub async fn open_with(url: &str, durable: bool) -> anyhow::Result<Db> {
    let pool = dialect::connect(url, durable).await?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("migrating the database")?;
    Ok(pool)
}

#[derive(Deserialize)]
struct SitesFile {
    sites: Vec<SiteSeed>,
    tribunal_areas: Vec<AreaSeed>,
}

#[derive(Deserialize)]
struct SiteSeed {
    code: String,
    kind: String,
    name_zh: String,
    name_en: String,
    /// Either the areas, or "tribunal" for the areas every tribunal has.
    areas: serde_json::Value,
}

#[derive(Deserialize, Clone)]
struct AreaSeed {
    code: String,
    kind: String,
    name_zh: String,
    name_en: String,
}

/// The court's sites as shipped in `data/sites.json`.
pub const SITES_JSON: &str = include_str!("../../data/sites.json");

/// Loads the sites into an empty database; does nothing once any site exists (an administrator
/// edits them in the app from then on). Returns how many sites it loaded.
pub async fn seed_sites(db: &Db, json: &str) -> anyhow::Result<usize> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sites")
        .fetch_one(db)
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let file: SitesFile = serde_json::from_str(json).context("reading the sites file")?;
    let now = now_ms();
    let mut tx = crate::db::dialect::begin_write(db).await?;
    for (i, site) in file.sites.iter().enumerate() {
        app::model::SiteKind::parse(&site.kind)
            .with_context(|| format!("site {}: unknown kind {}", site.code, site.kind))?;
        let areas: Vec<AreaSeed> = match &site.areas {
            serde_json::Value::String(s) if s == "tribunal" => file.tribunal_areas.clone(),
            other => serde_json::from_value(other.clone())
                .with_context(|| format!("areas of site {}", site.code))?,
        };
        let site_id = new_id();
        sqlx::query("INSERT INTO sites (id, code, kind, name_zh, name_en, sort, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(&site_id)
            .bind(&site.code)
            .bind(&site.kind)
            .bind(&site.name_zh)
            .bind(&site.name_en)
            .bind(i as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for (j, a) in areas.iter().enumerate() {
            app::model::AreaKind::parse(&a.kind).with_context(|| {
                format!("area {}/{}: unknown kind {}", site.code, a.code, a.kind)
            })?;
            sqlx::query("INSERT INTO areas (id, site_id, code, kind, name_zh, name_en, sort, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)")
                .bind(new_id())
                .bind(&site_id)
                .bind(&a.code)
                .bind(&a.kind)
                .bind(&a.name_zh)
                .bind(&a.name_en)
                .bind(j as i64)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(file.sites.len())
}

/// A setting kept as JSON in `report_settings` under `name` (the scoring, the survey's
/// questions), if one was saved and still reads as a `T`.
pub async fn saved_setting<T: serde::de::DeserializeOwned>(
    db: &Db,
    name: &str,
) -> sqlx::Result<Option<T>> {
    let saved: Option<String> =
        sqlx::query_scalar("SELECT value FROM report_settings WHERE name = ?")
            .bind(name)
            .fetch_optional(db)
            .await?;
    Ok(saved.and_then(|s| serde_json::from_str(&s).ok()))
}

/// Saves `value` as the setting `name`, by `by`, with its audit entry (`action`, and the value
/// itself when `audit_value`), in one write.
pub async fn save_setting<T: serde::Serialize>(
    db: &Db,
    name: &str,
    value: &T,
    by: &str,
    action: &str,
    audit_value: bool,
) -> sqlx::Result<()> {
    let json = serde_json::to_string(value).unwrap_or_default();
    let mut tx = dialect::begin_write(db).await?;
    sqlx::query(
        "INSERT INTO report_settings (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(name)
    .bind(&json)
    .bind(now_ms())
    .bind(by)
    .execute(&mut *tx)
    .await?;
    let detail = if audit_value { json.as_str() } else { "" };
    audit(&mut *tx, Some(by), action, name, detail).await?;
    tx.commit().await
}

/// Appends to the audit log (who changed which account or site).
pub async fn audit<'e, E: Executor<'e>>(
    ex: E,
    actor: Option<&str>,
    action: &str,
    target: &str,
    detail: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(now_ms())
    .bind(actor)
    .bind(action)
    .bind(target)
    .bind(detail)
    .execute(ex)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn shipped_sites_load_once() {
        let db = open("sqlite::memory:").await.unwrap();
        assert_eq!(seed_sites(&db, SITES_JSON).await.unwrap(), 7);
        assert_eq!(seed_sites(&db, SITES_JSON).await.unwrap(), 0);
        let courtrooms: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM areas a JOIN sites s ON s.id = a.site_id WHERE s.code = 'main' AND a.kind = 'courtroom'",
        )
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!(courtrooms, 9);
        let tribunals: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sites WHERE kind = 'tribunal'")
                .fetch_one(&db)
                .await
                .unwrap();
        assert_eq!(tribunals, 6);
    }

    #[tokio::test]
    async fn a_bad_kind_is_refused_and_nothing_is_loaded() {
        let db = open("sqlite::memory:").await.unwrap();
        let bad = SITES_JSON.replacen("\"gate_house\"", "\"castle\"", 1);
        assert!(seed_sites(&db, &bad).await.is_err());
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sites")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}
