//! Duty logs against the real server: boiler readings checked against the profile the server
//! keeps (not what the phone says), the stop procedure and the fire alarm in order, fault
//! repairs, and the two-hourly fire-room entries marked late.

use crate::common::uuid;
use crate::common::{body, enrol, mutation, pull, push, spawn_app, statuses};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn boiler_readings_and_the_stop_procedure() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["huancheng"])
        .await;
    let (ct, ctid) = app
        .person(&admin, "caretaker", &["caretaker"], &["huancheng"])
        .await;
    let (g, gid) = app
        .person(&admin, "guard", &["guard"], &["huancheng"])
        .await;
    let d = enrol(&app, &sup).await;
    // Each tribunal starts with one atmospheric boiler; the main court has none.
    let boilers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM boilers")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(boilers, 6);
    let boiler: String = sqlx::query_scalar("SELECT id FROM boilers WHERE site_id = ?")
        .bind(&hc)
        .fetch_one(&app.db)
        .await
        .unwrap();
    // The supervisor sets the plate's figures: 0.4 MPa, 95 °C, pressure-bearing.
    let profile = json!({"site_id": hc, "name": "1号锅炉", "medium": "hot_water",
        "rated_pressure_mpa": 0.4, "rated_temp_c": 95.0, "power_mw": 0.35, "atmospheric": 0,
        "season_start": "10-15", "season_end": "04-15"});
    let (s, v) = body(
        app.put(&sup, &format!("/api/v1/boilers/{boiler}"), profile.clone())
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut bad = profile.clone();
    bad["season_end"] = json!("April");
    let (s, v) = body(
        app.put(&sup, &format!("/api/v1/boilers/{boiler}"), bad)
            .await,
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("season_start"))
    );
    let (s, _) = body(
        app.put(&ct, &format!("/api/v1/boilers/{boiler}"), profile)
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let normal = uuid();
    let high = uuid();
    let reading = |id: &str, supply: f64, pressure: f64| {
        json!({"id": id, "boiler_id": boiler, "supply_c": supply, "return_c": supply - 15.0,
               "pressure_mpa": pressure, "pump_running": true, "fuel": "煤 50kg",
               "duties": ["blowdown", "gauge_flush"]})
    };
    let step = |of: &str, step: &str, why: &str| json!({"of": of, "kind": "boiler_stop", "step": step, "skipped_because": why});
    let (_, r) = push(
        &app,
        &ct,
        &d,
        json!([
            mutation(1, "boiler.reading", 1, &ctid, reading(&normal, 70.0, 0.3)),
            mutation(
                2,
                "boiler.reading",
                1,
                &ctid,
                json!({"id": uuid(), "boiler_id": boiler, "pressure_mpa": 0.3})
            ),
            mutation(3, "boiler.reading", 1, &ctid, reading(&high, 97.0, 0.3)),
            mutation(4, "procedure.step", 1, &ctid, step(&high, "damp_fire", "")),
            mutation(5, "procedure.step", 1, &ctid, step(&high, "stop_fuel", "")),
            mutation(6, "procedure.step", 1, &ctid, step(&high, "damp_fire", "")),
            mutation(
                7,
                "procedure.step",
                1,
                &ctid,
                step(&high, "water_and_pressure", "水位正常，无需处理")
            ),
            mutation(
                8,
                "procedure.step",
                1,
                &ctid,
                step(&high, "report_supervisor", "")
            ),
            mutation(
                9,
                "procedure.step",
                1,
                &ctid,
                step(&normal, "stop_fuel", "")
            ),
        ]),
    )
    .await;
    assert_eq!(
        statuses(&r),
        [
            "applied", "rejected", "applied", "rejected", "applied", "applied", "applied",
            "applied", "rejected"
        ]
    );
    assert_eq!(r["results"][1]["field"], "supply_c");
    assert_eq!(
        r["results"][3]["message"],
        "请先完成“停止加煤（燃料）供给”，或写明跳过的原因"
    );
    assert_eq!(
        r["results"][8]["code"], "closed",
        "a reading within limits has no stop"
    );
    let reasons: Vec<String> =
        sqlx::query_scalar("SELECT stop_reasons FROM boiler_readings ORDER BY read_at, id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let high_reasons: Vec<&String> = reasons.iter().filter(|r| *r != "[]").collect();
    assert_eq!(high_reasons.len(), 1);
    let v: serde_json::Value = serde_json::from_str(high_reasons[0]).unwrap();
    assert_eq!(v[0]["zh"], "出水温度97 ℃超过额定95 ℃");
    assert_eq!(v[0]["en"], "Outlet 97 °C above the rated 95 °C");
    let steps: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT step, seq, skipped_because FROM procedure_steps WHERE of_id = ? ORDER BY seq",
    )
    .bind(&high)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[2].2, "水位正常，无需处理");

    // A hall guard keeps no boiler log.
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([mutation(
            10,
            "boiler.reading",
            1,
            &gid,
            reading(&uuid(), 70.0, 0.3)
        )]),
    )
    .await;
    assert_eq!(r["results"][0]["code"], "forbidden");

    // The caretaker's phone pulls the boiler, both readings and the steps.
    let (_, p) = pull(&app, &ct, &d, None).await;
    let count = |e: &str| {
        p["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["entity"] == e)
            .count()
    };
    assert_eq!(
        (
            count("boiler"),
            count("boiler_reading"),
            count("procedure_step")
        ),
        (1, 2, 4)
    );

    // The supervisor's view of the day: two readings, one stop, its four steps.
    let (s, dash) = body(
        app.get(
            &sup,
            &format!("/api/v1/dashboard?site={hc}&day={}", today()),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{dash}");
    assert_eq!(dash["duty"]["boiler_readings"], 2);
    let stops = dash["duty"]["boiler_stops"].as_array().unwrap();
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0]["steps_done"], 4);
    assert_eq!(stops[0]["reasons_zh"][0], "出水温度97 ℃超过额定95 ℃");
}

