//! The phone's outbox: client-numbered mutations, each entry's state, and the state machine
//! that sends, acknowledges, refuses, holds and replays them; the server's rule for each
//! incoming id ([`step`]); the phone's view of the records.

use super::*;

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
    /// The server recorded it without applying it (see [`Status::Held`]): shown as made, until
    /// its author signs it again or a supervisor decides.
    Held {
        code: String,
        #[serde(default)]
        message: String,
    },
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
    /// A refusal the server lost (restored from a backup): sent again as a [`SKIP`] so the
    /// server's count moves past it; the refusal stays as it was for its author.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resend_skip: bool,
}

/// What a held record's code tells people (see [`Status::Held`]).
pub fn held_reason(code: &str) -> crate::i18n::Key {
    use crate::i18n::Key;
    match code {
        "device_revoked" => Key::HeldDeviceRevoked,
        "unsigned" => Key::HeldUnsigned,
        _ => Key::HeldSignAgain,
    }
}

/// What a result makes of an entry: refused, held, or acknowledged.
fn outcome(r: &MutationResult, now: i64) -> EntryState {
    let status = match r.status {
        Status::Duplicate => r.original.unwrap_or(Status::Applied),
        s => s,
    };
    match status {
        Status::Rejected => EntryState::Rejected {
            code: r.code.clone().unwrap_or_default(),
            message: r.message.clone().unwrap_or_default(),
            field: r.field.clone(),
        },
        Status::Held => EntryState::Held {
            code: r.code.clone().unwrap_or_default(),
            message: r.message.clone().unwrap_or_default(),
        },
        _ => EntryState::Acked { at: now },
    }
}

/// The name of the no-op a phone sends for an id the server lost and the phone no longer
/// sends as it was (a refusal, or one its author dismissed): recorded as skipped, so no hole
/// in the numbering can hold back the queue.
pub const SKIP: &str = "sync.skip";

impl Entry {
    /// A new pending entry: mutation `id`, not yet signed.
    pub fn new(
        id: u64,
        name: &str,
        v: u32,
        author: &str,
        args: serde_json::Value,
        client_time: i64,
    ) -> Entry {
        Entry {
            mutation: Mutation {
                id,
                name: name.into(),
                v,
                author: author.into(),
                args,
                client_time,
                clock: None,
                base_version: None,
                oversized: None,
                replay_of: Vec::new(),
                proof: None,
            },
            state: EntryState::Pending,
            attempts: 0,
            resend_skip: false,
        }
    }

    /// The mutation as the next batch sends it.
    fn to_send(&self) -> Mutation {
        if self.resend_skip {
            skip(
                self.mutation.id,
                &self.mutation.author,
                self.mutation.client_time,
            )
        } else {
            self.mutation.clone()
        }
    }

    fn sendable(&self) -> bool {
        self.state == EntryState::Pending || self.resend_skip
    }
}

fn skip(id: u64, author: &str, client_time: i64) -> Mutation {
    Entry::new(id, SKIP, 1, author, serde_json::Value::Null, client_time).mutation
}

/// The phone's outbox: saved before the screen says "saved", sent in id order, never dropped
/// while unacknowledged. Acknowledged entries stay as receipts until the server reports a
/// finished backup that holds them (`backed_up_to`): a server restored from an older backup
/// gets them again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    pub client_id: String,
    /// The last id given out (the next mutation gets `last_id + 1`).
    pub last_id: u64,
    pub entries: Vec<Entry>,
    /// The server's last word on which of this client's mutations a backup holds.
    #[serde(default)]
    pub backed_up_to: u64,
}

/// What a push body carries besides its mutations (client id, build, times), with room to
/// spare: a batch's mutations stay within `batch_bytes` less this.
pub const ENVELOPE_BYTES: usize = 1024;

