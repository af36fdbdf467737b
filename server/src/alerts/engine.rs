//! One pass of the alert engine: the rules' conditions as they hold now against the alerts
//! open, in one write transaction. A condition without an open alert raises one; an open alert
//! nobody has acknowledged climbs its chain as its times come; an open alert whose condition no
//! longer holds (the record arrived, the request was answered, the rule was turned off) is
//! resolved. Each stage reached queues a message for the site's robots and the court's.

use super::conditions;
use crate::db::{Conn, Db};
use app::alert::plan::reached;
use app::alert::{roles_text, RuleConfig, RuleKind};
use std::collections::{BTreeSet, HashMap};

/// What a pass changed: the sites whose alerts changed (`""` for the court's own) and whether
/// messages wait for the robots.
#[derive(Debug, Default, PartialEq)]
pub struct Changed {
    pub sites: BTreeSet<String>,
    pub queued: usize,
}

/// Every rule as it stands: its default, or what an administrator saved.
pub async fn rules(ex: &mut Conn) -> sqlx::Result<Vec<RuleConfig>> {
    let saved: Vec<(String, String)> = sqlx::query_as("SELECT rule, config FROM alert_rules")
        .fetch_all(&mut *ex)
        .await?;
    let saved: HashMap<String, RuleConfig> = saved
        .into_iter()
        .filter_map(|(k, v)| Some((k, serde_json::from_str(&v).ok()?)))
        .collect();
    Ok(RuleKind::ALL
        .iter()
        .map(|r| {
            saved
                .get(r.code())
                .cloned()
                .filter(|c| c.rule == *r)
                .unwrap_or_else(|| app::alert::rules::default_config(*r))
        })
        .collect())
}

type Open = (
    String,
    String,
    i64,
    i64,
    Option<i64>,
    String,
    Option<i64>,
    String,
);

/// One pass at `now`.
pub async fn pass(db: &Db, now: i64, backup_hours: u64) -> sqlx::Result<Changed> {
    let mut tx = crate::db::dialect::begin_write(db).await?;
    let rules = rules(&mut tx).await?;
    let conds = conditions::gather(&mut tx, &rules, now, backup_hours).await?;
    let open: Vec<Open> = sqlx::query_as(
        "SELECT id, cond, raised_at, stage, acknowledged_at, params, last_sync_at, rule
         FROM alerts WHERE resolved_at IS NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut open: HashMap<String, Open> = open.into_iter().map(|o| (o.1.clone(), o)).collect();
    let mut changed = Changed::default();
    let mut version: Option<i64> = None;
    let mut sync_at: HashMap<String, Option<i64>> = HashMap::new();
    for c in &conds {
        let Some(rule) = rules.iter().find(|r| r.rule == c.rule) else {
            continue;
        };
        let last_sync = if c.rests_on_phones {
            if !sync_at.contains_key(&c.site_id) {
                let t = conditions::last_sync(&mut tx, &c.site_id).await?;
                sync_at.insert(c.site_id.clone(), t);
            }
            sync_at[&c.site_id]
        } else {
            None
        };
        match open.remove(&c.cond) {
            None => {
                let raised = c.since.unwrap_or(now).min(now);
                let (stage, roles) = reached(&rule.chain, raised, now);
                let v = version_of(&mut tx, &mut version).await?;
                let id = uuid::Uuid::now_v7().to_string();
                let number: i64 =
                    sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM alerts")
                        .fetch_one(&mut *tx)
                        .await?;
                sqlx::query(
                    "INSERT INTO alerts (id, number, rule, cond, site_id, subject, raised_at,
                        stage, to_roles, params, robot_text, last_sync_at, created_at, version)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(&id)
                .bind(number)
                .bind(c.rule.code())
                .bind(&c.cond)
                .bind(&c.site_id)
                .bind(&c.subject)
                .bind(raised)
                .bind(i64::from(stage))
                .bind(roles_text(&roles))
                .bind(c.words.params())
                .bind(&c.words.robot)
                .bind(last_sync)
                .bind(now)
                .bind(v)
                .execute(&mut *tx)
                .await?;
                changed.sites.insert(c.site_id.clone());
                let after = after_min(rule, stage);
                changed.queued += super::robots::queue(&mut tx, &id, stage, after, now).await?;
            }
            Some((id, _, raised, stage, acked, params, synced, _)) => {
                let (reach, roles) = reached(&rule.chain, raised, now);
                let climbs = acked.is_none() && i64::from(reach) > stage;
                let params_now = c.words.params();
                let resynced = sync_moved(synced, last_sync);
                if climbs || params_now != params || resynced {
                    let v = version_of(&mut tx, &mut version).await?;
                    let (stage_now, roles_now) = if climbs {
                        (i64::from(reach), Some(roles_text(&roles)))
                    } else {
                        (stage, None)
                    };
                    sqlx::query(
                        "UPDATE alerts SET stage = ?, to_roles = COALESCE(?, to_roles),
                            params = ?, robot_text = ?, last_sync_at = ?, version = ?
                         WHERE id = ?",
                    )
                    .bind(stage_now)
                    .bind(roles_now)
                    .bind(&params_now)
                    .bind(&c.words.robot)
                    .bind(if resynced { last_sync } else { synced })
                    .bind(v)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                    changed.sites.insert(c.site_id.clone());
                    if climbs {
                        let after = after_min(rule, reach);
                        changed.queued +=
                            super::robots::queue(&mut tx, &id, reach, after, now).await?;
                    }
                }
            }
        }
    }
    // What no longer holds is resolved.
    for (_, (id, ..)) in open {
        let v = version_of(&mut tx, &mut version).await?;
        let site: String = sqlx::query_scalar(
            "UPDATE alerts SET resolved_at = ?, version = ? WHERE id = ? RETURNING site_id",
        )
        .bind(now)
        .bind(v)
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
        changed.sites.insert(site);
    }
    tx.commit().await?;
    Ok(changed)
}

/// When `stage` of `rule`'s chain comes, in minutes after the alert was raised.
fn after_min(rule: &RuleConfig, stage: u32) -> u32 {
    rule.chain.get(stage as usize).map_or(0, |s| s.after_min)
}

/// Whether the site's last sync moved enough to say so again: every contact of a phone moves
/// it, and an alert rewritten at each one would send every phone of the site syncing again,
/// whose contacts would move it again. Ten minutes is what "last synced at 21:40" can tell.
fn sync_moved(was: Option<i64>, now: Option<i64>) -> bool {
    match (was, now) {
        (Some(a), Some(b)) => (b - a).abs() >= 10 * 60_000,
        (None, None) => false,
        _ => true,
    }
}

/// One version for every row a pass changes, taken when the first changes.
async fn version_of(tx: &mut Conn, version: &mut Option<i64>) -> sqlx::Result<i64> {
    if let Some(v) = *version {
        return Ok(v);
    }
    let v = crate::records::next_version(tx).await?;
    *version = Some(v);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::sync_moved;

    #[test]
    fn the_last_sync_is_said_again_only_when_it_moved_ten_minutes() {
        assert!(!sync_moved(Some(0), Some(9 * 60_000)));
        assert!(sync_moved(Some(0), Some(10 * 60_000)));
        assert!(sync_moved(None, Some(1)));
        assert!(!sync_moved(None, None));
    }
}
