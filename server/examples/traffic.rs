//! `make bench`: fills a running Guardpost with `--days` of the main court's traffic, as its
//! phones would have sent it: a day's 100 visits (checked out within the hour), 100 screenings,
//! 20 vehicles and 20 parcels at the gate, two patrol rounds, the fire room's 12 duty-log
//! entries and a hazard. Every record goes through the push as a phone sends it (signed, in
//! batches, checked by the server's rules); then its times are set back to the day it stands
//! for, straight in the database (the server would place records pushed now at the push).
//!
//! `traffic --url http://127.0.0.1:PORT --data DIR --login L --password P [--days 30]`: `L`
//! is an administrator; the records are made in their name.

use anyhow::{bail, Context};
use app::record::Record;
use reqwest::Client;
use serde_json::{json, Value};
use sqlx::sqlite::SqlitePoolOptions;

const DAY: i64 = 24 * 3600 * 1000;
const MINUTE: i64 = 60 * 1000;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

async fn post(c: &Client, url: &str, body: Value, key: Option<&str>) -> anyhow::Result<Value> {
    let mut r = c.post(url).json(&body);
    if let Some(k) = key {
        r = r.header("x-guardpost-device-key", k);
    }
    let r = r.send().await?;
    let status = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{url}: {status} {v}");
    }
    Ok(v)
}

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A valid resident number with sequence `n` (GB 11643 check character).
fn resident_id(n: u64) -> String {
    let w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let first = format!(
        "220301{}0{}1{}{:03}",
        1950 + n % 50,
        1 + n % 9,
        n % 10,
        n % 1000
    );
    let sum: u32 = first
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = "10X98765432"
        .chars()
        .nth((sum % 11) as usize)
        .unwrap_or('0');
    format!("{first}{check}")
}

