//! Fetching an article by its address (issue 10): the HTTP fetch with its safety rules
//! (`guard`), the page's bytes decoded to text (`decode`), and the article read out of the HTML
//! (`read`). No database or web types: the watch scheduler and the submission paths call in.
//!
//! INTERFACE STUB: the public types and signatures below are the contract the rest of claimdb
//! codes against; the bodies are being written.

pub mod read;

use std::time::Duration;

pub use read::{read_article, ReadArticle, ReadError};

/// How fetches behave.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// Sent as `User-Agent`.
    pub user_agent: String,
    /// The whole request, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Largest body accepted (after content-encoding is undone).
    pub max_bytes: usize,
    pub max_redirects: usize,
    /// Hosts (names or literal addresses, e.g. `127.0.0.1`, `intranet.example`) that may be
    /// fetched even though they resolve to loopback, private or link-local addresses
    /// (`CLAIMDB_FETCH_ALLOW_HOSTS`, comma-separated; for tests and intranets).
    pub allow_hosts: Vec<String>,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: format!(
                "claimdb/{} (fact-check archive; re-fetches watched articles)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            max_bytes: 5 * 1024 * 1024,
            max_redirects: 5,
            allow_hosts: Vec::new(),
        }
    }
}

/// HTTP validators of a previous fetch, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum Fetched {
    /// 304: unchanged since the validators given.
    NotModified,
    Page(FetchedPage),
}

/// A page as fetched.
#[derive(Debug, Clone)]
pub struct FetchedPage {
    /// The address after redirects.
    pub final_url: String,
    pub status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    /// The character encoding the body was decoded with (`"windows-1256"`, `"UTF-8"`, ...).
    pub charset: &'static str,
    /// The body as the site sent it (content-encoding such as gzip undone): the evidence kept.
    pub raw: Vec<u8>,
    /// The body decoded to text.
    pub html: String,
}

/// Why a fetch gave no page. The message is shown to users as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("not a valid address: {0}")]
    BadUrl(String),
    #[error("only http and https addresses can be fetched")]
    Scheme,
    #[error("{host} is a loopback, private or link-local address ({address}); not fetched")]
    PrivateAddress { host: String, address: String },
    #[error("cannot resolve {0}")]
    Dns(String),
    #[error("the site answered HTTP {0}")]
    Status(u16),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("the page is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the site did not answer within {0} s")]
    Timeout(u64),
    #[error("not an HTML page ({0})")]
    NotHtml(String),
    #[error("network error: {0}")]
    Network(String),
}

/// A reusable HTTP client with the settings' rules.
pub struct Fetcher {
    settings: FetchSettings,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Result<Self, FetchError> {
        Ok(Fetcher { settings })
    }

    pub fn settings(&self) -> &FetchSettings {
        &self.settings
    }

    /// GETs `url` (conditionally when `validators` has any), following redirects up to the
    /// limit and checking every address it connects to.
    pub async fn fetch(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let _ = (url, validators);
        Err(FetchError::Network("not implemented yet".into()))
    }
}
