//! Sign-in, sign-out, passwords, the first administrator, rate limits and account management,
//! against the real server on a fresh SQLite database.

use crate::common::{body, client, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn first_start_creates_an_administrator_who_must_change_the_password() {
    let app = spawn_app().await;
    assert_eq!(app.admin_login, "admin");
    assert_eq!(app.admin_password.len(), 12);

    let c = client();
    let (s, me) = body(app.sign_in(&c, "admin", &app.admin_password).await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["must_change_password"], true);
    assert_eq!(me["roles"], json!(["admin"]));

    // Nothing else is allowed before the password is changed.
    let (s, e) = body(app.get(&c, "/api/v1/sites").await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["code"], "password_change_required");
    assert_eq!(e["message"], "请先修改初始密码");

    // A weak new password is refused with the reason; the old one still works.
    let (s, e) = body(
        app.post(
            &c,
            "/api/v1/me/password",
            json!({"current_password": app.admin_password, "new_password": "short"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["field"], "new_password");
    assert_eq!(e["message"], "新密码至少10位");

    let (s, me) = body(
        app.post(
            &c,
            "/api/v1/me/password",
            json!({"current_password": app.admin_password, "new_password": "a-much-better-one"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["must_change_password"], false);
    assert_eq!(app.get(&c, "/api/v1/sites").await.status(), StatusCode::OK);

    // The one-time password is gone; the new one works.
    assert_eq!(
        app.sign_in(&client(), "admin", &app.admin_password)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.sign_in(&client(), "admin", "a-much-better-one")
            .await
            .status(),
        StatusCode::OK
    );

    // A second start on the same database creates no second administrator.
    let again = server::Server::start(app.settings.clone()).await.unwrap();
    assert!(again.first_admin.is_none());
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_roles WHERE role = 'admin'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(admins, 1);
}

#[tokio::test]
async fn the_password_is_never_stored_in_plain_text() {
    let app = spawn_app().await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM people WHERE login = 'admin'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains(&app.admin_password));
}

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session() {
    let app = spawn_app().await;
    let c = client();
    let r = app.sign_in(&c, "admin", &app.admin_password).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("gp_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "plain http on localhost");
    assert_eq!(app.get(&c, "/api/v1/me").await.status(), StatusCode::OK);

    // A client that says it came over https itself is not believed: no Secure, no HSTS.
    let forwarded = |app: &crate::common::TestApp| {
        client()
            .post(app.url("/api/v1/auth/sign-in"))
            .header("x-forwarded-proto", "https")
            .json(&json!({"login": "admin", "password": app.admin_password}))
            .send()
    };
    let r = forwarded(&app).await.unwrap();
    assert!(!r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
    assert!(r.headers().get("strict-transport-security").is_none());
    // Behind the https proxy the deployment names, the cookie is Secure and HSTS is sent.
    let proxied = crate::common::spawn_app_with(
        crate::common::Database::FreshSqlite,
        tempfile::tempdir().unwrap(),
        &[("GUARDPOST_TRUSTED_PROXIES", "127.0.0.1".into())],
    )
    .await;
    let r = forwarded(&proxied).await.unwrap();
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
    assert!(r.headers().contains_key("strict-transport-security"));

    let r = app.post(&c, "/api/v1/auth/sign-out", json!(null)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (s, e) = body(app.get(&c, "/api/v1/me").await).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(e["code"], "not_signed_in");

    // The token is dead on the server, not just forgotten by the client.
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(sessions, 1, "only the https sign-in's session is left");
}

#[tokio::test]
async fn a_wrong_password_says_so_in_the_callers_language() {
    let app = spawn_app().await;
    let (s, e) = body(app.sign_in(&client(), "admin", "wrong-password").await).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(e["code"], "wrong_password");
    assert_eq!(e["message"], "账号或密码错误");

    let r = client()
        .post(app.url("/api/v1/auth/sign-in"))
        .header("cookie", "gp_lang=en")
        .json(&json!({"login": "nobody", "password": "whatever"}))
        .send()
        .await
        .unwrap();
    let (s, e) = body(r).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        e["message"], "Wrong account or password",
        "an unknown account reads the same"
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.person(&admin, "guard.li", &["guard"], &["main"]).await;

    for _ in 0..5 {
        assert_eq!(
            app.sign_in(&client(), "guard.li", "not-it").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right password is refused, with how long to wait.
    let r = app
        .sign_in(&client(), "guard.li", "guard.li-password-1")
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((800..=900).contains(&retry), "{retry}");
    let (_, e) = body(r).await;
    assert_eq!(e["code"], "rate_limited");
    assert!(
        e["message"].as_str().unwrap().contains("15 分钟"),
        "{}",
        e["message"]
    );

    // Another account is not locked by it.
    assert_eq!(
        app.sign_in(&client(), "admin", "admin-new-password-1")
            .await
            .status(),
        StatusCode::OK
    );

    // An administrator's reset lifts the lock.
    let id: String = sqlx::query_scalar("SELECT id FROM people WHERE login = 'guard.li'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (s, v) = body(
        app.post(
            &admin,
            &format!("/api/v1/people/{id}/reset-password"),
            json!(null),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let otp = v["one_time_password"].as_str().unwrap();
    let (s, me) = body(app.sign_in(&client(), "guard.li", otp).await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["must_change_password"], true);
}

#[tokio::test]
async fn administrators_manage_people() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let main = app.site_id("main").await;
    let (guard, id) = app.person(&admin, "wang.wu", &["guard"], &["main"]).await;

    // Bad input: each refusal names the field and says what is wrong.
    let cases = [
        (
            json!({"login": "Wang Wu", "display_name": "王五", "roles": ["guard"], "site_ids": [main]}),
            "login",
        ),
        (
            json!({"login": "wang.liu", "display_name": "", "roles": ["guard"], "site_ids": [main]}),
            "display_name",
        ),
        (
            json!({"login": "wang.liu", "display_name": "王六", "roles": [], "site_ids": [main]}),
            "roles",
        ),
        (
            json!({"login": "wang.liu", "display_name": "王六", "roles": ["guard"], "site_ids": []}),
            "site_ids",
        ),
        (
            json!({"login": "wang.liu", "display_name": "王六", "roles": ["guard"], "site_ids": ["nowhere"]}),
            "site_ids",
        ),
    ];
    for (input, field) in cases {
        let (s, e) = body(app.post(&admin, "/api/v1/people", input).await).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{field}");
        assert_eq!(e["field"], field);
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    // A role that does not exist is not a string we store.
    let (s, _) = body(
        app.post(
            &admin,
            "/api/v1/people",
            json!({"login": "x.y", "display_name": "X", "roles": ["root"], "site_ids": [main]}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, e) = body(
        app.post(&admin, "/api/v1/people", json!({"login": "wang.wu", "display_name": "又一个", "roles": ["guard"], "site_ids": [main]}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["message"], "该账号已存在");

    // Roles and sites change at once for a signed-in person.
    let huancheng = app.site_id("huancheng").await;
    let (s, p) = body(
        app.put(&admin, &format!("/api/v1/people/{id}"), json!({"display_name": "王五", "roles": ["guard", "caretaker"], "site_ids": [huancheng], "disabled": false}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["roles"], json!(["guard", "caretaker"]));
    let (_, me) = body(app.get(&guard, "/api/v1/me").await).await;
    assert_eq!(me["site_ids"], json!([huancheng]));
    assert_eq!(me["display_name"], "王五");

    // Disabling ends the sessions and refuses sign-in with a clear message.
    let (s, _) = body(
        app.put(&admin, &format!("/api/v1/people/{id}"), json!({"display_name": "王五", "roles": ["guard"], "site_ids": [huancheng], "disabled": true}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        app.get(&guard, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (s, e) = body(
        app.sign_in(&client(), "wang.wu", "wang.wu-password-1")
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["message"], "该账号已停用，请联系管理员");

    // The last administrator cannot lock everyone out.
    let admin_id: String = sqlx::query_scalar("SELECT id FROM people WHERE login = 'admin'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (s, e) = body(
        app.put(
            &admin,
            &format!("/api/v1/people/{admin_id}"),
            json!({"display_name": "管理员", "roles": ["admin"], "site_ids": [], "disabled": true}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["message"], "不能停用或降级最后一个管理员");

    // Every change is in the audit log, and no password is.
    let log: Vec<(String, String)> =
        sqlx::query_as("SELECT action, detail FROM audit_log ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert!(log.iter().any(|(a, _)| a == "create_person"));
    assert!(log.iter().filter(|(a, _)| a == "update_person").count() >= 2);
    assert!(log.iter().all(|(_, d)| !d.contains("password-1")));
}

#[tokio::test]
async fn administrators_edit_sites_and_areas() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let yidan = app.site_id("yidan").await;
    let (s, site) = body(
        app.put(
            &admin,
            &format!("/api/v1/sites/{yidan}"),
            json!({"name_zh": "伊丹人民法庭", "name_en": "Yidan People's Tribunal"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(site["name_en"], "Yidan People's Tribunal");
    let before = site["areas"].as_array().unwrap().len();

    let area = json!({"code": "archive", "kind": "room", "name_zh": "档案室", "name_en": "Archive", "active": true});
    let (s, a) = body(
        app.post(
            &admin,
            &format!("/api/v1/sites/{yidan}/areas"),
            area.clone(),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = body(
        app.post(&admin, &format!("/api/v1/sites/{yidan}/areas"), area)
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["field"], "code");

    let area_id = a["id"].as_str().unwrap();
    let (s, _) = body(
        app.put(&admin, &format!("/api/v1/sites/{yidan}/areas/{area_id}"), json!({"code": "archive", "kind": "room", "name_zh": "档案室", "name_en": "Archive", "active": false}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, site) = body(app.get(&admin, &format!("/api/v1/sites/{yidan}")).await).await;
    let areas = site["areas"].as_array().unwrap();
    assert_eq!(areas.len(), before + 1);
    assert_eq!(areas.last().unwrap()["active"], false);

    let (s, e) = body(
        app.post(&admin, &format!("/api/v1/sites/{yidan}/areas"), json!({"code": "bad code!", "kind": "room", "name_zh": "x", "name_en": "x", "active": true}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["field"], "code");
}

/// Signs in from the enrolled phone `d` (its key in the device header, as the app does).
async fn sign_in_on(
    app: &crate::common::TestApp,
    d: &crate::common::Device,
    login: &str,
    password: &str,
) -> reqwest::Response {
    client()
        .post(app.url("/api/v1/auth/sign-in"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"login": login, "password": password, "client_id": d.client_id}))
        .send()
        .await
        .unwrap()
}

/// Behind the court's NAT every phone shares one address: a flood of wrong passwords from it
/// (or someone locking a named account on purpose) locks out neither the enrolled post phones
/// nor the account on them; a phone's own failures are its own.
#[tokio::test]
async fn a_shared_address_or_a_locked_account_locks_no_post_phone_out() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (sup, _) = app.person(&admin, "sup", &["supervisor"], &["main"]).await;
    app.person(&admin, "guard.li", &["guard"], &["main"]).await;
    let d = crate::common::enrol(&app, &sup).await;
    let other = crate::common::enrol(&app, &sup).await;
    // 30 failures from the address (all of 127.0.0.1), five of them at guard.li.
    for i in 0..30 {
        let who = if i < 5 {
            "guard.li".to_string()
        } else {
            format!("nobody{i}")
        };
        assert_eq!(
            app.sign_in(&client(), &who, "wrong").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.sign_in(&client(), "sup", "sup-password-1")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the address is locked for browsers that are not enrolled phones"
    );
    // The post phone still signs guard.li in.
    assert_eq!(
        sign_in_on(&app, &d, "guard.li", "guard.li-password-1")
            .await
            .status(),
        StatusCode::OK
    );
    // A phone's own five failures lock that account on that phone only.
    for _ in 0..5 {
        assert_eq!(
            sign_in_on(&app, &d, "sup", "wrong").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        sign_in_on(&app, &d, "sup", "sup-password-1").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in_on(&app, &other, "sup", "sup-password-1")
            .await
            .status(),
        StatusCode::OK
    );
    // A forged device key counts as the address (locked here).
    let forged = crate::common::Device {
        client_id: d.client_id.clone(),
        key: "guess".into(),
    };
    assert_eq!(
        sign_in_on(&app, &forged, "guard.li", "guard.li-password-1")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Twenty wrong passwords at once get no more guesses than five one after another.
#[tokio::test]
async fn parallel_wrong_guesses_are_counted_before_they_are_checked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    app.person(&admin, "guard.li", &["guard"], &["main"]).await;
    let tries = (0..20).map(|_| {
        let app = &app;
        async move { app.sign_in(&client(), "guard.li", "wrong").await.status() }
    });
    let statuses = futures_join_all(tries).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!(checked, 5, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS));
}

async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let handles: Vec<_> = fs.collect();
    let mut out = Vec::new();
    // Started together: each is polled by one join.
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = handles.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    out.extend(done.into_iter().map(|d| d.unwrap()));
    out
}

#[test]
fn the_client_address_is_the_peer_unless_a_trusted_proxy_says_otherwise() {
    use axum::http::{HeaderMap, HeaderValue};
    let proxy: std::net::IpAddr = "10.0.0.2".parse().unwrap();
    let mut h = HeaderMap::new();
    h.insert(
        "x-forwarded-for",
        HeaderValue::from_static("6.6.6.6, 10.1.2.3"),
    );
    let ip = |trusted: &[std::net::IpAddr], peer: &str| {
        server::accounts::sign_in::client_ip(trusted, peer.parse().unwrap(), &h).to_string()
    };
    assert_eq!(
        ip(&[], "10.0.0.2"),
        "10.0.0.2",
        "no proxy trusted: the header is ignored"
    );
    assert_eq!(
        ip(&[proxy], "10.0.0.2"),
        "10.1.2.3",
        "the hop the proxy saw, not what the client wrote"
    );
    assert_eq!(
        ip(&[proxy], "10.9.9.9"),
        "10.9.9.9",
        "not from the proxy: the peer"
    );
}
