//! Court requests against the real server: a call logged late and offline is judged by the
//! call's time; breaches counted right at the limits; steps in order, once, nothing after the
//! close; the court files and confirms online without an enrolled phone; unconfirmed requests
//! close by themselves.

use crate::common::now;
use crate::common::{body, changes_of, enrol, made_at, pull_all, spawn_app, uuid};
use app::request::{HOUR, MINUTE};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// When the scenario starts: three hours ago, or a week before that when three hours ago is
/// in another month than its last step (the month's KPI is what is read back).
fn scenario_start() -> i64 {
    let t0 = now() - 3 * HOUR;
    let month = |t: i64| app::core::court_date(t).1;
    if month(t0) == month(t0 + 2 * HOUR + 16 * MINUTE) {
        t0
    } else {
        t0 - 7 * 24 * HOUR
    }
}

fn day_of(t: i64) -> String {
    app::core::date_text(app::core::court_date(t))
}

fn logged(id: &str, site: &str, urgency: &str, before: i64) -> Value {
    json!({"id": id, "site_id": site, "channel": "phone", "urgency": urgency,
        "subject": "三楼走廊有人争吵", "from_whom": "立案庭", "received_before_ms": before})
}

fn step(id: &str, step: &str, note: &str) -> Value {
    json!({"request_id": id, "step": step, "note": note, "on_site": true})
}

