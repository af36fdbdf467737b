//! Property tests of the sync core over random schedules: saves, sends, duplicated, dropped and
//! reordered requests, answers lost after the server committed, crashes before the local
//! write, app updates (the outbox re-read from storage) mid-queue, two people on one phone;
//! and the conditions a phone lives in: hours between making and sending, phone clocks off by
//! hours or changed between making and sending, the app closed and reopened, limits by count
//! and bytes (and a server that lowers them), records the server does not know yet, many rows
//! stamped with one version across page cuts, a change of a person's scope, a phone enrolled
//! again, a server restored from its last backup, and forged authors (a person on a shared
//! phone who edits the stored outbox to name the other person as a record's author).
//!
//! The server here is a model that uses the same rules as the real one (`app::sync::step`,
//! `place`, `Cursor::before`, `Cursor::rescoped`,
//! `cut_page`, `keeps`) and the same outbox and clock estimate as the phone;
//! the real server is exercised by the integration tests in `server/tests`.
//!
//! `GUARDPOST_SCHEDULES` sets how many schedules run (CI: 10,000; `make soak`: 100,000).

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use app::phone::clock::estimate;
use app::sync::*;
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const MIN: i64 = 60 * 1000;
const HOUR: i64 = 60 * MIN;
/// A small page and small limits, so schedules cut pages and batches often.
const PAGE: usize = 4;
const MODEL_LIMITS: Limits = Limits {
    batch: 5,
    batch_bytes: 2 * 1024 + ENVELOPE_BYTES,
    mutation_bytes: 700,
};
const ENTITIES: [&str; 2] = ["a", "b"];
/// The model server's author key.
const KEY: [u8; 32] = [5; 32];

/// What a person's phone signs with on `client` (one generation in the model).
fn secret(person: &str, client: &str) -> [u8; 32] {
    app::proof::author_secret(&KEY, person, client, 0)
}

/// Proven as the real server proves it: bound to where it was signed, made with its author's
/// secret. (Holding records of a revoked phone for a supervisor is the integration tests'.)
/// (The model marks `changed` in the args as it sends, after the phone signed them: that
/// mark is the model's, not the phone's, so either value of it is taken.)
fn proven(m: &Mutation, client: &str) -> bool {
    m.proof.as_ref().is_some_and(|p| {
        ((p.c == client && p.n == m.id) || m.replay_of.contains(&p.signed_as()))
            && [false, true].into_iter().any(|changed| {
                let mut signed = m.clone();
                if signed.args.get("changed").is_some() {
                    signed.args["changed"] = json!(changed);
                }
                app::proof::verify(&secret(&m.author, &p.c), &signed, p)
            })
    })
}

#[derive(Clone, Default)]
struct ClientRow {
    last: u64,
    last_made_at: i64,
    contact_at: i64,
    contact_made_up_to: u64,
    backed_up_to: u64,
    revoked: bool,
    /// An earlier record of this client was placed away from its true time: later ones may be
    /// held to it (never before their previous record).
    tainted: bool,
}

#[derive(Clone, Debug)]
struct Rec {
    version: i64,
    entity: usize,
    site: u8,
    author: String,
    stamp: u32,
    gone: bool,
}

#[derive(Clone)]
struct ServerModel {
    clients: BTreeMap<String, ClientRow>,
    /// (client, id) → outcome, written once.
    outcomes: BTreeMap<(String, u64), (Status, Option<String>)>,
    records: BTreeMap<String, Rec>,
    /// How many times each record id was created in this server's history (restores rewind it).
    created: BTreeMap<String, u32>,
    version: i64,
    epoch: u32,
    /// The sites each person may see.
    scope: BTreeMap<String, BTreeSet<u8>>,
    limits: Limits,
    /// Knows the mutation a newer build makes.
    upgraded: bool,
    backup: Option<Box<ServerModel>>,
}

enum Answer {
    Ok(PushResponse),
    TooLarge(Limits),
    Refused,
}

impl ServerModel {
    fn new() -> Self {
        ServerModel {
            clients: BTreeMap::new(),
            outcomes: BTreeMap::new(),
            records: BTreeMap::new(),
            created: BTreeMap::new(),
            version: 0,
            epoch: 1,
            scope: BTreeMap::new(),
            limits: MODEL_LIMITS,
            upgraded: false,
            backup: None,
        }
    }

    /// An enrolment is not a contact for the records' times: what waits on a phone enrolled
    /// again was made before it.
    fn enrol(&mut self, client: &str, resume_after: u64) {
        self.clients.insert(
            client.to_string(),
            ClientRow {
                last: resume_after,
                contact_made_up_to: resume_after,
                ..ClientRow::default()
            },
        );
    }

    fn known(&self, m: &Mutation) -> bool {
        m.name == "visit.check_in" || m.name == SKIP || (self.upgraded && m.name == "future.record")
    }

