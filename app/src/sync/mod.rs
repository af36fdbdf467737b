//! The offline sync protocol (see `shared/design/sync.md`) as plain Rust that both the phone
//! and the server compile, and that property tests run natively.
//!
//! - Protocol types for `POST /api/sync/v1/push` and `/pull`.
//! - [`Outbox`]: the phone's queue of client-numbered mutations and its state machine.
//! - [`step`]: the server's rule for each incoming mutation id (duplicate, apply, gap).

mod outbox;
mod time;
mod view;

pub use outbox::*;
pub use time::*;
pub use view::*;

use crate::model::Role;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The protocol this build speaks. 2: records carry the phone's clock (`clock`, `sent_at`),
/// the server states its limits, pull cursors resume inside a version. A phone on 1 is told to
/// update (426) and keeps its outbox; the updated app reads the old outbox and sends it.
pub const PROTOCOL: u32 = 2;
/// Most changes in one pull page.
pub const PULL_PAGE: usize = 500;
/// Device clocks further than this from the server's are flagged on the record.
pub const MAX_CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;
/// The longest a record is held to have waited on a phone before it arrived.
pub const MAX_OFFLINE_MS: i64 = 30 * 24 * 3600 * 1000;
/// Two estimates of when a record was made that differ by more than this mean the phone's clock
/// was changed in between (network delays and clock drift stay well under it).
pub const CLOCK_AGREE_MS: i64 = 2 * 60 * 1000;

/// What the server accepts in one push, stated in every answer (and in a 413) so the phone
/// builds batches that fit. Every record the forms accept fits `mutation_bytes`
/// (`the_largest_records_the_forms_make_fit_the_limits_and_apply` in `server/tests/sync.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most mutations in one push.
    pub batch: usize,
    /// Most bytes of JSON in one push body.
    pub batch_bytes: usize,
    /// Most bytes of one mutation's JSON (its args and envelope).
    pub mutation_bytes: usize,
}

pub const LIMITS: Limits = Limits {
    batch: 100,
    batch_bytes: 512 * 1024,
    mutation_bytes: 48 * 1024,
};

impl Default for Limits {
    fn default() -> Self {
        LIMITS
    }
}

impl Limits {
    /// The limits a push answer states; this build's own where it says none.
    pub fn read(v: &serde_json::Value) -> Limits {
        let n = |k: &str, d: usize| v.get(k).and_then(|x| x.as_u64()).map_or(d, |x| x as usize);
        Limits {
            batch: n("batch", LIMITS.batch),
            batch_bytes: n("batch_bytes", LIMITS.batch_bytes),
            mutation_bytes: n("mutation_bytes", LIMITS.mutation_bytes),
        }
    }

    pub fn to_value(self) -> serde_json::Value {
        serde_json::json!({"batch": self.batch, "batch_bytes": self.batch_bytes,
                           "mutation_bytes": self.mutation_bytes})
    }
}

/// How the phone's clock stood when it made a record, as the phone measured it. On the wire
/// and in storage `[est, mono (0 or 1), contact, behind]`: an array of numbers is what the
/// phone reads with the least code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[i64; 4]", into = "[i64; 4]")]
pub struct MadeClock {
    /// The phone's estimate of the server's time when the record was made: the server's time at
    /// the last contact carried forward (by monotonic time when `mono`, else by the phone's
    /// clock).
    pub est: i64,
    /// The estimate was carried by monotonic time: the app ran from that contact to the save,
    /// so a change of the phone's clock meanwhile does not touch it.
    pub mono: bool,
    /// The server's time at that contact (the record was made after it).
    pub contact: i64,
    /// How far the phone's clock stood behind the latest time the app had seen on it (a clock
    /// turned back since); 0 when it had not gone back.
    pub behind: i64,
}

