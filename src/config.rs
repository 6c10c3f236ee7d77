//! Run-time configuration, from the command line and the environment. A leaf: it imports
//! nothing from the rest of the crate, which reads its settings from here.

use std::path::PathBuf;

mod fetch;
mod watch;

pub use fetch::FetchSettings;
pub use watch::{WatchSettings, DEFAULT_MAX_AGE_DAYS};

/// A setting from the environment that cannot be used, with what is expected.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Default upper bound on a request body (an article as pasted, or an import line).
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Where the data lives and how the database is reached.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// `DATABASE_URL`: when set, claimdb uses that server and provisions nothing.
    pub url: Option<String>,
    /// `CLAIMDB_DATA_DIR` / `--data-dir`: the private cluster's home when `url` is unset.
    pub data_dir: PathBuf,
    pub pool_size: u32,
}

/// How the web application behaves.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// `host:port`; port 0 picks a free port (tests).
    pub bind: String,
    /// Largest accepted request body in bytes (`CLAIMDB_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Only signed-in users may submit articles (`CLAIMDB_SUBMIT_REQUIRES_LOGIN`); by default
    /// anyone may, as readers send tips.
    pub submit_requires_login: bool,
    /// How long anonymous readers may be served a copy of a reading page
    /// (`CLAIMDB_PAGE_CACHE_SECONDS`; zero turns the copies off). See `web::page_cache`.
    pub page_cache_ttl: std::time::Duration,
    /// How pages submitted by address are fetched (`CLAIMDB_FETCH_*`; tests allow their local
    /// site here).
    pub fetch: FetchSettings,
    /// How fetched addresses are watched afterwards (`CLAIMDB_WATCH_MAX_AGE_DAYS`).
    pub watch: WatchSettings,
    /// `CLAIMDB_PUBLIC_URL`: the address readers reach this site at (`https://claims.example`),
    /// the only source of absolute URLs (JSON-LD, feed links). Unset: `http://` and the bound
    /// address (see [`default_public_url`]). Request headers (Host, X-Forwarded-Host,
    /// Forwarded) never make a URL: a cached page would carry one visitor's to everyone.
    pub public_url: Option<String>,
}

/// Default age of a page copy served to anonymous readers.
pub const DEFAULT_PAGE_CACHE_SECONDS: u64 = 2;

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            bind: "127.0.0.1:8080".into(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            submit_requires_login: false,
            page_cache_ttl: std::time::Duration::from_secs(DEFAULT_PAGE_CACHE_SECONDS),
            fetch: FetchSettings::default(),
            watch: WatchSettings::default(),
            public_url: None,
        }
    }
}

/// `CLAIMDB_PUBLIC_URL` checked: an `http` or `https` URL with a host and no query, fragment
/// or credentials, returned without a trailing `/` (a path prefix is kept).
pub fn parse_public_url(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| format!("{raw:?}: {e}"))?;
    let problem = if !matches!(url.scheme(), "http" | "https") {
        Some("the scheme must be http or https")
    } else if url.host_str().is_none_or(str::is_empty) {
        Some("a host is needed")
    } else if url.query().is_some() || url.fragment().is_some() {
        Some("no query or fragment")
    } else if !url.username().is_empty() || url.password().is_some() {
        Some("no user name or password")
    } else {
        None
    };
    match problem {
        Some(p) => Err(format!("{raw:?}: {p}")),
        None => Ok(url.as_str().trim_end_matches('/').to_string()),
    }
}

/// The public URL when none is configured: `http://` and the address the server is bound to
/// (loopback for an unspecified address such as `0.0.0.0`).
pub fn default_public_url(bound: std::net::SocketAddr) -> String {
    let ip = match bound.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    format!("http://{}", std::net::SocketAddr::new(ip, bound.port()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_url_is_checked_and_defaults_to_the_bound_address() {
        assert_eq!(
            parse_public_url("https://claims.example/").unwrap(),
            "https://claims.example"
        );
        assert_eq!(
            parse_public_url("https://claims.example/db/").unwrap(),
            "https://claims.example/db"
        );
        for bad in [
            "claims.example",
            "ftp://claims.example",
            "https://claims.example/?a=1",
            "https://user:pw@claims.example",
            "",
        ] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            default_public_url("0.0.0.0:8080".parse().unwrap()),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            default_public_url("[::]:80".parse().unwrap()),
            "http://[::1]:80"
        );
        assert_eq!(
            default_public_url("192.0.2.7:8080".parse().unwrap()),
            "http://192.0.2.7:8080"
        );
    }
}
