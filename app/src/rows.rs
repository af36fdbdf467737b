//! The phone's copy of the server's records, by entity and id, and the entities' names.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long the phone keeps pulled records (the server sends no older ones either).
pub const KEEP_DAYS: i64 = 14;

/// A table of records the server keeps and phones pull, by the name both sides use, with how
/// long the phone keeps its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Entity {
    name: &'static str,
    kept_by: Option<&'static str>,
    open_until: Option<&'static str>,
}

impl Entity {
    /// Only a feature's declaration calls this: everywhere else names the constant. Rows are
    /// kept until the server removes them.
    pub const fn declare(name: &'static str) -> Self {
        Entity {
            name,
            kept_by: None,
            open_until: None,
        }
    }

    /// Rows are dropped [`KEEP_DAYS`] after the time in `column` (personal data stays on the
    /// phone no longer than needed).
    pub const fn kept_by(self, column: &'static str) -> Self {
        Entity {
            kept_by: Some(column),
            ..self
        }
    }

    /// …but a row whose `column` is empty (still open: a deposit not collected, a vehicle not
    /// gone) stays however old.
    pub const fn open_until(self, column: &'static str) -> Self {
        Entity {
            open_until: Some(column),
            ..self
        }
    }

    pub const fn name(self) -> &'static str {
        self.name
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// One entity's rows on the phone, by id.
pub type Table = BTreeMap<String, serde_json::Value>;

/// The phone's records by entity, then id; read and written by entity constant.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rows(BTreeMap<String, Table>);

impl Rows {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn table(&self, e: Entity) -> Option<&Table> {
        self.0.get(e.name)
    }

    pub fn table_mut(&mut self, e: Entity) -> &mut Table {
        self.0.entry(e.name.to_string()).or_default()
    }

    /// The table of an entity named on the wire (a pulled change names it).
    pub fn pulled_mut(&mut self, name: &str) -> &mut Table {
        self.0.entry(name.to_string()).or_default()
    }

    pub fn row(&self, e: Entity, id: &str) -> Option<&serde_json::Value> {
        self.0.get(e.name).and_then(|t| t.get(id))
    }

    pub fn row_mut(&mut self, e: Entity, id: &str) -> Option<&mut serde_json::Value> {
        self.0.get_mut(e.name).and_then(|t| t.get_mut(id))
    }

    /// One row as `T`, if the phone holds it.
    pub fn row_as<T: DeserializeOwned>(&self, e: Entity, id: &str) -> Option<T> {
        self.row(e, id)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// Puts `row` as `e`/`id`.
    pub fn put<T: Serialize>(&mut self, e: Entity, id: &str, row: &T) {
        if let Ok(v) = serde_json::to_value(row) {
            self.put_json(e, id, v);
        }
    }

    /// Puts the JSON `row` as `e`/`id` (one copy in the download, not one per row type).
    #[inline(never)]
    pub fn put_json(&mut self, e: Entity, id: &str, row: serde_json::Value) {
        self.table_mut(e).insert(id.into(), row);
    }

    /// The rows of `e`, each as JSON (none when the phone holds none).
    pub fn all(
        &self,
        e: Entity,
    ) -> std::collections::btree_map::Values<'_, String, serde_json::Value> {
        const NONE: &Table = &BTreeMap::new();
        self.0.get(e.name).unwrap_or(NONE).values()
    }

    /// Keeps the rows of `e` that `keep` says.
    pub fn retain(&mut self, e: Entity, keep: impl FnMut(&String, &mut serde_json::Value) -> bool) {
        if let Some(t) = self.0.get_mut(e.name) {
            t.retain(keep);
        }
    }

    /// Rows of `e` as `T`, newest first by `time`.
    pub fn list<T: DeserializeOwned>(
        &self,
        e: Entity,
        time: impl Fn(&T) -> i64,
    ) -> Vec<(String, T)> {
        let mut list: Vec<(String, T)> = self
            .0
            .get(e.name)
            .map(|t| {
                t.iter()
                    .filter_map(|(id, v)| {
                        serde_json::from_value::<T>(v.clone())
                            .ok()
                            .map(|r| (id.clone(), r))
                    })
                    .collect()
            })
            .unwrap_or_default();
        list.sort_by_key(|r| std::cmp::Reverse(time(&r.1)));
        list
    }

    /// Drops the rows of `entities` their declarations no longer keep at `now` (milliseconds).
    pub fn prune(&mut self, entities: &[Entity], now: i64) {
        let oldest = now - KEEP_DAYS * 24 * 3600 * 1000;
        for e in entities {
            let Some(column) = e.kept_by else {
                continue;
            };
            self.retain(*e, |_, v| {
                let open = e.open_until.is_some_and(|c| v[c].is_null());
                open || v[column].as_i64().unwrap_or(0) >= oldest
            });
        }
    }

    /// Forgets the tables that hold no rows (a pull that removed every row leaves one).
    pub fn drop_empty(&mut self) {
        self.0.retain(|_, t| !t.is_empty());
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// How many rows the phone holds, of every entity.
    pub fn count(&self) -> usize {
        self.0.values().map(|t| t.len()).sum()
    }

    /// Every row as (entity name, id, row).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &serde_json::Value)> {
        self.0
            .iter()
            .flat_map(|(e, t)| t.iter().map(move |(id, v)| (e.as_str(), id.as_str(), v)))
    }
}
