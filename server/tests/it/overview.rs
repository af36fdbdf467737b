//! The court-wide view against the real server: a line per site of the reader's scope, and
//! the trends' series.

use crate::common::{body, court_day, now, spawn_app};
use crate::scorecard::Month;
use reqwest::StatusCode;

#[tokio::test]
async fn every_site_of_the_scope_at_once_and_the_trends() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    let (sup, sup_id) = app
        .person(&admin, "sup", &["supervisor"], &["main", "huancheng"])
        .await;
    let (guard, _) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    // Two visits at the main court an hour ago, one of them gone since.
    let mut m = Month {
        app: &app,
        site: main.clone(),
        author: sup_id.clone(),
        at: now() - 3_600_000 - 2 * 37 * 60_000,
    };
    m.visit("", "").await;
    m.visit("", "").await;
    sqlx::query("UPDATE visits SET checked_out_at = ? WHERE id = (SELECT MIN(id) FROM visits)")
        .bind(now())
        .execute(&app.db)
        .await
        .unwrap();
    let today = court_day(0);
    let (s, rows) = body(
        app.get(&sup, &format!("/api/v1/overview?day={today}"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "the supervisor's two sites, no others");
    let main_row = rows.iter().find(|r| r["site_id"] == main.as_str()).unwrap();
    // (An hour ago may be yesterday just after midnight.)
    if court_day(0) == app::core::date_text(app::core::court_date(now() - 3 * 3_600_000)) {
        assert_eq!(
            (main_row["visitors"].as_i64(), main_row["on_site"].as_i64()),
            (Some(2), Some(1)),
            "{main_row}"
        );
    }
    assert!(rows.iter().any(|r| r["site_id"] == hc.as_str()));
    let (s, _) = body(
        app.get(&guard, &format!("/api/v1/overview?day={today}"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = body(app.get(&sup, "/api/v1/overview?day=2026-13-01").await).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let (s, t) = body(app.get(&sup, &format!("/api/v1/trends?site={main}")).await).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let lens: Vec<usize> = t["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["points"].as_array().unwrap().len())
        .collect();
    assert_eq!(lens, vec![12, 12, 6, 6, 6]);
    let week: i64 = t["series"][0]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[1].as_i64().unwrap())
        .sum();
    assert_eq!(week, 2, "the two visits are in the last twelve weeks");
    let (s, _) = body(app.get(&sup, "/api/v1/trends?site=court").await).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "two sites of seven are not the court"
    );
}

#[tokio::test]
async fn supervisors_search_past_visits_and_every_search_is_recorded() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (sup, sup_id) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (liaison, _) = app
        .person(&admin, "liaison", &["court_liaison"], &["main"])
        .await;
    let mut m = Month {
        app: &app,
        site: main.clone(),
        author: sup_id.clone(),
        at: now() - 20 * 24 * 3_600_000,
    };
    for _ in 0..3 {
        m.visit("", "").await;
    }
    sqlx::query("UPDATE visits SET name = '张三丰', id_number = '11010519491231002X', id_masked = '110105********002X', phone = '13800001111' WHERE id = (SELECT MIN(id) FROM visits)")
        .execute(&app.db)
        .await
        .unwrap();
    let base = format!("/api/v1/visits/search?site={main}");
    let search = |q: String| {
        let c = sup.clone();
        let path = format!("{base}&{q}");
        let app = &app;
        async move { body(app.get(&c, &path).await).await }
    };
    let (from, to) = (court_day(-30), court_day(0));
    let (s, r) = search(format!("from={from}&to={to}&name=%E4%B8%89")).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["visits"].as_array().unwrap().len(), 1, "{r}");
    let v = &r["visits"][0];
    assert_eq!(v["name"], "张三丰");
    assert_eq!(v["id_masked"], "110105********002X");
    assert_ne!(v["phone_masked"], "13800001111", "the phone comes masked");
    assert!(!r.to_string().contains("11010519491231002X"));
    let (_, r) = search(format!("from={from}&to={to}&id_tail=002x")).await;
    assert_eq!(
        r["visits"].as_array().unwrap().len(),
        1,
        "the last digits, X in either case"
    );
    let (_, r) = search(format!("from={from}&to={to}")).await;
    assert_eq!(r["visits"].as_array().unwrap().len(), 3);
    let (s, e) = search(format!("from={from}&to={to}&id_tail=12")).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("id_tail"))
    );
    let (s, e) = search("from=2025-01-01&to=2026-06-01".into()).await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("to"))
    );
    let (s, _) = body(
        app.get(
            &liaison,
            &format!("/api/v1/visits/search?site={main}&from={from}&to={to}"),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'visit_search' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        audited.len(),
        3,
        "each answered search, before it was answered: {audited:?}"
    );
    assert!(audited[0].ends_with("name=三 id_tail="), "{audited:?}");
    assert!(audited[1].ends_with("id_tail=002X"), "{audited:?}");
}
