//! The article read out of a page's HTML (readability, by `dom_smoothie`), with the page's
//! metadata. The text is kept as paragraphs separated by a blank line, because claimdb's
//! extractor and its version diff work paragraph by paragraph.

use chrono::NaiveDate;
use dom_smoothie::{Config, Readability, TextMode};

use super::meta::{self, PageMeta};

/// Placeholders of advertisement slots that readability keeps because they sit inside the
/// article's body; a paragraph that is only one of them is dropped.
const AD_LABELS: &[&str] = &[
    "advertisement",
    "advert",
    "sponsored",
    "sponsored content",
    "story continues below advertisement",
    "article continues below advertisement",
    "إعلان",
    "اعلان",
    "publicité",
    "publicidad",
    "pubblicità",
    "publicidade",
];

/// Fewer letters than this is a notice ("Page not found", "Subscribe to read"), not an article.
const MIN_ARTICLE_LETTERS: usize = 100;

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
    let config = Config {
        // Line breaks after block elements: the paragraphs survive into the text.
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    // An address readability cannot use (it wants an absolute one) only costs relative links.
    let mut readability = Readability::new(html, Some(url), Some(config.clone()))
        .or_else(|_| Readability::new(html, None, Some(config)))
        .map_err(|_| ReadError::NoArticle)?;
    let article = readability.parse().map_err(|_| ReadError::NoArticle)?;
    let text = paragraphs(&article.text_content);
    if text.chars().filter(|c| c.is_alphabetic()).count() < MIN_ARTICLE_LETTERS {
        return Err(ReadError::NoArticle);
    }
    let page = PageMeta::read(html);
    let site_name = tidy(article.site_name.as_deref());
    let title = meta::clean_title(&article.title, site_name.as_deref());
    let published = article
        .published_time
        .as_deref()
        .and_then(meta::parse_date)
        .or(page.published);
    let lang = article
        .lang
        .as_deref()
        .and_then(meta::normalise_lang)
        .or(page.lang)
        .or_else(|| meta::lang_from_text(&text));
    let dir = page
        .dir
        .or_else(|| article.dir.as_deref().and_then(meta::normalise_dir))
        .or_else(|| lang.as_deref().map(|l| meta::dir_of_lang(l).to_string()));
    Ok(ReadArticle {
        title,
        text,
        byline: tidy(article.byline.as_deref()).map(|b| strip_by(&b)),
        site_name,
        published,
        lang,
        dir,
    })
}

/// Readability's formatted text as paragraphs: each line (a block element, a list item, a line
/// break) becomes a paragraph, its whitespace collapsed, and paragraphs are separated by one
/// blank line.
fn paragraphs(formatted: &str) -> String {
    formatted
        .lines()
        .map(|line| {
            line.split(|c: char| c.is_whitespace() || is_invisible(c))
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|line| !line.is_empty() && !is_ad_label(line))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn is_ad_label(paragraph: &str) -> bool {
    let label = paragraph
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    AD_LABELS.contains(&label.as_str())
}

/// Zero-width and byte-order characters that pages leave between words.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}')
}

fn tidy(value: Option<&str>) -> Option<String> {
    let value = value?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!value.is_empty()).then_some(value)
}

/// `By Jane Doe` → `Jane Doe`.
fn strip_by(byline: &str) -> String {
    match byline.get(..3) {
        Some(prefix) if prefix.eq_ignore_ascii_case("by ") => byline[3..].trim().to_string(),
        _ => byline.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatted_text_becomes_paragraphs_separated_by_a_blank_line() {
        let formatted = "  First   paragraph\u{00A0}here. \n\n\n Second\u{200B} one.\nA list item\n\nADVERTISEMENT\n\n- Advertisement -\n";
        assert_eq!(
            paragraphs(formatted),
            "First paragraph here.\n\nSecond one.\n\nA list item"
        );
    }

    #[test]
    fn bylines_lose_their_by() {
        assert_eq!(strip_by("By Jane Doe"), "Jane Doe");
        assert_eq!(strip_by("Byron Smith"), "Byron Smith");
        assert_eq!(strip_by("جين دو"), "جين دو");
    }

    #[test]
    fn a_page_without_paragraphs_has_no_article() {
        let page = "<html><head><title>Not found</title></head><body><nav><a href=/>Home</a></nav>\
                    <h1>Page not found</h1><p>Sorry, this page does not exist.</p></body></html>";
        assert_eq!(
            read_article(page, "https://news.example/x"),
            Err(ReadError::NoArticle)
        );
        assert_eq!(
            read_article("", "https://news.example/x"),
            Err(ReadError::NoArticle)
        );
    }

    #[test]
    fn an_article_is_read_with_its_metadata() {
        let page = r#"<html lang="en-GB"><head><title>Strike kills 15 in town - Example News</title>
            <meta property="og:site_name" content="Example News">
            <meta property="article:published_time" content="2024-03-01T09:00:00+02:00">
            <meta name="author" content="Jane Doe"></head><body>
            <article><h1>Strike kills 15 in town</h1>
            <p>At least 15 people were killed and 30 wounded in an air strike on the town on Friday,
            the civil defence said, in one of the deadliest attacks on the area this year.</p>
            <p>Rescuers were still searching the rubble of two buildings late in the evening, and
            the toll was expected to rise as more bodies were recovered from the site.</p>
            </article></body></html>"#;
        let article = read_article(page, "https://news.example/a").expect("an article");
        assert_eq!(article.title, "Strike kills 15 in town");
        assert_eq!(article.site_name.as_deref(), Some("Example News"));
        assert_eq!(article.byline.as_deref(), Some("Jane Doe"));
        assert_eq!(article.published, NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(article.lang.as_deref(), Some("en"));
        assert_eq!(article.dir.as_deref(), Some("ltr"));
        let paragraphs: Vec<&str> = article.text.split("\n\n").collect();
        assert!(
            paragraphs
                .iter()
                .any(|p| p.starts_with("At least 15 people were killed")
                    && p.ends_with("this year.")),
            "{:?}",
            article.text
        );
        assert!(paragraphs.iter().any(|p| p.starts_with("Rescuers")));
    }
}
