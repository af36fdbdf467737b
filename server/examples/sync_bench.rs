//! `make bench`: push 1,000 queued mutations and pull 10,000 changes through the real server
//! (HTTP on loopback, SQLite in a temporary folder), beside the time raw SQLite takes to
//! insert the same 1,000 rows in one transaction; each run twice, with `synchronous=FULL` (what
//! the server runs) and `NORMAL` (what it ran before), in turn, so the cost of durability is
//! measured in one run. Medians of several runs; the machine is shared and noisy, so the
//! ratios say more than the milliseconds.

use reqwest::Client;
use serde_json::{json, Value};
use server::{config::Settings, Server};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn post(c: &Client, url: &str, body: Value, key: Option<&str>) -> Value {
    let mut r = c.post(url).json(&body);
    if let Some(k) = key {
        r = r.header("x-guardpost-device-key", k);
    }
    let r = r.send().await.expect("request");
    assert!(r.status().is_success(), "{url}: {}", r.status());
    r.json().await.expect("json")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut push_times = Vec::new();
    let mut pull_times = Vec::new();
    let mut raw_times = Vec::new();
    let mut normal_push_times = Vec::new();
    for run in 0..RUNS * 2 {
        let durable = run % 2 == 0;
        let dir = tempfile::tempdir()?;
        let data = dir.path().to_string_lossy().to_string();
        let settings = Settings::from_lookup(|k| match k {
            "GUARDPOST_ADDR" => Some("127.0.0.1:0".into()),
            "GUARDPOST_DATA_DIR" => Some(data.clone()),
            "GUARDPOST_LOG" => Some("warn".into()),
            "GUARDPOST_BACKUP_HOURS" => Some("0".into()),
            "GUARDPOST_SQLITE_SYNCHRONOUS" => Some(if durable { "full" } else { "normal" }.into()),
            _ => None,
        })?;
        let srv = Server::start(settings).await?;
        let base = format!("http://{}", srv.addr);
        let (login, pw) = srv.first_admin.clone().expect("admin");
        let c = Client::builder().cookie_store(true).build()?;
        post(
            &c,
            &format!("{base}/api/v1/auth/sign-in"),
            json!({"login": login, "password": pw}),
            None,
        )
        .await;
        post(
            &c,
            &format!("{base}/api/v1/me/password"),
            json!({"current_password": pw, "new_password": "bench-password-1"}),
            None,
        )
        .await;
        let sites: Value = c
            .get(format!("{base}/api/v1/sites"))
            .send()
            .await?
            .json()
            .await?;
        let main = sites[0]["id"].as_str().expect("site").to_string();
        // The administrator also registers visitors here, so one session does everything.
        let me: Value = c
            .get(format!("{base}/api/v1/me"))
            .send()
            .await?
            .json()
            .await?;
        let me_id = me["id"].as_str().expect("id").to_string();
        sqlx::query("INSERT INTO person_roles (person_id, role) VALUES (?, 'guard')")
            .bind(&me_id)
            .execute(&srv.db)
            .await?;
        sqlx::query("INSERT INTO person_sites (person_id, site_id) VALUES (?, ?)")
            .bind(&me_id)
            .bind(&main)
            .execute(&srv.db)
            .await?;
        let dev = post(
            &c,
            &format!("{base}/api/v1/devices"),
            json!({"label": "bench"}),
            None,
        )
        .await;
        let client_id = dev["client_id"].as_str().expect("client").to_string();
        let key = dev["device_key"].as_str().expect("key").to_string();

        // Signed as the phone signs: with this person's secret on this phone.
        let issued = post(
            &c,
            &format!("{base}/api/sync/v1/author-key"),
            json!({"client_id": client_id}),
            Some(&key),
        )
        .await;
        let secret = hex::decode(issued["secret"].as_str().expect("secret"))?;
        let g = issued["generation"].as_u64().expect("generation") as u32;
        let mutation = |i: u64| {
            let m = json!({"id": i, "name": "visit.check_in", "v": 1, "author": me_id,
                   "client_time": chrono::Utc::now().timestamp_millis(),
                   "args": {"id": uuid::Uuid::now_v7().to_string(), "site_id": main, "name": "访客", "purpose": "立案"}});
            let mut parsed: app::sync::Mutation = serde_json::from_value(m).expect("a mutation");
            parsed.proof = Some(app::proof::sign(&secret, &parsed, &client_id, i, g));
            serde_json::to_value(parsed).expect("json")
        };
        // 1,000 queued mutations, sent as the phone sends them: batches of 100.
        let batches: Vec<Value> = (0..10)
            .map(|b| {
                json!((b * 100 + 1..=b * 100 + 100)
                    .map(mutation)
                    .collect::<Vec<_>>())
            })
            .collect();
        let t = Instant::now();
        for b in &batches {
            let r = post(&c, &format!("{base}/api/sync/v1/push"), json!({"client_id": client_id, "protocol": app::sync::PROTOCOL, "app_build": "bench", "mutations": b}), Some(&key)).await;
            assert!(
                r["results"]
                    .as_array()
                    .expect("results")
                    .iter()
                    .all(|x| x["status"] == "applied"),
                "{r}"
            );
        }
        if !durable {
            normal_push_times.push(t.elapsed());
            srv.handle.abort();
            continue;
        }
        push_times.push(t.elapsed());

        // 9,000 more through the server, then pull all 10,000 changes page by page.
        for b in 10..100u64 {
            let batch = json!((b * 100 + 1..=b * 100 + 100)
                .map(mutation)
                .collect::<Vec<_>>());
            post(&c, &format!("{base}/api/sync/v1/push"), json!({"client_id": client_id, "protocol": app::sync::PROTOCOL, "app_build": "bench", "mutations": batch}), Some(&key)).await;
        }
        let t = Instant::now();
        let mut cursor = Value::Null;
        let mut n = 0;
        loop {
            let p = post(
                &c,
                &format!("{base}/api/sync/v1/pull"),
                json!({"client_id": client_id, "cursor": cursor}),
                Some(&key),
            )
            .await;
            // The visits (the guard also pulls the site's patrol routes).
            n += p["changes"]
                .as_array()
                .map(|a| a.iter().filter(|c| c["entity"] == "visit").count())
                .unwrap_or(0);
            cursor = p["cursor"].clone();
            if p["has_more"] != json!(true) {
                break;
            }
        }
        pull_times.push(t.elapsed());
        assert_eq!(n, 10_000);

        // Raw SQLite: the same 1,000 rows, one transaction, no HTTP, no checks.
        sqlx::query("CREATE TABLE raw_visits AS SELECT * FROM visits WHERE 0")
            .execute(&srv.db)
            .await?;
        let t = Instant::now();
        let mut tx = srv.db.begin().await?;
        for i in 0..1000i64 {
            sqlx::query("INSERT INTO raw_visits (id, site_id, name, purpose, author_id, client_id, checked_in_at, clock_skewed, created_at, version) VALUES (?, ?, '访客', '立案', ?, ?, 0, 0, 0, ?)")
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(&main)
                .bind(&me_id)
                .bind(&client_id)
                .bind(i)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        raw_times.push(t.elapsed());
        srv.handle.abort();
    }
    let (push, pull, raw) = (median(push_times), median(pull_times), median(raw_times));
    let normal = median(normal_push_times);
    println!("sync benchmark, median of {RUNS} runs (release build, SQLite, HTTP on loopback):");
    println!(
        "  push 1,000, synchronous=NORMAL (before):   {:8.1} ms",
        normal.as_secs_f64() * 1e3
    );
    println!(
        "  push 1,000, synchronous=FULL (now):        {:8.1} ms   FULL / NORMAL {:.2}x",
        push.as_secs_f64() * 1e3,
        push.as_secs_f64() / normal.as_secs_f64()
    );
    println!(
        "  push 1,000 mutations (10 batches of 100):  {:8.1} ms",
        push.as_secs_f64() * 1e3
    );
    println!(
        "  pull 10,000 changes (pages of {}):        {:8.1} ms",
        app::sync::PULL_PAGE,
        pull.as_secs_f64() * 1e3
    );
    println!(
        "  raw SQLite, 1,000 inserts in 1 transaction: {:8.1} ms",
        raw.as_secs_f64() * 1e3
    );
    println!(
        "  push / raw ratio:                           {:8.1}x",
        push.as_secs_f64() / raw.as_secs_f64()
    );
    println!(
        "  target: push of 1,000 under 1,000 ms: {}",
        if push < Duration::from_secs(1) {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}