#[tokio::test]
async fn a_call_logged_late_and_offline_is_judged_by_the_call_s_time_and_at_the_limits() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["huancheng"])
        .await;
    let (g, gid) = app
        .person(&admin, "guard", &["guard"], &["huancheng"])
        .await;
    let (tl, tlid) = app
        .person(&admin, "leader", &["team_leader"], &["huancheng"])
        .await;
    let reader = enrol(&app, &sup).await;
    let t0 = scenario_start();
    let (a, b, c, d) = (uuid(), uuid(), uuid(), uuid());

    // The call came in at t0; the guard logged it 40 minutes later, offline, and the phone
    // sent it hours after that.
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "request.file",
        logged(&a, &hc, "urgent", 40 * MINUTE),
        t0 + 40 * MINUTE,
    )
    .await;
    assert_eq!(r["status"], "applied", "{r}");
    let (changes, _) = pull_all(&app, &tl, &reader, None).await;
    let wrapped = json!({"changes": changes});
    let rows = changes_of(&wrapped, "court_request");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["data"]["received_at"], t0, "{}", rows[0]);
    assert_eq!(rows[0]["data"]["state"], "received");

    // Acknowledged 41 minutes after the call: an urgent request answered late.
    let r = made_at(
        &app,
        &sup,
        (&tl, &tlid),
        "request.step",
        step(&a, "acknowledge", ""),
        t0 + 41 * MINUTE,
    )
    .await;
    assert_eq!(r["status"], "applied", "{r}");
    // A second acknowledgement, and a step out of order, are refused in words.
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "request.step",
        step(&a, "acknowledge", ""),
        t0 + 42 * MINUTE,
    )
    .await;
    assert_eq!(
        (r["status"].as_str(), r["message"].as_str()),
        (Some("rejected"), Some("这条需求已有人响应")),
        "{r}"
    );
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "request.step",
        step(&a, "report", "已告知"),
        t0 + 43 * MINUTE,
    )
    .await;
    assert_eq!(r["message"], "请先完成“处理”", "{r}");

    // A general one acknowledged at exactly the hour: in time.
    made_at(
        &app,
        &sup,
        (&g, &gid),
        "request.file",
        logged(&b, &hc, "general", 0),
        t0 + 50 * MINUTE,
    )
    .await;
    made_at(
        &app,
        &sup,
        (&tl, &tlid),
        "request.step",
        step(&b, "acknowledge", ""),
        t0 + 110 * MINUTE,
    )
    .await;
    // Urgent ones: a millisecond over the 15 minutes is late, exactly 15 is not.
    made_at(
        &app,
        &sup,
        (&g, &gid),
        "request.file",
        logged(&c, &hc, "urgent", 0),
        t0 + HOUR + MINUTE,
    )
    .await;
    made_at(
        &app,
        &sup,
        (&tl, &tlid),
        "request.step",
        step(&c, "acknowledge", ""),
        t0 + HOUR + 16 * MINUTE + 1,
    )
    .await;
    made_at(
        &app,
        &sup,
        (&g, &gid),
        "request.file",
        logged(&d, &hc, "urgent", 0),
        t0 + 2 * HOUR,
    )
    .await;
    let r = made_at(
        &app,
        &sup,
        (&tl, &tlid),
        "request.step",
        step(&d, "acknowledge", ""),
        t0 + 2 * HOUR + 15 * MINUTE,
    )
    .await;
    assert_eq!(r["status"], "applied", "{r}");

    let day = day_of(t0 + 2 * HOUR + 15 * MINUTE);
    let (s, v) = body(
        app.get(&sup, &format!("/api/v1/dashboard?site={hc}&day={day}"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let k = &v["responses"];
    assert_eq!(k["requests"], 4, "{k}");
    assert_eq!(k["response"]["judged"], 4, "{k}");
    assert_eq!(k["response"]["within"], 2, "{k}");
    assert_eq!(k["response"]["breaches"], 2, "{k}");
    assert_eq!(k["response"]["worst_ms"], 60 * MINUTE, "{k}");
    // 15 min, 15 min + 1 ms, 41 min, 60 min: the lower middle.
    assert_eq!(k["response"]["median_ms"], 15 * MINUTE + 1, "{k}");
}

#[tokio::test]
async fn the_court_files_online_and_confirms_and_nothing_follows_the_close() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["huancheng"])
        .await;
    let (staff, staff_id) = app
        .person(&admin, "staff.a", &["court_staff"], &["huancheng"])
        .await;
    let (other, _) = app
        .person(&admin, "staff.b", &["court_staff"], &["huancheng"])
        .await;
    let (tl, tlid) = app
        .person(&admin, "leader", &["team_leader"], &["huancheng"])
        .await;
    let id = uuid();

    // Court staff file from their own phone, not enrolled; what they say of the channel and
    // the time is not theirs to say (online, now).
    let filed = json!({"id": id, "site_id": hc, "channel": "phone", "urgency": "urgent",
        "subject": "审判庭门口有人滞留", "received_before_ms": HOUR});
    let before = now();
    let (s, v) = body(app.post(&staff, "/api/v1/requests", filed.clone()).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Sent again after a lost answer: still one.
    let (s, _) = body(app.post(&staff, "/api/v1/requests", filed).await).await;
    assert_eq!(s, StatusCode::OK);
    let (_, mine) = body(app.get(&staff, "/api/v1/requests/mine").await).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    let row = &mine[0][1];
    assert_eq!(
        (row["channel"].as_str(), row["author_id"].as_str()),
        (Some("online"), Some(staff_id.as_str()))
    );
    assert!(row["received_at"].as_i64().unwrap() >= before);
    // Another staff member does not see it; a bad one is refused in words.
    let (_, theirs) = body(app.get(&other, "/api/v1/requests/mine").await).await;
    assert_eq!(theirs, json!([]));
    let (s, e) = body(
        app.post(
            &staff,
            "/api/v1/requests",
            json!({"id": uuid(), "site_id": hc,
        "urgency": "general", "subject": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str(), e["message"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("subject"),
            Some("请写明需求内容（至少2字）")
        )
    );
    // Not at a site of theirs.
    let main = app.site_id("main").await;
    let (s, _) = body(
        app.post(
            &staff,
            "/api/v1/requests",
            json!({"id": uuid(), "site_id": main,
        "urgency": "general", "subject": "灯坏了"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // The team leader answers it through the sync, step by step.
    let t = now();
    for (n, (st, note)) in [
        ("acknowledge", ""),
        ("handle", "已到场劝离"),
        ("report", "已电话告知立案庭"),
    ]
    .into_iter()
    .enumerate()
    {
        let r = made_at(
            &app,
            &sup,
            (&tl, &tlid),
            "request.step",
            step(&id, st, note),
            t + n as i64,
        )
        .await;
        assert_eq!(r["status"], "applied", "{st}: {r}");
    }
    // Only the one who filed it (or the liaison) confirms; a guard's side cannot.
    let (s, e) = body(
        app.post(&other, &format!("/api/v1/requests/{id}/confirm"), json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (s, e["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("只能确认自己提出的需求"))
    );
    let (s, _) = body(
        app.post(&tl, &format!("/api/v1/requests/{id}/confirm"), json!({}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = body(
        app.post(
            &staff,
            &format!("/api/v1/requests/{id}/confirm"),
            json!({"note": "满意"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, mine) = body(app.get(&staff, "/api/v1/requests/mine").await).await;
    let row = &mine[0][1];
    assert_eq!(
        (row["state"].as_str(), row["close_kind"].as_str()),
        (Some("closed"), Some("confirmed"))
    );
    assert_eq!(row["acknowledged_name"], "leader");
    assert_eq!(row["on_site"], true);
    // Nothing after the close.
    let r = made_at(
        &app,
        &sup,
        (&tl, &tlid),
        "request.step",
        step(&id, "handle", "再次处理"),
        t + 10,
    )
    .await;
    assert_eq!(r["message"], "这条需求已办结，不能再记录", "{r}");
}

#[tokio::test]
async fn a_request_reported_back_and_never_confirmed_closes_by_itself() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["huancheng"])
        .await;
    let (tl, tlid) = app
        .person(&admin, "leader", &["team_leader"], &["huancheng"])
        .await;
    let id = uuid();
    let t = now() - HOUR;
    made_at(
        &app,
        &sup,
        (&tl, &tlid),
        "request.file",
        logged(&id, &hc, "general", 0),
        t,
    )
    .await;
    for (n, (st, note)) in [
        ("acknowledge", ""),
        ("handle", "已处理"),
        ("report", "已反馈"),
    ]
    .into_iter()
    .enumerate()
    {
        made_at(
            &app,
            &sup,
            (&tl, &tlid),
            "request.step",
            step(&id, st, note),
            t + n as i64 + 1,
        )
        .await;
    }
    let reported = t + 3;
    let days = 3;
    let close = |at| server::records::requests::close_unconfirmed(&app.db, at, days);
    assert_eq!(close(reported + days * 24 * HOUR).await.unwrap(), 0);
    assert_eq!(close(reported + days * 24 * HOUR + 1).await.unwrap(), 1);
    let (state, kind): (String, String) =
        sqlx::query_as("SELECT state, close_kind FROM court_requests WHERE id = ?")
            .bind(&id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((state.as_str(), kind.as_str()), ("closed", "unconfirmed"));
    assert_eq!(close(reported + 10 * 24 * HOUR).await.unwrap(), 0);
}

#[tokio::test]
async fn a_request_that_needs_work_opens_a_rectification_and_the_box_is_opened_weekly() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["huancheng"])
        .await;
    let (g, gid) = app
        .person(&admin, "guard", &["guard"], &["huancheng"])
        .await;
    let id = uuid();
    let t = now() - HOUR;
    made_at(
        &app,
        &sup,
        (&g, &gid),
        "request.file",
        logged(&id, &hc, "general", 0),
        t,
    )
    .await;
    made_at(
        &app,
        &sup,
        (&g, &gid),
        "request.step",
        step(&id, "acknowledge", ""),
        t + 1,
    )
    .await;
    let hazard = |from: &str| {
        json!({"id": uuid(), "site_id": hc, "place": "立案大厅", "category": "facility",
            "grade": "general", "description": "座椅损坏需更换", "from_check": from})
    };
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "hazard.report",
        hazard(&format!("request:{id}")),
        t + 2,
    )
    .await;
    assert_eq!(r["status"], "applied", "{r}");
    let (rect, from): (String, String) = sqlx::query_as(
        "SELECT c.rect_id, h.from_check FROM court_requests c
         JOIN rectifications r ON r.id = c.rect_id JOIN hazards h ON h.id = r.hazard_id
         WHERE c.id = ?",
    )
    .bind(&id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(rect.ends_with("/rect"));
    assert_eq!(from, format!("request:{id}"));
    // Once per request, and only for one that exists.
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "hazard.report",
        hazard(&format!("request:{id}")),
        t + 3,
    )
    .await;
    assert_eq!(r["message"], "这条需求已转整改", "{r}");
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "hazard.report",
        hazard("request:nothing"),
        t + 4,
    )
    .await;
    assert_eq!(r["message"], "没有这条需求", "{r}");

    // The box: an opening with items says what they were.
    let opening =
        |items: u32, note: &str| json!({"id": uuid(), "site_id": hc, "items": items, "note": note});
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "suggestion_box.open",
        opening(2, ""),
        t + 5,
    )
    .await;
    assert_eq!(r["field"], "note", "{r}");
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "suggestion_box.open",
        opening(2, "建议增设饮水机；表扬导诉员"),
        t + 6,
    )
    .await;
    assert_eq!(r["status"], "applied", "{r}");
    let (items, name, at): (i64, String, i64) =
        sqlx::query_as("SELECT items, opened_name, opened_at FROM suggestion_box_openings")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((items, name.as_str(), at), (2, "guard", t + 6));
}