    fn push(&mut self, req: &PushRequest, arrival: i64) -> Answer {
        let Some(mut client) = self.clients.get(&req.client_id).cloned() else {
            return Answer::Refused;
        };
        if client.revoked {
            return Answer::Refused;
        }
        let bytes = serde_json::to_string(req).unwrap().len();
        if req.mutations.len() > self.limits.batch || bytes > self.limits.batch_bytes {
            return Answer::TooLarge(self.limits);
        }
        let mut results = Vec::new();
        let (mut gap_expected, mut server_behind) = (None, None);
        for m in &req.mutations {
            match step(client.last, m.id) {
                Step::Gap { expected } => {
                    gap_expected = Some(expected);
                    break;
                }
                Step::Duplicate => {
                    let first = self.outcomes.get(&(req.client_id.clone(), m.id)).cloned();
                    results.push(MutationResult {
                        id: m.id,
                        status: Status::Duplicate,
                        original: first.as_ref().map(|f| f.0),
                        code: first.and_then(|f| f.1),
                        message: None,
                        field: None,
                    });
                }
                Step::Apply if !self.known(m) => {
                    server_behind = Some(m.id);
                    break;
                }
                Step::Apply
                    if m.replay_of
                        .iter()
                        .any(|r| self.outcomes.contains_key(&origin(r))) =>
                {
                    // Carried over from an earlier enrolment that has it: its duplicate.
                    let first = m
                        .replay_of
                        .iter()
                        .find_map(|r| self.outcomes.get(&origin(r)))
                        .cloned()
                        .unwrap();
                    self.outcomes
                        .insert((req.client_id.clone(), m.id), first.clone());
                    client.last = m.id;
                    results.push(MutationResult {
                        id: m.id,
                        status: Status::Duplicate,
                        original: Some(first.0),
                        code: first.1,
                        message: None,
                        field: None,
                    });
                }
                Step::Apply => {
                    let lower = if m.id > client.contact_made_up_to {
                        client.last_made_at.max(client.contact_at)
                    } else {
                        client.last_made_at
                    };
                    let placed = place(m.client_time, m.clock, req.sent_at, arrival, lower);
                    assert!(placed.at <= arrival, "placed after its arrival");
                    assert!(
                        placed.at >= client.last_made_at,
                        "placed before the previous record"
                    );
                    let (status, code) = if m.name == SKIP {
                        (Status::Rejected, Some("skipped".to_string()))
                    } else if m.oversized.is_some() || m.wire_bytes() > self.limits.mutation_bytes {
                        (Status::Rejected, Some("too_large".to_string()))
                    } else if !proven(m, &req.client_id) {
                        (Status::Rejected, Some("author_unproven".to_string()))
                    } else if m.args["bad"] == json!(true) {
                        (Status::Rejected, Some("invalid".to_string()))
                    } else {
                        let id = m.args["id"].as_str().unwrap().to_string();
                        if self.records.contains_key(&id) {
                            (Status::Rejected, Some("exists".to_string()))
                        } else {
                            *self.created.entry(id.clone()).or_default() += 1;
                            self.version += 1;
                            self.records.insert(
                                id,
                                Rec {
                                    version: self.version,
                                    entity: m.args["entity"].as_u64().unwrap() as usize,
                                    site: m.args["site"].as_u64().unwrap() as u8,
                                    author: m.author.clone(),
                                    stamp: 0,
                                    gone: false,
                                },
                            );
                            (Status::Applied, None)
                        }
                    };
                    if m.name != SKIP {
                        check_time(&mut client, m, placed);
                    }
                    let first = self
                        .outcomes
                        .insert((req.client_id.clone(), m.id), (status, code.clone()));
                    assert!(first.is_none(), "a mutation was applied twice");
                    client.last = m.id;
                    if m.name != SKIP {
                        client.last_made_at = client.last_made_at.max(placed.at);
                    }
                    results.push(MutationResult {
                        id: m.id,
                        status,
                        original: None,
                        code,
                        message: None,
                        field: None,
                    });
                }
            }
        }
        if let Some(upto) = req.made_up_to {
            client.contact_at = arrival;
            client.contact_made_up_to = client.contact_made_up_to.max(upto);
        }
        let resp = PushResponse {
            last_mutation_id: client.last,
            results,
            gap_expected,
            server_behind,
            backed_up_to: client.backed_up_to,
            limits: self.limits.to_value(),
            server_time: arrival,
        };
        self.clients.insert(req.client_id.clone(), client);
        Answer::Ok(resp)
    }

    /// One write that stamps up to `n` rows with one version (the retention job, the hourly
    /// escalation); `del` removes them instead (anonymised).
    fn stamp(&mut self, n: usize, del: bool) {
        self.version += 1;
        let v = self.version;
        for r in self.records.values_mut().filter(|r| !r.gone).take(n) {
            r.version = v;
            r.stamp += 1;
            r.gone = del;
        }
    }