/// Where a record's times go once it is pushed: (table, id column, id, [(column, time)]).
type Times = (&'static str, &'static str, String, Vec<(&'static str, i64)>);

/// One record to push, and its times.
struct Made {
    name: &'static str,
    v: u32,
    args: Value,
    times: Option<Times>,
}

fn made<T: Record>(args: Value) -> Made {
    Made {
        name: T::NAME,
        v: T::VERSION,
        args,
        times: None,
    }
}

impl Made {
    fn at(
        mut self,
        table: &'static str,
        key: &'static str,
        id: &str,
        times: &[(&'static str, i64)],
    ) -> Self {
        self.times = Some((table, key, id.to_string(), times.to_vec()));
        self
    }
}

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "军", "杰", "涛",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = arg("--url").context("--url")?;
    let data = arg("--data").context("--data")?;
    let login = arg("--login").context("--login")?;
    let password = arg("--password").context("--password")?;
    let days: i64 = arg("--days").map(|d| d.parse()).transpose()?.unwrap_or(30);
    let db = SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{data}/guardpost.db"))
        .await?;
    let c = Client::builder().cookie_store(true).build()?;
    post(
        &c,
        &format!("{url}/api/v1/auth/sign-in"),
        json!({"login": login, "password": password}),
        None,
    )
    .await?;
    let me: Value = c
        .get(format!("{url}/api/v1/me"))
        .send()
        .await?
        .json()
        .await?;
    let me_id = me["id"].as_str().context("me")?.to_string();
    let (main,): (String,) = sqlx::query_as("SELECT id FROM sites WHERE code = 'main'")
        .fetch_one(&db)
        .await?;
    // The generator works every post of the main court.
    for role in ["guard", "gate_guard", "fire_operator", "supervisor"] {
        sqlx::query("INSERT OR IGNORE INTO person_roles (person_id, role) VALUES (?, ?)")
            .bind(&me_id)
            .bind(role)
            .execute(&db)
            .await?;
    }
    sqlx::query("INSERT OR IGNORE INTO person_sites (person_id, site_id) VALUES (?, ?)")
        .bind(&me_id)
        .bind(&main)
        .execute(&db)
        .await?;
    let (area_ids,): (String,) =
        sqlx::query_as("SELECT area_ids FROM routes WHERE site_id = ? ORDER BY id LIMIT 1")
            .bind(&main)
            .fetch_one(&db)
            .await?;
    let (route_id,): (String,) =
        sqlx::query_as("SELECT id FROM routes WHERE site_id = ? ORDER BY id LIMIT 1")
            .bind(&main)
            .fetch_one(&db)
            .await?;
    let areas: Vec<String> = serde_json::from_str(&area_ids)?;
    let (area,): (String,) = sqlx::query_as("SELECT id FROM areas WHERE site_id = ? LIMIT 1")
        .bind(&main)
        .fetch_one(&db)
        .await
        .unwrap_or((String::new(),));

    let dev = post(
        &c,
        &format!("{url}/api/v1/devices"),
        json!({"label": "traffic"}),
        None,
    )
    .await?;
    let client_id = dev["client_id"].as_str().context("client")?.to_string();
    let key = dev["device_key"].as_str().context("key")?.to_string();
    let issued = post(
        &c,
        &format!("{url}/api/sync/v1/author-key"),
        json!({"client_id": client_id}),
        Some(&key),
    )
    .await?;
    let secret = hex::decode(issued["secret"].as_str().context("secret")?)?;
    let g = issued["generation"].as_u64().context("generation")? as u32;

    // The days' records, oldest first.
    let now = chrono::Utc::now().timestamp_millis();
    let today = app::core::court_day_start(now);
    let mut all: Vec<Made> = Vec::new();
    let mut n = 0u64;
    for d in (1..=days).rev() {
        let day = today - d * DAY;
        for i in 0..100 {
            n += 1;
            let at = day + 8 * 3600 * 1000 + i * 5 * MINUTE;
            let visit = uuid();
            let name = format!(
                "{}{}{}",
                SURNAMES[(n % 10) as usize],
                GIVEN[(n / 10 % 12) as usize],
                GIVEN[(n / 120 % 12) as usize]
            );
            all.push(
                made::<app::front::CheckIn>(json!({"id": visit, "site_id": main, "name": name,
                    "id_type": "resident_id", "id_number": resident_id(n), "phone": "13800001111",
                    "category": "party", "purpose": "开庭", "area_id": area}))
                .at(
                    "visits",
                    "id",
                    &visit,
                    &[("checked_in_at", at), ("created_at", at)],
                ),
            );
            let screening = uuid();
            all.push(
                made::<app::screening::Screening>(json!({"id": screening, "site_id": main,
                    "visit_id": visit, "name": name, "equipment": ["gate", "xray"], "outcome": "passed"}))
                .at("screenings", "id", &screening, &[("screened_at", at + MINUTE)]),
            );
            all.push(made::<app::front::CheckOut>(json!({"visit_id": visit})).at(
                "visits",
                "id",
                &visit,
                &[("checked_out_at", at + 50 * MINUTE)],
            ));
        }
        for i in 0..20 {
            let at = day + 7 * 3600 * 1000 + i * 25 * MINUTE;
            let car = uuid();
            all.push(
                made::<app::gate::Arrive>(json!({"id": car, "site_id": main, "kind": "vehicle",
                    "plate": format!("吉C{:05}", n + i as u64), "unit": "伊通县法院", "driver": "驾驶员",
                    "purpose": "公务", "parking": "东侧"}))
                .at("gate_entries", "id", &car, &[("arrived_at", at)]),
            );
            all.push(
                made::<app::gate::Leave>(json!({"entry_id": car, "to": ""})).at(
                    "gate_entries",
                    "id",
                    &car,
                    &[("left_at", at + 3 * 3600 * 1000)],
                ),
            );
            let parcel = uuid();
            all.push(
                made::<app::gate::Arrive>(json!({"id": parcel, "site_id": main, "kind": "parcel",
                    "carrier": "中国邮政", "tracking": format!("EMS{:010}", n * 100 + i as u64),
                    "recipient": "立案庭", "description": "文书"}))
                .at(
                    "gate_entries",
                    "id",
                    &parcel,
                    &[("arrived_at", at + MINUTE)],
                ),
            );
            all.push(
                made::<app::gate::Leave>(json!({"entry_id": parcel, "to": "立案庭"})).at(
                    "gate_entries",
                    "id",
                    &parcel,
                    &[("left_at", at + 2 * 3600 * 1000)],
                ),
            );
        }
        for r in 0..2 {
            let at = day + (9 + 10 * r) * 3600 * 1000;
            let round = uuid();
            all.push(
                made::<app::rounds::Start>(json!({"id": round, "route_id": route_id})).at(
                    "rounds",
                    "id",
                    &round,
                    &[("started_at", at)],
                ),
            );
            for a in &areas {
                all.push(
                    made::<app::rounds::Check>(
                        json!({"round_id": round, "area_id": a, "how": "scan"}),
                    )
                    .at(
                        "round_checks",
                        "round_id",
                        &round,
                        &[("checked_at", at + 5 * MINUTE)],
                    ),
                );
            }
            all.push(made::<app::rounds::Finish>(json!({"round_id": round})).at(
                "rounds",
                "id",
                &round,
                &[("finished_at", at + 30 * MINUTE)],
            ));
        }
        for h in 0..12 {
            let id = uuid();
            all.push(
                made::<app::fire::StatusEntry>(json!({"id": id, "site_id": main, "normal": true,
                    "note": "设备运行正常"}))
                .at(
                    "fire_status",
                    "id",
                    &id,
                    &[("recorded_at", day + h * 2 * 3600 * 1000)],
                ),
            );
        }
        let id = uuid();
        all.push(
            made::<app::hazard::Report>(json!({"id": id, "site_id": main, "place": "一楼大厅",
                "category": "facility", "grade": "general", "description": "地面湿滑，需放置警示牌"}))
            .at("hazards", "id", &id, &[("reported_at", day + 10 * 3600 * 1000)]),
        );
    }

    // Pushed as a phone sends them: signed, 100 to a batch.
    let mut id = 0u64;
    let mut refused = 0;
    for chunk in all.chunks(100) {
        let batch: Vec<Value> = chunk
            .iter()
            .map(|m| {
                id += 1;
                let mut parsed: app::sync::Mutation = serde_json::from_value(json!({
                    "id": id, "name": m.name, "v": m.v, "author": me_id,
                    "client_time": chrono::Utc::now().timestamp_millis(), "args": m.args}))
                .expect("a mutation");
                parsed.proof = Some(app::proof::sign(&secret, &parsed, &client_id, id, g));
                serde_json::to_value(parsed).expect("json")
            })
            .collect();
        let r = post(
            &c,
            &format!("{url}/api/sync/v1/push"),
            json!({"client_id": client_id, "protocol": app::sync::PROTOCOL, "app_build": "traffic",
                   "mutations": batch}),
            Some(&key),
        )
        .await?;
        for res in r["results"].as_array().into_iter().flatten() {
            if res["status"] != "applied" {
                refused += 1;
                if refused < 5 {
                    eprintln!("refused: {res}");
                }
            }
        }
    }
    if refused > 0 {
        bail!("{refused} records refused");
    }
    // Each record back on its day.
    let mut tx = db.begin().await?;
    for m in &all {
        let Some((table, key, id, times)) = &m.times else {
            continue;
        };
        for (column, at) in times {
            sqlx::query(&format!("UPDATE {table} SET {column} = ? WHERE {key} = ?"))
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    println!("traffic: {} records over {days} days pushed", all.len());
    Ok(())
}
