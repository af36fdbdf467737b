//! The first administrator, created with a one-time password when there is none.

use super::password::{hash_password, one_time_password};
use crate::db::{self, now_ms, Db};

/// Creates the first administrator when no active one exists, with a random one-time password
/// that must be changed at first sign-in. Returns `(login, password)` when it created one.
pub async fn bootstrap_admin(db: &Db) -> anyhow::Result<Option<(String, String)>> {
    let admins: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM people p JOIN person_roles r ON r.person_id = p.id
         WHERE r.role = 'admin' AND p.disabled = FALSE",
    )
    .fetch_one(db)
    .await?;
    if admins > 0 {
        return Ok(None);
    }
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE login = 'admin'")
        .fetch_one(db)
        .await?;
    let login = if taken == 0 {
        "admin".to_string()
    } else {
        format!("admin-{}", &db::new_id()[..8])
    };
    let password = one_time_password();
    let hash = hash_password(&password)?;
    let id = db::new_id();
    let now = now_ms();
    let mut tx = crate::db::dialect::begin_write(db).await?;
    sqlx::query(
        "INSERT INTO people (id, login, display_name, password_hash, must_change_password, disabled, created_at, updated_at)
         VALUES (?, ?, '系统管理员', ?, 1, 0, ?, ?)",
    )
    .bind(&id)
    .bind(&login)
    .bind(&hash)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO person_roles (person_id, role) VALUES (?, 'admin')")
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    db::audit(&mut *tx, None, "bootstrap_admin", &id, "").await?;
    tx.commit().await?;
    Ok(Some((login, password)))
}
