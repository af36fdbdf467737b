//! What every response gets: security headers with a per-response script nonce, cache rules
//! (hashed `/pkg` files immutable; pages, the service worker and the API never cached by the
//! HTTP cache), JSON-only state changes, and error bodies in the caller's language. Also the
//! service worker, generated at start-up from the built site folder.

use super::error::{ApiError, PendingError};
use super::locale_of;
use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::path::Path;

/// The nonce of this response's scripts, made per request and given to the page renderer.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

fn new_nonce() -> String {
    use base64::Engine;
    let bytes: [u8; 16] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Security headers, nonce and cache rules for every response.
pub async fn headers(mut req: Request, next: Next) -> Response {
    let nonce = new_nonce();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let ok = res.status().is_success();
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    let cache = if path.starts_with("/pkg/") && ok && !path.contains("/snippets/") {
        // Only hashed names are served long-lived; an unhashed dev build revalidates.
        if looks_hashed(&path) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }
    } else if path.starts_with("/api/") {
        "no-store"
    } else if path.starts_with("/icons/") {
        "public, max-age=86400"
    } else {
        // Pages, the service worker, the manifest: always ask the server; a page may name the
        // person signed in, so no shared cache keeps one.
        "private, no-cache"
    };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// `guardpost.3f2a9c1b.wasm`: a name with a hash part between the name and the extension.
fn looks_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() >= 8
        && parts[parts.len() - 2]
            .chars()
            .all(|c| c.is_ascii_alphanumeric())
}

/// State-changing API calls must be JSON from this origin: a cross-site form cannot send them.
pub async fn json_only(req: Request, next: Next) -> Response {
    let changes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if changes && req.uri().path().starts_with("/api/") {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return ApiError::NotJson.into_response();
        }
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        if let (Some(origin), Some(host)) = (origin, host) {
            let origin_host = origin.split("://").nth(1).unwrap_or(origin);
            if origin_host != host {
                return ApiError::Forbidden(app::i18n::Key::ErrForbidden).into_response();
            }
        }
    }
    next.run(req).await
}

/// Writes the JSON body of an [`ApiError`] in the language of the request's cookie.
pub async fn localize(req: Request, next: Next) -> Response {
    let locale = locale_of(req.headers());
    let mut res = next.run(req).await;
    if let Some(PendingError(err)) = res.extensions_mut().remove::<PendingError>() {
        let status = res.status();
        let mut out = (status, axum::Json(err.body(locale))).into_response();
        for (k, v) in res.headers() {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
                out.headers_mut().insert(k.clone(), v.clone());
            }
        }
        return out;
    }
    res
}

/// The built front end as the service worker must know it: which files make up this build, and
/// a build id that changes whenever any of them does.
#[derive(Clone, Debug)]
pub struct Assets {
    pub build_id: String,
    pub sw_js: String,
    /// The page's code: its JS and its main wasm.
    pub scripts: app::PageScripts,
}