impl Outbox {
    pub fn new(client_id: impl Into<String>) -> Self {
        Outbox {
            client_id: client_id.into(),
            ..Outbox::default()
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
        next.entries
            .push(Entry::new(id, name, v, author, args, client_time));
        (next, id)
    }

    /// Lays this phone's mutations that `rows` (pulled when the server had applied up to
    /// `last_mutation_id`) do not show yet on top of them, in id order: pending ones, held
    /// ones (shown as made), and acknowledged ones not yet pulled. Refused ones are not
    /// shown as done.
    pub fn lay(
        &self,
        rows: &mut Rows,
        last_mutation_id: u64,
        apply: impl Fn(&mut Rows, &Mutation),
    ) {
        for e in &self.entries {
            let laid = match e.state {
                EntryState::Pending | EntryState::Held { .. } => true,
                EntryState::Acked { .. } => e.mutation.id > last_mutation_id,
                EntryState::Rejected { .. } => false,
            };
            if laid {
                apply(rows, &e.mutation);
            }
        }
    }

    /// The next batch to send: pending mutations in id order, as many as `limits` take by
    /// count and by bytes (always at least one). A mutation larger than the server takes goes
    /// without its args, marked `oversized`: the server records the refusal and the queue
    /// moves on; the phone keeps the args for its author to shorten.
    pub fn batch(&self, limits: &Limits) -> Vec<Mutation> {
        let room = limits.batch_bytes.saturating_sub(ENVELOPE_BYTES);
        let mut used = 0usize;
        let mut out = Vec::new();
        for e in self.entries.iter().filter(|e| e.sendable()) {
            if out.len() >= limits.batch.max(1) {
                break;
            }
            let mut m = e.to_send();
            let mut bytes = m.wire_bytes();
            if bytes > limits.mutation_bytes {
                m.args = serde_json::Value::Null;
                m.oversized = Some(bytes as u64);
                bytes = m.wire_bytes();
            }
            if !out.is_empty() && used + bytes + 1 > room {
                break;
            }
            used += bytes + 1;
            out.push(m);
        }
        out
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
    ///
    /// A gap at an id the phone holds as acknowledged means the server lost it (restored from a
    /// backup): that receipt and the ones after it are sent again.
    pub fn on_push_response(&mut self, resp: &PushResponse, now: i64) {
        let by_id: BTreeMap<u64, &MutationResult> =
            resp.results.iter().map(|r| (r.id, r)).collect();
        // Skips the server took are done with.
        self.entries.retain(|e| {
            !(e.mutation.name == SKIP
                && e.state == EntryState::Pending
                && by_id.contains_key(&e.mutation.id))
        });
        for e in self.entries.iter_mut() {
            if e.resend_skip && by_id.contains_key(&e.mutation.id) {
                e.resend_skip = false;
            }
            if e.state != EntryState::Pending {
                continue;
            }
            let Some(r) = by_id.get(&e.mutation.id) else {
                continue;
            };
            e.state = outcome(r, now);
        }
        if let Some(expected) = resp.gap_expected {
            self.resend_from(expected);
        }
        self.backed_up_to = resp.backed_up_to;
    }

    /// Takes how held mutations came out (signed again by their author, or decided by a
    /// supervisor): those still held stay so.
    pub fn on_settled(&mut self, results: &[MutationResult], now: i64) {
        for e in self.entries.iter_mut() {
            if !matches!(e.state, EntryState::Held { .. }) {
                continue;
            }
            if let Some(r) = results.iter().find(|r| r.id == e.mutation.id) {
                e.state = outcome(r, now);
            }
        }
    }

    /// The ids of the mutations the server holds (for a pull to ask after).
    pub fn held_ids(&self) -> Vec<u64> {
        self.entries
            .iter()
            .filter(|e| matches!(e.state, EntryState::Held { .. }))
            .map(|e| e.mutation.id)
            .collect()
    }

    pub fn held(&self) -> usize {
        self.held_ids().len()
    }

    /// Takes what a pull answer says of this client: the server's last applied id (below an
    /// acknowledged receipt after a restore: those are sent again) and its backups.
    pub fn on_pull(&mut self, last_mutation_id: u64, backed_up_to: u64) {
        let acked = self
            .entries
            .iter()
            .filter(|e| matches!(e.state, EntryState::Acked { .. }))
            .map(|e| e.mutation.id)
            .max();
        if acked.is_some_and(|a| a > last_mutation_id) {
            self.resend_from(last_mutation_id + 1);
        }
        self.backed_up_to = backed_up_to;
        self.prune();
    }

    /// The server no longer has this client's mutations from `id` on: receipts become
    /// pending again, refusals go as skips, and an id the phone no longer holds (a refusal
    /// dismissed) as a skip of its own.
    pub fn resend_from(&mut self, id: u64) {
        let mut held = Vec::new();
        let mut author = String::new();
        for e in self.entries.iter_mut().filter(|e| e.mutation.id >= id) {
            held.push(e.mutation.id);
            author.clone_from(&e.mutation.author);
            match e.state {
                EntryState::Acked { .. } | EntryState::Held { .. } => e.state = EntryState::Pending,
                EntryState::Rejected { .. } => e.resend_skip = true,
                EntryState::Pending => {}
            }
        }
        // Entries are in id order; each skip goes in its place (no sort: its code would be
        // the phone's to download).
        for i in (id..=self.last_id).filter(|i| !held.contains(i)) {
            let at = self
                .entries
                .iter()
                .position(|e| e.mutation.id > i)
                .unwrap_or(self.entries.len());
            self.entries.insert(
                at,
                Entry {
                    mutation: skip(i, &author, 0),
                    state: EntryState::Pending,
                    attempts: 0,
                    resend_skip: false,
                },
            );
        }
    }

    /// Drops the receipts a finished backup holds; pending and rejected entries stay.
    pub fn prune(&mut self) {
        let upto = self.backed_up_to;
        self.entries.retain(|e| match e.state {
            EntryState::Acked { .. } => e.mutation.id > upto,
            _ => true,
        });
    }

    /// The phone was enrolled (again: revoked and found, or the server lost its enrolment):
    /// the new client starts counting after `resume_after` (the last id given out when the
    /// enrolment was asked for). What waits, and the receipts no backup holds yet, are
    /// renumbered to follow it, in order, each marked with where it came from
    /// ([`Mutation::replay_of`]), and sent under the new enrolment.
    pub fn reenrolled(&mut self, client_id: &str, resume_after: u64) {
        if self.client_id == client_id {
            return;
        }
        let old = std::mem::replace(&mut self.client_id, client_id.to_string());
        let upto = self.backed_up_to;
        self.entries.retain(|e| match e.state {
            EntryState::Acked { .. } => e.mutation.id > upto,
            _ => true,
        });
        self.entries.retain(|e| e.mutation.name != SKIP);
        // Refusals keep their ids (all at most `resume_after`) and come first; what is carried
        // over follows, renumbered in order.
        let (kept, carried): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|e| matches!(e.state, EntryState::Rejected { .. }));
        self.entries = kept;
        let mut next = resume_after;
        for mut e in carried {
            next += 1;
            if !old.is_empty() {
                e.mutation
                    .replay_of
                    .push(format!("{old}/{}", e.mutation.id));
            }
            e.mutation.id = next;
            e.state = EntryState::Pending;
            self.entries.push(e);
        }
        for e in self.entries.iter_mut() {
            e.resend_skip = false;
        }
        self.last_id = next;
        self.backed_up_to = 0;
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