    fn scope_of(&self, person: &str) -> BTreeSet<u8> {
        self.scope
            .get(person)
            .cloned()
            .unwrap_or_else(|| [0, 1].into())
    }

    fn pull(
        &mut self,
        client_id: &str,
        person: &str,
        req: (Option<serde_json::Value>, u64),
        now: i64,
    ) -> Option<PullResponse> {
        let (cursor, made_up_to) = req;
        let cursor = cursor.as_ref().and_then(Cursor::read);
        let client = self.clients.get(client_id)?;
        if client.revoked {
            return None;
        }
        let sites = self.scope_of(person);
        let scope = Scope {
            roles: Vec::new(),
            sites: sites.iter().map(u8::to_string).collect(),
        };
        let epoch = self.epoch.to_string();
        let cursor = cursor.filter(|c| {
            c.epoch == epoch
                && c.version <= self.version
                && c.after
                    .as_ref()
                    .is_none_or(|(e, _)| ENTITIES.contains(&e.as_str()))
        });
        // As the server: another person's cursor goes on from 0, less what the phone holds.
        let (start, reset, keep) = match cursor {
            None => (Cursor::default(), true, None),
            Some(c) if c.scope == scope => (c, false, None),
            Some(c) => {
                let keep: Kept = ENTITIES
                    .iter()
                    .map(|e| (e.to_string(), Some(scope.sites.clone())))
                    .collect();
                (c.rescoped(scope.clone()), false, Some(keep))
            }
        };
        let had = |r: &Rec| {
            start
                .had
                .as_ref()
                .is_some_and(|(s, v)| r.version <= *v && s.sites.contains(&r.site.to_string()))
        };
        let ci = start
            .after
            .as_ref()
            .and_then(|(e, _)| ENTITIES.iter().position(|x| x == e));
        let mut all = Vec::new();
        let mut full = false;
        for (ei, name) in ENTITIES.iter().enumerate() {
            let mut part: Vec<(i64, String, &Rec)> = self
                .records
                .iter()
                .filter(|(id, r)| {
                    r.entity == ei
                        && sites.contains(&r.site)
                        && start.before(ci, ei, r.version, id)
                        && !had(r)
                })
                .map(|(id, r)| (r.version, id.clone(), r))
                .collect();
            part.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            part.truncate(PAGE + 1);
            full |= part.len() > PAGE;
            part.truncate(PAGE);
            for (v, id, r) in part {
                all.push((
                    ei,
                    Change {
                        entity: name.to_string(),
                        id,
                        op: if r.gone { Op::Del } else { Op::Put },
                        version: v,
                        data: if r.gone {
                            serde_json::Value::Null
                        } else {
                            json!({"author": r.author, "stamp": r.stamp, "site_id": r.site.to_string()})
                        },
                    },
                ));
            }
        }
        let head = Cursor {
            epoch,
            scope,
            version: self.version.max(start.version),
            after: None,
            had: start.had.clone(),
        };
        let (changes, mut next, has_more) = cut_page(all, full, PAGE, head);
        if next
            .had
            .as_ref()
            .is_some_and(|(_, v)| next.complete_to() >= *v)
        {
            next.had = None;
        }
        if let Some(c) = self.clients.get_mut(client_id) {
            c.contact_at = now;
            c.contact_made_up_to = c.contact_made_up_to.max(made_up_to);
        }
        let client = &self.clients[client_id];
        Some(PullResponse {
            cursor: next.to_value(),
            last_mutation_id: client.last,
            changes,
            reset,
            has_more,
            backed_up_to: client.backed_up_to,
            server_time: now,
            forget: Vec::new(),
            settled: Vec::new(),
            keep,
        })
    }

    /// A finished backup: a copy of everything, and each client's last id it holds.
    fn back_up(&mut self) {
        let mut copy = self.clone();
        copy.backup = None;
        for c in self.clients.values_mut() {
            c.backed_up_to = c.last;
        }
        for c in copy.clients.values_mut() {
            c.backed_up_to = c.last;
        }
        self.backup = Some(Box::new(copy));
    }

    /// Restored from the last backup: a new cursor epoch.
    fn restore(&mut self) {
        if let Some(b) = self.backup.take() {
            let epoch = self.epoch + 1;
            let (limits, upgraded) = (self.limits, self.upgraded);
            *self = (*b).clone();
            self.epoch = epoch;
            self.limits = limits;
            self.upgraded = upgraded;
            self.backup = Some(b);
        }
    }
}

/// `client/id` as a key of `outcomes`.
fn origin(r: &str) -> (String, u64) {
    let (c, id) = r.rsplit_once('/').unwrap();
    (c.to_string(), id.parse().unwrap())
}