impl Assets {
    /// Reads the site folder: the hashed js/wasm/css named in `hash.txt` (beside the server
    /// binary, as cargo-leptos writes it), the wasm-bindgen snippets, and the static files from
    /// `public/`. The worker's own source is `public/sw.js`.
    pub fn load(options: &leptos::prelude::LeptosOptions) -> Assets {
        let root = Path::new(options.site_root.as_ref());
        let pkg = options.site_pkg_dir.as_ref();
        let name = options.output_name.as_ref();
        let hashes = if options.hash_files {
            std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())))
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default()
        } else {
            String::new()
        };
        let hash_of = |kind: &str| {
            hashes
                .lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim() == kind)
                .map(|(_, v)| format!(".{}", v.trim()))
                .unwrap_or_default()
        };
        let wasm_suffix = if options.hash_files { "" } else { "_bg" };
        let mut files = vec![
            format!("/{pkg}/{name}{}.js", hash_of("js")),
            format!("/{pkg}/{name}{}{wasm_suffix}.wasm", hash_of("wasm")),
            format!("/{pkg}/{name}{}.css", hash_of("css")),
        ];
        // Split builds: the chunk loader, its manifest, and every chunk the manifest names,
        // so lazily loaded pages open offline too.
        let split = hash_of("split");
        let manifest = hash_of("manifest");
        if !split.is_empty() && !manifest.is_empty() {
            files.push(format!("/{pkg}/__wasm_split{split}.js"));
            let manifest_path = format!("/{pkg}/__wasm_split_manifest{manifest}.json");
            let chunks = std::fs::read_to_string(root.join(manifest_path.trim_start_matches('/')))
                .ok()
                .and_then(|t| {
                    serde_json::from_str::<std::collections::BTreeMap<String, Vec<String>>>(&t).ok()
                })
                .unwrap_or_default();
            let mut names: Vec<String> = chunks
                .into_values()
                .flatten()
                .map(|c| format!("/{pkg}/{c}.wasm"))
                .collect();
            names.sort();
            names.dedup();
            files.push(manifest_path);
            files.extend(names);
        }
        let mut extra = Vec::new();
        list_files(
            &root.join(pkg).join("snippets"),
            &format!("/{pkg}/snippets"),
            &mut extra,
        );
        list_files(&root.join("icons"), "/icons", &mut extra);
        extra.sort();
        files.extend(extra);
        files.push("/manifest.webmanifest".into());

        // Each file's rev: a hash of its content, so the worker of a new build copies what did
        // not change from the older build's cache. The build's id: every file's rev and the
        // worker's own source.
        use sha2::{Digest, Sha256};
        let precache: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                let bytes = std::fs::read(root.join(f.trim_start_matches('/'))).unwrap_or_default();
                (f.clone(), hex::encode(&Sha256::digest(&bytes)[..8]))
            })
            .collect();
        let source = std::fs::read_to_string(root.join("sw.js")).unwrap_or_default();
        let mut h = Sha256::new();
        for (f, rev) in &precache {
            h.update(f.as_bytes());
            h.update(rev.as_bytes());
        }
        h.update(source.as_bytes());
        let build_id = hex::encode(&h.finalize()[..8]);

        let scripts = app::PageScripts::new(&files[0], &files[1]);
        let sw_js = format!(
            "// Generated by the server at start-up from the site folder.\nconst BUILD = {};\nconst PRECACHE = {};\nconst PAGES = {};\n{source}",
            serde_json::Value::from(build_id.clone()),
            serde_json::to_value(&precache).unwrap_or_default(),
            serde_json::Value::from(app::PAGES.to_vec()),
        );
        Assets {
            build_id,
            sw_js,
            scripts,
        }
    }
}

fn list_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let path = e.path();
        if path.is_dir() {
            list_files(&path, &format!("{prefix}/{name}"), out);
        } else if !name.ends_with(".br") && !name.ends_with(".gz") {
            out.push(format!("{prefix}/{name}"));
        }
    }
}

pub async fn service_worker(State(state): State<AppState>) -> Response {
    let mut res = Response::new(Body::from(state.assets.sw_js.clone()));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    res
}

pub async fn health() -> impl IntoResponse {
    (StatusCode::OK, "ok")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        assert!(looks_hashed("/pkg/guardpost.a1b2c3d4e5f6.wasm"));
        assert!(!looks_hashed("/pkg/guardpost.wasm"));
        assert!(!looks_hashed("/pkg/guardpost_bg.wasm"));
    }

    /// The worker's list of `[url, rev]` for a site folder.
    fn precache_of(site: &Path) -> (String, Vec<(String, String)>) {
        let options = leptos::prelude::LeptosOptions::builder()
            .output_name("guardpost")
            .site_root(site.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .build();
        let assets = Assets::load(&options);
        let line = assets
            .sw_js
            .lines()
            .find_map(|l| l.strip_prefix("const PRECACHE = "))
            .expect("PRECACHE")
            .trim_end_matches(';');
        (assets.build_id, serde_json::from_str(line).expect("json"))
    }

    #[test]
    fn a_file_changed_changes_its_rev_and_no_other() {
        let dir = std::env::temp_dir().join(format!("guardpost-assets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::create_dir_all(dir.join("icons")).unwrap();
        for (f, body) in [
            ("pkg/guardpost.js", "js"),
            ("pkg/guardpost_bg.wasm", "wasm"),
            ("pkg/guardpost.css", "css"),
            ("icons/a.png", "a"),
            ("icons/b.png", "b"),
            ("manifest.webmanifest", "{}"),
            ("sw.js", "// worker"),
        ] {
            std::fs::write(dir.join(f), body).unwrap();
        }
        let (id1, before) = precache_of(&dir);
        assert!(before.iter().any(|(u, _)| u == "/icons/a.png"));
        assert!(before.iter().all(|(_, rev)| rev.len() == 16));
        // The same size, another content: a new rev (sizes alone would not see it).
        std::fs::write(dir.join("icons/a.png"), "c").unwrap();
        let (id2, after) = precache_of(&dir);
        assert_ne!(id1, id2);
        assert_eq!(before.len(), after.len());
        for ((u1, r1), (u2, r2)) in before.iter().zip(&after) {
            assert_eq!(u1, u2);
            assert_eq!(r1 != r2, u1 == "/icons/a.png", "{u1}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
