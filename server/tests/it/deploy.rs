//! Deployable at a court: backups copied off the machine and verified, a damaged or unwritable
//! copy flagged to administrators, a restore from the copy; HTTPS settings that are wrong stop
//! the start with their name; the plain-HTTP port sends everyone to HTTPS but hands phones the
//! court's authority.

use crate::common::{body, spawn_app_with, Database};
use reqwest::StatusCode;
use serde_json::json;

async fn names(db: &server::db::Db) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM visits ORDER BY name")
        .fetch_all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn backups_are_copied_off_the_machine_verified_and_restored_from_the_copy() {
    let nas = tempfile::tempdir().unwrap();
    let copies = nas.path().join("guardpost");
    let app = spawn_app_with(
        Database::FreshSqlite,
        tempfile::tempdir().unwrap(),
        &[
            ("GUARDPOST_BACKUP_COPY_DIR", copies.display().to_string()),
            ("GUARDPOST_BACKUP_COPY_KEEP", "2".into()),
        ],
    )
    .await;
    let admin = app.admin().await;
    // Nothing yet: said so.
    let (s, st) = body(app.get(&admin, "/api/v1/backups").await).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["last_good"], json!(null));
    assert_eq!(st["copy_dir"], json!(copies.display().to_string()));
    let main = app.site_id("main").await;
    let (g, gid) = app.person(&admin, "g.bk", &["guard"], &["main"]).await;
    let (sup, _) = app
        .person(&admin, "sup.bk", &["supervisor"], &["main"])
        .await;
    let d = crate::common::enrol(&app, &sup).await;
    let m = crate::common::mutation(
        1,
        "visit.check_in",
        1,
        &gid,
        json!({"id": uuid::Uuid::now_v7().to_string(), "site_id": main, "name": "备份里的访客", "purpose": "立案"}),
    );
    assert_eq!(
        crate::common::push(&app, &g, &d, json!([m])).await.0,
        StatusCode::OK
    );

    let plan = server::backup::Plan::of(&app.settings);
    let mut done = None;
    for _ in 0..3 {
        done = Some(server::backup::run(&app.db, &plan).await.unwrap());
    }
    let done = done.unwrap();
    let copy = done.copy.clone().expect("copied");
    assert!(copy.starts_with(&copies));
    let kept: Vec<_> = std::fs::read_dir(&copies).unwrap().collect();
    assert_eq!(kept.len(), 2, "the newest two copies are kept");
    let (_, st) = body(app.get(&admin, "/api/v1/backups").await).await;
    assert_eq!(
        st["last_good"]["copy_file"],
        json!(copy.display().to_string())
    );
    assert!(st["last_good"]["bytes"].as_i64().unwrap() > 0);
    assert_eq!(st["failing"], json!(null));
    // Administrators only.
    assert_eq!(
        app.get(&sup, "/api/v1/backups").await.status(),
        StatusCode::FORBIDDEN
    );

    // The server's disk dies: a new machine restores from the copy off the machine.
    let fresh = tempfile::tempdir().unwrap();
    std::fs::copy(
        &app.settings.author_key_file,
        fresh.path().join("author.key"),
    )
    .unwrap();
    server::backup::restore(&copy, &fresh.path().join("guardpost.db"))
        .await
        .unwrap();
    let restored = crate::common::spawn_app_in(fresh).await;
    assert_eq!(names(&restored.db).await, ["备份里的访客"]);

    // A copy damaged on its way (half of it written) is found out, not trusted.
    let broken = nas.path().join("broken.db");
    let bytes = std::fs::read(&done.file).unwrap();
    std::fs::write(&broken, &bytes[..bytes.len() / 2]).unwrap();
    assert!(server::backup::verify(&broken, &done.file).await.is_err());

    // The second place is gone (the NAS unmounted and a file in its way): the backup fails
    // loudly and the administrators see it, while the last good one stays named.
    std::fs::remove_dir_all(&copies).unwrap();
    std::fs::write(&copies, b"not a folder").unwrap();
    let e = server::backup::run(&app.db, &plan).await.unwrap_err();
    assert!(format!("{e:#}").contains("copying the backup"), "{e:#}");
    let (_, st) = body(app.get(&admin, "/api/v1/backups").await).await;
    assert!(st["failing"].as_str().is_some(), "{st}");
    assert_eq!(
        st["last_good"]["copy_file"],
        json!(copy.display().to_string())
    );
}

#[tokio::test]
async fn the_plain_http_port_sends_phones_to_https_but_hands_them_the_authority() {
    let dir = tempfile::tempdir().unwrap();
    let made = server::tls::make(
        &server::tls::folder(dir.path()),
        &["guardpost.court.test".to_string(), "127.0.0.1".to_string()],
        None,
    )
    .unwrap();
    let app = spawn_app_with(
        Database::FreshSqlite,
        dir,
        &[
            ("GUARDPOST_TLS_CERT", made.cert.display().to_string()),
            ("GUARDPOST_TLS_KEY", made.key.display().to_string()),
            ("GUARDPOST_HTTP_ADDR", "127.0.0.1:0".into()),
        ],
    )
    .await;
    let http = app.http_base.clone().expect("a plain-HTTP port");
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .get(format!("{http}/visit?x=1"))
        .header("host", "guardpost.court.test")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        r.headers()["location"],
        format!("https://guardpost.court.test:{port}/visit?x=1").as_str()
    );
    // The API too: nothing is served over plain HTTP but the certificate page.
    let r = c
        .post(format!("{http}/api/v1/auth/sign-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT);
    let r = c.get(format!("{http}/ca.crt")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/x-x509-ca-cert");
    let der = r.bytes().await.unwrap();
    assert_eq!(server::tls::fingerprint(&der), made.fingerprint);
    let r = c.get(format!("{http}/api/v1/ca")).send().await.unwrap();
    let (_, info) = body(r).await;
    assert_eq!(info["fingerprint"], json!(made.fingerprint));
    assert_eq!(
        info["https_url"],
        json!(format!("https://127.0.0.1:{port}/"))
    );
    let r = c.get(format!("{http}/ca/qr.svg")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("<svg"));
    // The HTTPS port does not answer plain HTTP.
    assert!(c.get(format!("{}/healthz", app.base)).send().await.is_err());
}

#[tokio::test]
async fn a_certificate_that_is_not_there_stops_the_start_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let settings = server::config::Settings::from_lookup(|k| match k {
        "GUARDPOST_ADDR" => Some("127.0.0.1:0".into()),
        "GUARDPOST_DATA_DIR" => Some(data.clone()),
        "GUARDPOST_BACKUP_HOURS" => Some("0".into()),
        "GUARDPOST_TLS_CERT" => Some("/nowhere/server.crt".into()),
        "GUARDPOST_TLS_KEY" => Some("/nowhere/server.key".into()),
        _ => None,
    })
    .unwrap();
    let e = server::Server::start(settings)
        .await
        .err()
        .expect("refused");
    assert!(format!("{e:#}").contains("/nowhere/server.crt"), "{e:#}");
}
