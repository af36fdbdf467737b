//! The offline sync protocol (see `shared/design/sync.md`) as plain Rust that both the phone
//! and the server compile, and that property tests run natively.
//!
//! - Protocol types for `POST /api/sync/v1/push` and `/pull`.
//! - [`Outbox`]: the phone's queue of client-numbered mutations and its state machine.
//! - [`step`]: the server's rule for each incoming mutation id (duplicate, apply, gap).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const PROTOCOL: u32 = 1;
/// Most mutations in one push.
pub const MAX_BATCH: usize = 100;
/// Largest `args` of one mutation, in bytes of JSON.
pub const MAX_ARGS_BYTES: usize = 8 * 1024;
/// Most changes in one pull page.
pub const PULL_PAGE: usize = 500;
/// Device clocks further than this from the server's are flagged on the record.
pub const MAX_CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

/// One thing a person did on the phone, numbered by the phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub id: u64,
    /// What kind of change, e.g. `visit.check_in`; with `v`, how to read `args`.
    pub name: String,
    pub v: u32,
    /// The person who made it (their id), whoever is signed in when it is sent.
    pub author: String,
    pub args: serde_json::Value,
    /// The phone's clock when it was made (kept, never used for order).
    pub client_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub client_id: String,
    pub protocol: u32,
    pub app_build: String,
    pub mutations: Vec<Mutation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Applied,
    Rejected,
    Duplicate,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Rejected => "rejected",
            Status::Duplicate => "duplicate",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MutationResult {
    pub id: u64,
    pub status: Status,
    /// For a duplicate: what happened the first time (applied or rejected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The field of the args the refusal is about, when there is one (the form marks it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub last_mutation_id: u64,
    pub results: Vec<MutationResult>,
    /// Set when the batch skipped ids: the id the server expects next. Nothing after the gap
    /// was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_expected: Option<u64>,
    pub server_time: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub client_id: String,
    pub cursor: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Put,
    Del,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub entity: String,
    pub id: String,
    pub op: Op,
    pub version: i64,
    pub data: serde_json::Value,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub cursor: i64,
    pub last_mutation_id: u64,
    pub changes: Vec<Change>,
    pub reset: bool,
    pub has_more: bool,
    pub server_time: i64,
}

/// What the server does with a mutation id, given the last one it applied for the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Already done: answer as before, change nothing.
    Duplicate,
    /// The next one: apply (or reject) it and advance.
    Apply,
    /// Ids were skipped: stop the batch here.
    Gap { expected: u64 },
}

pub fn step(last_mutation_id: u64, id: u64) -> Step {
    if id <= last_mutation_id {
        Step::Duplicate
    } else if id == last_mutation_id + 1 {
        Step::Apply
    } else {
        Step::Gap {
            expected: last_mutation_id + 1,
        }
    }
}

/// Where one queued mutation stands on the phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting to be sent (or sent without an answer yet).
    Pending,
    /// The server has it (applied).
    Acked { at: i64 },
    /// The server refused it for a reason the author can fix; shown until dismissed.
    Rejected {
        code: String,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub mutation: Mutation,
    #[serde(flatten)]
    pub state: EntryState,
    #[serde(default)]
    pub attempts: u32,
}

/// The phone's outbox: saved before the screen says "saved", sent in id order, never dropped
/// while unacknowledged. Stored whole under one key, so a save is one write: nothing
/// half-written.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    pub client_id: String,
    /// The last id given out (the next mutation gets `last_id + 1`).
    pub last_id: u64,
    pub entries: Vec<Entry>,
}

/// Acknowledged entries are kept this long as receipts.
pub const RECEIPT_MS: i64 = 7 * 24 * 3600 * 1000;

impl Outbox {
    pub fn new(client_id: impl Into<String>) -> Self {
        Outbox {
            client_id: client_id.into(),
            last_id: 0,
            entries: Vec::new(),
        }
    }

    /// Adds a mutation and returns a copy of the outbox with it: the caller stores that copy,
    /// and only once it is stored does the mutation exist (a failed write changes nothing).
    pub fn with_new(
        &self,
        name: &str,
        v: u32,
        author: &str,
        args: serde_json::Value,
        client_time: i64,
    ) -> (Outbox, u64) {
        let mut next = self.clone();
        next.last_id += 1;
        let id = next.last_id;
        next.entries.push(Entry {
            mutation: Mutation {
                id,
                name: name.into(),
                v,
                author: author.into(),
                args,
                client_time,
                base_version: None,
            },
            state: EntryState::Pending,
            attempts: 0,
        });
        (next, id)
    }

    /// The next batch to send: pending mutations in id order.
    pub fn batch(&self, max: usize) -> Vec<Mutation> {
        self.entries
            .iter()
            .filter(|e| e.state == EntryState::Pending)
            .take(max)
            .map(|e| e.mutation.clone())
            .collect()
    }

    pub fn mark_sent(&mut self, ids: &[u64]) {
        for e in self
            .entries
            .iter_mut()
            .filter(|e| ids.contains(&e.mutation.id))
        {
            e.attempts += 1;
        }
    }

