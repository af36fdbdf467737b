//! Settings from environment variables, with safe defaults for the embedded (one machine,
//! SQLite) mode. There are no secrets to default: session tokens and the first administrator's
//! password are random at run time.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Settings {
    /// `GUARDPOST_ADDR`, default `127.0.0.1:3000`.
    pub addr: SocketAddr,
    /// `GUARDPOST_DATA_DIR`, default `./data`: the SQLite database lives here.
    pub data_dir: PathBuf,
    /// `GUARDPOST_DATABASE_URL`, default `sqlite://<data_dir>/guardpost.db`.
    pub database_url: String,
    /// `GUARDPOST_LOG`, default `info` (a `tracing` filter).
    pub log: String,
    /// `GUARDPOST_SECURE_COOKIES=1` marks cookies `Secure` (behind https). Also set per request
    /// when a proxy says `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    /// `GUARDPOST_SITE_ROOT`, default `LEPTOS_SITE_ROOT` or `target/site`: the built front end.
    pub site_root: String,
    /// `GUARDPOST_SESSION_DAYS`, default 7.
    pub session_days: i64,
    /// `GUARDPOST_RETENTION_DAYS`, default 180 (31–3650): visitors' personal data older than
    /// this is anonymised by the daily job; the counts stay.
    pub retention_days: i64,
    /// `GUARDPOST_REQUEST_CLOSE_DAYS`, default 3 (1–30): a request reported back to the court
    /// and not confirmed closes by itself (as unconfirmed) this many days later.
    pub request_close_days: i64,
    /// `GUARDPOST_BACKUP_HOURS`, default 6 (0 turns scheduled backups off; at most 168): a
    /// backup of the database into `<data_dir>/backups` this often.
    pub backup_hours: u64,
    /// `GUARDPOST_BACKUP_KEEP`, default 8 (1–1000): how many backups are kept there.
    pub backup_keep: usize,
    /// `GUARDPOST_SQLITE_SYNCHRONOUS`, `full` (the default) or `normal`: whether SQLite syncs
    /// every commit to disk. `normal` can lose acknowledged records on a power cut; it exists so
    /// `make bench` can measure what `full` costs.
    pub durable: bool,
    /// `GUARDPOST_AUTHOR_KEY_FILE`, default `<data_dir>/author.key`: the key every author
    /// secret is derived from, created on first start (kept outside the database and its
    /// backups: keep a copy of it apart from them).
    pub author_key_file: PathBuf,
    /// `GUARDPOST_TRUSTED_PROXIES`: addresses of reverse proxies whose `X-Forwarded-For` names
    /// the client and whose `X-Forwarded-Proto` says whether it came over https
    /// (comma-separated); by default none, and the TCP peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `GUARDPOST_TLS_CERT` and `GUARDPOST_TLS_KEY` (PEM files, both or neither): the server
    /// itself serves HTTPS at `addr` (`guardpost tls` makes a court's own).
    pub tls: Option<Tls>,
    /// `GUARDPOST_HTTP_ADDR` (with TLS only): plain HTTP here redirects to HTTPS, except the
    /// page and file that hand phones the court's certificate authority (`/ca`).
    pub http_addr: Option<SocketAddr>,
    /// `GUARDPOST_BACKUP_COPY_DIR`: every backup is also copied here (another disk, a NAS
    /// mount, a USB drive) and the copy verified.
    pub backup_copy_dir: Option<PathBuf>,
    /// `GUARDPOST_ALERT_TICK_SECS`, default 30 (1–600): how often the alert rules are judged
    /// again besides each change of records (escalations and lateness come due with time).
    pub alert_tick_secs: u64,
    /// `GUARDPOST_BACKUP_COPY_KEEP`, default 28 (a week at 6 hours; 1–1000): copies kept there.
    pub backup_copy_keep: usize,
}

/// The certificate (chain) and key the server serves HTTPS with.
#[derive(Clone, Debug, PartialEq)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The number `name` gives, `default` when it gives none; refused (with its name) outside
/// `range` or when it is not a number.
fn ranged<T: std::str::FromStr + PartialOrd>(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, SettingsError> {
    match get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<T>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or(SettingsError::Invalid { name, value: v }),
    }
}

