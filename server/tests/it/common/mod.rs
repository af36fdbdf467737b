//! The one helper that starts the real server for integration tests (on the database it is
//! given: a fresh SQLite file in a temporary folder by default), a free port, the court's sites
//! loaded, the first administrator created; and what tests share: a phone that numbers its own
//! mutations, ids, the court's dates.

use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use server::{config::Settings, Server};

pub struct TestApp {
    pub base: String,
    /// The plain-HTTP port that redirects to HTTPS, when the settings ask for one.
    pub http_base: Option<String>,
    pub admin_login: String,
    pub admin_password: String,
    pub db: server::db::Db,
    pub settings: Settings,
    _dir: tempfile::TempDir,
}

/// The database a test's server runs on.
#[derive(Clone, Debug)]
pub enum Database {
    /// A fresh SQLite file in the test's data folder (the embedded default).
    FreshSqlite,
    /// The database at this URL, as `GUARDPOST_DATABASE_URL` names it (the test prepared it).
    At(String),
}

/// The server on a fresh SQLite database.
pub async fn spawn_app() -> TestApp {
    spawn_app_on(
        Database::FreshSqlite,
        tempfile::tempdir().expect("temp dir"),
    )
    .await
}

/// The server on the data folder `dir` (one a test prepared, a restored backup say).
pub async fn spawn_app_in(dir: tempfile::TempDir) -> TestApp {
    spawn_app_on(Database::FreshSqlite, dir).await
}

/// The server on `database`, its data folder (author key, backups, SQLite file) `dir`.
pub async fn spawn_app_on(database: Database, dir: tempfile::TempDir) -> TestApp {
    spawn_app_with(database, dir, &[]).await
}

/// The same, with more settings as the environment would give them.
pub async fn spawn_app_with(
    database: Database,
    dir: tempfile::TempDir,
    extra: &[(&str, String)],
) -> TestApp {
    let data = dir.path().to_string_lossy().to_string();
    let url = match &database {
        Database::FreshSqlite => None,
        Database::At(url) => Some(url.clone()),
    };
    let settings = Settings::from_lookup(|k| match k {
        "GUARDPOST_ADDR" => Some("127.0.0.1:0".into()),
        "GUARDPOST_DATA_DIR" => Some(data.clone()),
        "GUARDPOST_DATABASE_URL" => url.clone(),
        "GUARDPOST_SITE_ROOT" => Some(format!("{data}/site")),
        // Backups only when a test takes one.
        "GUARDPOST_BACKUP_HOURS" => Some("0".into()),
        other => extra
            .iter()
            .find(|(k, _)| *k == other)
            .map(|(_, v)| v.clone()),
    })
    .expect("settings");
    let server = Server::start(settings.clone())
        .await
        .expect("server starts");
    let (admin_login, admin_password) = server.first_admin.clone().unwrap_or_default();
    TestApp {
        base: format!("http://{}", server.addr),
        http_base: server.http_addr.map(|a| format!("http://{a}")),
        admin_login,
        admin_password,
        db: server.db.clone(),
        settings,
        _dir: dir,
    }
}

/// A browser-like client: keeps cookies, sends JSON.
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .build()
        .expect("client")
}

impl TestApp {
    /// The server's author key (from its file, as a phone's secret is derived from it).
    pub fn author_key(&self) -> [u8; 32] {
        let text = std::fs::read_to_string(&self.settings.author_key_file).expect("author key");
        hex::decode(text.trim()).unwrap().try_into().unwrap()
    }

    /// A person's generation of author secrets now.
    pub async fn generation(&self, person: &str) -> u32 {
        sqlx::query_scalar::<_, i64>("SELECT author_gen FROM people WHERE id = ?")
            .bind(person)
            .fetch_optional(&self.db)
            .await
            .unwrap()
            .unwrap_or(0) as u32
    }

