//! What every response carries: security headers, a nonce that matches the page's scripts,
//! cache rules, compression, the generated service worker, and JSON-only state changes.

use crate::common::{body, client, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn pages_carry_security_headers_and_a_matching_nonce() {
    let app = spawn_app().await;
    let r = client().get(app.url("/signin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(csp.contains("object-src 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["cache-control"], "private, no-cache");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_string();
    let html = r.text().await.unwrap();
    // Every inline script carries this response's nonce.
    let scripts = html.matches("<script").count();
    assert!(scripts >= 1);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "{html}"
    );
    // The page names its build for the service worker, speaks Chinese by default, and holds
    // nobody's data.
    assert!(html.contains("<html lang=\"zh-CN\""));
    assert!(html.contains("name=\"gp-build\""));

    // Each response has its own nonce.
    let r2 = client().get(app.url("/signin")).send().await.unwrap();
    assert_ne!(
        r2.headers()["content-security-policy"].to_str().unwrap(),
        csp
    );
}

#[tokio::test]
async fn the_language_cookie_picks_the_page_language() {
    let app = spawn_app().await;
    let html = client()
        .get(app.url("/signin"))
        .header("cookie", "gp_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("Sign in"));
}

#[tokio::test]
async fn responses_are_compressed_and_the_api_is_never_cached() {
    let app = spawn_app().await;
    let r = client()
        .get(app.url("/signin"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    let r = client()
        .get(app.url("/signin"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let r = client().get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn the_service_worker_lists_this_build_and_is_not_cached() {
    let app = spawn_app().await;
    let r = client().get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "private, no-cache");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let js = r.text().await.unwrap();
    assert!(js.contains("const BUILD = \""));
    assert!(js.contains("\"/pkg/guardpost"));
    assert!(js.contains("\"/manifest.webmanifest\""));
    for page in app::PAGES {
        assert!(js.contains(&format!("\"{page}\"")), "{page}");
    }
}

#[tokio::test]
async fn state_changes_must_be_json_from_this_origin() {
    let app = spawn_app().await;
    // A cross-site form post (form-encoded) is refused before anything happens.
    let r = client()
        .post(app.url("/api/v1/auth/sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("login=admin&password=x")
        .send()
        .await
        .unwrap();
    let (s, e) = body(r).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(e["code"], "not_json");

    let r = client()
        .post(app.url("/api/v1/auth/sign-in"))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"login": "admin", "password": app.admin_password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Malformed JSON: a clear 400 in JSON, and the server keeps serving.
    let r = client()
        .post(app.url("/api/v1/auth/sign-in"))
        .header("content-type", "application/json")
        .body("{\"login\": 12")
        .send()
        .await
        .unwrap();
    let (s, e) = body(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["message"], "请求格式不正确");

    // A huge body is refused.
    let huge = format!(
        "{{\"login\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(200_000)
    );
    let r = client()
        .post(app.url("/api/v1/auth/sign-in"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    assert_eq!(
        client()
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

/// The server keeps its records in the database it is given, not in its data folder.
#[tokio::test]
async fn the_server_runs_on_the_database_it_is_given() {
    use crate::common::{spawn_app_on, Database};
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("court.db");
    let app = spawn_app_on(
        Database::At(format!("sqlite://{}", file.display())),
        tempfile::tempdir().unwrap(),
    )
    .await;
    let admin = app.admin().await;
    let (s, sites) = body(admin.get(app.url("/api/v1/sites")).send().await.unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        sites.as_array().unwrap().len(),
        7,
        "the court and its six tribunals"
    );
    assert!(file.is_file(), "the database is where its URL says");
    assert!(!app.settings.data_dir.join("guardpost.db").exists());
}

/// The home is drawn for the person the session names (their name, their tasks, and the
/// `gp-me` tag the phone hydrates from), and for nobody when the worker asks for its copies,
/// after sign-out, or without a session. A name with markup stays text.
#[tokio::test]
async fn the_home_is_drawn_for_the_session_s_person_and_only_for_them() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (guard, _) = app
        .person(&admin, "page.guard", &["guard"], &["main"])
        .await;
    let home = |c: &reqwest::Client, anonymous: bool| {
        let mut r = c.get(app.url("/"));
        if anonymous {
            r = r.header(app::ANONYMOUS_PAGE, "anonymous");
        }
        async move { r.send().await.unwrap().text().await.unwrap() }
    };
    let html = home(&guard, false).await;
    assert!(html.contains("name=\"gp-me\""), "{html}");
    assert!(html.contains("data-testid=\"hello\">page.guard<"), "{html}");
    assert!(html.contains("href=\"/visit\""), "a guard's task");
    assert!(
        !html.contains("href=\"/admin/people\""),
        "not an administrator's"
    );

    let html = home(&guard, true).await;
    assert!(
        !html.contains("page.guard") && !html.contains("gp-me"),
        "{html}"
    );
    assert!(!home(&client(), false).await.contains("gp-me"));
    // Every page of the app names its person (the top bar is theirs); the API's answers are
    // not pages.
    let signin = app.get(&guard, "/signin").await.text().await.unwrap();
    assert!(signin.contains("gp-me"));

    let r = app
        .post(&guard, "/api/v1/auth/sign-out", serde_json::json!({}))
        .await;
    assert!(r.status().is_success());
    let html = home(&guard, false).await;
    assert!(
        !html.contains("page.guard") && !html.contains("gp-me"),
        "{html}"
    );

    // Markup in a display name is text in the page and in the tag.
    let r = app
        .post(&admin, "/api/v1/people", serde_json::json!({"login": "page.odd", "display_name": "\"><i>x</i>", "roles": ["guard"], "site_ids": [app.site_id("main").await]}))
        .await;
    let v: serde_json::Value = r.json().await.unwrap();
    let odd = client();
    let otp = v["one_time_password"].as_str().unwrap();
    assert_eq!(
        app.sign_in(&odd, "page.odd", otp).await.status(),
        StatusCode::OK
    );
    let html = home(&odd, false).await;
    assert!(html.contains("gp-me"));
    assert!(!html.contains("<i>x</i>"), "{html}");
}
