//! The supervisor's dashboard against the real server: the day's counts at one site, read by
//! those who see the KPIs there and nobody else.

use crate::common::{body, enrol, mutation, push, spawn_app, statuses};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_days_figures_for_those_who_see_them() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hall = app.first_area(&main).await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (sup_hc, _) = app
        .person(&admin, "sup.hc", &["supervisor"], &["huancheng"])
        .await;
    let (liaison, _) = app
        .person(&admin, "liaison", &["court_liaison"], &["main"])
        .await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard", "gate_guard"], &["main"])
        .await;
    let d = enrol(&app, &sup).await;
    let uuid = || uuid::Uuid::now_v7().to_string();
    let visit = |name: &str, companions: u32| {
        json!({"id": uuid(), "site_id": main, "name": name,
        "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800001111",
        "category": "party", "purpose": "开庭", "area_id": hall, "companions": companions})
    };
    let mut unreadable = visit("王五", 0);
    unreadable["id_number"] = json!("");
    unreadable["id_missing_reason"] = json!("证件磨损");
    let screened = json!({"id": uuid(), "site_id": main, "name": "张三", "equipment": ["gate"],
        "outcome": "prohibited", "items": [
            {"category": "p1", "description": "水果刀", "disposition": "deposit", "locker": "1", "tag": "A1"},
            {"category": "p4", "description": "打火机油", "disposition": "deposit", "locker": "2", "tag": "A2"}]});
    let sid = screened["id"].as_str().unwrap().to_string();
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            mutation(1, "visit.check_in", 2, &gid, visit("张三", 2)),
            mutation(2, "visit.check_in", 2, &gid, visit("李四", 0)),
            mutation(3, "visit.check_in", 2, &gid, unreadable),
            mutation(4, "screening.record", 1, &gid, screened),
            mutation(
                5,
                "screening.record",
                1,
                &gid,
                json!({"id": uuid(), "site_id": main, "name": "李四",
            "equipment": ["gate"], "outcome": "passed"})
            ),
            mutation(
                6,
                "deposit.close",
                1,
                &gid,
                json!({"deposit_id": format!("{sid}/0"), "how": "collected", "confirmed": true})
            ),
            mutation(
                7,
                "equipment.self_test",
                1,
                &gid,
                json!({"id": uuid(), "site_id": main, "gate_ok": true,
            "handheld_charged": true, "xray_ok": null})
            ),
            mutation(
                8,
                "gate.arrive",
                1,
                &gid,
                json!({"id": uuid(), "site_id": main, "kind": "vehicle",
            "plate": "吉C12345", "driver": "李师傅", "purpose": "公务"})
            ),
        ]),
    )
    .await;
    assert!(statuses(&r).iter().all(|s| s == "applied"), "{r}");

    let (y, m, dd) = app::core::court_date(chrono::Utc::now().timestamp_millis());
    let path = format!("/api/v1/dashboard?site={main}&day={y:04}-{m:02}-{dd:02}");
    let (s, f) = body(app.get(&sup, &path).await).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(
        (
            f["visits"].as_i64(),
            f["people"].as_i64(),
            f["complete"].as_i64()
        ),
        (Some(3), Some(5), Some(2))
    );
    assert_eq!(
        (f["month_visits"].as_i64(), f["month_complete"].as_i64()),
        (Some(3), Some(2))
    );
    assert_eq!(f["screenings"], 2);
    assert_eq!(f["outcomes"], json!([["passed", 1], ["prohibited", 1]]));
    assert_eq!(f["items"], json!([["p1", 1], ["p4", 1]]));
    assert_eq!(
        (f["deposits_made"].as_i64(), f["deposits_open"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(f["self_tests"], 1);
    assert_eq!(f["gate"], json!([["vehicle", 1]]));

    // Another day at the same site is empty.
    let (_, other) = body(
        app.get(
            &sup,
            &format!("/api/v1/dashboard?site={main}&day=2026-01-02"),
        )
        .await,
    )
    .await;
    assert_eq!(other["visits"], 0);
    assert_eq!(other["deposits_open"], 0);

    // The court's liaison reads it; a guard does not; another site's supervisor does not.
    let (s, _) = body(app.get(&liaison, &path).await).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = body(app.get(&g, &path).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = body(app.get(&sup_hc, &path).await).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("site_forbidden"))
    );
    let (s, e) = body(
        app.get(
            &sup,
            &format!("/api/v1/dashboard?site={main}&day=yesterday"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("day"))
    );
}