impl From<[i64; 4]> for MadeClock {
    fn from(a: [i64; 4]) -> Self {
        MadeClock {
            est: a[0],
            mono: a[1] != 0,
            contact: a[2],
            behind: a[3],
        }
    }
}

impl From<MadeClock> for [i64; 4] {
    fn from(c: MadeClock) -> Self {
        [c.est, c.mono as i64, c.contact, c.behind]
    }
}

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
    /// The phone's clock when it was made (kept with the record; see [`place`]).
    pub client_time: i64,
    /// The phone's estimate of the server's time then (absent from a phone that never reached
    /// the server, and from queues made by builds before protocol 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<MadeClock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<i64>,
    /// Set by the phone instead of sending args larger than the server takes (their size in
    /// bytes): the server records the refusal, the phone keeps the args for its author to
    /// shorten. One record too big never holds back the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oversized: Option<u64>,
    /// Carried over from earlier enrolments of this phone: `client_id/mutation_id` of each
    /// (a string each: small to read on the phone). The server answers it as a duplicate of one it has, and applies it
    /// if it has none (restored from a backup): nothing doubles, nothing is lost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replay_of: Vec<String>,
    /// Proof that `author` made it on this phone (see [`crate::proof`]); absent from a record
    /// queued by a build before proofs, or by someone the phone had no secret for: the server
    /// holds such a record until its author signs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
}

impl Mutation {
    /// Bytes of this mutation as sent.
    pub fn wire_bytes(&self) -> usize {
        serde_json::to_string(self)
            .map(|s| s.len())
            .unwrap_or(usize::MAX)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub client_id: String,
    pub protocol: u32,
    pub app_build: String,
    /// The phone's clock as it sent this push.
    #[serde(default)]
    pub sent_at: Option<i64>,
    /// The last mutation id the phone had given out when it sent this: every mutation made
    /// later has a higher id (the server bounds record times by it).
    #[serde(default)]
    pub made_up_to: Option<u64>,
    /// Records still waiting on the phone besides this batch: the server alerts when a phone
    /// holds records for hours without sending them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<u32>,
    pub mutations: Vec<Mutation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Applied,
    Rejected,
    Duplicate,
    /// Recorded, not applied: its proof was made with a secret since voided (a password reset,
    /// a disabled account, a revoked phone) or it has none (queued by an older build). Its
    /// author signs it again at their next online sign-in on the phone, or a supervisor
    /// decides (`code` says which).
    Held,
}

impl Status {
    /// A recorded outcome (`sync_mutations.status`: applied or rejected).
    pub fn recorded(s: &str) -> Status {
        match s {
            "rejected" => Status::Rejected,
            "held" => Status::Held,
            _ => Status::Applied,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Rejected => "rejected",
            Status::Duplicate => "duplicate",
            Status::Held => "held",
        }
    }
}

/// A mutation's proof of its author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The client (enrolment) and mutation id it was signed at: a copy sent at another id (or
    /// from another phone) is the same record, found by this pair, never a second one.
    pub c: String,
    pub n: u64,
    /// The generation of the author's secrets it was made with (a password reset, a change of
    /// password or a disabled account starts a new one: older proofs are held, not applied).
    pub g: u32,
    /// Hex HMAC-SHA256 over [`message`].
    pub mac: String,
}

