//! The sync endpoints against the real server on SQLite: exactly once, duplicates, gaps,
//! refusals recorded, scoped pulls, devices, hostile batches, 50 clients at once.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::{body, enrol, pull, push, spawn_app, Device, TestApp};
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
    let (_, again) = pull(&app, &g2, &d2, Some(p["cursor"].as_i64().unwrap())).await;
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
    let (s, e) = push(&app, &g2, &d2, json!([check_in(3, &g2id, &hc, "丁")])).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["code"], "device_revoked");
    assert_eq!(e["message"], "本机已被停用（挂失），不能再同步");
    assert_eq!(pull(&app, &g2, &d2, None).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_previous_persons_records_are_still_theirs() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (a, aid) = app.person(&admin, "shift.a", &["guard"], &["main"]).await;
    let (b, _) = app.person(&admin, "shift.b", &["guard"], &["main"]).await;
    let (_, stranger) = app.person(&admin, "stranger", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    // A signs in on the post phone (pulls once), saves a record offline, hands over to B.
    assert_eq!(pull(&app, &a, &d, None).await.0, StatusCode::OK);
    let (_, r) = push(
        &app,
        &b,
        &d,
        json!([
            check_in(1, &aid, &main, "甲"),
            check_in(2, &stranger, &main, "乙")
        ]),
    )
    .await;
    assert_eq!(r["results"][0]["status"], "applied");
    assert_eq!(
        r["results"][1]["status"], "rejected",
        "someone who never used this phone"
    );
    assert_eq!(r["results"][1]["code"], "author_unknown");
    let author: String = sqlx::query_scalar("SELECT author_id FROM visits")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(author, aid, "B's push did not re-attribute A's record");
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
    let cases: Vec<(Value, &str)> = vec![
        (
            json!([{"id": "one", "name": "visit.check_in"}]),
            "wrong types",
        ),
        (
            json!([{"id": 1, "name": "visit.delete_all", "v": 1, "author": gid, "args": {}, "client_time": 0}]),
            "unknown name",
        ),
        (
            json!([{"id": 1, "name": "visit.check_in", "v": 9, "author": gid, "args": {}, "client_time": 0}]),
            "future version",
        ),
        (json!([ok.clone(), ok.clone()]), "ids not increasing"),
        (
            json!((1..=101)
                .map(|i| check_in(i, &gid, &main, "x"))
                .collect::<Vec<_>>()),
            "batch too big",
        ),
        (
            json!([{"id": 1, "name": "visit.check_in", "v": 1, "author": gid, "args": {"pad": "x".repeat(20_000)}, "client_time": 0}]),
            "huge args",
        ),
    ];
    for (batch, what) in cases {
        let (s, e) = push(&app, &g, &d, batch).await;
        assert!(
            s == StatusCode::BAD_REQUEST || s == StatusCode::PAYLOAD_TOO_LARGE,
            "{what}: {s}"
        );
        if s == StatusCode::BAD_REQUEST {
            assert!(!e["message"].as_str().unwrap().is_empty(), "{what}");
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
    // An app older than the server's protocol is told to update (426); its outbox waits.
    let r = g
        .post(app.url("/api/sync/v1/push"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id, "protocol": 0, "app_build": "old", "mutations": [ok.clone()]}))
        .send()
        .await
        .unwrap();
    let (s, e) = body(r).await;
    assert_eq!(s, StatusCode::UPGRADE_REQUIRED);
    assert_eq!(e["code"], "update_required");
    // Not signed in.
    let (s, _) = push(&app, &common::client(), &d, json!([ok.clone()])).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(visits(&app).await, 0);
    // Still serving, and the good batch goes through.
    let (s, r) = push(&app, &g, &d, json!([ok])).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["results"][0]["status"], "applied");
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
async fn hello_makes_a_person_known_on_the_device() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (a, aid) = app.person(&admin, "shift.a", &["guard"], &["main"]).await;
    let (b, _) = app.person(&admin, "shift.b", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    // Without hello, A's record sent by B is refused …
    let (_, r) = push(&app, &b, &d, json!([check_in(1, &aid, &main, "甲")])).await;
    assert_eq!(r["results"][0]["code"], "author_unknown");
    // … after A said hello on this phone, it goes through.
    let r = a
        .post(app.url("/api/sync/v1/hello"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, r) = push(&app, &b, &d, json!([check_in(2, &aid, &main, "甲")])).await;
    assert_eq!(r["results"][0]["status"], "applied");
}

#[tokio::test]
async fn a_device_clock_far_off_is_flagged_not_trusted() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard1", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let mut skewed = check_in(1, &gid, &main, "钟慢");
    skewed["client_time"] = json!(chrono::Utc::now().timestamp_millis() - 3 * 3600 * 1000);
    let ok = check_in(2, &gid, &main, "钟准");
    let (s, _) = push(&app, &g, &d, json!([skewed, ok])).await;
    assert_eq!(s, StatusCode::OK);
    let flags: Vec<(String, bool, i64)> =
        sqlx::query_as("SELECT name, clock_skewed, version FROM visits ORDER BY version")
            .fetch_all(&app.db)
            .await
            .unwrap();
    // Order is the server's (versions), whatever the phone's clock said.
    assert_eq!(
        flags
            .iter()
            .map(|f| (f.0.as_str(), f.1))
            .collect::<Vec<_>>(),
        [("钟慢", true), ("钟准", false)]
    );
}
