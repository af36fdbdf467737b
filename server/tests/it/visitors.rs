//! Visitor registration through the sync engine against the real server: the court's rules for
//! documents, completeness, returning visitors, check-out, what phones may see, and the recorded
//! reveal of a document number.

use crate::common::now;
use crate::common::{body, changes_of, enrol, pull, push, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

const ID: &str = "11010519491231002X";

fn check_in(id: u64, author: &str, args: Value) -> Value {
    json!({"id": id, "name": "visit.check_in", "v": 2, "author": author, "args": args, "client_time": now()})
}

fn visitor(site: &str, area: &str, name: &str, number: &str) -> Value {
    json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": site, "name": name,
           "id_type": "resident_id", "id_number": number, "phone": "13800001111",
           "category": "party", "purpose": "开庭", "area_id": area})
}

#[tokio::test]
async fn registrations_follow_the_courts_rules() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    let hall = app.first_area(&main).await;
    let hc_area = app.first_area(&hc).await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let d = enrol(&app, &sup).await;

    let ok = visitor(&main, &hall, "张三", "11010519491231002x");
    let bad_check = visitor(&main, &hall, "李四", "110105194912310021");
    let mut unreadable = visitor(&main, &hall, "王五", "");
    unreadable["id_missing_reason"] = json!("证件磨损无法辨认");
    let mut repeat = visitor(&main, &hall, "张三", "");
    repeat["repeat_of"] = ok["id"].clone();
    repeat["phone"] = json!("");
    let other_site_area = visitor(&main, &hc_area, "赵六", ID);
    let (s, r) = push(
        &app,
        &g,
        &d,
        json!([
            check_in(1, &gid, ok.clone()),
            check_in(2, &gid, bad_check),
            check_in(3, &gid, unreadable.clone()),
            check_in(4, &gid, repeat.clone()),
            check_in(5, &gid, other_site_area),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let statuses: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["applied", "rejected", "applied", "applied", "rejected"]
    );
    assert_eq!(r["results"][1]["field"], "id_number");
    assert_eq!(
        r["results"][1]["message"],
        "第18位校验码应为“X”，输入的是“1”，请逐位核对"
    );
    assert_eq!(r["results"][4]["code"], "invalid_area");

    let rows: Vec<(String, String, String, bool)> =
        sqlx::query_as("SELECT name, id_number, phone, complete FROM visits ORDER BY version")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        rows,
        vec![
            ("张三".into(), ID.into(), "13800001111".into(), true),
            ("王五".into(), "".into(), "13800001111".into(), false),
            // The returning visitor's document and phone come from the earlier visit.
            ("张三".into(), ID.into(), "13800001111".into(), true),
        ]
    );

    // Phones get the masked number only.
    let (_, p) = pull(&app, &g, &d, None).await;
    let text = p.to_string();
    assert!(!text.contains(ID), "a full number left the server: {text}");
    assert!(text.contains("110105********002X"));
    assert!(!text.contains("证件磨损"));
    assert_eq!(changes_of(&p, "visit").len(), 3);

    // Check-out: once, and a second tap (another guard, offline) changes nothing.
    let out = |id: u64, visit: &Value| {
        json!({"id": id, "name": "visit.check_out", "v": 1, "author": gid,
               "args": {"visit_id": visit["id"]}, "client_time": now()})
    };
    let (_, r) = push(&app, &g, &d, json!([out(6, &ok), out(7, &ok)])).await;
    assert_eq!(r["results"][0]["status"], "applied");
    assert_eq!(r["results"][1]["status"], "applied");
    let (_, p2) = pull(&app, &g, &d, Some(&p["cursor"])).await;
    let changes = changes_of(&p2, "visit");
    assert_eq!(changes.len(), 1, "one change: the check-out");
    assert!(changes[0]["data"]["checked_out_at"].is_i64());
    // Checking out a visit that does not exist is refused with a reason.
    let ghost = json!({"id": uuid::Uuid::now_v7().to_string()});
    let (_, r) = push(&app, &g, &d, json!([out(8, &ghost)])).await;
    assert_eq!(r["results"][0]["code"], "not_found");
}

#[tokio::test]
async fn sites_and_roles_limit_who_sees_and_who_reveals() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hall = app.first_area(&main).await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (sup_hc, _) = app
        .person(&admin, "sup.hc", &["supervisor"], &["huancheng"])
        .await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let (tg, tgid) = app
        .person(&admin, "guard.hc", &["guard"], &["huancheng"])
        .await;
    let d = enrol(&app, &sup).await;
    let d2 = enrol(&app, &sup_hc).await;
    let v = visitor(&main, &hall, "张三", ID);
    let (_, r) = push(&app, &g, &d, json!([check_in(1, &gid, v.clone())])).await;
    assert_eq!(r["results"][0]["status"], "applied");

    // A tribunal guard can neither register at nor read the main court.
    let (_, p) = pull(&app, &tg, &d2, None).await;
    assert!(changes_of(&p, "visit").is_empty());
    let v2 = visitor(&main, &hall, "李四", ID);
    let (_, r) = push(&app, &tg, &d2, json!([check_in(1, &tgid, v2)])).await;
    assert_eq!(r["results"][0]["code"], "site_forbidden");

    // Revealing: not for a guard; not for another site's supervisor; for this site's, recorded.
    let path = format!("/api/v1/visits/{}/reveal", v["id"].as_str().unwrap());
    let (s, _) = body(app.post(&g, &path, json!({})).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = body(app.post(&sup_hc, &path, json!({})).await).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("site_forbidden"))
    );
    let before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'reveal_id_number'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(before, 0);
    let (s, r) = body(app.post(&sup, &path, json!({})).await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["id_number"], ID);
    let log: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.target, p.login FROM audit_log a JOIN people p ON p.id = a.actor_id WHERE a.action = 'reveal_id_number'",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        log,
        vec![(v["id"].as_str().unwrap().to_string(), "sup".to_string())]
    );
}

