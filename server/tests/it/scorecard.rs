//! The contract's scorecard against the real server: a generated month whose figures are
//! known by construction, every number checked, the weighting included; the records each
//! figure opens; the setting; who may read it.

use crate::common::{body, spawn_app, uuid, TestApp};
use app::score::Period;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const MINUTE: i64 = 60_000;

/// Writes a month's records straight into the database, as the phones' records would be
/// stored: visits (`incomplete` of them lacking `why`), re-checked screenings, requests.
pub struct Month<'a> {
    pub app: &'a TestApp,
    pub site: String,
    pub author: String,
    pub at: i64,
}

impl Month<'_> {
    /// The next record's time: an hour apart from the month's first morning.
    fn tick(&mut self) -> i64 {
        self.at += 37 * MINUTE;
        self.at
    }

    pub async fn visit(&mut self, incomplete: &str, reason: &str) {
        let at = self.tick();
        sqlx::query(
            "INSERT INTO visits (id, site_id, name, purpose, author_id, client_id, checked_in_at,
                created_at, version, id_missing_reason, complete, incomplete)
             VALUES (?, ?, '访客', '开庭', ?, 'gen', ?, ?, 1, ?, ?, ?)",
        )
        .bind(uuid())
        .bind(&self.site)
        .bind(&self.author)
        .bind(at)
        .bind(at)
        .bind(reason)
        .bind(incomplete.is_empty())
        .bind(incomplete)
        .execute(&self.app.db)
        .await
        .unwrap();
    }

    pub async fn sample(&mut self, correct: bool, note: &str) {
        let at = self.tick();
        let id = uuid();
        sqlx::query(
            "INSERT INTO screenings (id, site_id, name, equipment, outcome, items, author_id,
                client_id, screened_at, created_at, version)
             VALUES (?, ?, '受检人', '[\"gate\"]', 'passed', '[]', ?, 'gen', ?, ?, 1)",
        )
        .bind(&id)
        .bind(&self.site)
        .bind(&self.author)
        .bind(at)
        .bind(at)
        .execute(&self.app.db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO screening_samples (id, screening_id, site_id, screened_at, correct, note,
                sampled_at, author_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
        )
        .bind(uuid())
        .bind(&id)
        .bind(&self.site)
        .bind(at)
        .bind(correct)
        .bind(note)
        .bind(at + MINUTE)
        .bind(&self.author)
        .execute(&self.app.db)
        .await
        .unwrap();
    }

    /// A request acknowledged `after` minutes on (none: never).
    pub async fn request(&mut self, urgency: &str, after: Option<i64>, subject: &str) {
        let at = self.tick();
        sqlx::query(
            "INSERT INTO court_requests (id, site_id, channel, urgency, subject, received_at, state,
                acknowledged_at, author_id, client_id, created_at, version)
             VALUES (?, ?, 'phone', ?, ?, ?, ?, ?, ?, 'gen', ?, 1)",
        )
        .bind(uuid())
        .bind(&self.site)
        .bind(urgency)
        .bind(subject)
        .bind(at)
        .bind(if after.is_some() { "acknowledged" } else { "received" })
        .bind(after.map(|m| at + m * MINUTE))
        .bind(&self.author)
        .bind(at)
        .execute(&self.app.db)
        .await
        .unwrap();
    }
}

