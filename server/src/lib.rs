//! Guardpost's server: the JSON API, the rendered pages, the service worker and the database.
//! `main.rs` only reads settings and calls [`serve`]; tests call [`Server::start`].

pub mod accounts;
pub mod alerts;
pub mod backup;
pub mod config;
pub mod db;
pub mod devices;
pub mod http;
pub mod records;
pub mod reports;
pub mod retention;
pub mod sites;
pub mod survey;
pub mod sync;
pub mod tls;
pub mod trust;

use app::{shell, App, BuildId};
use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use config::Settings;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: db::Db,
    pub settings: Arc<Settings>,
    pub assets: Arc<http::assets::Assets>,
    /// A real argon2 hash compared against when the account does not exist, so an unknown
    /// login takes as long as a wrong password.
    pub dummy_hash: String,
    /// The key author secrets are derived from (`GUARDPOST_AUTHOR_KEY_FILE`).
    pub author_key: Arc<[u8; 32]>,
    /// Bounds how many passwords are hashed at once (each argon2 check takes 19 MiB).
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Wakes the alert engine when records change; carries its live stream.
    pub alerts: alerts::Hub,
}

/// The Leptos options for `settings` (the built site folder, hashed file names when the build
/// left a `hash.txt` beside this binary).
pub fn leptos_options(settings: &Settings) -> LeptosOptions {
    let hash_files = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("hash.txt").exists()))
        .unwrap_or(false);
    let env = if cfg!(debug_assertions) {
        leptos::config::Env::DEV
    } else {
        leptos::config::Env::PROD
    };
    LeptosOptions::builder()
        .output_name("guardpost")
        .site_root(settings.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .hash_files(hash_files)
        .env(env)
        .build()
}

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let build = BuildId(state.assets.build_id.clone());
    let scripts = state.assets.scripts.clone();
    let context = move || {
        provide_context(build.clone());
        provide_context(scripts.clone());
        if let Some(parts) = use_context::<axum::http::request::Parts>() {
            provide_context(http::locale_of(&parts.headers));
            if let Some(n) = parts.extensions.get::<http::assets::CspNonce>() {
                provide_context(leptos::nonce::Nonce::from_value(n.0.as_str()));
            }
            if let Some(p) = parts.extensions.get::<app::PagePerson>() {
                provide_context(p.clone());
            }
        }
    };
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .merge(accounts::router())
        .merge(sites::router())
        .merge(devices::router())
        .merge(sync::router())
        .merge(records::router())
        .merge(reports::router())
        .merge(trust::router())
        .merge(backup::router())
        .merge(alerts::router())
        .merge(survey::router())
        .route("/sw.js", get(http::assets::service_worker))
        .route("/healthz", get(http::assets::health))
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::caller::page_person,
        ))
        .layer(axum::middleware::from_fn(http::assets::json_only))
        .layer(axum::middleware::from_fn(http::assets::localize))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(http::assets::headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            trust::hsts,
        ))
        .with_state(state)
}

/// A started server: its address, and the first administrator's one-time password when this
/// start created the administrator.
pub struct Server {
    pub addr: SocketAddr,
    /// Whether `addr` serves HTTPS.
    pub https: bool,
    /// The plain-HTTP port that redirects to HTTPS, when there is one.
    pub http_addr: Option<SocketAddr>,
    pub first_admin: Option<(String, String)>,
    pub db: db::Db,
    pub handle: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Opens the database (creating and migrating it), loads the sites into an empty one,
    /// creates the first administrator if there is none, binds and starts serving.
    pub async fn start(settings: Settings) -> anyhow::Result<Server> {
        let db = db::open_with(&settings.database_url, settings.durable).await?;
        let loaded = db::seed_sites(&db, db::SITES_JSON).await?;
        if loaded > 0 {
            tracing::info!(sites = loaded, "loaded the court's sites");
        }
        let routes = records::rounds::seed_defaults(&db).await?;
        let boilers = records::boiler::seed_defaults(&db).await?;
        let checklists = records::inspect::seed_defaults(&db).await?;
        if routes + boilers + checklists > 0 {
            tracing::info!(
                routes,
                boilers,
                checklists,
                "loaded starting patrol routes, boilers and inspection checklists"
            );
        }
        let first_admin = accounts::admin::bootstrap_admin(&db).await?;
        // Read before binding: a deployment's bad certificate stops the start with its name.
        let tls = match &settings.tls {
            Some(t) => Some(tls::server_config(&t.cert, &t.key)?),
            None => None,
        };
        // Bound before the state: what the server tells phones (its HTTPS port) is the port
        // it got.
        let mut settings = settings;
        let listener = tokio::net::TcpListener::bind(settings.addr).await?;
        settings.addr = listener.local_addr()?;
        let http_listener = match settings.http_addr {
            Some(at) => {
                let l = tokio::net::TcpListener::bind(at).await?;
                settings.http_addr = Some(l.local_addr()?);
                Some(l)
            }
            None => None,
        };
        let options = leptos_options(&settings);
        let assets = Arc::new(http::assets::Assets::load(&options));
        let state = AppState {
            leptos_options: options,
            db: db.clone(),
            settings: Arc::new(settings.clone()),
            assets,
            dummy_hash: accounts::password::hash_password(&accounts::password::one_time_password())?,
            author_key: Arc::new(sync::authors::load_or_create_key(
                &settings.author_key_file,
            )?),
            hashing: Arc::new(tokio::sync::Semaphore::new(
                accounts::password::HASHING_AT_ONCE,
            )),
            alerts: alerts::Hub::default(),
        };
        let app = router(state.clone());
        let addr = settings.addr;
        retention::spawn_daily(db.clone(), settings.retention_days);
        records::escalation::spawn_hourly(db.clone(), settings.request_close_days);
        state.alerts.spawn(
            db.clone(),
            std::time::Duration::from_secs(settings.alert_tick_secs),
            settings.backup_hours,
        );
        if settings.backup_hours > 0 {
            backup::spawn(
                db.clone(),
                backup::Plan::of(&settings),
                settings.backup_hours,
            );
        }
        let https = tls.is_some();
        let handle = match tls {
            Some(config) => tokio::spawn(tls::serve(listener, app.clone(), config)),
            None => {
                let app = app.clone();
                tokio::spawn(async move {
                    let service = app.into_make_service_with_connect_info::<SocketAddr>();
                    if let Err(e) = axum::serve(listener, service).await {
                        tracing::error!(error = %e, "server stopped");
                    }
                })
            }
        };
        let http_addr = settings.http_addr;
        if let Some(listener) = http_listener {
            let redirect = app.layer(axum::middleware::from_fn_with_state(state, trust::redirect));
            tokio::spawn(async move {
                let service = redirect.into_make_service_with_connect_info::<SocketAddr>();
                if let Err(e) = axum::serve(listener, service).await {
                    tracing::error!(error = %e, "the HTTP port stopped");
                }
            });
        }
        Ok(Server {
            addr,
            https,
            http_addr,
            first_admin,
            db,
            handle,
        })
    }
}