impl Proof {
    /// `client/id` it was signed at.
    pub fn signed_as(&self) -> String {
        format!("{}/{}", self.c, self.n)
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
    /// was applied. After a restore from a backup the server may expect an id the phone holds
    /// as acknowledged: it sends those again from its receipts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap_expected: Option<u64>,
    /// Set when the batch reached a mutation this server does not know yet (a phone newer than
    /// its server): its id. Nothing from it on was applied; the phone keeps it and retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_behind: Option<u64>,
    /// This client's mutations up to this id are held by a finished backup: their receipts
    /// need not be kept for a resend.
    #[serde(default)]
    pub backed_up_to: u64,
    /// The server's [`Limits`] (read with [`Limits::read`]: the phone reads three numbers
    /// rather than carrying a parser for one more struct in its download).
    #[serde(default)]
    pub limits: serde_json::Value,
    pub server_time: i64,
}

/// Where a pull stands: every change up to `(version, entity, id)` in the order
/// `(version, entity, id)` was sent, so one write that stamps many rows with one version still
/// pages without skipping any. `epoch` makes an older cursor a reset: a server restored from a
/// backup starts a new epoch. `scope` is what the rows sent were chosen by (the person's roles
/// and sites): the next person on a shared phone who may see something else goes on from
/// version 0 over their own scope, less what the phone already holds (`had`), and drops the
/// rest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub epoch: String,
    pub scope: Scope,
    pub version: i64,
    /// Inside `version`: the last (entity, id) sent; `None` when all of `version` was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<(String, String)>,
    /// While the pull catches up after a change of scope: the phone already holds every row of
    /// this scope up to this version, so those are not sent again. Gone once `version` passes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub had: Option<(Scope, i64)>,
}

/// What a person may see, as the pull chooses rows: their roles and sites, sorted. Only ever
/// narrows what is sent (a phone that forges one misses rows of its own, nothing more).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub roles: Vec<String>,
    pub sites: Vec<String>,
}

impl Scope {
    pub fn new(roles: &[Role], sites: &[String]) -> Scope {
        let mut roles: Vec<String> = roles.iter().map(|r| r.as_str().to_string()).collect();
        roles.sort_unstable();
        let mut sites = sites.to_vec();
        sites.sort_unstable();
        Scope { roles, sites }
    }

    pub fn roles(&self) -> Vec<Role> {
        self.roles.iter().filter_map(|r| Role::parse(r)).collect()
    }
}

impl Cursor {
    /// The cursor a phone sent back, if this server can read it: one from the build before
    /// protocol 2 (a bare number) or from elsewhere is none, and the pull starts afresh. The
    /// phone keeps the cursor as it came, unread (its code stays out of the phone's download).
    pub fn read(v: &serde_json::Value) -> Option<Cursor> {
        serde_json::from_value(v.clone()).ok()
    }

    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// Every change at or below this version was sent (inside `version` only some may have).
    pub fn complete_to(&self) -> i64 {
        match self.after {
            Some(_) => self.version - 1,
            None => self.version,
        }
    }

    /// Where the next person goes on from when they may see `scope` and this cursor was taken
    /// under another: from version 0 over their scope, less what the phone holds already.
    pub fn rescoped(self, scope: Scope) -> Cursor {
        let had = Some((self.scope.clone(), self.complete_to()));
        Cursor {
            epoch: self.epoch,
            scope,
            version: 0,
            after: None,
            had,
        }
    }

    /// Is the change `(version, entity, id)` (entity by its index in the server's list) past
    /// this cursor, in the order `(version, entity, id)`? `entity_index` is the index of the
    /// cursor's own entity. The server's SQL asks the same per table.
    pub fn before(
        &self,
        entity_index: Option<usize>,
        entity: usize,
        version: i64,
        id: &str,
    ) -> bool {
        match (entity_index, &self.after) {
            (Some(ci), Some((_, cid))) => (version, entity, id) > (self.version, ci, cid.as_str()),
            _ => version > self.version,
        }
    }
}

