//! Fetching an article by its address (issue 10): the HTTP fetch with its safety rules
//! (`guard`), the page's bytes decoded to text (`decode`), and the article read out of the HTML
//! (`read`). No database or web types: the watch scheduler and the submission paths call in.

pub mod decode;
pub mod guard;
mod meta;
pub mod read;

use std::error::Error as StdError;
use std::sync::Arc;

use reqwest::header::{self, HeaderMap};
use reqwest::StatusCode;
use url::Url;

pub use crate::config::FetchSettings;
use guard::{AllowedHosts, GuardedResolver, Refusal};
pub use read::{read_article, ReadArticle, ReadError};

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

/// Why a fetch gave no page. The message is shown to users as is, so it never says what an
/// address resolves to (that is logged where the refusal is made).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("not a valid address: {0}")]
    BadUrl(String),
    #[error("only http and https addresses can be fetched")]
    Scheme,
    /// `address` (what `host` resolves to) is for the log, never for the message.
    #[error("not a public address; not fetched")]
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

impl FetchError {
    /// Whether fetching the same address again could ever succeed: a malformed, non-HTTP or
    /// private address never will; a site that is down, slow or erring now may later.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            FetchError::BadUrl(_) | FetchError::Scheme | FetchError::PrivateAddress { .. }
        )
    }
}

impl From<Refusal> for FetchError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Private { host, address } => {
                tracing::info!(%host, %address, "fetch refused: a loopback, private or link-local address");
                FetchError::PrivateAddress { host, address }
            }
            Refusal::Unresolvable(host) => FetchError::Dns(host),
        }
    }
}

/// A reusable HTTP client with the settings' rules.
pub struct Fetcher {
    settings: FetchSettings,
    client: reqwest::Client,
    allowed: AllowedHosts,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Result<Self, FetchError> {
        let allowed = AllowedHosts::new(&settings.allow_hosts);
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            // Redirects are followed in `fetch`, so that each hop's address is checked.
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve names itself, past the guard.
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                allowed: allowed.clone(),
            }))
            .build()
            .map_err(|e| FetchError::Network(describe(&e)))?;
        Ok(Fetcher {
            settings,
            client,
            allowed,
        })
    }

    pub fn settings(&self) -> &FetchSettings {
        &self.settings
    }

    /// GETs `url` (conditionally when `validators` has any), following redirects up to the
    /// limit and checking every address it connects to.
    pub async fn fetch(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let url = Url::parse(url.trim()).map_err(|e| FetchError::BadUrl(format!("{url}: {e}")))?;
        // The client's timeout applies to each hop; this one bounds the whole chain.
        match tokio::time::timeout(self.settings.timeout, self.follow(url, validators)).await {
            Ok(result) => result,
            Err(_) => Err(self.timeout_error()),
        }
    }

    async fn follow(&self, mut url: Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut redirects = 0;
        loop {
            self.check_address(&url)?;
            let response = self.get(&url, validators).await?;
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified);
            }
            if status.is_redirection() {
                if let Some(next) = redirect_target(&url, response.headers())? {
                    redirects += 1;
                    if redirects > self.settings.max_redirects {
                        return Err(FetchError::TooManyRedirects(self.settings.max_redirects));
                    }
                    url = next;
                    continue;
                }
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16()));
            }
            return self.read_page(url, response).await.map(Fetched::Page);
        }
    }

    fn check_address(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme);
        }
        let host = url
            .host()
            .ok_or_else(|| FetchError::BadUrl(format!("{url}: no host")))?;
        guard::check_literal(&host, &self.allowed)?;
        Ok(())
    }

    async fn get(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<reqwest::Response, FetchError> {
        let mut request = self.client.get(url.clone()).header(
            header::ACCEPT,
            "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        );
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(last_modified) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, last_modified);
        }
        request.send().await.map_err(|e| self.client_error(&e))
    }

    async fn read_page(
        &self,
        url: Url,
        mut response: reqwest::Response,
    ) -> Result<FetchedPage, FetchError> {
        let headers = response.headers();
        let text_header = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = text_header(header::CONTENT_TYPE);
        let etag = text_header(header::ETAG);
        let last_modified = text_header(header::LAST_MODIFIED);
        if let Some(kind) = &content_type {
            if !is_html(kind) {
                return Err(FetchError::NotHtml(kind.clone()));
            }
        }
        let limit = self.settings.max_bytes;
        // Only an early refusal: the count below is what enforces the limit, since a
        // Content-Length can be absent or wrong, and gzip bodies grow when undone.
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(FetchError::TooLarge(limit));
        }
        let mut raw = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.client_error(&e))? {
            if raw.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge(limit));
            }
            raw.extend_from_slice(&chunk);
        }
        let (html, encoding) = decode::decode(content_type.as_deref(), &raw);
        let mut final_url = url;
        crate::domain::submission::strip_userinfo(&mut final_url);
        Ok(FetchedPage {
            final_url: final_url.to_string(),
            status: response.status().as_u16(),
            etag,
            last_modified,
            content_type,
            charset: encoding.name(),
            raw,
            html,
        })
    }

    fn timeout_error(&self) -> FetchError {
        let timeout = self.settings.timeout;
        FetchError::Timeout(timeout.as_secs() + u64::from(timeout.subsec_nanos() > 0))
    }

    /// The client's error in the module's terms: the guard's refusal when it was that,
    /// otherwise a timeout or a network error with its innermost cause.
    fn client_error(&self, error: &reqwest::Error) -> FetchError {
        if let Some(refusal) = guard::refusal_in(error) {
            return refusal.into();
        }
        if error.is_timeout() {
            return self.timeout_error();
        }
        FetchError::Network(describe(error))
    }
}

