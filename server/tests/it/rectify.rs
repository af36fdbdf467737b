//! Hazards and the rectification ledger against the real server: the state machine enforced
//! whatever a phone sends, the reviewer never the person responsible, a major hazard's plan,
//! stale changes refused with their message, escalation past the deadline with a chosen clock,
//! and the ledger exported as a workbook that is read back.

use crate::common::uuid;
use crate::common::{body, changes_of, pull, spawn_app, Phone, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn rect(app: &TestApp, id: &str) -> (String, i64, Option<String>) {
    sqlx::query_as("SELECT state, rev, notice_no FROM rectifications WHERE id = ?")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

fn hazard(id: &str, site: &str, grade: &str, fixed: bool) -> Value {
    json!({"id": id, "site_id": site, "place": "二楼走廊东侧", "category": "electrical",
           "grade": grade, "description": "插座面板破损，线头外露", "fixed_on_spot": fixed,
           "fix_note": if fixed { "已断电并贴封条" } else { "" }})
}

fn ledger(rect: &str, responsible: &str, deadline: &str) -> Value {
    json!({"rect_id": rect, "ledger": {"department": "物业部", "responsible_id": responsible,
           "measures": "更换插座面板并整理线路", "deadline": deadline, "funding": "",
           "safeguards": "张贴警示标识"}})
}

fn today_plus(days: i64) -> String {
    crate::common::court_day(days)
}

#[tokio::test]
async fn the_ledger_moves_forward_only_and_refuses_stale_changes() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup_c, sup_id) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (sup2_c, sup2_id) = app.person(&admin, "sup2", &["supervisor"], &["main"]).await;
    let (g_c, g_id) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let (g2_c, g2_id) = app.person(&admin, "guard2", &["guard"], &["main"]).await;
    let (_, other_site_guard) = app
        .person(&admin, "hcguard", &["guard"], &["huancheng"])
        .await;
    let (liaison_c, liaison_id) = app
        .person(&admin, "liaison", &["court_liaison"], &["main"])
        .await;
    let mut sup = Phone::new(&app, &sup_c, sup_c.clone(), sup_id.clone()).await;
    let mut sup2 = Phone::new(&app, &sup_c, sup2_c, sup2_id.clone()).await;
    let mut g = Phone::new(&app, &sup_c, g_c, g_id.clone()).await;
    let mut g2 = Phone::new(&app, &sup_c, g2_c, g2_id.clone()).await;

    // Reports: one fixed on the spot opens nothing; one not fixed opens a registered item; a
    // major hazard is never "fixed on the spot".
    let fixed = uuid();
    let r = g
        .send(
            &app,
            "hazard.report",
            hazard(&fixed, &main, "general", true),
            None,
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let h = uuid();
    let r = g
        .send(
            &app,
            "hazard.report",
            hazard(&h, &main, "general", false),
            None,
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let r = g
        .send(
            &app,
            "hazard.report",
            hazard(&uuid(), &main, "major", true),
            None,
        )
        .await;
    assert_eq!(
        (r["status"].as_str(), r["field"].as_str()),
        (Some("rejected"), Some("fixed_on_spot"))
    );
    let rid = format!("{h}/rect");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rectifications")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        rect(&app, &rid).await,
        ("registered".into(), 1, Some(String::new()))
    );

    // A guard cannot issue; a change without the revision it was read at is refused as stale;
    // the person responsible must work at the site; the deadline cannot be past.
    let deadline = today_plus(7);
    let r = g
        .send(&app, "rect.issue", ledger(&rid, &g_id, &deadline), Some(1))
        .await;
    assert_eq!(r["code"], "forbidden", "{r}");
    let r = sup
        .send(&app, "rect.issue", ledger(&rid, &g_id, &deadline), None)
        .await;
    assert_eq!(r["code"], "stale", "{r}");
    let r = sup
        .send(
            &app,
            "rect.issue",
            ledger(&rid, &other_site_guard, &deadline),
            Some(1),
        )
        .await;
    assert_eq!(r["field"], "responsible_id", "{r}");
    let r = sup
        .send(
            &app,
            "rect.issue",
            ledger(&rid, &g_id, &today_plus(-1)),
            Some(1),
        )
        .await;
    assert_eq!(r["field"], "deadline", "{r}");
    let r = sup
        .send(&app, "rect.issue", ledger(&rid, &g_id, &deadline), Some(1))
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let (state, rev, notice) = rect(&app, &rid).await;
    assert_eq!((state.as_str(), rev), ("issued", 2));
    let year = &deadline[..4];
    assert_eq!(notice.unwrap(), format!("ZG-{year}-0001"));
    // Issued twice: the state does not allow it.
    let r = sup
        .send(&app, "rect.issue", ledger(&rid, &g_id, &deadline), Some(2))
        .await;
    assert_eq!(r["code"], "state", "{r}");

    // Approving what was not sent to review is refused; a guard who is not responsible cannot
    // record the work; a guard can never review.
    let r = sup
        .send(
            &app,
            "rect.review",
            json!({"rect_id": rid, "approve": true}),
            Some(2),
        )
        .await;
    assert_eq!(r["code"], "state", "{r}");
    let done = json!({"rect_id": rid, "note": "已更换面板，线路入槽", "done": true});
    let r = g2.send(&app, "rect.progress", done.clone(), Some(2)).await;
    assert_eq!(r["code"], "not_responsible", "{r}");

    // Both change the same item read at revision 2: the supervisor's edit lands first, the
    // guard's report of the work is refused with the stale message, in the guard's language.
    let r = sup
        .send(
            &app,
            "rect.edit",
            ledger(&rid, &g_id, &today_plus(10)),
            Some(2),
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let r = g.send(&app, "rect.progress", done.clone(), Some(2)).await;
    assert_eq!(r["code"], "stale", "{r}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("在您查看之后已被他人修改"),
        "{r}"
    );
    assert_eq!(rect(&app, &rid).await.0, "issued", "nothing merged");
    // The supervisor's own second change on the same read is theirs, not stale.
    let r = sup
        .send(&app, "rect.edit", ledger(&rid, &g_id, &deadline), Some(2))
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    assert_eq!(rect(&app, &rid).await.1, 4);

    // The guard reads again and sends the work to review.
    let r = g.send(&app, "rect.progress", done.clone(), Some(4)).await;
    assert_eq!(r["status"], "applied", "{r}");
    assert_eq!(rect(&app, &rid).await.0, "awaiting_review");
    let r = g
        .send(
            &app,
            "rect.review",
            json!({"rect_id": rid, "approve": true}),
            Some(5),
        )
        .await;
    assert_eq!(r["code"], "forbidden", "{r}");
    // Returned without a reason: refused; with one: back in progress.
    let r = sup
        .send(
            &app,
            "rect.review",
            json!({"rect_id": rid, "approve": false}),
            Some(5),
        )
        .await;
    assert_eq!(r["field"], "comment", "{r}");
    let r = sup
        .send(
            &app,
            "rect.review",
            json!({"rect_id": rid, "approve": false, "comment": "面板未固定"}),
            Some(5),
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    assert_eq!(
        rect(&app, &rid).await,
        ("in_progress".into(), 6, Some(format!("ZG-{year}-0001")))
    );
    let r = g.send(&app, "rect.progress", done.clone(), Some(6)).await;
    assert_eq!(r["status"], "applied", "{r}");
    // Approved by the supervisor: closed, once. The same approval again is refused.
    let approve = json!({"rect_id": rid, "approve": true, "comment": "复查合格"});
    let r = sup
        .send(&app, "rect.review", approve.clone(), Some(7))
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let r = sup2
        .send(&app, "rect.review", approve.clone(), Some(8))
        .await;
    assert_eq!(r["code"], "state", "{r}");
    let row: (String, String, Option<i64>) =
        sqlx::query_as("SELECT state, reviewer_id, closed_at FROM rectifications WHERE id = ?")
            .bind(&rid)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (row.0.as_str(), row.1.as_str(), row.2.is_some()),
        ("closed", sup_id.as_str(), true)
    );

    // A supervisor responsible for the work cannot review it; another supervisor can.
    let h2 = uuid();
    g.send(
        &app,
        "hazard.report",
        hazard(&h2, &main, "major", false),
        None,
    )
    .await;
    let r2 = format!("{h2}/rect");
    let r = sup
        .send(
            &app,
            "rect.issue",
            ledger(&r2, &sup2_id, &deadline),
            Some(1),
        )
        .await;
    assert_eq!(
        (r["code"].as_str(), r["field"].as_str()),
        (Some("invalid"), Some("plan.goal")),
        "{r}"
    );
    let mut plan = ledger(&r2, &sup2_id, &deadline);
    plan["ledger"]["funding"] = json!("3000元");
    plan["ledger"]["plan"] = json!({"goal": "消除隐患", "method": "更换配电箱", "materials": "配电箱一台",
        "people": "物业电工", "safety": "断电作业", "contingency": "备用电源"});
    let r = sup.send(&app, "rect.issue", plan, Some(1)).await;
    assert_eq!(r["status"], "applied", "{r}");
    let r = sup2
        .send(
            &app,
            "rect.progress",
            json!({"rect_id": r2, "note": "配电箱已更换", "done": true}),
            Some(2),
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let r = sup2
        .send(&app, "rect.review", approve_of(&r2), Some(3))
        .await;
    assert_eq!(r["code"], "own_work", "{r}");
    assert!(r["message"]
        .as_str()
        .unwrap()
        .contains("验收人不能是整改责任人"));

    // The thread is append-only: comments and every move, in order.
    let cid = uuid();
    let r = g
        .send(
            &app,
            "rect.comment",
            json!({"id": cid, "rect_id": rid, "text": "已拍照存档"}),
            None,
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM rect_comments WHERE rect_id = ? ORDER BY version, at")
            .bind(&rid)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        kinds,
        ["issue", "edit", "edit", "complete", "return", "complete", "approve", "comment"]
    );

    // Escalation with a chosen clock: the open major item is past its deadline 30 days on,
    // marked once; the liaison's phone pulls it with the escalation.
    let later = chrono::Utc::now().timestamp_millis() + 30 * 24 * 3600 * 1000;
    assert_eq!(
        server::records::escalation::escalate(&app.db, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        server::records::escalation::escalate(&app.db, later)
            .await
            .unwrap(),
        0
    );
    let liaison = Phone::new(&app, &sup_c, liaison_c, liaison_id).await;
    let (_, p) = pull(&app, &liaison.c, &liaison.d, None).await;
    let rects = changes_of(&p, "rectification");
    assert_eq!(rects.len(), 2, "{p}");
    let escalated: Vec<_> = rects
        .iter()
        .filter(|c| !c["data"]["escalated_at"].is_null())
        .collect();
    assert_eq!(escalated.len(), 1);
    assert_eq!(escalated[0]["id"], r2.as_str());
    assert!(
        escalated[0]["data"].get("last_client_id").is_none(),
        "kept on the server"
    );
    assert_eq!(changes_of(&p, "hazard").len(), 3);
}

fn approve_of(rect: &str) -> Value {
    json!({"rect_id": rect, "approve": true, "comment": "合格"})
}

#[tokio::test]
async fn the_ledger_exports_as_a_workbook_and_a_printable_page() {
    use calamine::Reader;
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup_c, sup_id) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g_c, g_id) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let (liaison_c, liaison_id) = app
        .person(&admin, "liaison", &["court_liaison"], &["main"])
        .await;
    let mut sup = Phone::new(&app, &sup_c, sup_c.clone(), sup_id).await;
    let mut g = Phone::new(&app, &sup_c, g_c.clone(), g_id.clone()).await;
    let mut liaison = Phone::new(&app, &sup_c, liaison_c.clone(), liaison_id).await;
    let (a, b) = (uuid(), uuid());
    g.send(
        &app,
        "hazard.report",
        hazard(&a, &main, "general", true),
        None,
    )
    .await;
    g.send(
        &app,
        "hazard.report",
        hazard(&b, &main, "general", false),
        None,
    )
    .await;
    let r = sup
        .send(
            &app,
            "rect.issue",
            ledger(&format!("{b}/rect"), &g_id, &today_plus(3)),
            Some(1),
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");

    // A complaint of the court's that needs work: a registered rectification, graded general
    // whatever the phone says; a guard may not file one.
    let c = uuid();
    let mut complaint = hazard(&c, &main, "major", true);
    complaint["description"] = json!("法官反映三楼卫生间长期无人清扫");
    complaint["category"] = json!("sanitation");
    let r = liaison
        .send(&app, "complaint.file", complaint.clone(), None)
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    complaint["id"] = json!(uuid());
    let r = g.send(&app, "complaint.file", complaint, None).await;
    assert_eq!(r["code"], "forbidden", "{r}");
    let filed: (String, String, String) =
        sqlx::query_as("SELECT state, grade, finder_name FROM rectifications WHERE id = ?")
            .bind(format!("{c}/rect"))
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        filed,
        ("registered".into(), "general".into(), "liaison".into())
    );

    let month = &today_plus(0)[..7];
    let prev = {
        let d = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").unwrap();
        d.checked_sub_months(chrono::Months::new(1))
            .unwrap()
            .format("%Y-%m")
            .to_string()
    };
    let q = format!("site={main}&from={prev}&to={month}");
    let r = app
        .get(&liaison_c, &format!("/api/v1/ledger.xlsx?{q}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    let want: Vec<String> = [&prev, month]
        .iter()
        .map(|m| format!("{}年{}月", &m[..4], &m[5..]))
        .collect();
    assert_eq!(names, want);
    let this = book.worksheet_range(&want[1]).unwrap();
    let rows: Vec<Vec<String>> = this
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[1][..4], ["序号", "发现时间", "发现人", "地点"]);
    assert_eq!(rows[1][22], "隐患来源");
    assert_eq!(rows[2][7], "是", "fixed on the spot");
    assert_eq!(rows[2][19], "当场整改完毕");
    assert_eq!(rows[2][22], "日常上报");
    assert_eq!(rows[3][9], format!("ZG-{}-0001", &month[..4]));
    assert_eq!(rows[3][11], "guard");
    assert_eq!(rows[3][19], "已下达");
    assert_eq!(
        (
            rows[4][2].as_str(),
            rows[4][19].as_str(),
            rows[4][22].as_str()
        ),
        ("liaison", "已登记", "法院投诉")
    );
    assert!(
        rows[5].iter().all(|c| c.is_empty()),
        "three hazards, then a gap"
    );
    assert_eq!(rows[6][0], "安检准确率抽检：本月未抽检");
    let earlier: Vec<Vec<String>> = book
        .worksheet_range(&want[0])
        .unwrap()
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    // An empty month keeps its headers, and says no sampling and no inspection.
    assert_eq!(earlier[1][0], "序号");
    assert!(earlier[2].iter().all(|c| c.is_empty()));
    assert_eq!(earlier[3][0], "安检准确率抽检：本月未抽检");
    assert_eq!(earlier.last().unwrap()[1], "检查时间");

    let r = app.get(&sup_c, &format!("/ledger/print?{q}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("安全隐患排查整改台账") && html.contains("本月无记录"));
    assert_eq!(html.matches("二楼走廊东侧").count(), 3);
    assert!(html.contains("本月无检查记录") && html.contains("法院投诉"));

    // A guard may not export; a period that is not one is a clear 400; each export is recorded.
    let (s, _) = body(app.get(&g_c, &format!("/api/v1/ledger.xlsx?{q}")).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = body(
        app.get(
            &sup_c,
            &format!("/api/v1/ledger.xlsx?site={main}&from=2026-13&to=2026-12"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("from"))
    );
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'ledger_export'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn inspections_open_rectifications_and_samples_measure_screening() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup_c, sup_id) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (g_c, g_id) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let mut sup = Phone::new(&app, &sup_c, sup_c.clone(), sup_id).await;
    let mut g = Phone::new(&app, &sup_c, g_c.clone(), g_id).await;

    // The bid's nine checklists are there, on the supervisor's phone.
    let (_, p) = pull(&app, &sup.c, &sup.d, None).await;
    let lists = changes_of(&p, "inspection_checklist");
    assert_eq!(lists.len(), 9);
    let screening_list = lists
        .iter()
        .find(|c| c["data"]["name_zh"] == "安检流程")
        .unwrap();
    let list_id = screening_list["id"].as_str().unwrap().to_string();
    let old_items: Vec<String> =
        serde_json::from_str(screening_list["data"]["items"].as_str().unwrap()).unwrap();

    // The supervisor edits it; a guard may not; an empty list is refused.
    let mut items = old_items.join("\n");
    items.push_str("\n安检记录本填写规范");
    let path = format!("/api/v1/inspection-checklists/{list_id}");
    let (s, v) = body(
        app.put(
            &sup_c,
            &path,
            json!({"name_zh": "安检流程", "items": items}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = body(
        app.put(&g_c, &path, json!({"name_zh": "安检流程", "items": "一"}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = body(
        app.put(
            &sup_c,
            &path,
            json!({"name_zh": "安检流程", "items": " \n"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("items"))
    );

    // An inspection made on the old items is refused; on the current ones, its failed item
    // becomes a registered rectification in the ledger, once.
    let answer = |texts: &[String]| -> Vec<Value> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i == 1 {
                    json!({"text": t, "ok": false, "note": "手持探测器未使用", "rectify": true})
                } else {
                    json!({"text": t, "ok": true})
                }
            })
            .collect()
    };
    let id = uuid();
    let inspection = |items: Vec<Value>| json!({"id": id, "site_id": main, "kind": "weekly", "checklist_id": list_id, "items": items});
    let r = sup
        .send(
            &app,
            "inspection.record",
            inspection(answer(&old_items)),
            None,
        )
        .await;
    assert_eq!(
        (r["code"].as_str(), r["field"].as_str()),
        (Some("invalid"), Some("items")),
        "{r}"
    );
    let mut new_items = old_items.clone();
    new_items.push("安检记录本填写规范".into());
    let r = sup
        .send(
            &app,
            "inspection.record",
            inspection(answer(&new_items)),
            None,
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let r = sup
        .send(
            &app,
            "inspection.record",
            inspection(answer(&new_items)),
            None,
        )
        .await;
    assert_eq!(r["code"], "exists", "{r}");
    let rect: (String, String, String, String) = sqlx::query_as(
        "SELECT state, category, place, description FROM rectifications WHERE id = ?",
    )
    .bind(format!("{id}/1/rect"))
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(rect.0, "registered");
    assert_eq!(rect.1, "public_order");
    assert_eq!(rect.2, "安检流程");
    assert!(rect.3.ends_with("：手持探测器未使用"), "{}", rect.3);
    // A guard cannot inspect.
    let r = g.send(&app, "inspection.record", json!({"id": uuid(), "site_id": main, "kind": "spot", "checklist_id": list_id, "items": answer(&new_items)}), None).await;
    assert_eq!(r["code"], "forbidden", "{r}");

    // Sampling: two of the guard's screenings re-checked, one found wrong (with a note); the
    // second re-check of one changes nothing; a guard cannot sample.
    let screening = |sid: &str| {
        json!({"id": sid, "site_id": main, "visit_id": null, "name": "张三",
        "equipment": ["gate", "xray"], "outcome": "passed", "items": []})
    };
    let (a, b) = (uuid(), uuid());
    assert_eq!(
        g.send(&app, "screening.record", screening(&a), None).await["status"],
        "applied"
    );
    assert_eq!(
        g.send(&app, "screening.record", screening(&b), None).await["status"],
        "applied"
    );
    let r = sup
        .send(
            &app,
            "screening.sample",
            json!({"screening_id": a, "correct": true}),
            None,
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let r = sup
        .send(
            &app,
            "screening.sample",
            json!({"screening_id": b, "correct": false}),
            None,
        )
        .await;
    assert_eq!(r["field"], "note", "{r}");
    let r = sup
        .send(
            &app,
            "screening.sample",
            json!({"screening_id": b, "correct": false, "note": "未开包复查"}),
            None,
        )
        .await;
    assert_eq!(r["status"], "applied", "{r}");
    let r = sup
        .send(
            &app,
            "screening.sample",
            json!({"screening_id": a, "correct": false, "note": "x"}),
            None,
        )
        .await;
    assert_eq!(r["code"], "exists", "{r}");
    let r = g
        .send(
            &app,
            "screening.sample",
            json!({"screening_id": a, "correct": true}),
            None,
        )
        .await;
    assert_eq!(r["code"], "forbidden", "{r}");
    let today = today_plus(0);
    let (s, d) = body(
        app.get(
            &sup_c,
            &format!("/api/v1/dashboard?site={main}&day={today}"),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (d["sampled"].as_i64(), d["sampled_correct"].as_i64()),
        (Some(2), Some(1)),
        "{d}"
    );
    assert_eq!(d["rectify"]["open"].as_i64(), Some(1), "{d}");

    // The month's export carries the inspection and the sampling under the ledger.
    use calamine::Reader;
    let month = &today[..7];
    let q = format!("site={main}&from={month}&to={month}");
    let r = app.get(&sup_c, &format!("/api/v1/ledger.xlsx?{q}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book
        .worksheet_range(&format!("{}年{}月", &month[..4], &month[5..]))
        .unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let at = |first: &str| rows.iter().position(|r| r[0] == first);
    let accuracy = "安检准确率抽检：抽检2人次，正确1人次，准确率50.0%（目标≥95%，未达标）";
    assert!(at(accuracy).is_some(), "{rows:?}");
    let heading = at("检查记录").expect("the inspections' heading");
    assert_eq!(
        rows[heading + 1][..4],
        ["序号", "检查时间", "检查类型", "检查表"]
    );
    let inspected = &rows[heading + 2];
    assert_eq!(
        inspected[2..7],
        [
            "每周现场检查",
            "安检流程",
            "sup",
            &new_items.len().to_string(),
            "1"
        ]
    );
    assert!(
        inspected[7].ends_with("：手持探测器未使用（转整改）"),
        "{inspected:?}"
    );
    assert_eq!(rows.len(), heading + 3, "one inspection in the month");
    let html = app
        .get(&sup_c, &format!("/ledger/print?{q}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(accuracy) && html.contains("手持探测器未使用（转整改）"));
}
