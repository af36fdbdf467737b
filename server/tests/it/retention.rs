//! The retention job against a real database, with its clock passed in: personal data older
//! than the configured days is gone from the server and (as deletions) from phones; the counts
//! stay; an open deposit keeps its owner's name; a second run changes nothing.

use crate::common::{enrol, mutation, pull, push, spawn_app, statuses};
use serde_json::json;

const DAY: i64 = 24 * 3600 * 1000;

#[tokio::test]
async fn old_personal_data_is_anonymised_and_counts_stay() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let d = enrol(&app, &sup).await;
    let hall = app.first_area(&main).await;
    let uuid = || uuid::Uuid::now_v7().to_string();
    let visit = json!({"id": uuid(), "site_id": main, "name": "张三", "id_type": "resident_id",
        "id_number": "11010519491231002X", "phone": "13800001111", "category": "lawyer", "purpose": "阅卷", "area_id": hall});
    let screening = json!({"id": uuid(), "site_id": main, "visit_id": visit["id"], "name": "张三",
        "equipment": ["gate"], "outcome": "prohibited", "items": [
            {"category": "p1", "description": "水果刀", "disposition": "deposit", "locker": "1", "tag": "A1"},
            {"category": "p4", "description": "打火机油", "disposition": "deposit", "locker": "2", "tag": "A2"}]});
    let sid = screening["id"].as_str().unwrap();
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            mutation(1, "visit.check_in", 2, &gid, visit.clone()),
            mutation(2, "screening.record", 1, &gid, screening.clone()),
            mutation(
                3,
                "deposit.close",
                1,
                &gid,
                json!({"deposit_id": format!("{sid}/0"), "how": "collected", "confirmed": true})
            ),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "applied", "applied"]);
    let (_, p) = pull(&app, &g, &d, None).await;
    let cursor = p["cursor"].clone();
    let now = chrono::Utc::now().timestamp_millis();

    // Not old enough yet: nothing happens.
    let s = server::retention::run(&app.db, now + 179 * DAY, 180)
        .await
        .unwrap();
    assert_eq!(s, server::retention::Swept::default());

    let s = server::retention::run(&app.db, now + 181 * DAY, 180)
        .await
        .unwrap();
    assert_eq!(
        (s.visits, s.screenings, s.deposits, s.mutations),
        (1, 1, 1, 3)
    );
    let v: (String, String, String, String, String, bool, i64) = sqlx::query_as(
        "SELECT name, id_number, id_masked, phone, category, complete, checked_in_at FROM visits",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((&v.0[..], &v.1[..], &v.2[..], &v.3[..]), ("", "", "", ""));
    assert_eq!(
        (&v.4[..], v.5),
        ("lawyer", true),
        "what the counts need stays"
    );
    let names: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT name, closed_at FROM deposits ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(names[0].0, "", "a collected deposit is anonymised");
    assert_eq!(names[1].0, "张三", "an open deposit keeps its owner's name");
    let (screen_name, items): (String, String) =
        sqlx::query_as("SELECT name, items FROM screenings")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(screen_name, "");
    assert!(items.contains("p4"), "items by category stay");
    let everything: Vec<String> = sqlx::query_scalar("SELECT args FROM sync_mutations")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(everything.iter().all(|a| a == "{}"), "{everything:?}");

    // Phones are told to drop them.
    let (_, p2) = pull(&app, &g, &d, Some(&cursor)).await;
    let ops: Vec<(String, String)> = p2["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["entity"].as_str().unwrap().into(),
                c["op"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(ops.contains(&("visit".into(), "del".into())), "{ops:?}");
    assert!(ops.contains(&("screening".into(), "del".into())), "{ops:?}");

    // A second run finds nothing more.
    let s = server::retention::run(&app.db, now + 182 * DAY, 180)
        .await
        .unwrap();
    assert_eq!(s, server::retention::Swept::default());
}

/// After a run, the database file itself (and its write-ahead log) no longer holds an
/// anonymised visitor's name, number or phone, nor a removed watchlist entry's name: nothing
/// survives in free pages or the log.
#[tokio::test]
async fn nothing_anonymised_survives_in_the_database_files() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let d = enrol(&app, &sup).await;
    let hall = app.first_area(&main).await;
    let uuid = || uuid::Uuid::now_v7().to_string();
    let (name, number, phone, guardian) = (
        "欧阳锦绣",
        "220301201501010018",
        "13912345678",
        "欧阳父亲13787654321",
    );
    let visit = json!({"id": uuid(), "site_id": main, "name": name, "id_type": "resident_id",
        "id_number": number, "phone": phone, "category": "party", "purpose": "立案",
        "area_id": hall, "guardian": guardian});
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([mutation(1, "visit.check_in", 2, &gid, visit)]),
    )
    .await;
    assert_eq!(statuses(&r), ["applied"], "{r}");
    // A watchlist entry added, then removed: its name and keys go at the removal.
    let (s, w) = crate::common::body(
        app.post(
            &sup,
            "/api/v1/watchlist",
            json!({"name": "司马某某", "id_type": "resident_id",
                   "id_number": "110105194912310038", "reason": "法院通知：到访即报告"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{w}");
    let r = app
        .post(
            &sup,
            &format!("/api/v1/watchlist/{}/remove", w["id"].as_str().unwrap()),
            json!(null),
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let kept: (String, String, String) =
        sqlx::query_as("SELECT name, key_hash, server_key FROM watchlist")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(kept, (String::new(), String::new(), String::new()));

    let now = chrono::Utc::now().timestamp_millis();
    let s = server::retention::run(&app.db, now + 181 * DAY, 180)
        .await
        .unwrap();
    assert_eq!(s.visits, 1);
    let dir = &app.settings.data_dir;
    let mut bytes = std::fs::read(dir.join("guardpost.db")).unwrap();
    bytes.extend(std::fs::read(dir.join("guardpost.db-wal")).unwrap_or_default());
    let holds = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    for needle in [
        name,
        number,
        phone,
        guardian,
        "司马某某",
        "110105194912310038",
    ] {
        assert!(!holds(needle), "{needle} is still in the database files");
    }
}