    /// Takes the server's answer: settles exactly the mutations it has a result for. An entry
    /// without a result stays pending even if the server's `last_mutation_id` is past it: that
    /// answer may be a late one to an older request, and the entry's own outcome (applied or
    /// rejected) comes back as a duplicate when it is sent again. (Found by the schedule tests:
    /// settling by `last_mutation_id` marked a rejected record as applied.)
    pub fn on_push_response(&mut self, resp: &PushResponse, now: i64) {
        let by_id: BTreeMap<u64, &MutationResult> =
            resp.results.iter().map(|r| (r.id, r)).collect();
        for e in self.entries.iter_mut() {
            if e.state != EntryState::Pending {
                continue;
            }
            let Some(r) = by_id.get(&e.mutation.id) else {
                continue;
            };
            e.state = match (r.status, r.original) {
                (Status::Rejected, _) | (Status::Duplicate, Some(Status::Rejected)) => {
                    EntryState::Rejected {
                        code: r.code.clone().unwrap_or_default(),
                        message: r.message.clone().unwrap_or_default(),
                        field: r.field.clone(),
                    }
                }
                _ => EntryState::Acked { at: now },
            };
        }
    }

    /// Drops receipts older than [`RECEIPT_MS`]; pending and rejected entries stay.
    pub fn prune(&mut self, now: i64) {
        self.entries.retain(|e| match e.state {
            EntryState::Acked { at } => now - at < RECEIPT_MS,
            _ => true,
        });
    }

    /// The author dismissed (or corrected and re-sent as a new mutation) a rejected entry.
    pub fn dismiss(&mut self, id: u64) {
        self.entries
            .retain(|e| !(e.mutation.id == id && matches!(e.state, EntryState::Rejected { .. })));
    }

    pub fn pending(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.state == EntryState::Pending)
            .count()
    }

    pub fn pending_by(&self, author: &str) -> usize {
        self.entries
            .iter()
            .filter(|e| e.state == EntryState::Pending && e.mutation.author == author)
            .count()
    }

    pub fn rejected(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| matches!(e.state, EntryState::Rejected { .. }))
    }
}

/// The phone's copy of what the server sent by pull, by entity and id.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub cursor: Option<i64>,
    /// The last of this phone's mutations the server had applied when it answered: the rows
    /// already show those, and only later ones are laid on top.
    #[serde(default)]
    pub last_mutation_id: u64,
    /// Whose scope the rows are (the signed-in person when pulled); another person pulls anew.
    #[serde(default)]
    pub person: String,
    pub rows: Rows,
}

/// Records by entity, then id.
pub type Rows = BTreeMap<String, BTreeMap<String, serde_json::Value>>;

impl View {
    pub fn apply(&mut self, resp: &PullResponse) {
        if resp.reset {
            self.rows.clear();
        }
        for c in &resp.changes {
            let table = self.rows.entry(c.entity.clone()).or_default();
            match c.op {
                Op::Put => {
                    table.insert(c.id.clone(), c.data.clone());
                }
                Op::Del => {
                    table.remove(&c.id);
                }
            }
        }
        self.cursor = Some(resp.cursor);
        self.last_mutation_id = resp.last_mutation_id;
    }

    /// What the phone shows: the server's rows with this phone's mutations that the server had
    /// not applied when it answered laid on top (pending ones, and acknowledged ones not yet
    /// pulled), in id order. Rejected ones are not shown as done.
    pub fn optimistic(&self, outbox: &Outbox, apply: impl Fn(&mut Rows, &Mutation)) -> Rows {
        let mut rows = self.rows.clone();
        for e in &outbox.entries {
            let laid = match e.state {
                EntryState::Pending => true,
                EntryState::Acked { .. } => e.mutation.id > self.last_mutation_id,
                EntryState::Rejected { .. } => false,
            };
            if laid {
                apply(&mut rows, &e.mutation);
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn step_rules() {
        assert_eq!(step(0, 1), Step::Apply);
        assert_eq!(step(5, 5), Step::Duplicate);
        assert_eq!(step(5, 1), Step::Duplicate);
        assert_eq!(step(5, 7), Step::Gap { expected: 6 });
    }

    #[test]
    fn a_save_is_one_new_outbox_or_nothing() {
        let o = Outbox::new("c");
        let (o2, id) = o.with_new("visit.check_in", 1, "p", json!({}), 0);
        assert_eq!(
            (o.last_id, o.entries.len()),
            (0, 0),
            "the original is untouched"
        );
        assert_eq!((id, o2.pending()), (1, 1));
    }

    #[test]
    fn answers_settle_entries() {
        let mut o = Outbox::new("c");
        for _ in 0..3 {
            o = o.with_new("x", 1, "p", json!({}), 0).0;
        }
        let resp = PushResponse {
            last_mutation_id: 2,
            results: vec![
                MutationResult {
                    id: 1,
                    status: Status::Applied,
                    original: None,
                    code: None,
                    message: None,
                    field: None,
                },
                MutationResult {
                    id: 2,
                    status: Status::Duplicate,
                    original: Some(Status::Rejected),
                    code: Some("invalid".into()),
                    message: Some("姓名须为1至40个字".into()),
                    field: None,
                },
            ],
            gap_expected: None,
            server_time: 0,
        };
        o.on_push_response(&resp, 10);
        assert_eq!(o.pending(), 1);
        assert_eq!(o.rejected().count(), 1);
        assert_eq!(o.batch(10)[0].id, 3);
        o.dismiss(2);
        assert_eq!(o.rejected().count(), 0);
        o.prune(10 + RECEIPT_MS);
        assert_eq!(
            o.entries.len(),
            1,
            "the receipt expired, the pending one stays"
        );
    }

    #[test]
    fn entries_keep_their_shape_in_storage() {
        let (o, _) = Outbox::new("c").with_new("visit.check_in", 1, "p", json!({"a": 1}), 5);
        let s = serde_json::to_string(&o).unwrap();
        assert!(s.contains("\"state\":\"pending\""));
        let back: Outbox = serde_json::from_str(&s).unwrap();
        assert_eq!(back, o);
    }
}
