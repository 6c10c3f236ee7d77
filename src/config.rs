//! Run-time configuration, from the command line and the environment.

use std::path::PathBuf;

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
    pub fetch: crate::fetch::FetchSettings,
    /// How fetched addresses are watched afterwards (`CLAIMDB_WATCH_MAX_AGE_DAYS`).
    pub watch: crate::watch::WatchSettings,
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
            fetch: crate::fetch::FetchSettings::default(),
            watch: crate::watch::WatchSettings::default(),
        }
    }
}