/// What the model knows of how a record was made: its true time, the phone's clock offset,
/// whether its clock changed between the contact its estimate came from and the sending, and
/// whether that estimate ran on monotonic time.
fn check_time(client: &mut ClientRow, m: &Mutation, placed: Placed) {
    let Some(truth) = m.args["truth"].as_i64() else {
        // Sent without its args (too large): nothing to judge it by, and what follows it may
        // be held to where it was placed.
        client.tainted = true;
        return;
    };
    let offset = m.args["offset"].as_i64().unwrap();
    let changed = m.args["changed"].as_bool().unwrap();
    let exact = (placed.at - truth).abs() <= CLOCK_AGREE_MS;
    if m.clock.is_some() && !changed && !client.tainted {
        // A phone whose clock did not change keeps the hour the record was made, flagged only
        // when its clock is off.
        assert!(
            exact,
            "a record made with a steady clock lost its time: {placed:?} vs {truth}"
        );
        let skewed = offset.abs() > MAX_CLOCK_SKEW_MS;
        assert_eq!(placed.flag.is_some(), skewed, "{placed:?}, offset {offset}");
    } else if m.clock.is_some_and(|c| c.mono) && !client.tainted {
        // With the app running since the contact, a changed clock is caught or harmless.
        assert!(
            exact || placed.flag.is_some(),
            "a changed clock went unseen: {placed:?} vs {truth}"
        );
    }
    if !exact {
        client.tainted = true;
    }
}

struct Phone {
    /// What is in local storage: the only state that survives a crash or an update.
    stored: String,
    /// Records saved (that reached storage): their id, refused by rule, too big for the
    /// server's lowered limit.
    saved: Vec<(String, bool)>,
    view: View,
    limits: Limits,
    /// The phone's clock runs this far from the truth.
    offset: i64,
    /// The last contact, as `gp.clock` keeps it: the server's time and the phone's clock then.
    anchor: Option<(i64, i64)>,
    /// The same contact carried by monotonic time (the page still running): the server's time
    /// and the true time then.
    mono: Option<(i64, i64)>,
    /// The latest time the app saw on the phone's clock since the contact.
    seen: i64,
    open: bool,
    /// Clock changes so far; and how many there were at the contact.
    jumps: u32,
    jumps_at_contact: u32,
    enrolments: u32,
}

impl Phone {
    fn outbox(&self) -> Outbox {
        serde_json::from_str(&self.stored).unwrap()
    }
    fn store(&mut self, o: &Outbox) {
        self.stored = serde_json::to_string(o).unwrap();
    }
    fn clock(&self, truth: i64) -> i64 {
        truth + self.offset
    }
    fn contact(&mut self, server_time: i64, truth: i64) {
        self.anchor = Some((server_time, self.clock(truth)));
        self.mono = self.open.then_some((server_time, truth));
        self.seen = self.clock(truth);
        self.jumps_at_contact = self.jumps;
    }
    fn person(&self, phone: usize) -> String {
        format!("person-{phone}-0")
    }
}

#[derive(Clone, Debug)]
enum Act {
    /// A person (0 or 1 of this phone) saves a record; `bad` ones the server refuses; `long`
    /// ones fit the server's first limit but not a lowered one; `future` ones are a kind a
    /// newer build makes; `crash` means the phone died before the local write.
    Save {
        phone: usize,
        person: usize,
        /// Signed by `person`, but the stored outbox was edited to name the phone's other
        /// person as its author.
        forged: bool,
        bad: bool,
        long: bool,
        future: bool,
        crash: bool,
        entity: usize,
        site: u8,
    },
    Send {
        phone: usize,
    },
    Deliver {
        req: usize,
        lose_answer: bool,
    },
    Answer {
        resp: usize,
    },
    DropRequest {
        req: usize,
    },
    /// The app is updated: the outbox is read back from storage by new code.
    Update {
        phone: usize,
    },
    Pull {
        phone: usize,
    },
    /// Time passes (hours offline, a night).
    Tick {
        minutes: i64,
    },
    /// The phone's clock is changed (turned back or forward, reset to 1970).
    Jump {
        phone: usize,
        by: i64,
    },
    /// The app is closed and opened again (monotonic time starts afresh).
    Reopen {
        phone: usize,
    },
    /// The server lowers its limits (a new deployment).
    Lower,
    /// The server is updated and knows the newer build's records.
    Upgrade,
    /// One write stamps many rows with one version.
    Stamp {
        n: usize,
        del: bool,
    },
    /// A person's sites change.
    Scope {
        phone: usize,
    },
    Backup,
    Restore,
    /// The phone is revoked and enrolled again.
    Reenrol {
        phone: usize,
    },
}