/// Cuts one pull page from the changes past the cursor, each with its entity's index: each
/// entity read up to `page + 1` of its own (`part_full` when one had more than `page`). Sorted
/// by `(version, entity, id)`, cut at `page`; the next cursor is the last change sent when
/// more remain, else `head` (the server's version now). Returns the page, the next cursor and
/// whether more remain.
pub fn cut_page(
    mut changes: Vec<(usize, Change)>,
    part_full: bool,
    page: usize,
    head: Cursor,
) -> (Vec<Change>, Cursor, bool) {
    changes.sort_by(|a, b| (a.1.version, a.0, &a.1.id).cmp(&(b.1.version, b.0, &b.1.id)));
    let mut has_more = part_full;
    if changes.len() > page {
        has_more = true;
        changes.truncate(page);
    }
    let next = match (has_more, changes.last()) {
        (true, Some((_, c))) => Cursor {
            version: c.version,
            after: Some((c.entity.clone(), c.id.clone())),
            ..head
        },
        _ => head,
    };
    (
        changes.into_iter().map(|(_, c)| c).collect(),
        next,
        has_more,
    )
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub client_id: String,
    /// The last answer's cursor as it came ([`Cursor`], opaque to the phone).
    #[serde(default)]
    pub cursor: Option<serde_json::Value>,
    /// As in [`PushRequest::made_up_to`]: a pull is a contact too.
    #[serde(default)]
    pub made_up_to: Option<u64>,
    /// As in [`PushRequest::waiting`]: the records waiting on the phone as it pulls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<u32>,
    /// The people this phone remembers for an offline sign-in, `[person id, generation]`: the
    /// server answers which of them it must forget (see [`PullResponse::forget`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<(String, u32)>,
    /// This client's mutations the phone holds as held: the server answers how those it has
    /// decided since came out (see [`PullResponse::settled`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<u64>,
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
    /// A [`Cursor`], for the phone to send back.
    pub cursor: serde_json::Value,
    pub last_mutation_id: u64,
    pub changes: Vec<Change>,
    /// The phone drops what it had pulled before this answer and keeps only what follows.
    pub reset: bool,
    pub has_more: bool,
    #[serde(default)]
    pub backed_up_to: u64,
    pub server_time: i64,
    /// People the phone must no longer open offline: disabled, their password reset or
    /// changed, or no longer allowed to be remembered on a phone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forget: Vec<String>,
    /// Held mutations (of those the request listed) that are held no more: applied or refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settled: Vec<MutationResult>,
    /// Set when this person may see something else than the rows were pulled for (the next
    /// person on a shared phone): before this answer's changes the phone keeps only the rows
    /// [`Kept`] says and drops the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<Kept>,
}

/// What a phone keeps of its rows when the person changes: each entity listed, at the sites
/// listed (every site when `None`); no other entity.
pub type Kept = Vec<(String, Option<Vec<String>>)>;