/// Phones get the columns each entity names and nothing more: a visit's phone number masked,
/// never the document number; a visitor under 14 is marked, registered only with a guardian,
/// shown with less (name masked, no masked number, no phone, no guardian), and their number is
/// revealed only with a reason, which the audit log keeps.
#[tokio::test]
async fn phones_get_only_what_they_need_and_a_minor_less() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hall = app.first_area(&main).await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let d = enrol(&app, &sup).await;
    let adult = visitor(&main, &hall, "张三", ID);
    // 11 years old in 2026 (born 2015-01-01).
    let mut child = visitor(&main, &hall, "李小明", "220301201501010018");
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            check_in(1, &gid, adult.clone()),
            check_in(2, &gid, child.clone())
        ]),
    )
    .await;
    assert_eq!(r["results"][0]["status"], "applied");
    assert_eq!(
        (
            r["results"][1]["status"].as_str(),
            r["results"][1]["field"].as_str()
        ),
        (Some("rejected"), Some("guardian")),
        "{r}"
    );
    assert_eq!(
        r["results"][1]["message"],
        "访客未满14周岁：请登记监护人姓名及联系方式"
    );
    child["guardian"] = json!("李父 13900002222");
    let (_, r) = push(&app, &g, &d, json!([check_in(3, &gid, child.clone())])).await;
    assert_eq!(r["results"][0]["status"], "applied", "{r}");

    let (_, p) = pull(&app, &g, &d, None).await;
    let visits = changes_of(&p, "visit");
    let get = |id: &Value| visits.iter().find(|c| c["id"] == *id).unwrap()["data"].clone();
    let a = get(&adult["id"]);
    assert_eq!(a["phone"], "138****1111");
    assert_eq!(a["name"], "张三");
    assert_eq!(a["minor"], 0);
    let text = serde_json::to_string(&p).unwrap();
    for never in [
        ID,
        "13800001111",
        "220301201501010018",
        "李小明",
        "李父",
        "13900002222",
    ] {
        assert!(!text.contains(never), "{never} went to a phone");
    }
    for kept_back in [
        "id_number",
        "client_id",
        "guardian",
        "repeat_of",
        "checked_out_by",
    ] {
        assert!(a.get(kept_back).is_none(), "{kept_back} went to a phone");
    }
    let c = get(&child["id"]);
    assert_eq!(
        (
            c["name"].as_str(),
            c["id_masked"].as_str(),
            c["phone"].as_str(),
            c["minor"].as_i64()
        ),
        (Some("李**"), Some(""), Some(""), Some(1))
    );

    // Revealing a minor's number takes a reason.
    let path = format!("/api/v1/visits/{}/reveal", child["id"].as_str().unwrap());
    let (s, e) = body(app.post(&sup, &path, json!({})).await).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("reason"))
    );
    assert_eq!(
        e["message"],
        "查看未成年访客的证件号须说明原因（最多100字）"
    );
    let (s, r) = body(
        app.post(&sup, &path, json!({"reason": "家长报案核对身份"}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["id_number"], "220301201501010018");
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'reveal_id_number' AND target = ?",
    )
    .bind(child["id"].as_str().unwrap())
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        detail.contains("家长报案核对身份") && !detail.contains("2203012015"),
        "{detail}"
    );
    // An adult's needs none (as before).
    let path = format!("/api/v1/visits/{}/reveal", adult["id"].as_str().unwrap());
    assert_eq!(
        app.post(&sup, &path, json!(null)).await.status(),
        StatusCode::OK
    );
}

/// A fresh phone gets the visits of the entity's window (30 days), and older ones only while
/// the visitor is still on site (an open item stays until closed, however old).
#[tokio::test]
async fn a_fresh_phone_gets_the_window_and_what_is_still_open() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hall = app.first_area(&main).await;
    let (g, gid) = app
        .person(&admin, "guard.main", &["guard"], &["main"])
        .await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let names = ["上周", "四十天前已离开", "四十天前仍在场"];
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let v = visitor(&main, &hall, name, ID);
        let (_, r) = push(
            &app,
            &g,
            &d,
            json!([check_in(i as u64 + 1, &gid, v.clone())]),
        )
        .await;
        assert_eq!(r["results"][0]["status"], "applied", "{r}");
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    let day = 24 * 3600 * 1000;
    for (id, ago, out) in [
        (&ids[0], 7, Some(6)),
        (&ids[1], 40, Some(40)),
        (&ids[2], 40, None),
    ] {
        sqlx::query("UPDATE visits SET checked_in_at = ?, checked_out_at = ? WHERE id = ?")
            .bind(now() - ago * day)
            .bind(out.map(|o: i64| now() - o * day))
            .bind(id)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let (_, p) = pull(&app, &g, &d, None).await;
    let mut got: Vec<String> = changes_of(&p, "visit")
        .iter()
        .map(|c| c["data"]["name"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    let mut want = vec!["上周".to_string(), "四十天前仍在场".to_string()];
    want.sort();
    assert_eq!(got, want);
}
