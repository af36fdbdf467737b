//! The sync endpoints against the real server on SQLite: exactly once, duplicates, gaps,
//! refusals recorded, scoped pulls, devices, hostile batches, 50 clients at once.

use crate::common::now;
use crate::common::{body, enrol, pull, push, spawn_app, statuses, Device, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn check_in(id: u64, author: &str, site: &str, name: &str) -> Value {
    json!({"id": id, "name": "visit.check_in", "v": 1, "author": author,
           "args": {"id": uuid::Uuid::now_v7().to_string(), "site_id": site, "name": name, "purpose": "立案"},
           "client_time": chrono::Utc::now().timestamp_millis()})
}

async fn visits(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM visits")
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn mutations_apply_exactly_once_and_refusals_are_recorded() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let yidan = app.site_id("yidan").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (guard, gid) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    // Guards do not enrol phones.
    assert_eq!(
        app.post(&guard, "/api/v1/devices", json!({"label": "x"}))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let d = enrol(&app, &sup).await;

    let batch = json!([
        check_in(1, &gid, &main, "张三"),
        check_in(2, &gid, &yidan, "李四"),
        check_in(3, &gid, &main, "")
    ]);
    let (s, r) = push(&app, &guard, &d, batch.clone()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["last_mutation_id"], 3);
    let statuses: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["applied", "rejected", "rejected"]);
    assert_eq!(r["results"][1]["code"], "site_forbidden");
    assert_eq!(r["results"][1]["message"], "您不属于该场所");
    assert_eq!(r["results"][2]["code"], "invalid");
    assert_eq!(r["results"][2]["field"], "name");
    assert_eq!(r["results"][2]["message"], "姓名须为1至40个字");
    assert_eq!(visits(&app).await, 1);

    // The same batch again (a lost answer): nothing doubles, and each keeps its first outcome.
    let (_, r) = push(&app, &guard, &d, batch).await;
    let again: Vec<(&str, &str)> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["status"].as_str().unwrap(),
                x["original"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        again,
        [
            ("duplicate", "applied"),
            ("duplicate", "rejected"),
            ("duplicate", "rejected")
        ]
    );
    // The refusal comes back whole: the phone marks the same box as the first time.
    assert_eq!(r["results"][2]["code"], "invalid");
    assert_eq!(r["results"][2]["field"], "name");
    assert_eq!(r["results"][2]["message"], "姓名须为1至40个字");
    assert_eq!(visits(&app).await, 1);

    // A gap stops the batch; nothing after it is applied.
    let (_, r) = push(&app, &guard, &d, json!([check_in(5, &gid, &main, "王五")])).await;
    assert_eq!(r["gap_expected"], 4);
    assert_eq!(r["results"], json!([]));
    assert_eq!(r["last_mutation_id"], 3);
    assert_eq!(visits(&app).await, 1);

    // Every mutation is on record with its author.
    let recorded: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT mutation_id, author, status FROM sync_mutations ORDER BY mutation_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(recorded.len(), 3);
    assert!(recorded.iter().all(|(_, a, _)| *a == gid));
}

#[tokio::test]
async fn pulls_are_scoped_ordered_and_paged_and_devices_can_be_revoked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["main", "huancheng"])
        .await;
    let (g1, g1id) = app.person(&admin, "g.main", &["guard"], &["main"]).await;
    let (g2, g2id) = app.person(&admin, "g.hc", &["guard"], &["huancheng"]).await;
    let d1 = enrol(&app, &sup).await;
    let d2 = enrol(&app, &sup).await;
    let m: Vec<Value> = (1..=3).map(|i| check_in(i, &g1id, &main, "甲")).collect();
    assert_eq!(push(&app, &g1, &d1, json!(m)).await.0, StatusCode::OK);
    let m: Vec<Value> = (1..=2).map(|i| check_in(i, &g2id, &hc, "乙")).collect();
    assert_eq!(push(&app, &g2, &d2, json!(m)).await.0, StatusCode::OK);

    // The tribunal guard sees the tribunal's two visits only.
    let (s, p) = pull(&app, &g2, &d2, None).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["reset"], true);
    // (Besides the patrol routes of the tribunal the guard walks.)
    let changes: Vec<&Value> = p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "visit")
        .collect();
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(|c| c["data"]["site_id"] == hc.as_str()));
    assert_eq!(p["last_mutation_id"], 2);
    // Nothing new since the cursor.
    let (_, again) = pull(&app, &g2, &d2, Some(&p["cursor"])).await;
    assert_eq!(again["changes"], json!([]));

    // The supervisor (on a device) sees all five, in version order.
    let (_, p) = pull(&app, &sup, &d1, None).await;
    let versions: Vec<i64> = p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "visit")
        .map(|c| c["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions.len(), 5);
    assert!(versions.windows(2).all(|w| w[0] < w[1]));

    // Knowing a client id is not enough.
    let forged = Device {
        client_id: d1.client_id.clone(),
        key: "guess".into(),
    };
    let (s, e) = push(&app, &g2, &forged, json!([check_in(4, &g2id, &hc, "丙")])).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["code"], "device_not_enrolled");

    // A revoked phone can neither push nor pull, and is told why.
    let r = app
        .post(
            &admin,
            &format!("/api/v1/devices/{}/revoke", d2.client_id),
            json!(null),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Every session signed in on it ended: its cookies open nothing any more.
    let (s, _) = push(&app, &g2, &d2, json!([check_in(3, &g2id, &hc, "丁")])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get(&g2, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let g2 = crate::common::client();
    assert_eq!(
        app.sign_in(&g2, "g.hc", "g.hc-password-1").await.status(),
        StatusCode::OK
    );
    let (s, e) = push(&app, &g2, &d2, json!([check_in(3, &g2id, &hc, "丁")])).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["code"], "device_revoked");
    assert_eq!(e["message"], "本机已被停用（挂失），不能再同步");
    assert_eq!(pull(&app, &g2, &d2, None).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_previous_persons_records_are_still_theirs_and_nobody_signs_for_another() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, sid) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (a, aid) = app.person(&admin, "shift.a", &["guard"], &["main"]).await;
    let (b, bid) = app.person(&admin, "shift.b", &["guard"], &["main"]).await;
    let (_, stranger) = app.person(&admin, "stranger", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    assert_eq!(pull(&app, &a, &d, None).await.0, StatusCode::OK);
    // A signed a record on the post phone and handed over to B, who sends it: it is A's.
    // B's own edits of the stored outbox name A, the supervisor or a stranger as the author of
    // what B signs, or change A's signed record: each is refused, and recorded as refused.
    let mine = check_in(1, &aid, &main, "甲");
    let as_sup = {
        let mut m = check_in(2, &sid, &main, "乙");
        m["proof"] = app.sign(&m, &bid, &d.client_id, 2, 0);
        m
    };
    let as_stranger = {
        let mut m = check_in(3, &stranger, &main, "丙");
        m["proof"] = app.sign(&m, &bid, &d.client_id, 3, 0);
        m
    };
    let edited = {
        let mut m = check_in(4, &aid, &main, "丁");
        m["proof"] = app.sign(&m, &aid, &d.client_id, 4, 0);
        m["args"]["name"] = json!("戊");
        m
    };
    // A's real proof, copied onto the record at another id: it is that record, never a second.
    let moved = {
        let mut m = check_in(5, &aid, &main, "甲");
        m["proof"] = mine_proof(&app, &mine, &aid, &d.client_id);
        m
    };
    let (_, r) = push(
        &app,
        &b,
        &d,
        json!([mine, as_sup, as_stranger, edited, moved]),
    )
    .await;
    assert_eq!(
        statuses(&r),
        ["applied", "rejected", "rejected", "rejected", "duplicate"],
        "{r}"
    );
    for i in 1..4 {
        assert_eq!(r["results"][i]["code"], "author_unproven", "{r}");
        assert_eq!(
            r["results"][i]["message"],
            "记录的作者无法证实（不是本人在本机登录时所记），已拒收"
        );
    }
    let authors: Vec<String> = sqlx::query_scalar("SELECT author_id FROM visits")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(authors, vec![aid.clone()], "only A's own record, as A's");
    let refused: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sync_mutations WHERE code = 'author_unproven' AND signed_as IS NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        refused, 3,
        "each refusal recorded, none holding a place for the real one"
    );
}

const HOUR: i64 = 3600 * 1000;

/// As if the phone had been enrolled (its last contact) `hours` ago: records made since then
/// may carry times that far back.
async fn enrolled_hours_ago(app: &TestApp, d: &Device, hours: i64) {
    sqlx::query("UPDATE sync_clients SET contact_at = ?, last_made_at = 0 WHERE client_id = ?")
        .bind(now() - hours * HOUR)
        .bind(&d.client_id)
        .execute(&app.db)
        .await
        .unwrap();
}

/// One mutation with the phone's clock at making and its estimate of the server's time then.
fn made(
    id: u64,
    name: &str,
    author: &str,
    args: Value,
    client_time: i64,
    est: Option<(i64, bool)>,
) -> Value {
    let mut m = json!({"id": id, "name": name, "v": 1, "author": author, "args": args, "client_time": client_time});
    if let Some((est, mono)) = est {
        m["clock"] = json!([est, i64::from(mono), est - 5 * 60 * 1000, 0]);
    }
    m
}

fn visit_args(site: &str, name: &str) -> Value {
    json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": site, "name": name, "purpose": "立案"})
}

/// Sends `mutations` with the phone's clock at sending.
async fn push_sent(
    app: &TestApp,
    c: &reqwest::Client,
    d: &Device,
    sent_at: i64,
    mutations: Value,
) -> Value {
    let (s, r) = crate::common::push_body(
        app,
        c,
        d,
        json!({"client_id": d.client_id, "protocol": app::sync::PROTOCOL, "app_build": "test",
               "sent_at": sent_at, "mutations": mutations}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r
}

async fn visit_time(app: &TestApp, name: &str) -> (i64, bool) {
    sqlx::query_as("SELECT checked_in_at, clock_skewed FROM visits WHERE name = ?")
        .bind(name)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn flag(app: &TestApp, d: &Device, id: i64) -> (Option<String>, i64, i64) {
    sqlx::query_as("SELECT clock_flag, client_time, made_at FROM sync_mutations WHERE client_id = ? AND mutation_id = ?")
        .bind(&d.client_id)
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn mine_proof(app: &TestApp, m: &Value, author: &str, client: &str) -> Value {
    app.sign(m, author, client, m["id"].as_u64().unwrap(), 0)
}

/// Records signed before a password reset are held, not refused, and applied once their author
/// signs them again after signing in; records from an older build without proofs likewise; a
/// disabled person's wait for a supervisor. The phone is told to forget them all at its pull.
#[tokio::test]
async fn voided_secrets_hold_records_until_their_author_signs_again() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let (h, hid) = app.person(&admin, "guard2", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    // The phone's key for g, as the app takes it at sign-in.
    let r = g
        .post(app.url("/api/sync/v1/author-key"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id}))
        .send()
        .await
        .unwrap();
    let (s, key) = body(r).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (key["generation"].as_u64(), key["remember"].as_bool()),
        (Some(1), Some(true))
    );
    let expected = app::proof::author_secret(&app.author_key(), &gid, &d.client_id, 1);
    assert_eq!(
        key["secret"],
        hex::encode(expected),
        "derived from the key outside the database"
    );
    // Without the device key, no secret.
    let r = g
        .post(app.url("/api/sync/v1/author-key"))
        .json(&json!({"client_id": d.client_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // g saves two records offline, signed with generation 1 (their first password change made
    // it 1); then an administrator resets g's password.
    let old = app.generation(&gid).await;
    let mut one = check_in(1, &gid, &main, "甲");
    one["proof"] = app.sign(&one, &gid, &d.client_id, 1, old);
    let unsigned = {
        let mut m = check_in(2, &gid, &main, "乙");
        m["unsigned"] = json!(true);
        m
    };
    let r = app
        .post(
            &admin,
            &format!("/api/v1/people/{gid}/reset-password"),
            json!(null),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.generation(&gid).await, old + 1);
    // h sends them at the next contact: held, not applied, and not refused.
    let (_, r) = push(&app, &h, &d, json!([one, unsigned])).await;
    assert_eq!(statuses(&r), ["held", "held"], "{r}");
    assert_eq!(r["results"][0]["code"], "secret_void");
    assert_eq!(r["results"][1]["code"], "unsigned");
    assert_eq!(names(&app).await, Vec::<String>::new());
    // The phone is told to forget g (whose generation it holds is void), not h.
    let hg = app.generation(&hid).await;
    let r = h
        .post(app.url("/api/sync/v1/pull"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id,
                      "known": [[gid, old], [hid, hg]], "held": [1, 2]}))
        .send()
        .await
        .unwrap();
    let (_, p) = body(r).await;
    assert_eq!(p["forget"], json!([gid]));
    assert!(p.get("settled").is_none(), "nothing decided yet: {p}");
    // h cannot sign g's held records, even with h's own fresh secret.
    let hp = {
        let m = serde_json::to_value(check_in(1, &gid, &main, "甲")).unwrap();
        app.sign(&m, &hid, &d.client_id, 1, hg)
    };
    let r = h
        .post(app.url("/api/sync/v1/resign"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id, "signed": [[1, hp]]}))
        .send()
        .await
        .unwrap();
    let (_, res) = body(r).await;
    assert_eq!(res[0]["status"], "held", "not h's to sign: {res}");
    // g signs in again (the reset's one-time password, then their own) and signs them anew.
    let (_, v) = body(
        app.post(
            &admin,
            &format!("/api/v1/people/{gid}/reset-password"),
            json!(null),
        )
        .await,
    )
    .await;
    let otp = v["one_time_password"].as_str().unwrap().to_string();
    let g2 = crate::common::client();
    assert_eq!(
        app.sign_in(&g2, "guard1", &otp).await.status(),
        StatusCode::OK
    );
    let r = app
        .post(
            &g2,
            "/api/v1/me/password",
            json!({"current_password": otp, "new_password": "guard1-password-2"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let gen = app.generation(&gid).await;
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT held_record FROM sync_mutations WHERE client_id = ? ORDER BY mutation_id",
    )
    .bind(&d.client_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let signed: Vec<Value> = stored
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let m: Value = serde_json::from_str(r).unwrap();
            json!([i + 1, app.sign(&m, &gid, &d.client_id, (i + 1) as u64, gen)])
        })
        .collect();
    // A stale generation is not taken; the current one is.
    let stale = json!([[
        1,
        app.sign(
            &serde_json::from_str::<Value>(&stored[0]).unwrap(),
            &gid,
            &d.client_id,
            1,
            old
        )
    ]]);
    let r = g2
        .post(app.url("/api/sync/v1/resign"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id, "signed": stale}))
        .send()
        .await
        .unwrap();
    let (_, res) = body(r).await;
    assert_eq!(res[0]["status"], "held");
    let r = g2
        .post(app.url("/api/sync/v1/resign"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id, "signed": signed}))
        .send()
        .await
        .unwrap();
    let (s, res) = body(r).await;
    assert_eq!(s, StatusCode::OK, "{res}");
    assert_eq!(res[0]["status"], "applied", "{res}");
    assert_eq!(res[1]["status"], "applied", "{res}");
    assert_eq!(names(&app).await, ["乙", "甲"]);
    // Asked again, they are done.
    let (_, p) = body(
        h.post(app.url("/api/sync/v1/pull"))
            .header("x-guardpost-device-key", &d.key)
            .json(&json!({"client_id": d.client_id, "held": [1, 2]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(p["settled"][0]["status"], "applied");
    // An administrator is never remembered on a phone.
    let ad = enrol(&app, &admin).await;
    let (_, key) = body(
        admin
            .post(app.url("/api/sync/v1/author-key"))
            .header("x-guardpost-device-key", &ad.key)
            .json(&json!({"client_id": ad.client_id}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(key["remember"], false);
}

#[tokio::test]
async fn hostile_batches_are_refused_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let ok = check_in(1, &gid, &main, "张三");
    // What is wrong with the envelope refuses the batch, and changes nothing.
    let cases: Vec<(Value, &str, StatusCode)> = vec![
        (
            json!([{"id": "one", "name": "visit.check_in"}]),
            "wrong types",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!([ok.clone(), ok.clone()]),
            "ids not increasing",
            StatusCode::BAD_REQUEST,
        ),
        (
            json!((1..=101)
                .map(|i| check_in(i, &gid, &main, "x"))
                .collect::<Vec<_>>()),
            "more mutations than the limit",
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            json!([{"id": 1, "name": "visit.check_in", "v": 1, "author": gid, "args": {"pad": "x".repeat(600_000)}, "client_time": 0}]),
            "a body over the limit",
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (batch, what, status) in cases {
        let (s, e) = push(&app, &g, &d, batch).await;
        assert_eq!(s, status, "{what}: {e}");
        assert!(!e["message"].as_str().unwrap().is_empty(), "{what}");
        if s == StatusCode::PAYLOAD_TOO_LARGE {
            // The phone learns what fits.
            assert_eq!(e["limits"]["batch"], 100, "{what}: {e}");
            assert_eq!(e["limits"]["batch_bytes"], 512 * 1024);
        }
    }
    // Someone else's (unknown) client id.
    let other = Device {
        client_id: uuid::Uuid::new_v4().to_string(),
        key: d.key.clone(),
    };
    assert_eq!(
        push(&app, &g, &other, json!([ok.clone()])).await.0,
        StatusCode::FORBIDDEN
    );
    // An app older than the server's protocol is told to update (426) to this build; its
    // outbox waits.
    let r = g
        .post(app.url("/api/sync/v1/push"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id, "protocol": 1, "app_build": "old", "mutations": [ok.clone()]}))
        .send()
        .await
        .unwrap();
    let (s, e) = body(r).await;
    assert_eq!(s, StatusCode::UPGRADE_REQUIRED);
    assert_eq!(e["code"], "update_required");
    assert!(e["min_build"].is_string(), "{e}");
    // Not signed in.
    let (s, _) = push(&app, &crate::common::client(), &d, json!([ok.clone()])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(visits(&app).await, 0);

    // One bad mutation is that mutation's refusal, never the batch's: malformed args and a
    // record over the per-mutation limit are refused and recorded, the rest applied.
    let batch = json!([
        ok,
        {"id": 2, "name": "visit.check_in", "v": 2, "author": gid, "args": {"pad": "x".repeat(60_000)}, "client_time": 0},
        {"id": 3, "name": "visit.check_in", "v": 2, "author": gid, "args": null, "client_time": 0, "oversized": 70_000},
        {"id": 4, "name": "visit.check_in", "v": 2, "author": gid, "args": [1, 2], "client_time": 0},
        check_in(5, &gid, &main, "李四"),
    ]);
    let (s, r) = push(&app, &g, &d, batch).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        crate::common::statuses(&r),
        ["applied", "rejected", "rejected", "rejected", "applied"]
    );
    assert_eq!(r["results"][1]["code"], "too_large");
    assert_eq!(
        r["results"][1]["message"],
        "这条记录内容过多，服务器无法接收：请删减备注或说明后重新保存"
    );
    assert_eq!(r["results"][2]["code"], "too_large");
    assert_eq!(r["results"][3]["code"], "invalid");
    assert_eq!(visits(&app).await, 2);
    // The refused junk is not kept, only its size.
    let kept: String = sqlx::query_scalar("SELECT args FROM sync_mutations WHERE mutation_id = 2")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(kept.len() < 100, "{kept}");

    // A mutation this server does not know yet (a phone newer than its server) stops the
    // batch before it: not refused, kept by the phone and sent again after the update.
    let batch = json!([
        check_in(6, &gid, &main, "王五"),
        {"id": 7, "name": "future.unknown", "v": 1, "author": gid, "args": {}, "client_time": 0},
        check_in(8, &gid, &main, "赵六"),
    ]);
    let (s, r) = push(&app, &g, &d, batch).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(crate::common::statuses(&r), ["applied"]);
    assert_eq!(r["server_behind"], 7);
    assert_eq!(r["last_mutation_id"], 6);
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([{"id": 7, "name": "visit.check_in", "v": 9, "author": gid, "args": {}, "client_time": 0}]),
    )
    .await;
    assert_eq!(r["server_behind"], 7, "a newer version of a known one too");
    let unknown: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_mutations WHERE mutation_id = 7")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(unknown, 0, "nothing recorded against it");
    assert_eq!(visits(&app).await, 3);
}

#[tokio::test]
async fn fifty_clients_at_once_each_mutation_applied_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let mut devices = Vec::new();
    for _ in 0..50 {
        devices.push(enrol(&app, &sup).await);
    }
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for d in devices {
        let (app, g, gid, main) = (app.clone(), g.clone(), gid.clone(), main.clone());
        tasks.push(tokio::spawn(async move {
            let batch = json!((1..=10)
                .map(|i| check_in(i, &gid, &main, "访客"))
                .collect::<Vec<_>>());
            // Each batch is sent twice at the same time, as a retry racing its original.
            let (a, b) = tokio::join!(push(&app, &g, &d, batch.clone()), push(&app, &g, &d, batch));
            assert_eq!(a.0, StatusCode::OK, "{}", a.1);
            assert_eq!(b.0, StatusCode::OK, "{}", b.1);
            assert_eq!(
                a.1["last_mutation_id"]
                    .as_u64()
                    .unwrap()
                    .max(b.1["last_mutation_id"].as_u64().unwrap()),
                10
            );
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(visits(&app).await, 500);
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sync_mutations")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(recorded, 500);
}

#[tokio::test]
async fn records_made_offline_hours_ago_keep_the_hour_they_were_made() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app
        .person(&admin, "guard1", &["guard", "fire_operator"], &["main"])
        .await;
    let d = enrol(&app, &sup).await;
    enrolled_hours_ago(&app, &d, 14).await;
    let (three, thirteen) = (now() - 3 * HOUR, now() - 13 * HOUR);
    // A visit registered offline three hours ago, and a fire shift begun thirteen hours ago,
    // both by a phone whose clock is right, sent now.
    let shift = json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": main, "operator_ids": [gid],
                       "starts_at": thirteen, "ends_at": thirteen + 8 * HOUR, "acknowledged": true});
    let r = push_sent(
        &app,
        &g,
        &d,
        now(),
        json!([
            made(
                1,
                "fire.shift",
                &gid,
                shift,
                thirteen,
                Some((thirteen, false))
            ),
            made(
                2,
                "visit.check_in",
                &gid,
                visit_args(&main, "三小时前"),
                three,
                Some((three, true))
            ),
        ]),
    )
    .await;
    assert_eq!(crate::common::statuses(&r), ["applied", "applied"], "{r}");
    assert_eq!(visit_time(&app, "三小时前").await, (three, false));
    let starts: i64 = sqlx::query_scalar("SELECT starts_at FROM fire_shifts")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(starts, thirteen);
    assert_eq!(flag(&app, &d, 2).await, (None, three, three));
}

#[tokio::test]
async fn a_phone_clock_wrong_or_changed_is_placed_right_and_flagged() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    enrolled_hours_ago(&app, &d, 5).await;
    let t = now();
    // 1. Three hours slow throughout: made an hour ago by the true clock, sent now.
    let r = push_sent(
        &app,
        &g,
        &d,
        t - 3 * HOUR,
        json!([made(
            1,
            "visit.check_in",
            &gid,
            visit_args(&main, "钟慢"),
            t - 4 * HOUR,
            Some((t - HOUR, false))
        )]),
    )
    .await;
    assert_eq!(crate::common::statuses(&r), ["applied"]);
    let (at, skewed) = visit_time(&app, "钟慢").await;
    assert!((at - (t - HOUR)).abs() < 5000, "placed at the true time");
    assert!(skewed, "and flagged for the supervisor");
    let (why, client_time, _) = flag(&app, &d, 1).await;
    assert_eq!(
        (why.as_deref(), client_time),
        (Some("skewed"), t - 4 * HOUR),
        "both times kept"
    );

    // 2. Made right half an hour ago; the battery went flat and the clock came back in 1970.
    let r = push_sent(
        &app,
        &g,
        &d,
        60_000,
        json!([made(
            2,
            "visit.check_in",
            &gid,
            visit_args(&main, "没电"),
            t - HOUR / 2,
            Some((t - HOUR / 2, false))
        )]),
    )
    .await;
    assert_eq!(crate::common::statuses(&r), ["applied"]);
    assert_eq!(visit_time(&app, "没电").await, (t - HOUR / 2, true));
    assert_eq!(flag(&app, &d, 2).await.0.as_deref(), Some("changed"));

    // 3. A clock turned back to before the previous record while making, and set right
    //    before sending (a late round made to look on time, the app reloaded so no estimate
    //    carries): never placed before that record.
    let r = push_sent(
        &app,
        &g,
        &d,
        now(),
        json!([made(
            3,
            "visit.check_in",
            &gid,
            visit_args(&main, "拨回"),
            t - 2 * HOUR,
            None
        )]),
    )
    .await;
    assert_eq!(crate::common::statuses(&r), ["applied"]);
    assert_eq!(
        visit_time(&app, "拨回").await,
        (t - HOUR / 2, true),
        "not before the previous record"
    );
    assert_eq!(flag(&app, &d, 3).await.0.as_deref(), Some("bounded"));

    // The supervisor sees them on the dashboard of the day they were made.
    let day = app::core::date_text(app::core::court_date(t - HOUR / 2));
    let (s, dash) = body(
        app.get(&sup, &format!("/api/v1/dashboard?site={main}&day={day}"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{dash}");
    assert!(dash["clock_flagged"].as_i64().unwrap() >= 2, "{dash}");

    // 4. A phone whose clock is right: not flagged, its time kept.
    let ok = now() - 60_000;
    push_sent(
        &app,
        &g,
        &d,
        now(),
        json!([made(
            4,
            "visit.check_in",
            &gid,
            visit_args(&main, "钟准"),
            ok,
            Some((ok, true))
        )]),
    )
    .await;
    assert_eq!(visit_time(&app, "钟准").await, (ok, false));
}

/// A checklist of 30 items (the most a checklist takes), each as long as allowed, and the
/// supervisor's inspection failing every one with the longest note: the largest record the
/// inspection form makes, which opens 30 rectifications in one write.
async fn thirty_item_checklist(
    app: &TestApp,
    sup: &reqwest::Client,
    main: &str,
) -> (String, Vec<String>) {
    let list: String =
        sqlx::query_scalar("SELECT id FROM inspection_checklists ORDER BY sort LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let items: Vec<String> = (0..30)
        .map(|i| format!("{i:02}{}", "检".repeat(58)))
        .collect();
    let (s, v) = body(
        app.put(
            sup,
            &format!("/api/v1/inspection-checklists/{list}"),
            json!({"name_zh": "全面检查", "items": items.join("\n")}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v} {main}");
    (list, items)
}

fn failing_inspection(id: u64, author: &str, main: &str, list: &str, items: &[String]) -> Value {
    let answers: Vec<Value> = items
        .iter()
        .map(|t| json!({"text": t, "ok": false, "note": "问".repeat(300), "rectify": true}))
        .collect();
    crate::common::mutation(
        id,
        "inspection.record",
        1,
        author,
        json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": main, "kind": "monthly",
               "checklist_id": list, "items": answers, "note": "总".repeat(500)}),
    )
}

#[tokio::test]
async fn pulls_page_through_writes_that_stamp_many_rows_with_one_version() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, sid) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let (list, items) = thirty_item_checklist(&app, &sup, &main).await;
    // The largest inspection goes through in one piece (it was refused over 8 KiB before).
    let big = failing_inspection(1, &sid, &main, &list, &items);
    assert!(big["args"].to_string().len() > 30_000);
    // 20 inspections of 30 rectifications each: 600 rows, 30 to a version.
    let batch: Vec<Value> = (1..=20)
        .map(|i| failing_inspection(i, &sid, &main, &list, &items))
        .collect();
    for part in batch.chunks(5) {
        let (s, r) = push(&app, &sup, &d, json!(part)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert!(
            crate::common::statuses(&r).iter().all(|s| s == "applied"),
            "{r}"
        );
    }
    let rects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rectifications")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(rects, 600);

    // A fresh supervisor's phone receives every one, however the 500-row pages cut the writes.
    let (fresh_c, _) = app.person(&admin, "sup2", &["supervisor"], &["main"]).await;
    let fresh = enrol(&app, &fresh_c).await;
    let (all, last) = crate::common::pull_all(&app, &fresh_c, &fresh, None).await;
    let count = |all: &[Value], entity: &str| all.iter().filter(|c| c["entity"] == entity).count();
    assert_eq!(count(&all, "rectification"), 600);
    assert_eq!(count(&all, "hazard"), 600);
    let ids: std::collections::BTreeSet<(&str, &str)> = all
        .iter()
        .map(|c| (c["entity"].as_str().unwrap(), c["id"].as_str().unwrap()))
        .collect();
    assert_eq!(ids.len(), all.len(), "nothing sent twice");

    // The hourly escalation stamps 300 overdue rectifications and their 300 thread entries
    // with one version: the phone's next pull pages through them all.
    sqlx::query(
        "UPDATE rectifications SET deadline = '2026-01-05' WHERE id IN
         (SELECT id FROM rectifications ORDER BY id LIMIT 300)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let escalated = server::records::escalation::escalate(&app.db, now())
        .await
        .unwrap();
    assert_eq!(escalated, 300);
    let (more, _) = crate::common::pull_all(&app, &fresh_c, &fresh, Some(&last["cursor"])).await;
    assert_eq!(count(&more, "rectification"), 300);
    assert_eq!(
        more.iter()
            .filter(|c| c["entity"] == "rect_comment" && c["data"]["kind"] == "escalate")
            .count(),
        300
    );
    let versions: std::collections::BTreeSet<i64> = more
        .iter()
        .map(|c| c["version"].as_i64().unwrap())
        .collect();
    assert_eq!(
        versions.len(),
        1,
        "one write, one version, {} rows",
        more.len()
    );
}

#[tokio::test]
async fn a_busy_morning_offline_reaches_the_server_and_one_version_spans_pages() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    // 1,200 visitors, each with an 80-character purpose and the person visited, batched as
    // the phone does: by count and by bytes.
    let mut outbox = app::sync::Outbox::new(d.client_id.clone());
    for i in 0..1200 {
        let args = json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": main,
            "name": format!("访客{i}"), "purpose": "开".repeat(80), "person_visited": "承办法官王某某",
            "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800001111",
            "category": "party"});
        outbox = outbox.with_new("visit.check_in", 2, &gid, args, now()).0;
    }
    let mut pushes = 0;
    loop {
        let batch = outbox.batch(&app::sync::LIMITS);
        if batch.is_empty() {
            break;
        }
        let (s, r) = push(&app, &g, &d, json!(batch)).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let r: app::sync::PushResponse = serde_json::from_value(r).unwrap();
        outbox.on_push_response(&r, now());
        pushes += 1;
    }
    assert_eq!(outbox.pending(), 0);
    assert_eq!(outbox.rejected().count(), 0);
    assert_eq!(visits(&app).await, 1200);
    assert!(pushes >= 12, "{pushes}");

    let (_, before) = crate::common::pull_all(&app, &g, &d, None).await;
    // Half a year on, the retention job anonymises all 1,200 in one write (one version): the
    // phone receives every removal across three pages.
    let swept = server::retention::run(&app.db, now() + 181 * 24 * HOUR, 180)
        .await
        .unwrap();
    assert_eq!(swept.visits, 1200);
    let (gone, _) = crate::common::pull_all(&app, &g, &d, Some(&before["cursor"])).await;
    let removed = gone
        .iter()
        .filter(|c| c["entity"] == "visit" && c["op"] == "del")
        .count();
    assert_eq!(removed, 1200);
}

/// Pulls every page into `view` as the phone does; the answers.
async fn pull_into(
    app: &TestApp,
    c: &reqwest::Client,
    d: &Device,
    view: &mut app::sync::View,
) -> Vec<app::sync::PullResponse> {
    let mut answers = Vec::new();
    for _ in 0..100 {
        let (s, p) = pull(app, c, d, view.cursor.as_ref()).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let p: app::sync::PullResponse = serde_json::from_value(p).unwrap();
        view.apply(&p);
        let more = p.has_more;
        answers.push(p);
        if !more {
            return answers;
        }
    }
    panic!("a pull that never ends");
}

/// What a fresh phone pulls for `c`.
async fn fresh(app: &TestApp, c: &reqwest::Client, d: &Device) -> app::sync::Rows {
    let mut v = app::sync::View::default();
    pull_into(app, c, d, &mut v).await;
    v.rows.drop_empty();
    v.rows
}

fn changes(answers: &[app::sync::PullResponse], entity: &str) -> usize {
    answers
        .iter()
        .flat_map(|a| &a.changes)
        .filter(|c| c.entity == entity)
        .count()
}

#[tokio::test]
async fn the_next_person_on_a_post_phone_keeps_what_both_may_see_and_gets_the_rest() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["main", "huancheng"])
        .await;
    let (a, aid) = app.person(&admin, "guard.a", &["guard"], &["main"]).await;
    let (b, bid) = app
        .person(&admin, "guard.b", &["guard"], &["main", "huancheng"])
        .await;
    let (c, _) = app
        .person(&admin, "care.c", &["caretaker"], &["huancheng"])
        .await;
    let d = enrol(&app, &sup).await;
    let m: Vec<Value> = (1..=3).map(|i| check_in(i, &aid, &main, "甲")).collect();
    assert_eq!(push(&app, &a, &d, json!(m)).await.0, StatusCode::OK);
    let m: Vec<Value> = (4..=5).map(|i| check_in(i, &bid, &hc, "乙")).collect();
    assert_eq!(push(&app, &b, &d, json!(m)).await.0, StatusCode::OK);

    // Guard A's shift: the main court's three visits.
    let mut phone = app::sync::View::default();
    let answers = pull_into(&app, &a, &d, &mut phone).await;
    assert!(answers[0].reset);
    assert_eq!(changes(&answers, "visit"), 3);

    // Guard B, at both sites, comes next: only the tribunal's two visits come, the main court's
    // three stay, and the phone holds what a fresh one would.
    let answers = pull_into(&app, &b, &d, &mut phone).await;
    assert!(
        !answers[0].reset,
        "no reset: the phone keeps what B may see too"
    );
    assert!(answers[0].keep.is_some());
    assert_eq!(changes(&answers, "visit"), 2);
    phone.rows.drop_empty();
    assert_eq!(phone.rows, fresh(&app, &b, &d).await);
    let cursor = app::sync::Cursor::read(phone.cursor.as_ref().unwrap()).unwrap();
    assert_eq!(cursor.had, None, "caught up: an ordinary cursor again");

    // The tribunal's caretaker: no visits at all on the phone, nothing sent again.
    let answers = pull_into(&app, &c, &d, &mut phone).await;
    assert_eq!(changes(&answers, "visit"), 0);
    phone.rows.drop_empty();
    assert!(phone.rows.all(app::front::VISIT).next().is_none());
    assert_eq!(phone.rows, fresh(&app, &c, &d).await);

    // Back to A, who was moved meanwhile to both sites: their visits come again, the phone
    // equals a fresh one.
    let r = app
        .put(
            &admin,
            &format!("/api/v1/people/{aid}"),
            json!({"display_name": "guard.a", "roles": ["guard"], "site_ids": [main, hc], "disabled": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let answers = pull_into(&app, &a, &d, &mut phone).await;
    assert_eq!(changes(&answers, "visit"), 5);
    phone.rows.drop_empty();
    assert_eq!(phone.rows, fresh(&app, &a, &d).await);
    // Moved back to the main court only: the tribunal's rows go, nothing comes.
    let r = app
        .put(
            &admin,
            &format!("/api/v1/people/{aid}"),
            json!({"display_name": "guard.a", "roles": ["guard"], "site_ids": [main], "disabled": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let answers = pull_into(&app, &a, &d, &mut phone).await;
    assert_eq!(answers.iter().map(|a| a.changes.len()).sum::<usize>(), 0);
    phone.rows.drop_empty();
    assert_eq!(phone.rows, fresh(&app, &a, &d).await);
    assert_eq!(phone.rows.all(app::front::VISIT).count(), 3);
    // Nothing changed since: an ordinary pull.
    let answers = pull_into(&app, &a, &d, &mut phone).await;
    assert!(!answers[0].reset && answers[0].keep.is_none());
}

/// A phone as the app keeps it: the real outbox and view, pushing and pulling as `outbox::flush`
/// and `outbox::pull` do.
struct RealPhone {
    outbox: app::sync::Outbox,
    view: app::sync::View,
}

impl RealPhone {
    async fn sync(&mut self, app: &TestApp, c: &reqwest::Client, d: &Device) {
        for _ in 0..100 {
            let batch = self.outbox.batch(&app::sync::LIMITS);
            if batch.is_empty() {
                break;
            }
            let (s, r) = push(app, c, d, json!(batch)).await;
            assert_eq!(s, StatusCode::OK, "{r}");
            let r: app::sync::PushResponse = serde_json::from_value(r).unwrap();
            self.outbox.on_push_response(&r, now());
            self.outbox.prune();
        }
        for _ in 0..100 {
            let cursor = self
                .view
                .cursor
                .clone()
                .map(|c| serde_json::to_value(c).unwrap());
            // As the phone asks: with the ids the server holds, to learn how they came out.
            let r = c
                .post(app.url("/api/sync/v1/pull"))
                .header("x-guardpost-device-key", &d.key)
                .json(&json!({"client_id": d.client_id, "cursor": cursor,
                              "held": self.outbox.held_ids()}))
                .send()
                .await
                .unwrap();
            let (s, p) = body(r).await;
            assert_eq!(s, StatusCode::OK, "{p}");
            let p: app::sync::PullResponse = serde_json::from_value(p).unwrap();
            let before = self.outbox.pending();
            self.outbox.on_settled(&p.settled, now());
            self.outbox.on_pull(p.last_mutation_id, p.backed_up_to);
            self.view.apply(&p);
            if self.outbox.pending() > before {
                // The server lost some: send them again, then read on.
                Box::pin(self.sync(app, c, d)).await;
                return;
            }
            if !p.has_more {
                break;
            }
        }
    }

    /// Saves and signs as the phone does: with the author's secret on this enrolment.
    async fn save(&mut self, app: &TestApp, author: &str, site: &str, name: &str) {
        let args = visit_args(site, name);
        let g = app.generation(author).await;
        let (mut next, id) = self
            .outbox
            .with_new("visit.check_in", 1, author, args, now());
        let client = next.client_id.clone();
        let m = &mut next.entries.last_mut().unwrap().mutation;
        let proof = app.sign(&serde_json::to_value(&*m).unwrap(), author, &client, id, g);
        m.proof = serde_json::from_value(proof).unwrap();
        self.outbox = next;
    }
}

async fn names(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM visits ORDER BY name")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_server_restored_from_a_backup_gets_back_what_it_lost_from_the_phones() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let mut phone = RealPhone {
        outbox: app::sync::Outbox::new(d.client_id.clone()),
        view: app::sync::View::default(),
    };
    for n in ["01", "02", "03"] {
        phone.save(&app, &gid, &main, n).await;
    }
    phone.sync(&app, &g, &d).await;
    let plan = server::backup::Plan::of(&app.settings);
    let first = server::backup::run(&app.db, &plan).await.unwrap();
    // The backup is reported to the phone, which may now drop those receipts.
    phone.sync(&app, &g, &d).await;
    assert_eq!(phone.outbox.backed_up_to, 3);
    assert_eq!(
        phone.outbox.entries.len(),
        0,
        "receipts the backup holds are gone: {:?}",
        phone.outbox.entries
    );
    for n in ["04", "05", "06"] {
        phone.save(&app, &gid, &main, n).await;
    }
    phone.sync(&app, &g, &d).await;
    assert_eq!(
        phone.outbox.entries.len(),
        3,
        "receipts no backup holds yet are kept"
    );
    assert_eq!(names(&app).await.len(), 6);

    // The disk dies; the court restores the backup on a new machine.
    let fresh = tempfile::tempdir().unwrap();
    // The author key is kept apart from the backups, and brought to the new machine with
    // them: the phones' proofs verify there.
    std::fs::copy(
        &app.settings.author_key_file,
        fresh.path().join("author.key"),
    )
    .unwrap();
    server::backup::restore(&first.file, &fresh.path().join("guardpost.db"))
        .await
        .unwrap();
    let restored = crate::common::spawn_app_in(fresh).await;
    assert_eq!(names(&restored).await, ["01", "02", "03"]);
    // The phone (same session, same enrolment: both are in the backup) saves one more and
    // syncs: the server asks for what it lost, and the phone sends it from its receipts.
    phone.save(&app, &gid, &main, "07").await;
    phone.sync(&restored, &g, &d).await;
    assert_eq!(
        names(&restored).await,
        ["01", "02", "03", "04", "05", "06", "07"],
        "every record exactly once"
    );
    assert_eq!(phone.outbox.pending(), 0);
    // The phone's view equals the server's: the new epoch reset its pull.
    let shown: Vec<String> = phone
        .view
        .rows
        .all(app::front::VISIT)
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(shown, names(&restored).await);
    // Nothing is stuck: a second phone that had only pulled gets a reset, not a gap.
    let (_, p) = pull(&restored, &g, &d, None).await;
    assert_eq!(p["reset"], true);
}

#[tokio::test]
async fn a_phone_enrolled_again_keeps_its_outbox_and_nothing_doubles() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let mut phone = RealPhone {
        outbox: app::sync::Outbox::new(d.client_id.clone()),
        view: app::sync::View::default(),
    };
    for n in ["01", "02", "03", "04"] {
        phone.save(&app, &gid, &main, n).await;
    }
    // Two are sent and applied, but the answer is lost (the phone went out of range).
    let batch = phone.outbox.batch(&app::sync::LIMITS);
    let (s, _) = push(&app, &g, &d, json!(batch[..2])).await;
    assert_eq!(s, StatusCode::OK);
    // The phone is reported lost and revoked; found, it is enrolled again.
    let r = app
        .post(
            &admin,
            &format!("/api/v1/devices/{}/revoke", d.client_id),
            json!(null),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let resume_after = phone.outbox.last_id;
    let (s, v) = body(
        app.post(
            &sup,
            "/api/v1/devices",
            json!({"label": "找回的手机", "resume_after": resume_after}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d2 = Device {
        client_id: v["client_id"].as_str().unwrap().into(),
        key: v["device_key"].as_str().unwrap().into(),
    };
    // Revoking the phone ended the guard's session on it: they sign in again.
    let (s, _) = pull(&app, &g, &d2, None).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the session on the lost phone ended"
    );
    assert_eq!(
        app.sign_in(&g, "guard1", "guard1-password-1")
            .await
            .status(),
        StatusCode::OK
    );
    phone.outbox.reenrolled(&d2.client_id, resume_after);
    phone.view = app::sync::View::default();
    phone.save(&app, &gid, &main, "05").await;
    phone.sync(&app, &g, &d2).await;
    assert_eq!(phone.outbox.pending(), 0);
    assert_eq!(
        phone.outbox.rejected().count(),
        0,
        "{:?}",
        phone.outbox.entries
    );
    // What was signed on the phone while it was the lost one waits for a supervisor; the
    // two that arrived before are duplicates; the one made after enrolling again applies.
    assert_eq!(phone.outbox.held(), 2, "{:?}", phone.outbox.entries);
    assert_eq!(names(&app).await, ["01", "02", "05"]);
    let (s, held) = body(app.get(&sup, "/api/v1/held").await).await;
    assert_eq!(s, StatusCode::OK);
    let held = held.as_array().unwrap().clone();
    assert_eq!(held.len(), 2);
    assert!(held
        .iter()
        .all(|h| h["code"] == "device_revoked" && h["author"] == gid.as_str()));
    // A guard cannot decide them.
    let first = format!(
        "/api/v1/held/{}/{}/accept",
        held[0]["client_id"].as_str().unwrap(),
        held[0]["id"]
    );
    assert_eq!(
        app.post(&g, &first, json!(null)).await.status(),
        StatusCode::FORBIDDEN
    );
    for h in &held {
        let path = format!(
            "/api/v1/held/{}/{}/accept",
            h["client_id"].as_str().unwrap(),
            h["id"]
        );
        let (s, r) = body(app.post(&sup, &path, json!(null)).await).await;
        assert_eq!(
            (s, r["status"].as_str()),
            (StatusCode::OK, Some("applied")),
            "{r}"
        );
    }
    // Accepted once: a second decision finds nothing held.
    assert_eq!(
        app.post(&sup, &first, json!(null)).await.status(),
        StatusCode::NOT_FOUND
    );
    phone.sync(&app, &g, &d2).await;
    assert_eq!(
        phone.outbox.held(),
        0,
        "the phone learns of the decision at its pull"
    );
    assert_eq!(
        names(&app).await,
        ["01", "02", "03", "04", "05"],
        "all, once"
    );
}

/// The largest record each of the biggest forms makes (every text at its longest, every list
/// at its most) is one push's worth and applies: the per-mutation limit takes them all, with
/// room to spare. (Before, an inspection over 8 KiB jammed the phone's queue.)
#[tokio::test]
async fn the_largest_records_the_forms_make_fit_the_limits_and_apply() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, sid) = app
        .person(&admin, "sup", &["supervisor", "guard"], &["main"])
        .await;
    let (_, other) = app.person(&admin, "sup2", &["supervisor"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let (list, items) = thirty_item_checklist(&app, &sup, &main).await;
    let hazard = uuid::Uuid::now_v7().to_string();
    let t = |n: usize| "字".repeat(n);
    let plan = json!({"goal": t(500), "method": t(500), "materials": t(500), "people": t(500),
                      "safety": t(500), "contingency": t(500)});
    let deadline = app::core::date_text(app::core::court_date(now() + 10 * 24 * HOUR));
    let item = json!({"category": "p1", "description": t(100), "disposition": "seized"});
    let largest = vec![
        failing_inspection(1, &sid, &main, &list, &items),
        crate::common::mutation(
            2,
            "hazard.report",
            1,
            &sid,
            json!({"id": hazard, "site_id": main, "place": t(60), "category": "fire", "grade": "major",
                   "description": t(500), "fixed_on_spot": false, "fix_note": ""}),
        ),
        crate::common::mutation(
            3,
            "rect.issue",
            1,
            &sid,
            json!({"rect_id": format!("{hazard}/rect"), "ledger": {"department": t(60),
                   "responsible_id": other, "measures": t(500), "deadline": deadline,
                   "funding": t(200), "safeguards": t(300), "plan": plan}}),
        ),
        crate::common::mutation(
            4,
            "screening.record",
            1,
            &sid,
            json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": main, "visit_id": null,
                   "name": t(40), "equipment": ["gate", "xray", "handheld"], "outcome": "prohibited",
                   "officer": t(40), "note": t(200), "items": vec![item; 20]}),
        ),
        crate::common::mutation(
            5,
            "visit.check_in",
            2,
            &sid,
            json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": main, "name": t(40),
                   "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800001111",
                   "category": "party", "purpose": t(200), "person_visited": t(40), "case_number": t(40),
                   "companions": 9}),
        ),
    ];
    // The rectification as its phone read it, straight from the report it made.
    let mut largest = largest;
    largest[2]["base_version"] = json!(0);
    for m in &largest {
        let bytes = m.to_string().len();
        assert!(
            bytes < app::sync::LIMITS.mutation_bytes,
            "{}: {bytes} bytes",
            m["name"]
        );
    }
    let (s, r) = push(&app, &sup, &d, json!(largest)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        crate::common::statuses(&r),
        ["applied"; 5],
        "{}",
        serde_json::to_string_pretty(&r["results"]).unwrap()
    );
}

/// The phones list finds a lost phone: its label, who used it, its last contact, what it said
/// was still waiting, what the server holds of it, and its sessions; revoking it ends them.
#[tokio::test]
async fn the_phones_list_shows_what_finding_a_lost_phone_needs() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    // Two records arrive (one unsigned, held); the phone says it has made five.
    let unsigned = {
        let mut m = check_in(2, &gid, &main, "乙");
        m["unsigned"] = json!(true);
        m
    };
    let (_, r) = crate::common::push_body(
        &app,
        &g,
        &d,
        json!({"client_id": d.client_id, "protocol": app::sync::PROTOCOL, "app_build": "test",
               "sent_at": now(), "made_up_to": 5,
               "mutations": [check_in(1, &gid, &main, "甲"), unsigned]}),
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "held"], "{r}");
    let (s, list) = body(app.get(&sup, "/api/v1/devices").await).await;
    assert_eq!(s, StatusCode::OK);
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["client_id"] == d.client_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["label"], "立案大厅 1号机");
    assert_eq!(row["people"], json!(["guard1"]));
    assert_eq!(
        (row["waiting"].as_u64(), row["held"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(row["sessions"], 1);
    assert!(row["last_contact"].as_i64().is_some() && row["revoked_at"].is_null());
    // A guard may not see it.
    assert_eq!(
        app.get(&g, "/api/v1/devices").await.status(),
        StatusCode::FORBIDDEN
    );
    let (s, r) = body(
        app.post(
            &sup,
            &format!("/api/v1/devices/{}/revoke", d.client_id),
            json!(null),
        )
        .await,
    )
    .await;
    assert_eq!((s, r["sessions_ended"].as_u64()), (StatusCode::OK, Some(1)));
    assert_eq!(
        app.get(&g, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (_, list) = body(app.get(&sup, "/api/v1/devices").await).await;
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["client_id"] == d.client_id.as_str())
        .unwrap();
    assert!(row["revoked_at"].is_i64() && row["sessions"] == 0, "{row}");
}

/// Every record type the phone declares reaches its handler on the server at its newest
/// version (args it cannot read are refused, never taken for a newer phone's); a name nobody
/// declared is left on the phone for a newer server.
#[tokio::test]
async fn every_declared_record_type_reaches_its_server_handler() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (sup, sid) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let now = chrono::Utc::now().timestamp_millis();
    let mut batch: Vec<Value> = app::registry::RECORDS
        .iter()
        .enumerate()
        .map(|(i, r)| {
            json!({"id": i + 1, "name": r.name, "v": r.version, "author": sid,
                   "args": {"unreadable": true}, "client_time": now})
        })
        .collect();
    let last = batch.len() + 1;
    batch.push(
        json!({"id": last, "name": "visit.check_inn", "v": 1, "author": sid,
                      "args": {}, "client_time": now}),
    );
    let (s, r) = push(&app, &sup, &d, Value::Array(batch)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let results = r["results"].as_array().unwrap();
    assert_eq!(results.len(), app::registry::RECORDS.len());
    for (decl, res) in app::registry::RECORDS.iter().zip(results) {
        assert_eq!(res["status"], "rejected", "{}: {res}", decl.name);
        assert_ne!(res["code"], "unknown_mutation", "{}: {res}", decl.name);
    }
    assert_eq!(r["server_behind"], last, "{r}");
}
