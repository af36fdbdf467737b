//! The watchlist against the real server: kept by a supervisor, matched at registration by the
//! server and (by key) on phones, which never receive a watched person's number; the alert and
//! what was done are recorded.

use crate::common::{body, enrol, mutation, pull, push, spawn_app, statuses};
use app::idcard::IdType;
use reqwest::StatusCode;
use serde_json::json;

const WATCHED: &str = "11010519491231002X";

#[tokio::test]
async fn a_watched_person_is_matched_without_numbers_on_phones() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let d = enrol(&app, &sup).await;

    // Guards do not keep the list; a wrong number is explained.
    let (s, _) = body(app.get(&g, "/api/v1/watchlist").await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let entry = |number: &str| json!({"name": "某甲", "id_type": "resident_id", "id_number": number, "reason": "法院通知：到访即报告"});
    let (s, e) = body(
        app.post(&sup, "/api/v1/watchlist", entry("110105194912310021"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["field"], "id_number");
    assert_eq!(e["message"], "第18位校验码应为“X”，输入的是“1”，请逐位核对");
    let (s, w) = body(
        app.post(&sup, "/api/v1/watchlist", entry(&WATCHED.to_lowercase()))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(w["id_masked"], "110105********002X");
    let (s, _) = body(app.post(&sup, "/api/v1/watchlist", entry(WATCHED)).await).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let stored: String =
        sqlx::query_scalar("SELECT name || id_masked || key_hash || server_key FROM watchlist")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(!stored.contains("19491231"), "no number is stored");

    // The guard's phone gets the entry's key, not the number, and can match with it.
    let (_, p) = pull(&app, &g, &d, None).await;
    let text = p.to_string();
    assert!(!text.contains("19491231"), "{text}");
    assert!(!text.contains("server_key"));
    let row = p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "watch")
        .unwrap();
    let data = &row["data"];
    let phone_key = app::watch::key(
        IdType::ResidentId,
        WATCHED,
        data["salt"].as_str().unwrap(),
        data["iterations"].as_u64().unwrap() as u32,
    );
    // Only its first 20 bits, and neither the name nor the masked number: on the phone a hit
    // is a possible match, confirmed by the server.
    assert_eq!(
        app::watch::phone_key(&phone_key),
        data["key_hash"].as_str().unwrap()
    );
    assert_eq!(
        data["key_hash"].as_str().unwrap().len(),
        app::watch::PHONE_KEY_HEX
    );
    assert!(
        data.get("name").is_none() && data.get("id_masked").is_none(),
        "{data}"
    );
    assert!(!text.contains("某甲"), "{text}");
    assert_eq!(data["iterations"], app::watch::ITERATIONS);
    let salts: Vec<String> = sqlx::query_scalar("SELECT salt FROM watchlist")
        .fetch_all(&app.db)
        .await
        .unwrap();
    let distinct: std::collections::BTreeSet<&String> = salts.iter().collect();
    assert_eq!(distinct.len(), salts.len(), "a salt per entry");

    // The server marks the registration; the guard records what was done.
    let visit = |name: &str, number: &str| {
        json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": main, "name": name,
        "id_type": "resident_id", "id_number": number, "phone": "13800001111", "category": "party", "purpose": "开庭"})
    };
    let hit = visit("某甲", WATCHED);
    let other = visit("某乙", "110105194912310038");
    let alert = |id: &str, action: &str, note: &str| {
        json!({"id": id, "site_id": main, "visit_id": hit["id"],
        "watch_id": w["id"], "action": action, "note": note})
    };
    let a1 = uuid::Uuid::now_v7().to_string();
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            mutation(1, "visit.check_in", 2, &gid, hit.clone()),
            mutation(2, "visit.check_in", 2, &gid, other.clone()),
            mutation(
                3,
                "watch.alert",
                1,
                &gid,
                alert(&uuid::Uuid::now_v7().to_string(), "police_unreachable", "")
            ),
            mutation(4, "watch.alert", 1, &gid, alert(&a1, "notified_police", "")),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "applied", "rejected", "applied"]);
    assert_eq!(r["results"][2]["field"], "note");
    let marks: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT name, watch_id FROM visits ORDER BY name")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        marks,
        vec![
            ("某乙".into(), None),
            ("某甲".into(), w["id"].as_str().map(String::from))
        ]
    );
    let (_, p2) = pull(&app, &g, &d, Some(&p["cursor"])).await;
    let alerts: Vec<_> = p2["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "watch_alert")
        .collect();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["data"]["action"], "notified_police");

    // Removed from the list: phones drop it; adding and removing are in the audit log.
    let (s, _) = body(
        app.post(
            &sup,
            &format!("/api/v1/watchlist/{}/remove", w["id"].as_str().unwrap()),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, p3) = pull(&app, &g, &d, Some(&p2["cursor"])).await;
    assert_eq!(p3["changes"][0]["op"], "del");
    let log: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'watchlist_%' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(log, ["watchlist_add", "watchlist_remove"]);
}
