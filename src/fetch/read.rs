//! The article read out of a page's HTML (readability), with the page's metadata.
//!
//! INTERFACE STUB: see `mod.rs`.

use chrono::NaiveDate;

/// What a page says its article is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadArticle {
    pub title: String,
    /// The article's text without the site's chrome: paragraphs separated by a blank line.
    pub text: String,
    pub byline: Option<String>,
    pub site_name: Option<String>,
    /// From the page's metadata (`article:published_time`, JSON-LD `datePublished`, ...).
    pub published: Option<NaiveDate>,
    /// `ar`, `en`, ... from `<html lang>` or the metadata, when the page says.
    pub lang: Option<String>,
    /// `rtl` or `ltr`, when the page says.
    pub dir: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("no article text was found on the page")]
    NoArticle,
}

/// Reads the article out of `html` fetched from `url` (for relative links).
pub fn read_article(html: &str, url: &str) -> Result<ReadArticle, ReadError> {
    let _ = (html, url);
    Err(ReadError::NoArticle)
}