    /// The proof `signer`'s phone secret on `client_id` makes for mutation `m` (JSON) at id
    /// `n`, generation `g`.
    pub fn sign(&self, m: &Value, signer: &str, client_id: &str, n: u64, g: u32) -> Value {
        let mut parsed: app::sync::Mutation =
            serde_json::from_value(m.clone()).expect("a mutation");
        parsed.proof = None;
        let secret = app::proof::author_secret(&self.author_key(), signer, client_id, g);
        serde_json::to_value(app::proof::sign(&secret, &parsed, client_id, n, g)).unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn post(&self, c: &Client, path: &str, body: Value) -> Response {
        c.post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put(&self, c: &Client, path: &str, body: Value) -> Response {
        c.put(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, c: &Client, path: &str) -> Response {
        c.get(self.url(path)).send().await.expect("request")
    }

    pub async fn sign_in(&self, c: &Client, login: &str, password: &str) -> Response {
        self.post(
            c,
            "/api/v1/auth/sign-in",
            json!({"login": login, "password": password}),
        )
        .await
    }

    /// The administrator, signed in with the first password changed.
    pub async fn admin(&self) -> Client {
        let c = client();
        let r = self
            .sign_in(&c, &self.admin_login, &self.admin_password)
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = self
            .post(&c, "/api/v1/me/password", json!({"current_password": self.admin_password, "new_password": "admin-new-password-1"}))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{}",
            r.text().await.unwrap_or_default()
        );
        c
    }

    /// The first area (by code) of a site.
    pub async fn first_area(&self, site_id: &str) -> String {
        sqlx::query_scalar("SELECT id FROM areas WHERE site_id = ? ORDER BY code LIMIT 1")
            .bind(site_id)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    pub async fn site_id(&self, code: &str) -> String {
        sqlx::query_scalar("SELECT id FROM sites WHERE code = ?")
            .bind(code)
            .fetch_one(&self.db)
            .await
            .expect("site exists")
    }

    /// Creates a person through the API as `admin` and returns a client signed in as them
    /// (first password changed), and their id.
    pub async fn person(
        &self,
        admin: &Client,
        login: &str,
        roles: &[&str],
        sites: &[&str],
    ) -> (Client, String) {
        let mut site_ids = Vec::new();
        for s in sites {
            site_ids.push(self.site_id(s).await);
        }
        let r = self
            .post(admin, "/api/v1/people", json!({"login": login, "display_name": login, "roles": roles, "site_ids": site_ids}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "creating {login}");
        let v: Value = r.json().await.expect("json");
        let otp = v["one_time_password"].as_str().expect("otp").to_string();
        let id = v["person"]["id"].as_str().expect("id").to_string();
        let c = client();
        assert_eq!(self.sign_in(&c, login, &otp).await.status(), StatusCode::OK);
        let r = self
            .post(
                &c,
                "/api/v1/me/password",
                json!({"current_password": otp, "new_password": format!("{login}-password-1")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        (c, id)
    }
}

pub async fn body(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let v = r.json().await.unwrap_or(Value::Null);
    (status, v)
}

/// An enrolled phone: its client id and device key.
pub struct Device {
    pub client_id: String,
    pub key: String,
}

/// Enrols a phone, as `by` (a supervisor or administrator).
pub async fn enrol(app: &TestApp, by: &Client) -> Device {
    let (s, v) = body(
        app.post(by, "/api/v1/devices", json!({"label": "立案大厅 1号机"}))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    Device {
        client_id: v["client_id"].as_str().unwrap().into(),
        key: v["device_key"].as_str().unwrap().into(),
    }
}

/// Pushes `mutations` from the phone `d` as the person signed in on `c`, sent now.
pub async fn push(app: &TestApp, c: &Client, d: &Device, mutations: Value) -> (StatusCode, Value) {
    push_body(
        app,
        c,
        d,
        json!({"client_id": d.client_id, "protocol": app::sync::PROTOCOL, "app_build": "test",
               "sent_at": chrono::Utc::now().timestamp_millis(), "mutations": mutations}),
    )
    .await
}

/// Pushes a whole body (to send other clocks, envelopes or sizes). Each mutation is signed
/// as its author's phone signs it (with the secret the server derives for that person on this
/// phone), unless it carries a `proof` already or says `"unsigned": true`.
pub async fn push_body(
    app: &TestApp,
    c: &Client,
    d: &Device,
    mut body: Value,
) -> (StatusCode, Value) {
    if let Some(ms) = body["mutations"].as_array_mut() {
        for m in ms {
            if m.get("unsigned").is_some() {
                m.as_object_mut().unwrap().remove("unsigned");
                continue;
            }
            if m.get("proof").is_some() {
                continue;
            }
            let author = m["author"].as_str().unwrap_or_default().to_string();
            let id = m["id"].as_u64().unwrap_or_default();
            let g = app.generation(&author).await;
            // (A hostile mutation that is not one goes as it is.)
            if serde_json::from_value::<app::sync::Mutation>(m.clone()).is_ok() {
                m["proof"] = app.sign(m, &author, &d.client_id, id, g);
            }
        }
    }
    let r = c
        .post(app.url("/api/sync/v1/push"))
        .header("x-guardpost-device-key", &d.key)
        .json(&body)
        .send()
        .await
        .unwrap();
    self::body(r).await
}

/// Pulls from `cursor` (as the last answer gave it) on the phone `d` as the person signed in
/// on `c`.
pub async fn pull(
    app: &TestApp,
    c: &Client,
    d: &Device,
    cursor: Option<&Value>,
) -> (StatusCode, Value) {
    let r = c
        .post(app.url("/api/sync/v1/pull"))
        .header("x-guardpost-device-key", &d.key)
        .json(&json!({"client_id": d.client_id, "cursor": cursor}))
        .send()
        .await
        .unwrap();
    body(r).await
}

/// Every change `c` on `d` receives from `cursor` to the end, page by page, and the last
/// answer.
pub async fn pull_all(
    app: &TestApp,
    c: &Client,
    d: &Device,
    cursor: Option<&Value>,
) -> (Vec<Value>, Value) {
    let mut cursor = cursor.cloned();
    let mut all = Vec::new();
    for _ in 0..10_000 {
        let (s, p) = pull(app, c, d, cursor.as_ref()).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        all.extend(p["changes"].as_array().cloned().unwrap_or_default());
        cursor = Some(p["cursor"].clone());
        if p["has_more"] != true {
            return (all, p);
        }
    }
    panic!("a pull that never ends");
}

/// Pushes one mutation made at `at` by `author`, from a phone of its own (enrolled by `by`)
/// that had been offline since before then: no send time, so the server places it at `at`, as
/// a phone whose clock it has no reason to doubt. Returns its result.
pub async fn made_at(
    app: &TestApp,
    by: &Client,
    (c, author): (&Client, &str),
    name: &str,
    args: Value,
    at: i64,
) -> Value {
    let d = enrol(app, by).await;
    let m = json!({"id": 1, "name": name, "v": 1, "author": author, "args": args,
        "client_time": at});
    let (s, r) = push_body(
        app,
        c,
        &d,
        json!({"client_id": d.client_id, "protocol": app::sync::PROTOCOL, "app_build": "test",
               "mutations": [m]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r["results"][0].clone()
}

/// One mutation as a phone queues it, made now.
pub fn mutation(id: u64, name: &str, v: u32, author: &str, args: Value) -> Value {
    json!({"id": id, "name": name, "v": v, "author": author, "args": args,
           "client_time": chrono::Utc::now().timestamp_millis()})
}

/// The status of each result of a push, in order.
pub fn statuses(r: &Value) -> Vec<String> {
    r["results"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["status"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The changes of one entity in a pull's answer (phones also pull routes, boilers and the like).
#[allow(dead_code)] // not every test binary reads pulls
pub fn changes_of<'a>(p: &'a Value, entity: &str) -> Vec<&'a Value> {
    p["changes"]
        .as_array()
        .map(|a| a.iter().filter(|c| c["entity"] == entity).collect())
        .unwrap_or_default()
}

/// A new record id, as a phone makes one.
pub fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Now, in milliseconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The court's date `days` from today, `YYYY-MM-DD`.
pub fn court_day(days: i64) -> String {
    app::core::date_text(app::core::court_date(now() + days * 24 * 3600 * 1000))
}

/// A person on their own phone, numbering their mutations.
pub struct Phone {
    pub c: Client,
    pub d: Device,
    pub who: String,
    pub next: u64,
}

impl Phone {
    pub async fn new(app: &TestApp, enrol_by: &Client, c: Client, who: String) -> Phone {
        let d = enrol(app, enrol_by).await;
        Phone { c, d, who, next: 0 }
    }

    /// Sends one mutation (read at `base`, if given) and returns its result.
    pub async fn send(
        &mut self,
        app: &TestApp,
        name: &str,
        args: Value,
        base: Option<i64>,
    ) -> Value {
        self.next += 1;
        let mut m = mutation(self.next, name, 1, &self.who, args);
        if let Some(b) = base {
            m["base_version"] = json!(b);
        }
        let (s, r) = push(app, &self.c, &self.d, json!([m])).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        r["results"][0].clone()
    }
}
