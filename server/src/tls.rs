//! HTTPS by the server itself (rustls, with ring: no OpenSSL), the plain-HTTP port that sends
//! everyone to it, and the court's own certificate authority (`guardpost tls`).
//!
//! Browsers give service workers, persistent storage and Web Crypto only to secure contexts: a
//! court that serves phones at `http://10.x.x.x` has no offline mode. A court without a public
//! domain makes its own authority once, installs its certificate on each phone (the `/ca` page
//! hands it over with a QR code), and serves with a server certificate that authority signed
//! for the names and addresses the phones use.

use anyhow::Context;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

/// How long a client may take over its TLS handshake (a connection that only holds a socket
/// open is dropped).
const HANDSHAKE: Duration = Duration::from_secs(15);

/// The rustls server configuration from a PEM certificate chain and key; a clear error that
/// names the file when either is missing or unreadable.
pub fn server_config(cert: &Path, key: &Path) -> anyhow::Result<rustls::ServerConfig> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("reading the certificate {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading the certificate {}", cert.display()))?;
    anyhow::ensure!(!chain.is_empty(), "no certificate in {}", cert.display());
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("reading the key {}", key.display()))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the certificate and the key do not go together")?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Serves `app` over TLS on `listener` until the task is dropped; each connection knows its
/// peer (`ConnectInfo`), as with plain HTTP.
pub async fn serve(listener: tokio::net::TcpListener, app: Router, config: rustls::ServerConfig) {
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                // A phone that does not trust the certificate yet ends here, as do scanners.
                Ok(Err(e)) => return tracing::debug!(error = %e, "TLS handshake failed"),
                Err(_) => return tracing::debug!("TLS handshake timed out"),
            };
            let svc =
                app.map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req.extensions_mut().insert(crate::http::caller::OverTls);
                    req
                });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection_with_upgrades(TokioIo::new(tls), TowerToHyperService::new(svc))
                .await;
        });
    }
}

/// Where `guardpost tls` keeps what it makes, inside the data folder.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("tls")
}

/// The authority's certificate phones install (PEM), if the court made one.
pub fn ca_file(data_dir: &Path) -> PathBuf {
    folder(data_dir).join("ca.crt")
}

/// What `guardpost tls` wrote.
#[derive(Debug)]
pub struct Made {
    pub ca_cert: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// Whether a new authority was made (phones must install it).
    pub new_authority: bool,
    /// Where the authority's key went, if it was kept.
    pub ca_key: Option<PathBuf>,
    pub not_after: chrono::NaiveDate,
    /// SHA-256 of the authority's certificate, as phones show it, for comparing.
    pub fingerprint: String,
}

/// How long a server certificate is valid: the most iOS accepts (825 days).
pub const SERVER_DAYS: i64 = 825;
/// How long the court's authority is valid.
pub const AUTHORITY_YEARS: i32 = 10;

