//! What hands phones the court's certificate authority: its certificate (`/ca.crt`), a QR
//! code of the page that explains how to install it (`/ca/qr.svg`), what that page shows
//! (`/api/v1/ca`); and the plain-HTTP port, which serves only those and sends everything else
//! to HTTPS. None of it needs a session: a phone installs the authority before it can trust
//! the sign-in page.

use crate::http::caller::is_https;
use crate::AppState;
use app::model::CaInfo;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ca.crt", get(certificate))
        .route("/ca/qr.svg", get(qr))
        .route("/api/v1/ca", get(info))
}

/// The authority's certificate in DER, if the court made one.
fn authority(state: &AppState) -> Option<Vec<u8>> {
    let pem = std::fs::read(crate::tls::ca_file(&state.settings.data_dir)).ok()?;
    CertificateDer::from_pem_slice(&pem)
        .ok()
        .map(|c| c.as_ref().to_vec())
}

/// The host a request named, without its port: HTTP/2's `:authority` (in the URI), else the
/// `Host` header.
fn host_of(uri: &Uri, headers: &HeaderMap) -> String {
    let host = uri
        .authority()
        .map(|a| a.as_str())
        .or_else(|| headers.get(header::HOST).and_then(|h| h.to_str().ok()))
        .unwrap_or("localhost");
    let host = host.rsplit('@').next().unwrap_or(host);
    match host.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next().unwrap_or_default()),
        None => host.split(':').next().unwrap_or(host).to_string(),
    }
}

fn url(scheme: &str, host: &str, port: u16, default_port: u16, path: &str) -> String {
    if port == default_port {
        format!("{scheme}://{host}{path}")
    } else {
        format!("{scheme}://{host}:{port}{path}")
    }
}

/// The app's address over HTTPS, and the install page's over plain HTTP (where a phone that
/// does not trust the authority yet can open it), at the host the request named.
fn addresses(state: &AppState, uri: &Uri, headers: &HeaderMap) -> (String, String) {
    let host = host_of(uri, headers);
    let s = &state.settings;
    let https = url("https", &host, s.addr.port(), 443, "/");
    let page = match s.http_addr {
        Some(a) => url("http", &host, a.port(), 80, "/ca"),
        None => url("https", &host, s.addr.port(), 443, "/ca"),
    };
    (https, page)
}

async fn info(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Json<CaInfo> {
    let (https_url, page_url) = addresses(&state, &uri, &headers);
    Json(CaInfo {
        fingerprint: authority(&state).map(|der| crate::tls::fingerprint(&der)),
        https_url,
        page_url,
    })
}

async fn certificate(State(state): State<AppState>) -> Response {
    match authority(&state) {
        Some(der) => (
            [
                (header::CONTENT_TYPE, "application/x-x509-ca-cert"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"guardpost-ca.crt\"",
                ),
            ],
            der,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A QR code of the install page's address, as SVG.
async fn qr(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let (_, page) = addresses(&state, &uri, &headers);
    match qrcode::QrCode::new(page.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build();
            ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Whether the plain-HTTP port serves `path` itself: the install page, what it is drawn with,
/// and the certificate. Everything else goes to HTTPS.
fn served_over_http(path: &str) -> bool {
    matches!(
        path,
        "/ca" | "/ca.crt" | "/ca/qr.svg" | "/api/v1/ca" | "/favicon.ico" | "/manifest.webmanifest"
    ) || path.starts_with("/pkg/")
        || path.starts_with("/icons/")
}

/// The plain-HTTP port: a permanent redirect to the same path over HTTPS, but for the install
/// page.
pub async fn redirect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if served_over_http(req.uri().path()) {
        return next.run(req).await;
    }
    let host = host_of(req.uri(), req.headers());
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let to = url("https", &host, state.settings.addr.port(), 443, path);
    match to.parse::<Uri>() {
        Ok(_) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, to)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// HSTS on every answer that went over HTTPS (the server's own, or a trusted proxy's).
pub async fn hsts(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let secure = is_https(&state.settings, req.headers(), req.extensions());
    let mut res = next.run(req).await;
    if secure {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_install_page_stays_on_plain_http() {
        for p in ["/ca", "/ca.crt", "/ca/qr.svg", "/pkg/app.css", "/api/v1/ca"] {
            assert!(served_over_http(p), "{p}");
        }
        for p in ["/", "/signin", "/api/sync/v1/push", "/ca/../signin", "/cab"] {
            assert!(!served_over_http(p), "{p}");
        }
    }

    #[test]
    fn hosts_lose_their_port() {
        let mut h = HeaderMap::new();
        let path: Uri = "/ca".parse().unwrap();
        h.insert(header::HOST, HeaderValue::from_static("10.0.0.5:8080"));
        assert_eq!(host_of(&path, &h), "10.0.0.5");
        h.insert(header::HOST, HeaderValue::from_static("[fd00::5]:8443"));
        assert_eq!(host_of(&path, &h), "[fd00::5]");
        // HTTP/2 names it in the URI.
        let full: Uri = "https://guardpost.court.test:8443/ca".parse().unwrap();
        assert_eq!(host_of(&full, &h), "guardpost.court.test");
        assert_eq!(url("https", "a.test", 443, 443, "/x"), "https://a.test/x");
        assert_eq!(
            url("https", "a.test", 8443, 443, "/x"),
            "https://a.test:8443/x"
        );
    }
}
