//! Property tests of the sync core over random schedules: saves, sends, duplicated, dropped and
//! reordered requests, answers lost after the server committed, crashes before the local
//! write, app updates (the outbox re-read from storage) mid-queue, two people on one phone.
//!
//! The server here is a model that uses the same rule as the real one (`app::sync::step`) and
//! the same outbox; the real server is exercised by the integration tests in `server/tests`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use app::sync::*;
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Default)]
struct ServerModel {
    last: BTreeMap<String, u64>,
    /// (client, id) → outcome, written once.
    outcomes: BTreeMap<(String, u64), Status>,
    /// Records by id, with the version they were written at.
    records: BTreeMap<String, (i64, serde_json::Value)>,
    version: i64,
    applied_twice: u32,
}

impl ServerModel {
    fn push(&mut self, req: &PushRequest) -> PushResponse {
        let mut results = Vec::new();
        let mut gap_expected = None;
        for m in &req.mutations {
            let last = *self.last.get(&req.client_id).unwrap_or(&0);
            match step(last, m.id) {
                Step::Duplicate => results.push(MutationResult {
                    id: m.id,
                    status: Status::Duplicate,
                    original: self.outcomes.get(&(req.client_id.clone(), m.id)).copied(),
                    code: None,
                    message: None,
                    field: None,
                }),
                Step::Gap { expected } => {
                    gap_expected = Some(expected);
                    break;
                }
                Step::Apply => {
                    // The business rule of the model: a record marked bad is refused.
                    let status = if m.args["bad"] == json!(true) {
                        Status::Rejected
                    } else {
                        let id = m.args["id"].as_str().unwrap().to_string();
                        if self.records.contains_key(&id) {
                            self.applied_twice += 1;
                        }
                        self.version += 1;
                        self.records
                            .insert(id, (self.version, json!({"author": m.author})));
                        Status::Applied
                    };
                    if self
                        .outcomes
                        .insert((req.client_id.clone(), m.id), status)
                        .is_some()
                    {
                        self.applied_twice += 1;
                    }
                    self.last.insert(req.client_id.clone(), m.id);
                    results.push(MutationResult {
                        id: m.id,
                        status,
                        original: None,
                        code: None,
                        message: None,
                        field: None,
                    });
                }
            }
        }
        PushResponse {
            last_mutation_id: *self.last.get(&req.client_id).unwrap_or(&0),
            results,
            gap_expected,
            server_time: 0,
        }
    }

    fn pull(&self, client_id: &str, cursor: Option<i64>) -> PullResponse {
        let from = cursor.unwrap_or(0);
        let mut changes: Vec<Change> = self
            .records
            .iter()
            .filter(|(_, (v, _))| *v > from)
            .map(|(id, (v, data))| Change {
                entity: "visit".into(),
                id: id.clone(),
                op: Op::Put,
                version: *v,
                data: data.clone(),
            })
            .collect();
        changes.sort_by_key(|c| c.version);
        PullResponse {
            cursor: self.version,
            last_mutation_id: *self.last.get(client_id).unwrap_or(&0),
            changes,
            reset: cursor.is_none(),
            has_more: false,
            server_time: 0,
        }
    }
}

struct Phone {
    /// What is in local storage: the only state that survives a crash or an update.
    stored: String,
    /// Saved mutations: (id, bad) for every save that reached storage.
    saved: Vec<(u64, bool)>,
    view: View,
}

impl Phone {
    fn outbox(&self) -> Outbox {
        serde_json::from_str(&self.stored).unwrap()
    }
    fn store(&mut self, o: &Outbox) {
        self.stored = serde_json::to_string(o).unwrap();
    }
}