/// Makes the court's authority (unless `ca_key` names a kept one with its certificate in
/// `dir`) and a server certificate for `names` (DNS names and IP addresses). The authority's
/// key is written only to `ca_key` (meant for a USB drive kept apart), never beside the
/// server's key; without it, the next certificate needs a new authority on every phone.
pub fn make(dir: &Path, names: &[String], ca_key: Option<&Path>) -> anyhow::Result<Made> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, KeyPair, KeyUsagePurpose, SanType,
    };
    anyhow::ensure!(
        !names.is_empty(),
        "name at least one address or name the phones use (e.g. 10.0.0.5 guardpost.court.local)"
    );
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let ca_cert_file = dir.join("ca.crt");
    let now = chrono::Utc::now();
    let kept = ca_key.filter(|k| k.exists());
    // The authority as the phones have it installed (its PEM), and what signs with it.
    let (ca, ca_pair, ca_pem, new_authority) = match kept {
        Some(key_file) => {
            let key = std::fs::read_to_string(key_file)
                .with_context(|| format!("reading the authority's key {}", key_file.display()))?;
            let pair = KeyPair::from_pem(&key).context("the authority's key is not a key")?;
            let pem = std::fs::read_to_string(&ca_cert_file).with_context(|| {
                format!(
                    "the authority's certificate {} is missing",
                    ca_cert_file.display()
                )
            })?;
            anyhow::ensure!(same_key(&pem, &pair), "the key is not the authority's");
            let params = CertificateParams::from_ca_cert_pem(&pem)
                .context("the authority's certificate is not readable")?;
            // The same name and key: what it signs verifies against the installed one.
            let ca = params.self_signed(&pair)?;
            (ca, pair, pem, false)
        }
        None => {
            let pair = KeyPair::generate()?;
            let mut params = CertificateParams::default();
            let mut dn = DistinguishedName::new();
            dn.push(DnType::CommonName, "Guardpost 法院安保 根证书");
            dn.push(DnType::OrganizationName, "伊通满族自治县人民法院 安保服务");
            params.distinguished_name = dn;
            params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
            params.not_before = at(now - chrono::Duration::days(1));
            params.not_after = at(now + chrono::Duration::days(365 * i64::from(AUTHORITY_YEARS)));
            let ca = params.self_signed(&pair)?;
            let pem = ca.pem();
            (ca, pair, pem, true)
        }
    };
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, names[0].clone());
    params.distinguished_name = dn;
    params.subject_alt_names = names
        .iter()
        .map(|n| match n.parse::<std::net::IpAddr>() {
            Ok(ip) => Ok(SanType::IpAddress(ip)),
            Err(_) => n
                .clone()
                .try_into()
                .map(SanType::DnsName)
                .map_err(|_| anyhow::anyhow!("{n} is neither an address nor a name")),
        })
        .collect::<anyhow::Result<_>>()?;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = at(now - chrono::Duration::days(1));
    let not_after = now + chrono::Duration::days(SERVER_DAYS);
    params.not_after = at(not_after);
    let pair = KeyPair::generate()?;
    let cert = params.signed_by(&pair, &ca, &ca_pair)?;
    let cert_file = dir.join("server.crt");
    let key_file = dir.join("server.key");
    // The chain: the server's certificate, then the authority's.
    write(&cert_file, &format!("{}{}", cert.pem(), ca_pem), false)?;
    write(&key_file, &pair.serialize_pem(), true)?;
    if new_authority {
        write(&ca_cert_file, &ca_pem, false)?;
    }
    let ca_key = match (ca_key, new_authority) {
        (Some(path), true) => {
            write(path, &ca_pair.serialize_pem(), true)?;
            Some(path.to_path_buf())
        }
        (Some(path), false) => Some(path.to_path_buf()),
        (None, _) => None,
    };
    let installed = CertificateDer::from_pem_slice(ca_pem.as_bytes())
        .context("the authority's certificate is not readable")?;
    Ok(Made {
        fingerprint: fingerprint(installed.as_ref()),
        ca_cert: ca_cert_file,
        cert: cert_file,
        key: key_file,
        new_authority,
        ca_key,
        not_after: not_after.date_naive(),
    })
}

/// A chrono time as the certificate's validity takes it.
fn at(t: chrono::DateTime<chrono::Utc>) -> time::OffsetDateTime {
    std::time::SystemTime::from(t).into()
}

/// Does the PEM certificate carry `pair`'s public key?
fn same_key(pem: &str, pair: &rcgen::KeyPair) -> bool {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .ok()
        .and_then(|der| {
            let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
            Some(cert.public_key().subject_public_key.data.as_ref() == pair.public_key_raw())
        })
        .unwrap_or(false)
}

/// SHA-256 of a certificate, as `AB:CD:…`.
pub fn fingerprint(der: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Writes `text` to `path` (a key readable by its owner only).
fn write(path: &Path, text: &str, secret: bool) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut f = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_courts_authority_signs_a_certificate_the_server_serves_with() {
        let dir = tempfile::tempdir().unwrap();
        let usb = dir.path().join("usb/ca.key");
        let names = vec!["guardpost.court.test".to_string(), "10.0.0.5".to_string()];
        let made = make(&dir.path().join("tls"), &names, Some(&usb)).unwrap();
        assert!(made.new_authority);
        assert!(
            usb.exists(),
            "the authority's key went where it was asked to"
        );
        assert!(!dir.path().join("tls/ca.key").exists());
        server_config(&made.cert, &made.key).unwrap();
        // A new server certificate later, from the same authority: phones keep trusting it.
        let again = make(&dir.path().join("tls"), &names, Some(&usb)).unwrap();
        assert!(!again.new_authority);
        assert_eq!(again.fingerprint, made.fingerprint);
        server_config(&again.cert, &again.key).unwrap();
        let chain = std::fs::read_to_string(&again.cert).unwrap();
        assert_eq!(chain.matches("BEGIN CERTIFICATE").count(), 2);
        // Another key is refused, not used to make an authority the phones do not trust.
        let other = dir.path().join("other.key");
        std::fs::write(&other, rcgen::KeyPair::generate().unwrap().serialize_pem()).unwrap();
        assert!(make(&dir.path().join("tls"), &names, Some(&other)).is_err());
        assert!(make(&dir.path().join("tls"), &[], None).is_err());
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = server_config(
            Path::new("/nowhere/cert.pem"),
            Path::new("/nowhere/key.pem"),
        )
        .unwrap_err();
        assert!(format!("{e:#}").contains("/nowhere/cert.pem"), "{e:#}");
    }
}
