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
    assert_eq!(h["cache-control"], "no-cache");
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
    assert_eq!(r.headers()["cache-control"], "no-cache");
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