/// Does `keep` keep a row of `entity` at `site`?
pub fn keeps(keep: &Kept, entity: &str, site: &str) -> bool {
    keep.iter()
        .any(|(e, sites)| e == entity && sites.as_ref().is_none_or(|s| s.iter().any(|x| x == site)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const H: i64 = 3600 * 1000;
    const M: i64 = 60 * 1000;

    fn result(id: u64, status: Status, original: Option<Status>) -> MutationResult {
        MutationResult {
            id,
            status,
            original,
            code: Some("invalid".into()),
            message: Some("姓名须为1至40个字".into()),
            field: None,
        }
    }

    fn answer(last: u64, results: Vec<MutationResult>) -> PushResponse {
        PushResponse {
            last_mutation_id: last,
            results,
            gap_expected: None,
            server_behind: None,
            backed_up_to: 0,
            limits: LIMITS.to_value(),
            server_time: 0,
        }
    }

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
    fn answers_settle_entries_and_backups_release_receipts() {
        let mut o = Outbox::new("c");
        for _ in 0..3 {
            o = o.with_new("x", 1, "p", json!({}), 0).0;
        }
        let mut resp = answer(
            2,
            vec![
                result(1, Status::Applied, None),
                result(2, Status::Duplicate, Some(Status::Rejected)),
            ],
        );
        o.on_push_response(&resp, 10);
        assert_eq!(o.pending(), 1);
        assert_eq!(o.rejected().count(), 1);
        assert_eq!(o.batch(&LIMITS)[0].id, 3);
        o.dismiss(2);
        assert_eq!(o.rejected().count(), 0);
        o.prune();
        assert_eq!(o.entries.len(), 2, "no backup holds the receipt yet");
        resp.results.clear();
        resp.backed_up_to = 1;
        o.on_push_response(&resp, 11);
        o.prune();
        assert_eq!(
            o.entries.len(),
            1,
            "backed up: the receipt goes, the pending one stays"
        );
    }

    #[test]
    fn a_gap_at_an_acknowledged_id_sends_the_receipts_again() {
        let mut o = Outbox::new("c");
        for _ in 0..4 {
            o = o.with_new("x", 1, "p", json!({}), 0).0;
        }
        let all: Vec<MutationResult> = (1..=3).map(|i| result(i, Status::Applied, None)).collect();
        o.on_push_response(&answer(3, all), 1);
        assert_eq!(o.pending(), 1);
        // The server was restored from a backup holding mutation 1 only.
        let mut gap = answer(1, vec![]);
        gap.gap_expected = Some(2);
        o.on_push_response(&gap, 2);
        assert_eq!(
            o.batch(&LIMITS).iter().map(|m| m.id).collect::<Vec<_>>(),
            [2, 3, 4]
        );
    }

    #[test]
    fn batches_fit_the_limits_by_count_and_bytes() {
        let mut o = Outbox::new("c");
        let long = "字".repeat(200);
        for _ in 0..150 {
            o = o
                .with_new("visit.check_in", 2, "p", json!({"purpose": long}), 0)
                .0;
        }
        let limits = Limits {
            batch: 100,
            batch_bytes: 32 * 1024,
            mutation_bytes: 8 * 1024,
        };
        let b = o.batch(&limits);
        let bytes: usize = serde_json::to_string(&b).unwrap().len();
        assert!(bytes + ENVELOPE_BYTES <= limits.batch_bytes, "{bytes}");
        assert!(b.len() > 10 && b.len() < 100, "{}", b.len());
        assert_eq!(o.batch(&LIMITS).len(), 100);
    }

    #[test]
    fn a_mutation_too_big_goes_without_its_args() {
        let (o, _) = Outbox::new("c").with_new("x", 1, "p", json!({"pad": "x".repeat(60_000)}), 0);
        let b = o.batch(&LIMITS);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].args, serde_json::Value::Null);
        assert!(b[0].oversized.unwrap() > 60_000);
        assert!(b[0].wire_bytes() < 1024);
        assert!(
            o.entries[0].mutation.args["pad"].is_string(),
            "the phone keeps them"
        );
    }

    #[test]
    fn a_reenrolled_phone_renumbers_what_waits_after_its_last_id() {
        let mut o = Outbox::new("old");
        for _ in 0..5 {
            o = o.with_new("x", 1, "p", json!({}), 0).0;
        }
        let r = vec![
            result(1, Status::Applied, None),
            result(2, Status::Rejected, None),
        ];
        o.on_push_response(&answer(2, r), 1);
        o.reenrolled("new", 5);
        assert_eq!(o.client_id, "new");
        let sent: Vec<(u64, Vec<String>)> = o
            .batch(&LIMITS)
            .into_iter()
            .map(|m| (m.id, m.replay_of))
            .collect();
        let from = |id| vec![format!("old/{id}")];
        assert_eq!(
            sent,
            [(6, from(1)), (7, from(3)), (8, from(4)), (9, from(5))],
            "the receipt no backup holds, and pending 3, 4, 5, follow the last id given out"
        );
        assert_eq!(o.rejected().count(), 1, "a refusal stays for its author");
        assert_eq!(o.last_id, 9);
        assert_eq!(o.with_new("x", 1, "p", json!({}), 0).1, 10);
    }

    #[test]
    fn entries_keep_their_shape_in_storage() {
        let (o, _) = Outbox::new("c").with_new("visit.check_in", 1, "p", json!({"a": 1}), 5);
        let s = serde_json::to_string(&o).unwrap();
        assert!(s.contains("\"state\":\"pending\""));
        let back: Outbox = serde_json::from_str(&s).unwrap();
        assert_eq!(back, o);
    }

    #[test]
    fn the_previous_builds_outbox_and_view_still_read() {
        // As the build before protocol 2 stored them.
        let old = r#"{"client_id":"c","last_id":2,"entries":[
            {"mutation":{"id":1,"name":"visit.check_in","v":2,"author":"p","args":{"id":"a"},"client_time":5},"state":"acked","at":9,"attempts":1},
            {"mutation":{"id":2,"name":"visit.check_out","v":1,"author":"p","args":{"visit_id":"a"},"client_time":6},"state":"pending","attempts":0}]}"#;
        let o: Outbox = serde_json::from_str(old).unwrap();
        assert_eq!((o.pending(), o.batch(&LIMITS)[0].id), (1, 2));
        let view: View =
            serde_json::from_str(r#"{"cursor":41,"last_mutation_id":1,"person":"p","rows":{}}"#)
                .unwrap();
        assert_eq!(
            view.cursor.as_ref().and_then(Cursor::read),
            None,
            "an old cursor means a fresh pull"
        );
    }

    fn clock(est: i64, mono: bool) -> Option<MadeClock> {
        Some(MadeClock {
            est,
            mono,
            contact: 0,
            behind: 0,
        })
    }

    #[test]
    fn a_record_made_hours_before_its_push_keeps_its_hour() {
        let (made, now) = (10 * H, 13 * H);
        let p = place(made, clock(made, true), Some(now), now + 300, 0);
        assert_eq!(
            p,
            Placed {
                at: made,
                flag: None
            }
        );
    }

    #[test]
    fn a_phone_slow_by_hours_is_placed_at_the_true_time_and_flagged() {
        let (truth, slow) = (10 * H, 3 * H);
        // Offset measured at the contact; the phone's clock stayed slow until sending.
        let p = place(
            truth - slow,
            clock(truth, false),
            Some(12 * H - slow),
            12 * H,
            0,
        );
        assert_eq!(
            p,
            Placed {
                at: truth,
                flag: Some(ClockFlag::Skewed)
            }
        );
        // A build that sent no estimate: the send-based one alone.
        let p = place(truth - slow, None, Some(12 * H - slow), 12 * H, 0);
        assert_eq!(p.at, truth);
    }

    #[test]
    fn a_clock_reset_to_1970_after_a_flat_battery() {
        // Made right, then the clock reset before sending: the send-based estimate lies beyond
        // the arrival, the phone's own is inside.
        let p = place(10 * H, clock(10 * H, false), Some(5 * M), 12 * H, 9 * H);
        assert_eq!(
            p,
            Placed {
                at: 10 * H,
                flag: Some(ClockFlag::Changed)
            }
        );
        // Reset first, made and sent in 1970 (the app reloaded, so no monotonic estimate).
        let p = place(M, clock(M, false), Some(2 * H + M), 12 * H, 9 * H);
        assert_eq!(
            p,
            Placed {
                at: 10 * H,
                flag: Some(ClockFlag::Changed)
            }
        );
    }

    #[test]
    fn a_clock_turned_back_to_make_a_late_round_look_on_time() {
        // 23:00, the phone turned back to 20:30 while the app ran: monotonic time holds.
        let p = place(
            20 * H + 30 * M,
            clock(23 * H, true),
            Some(23 * H + 5 * M),
            23 * H + 5 * M,
            19 * H,
        );
        assert_eq!(
            p,
            Placed {
                at: 23 * H,
                flag: Some(ClockFlag::Changed)
            }
        );
        // The app reloaded, turned back and left back: the later estimate wins.
        let p = place(
            20 * H + 30 * M,
            clock(20 * H + 30 * M, false),
            Some(20 * H + 35 * M),
            23 * H + 5 * M,
            19 * H,
        );
        assert_eq!(
            p,
            Placed {
                at: 23 * H,
                flag: Some(ClockFlag::Changed)
            }
        );
        // Turned back, made, turned forward again: the app saw 22:50 on the clock before.
        let c = MadeClock {
            est: 20 * H + 30 * M,
            mono: false,
            contact: 19 * H,
            behind: 2 * H + 20 * M,
        };
        let p = place(
            20 * H + 30 * M,
            Some(c),
            Some(23 * H + 5 * M),
            23 * H + 5 * M,
            19 * H,
        );
        assert_eq!(
            p,
            Placed {
                at: 22 * H + 50 * M,
                flag: Some(ClockFlag::Changed)
            }
        );
    }

    #[test]
    fn never_before_the_previous_record_nor_after_arrival() {
        let p = place(5 * H, None, None, 12 * H, 8 * H);
        assert_eq!(
            p,
            Placed {
                at: 8 * H,
                flag: Some(ClockFlag::Bounded)
            }
        );
        let p = place(15 * H, None, None, 12 * H, 8 * H);
        assert_eq!(
            p,
            Placed {
                at: 12 * H,
                flag: Some(ClockFlag::Bounded)
            }
        );
        // A lower bound past the arrival (a lying contact) still ends at the arrival.
        let c = MadeClock {
            est: 11 * H,
            mono: true,
            contact: 20 * H,
            behind: 0,
        };
        assert_eq!(place(11 * H, Some(c), Some(12 * H), 12 * H, 0).at, 12 * H);
    }

    #[test]
    fn a_record_from_1970_with_nothing_else_to_go_by_is_held_to_a_month() {
        let now = 1_796_000_000_000;
        let p = place(60_000, None, None, now, 0);
        assert_eq!(
            p,
            Placed {
                at: now - MAX_OFFLINE_MS,
                flag: Some(ClockFlag::Bounded)
            }
        );
    }

    #[test]
    fn the_next_person_goes_on_from_what_the_phone_holds() {
        let a = Scope::new(&[Role::Guard], &["main".into()]);
        let b = Scope::new(
            &[Role::Guard, Role::Caretaker],
            &["hc".into(), "main".into()],
        );
        let at = |after: Option<(String, String)>| Cursor {
            epoch: "e".into(),
            scope: a.clone(),
            version: 40,
            after,
            had: None,
        };
        let next = at(None).rescoped(b.clone());
        assert_eq!(
            (next.version, next.scope, next.had),
            (0, b.clone(), Some((a.clone(), 40)))
        );
        // Halfway through version 40 only 39 is whole.
        let next = at(Some(("visit".into(), "v-1".into()))).rescoped(b);
        assert_eq!(next.had, Some((a, 39)));
        let keep: Kept = vec![
            ("visit".into(), Some(vec!["main".into()])),
            ("site".into(), None),
        ];
        assert!(keeps(&keep, "visit", "main"));
        assert!(!keeps(&keep, "visit", "hc"));
        assert!(keeps(&keep, "site", "*"));
        assert!(!keeps(&keep, "boiler_reading", "main"));
    }

    #[test]
    fn cursors_round_trip() {
        let c = Cursor {
            epoch: "e".into(),
            scope: Scope::new(&[Role::Guard], &["s".into()]),
            version: 7,
            after: Some(("rect".into(), "r-1".into())),
            had: None,
        };
        let r: PullRequest =
            serde_json::from_value(json!({"client_id": "c", "cursor": c.to_value()})).unwrap();
        assert_eq!(r.cursor.as_ref().and_then(Cursor::read), Some(c));
        let r: PullRequest =
            serde_json::from_value(json!({"client_id": "c", "cursor": 12})).unwrap();
        assert_eq!(r.cursor.as_ref().and_then(Cursor::read), None);
    }
}
