//! Emergencies against the real server: opened by anyone at a post of the site, its steps in
//! order (the report to the court in words), the report afterwards only once every step is
//! recorded, lateness against 48 hours on the dashboard, and the printed reports.

use crate::common::{body, now, push, spawn_app, uuid, Phone};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_emergency_goes_step_by_step_to_its_report_afterwards() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let hc = app.site_id("huancheng").await;
    let (sup, _) = app
        .person(&admin, "sup", &["supervisor"], &["huancheng"])
        .await;
    let (c, gid) = app
        .person(&admin, "gate", &["gate_guard"], &["huancheng"])
        .await;
    let (far, fid) = app.person(&admin, "far", &["guard"], &["main"]).await;
    let mut g = Phone::new(&app, &sup, c, gid).await;
    let id = uuid();
    let open = json!({"id": id, "site_id": hc, "kind": "violent_conflict", "place": "<门卫室>"});
    assert_eq!(
        g.send(&app, "emergency.open", open, None).await["status"],
        "applied"
    );
    // Not a kind of emergency; not at a site of theirs.
    let boiler = json!({"id": uuid(), "site_id": hc, "kind": "boiler_stop"});
    assert_eq!(
        g.send(&app, "emergency.open", boiler, None).await["field"],
        "kind"
    );
    let d = crate::common::enrol(&app, &sup).await;
    let m = crate::common::mutation(
        1,
        "emergency.open",
        1,
        &fid,
        json!({"id": uuid(), "site_id": hc, "kind": "medical"}),
    );
    let (_, r) = push(&app, &far, &d, json!([m])).await;
    assert_eq!(r["results"][0]["code"], "site_forbidden", "{r}");

    let step = |s: &str, note: &str, skip: &str| json!({"of": id, "kind": "violent_conflict", "step": s, "note": note, "skipped_because": skip});
    let r = g
        .send(&app, "procedure.step", step("call_police", "", ""), None)
        .await;
    assert_eq!(
        r["message"], "请先完成“制止冲突，隔离双方”，或写明跳过的原因",
        "{r}"
    );
    g.send(
        &app,
        "procedure.step",
        step("stop_and_separate", "", ""),
        None,
    )
    .await;
    g.send(
        &app,
        "procedure.step",
        step("protect_scene", "", "通道须保持畅通"),
        None,
    )
    .await;
    // The report afterwards waits for every step.
    let report = json!({"emergency_id": id, "cause": "不满判决", "process": "制止、隔离",
        "losses": "无", "lessons": "加强值守", "improvements": "高峰增派一人"});
    let r = g
        .send(&app, "emergency.after_report", report.clone(), None)
        .await;
    assert_eq!(
        r["message"], "请先完成全部处置步骤（或写明跳过原因）",
        "{r}"
    );
    g.send(&app, "procedure.step", step("call_police", "", ""), None)
        .await;
    let r = g
        .send(
            &app,
            "procedure.step",
            step("report_to_court", " ", ""),
            None,
        )
        .await;
    assert_eq!(
        r["message"], "请写明报告内容（时间、地点、性质、影响）",
        "{r}"
    );
    let told = "10:05 门卫室两人争执，已隔离，无人受伤";
    assert_eq!(
        g.send(
            &app,
            "procedure.step",
            step("report_to_court", told, ""),
            None
        )
        .await["status"],
        "applied"
    );
    assert_eq!(
        g.send(&app, "emergency.after_report", report.clone(), None)
            .await["status"],
        "applied"
    );
    let r = g.send(&app, "emergency.after_report", report, None).await;
    assert_eq!(r["message"], "该事件已有事后报告", "{r}");
    let r = g
        .send(
            &app,
            "procedure.step",
            step("report_to_court", told, ""),
            None,
        )
        .await;
    assert_eq!(r["code"], "closed", "{r}");

    // On the dashboard: one this month, its report in time.
    let day = app::core::date_text(app::core::court_date(now()));
    let (_, v) = body(
        app.get(&sup, &format!("/api/v1/dashboard?site={hc}&day={day}"))
            .await,
    )
    .await;
    assert_eq!(
        v["emergencies"],
        json!({"opened": 1, "drills": 0, "open": 0, "reports_late": 0})
    );
    // A drill two days old never reported is late (counted in its month).
    let old = now() - 49 * 3600 * 1000;
    sqlx::query(
        "INSERT INTO emergencies (id, site_id, kind, drill, opened_at, opened_name, author_id,
            client_id, created_at, version) VALUES (?, ?, 'medical', 1, ?, 'gate', ?, 'x', 0, 0)",
    )
    .bind(uuid())
    .bind(&hc)
    .bind(old)
    .bind(&g.who)
    .execute(&app.db)
    .await
    .unwrap();
    let (_, v) = body(
        app.get(&sup, &format!("/api/v1/dashboard?site={hc}&day={day}"))
            .await,
    )
    .await;
    if app::core::court_date(old).1 == app::core::court_date(now()).1 {
        assert_eq!(
            v["emergencies"],
            json!({"opened": 2, "drills": 1, "open": 1, "reports_late": 1})
        );
    }

    // Printed for the court, what people typed escaped; not for someone of another site.
    let r = app.get(&sup, &format!("/emergency/print?id={id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("暴力冲突") && html.contains(told) && html.contains("高峰增派一人"));
    assert!(html.contains("&lt;门卫室&gt;") && !html.contains("<门卫室>"));
    assert!(html.contains("跳过：通道须保持畅通"));
    let r = app.get(&far, &format!("/emergency/print?id={id}")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