/// A survey round opened at `opens_at`, open until tomorrow, with `n` links for a department
/// of `site`; returns the tokens.
async fn round(
    app: &TestApp,
    by: &str,
    kind: &str,
    period: &str,
    opens_at: i64,
    site: &str,
    n: usize,
) -> Vec<String> {
    let id = uuid();
    let questions = serde_json::to_string(&app::survey::default_questions()).unwrap();
    sqlx::query(
        "INSERT INTO survey_rounds (id, kind, period, title, questions, opens_at, closes_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(kind)
    .bind(period)
    .bind(format!("{period} {kind}"))
    .bind(questions)
    .bind(opens_at)
    .bind(crate::common::now() + 24 * 60 * MINUTE)
    .bind(by)
    .execute(&app.db)
    .await
    .unwrap();
    let mut tokens = Vec::new();
    for i in 0..n {
        let token = format!("{:032x}", rand_token(i, &id));
        sqlx::query(
            "INSERT INTO survey_links (token_hash, round_id, department, site_id, created_at, created_by)
             VALUES (?, ?, '审判管理办公室', ?, ?, ?)",
        )
        .bind(server::survey::token_hash(&token))
        .bind(&id)
        .bind(site)
        .bind(opens_at)
        .bind(by)
        .execute(&app.db)
        .await
        .unwrap();
        tokens.push(token);
    }
    tokens
}

fn rand_token(i: usize, salt: &str) -> u128 {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{salt}{i}").as_bytes());
    u128::from_be_bytes(h[..16].try_into().unwrap())
}

/// Answers the survey through its page, as a department's phone posts the form.
async fn answer(app: &TestApp, token: &str, scores: [u8; 5], comment: &str) -> StatusCode {
    let keys = ["attitude", "ability", "response", "order", "overall"];
    let mut form: Vec<(String, String)> = keys
        .iter()
        .zip(scores)
        .map(|(k, s)| (k.to_string(), s.to_string()))
        .collect();
    form.push(("comment".into(), comment.into()));
    let r = Client::new()
        .post(app.url(&format!("/survey/{token}")))
        .form(&form)
        .send()
        .await
        .unwrap();
    r.status()
}

async fn card(app: &TestApp, c: &Client, site: &str, period: &str) -> Value {
    let (s, v) = body(
        app.get(c, &format!("/api/v1/scorecard?site={site}&period={period}"))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn scores(v: &Value) -> Vec<(String, u64, u64, u64)> {
    v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kpi"].as_str().unwrap().to_string(),
                f["part"].as_u64().unwrap(),
                f["whole"].as_u64().unwrap(),
                f["score_centi"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn fig(kpi: &str, part: u64, whole: u64, score: u64) -> (String, u64, u64, u64) {
    (kpi.to_string(), part, whole, score)
}

/// Why each record counted against `kpi` at `site` in October.
async fn detail(app: &TestApp, c: &Client, site: &str, kpi: &str) -> Vec<String> {
    let path = format!("/api/v1/scorecard/records?site={site}&period=2026-10&kpi={kpi}");
    let (s, v) = body(app.get(c, &path).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["why"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_generated_month_scores_as_constructed() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let hc = app.site_id("huancheng").await;
    let (sup, sup_id) = app
        .person(&admin, "sup", &["supervisor"], &["main", "huancheng"])
        .await;
    let october = Period::parse("2026-10").unwrap();
    let (from, to) = october.bounds();
    let mut m = Month {
        app: &app,
        site: main.clone(),
        author: sup_id.clone(),
        at: from + 8 * 60 * MINUTE,
    };
    // Completeness at the main court: 196 of 200, exactly the target.
    for _ in 0..196 {
        m.visit("", "").await;
    }
    m.visit("phone", "").await;
    m.visit("phone", "").await;
    m.visit("id_number", "证件磨损").await;
    m.visit("purpose,area_id", "").await;
    // Accuracy: 37 of 40 re-checks right (92.5%).
    for _ in 0..37 {
        m.sample(true, "").await;
    }
    for note in ["未开包复查", "漏检打火机", "未手检"] {
        m.sample(false, note).await;
    }
    // Response: 18 of 20 in time; an urgent one at 16 minutes, a general one never.
    for i in 0..18 {
        let (u, after) = if i % 4 == 0 {
            ("urgent", 15)
        } else {
            ("general", 60)
        };
        m.request(u, Some(after), "一般需求").await;
    }
    m.request("urgent", Some(16), "法庭秩序").await;
    m.request("general", None, "空调报修").await;
    m.request("general", Some(5), "九月的需求不算").await;
    // That last one is moved to September: outside the month.
    sqlx::query("UPDATE court_requests SET received_at = ?, acknowledged_at = ? WHERE subject = '九月的需求不算'")
        .bind(from - 90 * MINUTE)
        .bind(from - 85 * MINUTE)
        .execute(&app.db)
        .await
        .unwrap();
    // Huancheng: 45 of 50 complete (90%), 10 of 10 right, no requests.
    let mut h = Month {
        app: &app,
        site: hc.clone(),
        author: sup_id.clone(),
        at: from + 8 * 60 * MINUTE,
    };
    for i in 0..50 {
        h.visit(if i < 5 { "phone" } else { "" }, "").await;
    }
    for _ in 0..10 {
        h.sample(true, "").await;
    }
    // A visit on November's first minute is November's.
    m.at = to - 37 * MINUTE;
    m.visit("phone", "").await;

    // Satisfaction: the quarter's round (opened in October) from the main court's department:
    // 44 of 50 answers are 4 or 5. The round before it, and the monthly feedback round, are
    // not the quarter's survey and change nothing.
    let q4 = round(
        &app,
        &sup_id,
        "quarterly",
        "2026-Q4",
        from + 4 * 24 * 60 * MINUTE,
        &main,
        10,
    )
    .await;
    for t in &q4[..7] {
        assert_eq!(answer(&app, t, [5, 5, 5, 5, 5], "").await, StatusCode::OK);
    }
    for t in &q4[7..] {
        assert_eq!(
            answer(&app, t, [5, 4, 3, 3, 4], "门口排队太长").await,
            StatusCode::OK
        );
    }
    let q3 = round(
        &app,
        &sup_id,
        "quarterly",
        "2026-Q3",
        from - 80 * 24 * 60 * MINUTE,
        &main,
        2,
    )
    .await;
    let monthly = round(
        &app,
        &sup_id,
        "monthly",
        "2026-10",
        from + 9 * 24 * 60 * MINUTE,
        &main,
        2,
    )
    .await;
    for t in q3.iter().chain(&monthly) {
        assert_eq!(answer(&app, t, [1, 1, 1, 1, 1], "").await, StatusCode::OK);
    }

    let v = card(&app, &sup, &main, "2026-10").await;
    assert_eq!(
        scores(&v),
        vec![
            // 30 × 88 / 90 = 29.33; 20 × 90 / 95 = 18.95; 25 × 92.5 / 95 = 24.34; full.
            fig("satisfaction", 44, 50, 2933),
            fig("response", 18, 20, 1895),
            fig("accuracy", 37, 40, 2434),
            fig("completeness", 196, 200, 2500),
        ]
    );
    assert_eq!(v["total_centi"], 9762, "{v}");
    assert_eq!(v["round"]["period"], "2026-Q4");
    assert!(
        v["figures"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["note"].is_null()),
        "{v}"
    );
    // The quarter holds October's records and November's first visit (incomplete):
    // 196 / 201, 25 × 97.51 / 98 = 24.88.
    let q = card(&app, &sup, &main, "2026-Q4").await;
    let mut expected = scores(&v);
    expected[3] = fig("completeness", 196, 201, 2488);
    assert_eq!(scores(&q), expected);

    let v = card(&app, &sup, &hc, "2026-10").await;
    assert_eq!(
        scores(&v),
        vec![
            fig("satisfaction", 44, 50, 2933),
            fig("response", 0, 0, 2000),
            fig("accuracy", 10, 10, 2500),
            // 25 × 90 / 98 = 22.96.
            fig("completeness", 45, 50, 2296),
        ]
    );
    assert_eq!(v["figures"][0]["note"], "court_survey");
    assert_eq!(v["figures"][1]["note"], "no_requests");
    assert_eq!(v["total_centi"], 9729);

    // The court's month pools the sites' records (not their scores) — and needs every site.
    let (s, _) = body(
        app.get(&sup, "/api/v1/scorecard?site=court&period=2026-10")
            .await,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "two sites of seven are not the court"
    );
    let (all_sup, _) = app
        .person(
            &admin,
            "sup.all",
            &["supervisor"],
            &[
                "main",
                "huancheng",
                "yidan",
                "kaoshan",
                "maan",
                "dagushan",
                "yingchengzi",
            ],
        )
        .await;
    let v = card(&app, &all_sup, "court", "2026-10").await;
    assert_eq!(
        scores(&v),
        vec![
            fig("satisfaction", 44, 50, 2933),
            fig("response", 18, 20, 1895),
            // 47 / 50 = 94%: 25 × 94 / 95 = 24.74; 241 / 250 = 96.4%: 25 × 96.4 / 98 = 24.59.
            fig("accuracy", 47, 50, 2474),
            fig("completeness", 241, 250, 2459),
        ]
    );
    assert_eq!(v["total_centi"], 9761);
    assert!(v["site_id"].is_null());

    // Each figure opens what it counted against.
    assert_eq!(
        detail(&app, &sup, &main, "completeness").await,
        vec![
            "缺少：联系电话",
            "缺少：联系电话",
            "缺少：证件号码；原因：证件磨损",
            "缺少：来访事由、前往区域"
        ]
    );
    assert_eq!(
        detail(&app, &sup, &main, "accuracy").await,
        vec![
            "复核人 sup：未开包复查",
            "复核人 sup：漏检打火机",
            "复核人 sup：未手检"
        ]
    );
    assert_eq!(
        detail(&app, &sup, &main, "response").await,
        vec!["紧急 限15分钟，用时16分钟", "一般 限60分钟，至今未确认"]
    );
    let low = detail(&app, &sup, &main, "satisfaction").await;
    assert_eq!(low.len(), 6, "{low:?}");
    assert!(low.iter().all(|w| w.ends_with("3分")), "{low:?}");

    // The setting changes the weighting, is checked, and is shown with the figures.
    let mut setting = v["scoring"].clone();
    setting["rules"][0]["weight"] = json!(40);
    setting["rules"][1]["weight"] = json!(10);
    let (s, _) = body(app.put(&admin, "/api/v1/scoring", setting.clone()).await).await;
    assert_eq!(s, StatusCode::OK);
    let v = card(&app, &sup, &main, "2026-10").await;
    // 40 × 88 / 90 = 39.11; 10 × 90 / 95 = 9.47.
    assert_eq!(v["figures"][0]["score_centi"], 3911);
    assert_eq!(v["figures"][1]["score_centi"], 947);
    assert_eq!(v["total_centi"], 3911 + 947 + 2434 + 2500);
    assert_eq!(v["scoring"]["rules"][0]["weight"], 40);
    setting["rules"][0]["weight"] = json!(41);
    let (s, e) = body(app.put(&admin, "/api/v1/scoring", setting).await).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["message"], "权重合计须为100 (101)", "{e}");
    let (s, _) = body(app.put(&sup, "/api/v1/scoring", json!({"rules": []})).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_scorecard_is_for_those_who_see_the_kpis_at_that_site() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (guard, guard_id) = app.person(&admin, "guard", &["guard"], &["main"]).await;
    let (hc_sup, _) = app
        .person(&admin, "hc.sup", &["supervisor"], &["huancheng"])
        .await;
    let (liaison, _) = app
        .person(&admin, "liaison", &["court_liaison"], &["main"])
        .await;
    let path = format!("/api/v1/scorecard?site={main}&period=2026-11");
    let (s, e) = body(app.get(&guard, &path).await).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (s, e) = body(app.get(&hc_sup, &path).await).await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("site_forbidden"))
    );
    let v = card(&app, &liaison, &main, "2026-11").await;
    // Nothing recorded: what came earns its weight, what was not measured earns nothing.
    assert_eq!(v["total_centi"], 4500, "{v}");
    assert_eq!(v["figures"][0]["note"], "no_survey");
    assert_eq!(v["figures"][2]["note"], "not_sampled");
    // 持证率 beside them: the guard needs a guard licence and holds none; then a valid one.
    assert_eq!(v["certificates"], json!({"part": 0, "whole": 1}), "{v}");
    assert!(v["attendance"].is_null(), "no rosters are kept yet");
    let (s, _) = body(
        app.put(
            &admin,
            &format!("/api/v1/people/{guard_id}"),
            json!({"display_name": "guard", "roles": ["guard"], "site_ids": [main], "disabled": false,
                   "certificates": [{"kind": "guard_license", "number": "G1", "valid_until": crate::common::court_day(30)}]}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let v = card(&app, &liaison, &main, "2026-11").await;
    assert_eq!(v["certificates"], json!({"part": 1, "whole": 1}), "{v}");
    for bad in ["2026-13", "2026-Q5", "november"] {
        let (s, e) = body(
            app.get(
                &liaison,
                &format!("/api/v1/scorecard?site={main}&period={bad}"),
            )
            .await,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(e["field"], "period");
    }
    let (s, e) = body(
        app.get(
            &liaison,
            &format!("/api/v1/scorecard/records?site={main}&period=2026-11&kpi=speed"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, e["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("kpi"))
    );
}
