//! Patrol routes and rounds against the real server: the starting routes, a round checkpoint by
//! checkpoint (scanned, or from the list with a reason), what is refused and why, the routes a
//! supervisor edits, and the printable tag sheet.

use crate::common::{body, enrol, mutation, pull, push, spawn_app, statuses};
use reqwest::StatusCode;
use serde_json::json;

async fn route(app: &crate::common::TestApp, site: &str, kind: &str) -> (String, Vec<String>) {
    let (id, areas): (String, String) =
        sqlx::query_as("SELECT id, area_ids FROM routes WHERE site_id = ? AND kind = ?")
            .bind(site)
            .bind(kind)
            .fetch_one(&app.db)
            .await
            .unwrap();
    (id, serde_json::from_str(&areas).unwrap())
}

#[tokio::test]
async fn a_night_round_checkpoint_by_checkpoint() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    // The starting routes: the main court's morning, night and courtroom patrol; each
    // tribunal's night and rest-day checks.
    let per_site: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.code, COUNT(r.id) FROM sites s JOIN routes r ON r.site_id = s.id GROUP BY s.code",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(per_site.len(), 7);
    for (code, n) in &per_site {
        assert_eq!(*n, if code == "main" { 3 } else { 2 }, "{code}");
    }
    let (night, areas) = route(&app, &main, "night").await;
    assert!(areas.len() >= 4, "floors, corridors, restrooms, halls");

    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let (ct, ctid) = app
        .person(&admin, "caretaker", &["caretaker"], &["huancheng"])
        .await;
    let d = enrol(&app, &sup).await;
    let round = uuid::Uuid::now_v7().to_string();
    let check = |area: &str, how: &str, reason: Option<&str>, finding: &str| json!({"round_id": round, "area_id": area, "how": how, "reason": reason, "finding": finding});
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            mutation(
                1,
                "round.start",
                1,
                &gid,
                json!({"id": round, "route_id": night})
            ),
            mutation(
                2,
                "round.check",
                1,
                &gid,
                check(&areas[0], "list", None, "")
            ),
            mutation(
                3,
                "round.check",
                1,
                &gid,
                check(&areas[0], "list", Some("no_scanner"), "")
            ),
            mutation(
                4,
                "round.check",
                1,
                &gid,
                check(&areas[1], "scan", None, "二楼东侧灯坏")
            ),
            mutation(
                5,
                "round.check",
                1,
                &gid,
                check(&areas[1], "scan", None, "")
            ),
            mutation(
                6,
                "round.check",
                1,
                &gid,
                check(&app.first_area(&hc).await, "scan", None, "")
            ),
            mutation(
                7,
                "round.finish",
                1,
                &gid,
                json!({"round_id": round, "note": "无异常"})
            ),
            mutation(
                8,
                "round.check",
                1,
                &gid,
                check(&areas[2], "scan", None, "")
            ),
            mutation(9, "round.finish", 1, &gid, json!({"round_id": round})),
        ]),
    )
    .await;
    assert_eq!(
        statuses(&r),
        [
            "applied", "rejected", "applied", "applied", "applied", "rejected", "applied",
            "rejected", "applied"
        ]
    );
    assert_eq!(r["results"][1]["message"], "未扫码时须选择原因");
    assert_eq!(r["results"][5]["field"], "area_id");
    assert_eq!(r["results"][7]["message"], "该巡查已结束，不能再确认检查点");
    let (skipped, note): (i64, String) =
        sqlx::query_as("SELECT skipped, note FROM rounds WHERE id = ?")
            .bind(&round)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(skipped, areas.len() as i64 - 2);
    assert_eq!(note, "无异常");
    let checks: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT how, reason, finding FROM round_checks WHERE round_id = ? ORDER BY checked_at, how",
    )
    .bind(&round)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        checks,
        [
            ("list".into(), Some("no_scanner".into()), "".into()),
            ("scan".into(), None, "二楼东侧灯坏".into())
        ],
        "a second scan changes nothing"
    );

    // A tribunal caretaker walks the tribunal's routes, not the main court's.
    let (_, r) = push(
        &app,
        &ct,
        &d,
        json!([mutation(
            10,
            "round.start",
            1,
            &ctid,
            json!({"id": uuid::Uuid::now_v7().to_string(), "route_id": night})
        )]),
    )
    .await;
    assert_eq!(r["results"][0]["code"], "site_forbidden");

    // The guard's phone pulls the main court's routes, the round and its checkpoints.
    let (_, p) = pull(&app, &g, &d, None).await;
    let count = |e: &str| {
        p["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["entity"] == e)
            .count()
    };
    assert_eq!(
        (count("route"), count("round"), count("round_check")),
        (3, 1, 2)
    );
}

#[tokio::test]
async fn supervisors_edit_routes_and_print_tags() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, _) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let (_, areas) = route(&app, &main, "night").await;
    let id = uuid::Uuid::now_v7().to_string();
    let edit = |site: &str, areas: &[String], start: i64, end: i64| {
        json!({"site_id": site, "kind": "night", "name_zh": "二号楼夜查", "days": "daily",
               "window_start": start, "window_end": end, "area_ids": areas})
    };
    let path = format!("/api/v1/routes/{id}");
    let ok = edit(&main, &areas[..2], 18 * 60, 22 * 60);
    let (s, v) = body(app.put(&sup, &path, ok.clone()).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = body(
        app.put(&sup, &path, edit(&main, &[], 18 * 60, 22 * 60))
            .await,
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("area_ids"))
    );
    assert_eq!(v["message"], "路线至少有一个检查点");
    let (s, _) = body(
        app.put(&sup, &path, edit(&main, &areas[..1], 22 * 60, 18 * 60))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Another site's areas, another site, a guard: refused.
    let hc_area = app.first_area(&hc).await;
    let (s, _) = body(
        app.put(
            &sup,
            &path,
            edit(&main, std::slice::from_ref(&hc_area), 0, 60),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let other = format!("/api/v1/routes/{}", uuid::Uuid::now_v7());
    let (s, _) = body(app.put(&sup, &other, edit(&hc, &[hc_area], 0, 60)).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = body(app.put(&g, &path, ok).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let stored: String = sqlx::query_scalar("SELECT area_ids FROM routes WHERE id = ?")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<String>>(&stored).unwrap(),
        areas[..2]
    );

    // Removed: phones drop it; a round can no longer start on it.
    let (s, _) = body(app.post(&sup, &format!("{path}/remove"), json!({})).await).await;
    assert_eq!(s, StatusCode::OK);

    // The tag sheet: one QR code per active area of the site, for the supervisor only.
    let r = app
        .get(&sup, &format!("/api/v1/sites/{main}/tags.svg"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml; charset=utf-8");
    let svg = r.text().await.unwrap();
    let active: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM areas WHERE site_id = ? AND active = 1")
            .bind(&main)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(svg.matches("<path").count() as i64, active);
    assert!(svg.contains("第一审判法庭"));
    let r = app.get(&g, &format!("/api/v1/sites/{main}/tags.svg")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.get(&sup, &format!("/api/v1/sites/{hc}/tags.svg")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('route_put', 'route_remove', 'tag_sheet')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, 3);
}