/// The court's date today (UTC+8), as the dashboard takes it.
fn today() -> String {
    crate::common::court_day(0)
}

#[tokio::test]
async fn fire_alarms_repairs_and_status_entries() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (op, opid) = app
        .person(&admin, "operator", &["fire_operator"], &["main"])
        .await;
    let (g, gid) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;
    let fire = uuid();
    let fault = uuid();
    let step = |step: &str, why: &str| json!({"of": fire, "kind": "fire_alarm", "step": step, "skipped_because": why});
    let close =
        json!({"alarm_id": fire, "cause": "配电箱短路冒烟", "handling": "切断电源，灭火器扑灭"});
    let (_, r) = push(
        &app,
        &op,
        &d,
        json!([
            mutation(1, "fire.alarm", 1, &opid, json!({"id": fire, "site_id": main, "kind": "fire", "place": "三楼配电间"})),
            mutation(2, "procedure.step", 1, &opid, step("confirm_on_site", "")),
            mutation(3, "procedure.step", 1, &opid, step("call_119", "")),
            mutation(4, "procedure.step", 1, &opid, step("linkage_auto", "")),
            mutation(5, "fire.alarm_close", 1, &opid, close.clone()),
            mutation(6, "procedure.step", 1, &opid, step("call_119", "")),
            mutation(7, "procedure.step", 1, &opid, step("report_to_charge", "")),
            mutation(8, "procedure.step", 1, &opid, step("start_evacuation", "  ")),
            mutation(9, "procedure.step", 1, &opid, step("start_evacuation", "火已扑灭，无需疏散")),
            mutation(10, "fire.alarm_close", 1, &opid, close),
            mutation(11, "procedure.step", 1, &opid, step("start_evacuation", "")),
            mutation(12, "fire.alarm", 1, &opid, json!({"id": fault, "site_id": main, "kind": "fault", "place": "二楼烟感", "cause": "探测器故障", "handling": "已复位，报修"})),
        ]),
    )
    .await;
    assert_eq!(
        statuses(&r),
        [
            "applied", "applied", "rejected", "applied", "rejected", "applied", "applied",
            "rejected", "applied", "applied", "rejected", "applied"
        ]
    );
    assert_eq!(
        r["results"][2]["message"],
        "请先完成“联动控制转自动”，或写明跳过的原因"
    );
    assert_eq!(r["results"][4]["message"], "处置步骤尚未全部完成");
    assert_eq!(r["results"][7]["message"], "跳过步骤须写明原因");
    assert_eq!(r["results"][10]["code"], "closed");
    let closed: Option<i64> = sqlx::query_scalar("SELECT closed_at FROM fire_alarms WHERE id = ?")
        .bind(&fire)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(closed.is_some());

    // The fault opened a repair, open until someone says who repaired it.
    let repair = format!("{fault}/repair");
    let (_, r) = push(
        &app,
        &op,
        &d,
        json!([
            mutation(
                13,
                "fire.repair_done",
                1,
                &opid,
                json!({"repair_id": repair})
            ),
            mutation(
                14,
                "fire.repair_done",
                1,
                &opid,
                json!({"repair_id": repair, "repaired_by": "维保公司 刘工"})
            ),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["rejected", "applied"]);
    assert_eq!(r["results"][0]["field"], "repaired_by");
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([mutation(15, "fire.alarm", 1, &gid, json!({"id": uuid(), "site_id": main, "kind": "false", "place": "x", "cause": "x", "handling": "x"}))]),
    )
    .await;
    assert_eq!(r["results"][0]["code"], "forbidden", "{r}");
    let repaired: (Option<i64>, String) =
        sqlx::query_as("SELECT repaired_at, repaired_by FROM repairs WHERE id = ?")
            .bind(&repair)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(repaired.0.is_some());
    assert_eq!(repaired.1, "维保公司 刘工");

    // Status entries: the clock is the data. One entry three hours ago, one now: late.
    let now = chrono::Utc::now().timestamp_millis();
    sqlx::query(
        "INSERT INTO fire_status (id, site_id, normal, recorded_at, author_id, client_id, created_at, version)
         VALUES ('earlier', ?, 1, ?, ?, 'x', ?, 0)",
    )
    .bind(&main)
    .bind(now - 3 * 3600 * 1000)
    .bind(&opid)
    .bind(now)
    .execute(&app.db)
    .await
    .unwrap();
    let (a, b) = (uuid(), uuid());
    let (_, r) = push(
        &app,
        &op,
        &d,
        json!([
            mutation(
                16,
                "fire.status",
                1,
                &opid,
                json!({"id": a, "site_id": main, "normal": false})
            ),
            mutation(
                17,
                "fire.status",
                1,
                &opid,
                json!({"id": a, "site_id": main, "normal": false, "note": "备用电源故障灯亮"})
            ),
            mutation(
                18,
                "fire.status",
                1,
                &opid,
                json!({"id": b, "site_id": main, "normal": true})
            ),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["rejected", "applied", "applied"]);
    assert_eq!(r["results"][0]["message"], "设备异常时须写明情况");
    let late: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, late FROM fire_status WHERE id IN (?, ?) ORDER BY id")
            .bind(&a)
            .bind(&b)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(late, [(a, 1), (b, 0)]);

    // The supervisor's view: the fire with its five steps (one skipped), the fault, no open
    // repair, three entries today of which one late (the one from three hours ago may fall on
    // yesterday's court day just after midnight, so count from the rows themselves).
    let (s, dash) = body(
        app.get(
            &sup,
            &format!("/api/v1/dashboard?site={main}&day={}", today()),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{dash}");
    let duty = &dash["duty"];
    let alarms = duty["alarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 2);
    let fire_row = alarms.iter().find(|a| a["kind"] == "fire").unwrap();
    assert_eq!(
        (
            fire_row["steps_done"].as_i64(),
            fire_row["steps_skipped"].as_i64()
        ),
        (Some(5), Some(1))
    );
    assert_eq!(duty["repairs_open"], json!([]));
    assert_eq!(duty["fire_late"], 1);
    assert!(duty["fire_entries"].as_i64().unwrap() >= 2);
}

#[tokio::test]
async fn checklists_by_who_keeps_them_and_countersigned_by_another() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    let (sup, supid) = app
        .person(&admin, "sup", &["supervisor", "fire_operator"], &["main"])
        .await;
    let (op, opid) = app
        .person(&admin, "operator", &["fire_operator"], &["main"])
        .await;
    let (gg, ggid) = app.person(&admin, "gate", &["gate_guard"], &["main"]).await;
    let (ct, ctid) = app
        .person(&admin, "caretaker", &["caretaker"], &["huancheng"])
        .await;
    let d = enrol(&app, &sup).await;
    let list = |kind: &str, site: &str, skip: Option<&str>, fail: Option<(&str, &str)>| {
        let k = app::checklist::ChecklistKind::parse(kind).unwrap();
        let items: Vec<serde_json::Value> = k
            .items()
            .iter()
            .filter(|i| Some(i.key) != skip)
            .map(|i| match fail {
                Some((key, note)) if key == i.key => {
                    json!({"key": i.key, "ok": false, "note": note})
                }
                _ => json!({"key": i.key, "ok": true}),
            })
            .collect();
        json!({"id": uuid(), "site_id": site, "kind": kind, "items": items})
    };
    let patrol = list(
        "fire_patrol",
        &main,
        None,
        Some(("doors", "三楼防火门被楔住，已撤除")),
    );
    let (_, r) = push(
        &app,
        &op,
        &d,
        json!([
            mutation(
                1,
                "checklist.record",
                1,
                &opid,
                list("fire_patrol", &main, Some("staff"), None)
            ),
            mutation(
                2,
                "checklist.record",
                1,
                &opid,
                list("fire_patrol", &main, None, Some(("doors", " ")))
            ),
            mutation(3, "checklist.record", 1, &opid, patrol.clone()),
            mutation(
                4,
                "checklist.record",
                1,
                &opid,
                list("controller_check", &main, None, None)
            ),
            mutation(
                5,
                "checklist.countersign",
                1,
                &opid,
                json!({"checklist_id": patrol["id"]})
            ),
        ]),
    )
    .await;
    assert_eq!(
        statuses(&r),
        ["rejected", "rejected", "applied", "applied", "rejected"]
    );
    assert_eq!(
        r["results"][0]["message"],
        "请填写“消防安全重点部位人员在岗”"
    );
    assert_eq!(
        r["results"][1]["message"],
        "“常闭式防火门关闭，防火卷帘下无堆放”未完成或有问题，请写明情况"
    );
    assert_eq!(
        r["results"][4]["code"], "forbidden",
        "an operator does not countersign"
    );

    // The supervisor countersigns the operator's patrol, not one of their own.
    let own = list("fire_patrol", &main, None, None);
    let (_, r) = push(
        &app,
        &sup,
        &d,
        json!([
            mutation(
                6,
                "checklist.countersign",
                1,
                &supid,
                json!({"checklist_id": patrol["id"], "note": "已核实"})
            ),
            mutation(7, "checklist.record", 1, &supid, own.clone()),
            mutation(
                8,
                "checklist.countersign",
                1,
                &supid,
                json!({"checklist_id": own["id"]})
            ),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "applied", "rejected"]);
    assert_eq!(r["results"][2]["message"], "不能复核自己填写的记录");

    // The gate keeps the water tanks; a tribunal caretaker the housekeeping, at the tribunal.
    let (_, r) = push(
        &app,
        &gg,
        &d,
        json!([
            mutation(
                9,
                "checklist.record",
                1,
                &ggid,
                list("water_tank", &main, None, None)
            ),
            mutation(
                10,
                "checklist.record",
                1,
                &ggid,
                list("housekeeping", &main, None, None)
            ),
        ]),
    )
    .await;
    assert_eq!(statuses(&r), ["applied", "rejected"]);
    let (_, r) = push(
        &app,
        &ct,
        &d,
        json!([mutation(
            11,
            "checklist.record",
            1,
            &ctid,
            list(
                "housekeeping",
                &hc,
                None,
                Some(("lunch", "今日停水，改为外购"))
            )
        )]),
    )
    .await;
    assert_eq!(statuses(&r), ["applied"]);

    let (_, dash) = body(
        app.get(
            &sup,
            &format!("/api/v1/dashboard?site={main}&day={}", today()),
        )
        .await,
    )
    .await;
    let by_kind: Vec<(String, i64, i64, i64)> = dash["duty"]["checklists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["count"].as_i64().unwrap(),
                c["failed"].as_i64().unwrap(),
                c["unsigned"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_kind,
        [
            ("controller_check".into(), 1, 0, 0),
            ("fire_patrol".into(), 2, 1, 1),
            ("water_tank".into(), 1, 0, 0)
        ]
    );
}

/// Certificates are kept per person by an administrator; a fire-room shift is judged on the
/// server's own records of them: short-staffed, too long or uncertified shifts start only when
/// the operator acknowledged the warnings, and the supervisor sees them.
#[tokio::test]
async fn fire_shifts_are_judged_on_the_operators_certificates() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (op, opid) = app
        .person(&admin, "operator", &["fire_operator"], &["main"])
        .await;
    let (_, op2id) = app
        .person(&admin, "operator2", &["fire_operator"], &["main"])
        .await;
    let (_, hcop) = app
        .person(&admin, "hcop", &["fire_operator"], &["huancheng"])
        .await;
    let (g, _) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let d = enrol(&app, &sup).await;

    // The administrator records certificates; a bad date or a missing number is refused with
    // what is wrong, and nothing is saved.
    let update = |certs: serde_json::Value| {
        json!({"display_name": "值班员甲", "roles": ["fire_operator"], "site_ids": [main],
               "disabled": false, "certificates": certs})
    };
    let (s, r) = body(
        app.put(
            &admin,
            &format!("/api/v1/people/{opid}"),
            update(json!([{"kind": "fire_operator", "number": "X1", "valid_until": "2027-02-30"}])),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert_eq!(
        r["message"],
        "消防设施操作员证：有效期应为日期，如 2027-06-30"
    );
    let (s, r) = body(
        app.put(
            &admin,
            &format!("/api/v1/people/{opid}"),
            update(json!([{"kind": "fire_operator", "number": " ", "valid_until": ""}])),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    let (s, r) = body(
        app.put(
            &admin,
            &format!("/api/v1/people/{opid}"),
            update(json!([{"kind": "fire_operator", "number": " 消操-2201 ", "valid_until": "2099-12-31"},
                          {"kind": "guard_license", "number": "吉保-1", "valid_until": ""}])),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["certificates"].as_array().unwrap().len(), 2);
    let audited: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'update_person' AND target = ?",
    )
    .bind(&opid)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        audited.ends_with("certificates=fire_operator,guard_license"),
        "{audited}"
    );
    // Or with a new person from the start: a faulty certificate refuses the whole person.
    let yidan = app.site_id("yidan").await;
    let new = |certs: serde_json::Value| {
        json!({"login": "operator3", "display_name": "值班员丙", "roles": ["fire_operator"],
               "site_ids": [yidan], "certificates": certs})
    };
    let (s, r) = body(
        app.post(
            &admin,
            "/api/v1/people",
            new(json!([{"kind": "fire_operator", "number": "", "valid_until": "2099-12-31"}])),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{r}");
    assert_eq!(
        r["message"],
        "消防设施操作员证：请填写证书编号（不超过40字）"
    );
    let none: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE login = 'operator3'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(none, 0);
    let (s, r) = body(
        app.post(
            &admin,
            "/api/v1/people",
            new(
                json!([{"kind": "fire_operator", "number": "消操-3", "valid_until": "2099-12-31"}]),
            ),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        r["person"]["certificates"],
        json!([{"kind": "fire_operator", "number": "消操-3", "valid_until": "2099-12-31"}])
    );
    let audited: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'create_person' AND target = ?",
    )
    .bind(r["person"]["id"].as_str().unwrap())
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(audited, "operator3 certificates=fire_operator");

    // A supervisor sees the kinds and dates (for rostering), not the numbers.
    let (_, people) = body(app.get(&sup, "/api/v1/people").await).await;
    let seen = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == opid.as_str())
        .unwrap();
    assert_eq!(
        seen["certificates"][0],
        json!({"kind": "fire_operator", "number": "", "valid_until": "2099-12-31"})
    );

    // The shift form's list: the site's operators with their certificate; a guard may not read it.
    let (s, ops) = body(
        app.get(&op, &format!("/api/v1/fire-operators?site={main}"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{ops}");
    let ops = ops.as_array().unwrap();
    assert_eq!(ops.len(), 2);
    let me = ops.iter().find(|o| o["id"] == opid.as_str()).unwrap();
    assert_eq!(me["certificate_until"], "2099-12-31");
    let other = ops.iter().find(|o| o["id"] == op2id.as_str()).unwrap();
    assert!(other["certificate_until"].is_null());
    let r = app
        .get(&g, &format!("/api/v1/fire-operators?site={main}"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let now = chrono::Utc::now().timestamp_millis();
    let hour = 3_600_000;
    let shift = |id: &str, ops: &[&str], hours: i64, ack: bool| {
        json!({"id": id, "site_id": main, "operator_ids": ops, "starts_at": now,
               "ends_at": now + hours * hour, "acknowledged": ack})
    };
    let (a, b, c) = (uuid(), uuid(), uuid());
    let (_, r) = push(
        &app,
        &op,
        &d,
        json!([
            // Not an operator of this site.
            mutation(
                1,
                "fire.shift",
                1,
                &opid,
                shift(&a, &[&opid, &hcop], 8, true)
            ),
            // Alone for ten hours, with a colleague uncertified: warned, not acknowledged.
            mutation(2, "fire.shift", 1, &opid, shift(&a, &[&opid], 10, false)),
            mutation(
                3,
                "fire.shift",
                1,
                &opid,
                shift(&b, &[&opid, &op2id], 8, false)
            ),
            // Acknowledged: starts, with its warnings kept.
            mutation(
                4,
                "fire.shift",
                1,
                &opid,
                shift(&b, &[&opid, &op2id], 8, true)
            ),
            // Ends before it starts.
            mutation(5, "fire.shift", 1, &opid, shift(&c, &[&opid], 0, true)),
        ]),
    )
    .await;
    assert_eq!(
        statuses(&r),
        ["rejected", "rejected", "rejected", "applied", "rejected"],
        "{r}"
    );
    assert_eq!(r["results"][0]["code"], "not_operator");
    assert_eq!(r["results"][1]["code"], "shift_warnings");
    assert_eq!(
        r["results"][1]["message"],
        "每班至少2名值班人员；每班不超过8小时"
    );
    assert_eq!(
        r["results"][2]["message"],
        "operator2没有消防设施操作员证书"
    );
    assert_eq!(r["results"][4]["field"], "ends_at");

    // The certified pair's shift needs no acknowledgement once the colleague is certified.
    app.put(
        &admin,
        &format!("/api/v1/people/{op2id}"),
        json!({"display_name": "operator2", "roles": ["fire_operator"], "site_ids": [main],
               "disabled": false,
               "certificates": [{"kind": "fire_operator", "number": "消操-2202", "valid_until": "2099-01-01"}]}),
    )
    .await;
    let (_, r) = push(
        &app,
        &op,
        &d,
        json!([mutation(
            6,
            "fire.shift",
            1,
            &opid,
            shift(&c, &[&opid, &op2id], 8, false)
        )]),
    )
    .await;
    assert_eq!(statuses(&r), ["applied"], "{r}");

    let (_, p) = pull(&app, &op, &d, None).await;
    let shifts = crate::common::changes_of(&p, "fire_shift");
    assert_eq!(shifts.len(), 2);
    assert!(shifts.iter().all(|s| s["client_id"].is_null()));

    let (s, dash) = body(
        app.get(
            &sup,
            &format!("/api/v1/dashboard?site={main}&day={}", today()),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{dash}");
    let shifts = dash["duty"]["shifts"].as_array().unwrap();
    assert_eq!(shifts.len(), 2, "{dash}");
    let warned: Vec<&serde_json::Value> = shifts
        .iter()
        .filter(|s| s["warnings"] != json!([]))
        .collect();
    assert_eq!(warned.len(), 1);
    assert_eq!(
        warned[0]["warnings"],
        json!([{"code": "uncertified", "name": "operator2"}])
    );
    assert_eq!(warned[0]["operators"], "值班员甲、operator2");
}

/// Courtroom duty (值庭): started by a guard of the site, finished once with how order was kept
/// (anything but orderly says what happened), and shown on the supervisor's view.
#[tokio::test]
async fn courtroom_duty_is_finished_once_and_seen_by_the_supervisor() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g, gid) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let (hc, hcid) = app
        .person(&admin, "hcguard", &["guard"], &["huancheng"])
        .await;
    let d = enrol(&app, &sup).await;
    let duty = uuid();
    let (_, r) = push(
        &app,
        &g,
        &d,
        json!([
            mutation(1, "court_duty.start", 1, &gid,
                json!({"id": duty, "site_id": main, "courtroom": " ", "case_no": ""})),
            mutation(2, "court_duty.start", 1, &gid,
                json!({"id": duty, "site_id": main, "courtroom": "第一审判庭", "case_no": "(2026)吉0323民初88号"})),
            mutation(3, "court_duty.finish", 1, &gid,
                json!({"duty_id": duty, "outcome": "stopped", "note": " "})),
            mutation(4, "court_duty.finish", 1, &gid,
                json!({"duty_id": duty, "outcome": "stopped", "note": "旁听人员录音，经制止后删除"})),
            mutation(5, "court_duty.finish", 1, &gid,
                json!({"duty_id": duty, "outcome": "orderly"})),
        ]),
    )
    .await;
    assert_eq!(
        statuses(&r),
        ["rejected", "applied", "rejected", "applied", "rejected"],
        "{r}"
    );
    assert_eq!(r["results"][0]["field"], "courtroom");
    assert_eq!(r["results"][2]["message"], "请写明发生的情况及处置");
    assert_eq!(r["results"][4]["message"], "此次值庭已结束");
    // A guard of another site can neither start nor finish one here.
    let (_, r) = push(
        &app,
        &hc,
        &d,
        json!([
            mutation(
                6,
                "court_duty.start",
                1,
                &hcid,
                json!({"id": uuid(), "site_id": main, "courtroom": "第二审判庭"})
            ),
            mutation(
                7,
                "court_duty.finish",
                1,
                &hcid,
                json!({"duty_id": duty, "outcome": "orderly"})
            ),
        ]),
    )
    .await;
    assert_eq!(r["results"][0]["code"], "site_forbidden", "{r}");
    assert_eq!(r["results"][1]["code"], "site_forbidden", "{r}");
    let row: (String, String, Option<i64>) =
        sqlx::query_as("SELECT outcome, note, finished_at FROM court_duties WHERE id = ?")
            .bind(&duty)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (row.0.as_str(), row.1.as_str()),
        ("stopped", "旁听人员录音，经制止后删除")
    );
    assert!(row.2.is_some());

    let (s, dash) = body(
        app.get(
            &sup,
            &format!("/api/v1/dashboard?site={main}&day={}", today()),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{dash}");
    let duties = dash["duty"]["court_duties"].as_array().unwrap();
    assert_eq!(duties.len(), 1, "{dash}");
    assert_eq!(duties[0]["outcome"], "stopped");
    assert_eq!(duties[0]["case_no"], "(2026)吉0323民初88号");
}
