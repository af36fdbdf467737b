//! Alerts against the real server and a fake group robot: a small real HTTP server on loopback
//! that records what it is sent and can be told to fail or to hang. Proves the urgent request's
//! chain (at once, 5 and 10 minutes), the acknowledgement that is the request's response,
//! delivery, retry after a failure, no retry after a success, merging under the rate limit, a
//! phone holding records unsent, a late record resolving its alert, and that the robot's
//! address is never shown back or logged.

use crate::common::{body, made_at, mutation, now, push_body, spawn_app, uuid, Phone, TestApp};
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

const MINUTE: i64 = 60_000;

/// How the fake robot answers.
const ANSWER_OK: u8 = 0;
const ANSWER_FAIL: u8 = 1;
const ANSWER_HANG: u8 = 2;

#[derive(Clone, Default)]
struct Robot {
    /// Messages it took (answered errcode 0).
    got: Arc<Mutex<Vec<String>>>,
    /// Every post it received, taken or not.
    tries: Arc<Mutex<usize>>,
    answer: Arc<AtomicU8>,
}

impl Robot {
    /// Starts it on a free loopback port; its webhook address carries a key, as a real one.
    async fn start() -> (Robot, String) {
        let robot = Robot::default();
        let app = Router::new()
            .route("/cgi-bin/webhook/send", post(take))
            .with_state(robot.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let url = format!(
            "http://{addr}/cgi-bin/webhook/send?key=SECRETKEY-{}",
            uuid()
        );
        (robot, url)
    }

    fn got(&self) -> Vec<String> {
        self.got.lock().unwrap().clone()
    }

    fn set(&self, answer: u8) {
        self.answer.store(answer, Ordering::SeqCst);
    }

    /// Waits (up to 10 s) until it holds `n` messages.
    async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..200 {
            if self.got().len() >= n {
                return self.got();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the robot has {:?}, not {n} messages", self.got());
    }
}

async fn take(State(r): State<Robot>, Json(v): Json<Value>) -> (StatusCode, Json<Value>) {
    *r.tries.lock().unwrap() += 1;
    match r.answer.load(Ordering::SeqCst) {
        ANSWER_FAIL => (StatusCode::BAD_GATEWAY, Json(json!({"errcode": -1}))),
        ANSWER_HANG => {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            (StatusCode::OK, Json(json!({"errcode": 0})))
        }
        _ => {
            let text = v["text"]["content"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            r.got.lock().unwrap().push(text);
            (StatusCode::OK, Json(json!({"errcode": 0, "errmsg": "ok"})))
        }
    }
}

/// Everything the server logs in this test binary, from the first test that asks.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .try_init();
        buf
    })
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Adds a robot for `site` (empty: the court's) as the administrator; its answer.
async fn add_robot(app: &TestApp, admin: &Client, site: &str, url: &str) -> Value {
    let (s, v) = body(
        app.post(
            admin,
            "/api/v1/robots",
            json!({"site_id": site, "kind": "wecom", "url": url}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// Turns rule `rule` off, as an administrator would (the starting routes' rounds are missed
/// in a fresh server whatever the hour: their alerts would go to the robots too).
async fn rule_off(app: &TestApp, admin: &Client, rule: &str) {
    let (_, rules) = body(app.get(admin, "/api/v1/alert-rules").await).await;
    let mut r = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap()
        .clone();
    r["enabled"] = json!(false);
    let (s, v) = body(
        app.put(admin, &format!("/api/v1/alert-rules/{rule}"), r)
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// The open alerts `c` sees online.
async fn inbox(app: &TestApp, c: &Client) -> Vec<Value> {
    let (s, v) = body(app.get(c, "/api/v1/alerts").await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let mut a = pair[1].clone();
            a["id"] = pair[0].clone();
            a
        })
        .collect()
}

/// Waits (up to 10 s) for `c`'s inbox to hold `n` alerts of `rule` (the starting routes'
/// rounds are missed in every test's server: those alerts are real too).
async fn inbox_of(app: &TestApp, c: &Client, rule: &str, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let got = of_rule(inbox(app, c).await, rule);
        if got.len() == n {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("inbox: {:?}", inbox(app, c).await);
}

fn of_rule(alerts: Vec<Value>, rule: &str) -> Vec<Value> {
    alerts.into_iter().filter(|a| a["rule"] == rule).collect()
}

fn urgent(site: &str) -> Value {
    json!({"id": uuid(), "site_id": site, "channel": "online", "urgency": "urgent",
        "subject": "三号法庭需要增派法警 13912345678", "from_whom": "刑庭"})
}

#[tokio::test]
async fn an_urgent_request_reaches_its_site_then_climbs_and_its_acknowledgement_is_the_response() {
    let sink = logs();
    let (robot, url) = Robot::start().await;
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hc = app.site_id("huancheng").await;
    rule_off(&app, &admin, "round_missed").await;
    let saved = add_robot(&app, &admin, &hc, &url).await;
    assert_eq!(saved["test_arrived"], true, "{saved}");
    let masked = saved["url_masked"].as_str().unwrap();
    assert!(!masked.contains("SECRETKEY"), "{masked}");
    assert!(robot.wait_for(1).await[0].contains("测试消息"));
    let (staff, _) = app
        .person(&admin, "staff", &["court_staff"], &["huancheng"])
        .await;
    let (tl, tlid) = app
        .person(&admin, "leader", &["team_leader"], &["huancheng"])
        .await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["huancheng"])
        .await;
    let (liaison, _) = app
        .person(&admin, "liaison", &["court_liaison"], &["huancheng"])
        .await;
    let (other, _) = app
        .person(&admin, "far", &["team_leader"], &["kaoshan"])
        .await;

    let filed = urgent(&hc);
    let request_id = filed["id"].as_str().unwrap().to_string();
    let (s, v) = body(app.post(&staff, "/api/v1/requests", filed).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // At once: the site's team leader, not the supervisor yet, nobody at another site.
    let mine = inbox_of(&app, &tl, "request_urgent", 1).await;
    assert!(mine[0]["params"].as_str().unwrap().contains("三号法庭"));
    assert!(of_rule(inbox(&app, &sup).await, "request_urgent").is_empty());
    assert!(inbox(&app, &other).await.is_empty());
    let first = robot.wait_for(2).await[1].clone();
    let number = mine[0]["number"].as_i64().unwrap();
    assert!(
        first.starts_with(&format!("【安保告警 #{number}】")),
        "{first}"
    );
    // A third party's server: no words of the request, no telephone number.
    assert!(
        !first.contains("三号法庭") && !first.contains("139"),
        "{first}"
    );

    // Nobody acknowledges: the supervisor at 5 minutes, the liaison too at 10.
    let raised = mine[0]["raised_at"].as_i64().unwrap();
    server::alerts::engine::pass(&app.db, raised + 5 * MINUTE, 0)
        .await
        .unwrap();
    assert_eq!(of_rule(inbox(&app, &sup).await, "request_urgent").len(), 1);
    assert!(of_rule(inbox(&app, &liaison).await, "request_urgent").is_empty());
    server::alerts::engine::pass(&app.db, raised + 10 * MINUTE, 0)
        .await
        .unwrap();
    assert_eq!(
        of_rule(inbox(&app, &liaison).await, "request_urgent").len(),
        1
    );

    // The team leader acknowledges on the phone, offline a minute before it syncs: the tap's
    // time is the request's response.
    let mut phone = Phone::new(&app, &sup, tl.clone(), tlid.clone()).await;
    let alert_id = mine[0]["id"].as_str().unwrap().to_string();
    let r = phone
        .send(&app, "alert.ack", json!({"alert_id": alert_id}), None)
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let acked: (Option<i64>, String) =
        sqlx::query_as("SELECT acknowledged_at, state FROM court_requests WHERE id = ?")
            .bind(&request_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(acked.0.is_some_and(|t| t >= raised), "{acked:?}");
    assert_eq!(acked.1, "acknowledged");
    // Answered: the alert is resolved for everyone it reached.
    inbox_of(&app, &tl, "request_urgent", 0).await;
    inbox_of(&app, &liaison, "request_urgent", 0).await;
    // Two stages climbed after the first: three messages for the alert, no more.
    let msgs = robot.wait_for(4).await;
    let of_it: Vec<&String> = msgs
        .iter()
        .filter(|m| m.contains(&format!("#{number}】")))
        .collect();
    assert_eq!(of_it.len(), 3, "{msgs:?}");
    assert!(
        of_it[2].contains("已 10 分钟无人确认（第 3 级）"),
        "{:?}",
        of_it[2]
    );

    // The robot's address is never shown back or logged.
    let (_, list) = body(app.get(&admin, "/api/v1/robots").await).await;
    assert!(!list.to_string().contains("SECRETKEY"), "{list}");
    let logged = String::from_utf8_lossy(&sink.lock().unwrap()).to_string();
    assert!(!logged.contains("SECRETKEY"));
}

#[tokio::test]
async fn a_robot_that_fails_gets_its_message_later_once_and_over_its_limit_merged() {
    let sink = logs();
    let (robot, url) = Robot::start().await;
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hc = app.site_id("huancheng").await;
    robot.set(ANSWER_FAIL);
    rule_off(&app, &admin, "round_missed").await;
    let saved = add_robot(&app, &admin, "", &url).await;
    assert_eq!(saved["test_arrived"], false, "{saved}");
    assert!(saved["test_error"].as_str().unwrap().contains("502"));
    let (staff, _) = app
        .person(&admin, "staff", &["court_staff"], &["huancheng"])
        .await;
    let (s, _) = body(app.post(&staff, "/api/v1/requests", urgent(&hc)).await).await;
    assert_eq!(s, StatusCode::OK);
    // The post failed and waits for its retry; nothing was lost.
    let mut waiting = (0i64, 0i64);
    for _ in 0..200 {
        waiting = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(MAX(attempts), 0) FROM robot_deliveries WHERE state = 'waiting'",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
        if waiting.1 > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(waiting, (1, 1));
    assert!(robot.got().is_empty());

    // 25 more requests at once while it is down: every message waits.
    for _ in 0..25 {
        let (s, _) = body(app.post(&staff, "/api/v1/requests", urgent(&hc)).await).await;
        assert_eq!(s, StatusCode::OK);
    }
    for _ in 0..200 {
        let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM robot_deliveries")
            .fetch_one(&app.db)
            .await
            .unwrap();
        if queued == 26 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // The robot is back and the retry time comes: 20 messages in the minute, the last
    // carrying the seven it had no room for, each by its number; then nothing again.
    robot.set(ANSWER_OK);
    let client = server::alerts::robots::client();
    let at = now() + 2 * MINUTE;
    assert_eq!(
        server::alerts::robots::deliver(&app.db, &client, at)
            .await
            .unwrap(),
        26
    );
    let got = robot.got();
    assert_eq!(got.len(), 20, "{got:?}");
    let merged = got.last().unwrap();
    assert!(merged.starts_with("【安保告警 7 条合并】"), "{merged}");
    assert_eq!(merged.matches("【安保告警 #").count(), 7, "{merged}");
    let sent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM robot_deliveries WHERE state = 'sent'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(sent, 26);
    // Never again after a success, however long on.
    for later in [at + 1, at + 10 * MINUTE] {
        assert_eq!(
            server::alerts::robots::deliver(&app.db, &client, later)
                .await
                .unwrap(),
            0
        );
    }
    assert_eq!(robot.got().len(), 20);

    // A robot that hangs holds nothing up for long, and its address stays out of the log.
    robot.set(ANSWER_HANG);
    let (s, _) = body(app.post(&staff, "/api/v1/requests", urgent(&hc)).await).await;
    assert_eq!(s, StatusCode::OK);
    let logged = String::from_utf8_lossy(&sink.lock().unwrap()).to_string();
    assert!(!logged.contains("SECRETKEY"));
}

#[tokio::test]
async fn a_phone_holding_records_unsent_is_alerted_and_its_sync_resolves_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["huancheng"])
        .await;
    let (tl, _) = app
        .person(&admin, "leader", &["team_leader"], &["huancheng"])
        .await;
    let (g, gid) = app
        .person(&admin, "guard", &["guard"], &["huancheng"])
        .await;
    // An administrator shortens the rule's two hours, for the test's sake.
    let (s, rules) = body(app.get(&admin, "/api/v1/alert-rules").await).await;
    assert_eq!(s, StatusCode::OK);
    let mut rule = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "phone_unsynced")
        .unwrap()
        .clone();
    assert_eq!(rule["threshold"], 120);
    rule["threshold"] = json!(0);
    let (s, v) = body(
        app.put(&admin, "/api/v1/alert-rules/phone_unsynced", rule.clone())
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // A chain that does not start at once is refused with its reason.
    let mut bad = rule.clone();
    bad["chain"][0]["after_min"] = json!(3);
    let (s, v) = body(
        app.put(&admin, "/api/v1/alert-rules/phone_unsynced", bad)
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        v["message"].as_str().unwrap_or_default().contains("0 分钟"),
        "{v}"
    );

    // A pull (its pushes failing on a weak signal) that says three records wait.
    let phone = Phone::new(&app, &sup, g.clone(), gid.clone()).await;
    let r = g
        .post(app.url("/api/sync/v1/pull"))
        .header("x-guardpost-device-key", &phone.d.key)
        .json(&json!({"client_id": phone.d.client_id, "waiting": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let got = inbox_of(&app, &tl, "phone_unsynced", 1).await;
    assert!(
        got[0]["params"]
            .as_str()
            .unwrap()
            .contains("3 条记录待同步"),
        "{got:?}"
    );

    // It gets through: nothing waits, the alert is resolved.
    let m = mutation(1, "hazard.report", 1, &gid, json!({}));
    let _ = push_body(
        &app,
        &g,
        &phone.d,
        json!({"client_id": phone.d.client_id, "protocol": app::sync::PROTOCOL,
               "app_build": "test", "waiting": 0, "mutations": [m]}),
    )
    .await;
    inbox_of(&app, &tl, "phone_unsynced", 0).await;
}

#[tokio::test]
async fn a_round_not_received_says_when_the_site_last_synced_and_its_late_record_resolves_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (tl, _) = app
        .person(&admin, "leader", &["team_leader"], &["main"])
        .await;
    let (g, gid) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    // A daily route whose window (06:00–06:30) has long ended yesterday; set three days ago.
    let areas: String =
        sqlx::query_scalar("SELECT area_ids FROM routes WHERE site_id = ? AND kind = 'night'")
            .bind(&main)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let areas: Vec<String> = serde_json::from_str(&areas).unwrap();
    let route = uuid();
    let edit = json!({"site_id": main, "kind": "night", "name_zh": "二号楼早查", "days": "daily",
        "window_start": 360, "window_end": 390, "area_ids": areas[..2]});
    let (s, v) = body(
        app.put(&sup, &format!("/api/v1/routes/{route}"), edit)
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    sqlx::query("UPDATE routes SET updated_at = ? WHERE id = ?")
        .bind(now() - 3 * 24 * 60 * MINUTE)
        .bind(&route)
        .execute(&app.db)
        .await
        .unwrap();
    // The site's post phone last reached the server now (its pull).
    let phone = Phone::new(&app, &sup, g.clone(), gid.clone()).await;
    let r = g
        .post(app.url("/api/sync/v1/pull"))
        .header("x-guardpost-device-key", &phone.d.key)
        .json(&json!({"client_id": phone.d.client_id, "made_up_to": 0, "waiting": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    server::alerts::engine::pass(&app.db, now(), 0)
        .await
        .unwrap();
    let ours = |alerts: Vec<Value>| -> Vec<Value> {
        of_rule(alerts, "round_missed")
            .into_iter()
            .filter(|a| {
                a["params"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("二号楼早查")
            })
            .collect()
    };
    let before = ours(inbox(&app, &tl).await);
    assert!(!before.is_empty());
    // Judged on what the phones sent: it says when they last synced.
    assert!(
        before.iter().all(|a| a["last_sync_at"].is_i64()),
        "{before:?}"
    );
    assert!(before[0]["params"]
        .as_str()
        .unwrap()
        .contains("06:30 前完成"));

    // Yesterday's round, made in its window on a phone that was offline since, arrives: that
    // alert was wrong and goes.
    let yesterday = app::core::court_day_start(now()) - 24 * 60 * MINUTE;
    let r = made_at(
        &app,
        &sup,
        (&g, &gid),
        "round.start",
        json!({"id": uuid(), "route_id": route}),
        yesterday + 370 * MINUTE,
    )
    .await;
    assert_eq!(r["status"], "applied", "{r}");
    for _ in 0..200 {
        if ours(inbox(&app, &tl).await).len() == before.len() - 1 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("still {:?}", ours(inbox(&app, &tl).await));
}

#[tokio::test]
async fn a_fire_alarm_reaches_the_fire_room_and_the_team_leader_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (tl, _) = app
        .person(&admin, "leader", &["team_leader"], &["main"])
        .await;
    let (g, _) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let (op, opid) = app
        .person(&admin, "operator", &["fire_operator"], &["main"])
        .await;
    let mut phone = Phone::new(&app, &sup, op.clone(), opid.clone()).await;
    let alarm = json!({"id": uuid(), "site_id": main, "kind": "fire", "place": "三楼配电间"});
    let r = phone.send(&app, "fire.alarm", alarm, None).await;
    assert_eq!(r["status"], "applied", "{r}");
    for c in [&op, &tl, &sup] {
        let got = inbox_of(&app, c, "fire_alarm", 1).await;
        assert!(
            got[0]["params"].as_str().unwrap().contains("三楼配电间"),
            "{got:?}"
        );
    }
    // A guard is not on its chain.
    assert!(of_rule(inbox(&app, &g).await, "fire_alarm").is_empty());
}
