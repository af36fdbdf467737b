//! The phone's copy of the server's records, by entity and id, and the entities' names.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::BTreeMap;

const DAY_MS: i64 = 24 * 3600 * 1000;

/// A table of records the server keeps and phones pull, by the name both sides use, with how
/// long the phone keeps its rows (the server sends no older ones either).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Entity {
    name: &'static str,
    kept_by: Option<(&'static str, i64)>,
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

    /// Rows are dropped `days` after the time in `column`, and the server sends no older ones
    /// (personal data stays on the phone no longer than its screens need: a monthly duty's
    /// history longer than a day's visitors).
    pub const fn kept_by(self, column: &'static str, days: i64) -> Self {
        Entity {
            kept_by: Some((column, days)),
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

    /// The time column rows are kept by, and for how many days (none: kept until removed).
    pub const fn window(self) -> Option<(&'static str, i64)> {
        self.kept_by
    }

    /// The column that, while empty, keeps a row however old (an open item).
    pub const fn open_column(self) -> Option<&'static str> {
        self.open_until
    }

    /// Is `row` still open (its open column empty)? Entities without one have no open rows.
    pub fn is_open(self, row: &serde_json::Value) -> bool {
        self.open_until.is_some_and(|c| row[c].is_null())
    }

    /// The oldest time a closed row is kept at, at `now` (none: kept until removed).
    pub fn oldest_kept(self, now: i64) -> Option<i64> {
        self.kept_by.map(|(_, days)| now - days * DAY_MS)
    }

    /// What the phone's store indexes a row by (see [`Keys`]).
    pub fn keys(self, row: &serde_json::Value) -> Keys {
        let site = row["site_id"].as_str().unwrap_or(COURT_WIDE).to_string();
        let time = self.kept_by.and_then(|(c, _)| row[c].as_f64());
        let open = self.is_open(row);
        Keys {
            closed: if open { None } else { time },
            open: open.then(|| site.clone()),
            name: row["name"].as_str().map(fold),
            tail: row["id_masked"]
                .as_str()
                .map(|m| fold(m).chars().rev().collect()),
            site,
            time,
        }
    }

    /// Every row of `site` the phone keeps (of an entity kept without a time: every row).
    pub fn at(self, site: &str) -> Want {
        match self.kept_by {
            Some(_) => self.since(site, i64::MIN),
            None => self.all(),
        }
    }

    pub fn all(self) -> Want {
        Want {
            entity: self,
            range: Range::All,
        }
    }

    /// The rows of `site` whose time is `from` or later.
    pub fn since(self, site: &str, from: i64) -> Want {
        Want {
            entity: self,
            range: Range::Since(site.into(), from),
        }
    }

    /// The rows of `site` still open, however old.
    pub fn open(self, site: &str) -> Want {
        Want {
            entity: self,
            range: Range::Open(site.into()),
        }
    }

    /// The rows of `site` whose name starts with `text` (case folded).
    pub fn named(self, site: &str, text: &str) -> Want {
        Want {
            entity: self,
            range: Range::Name(site.into(), fold(text)),
        }
    }

    /// The rows of `site` whose masked id number ends with `digits`.
    pub fn tail(self, site: &str, digits: &str) -> Want {
        Want {
            entity: self,
            range: Range::Tail(site.into(), fold(digits).chars().rev().collect()),
        }
    }

    /// These rows, by id.
    pub fn ids(self, ids: Vec<String>) -> Want {
        Want {
            entity: self,
            range: Range::Ids(ids),
        }
    }
}

/// A flag of a row: SQLite's booleans arrive by pull as 0 and 1, the phone's own rows have
/// true and false (`#[serde(default, deserialize_with = "crate::rows::bool_or_int")]` on every
/// row struct's flag).
pub fn bool_or_int<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::Number(n) => n.as_i64() != Some(0),
        _ => false,
    })
}

/// The site key of a row without a site (court-wide rows).
pub const COURT_WIDE: &str = "*";

/// Names and id tails are looked up case folded (a passport's letters as typed).
fn fold(s: &str) -> String {
    s.to_uppercase()
}

/// What the phone's store indexes a row by: its site (or [`COURT_WIDE`]), its time (the
/// column it is kept by), its site again while it is open, its time again once closed (what
/// pruning reads), its name, and its masked id number reversed (a lookup by the last digits is
/// a prefix of it). An index leaves out the rows that lack its key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keys {
    pub site: String,
    pub time: Option<f64>,
    pub open: Option<String>,
    pub closed: Option<f64>,
    pub name: Option<String>,
    pub tail: Option<String>,
}