fn act() -> impl Strategy<Value = Act> {
    let save = (
        (0..3usize, prop::bool::weighted(0.05)),
        0..2usize,
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.05),
        0..2usize,
        0..2u8,
    )
        .prop_map(
            |((phone, forged), person, bad, long, future, crash, entity, site)| Act::Save {
                phone,
                person,
                forged,
                bad,
                long,
                future,
                crash,
                entity,
                site,
            },
        );
    prop_oneof![
        6 => save,
        3 => (0..3usize).prop_map(|phone| Act::Send { phone }),
        3 => (0..8usize, prop::bool::weighted(0.3)).prop_map(|(req, lose_answer)| Act::Deliver { req, lose_answer }),
        3 => (0..8usize).prop_map(|resp| Act::Answer { resp }),
        1 => (0..8usize).prop_map(|req| Act::DropRequest { req }),
        1 => (0..3usize).prop_map(|phone| Act::Update { phone }),
        2 => (0..3usize).prop_map(|phone| Act::Pull { phone }),
        2 => prop_oneof![Just(1i64), Just(20), Just(180), Just(600)].prop_map(|minutes| Act::Tick { minutes }),
        1 => (0..3usize, prop_oneof![Just(-3 * HOUR), Just(3 * HOUR), Just(-30 * MIN), Just(-55 * 365 * 24 * HOUR), Just(90_000i64)])
            .prop_map(|(phone, by)| Act::Jump { phone, by }),
        1 => (0..3usize).prop_map(|phone| Act::Reopen { phone }),
        1 => (1..40usize, prop::bool::weighted(0.2)).prop_map(|(n, del)| Act::Stamp { n, del }),
        1 => (0..3usize).prop_map(|phone| Act::Scope { phone }),
        1 => Just(Act::Backup),
        1 => Just(Act::Restore),
        1 => Just(Act::Lower),
        1 => Just(Act::Upgrade),
        1 => (0..3usize).prop_map(|phone| Act::Reenrol { phone }),
    ]
}

/// The phone's own way of showing a record it made (what each `app::record::Record::show` does for real types).
fn show(rows: &mut Rows, m: &Mutation) {
    if m.name == SKIP {
        return;
    }
    let e = ENTITIES[m.args["entity"].as_u64().unwrap() as usize];
    rows.pulled_mut(e).insert(
        m.args["id"].as_str().unwrap().to_string(),
        json!({"author": m.author, "stamp": 0}),
    );
}

/// Right after a pull, the phone shows every record it saved that was neither refused nor
/// removed, once; nothing refused; and nothing that is neither on the server nor in its outbox.
fn check_optimistic_view(p: &Phone, server: &ServerModel) {
    let o = p.outbox();
    let shown = p.view.optimistic(&o, show);
    let ids = |rows: &Rows| -> BTreeSet<String> {
        rows.iter().map(|(_, id, _)| id.to_string()).collect()
    };
    let shown_ids = ids(&shown);
    for e in &o.entries {
        let id = e.mutation.args["id"].as_str().unwrap_or_default();
        if e.state == EntryState::Pending
            && e.mutation.name != SKIP
            && e.mutation.args["bad"] != json!(true)
        {
            assert!(
                shown_ids.contains(id),
                "a record waiting to be sent is missing"
            );
        }
        if matches!(e.state, EntryState::Rejected { .. }) && !server.records.contains_key(id) {
            assert!(!shown_ids.contains(id), "a refused record is shown as done");
        }
    }
    let outbox_ids: BTreeSet<&str> = o
        .entries
        .iter()
        .filter_map(|e| e.mutation.args["id"].as_str())
        .collect();
    for id in &shown_ids {
        assert!(server.records.contains_key(id) || outbox_ids.contains(id.as_str()));
    }
}

/// Pulls to the end; `false` when the server would not answer (the phone not enrolled there).
fn pull_all(p: &mut Phone, phone: usize, server: &mut ServerModel, truth: i64) -> bool {
    for _ in 0..10_000 {
        let client = p.outbox().client_id;
        let Some(resp) = server.pull(
            &client,
            &p.person(phone),
            (p.view.cursor.clone(), p.outbox().last_id),
            truth,
        ) else {
            return false;
        };
        p.contact(resp.server_time, truth);
        let mut o = p.outbox();
        o.on_pull(resp.last_mutation_id, resp.backed_up_to);
        p.store(&o);
        p.view.apply(&resp);
        if !resp.has_more {
            return true;
        }
    }
    panic!("a pull that never ends");
}

fn send(p: &mut Phone, truth: i64) -> Option<PushRequest> {
    let mut o = p.outbox();
    let batch = o.batch(&p.limits);
    if batch.is_empty() {
        return None;
    }
    o.mark_sent(&batch.iter().map(|m| m.id).collect::<Vec<_>>());
    p.store(&o);
    Some(PushRequest {
        client_id: o.client_id.clone(),
        protocol: PROTOCOL,
        app_build: "b".into(),
        sent_at: Some(p.clock(truth)),
        made_up_to: Some(o.last_id),
        waiting: None,
        mutations: batch,
    })
}

