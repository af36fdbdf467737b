//! The monthly report to the court against the real server: a month's figures, the plan, the
//! filing that freezes and numbers it, a record of that month arriving afterwards (listed in
//! the next report, never changing the filed one), the workbook and the printed page.

use crate::common::{body, spawn_app};
use crate::scorecard::Month;
use app::score::Period;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The value of the line labelled `zh` in part `key`.
fn value<'a>(r: &'a Value, key: &str, zh: &str) -> &'a str {
    r["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == key)
        .unwrap_or_else(|| panic!("no part {key}: {r}"))["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["zh"] == zh)
        .unwrap_or_else(|| panic!("no line {zh} in {key}"))["value"]
        .as_str()
        .unwrap()
}

#[tokio::test]
async fn a_filed_report_is_frozen_and_what_arrives_later_is_the_next_reports() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, sup_id) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (liaison, _) = app
        .person(&admin, "liaison", &["court_liaison"], &["main"])
        .await;
    let (guard, _) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let (from, _) = Period::parse("2026-10").unwrap().bounds();
    let mut m = Month {
        app: &app,
        site: main.clone(),
        author: sup_id.clone(),
        at: from + 8 * 3_600_000,
    };
    for i in 0..10 {
        m.visit(if i < 2 { "phone" } else { "" }, "").await;
    }
    m.sample(true, "").await;
    m.sample(false, "未开包复查").await;
    m.request("urgent", Some(10), "法庭秩序").await;

    let get = |c: &reqwest::Client, month: &str| {
        let path = format!("/api/v1/monthly-report?site={main}&month={month}");
        let c = c.clone();
        let app = &app;
        async move { body(app.get(&c, &path).await).await }
    };
    let (s, r) = get(&liaison, "2026-10").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(value(&r, "visits", "登记次数"), "10");
    assert_eq!(value(&r, "visits", "登记完整率"), "80.0%");
    assert_eq!(value(&r, "screening", "复核准确率"), "50.0%");
    assert_eq!(value(&r, "requests", "按时确认"), "1");
    assert_eq!(
        r["charts"][0]["points"].as_array().unwrap().len(),
        31,
        "a bar per day of October"
    );
    assert!(r["number"].is_null());
    assert_eq!(r["scorecard"]["figures"][3]["part"], 8);
    let (s, _) = get(&guard, "2026-10").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The plan is the supervisor's; the court's liaison reads it.
    let ask = |plan: &str| json!({"site": main, "month": "2026-10", "plan": plan});
    let (s, _) = body(
        app.put(&liaison, "/api/v1/monthly-report/plan", ask("x"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, r) = body(
        app.put(&sup, "/api/v1/monthly-report/plan", ask("加强夜间巡查"))
            .await,
    )
    .await;
    assert_eq!(
        (s, r["plan"].as_str()),
        (StatusCode::OK, Some("加强夜间巡查"))
    );
    let (s, e) = body(
        app.put(&sup, "/api/v1/monthly-report/plan", ask(&"长".repeat(2001)))
            .await,
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("plan"))
    );

    // Filed: numbered, frozen; not filed twice; a month not ended is not filed.
    let (s, filed) = body(
        app.post(
            &sup,
            "/api/v1/monthly-report/file",
            ask("加强夜间巡查；增设座椅"),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{filed}");
    assert_eq!(filed["number"], "2026-001");
    let filed_at = filed["filed_at"].as_i64().unwrap();
    let (s, e) = body(app.post(&sup, "/api/v1/monthly-report/file", ask("")).await).await;
    assert_eq!(
        (s, e["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("该月报告已归档，不能再修改"))
    );
    let (s, _) = body(
        app.put(&sup, "/api/v1/monthly-report/plan", ask("改"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let this_month = Period::month_of(crate::common::now()).text();
    let (s, e) = body(
        app.post(
            &sup,
            "/api/v1/monthly-report/file",
            json!({"site": main, "month": this_month, "plan": ""}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("month")),
        "{e}"
    );

    // An October visit that reaches the server after the filing.
    m.visit("", "").await;
    sqlx::query(
        "UPDATE visits SET created_at = ? WHERE created_at = (SELECT MAX(created_at) FROM visits)",
    )
    .bind(filed_at + 1)
    .execute(&app.db)
    .await
    .unwrap();
    let (_, r) = get(&liaison, "2026-10").await;
    assert_eq!(
        value(&r, "visits", "登记次数"),
        "10",
        "the filed report does not change"
    );
    assert_eq!(r["number"], "2026-001");
    assert_eq!(r["plan"], "加强夜间巡查；增设座椅");
    let (_, nov) = get(&liaison, "2026-11").await;
    assert_eq!(value(&nov, "late", "来访登记（2026-10）"), "1", "{nov}");
    assert_eq!(value(&nov, "visits", "登记次数"), "0");
    // Filing November moves the mark: December's report lists nothing late.
    let (s, n2) = body(
        app.post(
            &sup,
            "/api/v1/monthly-report/file",
            json!({"site": main, "month": "2026-11", "plan": ""}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, n2["number"].as_str()),
        (StatusCode::OK, Some("2026-002"))
    );

    // The workbook: a sheet per part, the scorecard and the plan; the printed page.
    let r = app
        .get(
            &liaison,
            &format!("/api/v1/monthly-report.xlsx?site={main}&month=2026-10"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let names = book.sheet_names();
    for sheet in ["来访登记", "安全检查", "考核评分", "下月工作计划"] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let visits = book.worksheet_range("来访登记").unwrap();
    assert_eq!(
        visits.get_value((2, 0)).map(|c| c.to_string()),
        Some("登记次数".into())
    );
    assert_eq!(
        visits.get_value((2, 1)).map(|c| c.to_string()),
        Some("10".into())
    );
    let r = app
        .get(
            &liaison,
            &format!("/monthly-report/print?site={main}&month=2026-10"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("院本级安保服务2026年10月月度报告（编号 2026-001"),
        "{html}"
    );
    assert!(html.contains("<svg") && html.contains("/print.css"));
    let exports: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'monthly_report_export'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(exports, 2);
}
