//! The phone's copy of what the server sent by pull, as the sync model holds it (the phone's
//! store keeps the same in IndexedDB, `crate::phone::db`).

use super::*;

/// The phone's copy of what the server sent by pull, by entity and id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct View {
    #[serde(default)]
    pub cursor: Option<serde_json::Value>,
    /// The last of this phone's mutations the server had applied when it answered: the rows
    /// already show those, and only later ones are laid on top.
    #[serde(default)]
    pub last_mutation_id: u64,
    /// Whose pull the rows came by (the signed-in person when pulled).
    #[serde(default)]
    pub person: String,
    pub rows: Rows,
}

pub use crate::rows::Rows;

impl View {
    pub fn apply(&mut self, resp: &PullResponse) {
        if resp.reset {
            self.rows.clear();
        }
        if let Some(keep) = &resp.keep {
            self.rows.retain_each(|entity, row| {
                keeps(
                    keep,
                    entity,
                    row["site_id"].as_str().unwrap_or(crate::rows::COURT_WIDE),
                )
            });
        }
        for c in &resp.changes {
            let table = self.rows.pulled_mut(&c.entity);
            match c.op {
                Op::Put => {
                    table.insert(c.id.clone(), c.data.clone());
                }
                Op::Del => {
                    table.remove(&c.id);
                }
            }
        }
        self.cursor = Some(resp.cursor.clone());
        self.last_mutation_id = resp.last_mutation_id;
    }

    /// What the phone shows: the server's rows with this phone's mutations that the server had
    /// not applied when it answered laid on top (pending ones, and acknowledged ones not yet
    /// pulled), in id order. Rejected ones are not shown as done.
    pub fn optimistic(&self, outbox: &Outbox, apply: impl Fn(&mut Rows, &Mutation)) -> Rows {
        let mut rows = self.rows.clone();
        outbox.lay(&mut rows, self.last_mutation_id, apply);
        rows
    }
}