/// The phone reads an answer as `outbox::flush` does.
fn take_answer(p: &mut Phone, a: &Answer, sent: usize, truth: i64, rtt: i64) {
    match a {
        Answer::Ok(r) => {
            if rtt <= app::phone::clock::MAX_RTT_MS {
                p.contact(r.server_time + rtt / 2, truth);
            }
            let mut o = p.outbox();
            o.on_push_response(r, p.clock(truth));
            o.prune();
            p.store(&o);
            p.limits = Limits::read(&r.limits);
        }
        Answer::TooLarge(l) => {
            p.limits = *l;
            p.limits.batch = (sent / 2).max(1).min(l.batch);
        }
        Answer::Refused => {}
    }
}

fn run(acts: Vec<Act>) {
    let mut truth: i64 = 1_795_000_000_000;
    let mut server = ServerModel::new();
    let mut phones: Vec<Phone> = (0..3)
        .map(|i| {
            let id = format!("client-{i}-0");
            server.enrol(&id, 0);
            let o = Outbox::new(id);
            Phone {
                stored: serde_json::to_string(&o).unwrap(),
                saved: Vec::new(),
                view: View::default(),
                limits: MODEL_LIMITS,
                // One phone's clock is three hours slow from the start.
                offset: if i == 2 { -3 * HOUR } else { 0 },
                anchor: None,
                mono: None,
                seen: 0,
                open: true,
                jumps: 0,
                jumps_at_contact: 0,
                enrolments: 0,
            }
        })
        .collect();
    // Requests in the network (can be delivered twice, in any order) and answers on the way
    // back, each with the true time it was sent.
    let mut requests: Vec<(usize, PushRequest, i64)> = Vec::new();
    let mut answers: Vec<(usize, Answer, usize, i64)> = Vec::new();
    let mut uuid = 0u64;

    for a in acts {
        match a {
            Act::Save {
                phone,
                person,
                forged,
                bad,
                long,
                future,
                crash,
                entity,
                site,
            } => {
                uuid += 1;
                let p = &mut phones[phone];
                let now = p.clock(truth);
                let carried = p.mono.map(|(server, t0)| (server, truth - t0));
                let clock = estimate(now, p.anchor, carried, p.seen);
                p.seen = p.seen.max(now);
                let pad = if long {
                    "字".repeat(120)
                } else {
                    String::new()
                };
                let id = format!("r{uuid:05}");
                let (mut next, _) = p.outbox().with_new(
                    if future {
                        "future.record"
                    } else {
                        "visit.check_in"
                    },
                    1,
                    &format!("person-{phone}-{person}"),
                    json!({"id": id, "bad": bad, "entity": entity, "site": site, "pad": pad,
                           "truth": truth, "offset": p.offset, "jumps": p.jumps,
                           "changed": p.jumps != p.jumps_at_contact}),
                    now,
                );
                let signer = format!("person-{phone}-{person}");
                let client = next.client_id.clone();
                let m = &mut next.entries.last_mut().unwrap().mutation;
                m.clock = clock;
                m.proof = Some(app::proof::sign(
                    &secret(&signer, &client),
                    m,
                    &client,
                    m.id,
                    0,
                ));
                if forged {
                    m.author = format!("person-{phone}-{}", 1 - person);
                }
                if !crash {
                    p.store(&next);
                    p.saved.push((id, bad || forged));
                }
            }
            Act::Send { phone } => {
                if let Some(req) = send(&mut phones[phone], truth) {
                    // Sent with a clock changed since the save: the model's "changed" flag
                    // must cover changes up to the sending.
                    let p = &phones[phone];
                    let req = mark_changed(req, p);
                    requests.push((phone, req, truth));
                }
            }
            Act::Deliver { req, lose_answer } => {
                if let Some((phone, r, sent)) = requests.get(req % requests.len().max(1)).cloned() {
                    let n = r.mutations.len();
                    let answer = server.push(&r, truth);
                    if !lose_answer {
                        answers.push((phone, answer, n, sent));
                    }
                }
            }
            Act::Answer { resp } => {
                if !answers.is_empty() {
                    let (phone, a, n, sent) = answers.remove(resp % answers.len());
                    take_answer(&mut phones[phone], &a, n, truth, truth - sent);
                }
            }
            Act::DropRequest { req } => {
                if !requests.is_empty() {
                    requests.remove(req % requests.len());
                }
            }
            Act::Update { phone } => {
                // New code reads what old code stored; it must keep every entry.
                let p = &mut phones[phone];
                let before = p.outbox();
                let reread: Outbox =
                    serde_json::from_value(serde_json::to_value(&before).unwrap()).unwrap();
                assert_eq!(reread, before);
                p.store(&reread);
            }
            Act::Pull { phone } => {
                let p = &mut phones[phone];
                if pull_all(p, phone, &mut server, truth) {
                    check_optimistic_view(p, &server);
                }
            }
            Act::Tick { minutes } => {
                // What was on its way times out: a request takes seconds, not minutes.
                requests.clear();
                answers.clear();
                truth += minutes * MIN;
                for p in phones.iter_mut().filter(|p| p.open) {
                    p.seen = p.seen.max(p.clock(truth));
                }
            }
            Act::Jump { phone, by } => {
                let p = &mut phones[phone];
                if p.open {
                    p.seen = p.seen.max(p.clock(truth));
                }
                p.offset += by;
                p.jumps += 1;
            }
            Act::Reopen { phone } => {
                let p = &mut phones[phone];
                p.mono = None;
                p.open = true;
            }
            Act::Lower => {
                server.limits = Limits {
                    batch: 3,
                    batch_bytes: 1500 + ENVELOPE_BYTES,
                    mutation_bytes: 500,
                };
            }
            Act::Upgrade => server.upgraded = true,
            Act::Stamp { n, del } => server.stamp(n, del),
            Act::Scope { phone } => {
                let person = phones[phone].person(phone);
                let mut s = server.scope_of(&person);
                if !s.remove(&1) {
                    s.insert(1);
                }
                server.scope.insert(person, s);
            }
            Act::Backup => server.back_up(),
            Act::Restore => {
                // The server is stopped to be restored: what was on its way is cut.
                requests.clear();
                answers.clear();
                server.restore();
            }
            Act::Reenrol { phone } => reenrol(&mut phones[phone], phone, &mut server),
        }
    }

    // Quiet: the network works again, the server is updated; every phone sends until nothing
    // is pending, then pulls. A restored server gets what it lost from the phones' receipts.
    server.upgraded = true;
    for _ in 0..3 {
        for (i, p) in phones.iter_mut().enumerate() {
            let known = server.clients.get(&p.outbox().client_id);
            if known.is_none_or(|c| c.revoked) {
                // Told it is not enrolled (revoked, or unknown to a server restored from
                // before its enrolment): a supervisor enrols it again.
                reenrol(p, i, &mut server);
            }
            for _ in 0..1000 {
                let Some(req) = send(p, truth) else { break };
                let req = mark_changed(req, p);
                let n = req.mutations.len();
                let a = server.push(&req, truth);
                if matches!(a, Answer::Refused) {
                    // Revoked, or unknown to a server restored from before its enrolment: a
                    // supervisor enrols it again.
                    reenrol(p, i, &mut server);
                    continue;
                }
                take_answer(p, &a, n, truth, 0);
            }
            pull_all(p, i, &mut server, truth);
        }
    }
    for p in phones.iter() {
        assert_eq!(p.outbox().pending(), 0, "everything saved was settled");
    }

    for (i, p) in phones.iter().enumerate() {
        let o = p.outbox();
        // No gaps: the server holds an outcome for every id of this client up to its last.
        let client = &server.clients[&o.client_id];
        let ids: Vec<u64> = server
            .outcomes
            .keys()
            .filter(|(c, _)| *c == o.client_id)
            .map(|(_, id)| *id)
            .collect();
        let first = ids.first().copied().unwrap_or(client.last + 1);
        assert_eq!(
            ids,
            (first..=client.last).collect::<Vec<_>>(),
            "ids without gaps"
        );
        // Every saved record: on the server exactly once, or refused with the refusal shown.
        for (id, bad) in &p.saved {
            let on_server = server.records.contains_key(id);
            let created = server.created.get(id).copied().unwrap_or(0);
            assert!(created <= 1, "a record was created twice");
            let entry = o
                .entries
                .iter()
                .find(|e| e.mutation.args["id"].as_str() == Some(id));
            let refused = entry.is_some_and(|e| matches!(e.state, EntryState::Rejected { .. }));
            if *bad {
                assert!(
                    !on_server && refused,
                    "a refused record is shown as refused"
                );
            } else {
                assert!(on_server || refused, "a saved record was lost: {id}");
                if refused && !on_server {
                    let code = match &entry.unwrap().state {
                        EntryState::Rejected { code, .. } => code.clone(),
                        _ => unreachable!(),
                    };
                    assert_eq!(code, "too_large", "refused only for its size");
                }
            }
        }
        // After quiet, every phone's view equals the server's, in its person's scope.
        let sites = server.scope_of(&p.person(i));
        let mut want: Rows = Rows::new();
        for (id, r) in server
            .records
            .iter()
            .filter(|(_, r)| !r.gone && sites.contains(&r.site))
        {
            want.pulled_mut(ENTITIES[r.entity]).insert(
                id.clone(),
                json!({"author": r.author, "stamp": r.stamp, "site_id": r.site.to_string()}),
            );
        }
        let mut have = p.view.rows.clone();
        have.drop_empty();
        assert_eq!(have, want, "the phone's view equals the server's");
    }
    // Two people on one phone: each record keeps its author.
    assert!(server
        .records
        .values()
        .all(|r| r.author.starts_with("person-")));
}