#[derive(Clone, Debug)]
enum Op_ {
    /// A person (0 or 1 of this phone) saves a record; `bad` ones the server refuses;
    /// `crash` means the phone died before the local write.
    Save {
        phone: usize,
        person: usize,
        bad: bool,
        crash: bool,
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
}

fn op() -> impl Strategy<Value = Op_> {
    prop_oneof![
        4 => (0..3usize, 0..2usize, prop::bool::weighted(0.2), prop::bool::weighted(0.1))
            .prop_map(|(phone, person, bad, crash)| Op_::Save { phone, person, bad, crash }),
        3 => (0..3usize).prop_map(|phone| Op_::Send { phone }),
        3 => (0..8usize, prop::bool::weighted(0.3)).prop_map(|(req, lose_answer)| Op_::Deliver { req, lose_answer }),
        3 => (0..8usize).prop_map(|resp| Op_::Answer { resp }),
        1 => (0..8usize).prop_map(|req| Op_::DropRequest { req }),
        1 => (0..3usize).prop_map(|phone| Op_::Update { phone }),
        1 => (0..3usize).prop_map(|phone| Op_::Pull { phone }),
    ]
}

/// The phone's own way of showing a record it made (what `app::local` does for real types).
fn show(rows: &mut Rows, m: &Mutation) {
    rows.entry("visit".into()).or_default().insert(
        m.args["id"].as_str().unwrap().to_string(),
        json!({"author": m.author}),
    );
}

/// Right after a pull, the phone shows every record it saved that was not refused, once, and
/// nothing that is neither on the server nor in its outbox.
fn check_optimistic_view(p: &Phone, server: &ServerModel) {
    let o = p.outbox();
    let shown = p.view.optimistic(&o, show);
    let shown = shown.get("visit").cloned().unwrap_or_default();
    for e in &o.entries {
        let id = e.mutation.args["id"].as_str().unwrap();
        let bad = e.mutation.args["bad"] == json!(true);
        if !bad {
            assert!(
                shown.contains_key(id),
                "a saved record is missing from the view"
            );
        }
        if matches!(e.state, EntryState::Rejected { .. }) {
            assert!(!shown.contains_key(id), "a refused record is shown as done");
        }
    }
    let outbox_ids: Vec<&str> = o
        .entries
        .iter()
        .map(|e| e.mutation.args["id"].as_str().unwrap())
        .collect();
    for id in shown.keys() {
        assert!(server.records.contains_key(id) || outbox_ids.contains(&id.as_str()));
    }
}

fn run(ops: Vec<Op_>) {
    let mut server = ServerModel::default();
    let mut phones: Vec<Phone> = (0..3)
        .map(|i| {
            let o = Outbox::new(format!("client-{i}"));
            Phone {
                stored: serde_json::to_string(&o).unwrap(),
                saved: Vec::new(),
                view: View::default(),
            }
        })
        .collect();
    // Requests in the network (can be delivered twice, in any order) and answers on the way back.
    let mut requests: Vec<(usize, PushRequest)> = Vec::new();
    let mut answers: Vec<(usize, PushResponse)> = Vec::new();
    let mut uuid = 0u64;

    for o in ops {
        match o {
            Op_::Save {
                phone,
                person,
                bad,
                crash,
            } => {
                uuid += 1;
                let p = &mut phones[phone];
                let (next, id) = p.outbox().with_new(
                    "visit.check_in",
                    1,
                    &format!("person-{phone}-{person}"),
                    json!({"id": format!("r{uuid}"), "bad": bad}),
                    0,
                );
                if !crash {
                    p.store(&next);
                    p.saved.push((id, bad));
                }
            }
            Op_::Send { phone } => {
                let p = &mut phones[phone];
                let mut o = p.outbox();
                let batch = o.batch(MAX_BATCH);
                if !batch.is_empty() {
                    o.mark_sent(&batch.iter().map(|m| m.id).collect::<Vec<_>>());
                    p.store(&o);
                    requests.push((
                        phone,
                        PushRequest {
                            client_id: o.client_id.clone(),
                            protocol: PROTOCOL,
                            app_build: "b".into(),
                            mutations: batch,
                        },
                    ));
                }
            }
            Op_::Deliver { req, lose_answer } => {
                if let Some((phone, r)) = requests.get(req % requests.len().max(1)).cloned() {
                    let resp = server.push(&r);
                    if !lose_answer {
                        answers.push((phone, resp));
                    }
                }
            }
            Op_::Answer { resp } => {
                if !answers.is_empty() {
                    let (phone, r) = answers.remove(resp % answers.len());
                    let p = &mut phones[phone];
                    let mut o = p.outbox();
                    o.on_push_response(&r, 1);
                    p.store(&o);
                }
            }
            Op_::DropRequest { req } => {
                if !requests.is_empty() {
                    requests.remove(req % requests.len());
                }
            }
            Op_::Update { phone } => {
                // New code reads what old code stored; it must keep every entry.
                let p = &mut phones[phone];
                let before = p.outbox();
                let reread: Outbox =
                    serde_json::from_value(serde_json::to_value(&before).unwrap()).unwrap();
                assert_eq!(reread, before);
                p.store(&reread);
            }
            Op_::Pull { phone } => {
                let p = &mut phones[phone];
                let o = p.outbox();
                let resp = server.pull(&o.client_id, p.view.cursor);
                p.view.apply(&resp);
                check_optimistic_view(p, &server);
            }
        }
        assert_eq!(server.applied_twice, 0, "a mutation was applied twice");
    }

    // Quiet: the network works again; every phone sends until nothing is pending, then pulls.
    for p in phones.iter_mut() {
        for _ in 0..100 {
            let mut o = p.outbox();
            let batch = o.batch(MAX_BATCH);
            if batch.is_empty() {
                break;
            }
            let resp = server.push(&PushRequest {
                client_id: o.client_id.clone(),
                protocol: PROTOCOL,
                app_build: "b".into(),
                mutations: batch,
            });
            o.on_push_response(&resp, 1);
            p.store(&o);
        }
        let o = p.outbox();
        assert_eq!(o.pending(), 0, "everything saved was settled");
    }
    for p in phones.iter_mut() {
        loop {
            let resp = server.pull(&p.outbox().client_id, p.view.cursor);
            let more = resp.has_more;
            p.view.apply(&resp);
            if !more {
                break;
            }
        }
    }

    assert_eq!(server.applied_twice, 0);
    for p in &phones {
        let o = p.outbox();
        let client = &o.client_id;
        // Exactly once or rejected with a record: one outcome per saved mutation, no gaps.
        let ids: Vec<u64> = server
            .outcomes
            .keys()
            .filter(|(c, _)| c == client)
            .map(|(_, id)| *id)
            .collect();
        let saved_ids: Vec<u64> = p.saved.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids, saved_ids,
            "the server holds exactly the saved mutations, in order, without gaps"
        );
        for (id, bad) in &p.saved {
            let outcome = server.outcomes[&(client.clone(), *id)];
            assert_eq!(
                outcome,
                if *bad {
                    Status::Rejected
                } else {
                    Status::Applied
                }
            );
            let entry = o.entries.iter().find(|e| e.mutation.id == *id).unwrap();
            assert_eq!(
                matches!(entry.state, EntryState::Rejected { .. }),
                *bad,
                "the phone shows the refusal"
            );
        }
        // After quiet, every phone's view equals the server's.
        let server_view: BTreeMap<String, serde_json::Value> = server
            .records
            .iter()
            .map(|(k, (_, v))| (k.clone(), v.clone()))
            .collect();
        assert_eq!(
            p.view.rows.get("visit").cloned().unwrap_or_default(),
            server_view
        );
    }
    // Two people on one phone: each record keeps its author.
    let authors: Vec<String> = server
        .records
        .values()
        .map(|(_, d)| d["author"].as_str().unwrap().to_string())
        .collect();
    assert!(authors.iter().all(|a| a.starts_with("person-")));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]
    #[test]
    fn random_schedules_keep_every_save_exactly_once(ops in prop::collection::vec(op(), 0..120)) {
        run(ops);
    }
}

#[test]
fn two_identical_pushes_at_once_apply_once() {
    let mut server = ServerModel::default();
    let (o, _) = Outbox::new("c").with_new("visit.check_in", 1, "p", json!({"id": "r1"}), 0);
    let req = PushRequest {
        client_id: "c".into(),
        protocol: PROTOCOL,
        app_build: "b".into(),
        mutations: o.batch(10),
    };
    let a = server.push(&req);
    let b = server.push(&req);
    assert_eq!(a.results[0].status, Status::Applied);
    assert_eq!(b.results[0].status, Status::Duplicate);
    assert_eq!(server.records.len(), 1);
}