/// The next address of a redirect response, resolved against the current one; `None` when the
/// response has no `Location` (it is then treated as the status it is).
fn redirect_target(current: &Url, headers: &HeaderMap) -> Result<Option<Url>, FetchError> {
    let Some(location) = headers.get(header::LOCATION) else {
        return Ok(None);
    };
    let location = location
        .to_str()
        .map_err(|_| FetchError::BadUrl("a redirect to an unreadable address".into()))?;
    current
        .join(location)
        .map(Some)
        .map_err(|e| FetchError::BadUrl(format!("{location}: {e}")))
}

/// `text/html` and `application/xhtml+xml`, whatever their parameters and case.
fn is_html(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(essence.as_str(), "text/html" | "application/xhtml+xml" | "")
}

/// An error with its causes, outermost first: reqwest's own message rarely says what failed.
fn describe(error: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut current = error.source();
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_content_types_are_recognised_and_others_are_not() {
        assert!(is_html("text/html"));
        assert!(is_html("Text/HTML; charset=windows-1256"));
        assert!(is_html("application/xhtml+xml"));
        assert!(!is_html("application/pdf"));
        assert!(!is_html("image/png"));
        assert!(!is_html("application/json; charset=utf-8"));
    }

    #[test]
    fn relative_redirects_are_resolved_against_the_current_address() {
        let current = Url::parse("https://news.example/a/b?x=1").expect("an address");
        let mut headers = HeaderMap::new();
        headers.insert(header::LOCATION, "../c".parse().expect("a header"));
        assert_eq!(
            redirect_target(&current, &headers)
                .expect("a target")
                .map(String::from),
            Some("https://news.example/c".to_string())
        );
        headers.insert(
            header::LOCATION,
            "//other.example/d".parse().expect("a header"),
        );
        assert_eq!(
            redirect_target(&current, &headers)
                .expect("a target")
                .map(String::from),
            Some("https://other.example/d".to_string())
        );
        assert_eq!(redirect_target(&current, &HeaderMap::new()), Ok(None));
    }

    #[test]
    fn only_malformed_non_http_and_private_addresses_are_permanent_failures() {
        assert!(FetchError::Scheme.is_permanent());
        assert!(FetchError::BadUrl("x".into()).is_permanent());
        assert!(FetchError::PrivateAddress {
            host: "a".into(),
            address: "127.0.0.1".into()
        }
        .is_permanent());
        for transient in [
            FetchError::Status(500),
            FetchError::Status(404),
            FetchError::Timeout(1),
            FetchError::TooLarge(10),
            FetchError::Dns("x".into()),
            FetchError::Network("x".into()),
        ] {
            assert!(!transient.is_permanent(), "{transient:?}");
        }
    }
}