/// Which rows of an entity a screen reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Range {
    All,
    Since(String, i64),
    Open(String),
    Name(String, String),
    Tail(String, String),
    Ids(Vec<String>),
}

/// What a screen reads: the rows of one entity in one range of its store's indexes. A screen
/// costs what it reads, not the whole store.
#[derive(Clone, Debug, PartialEq)]
pub struct Want {
    pub entity: Entity,
    pub range: Range,
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

    /// Keeps the rows, of every entity by its wire name, that `keep` says.
    pub fn retain_each(&mut self, keep: impl Fn(&str, &serde_json::Value) -> bool) {
        for (name, t) in self.0.iter_mut() {
            t.retain(|_, row| keep(name, row));
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

    /// Drops the rows of `entities` their declarations no longer keep at `now` (milliseconds):
    /// what the phone's store drops by its `closed` index.
    pub fn prune(&mut self, entities: &[Entity], now: i64) {
        for e in entities {
            let Some(oldest) = e.oldest_kept(now) else {
                continue;
            };
            self.retain(*e, |_, v| {
                e.keys(v).closed.is_none_or(|t| t >= oldest as f64)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VISIT: Entity = Entity::declare("visit")
        .kept_by("checked_in_at", 30)
        .open_until("checked_out_at");
    const ROUTE: Entity = Entity::declare("route");
    const DAY: i64 = 24 * 3600 * 1000;

    fn visit(site: &str, name: &str, masked: &str, at: i64, out: Option<i64>) -> serde_json::Value {
        json!({"site_id": site, "name": name, "id_masked": masked, "checked_in_at": at, "checked_out_at": out})
    }

    #[test]
    fn a_row_is_indexed_by_site_time_openness_name_and_id_tail() {
        let k = VISIT.keys(&visit("s", "li Ming", "110105********002X", 5, None));
        assert_eq!(k.site, "s");
        assert_eq!(k.time, Some(5.0));
        assert_eq!(
            k.open.as_deref(),
            Some("s"),
            "open: in the open index, by site"
        );
        assert_eq!(k.closed, None, "open rows are never pruned");
        assert_eq!(k.name.as_deref(), Some("LI MING"));
        assert_eq!(k.tail.as_deref(), Some("X200********501011"));
        let k = VISIT.keys(&visit("s", "张三", "", 5, Some(9)));
        assert_eq!((k.open, k.closed), (None, Some(5.0)));
        let k = ROUTE.keys(&json!({"name": "夜巡"}));
        assert_eq!(
            (k.site.as_str(), k.time, k.closed),
            (COURT_WIDE, None, None)
        );
    }

    #[test]
    fn a_screen_asks_for_an_index_range() {
        assert_eq!(VISIT.open("s").range, Range::Open("s".into()));
        assert_eq!(
            VISIT.named("s", "li").range,
            Range::Name("s".into(), "LI".into())
        );
        assert_eq!(
            VISIT.tail("s", "002x").range,
            Range::Tail("s".into(), "X200".into()),
            "the last digits, reversed: a prefix"
        );
        assert_eq!(VISIT.at("s").range, Range::Since("s".into(), i64::MIN));
        assert_eq!(ROUTE.at("s"), ROUTE.all(), "kept without a time: every row");
    }

    #[test]
    fn closed_rows_go_after_their_window_and_open_ones_stay() {
        let now = 200 * DAY;
        let mut rows = Rows::new();
        rows.put_json(
            VISIT,
            "old-open",
            visit("s", "甲", "", now - 90 * DAY, None),
        );
        rows.put_json(
            VISIT,
            "old-closed",
            visit("s", "乙", "", now - 31 * DAY, Some(1)),
        );
        rows.put_json(
            VISIT,
            "recent",
            visit("s", "丙", "", now - 29 * DAY, Some(1)),
        );
        rows.put_json(ROUTE, "r", json!({"name": "夜巡"}));
        rows.prune(&[VISIT, ROUTE], now);
        let mut kept: Vec<&str> = rows.iter().map(|(_, id, _)| id).collect();
        kept.sort_unstable();
        assert_eq!(kept, ["old-open", "r", "recent"]);
    }
}
