//! The court's satisfaction survey against the real server: the liaison opens a round and
//! hands out one-time links; a department answers on its phone's browser from the link; a
//! used, closed or unknown link records nothing; the results, the comments and the
//! rectification a comment opens; the questions an administrator edits.

use crate::common::{body, court_day, now, spawn_app, uuid, Phone, TestApp};
use app::score::Period;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

async fn post_form(app: &TestApp, url: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let path = url.split_once("/survey/").map(|(_, t)| t).unwrap();
    let r = Client::new()
        .post(app.url(&format!("/survey/{path}")))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

const FULL: [(&str, &str); 6] = [
    ("attitude", "5"),
    ("ability", "4"),
    ("response", "4"),
    ("order", "3"),
    ("overall", "5"),
    ("comment", "立案大厅座椅不够"),
];

async fn links(app: &TestApp, c: &Client, round: &str, site: &str, n: u32) -> Vec<String> {
    let (s, v) = body(
        app.post(
            c,
            &format!("/api/v1/surveys/{round}/links"),
            json!({"department": "立案庭", "site_id": site, "count": n}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert!(l["svg"].as_str().unwrap().contains("<svg"), "{l}");
            l["url"].as_str().unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_department_answers_once_from_its_link_and_the_results_show_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (liaison, _) = app
        .person(
            &admin,
            "liaison",
            &["court_liaison"],
            &["main", "huancheng"],
        )
        .await;
    let (sup, sup_id) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    let (hc_sup, _) = app
        .person(&admin, "hc.sup", &["supervisor"], &["huancheng"])
        .await;
    let quarter = Period::quarter_of(now()).text();
    let month = Period::month_of(now()).text();
    let closes = court_day(14);

    // Only the court's side opens rounds; a period must fit the kind; one round per period.
    let new = |kind: &str, period: &str, closes: &str| json!({"kind": kind, "period": period, "closes_on": closes});
    let (s, _) = body(
        app.post(&sup, "/api/v1/surveys", new("quarterly", &quarter, &closes))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = body(
        app.post(
            &liaison,
            "/api/v1/surveys",
            new("monthly", &quarter, &closes),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("period")),
        "{e}"
    );
    let (s, e) = body(
        app.post(
            &liaison,
            "/api/v1/surveys",
            new("quarterly", &quarter, &court_day(-1)),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("closes_on")),
        "{e}"
    );
    let (s, round) = body(
        app.post(
            &liaison,
            "/api/v1/surveys",
            new("quarterly", &quarter, &closes),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{round}");
    let id = round["id"].as_str().unwrap().to_string();
    assert!(
        round["title"].as_str().unwrap().ends_with("季度满意度调查"),
        "{round}"
    );
    let (s, e) = body(
        app.post(
            &liaison,
            "/api/v1/surveys",
            new("quarterly", &quarter, &closes),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, e["message"].as_str()),
        (StatusCode::CONFLICT, Some("本期已有同类调查"))
    );
    let (s, _) = body(
        app.post(&liaison, "/api/v1/surveys", new("monthly", &month, &closes))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "the monthly feedback round beside it");

    // Links: by the liaison, for a site of theirs, shown once.
    let (s, _) = body(
        app.post(
            &sup,
            &format!("/api/v1/surveys/{id}/links"),
            json!({"department": "x", "site_id": main, "count": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "the service graded makes no links"
    );
    let urls = links(&app, &liaison, &id, &main, 4).await;
    assert!(urls[0].starts_with(&app.base), "{}", urls[0]);
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM survey_links")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for u in &urls {
        let token = u.rsplit('/').next().unwrap();
        assert!(!stored.iter().any(|h| h == token), "only the hash is kept");
    }

    // The page, in Chinese first, without a script.
    let page = Client::new().get(&urls[0]).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("服务态度") && html.contains("意见和建议"),
        "{html}"
    );
    assert!(!html.contains("<script"));
    assert!(html.contains("href=\"/survey.css\""));

    // An item not rated: the form comes back with what was typed, nothing recorded.
    let (s, html) = post_form(
        &app,
        &urls[0],
        &FULL[..3]
            .iter()
            .chain(&FULL[5..])
            .copied()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("请为每一项打分，尚未打分：秩序维护、总体评价"),
        "{html}"
    );
    assert!(html.contains("立案大厅座椅不够"), "what was typed is kept");
    let (s, _) = post_form(&app, &urls[0], &FULL).await;
    assert_eq!(s, StatusCode::OK);
    // Used: said, and nothing more recorded.
    let (s, html) = post_form(&app, &urls[0], &FULL).await;
    assert_eq!(s, StatusCode::GONE);
    assert!(html.contains("此链接已提交过答卷"), "{html}");
    let page = Client::new().get(&urls[0]).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    for bad in ["0123456789abcdef0123456789abcdef", "nonsense", "../../etc"] {
        let r = Client::new()
            .get(app.url(&format!("/survey/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    // Two taps of one link at once record once.
    let (a, b) = tokio::join!(
        post_form(&app, &urls[1], &FULL),
        post_form(&app, &urls[1], &FULL)
    );
    let mut got = [a.0, b.0];
    got.sort();
    assert_eq!(got, [StatusCode::OK, StatusCode::GONE]);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_responses")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(n, 2);
    // In English when asked.
    let html = Client::new()
        .get(format!("{}?lang=en", urls[2]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Service attitude"), "{html}");

    // Results: each question's scores, the departments, the comments.
    let (s, r) = body(
        app.get(&sup, &format!("/api/v1/surveys/{id}/results"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["questions"][0]["counts"], json!([0, 0, 0, 0, 2]));
    assert_eq!(r["questions"][3]["counts"], json!([0, 0, 2, 0, 0]));
    assert_eq!(r["departments"], json!([["立案庭", 2, 4]]));
    assert_eq!(r["comments"].as_array().unwrap().len(), 2);
    assert_eq!(r["round"]["answered"], 2);
    // A supervisor elsewhere sees none of the main court's answers.
    let (_, r2) = body(
        app.get(&hc_sup, &format!("/api/v1/surveys/{id}/results"))
            .await,
    )
    .await;
    assert_eq!(r2["comments"], json!([]));
    assert_eq!(r2["questions"][0]["counts"], json!([0, 0, 0, 0, 0]));

    // One tap opens a rectification from a comment: the two name each other, once.
    let response = r["comments"][0]["response_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut phone = Phone::new(&app, &sup, sup.clone(), sup_id.clone()).await;
    let hazard = |from: &str| {
        json!({"id": uuid(), "site_id": main, "place": "立案大厅", "category": "facility",
            "grade": "general", "description": "立案大厅座椅不够", "from_check": from})
    };
    let done = phone
        .send(
            &app,
            "hazard.report",
            hazard(&format!("survey:{response}")),
            None,
        )
        .await;
    assert_eq!(done["status"], "applied", "{done}");
    let again = phone
        .send(
            &app,
            "hazard.report",
            hazard(&format!("survey:{response}")),
            None,
        )
        .await;
    assert_eq!(again["message"], "这条意见已转整改", "{again}");
    let none = phone
        .send(&app, "hazard.report", hazard("survey:nothing"), None)
        .await;
    assert_eq!(none["message"], "没有这条调查意见", "{none}");
    let (_, r) = body(
        app.get(&sup, &format!("/api/v1/surveys/{id}/results"))
            .await,
    )
    .await;
    let linked: Vec<&Value> = r["comments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["rect_id"].is_null())
        .collect();
    assert_eq!(linked.len(), 1, "{r}");

    // Closed: the links left say so and record nothing.
    let (s, _) = body(
        app.post(
            &liaison,
            &format!("/api/v1/surveys/{id}/close"),
            json!(null),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, html) = post_form(&app, &urls[3], &FULL).await;
    assert_eq!(s, StatusCode::GONE);
    assert!(html.contains("本次调查已结束"), "{html}");
    let (s, _) = body(
        app.post(
            &liaison,
            &format!("/api/v1/surveys/{id}/links"),
            json!({"department": "x", "site_id": main, "count": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_questions_are_the_administrators_and_a_round_keeps_its_own() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (liaison, _) = app
        .person(&admin, "liaison", &["court_liaison"], &["main"])
        .await;
    let (s, qs) = body(app.get(&admin, "/api/v1/survey/questions").await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        qs.as_array().unwrap().len(),
        6,
        "the bid's five and a comment"
    );
    let (s, round) = body(
        app.post(
            &liaison,
            "/api/v1/surveys",
            json!({"kind": "monthly", "period": Period::month_of(now()).text(), "closes_on": court_day(3)}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{round}");
    let mut edited = qs.clone();
    edited
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "cleanliness", "zh": "", "en": "", "rated": true}));
    let (s, e) = body(
        app.put(&admin, "/api/v1/survey/questions", edited.clone())
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        e["message"],
        "cleanliness: 中文题目须为1到100个字，英文不超过200个字符"
    );
    edited[6]["zh"] = json!("环境整洁");
    let (s, _) = body(app.put(&admin, "/api/v1/survey/questions", edited).await).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = body(app.put(&liaison, "/api/v1/survey/questions", qs).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, rounds) = body(app.get(&liaison, "/api/v1/surveys").await).await;
    assert_eq!(
        rounds[0]["questions"].as_array().unwrap().len(),
        6,
        "the round out keeps its questions"
    );
    let (s, next) = body(
        app.post(
            &liaison,
            "/api/v1/surveys",
            json!({"kind": "quarterly", "period": Period::quarter_of(now()).text(), "closes_on": court_day(3)}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(next["questions"][6]["zh"], "环境整洁");
}