/// The settings file's lines (`NAME=value`; `#` comments and blank lines skipped; a value may
/// be quoted).
pub fn parse_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            (k.trim().to_string(), v.to_string())
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{name} is not valid: {value}")]
    Invalid { name: &'static str, value: String },
}

impl Settings {
    /// The environment, over the file `GUARDPOST_CONFIG` names if it does (the environment
    /// wins where both say).
    pub fn from_env() -> Result<Self, SettingsError> {
        let file = match std::env::var("GUARDPOST_CONFIG") {
            Ok(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| SettingsError::Invalid {
                    name: "GUARDPOST_CONFIG",
                    value: format!("{path}: {e}"),
                })?;
                parse_file(&text)
            }
            Err(_) => Vec::new(),
        };
        Self::from_lookup(|k| {
            std::env::var(k).ok().or_else(|| {
                file.iter()
                    .rev()
                    .find(|(name, _)| name == k)
                    .map(|(_, v)| v.clone())
            })
        })
    }

    /// Reads settings through `get` (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let addr_s = get("GUARDPOST_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_s.parse().map_err(|_| SettingsError::Invalid {
            name: "GUARDPOST_ADDR",
            value: addr_s.clone(),
        })?;
        let data_dir = PathBuf::from(get("GUARDPOST_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = get("GUARDPOST_DATABASE_URL")
            .unwrap_or_else(|| crate::db::dialect::file_url(&data_dir.join("guardpost.db")));
        let secure_cookies = match get("GUARDPOST_SECURE_COOKIES").as_deref() {
            None | Some("") | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(other) => {
                return Err(SettingsError::Invalid {
                    name: "GUARDPOST_SECURE_COOKIES",
                    value: other.into(),
                })
            }
        };
        let session_days = ranged(&get, "GUARDPOST_SESSION_DAYS", 7i64, 1..=90)?;
        // At least a month: the monthly report needs the month's records whole.
        let retention_days = ranged(&get, "GUARDPOST_RETENTION_DAYS", 180i64, 31..=3650)?;
        let request_close_days = ranged(
            &get,
            "GUARDPOST_REQUEST_CLOSE_DAYS",
            app::request::UNCONFIRMED_CLOSE_DAYS,
            1..=30,
        )?;
        let backup_hours = ranged(&get, "GUARDPOST_BACKUP_HOURS", 6u64, 0..=168)?;
        let backup_keep = ranged(&get, "GUARDPOST_BACKUP_KEEP", 8usize, 1..=1000)?;
        let durable = match get("GUARDPOST_SQLITE_SYNCHRONOUS").as_deref() {
            None | Some("") | Some("full") => true,
            Some("normal") => false,
            Some(other) => {
                return Err(SettingsError::Invalid {
                    name: "GUARDPOST_SQLITE_SYNCHRONOUS",
                    value: other.into(),
                })
            }
        };
        let author_key_file = get("GUARDPOST_AUTHOR_KEY_FILE")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("author.key"));
        let mut trusted_proxies = Vec::new();
        for part in get("GUARDPOST_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            trusted_proxies.push(part.parse().map_err(|_| SettingsError::Invalid {
                name: "GUARDPOST_TRUSTED_PROXIES",
                value: part.into(),
            })?);
        }
        let path = |name: &str| get(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let tls = match (path("GUARDPOST_TLS_CERT"), path("GUARDPOST_TLS_KEY")) {
            (Some(cert), Some(key)) => Some(Tls { cert, key }),
            (None, None) => None,
            (Some(_), None) | (None, Some(_)) => {
                return Err(SettingsError::Invalid {
                    name: "GUARDPOST_TLS_CERT",
                    value: "GUARDPOST_TLS_CERT and GUARDPOST_TLS_KEY go together".into(),
                })
            }
        };
        let http_addr = match get("GUARDPOST_HTTP_ADDR").filter(|v| !v.is_empty()) {
            None => None,
            Some(v) if tls.is_none() => {
                return Err(SettingsError::Invalid {
                    name: "GUARDPOST_HTTP_ADDR",
                    value: format!("{v} (only with GUARDPOST_TLS_CERT: it redirects to HTTPS)"),
                })
            }
            Some(v) => Some(v.parse().map_err(|_| SettingsError::Invalid {
                name: "GUARDPOST_HTTP_ADDR",
                value: v.clone(),
            })?),
        };
        let backup_copy_keep = ranged(&get, "GUARDPOST_BACKUP_COPY_KEEP", 28usize, 1..=1000)?;
        let alert_tick_secs = ranged(&get, "GUARDPOST_ALERT_TICK_SECS", 30u64, 1..=600)?;
        Ok(Settings {
            backup_copy_dir: path("GUARDPOST_BACKUP_COPY_DIR"),
            backup_copy_keep,
            alert_tick_secs,
            tls,
            http_addr,
            addr,
            data_dir,
            database_url,
            log: get("GUARDPOST_LOG").unwrap_or_else(|| "info".into()),
            secure_cookies,
            site_root: get("GUARDPOST_SITE_ROOT")
                .or_else(|| get("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
            session_days,
            retention_days,
            request_close_days,
            backup_hours,
            backup_keep,
            durable,
            author_key_file,
            trusted_proxies,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults_are_embedded_and_local() {
        let s = from(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.database_url, "sqlite://data/guardpost.db");
        assert!(!s.secure_cookies);
        assert_eq!(s.session_days, 7);
        assert_eq!(s.retention_days, 180);
        assert_eq!(s.request_close_days, 3);
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        let e = from(&[("GUARDPOST_ADDR", "nowhere")]).unwrap_err();
        assert!(e.to_string().contains("GUARDPOST_ADDR"));
        assert!(from(&[("GUARDPOST_SECURE_COOKIES", "yes please")]).is_err());
        assert!(from(&[("GUARDPOST_SESSION_DAYS", "0")]).is_err());
        assert!(from(&[("GUARDPOST_RETENTION_DAYS", "7")]).is_err());
        assert_eq!(
            from(&[("GUARDPOST_RETENTION_DAYS", "365")])
                .unwrap()
                .retention_days,
            365
        );
        let s = from(&[("GUARDPOST_DATA_DIR", "/srv/gp")]).unwrap();
        assert_eq!(s.database_url, "sqlite:///srv/gp/guardpost.db");
        let e = from(&[("GUARDPOST_TLS_CERT", "/a.pem")]).unwrap_err();
        assert!(e.to_string().contains("go together"), "{e}");
        let e = from(&[("GUARDPOST_HTTP_ADDR", "0.0.0.0:80")]).unwrap_err();
        assert!(e.to_string().contains("only with"), "{e}");
    }

    #[test]
    fn https_and_copies_off_the_machine_are_set_together() {
        let s = from(&[
            ("GUARDPOST_TLS_CERT", "/srv/gp/tls/server.crt"),
            ("GUARDPOST_TLS_KEY", "/srv/gp/tls/server.key"),
            ("GUARDPOST_HTTP_ADDR", "0.0.0.0:80"),
            ("GUARDPOST_BACKUP_COPY_DIR", "/mnt/nas/guardpost"),
        ])
        .unwrap();
        assert_eq!(s.tls.unwrap().key, PathBuf::from("/srv/gp/tls/server.key"));
        assert_eq!(s.http_addr.unwrap().port(), 80);
        assert_eq!(
            s.backup_copy_dir.unwrap(),
            PathBuf::from("/mnt/nas/guardpost")
        );
        assert_eq!(s.backup_copy_keep, 28);
        assert!(from(&[]).unwrap().tls.is_none());
    }

    #[test]
    fn the_settings_file_reads_as_the_environment_does() {
        let lines = parse_file(
            "# Guardpost at the court\nGUARDPOST_ADDR=0.0.0.0:443\n\n GUARDPOST_LOG = \"warn\" \nnot a line\n",
        );
        assert_eq!(
            lines,
            vec![
                ("GUARDPOST_ADDR".to_string(), "0.0.0.0:443".to_string()),
                ("GUARDPOST_LOG".to_string(), "warn".to_string())
            ]
        );
    }
}