/// The phone is revoked and enrolled again, as `outbox::enrolled` does.
fn reenrol(p: &mut Phone, phone: usize, server: &mut ServerModel) {
    let old = p.outbox();
    if let Some(c) = server.clients.get_mut(&old.client_id) {
        c.revoked = true;
    }
    p.enrolments += 1;
    let new_id = format!("client-{phone}-{}", p.enrolments);
    let resume_after = old.last_id;
    server.enrol(&new_id, resume_after);
    let mut o = old;
    o.reenrolled(&new_id, resume_after);
    p.store(&o);
    p.view = View::default();
}

/// Marks in each mutation whether the phone's clock changed between the contact its estimate
/// came from and this sending (what the model judges the placed time by).
fn mark_changed(mut req: PushRequest, p: &Phone) -> PushRequest {
    for m in req.mutations.iter_mut() {
        if !m.args.is_object() {
            continue;
        }
        if m.args["jumps"].as_u64() != Some(p.jumps as u64) {
            m.args["changed"] = json!(true);
        }
    }
    req
}

fn cases() -> u32 {
    std::env::var("GUARDPOST_SCHEDULES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, .. ProptestConfig::default() })]
    #[test]
    fn random_schedules_keep_every_save_exactly_once(acts in prop::collection::vec(act(), 0..120)) {
        run(acts);
    }
}

#[test]
fn two_identical_pushes_at_once_apply_once() {
    let mut server = ServerModel::new();
    server.enrol("c", 0);
    let (mut o, _) = Outbox::new("c").with_new(
        "visit.check_in",
        1,
        "p",
        json!({"id": "r1", "entity": 0, "site": 0, "truth": 0, "offset": 0, "changed": false}),
        0,
    );
    let m = &mut o.entries[0].mutation;
    m.proof = Some(app::proof::sign(&secret("p", "c"), m, "c", 1, 0));
    let req = PushRequest {
        client_id: "c".into(),
        protocol: PROTOCOL,
        app_build: "b".into(),
        sent_at: Some(0),
        made_up_to: Some(1),
        waiting: None,
        mutations: o.batch(&LIMITS),
    };
    let (Answer::Ok(a), Answer::Ok(b)) = (server.push(&req, 0), server.push(&req, 0)) else {
        panic!("refused");
    };
    assert_eq!(a.results[0].status, Status::Applied);
    assert_eq!(b.results[0].status, Status::Duplicate);
    assert_eq!(server.records.len(), 1);
}

/// Schedules the random search found failing once, kept as they were.
#[test]
fn schedules_that_failed_once() {
    let save = |phone, long| Act::Save {
        phone,
        person: 0,
        forged: false,
        bad: false,
        long,
        future: false,
        crash: false,
        entity: 0,
        site: 0,
    };
    let deliver = Act::Deliver {
        req: 0,
        lose_answer: false,
    };
    // A restored server, a batch delivered again after the limits were lowered.
    run(vec![
        save(2, true),
        Act::Send { phone: 2 },
        Act::Backup,
        deliver.clone(),
        Act::Lower,
        Act::Answer { resp: 0 },
        Act::Restore,
        deliver.clone(),
    ]);
    // Enrolled twice, the first resend's answer lost, then restored.
    run(vec![
        save(0, false),
        Act::Reenrol { phone: 0 },
        Act::Backup,
        Act::Send { phone: 0 },
        deliver.clone(),
        Act::Reenrol { phone: 0 },
        Act::Tick { minutes: 1 },
        Act::Send { phone: 0 },
        deliver,
        Act::Answer { resp: 0 },
        Act::Restore,
    ]);
}

/// A restored server that lost two refusals: the phone sends them as skips, which bound no
/// later record's time.
#[test]
fn skips_after_a_restore_do_not_move_later_records() {
    let bad = |phone| Act::Save {
        phone,
        person: 0,
        forged: false,
        bad: true,
        long: false,
        future: false,
        crash: false,
        entity: 0,
        site: 0,
    };
    run(vec![
        bad(0),
        Act::Backup,
        bad(0),
        Act::Jump {
            phone: 0,
            by: -3 * HOUR,
        },
        Act::Send { phone: 0 },
        Act::Deliver {
            req: 0,
            lose_answer: false,
        },
        Act::Answer { resp: 0 },
        Act::Restore,
        Act::Save {
            phone: 0,
            person: 0,
            forged: false,
            bad: false,
            long: false,
            future: false,
            crash: false,
            entity: 0,
            site: 0,
        },
        Act::Tick { minutes: 20 },
    ]);
}

/// A second person on a shared phone names the first as the author of what they save: refused,
/// and the first person's own records all arrive.
#[test]
fn a_forged_author_is_refused_and_nothing_else_is_lost() {
    let save = |person, forged| Act::Save {
        phone: 0,
        person,
        forged,
        bad: false,
        long: false,
        future: false,
        crash: false,
        entity: 0,
        site: 0,
    };
    run(vec![
        save(0, false),
        save(1, true),
        save(0, false),
        save(1, true),
        save(1, false),
        Act::Tick { minutes: 180 },
    ]);
}
