//! An article as submitted (form, JSON API or import), validated into what is stored.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::sync::OnceLock;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use super::language::detect_language;

pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_OUTLET_CHARS: usize = 200;
pub const MAX_URL_BYTES: usize = 2048;

/// The fields as the user gave them; every one optional so that nothing typed is lost when the
/// form is shown again with errors.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RawSubmission {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub lang: Option<String>,
}

/// A valid submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// The text as pasted, with line endings unified to `\n`.
    pub text: String,
    pub title: String,
    pub url: Option<String>,
    /// The address as the submitter wrote it (Arabic letters, or percent-escapes), shown and
    /// exported; `url` is its normalised form, which identifies the article. `None` when the
    /// written form carried more than the address (a `user:password@` part).
    pub url_as_given: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub lang: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Text,
    Title,
    Url,
    Outlet,
    Published,
    Lang,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Text => "text",
            Field::Title => "title",
            Field::Url => "url",
            Field::Outlet => "outlet",
            Field::Published => "published",
            Field::Lang => "lang",
        }
    }
}

/// Why a field was refused; `code` names a label in the interface's message files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: Field,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            code,
            message: message.into(),
        }
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Checks every field and reports every problem at once.
pub fn validate(raw: &RawSubmission, max_text_bytes: usize) -> Result<Submission, Vec<FieldError>> {
    let mut errors = Vec::new();

    let text = raw
        .text
        .as_deref()
        .unwrap_or("")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    if text.trim().is_empty() {
        errors.push(FieldError::new(
            Field::Text,
            "validation.text_required",
            "the article text is required",
        ));
    } else if text.len() > max_text_bytes {
        errors.push(FieldError::new(
            Field::Text,
            "validation.text_too_long",
            format!(
                "the text is {} bytes; at most {max_text_bytes} are accepted",
                text.len()
            ),
        ));
    }
    for (field, value) in [
        (Field::Text, Some(text.as_str())),
        (Field::Title, raw.title.as_deref()),
        (Field::Url, raw.url.as_deref()),
        (Field::Outlet, raw.outlet.as_deref()),
    ] {
        if value.is_some_and(|v| v.contains('\0')) {
            errors.push(FieldError::new(
                field,
                "validation.nul",
                "contains NUL characters, which cannot be stored",
            ));
        }
    }

    let title = match non_empty(&raw.title) {
        Some(title) => Some(title.to_string()),
        None => first_line(&text),
    };
    let title = title.map(|t| truncate_chars(&t, MAX_TITLE_CHARS));
    if let Some(t) = non_empty(&raw.title) {
        if t.chars().count() > MAX_TITLE_CHARS {
            errors.push(FieldError::new(
                Field::Title,
                "validation.title_too_long",
                format!("the title is longer than {MAX_TITLE_CHARS} characters"),
            ));
        }
    }

    let url = match non_empty(&raw.url) {
        None => None,
        Some(u) => match normalize_url(u) {
            Ok(u) => Some(u),
            Err(message) => {
                errors.push(FieldError::new(
                    Field::Url,
                    "validation.url_invalid",
                    message,
                ));
                None
            }
        },
    };

    let outlet = non_empty(&raw.outlet).map(|o| o.split_whitespace().collect::<Vec<_>>().join(" "));
    if outlet
        .as_deref()
        .is_some_and(|o| o.chars().count() > MAX_OUTLET_CHARS)
    {
        errors.push(FieldError::new(
            Field::Outlet,
            "validation.outlet_too_long",
            format!("the outlet name is longer than {MAX_OUTLET_CHARS} characters"),
        ));
    }

    let published = match non_empty(&raw.published) {
        None => None,
        Some(p) => match parse_published(p) {
            Ok(p) => Some(p),
            Err(message) => {
                errors.push(FieldError::new(
                    Field::Published,
                    "validation.published_invalid",
                    message,
                ));
                None
            }
        },
    };

    let lang = match non_empty(&raw.lang) {
        Some(l) => {
            let l = l.to_ascii_lowercase();
            if (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()) {
                l
            } else {
                errors.push(FieldError::new(
                    Field::Lang,
                    "validation.lang_invalid",
                    "the language must be a two- or three-letter code such as ar or en",
                ));
                String::new()
            }
        }
        None => match detect_language(&text) {
            "und" => "en".to_string(),
            detected => detected.to_string(),
        },
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    let url_as_given = match (&url, non_empty(&raw.url)) {
        (Some(u), Some(given)) => url_as_given(given, u),
        _ => None,
    };
    Ok(Submission {
        title: title.unwrap_or_else(|| "(untitled)".to_string()),
        text,
        url,
        url_as_given,
        outlet,
        published,
        lang,
    })
}

/// An address submitted for claimdb to fetch (a url and no text), validated; what the
/// submitter typed beside it is used when the page does not say.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressSubmission {
    pub url: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub lang: Option<String>,
}

/// Whether a submission is by address: an address and no text (pasted text always wins).
pub fn is_by_address(raw: &RawSubmission) -> bool {
    non_empty(&raw.url).is_some() && non_empty(&raw.text).is_none()
}

/// Checks the fields of a submission by address, every problem at once, with the same rules
/// as [`validate`] (the article text, still to be fetched, is not asked for).
pub fn validate_address(raw: &RawSubmission) -> Result<AddressSubmission, Vec<FieldError>> {
    if non_empty(&raw.url).is_none() {
        return Err(vec![FieldError::new(
            Field::Url,
            "fetch.url_required",
            "an address (or the article text) is required",
        )]);
    }
    // The same checks as a pasted article's, with a stand-in text that passes them.
    let stand_in = RawSubmission {
        text: Some("-".to_string()),
        ..raw.clone()
    };
    let valid = validate(&stand_in, usize::MAX).map_err(|mut errors| {
        // Neither a text nor a usable address: both are said.
        if errors.iter().any(|e| e.field == Field::Url) {
            errors.insert(
                0,
                FieldError::new(
                    Field::Text,
                    "validation.text_required",
                    "the article text is required",
                ),
            );
        }
        errors
    })?;
    Ok(AddressSubmission {
        url: valid.url.unwrap_or_default(),
        title: non_empty(&raw.title).map(|_| valid.title),
        outlet: valid.outlet,
        published: valid.published,
        lang: non_empty(&raw.lang).map(|_| valid.lang),
    })
}

/// What a fetched page says about its article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageArticle<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub site_name: Option<&'a str>,
    pub published: Option<NaiveDate>,
    /// As the page gives it (`en-GB`, `ar`, ...).
    pub lang: Option<&'a str>,
}

/// The submission a fetched page makes: the page's text and title (the submitter's title when
/// the page has none); the outlet and date the submitter gave, else the page's; the page's
/// language, else the submitter's, else detected from the text. Validated like any submission
/// (a page over the size limit is refused, never cut).
pub fn page_submission(
    address: &AddressSubmission,
    page: &PageArticle,
    max_text_bytes: usize,
) -> Result<Submission, Vec<FieldError>> {
    let title = Some(page.title.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .map(|t| truncate_chars(&t, MAX_TITLE_CHARS))
        .or_else(|| address.title.clone());
    let site_name = page
        .site_name
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| truncate_chars(s, MAX_OUTLET_CHARS));
    let raw = RawSubmission {
        text: Some(page.text.to_string()),
        title,
        url: Some(address.url.clone()),
        outlet: address.outlet.clone().or(site_name),
        published: address
            .published
            .map(|d| d.to_rfc3339())
            .or_else(|| page.published.map(|d| d.format("%Y-%m-%d").to_string())),
        lang: page
            .lang
            .and_then(primary_language)
            .or_else(|| address.lang.clone()),
    };
    validate(&raw, max_text_bytes)
}

/// The primary language of a tag such as `en-GB` or `ar_SY`, when it is a two- or
/// three-letter code.
pub fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    ((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase()))
        .then_some(primary)
}

/// The first non-empty line, which is the headline in a pasted article.
fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// An absolute http(s) address, with its host lower-cased and any `#fragment` dropped (the same
/// page either way). A `user:password@` part is dropped too: addresses are stored and shown
/// publicly, and claimdb never signs in to a site.
pub fn normalize_url(input: &str) -> Result<String, String> {
    if input.len() > MAX_URL_BYTES {
        return Err(format!("the address is longer than {MAX_URL_BYTES} bytes"));
    }
    let mut url = url::Url::parse(input.trim()).map_err(|e| {
        format!("not a valid address ({e}); it should look like https://example.com/story")
    })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err("only http:// and https:// addresses are accepted".to_string());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the address has no host".to_string());
    }
    url.set_fragment(None);
    strip_userinfo(&mut url);
    Ok(url.to_string())
}

/// The address as written, trimmed and without its `#fragment`, when it holds nothing that
/// must not be stored or shown (a `user:password@` part) and names the same page as `normalized`.
pub fn url_as_given(input: &str, normalized: &str) -> Option<String> {
    let given = input.trim();
    let given = given.split_once('#').map_or(given, |(page, _)| page);
    let authority = given
        .split_once("//")
        .map_or("", |(_, rest)| rest.split(['/', '?']).next().unwrap_or(""));
    (!authority.contains('@') && normalize_url(given).is_ok_and(|n| n == normalized))
        .then(|| given.to_string())
}

/// Drops `user:password@` from an address.
pub fn strip_userinfo(url: &mut url::Url) {
    // Only fails for addresses that cannot have userinfo at all, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
}

/// Accepts `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS]` and RFC 3339.
pub fn parse_published(input: &str) -> Result<DateTime<Utc>, String> {
    let s = input.trim();
    let parsed = DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            [
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .map(|d| Utc.from_utc_datetime(&d))
        })
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| Utc.from_utc_datetime(&d))
        });
    match parsed {
        Some(d)
            if (1900..=2100).contains(&d.format("%Y").to_string().parse::<i32>().unwrap_or(0)) =>
        {
            Ok(d)
        }
        Some(_) => Err("the date must lie between the years 1900 and 2100".to_string()),
        None => Err("not a date; use YYYY-MM-DD (optionally with a time)".to_string()),
    }
}

/// The text compared to decide whether two submissions are the same version: Unicode NFC, with
/// every run of whitespace made one space and the ends trimmed.
pub fn normalized_text(text: &str) -> String {
    let nfc = nfc(text);
    let mut out = String::with_capacity(nfc.len());
    for_each_word(&nfc, |w| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    });
    out
}

/// Calls `f` on each word of `text`, as `str::split_whitespace` yields them.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    for_each_word_range(text, |s, e| f(&text[s..e]));
}

/// Calls `f` with the byte range of each word of `text`, as `str::split_whitespace` yields
/// them.
fn for_each_word_range(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut word_start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (space, len) = match b {
            0..=0x7f => (matches!(b, b' ' | b'\t'..=b'\r'), 1),
            // the lead bytes of U+0085, U+00A0, U+1680, U+2000..U+205F and U+3000: the only
            // other whitespace
            0xc2 | 0xe1 | 0xe2 | 0xe3 => {
                let c = text[i..].chars().next().unwrap_or(' ');
                (c.is_whitespace(), c.len_utf8())
            }
            // any other lead or continuation byte is inside a non-space character
            _ => (false, 1),
        };
        match (space, word_start) {
            (true, Some(s)) => {
                f(s, i);
                word_start = None;
            }
            (false, None) => word_start = Some(i),
            _ => {}
        }
        i += len;
    }
    if let Some(s) = word_start {
        f(s, text.len());
    }
}

/// Whether the text is certainly in NFC: `is_nfc_quick` says `Yes`.
fn is_nfc_certain(text: &str) -> bool {
    if text.is_ascii() {
        return true;
    }
    let mut last_cc = 0u8;
    for c in text.chars() {
        if c.is_ascii() {
            last_cc = 0;
            continue;
        }
        let (yes, cc) = nfc_class(c);
        if !yes || (last_cc > cc && cc != 0) {
            return false;
        }
        last_cc = cc;
    }
    true
}

/// Whether a character passes the NFC quick check on its own, and its combining class;
/// looked up in a table built once for the first 2048 code points (Latin, Greek, Cyrillic,
/// Hebrew, Arabic).
fn nfc_class(c: char) -> (bool, u8) {
    fn slow(c: char) -> (bool, u8) {
        (
            is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes,
            canonical_combining_class(c),
        )
    }
    static TABLE: OnceLock<Vec<(bool, u8)>> = OnceLock::new();
    match TABLE
        .get_or_init(|| {
            (0..0x800u32)
                .map(|u| char::from_u32(u).map_or((false, 0), slow))
                .collect()
        })
        .get(c as usize)
    {
        Some(&entry) => entry,
        None => slow(c),
    }
}

/// The text in NFC, borrowed when it already is (the common case).
fn nfc(text: &str) -> Cow<'_, str> {
    if is_nfc_certain(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// sha256 (hex) of `normalized_text`, hashed without building it: runs of words already
/// separated by single spaces are hashed as they stand.
pub fn content_hash(text: &str) -> String {
    let nfc = nfc(text);
    let bytes = nfc.as_bytes();
    let mut hasher = Sha256::new();
    let mut run: Option<(usize, usize)> = None;
    for_each_word_range(&nfc, |s, e| match run {
        Some((rs, re)) if s == re + 1 && bytes[re] == b' ' => run = Some((rs, e)),
        Some((rs, re)) => {
            hasher.update(&bytes[rs..re]);
            hasher.update(b" ");
            run = Some((s, e));
        }
        None => run = Some((s, e)),
    });
    if let Some((rs, re)) = run {
        hasher.update(&bytes[rs..re]);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in hasher.finalize() {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xf)] as char);
    }
    out
}

/// Folds an outlet name to the key that decides whether two spellings are one outlet.
pub fn outlet_key(name: &str) -> String {
    let nfc: String = name.nfc().collect();
    nfc.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawSubmission {
        RawSubmission {
            text: Some(text.to_string()),
            ..RawSubmission::default()
        }
    }

    fn address(url: &str) -> AddressSubmission {
        validate_address(&RawSubmission {
            url: Some(url.to_string()),
            ..RawSubmission::default()
        })
        .unwrap()
    }

    #[test]
    fn a_url_without_text_is_a_submission_by_address_and_pasted_text_wins() {
        let by_address = RawSubmission {
            url: Some("https://example.com/a".into()),
            text: Some("  ".into()),
            ..RawSubmission::default()
        };
        assert!(is_by_address(&by_address));
        let pasted = RawSubmission {
            text: Some("Toll rises".into()),
            ..by_address.clone()
        };
        assert!(!is_by_address(&pasted), "text given: no fetch");
        assert!(!is_by_address(&RawSubmission::default()));
    }

    #[test]
    fn an_address_submission_checks_its_fields_like_a_pasted_one() {
        let errors = validate_address(&RawSubmission {
            url: Some("ftp://example.com/x".into()),
            published: Some("yesterday".into()),
            ..RawSubmission::default()
        })
        .unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![Field::Text, Field::Url, Field::Published],
            "no text and no usable address: both said"
        );
        let valid = validate_address(&RawSubmission {
            url: Some("https://Example.com/a#top".into()),
            outlet: Some("  Levant   Wire ".into()),
            ..RawSubmission::default()
        })
        .unwrap();
        assert_eq!(valid.url, "https://example.com/a");
        assert_eq!(valid.outlet.as_deref(), Some("Levant Wire"));
        assert_eq!(
            (valid.title, valid.lang),
            (None, None),
            "not typed: not made up"
        );
    }

    #[test]
    fn a_page_gives_text_title_outlet_date_and_language_unless_the_submitter_said() {
        let page = PageArticle {
            title: "  Toll rises\n to 19 ",
            text: "Nineteen people were killed, at least 19 civilians.",
            site_name: Some("Levant Wire"),
            published: NaiveDate::from_ymd_opt(2026, 11, 3),
            lang: Some("en-GB"),
        };
        let s = page_submission(&address("https://example.com/a"), &page, 10_000).unwrap();
        assert_eq!(s.title, "Toll rises to 19");
        assert_eq!(s.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(s.outlet.as_deref(), Some("Levant Wire"));
        assert_eq!(s.published.unwrap().format("%F").to_string(), "2026-11-03");
        assert_eq!(s.lang, "en");

        let mut given = address("https://example.com/a");
        given.outlet = Some("Wire (print)".into());
        given.published = Some(parse_published("2026-11-02").unwrap());
        let s = page_submission(&given, &page, 10_000).unwrap();
        assert_eq!(s.outlet.as_deref(), Some("Wire (print)"));
        assert_eq!(s.published.unwrap().format("%F").to_string(), "2026-11-02");
    }

    #[test]
    fn a_page_without_a_language_is_detected_and_an_oversized_page_is_refused() {
        let page = PageArticle {
            title: "",
            text: "قتل 15 مدنيا في قصف على البلدة، بحسب الدفاع المدني.",
            ..PageArticle::default()
        };
        let s = page_submission(&address("https://example.com/a"), &page, 10_000).unwrap();
        assert_eq!(s.lang, "ar");
        assert!(
            s.title.starts_with("قتل 15"),
            "no page title: the first line"
        );
        let errors = page_submission(&address("https://example.com/a"), &page, 10).unwrap_err();
        assert_eq!(errors[0].code, "validation.text_too_long");
    }

    #[test]
    fn primary_languages_are_read_from_tags() {
        assert_eq!(primary_language("en-GB").as_deref(), Some("en"));
        assert_eq!(primary_language("AR_sy").as_deref(), Some("ar"));
        assert_eq!(primary_language("english"), None);
        assert_eq!(primary_language(""), None);
    }

    #[test]
    fn the_title_defaults_to_the_first_non_empty_line() {
        let s = validate(&raw("\n\n  Toll rises to 19  \nBody text."), 1000).unwrap();
        assert_eq!(s.title, "Toll rises to 19");
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let r = RawSubmission {
            text: Some("   ".into()),
            url: Some("ftp://example.com/x".into()),
            published: Some("yesterday".into()),
            lang: Some("english".into()),
            ..RawSubmission::default()
        };
        let errors = validate(&r, 1000).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![Field::Text, Field::Url, Field::Published, Field::Lang]
        );
    }

    #[test]
    fn a_text_over_the_limit_is_refused_with_its_size() {
        let errors = validate(&raw(&"x".repeat(11)), 10).unwrap_err();
        assert_eq!(errors[0].code, "validation.text_too_long");
        assert!(errors[0].message.contains("11 bytes"));
    }

    #[test]
    fn nul_characters_are_refused() {
        let errors = validate(&raw("a\0b"), 100).unwrap_err();
        assert_eq!(errors[0].code, "validation.nul");
    }

    #[test]
    fn an_address_is_kept_as_written_unless_it_carries_a_password() {
        let cases = [
            (
                "https://example.com/حصيلة-قتلى#x",
                Some("https://example.com/حصيلة-قتلى"),
            ),
            (
                "  https://example.com/%d8%ad  ",
                Some("https://example.com/%d8%ad"),
            ),
            ("https://user:secret@example.com/story", None),
        ];
        for (input, want) in cases {
            let normalized = normalize_url(input).unwrap_or_default();
            assert_eq!(url_as_given(input, &normalized).as_deref(), want, "{input}");
        }
        // the normalised form identifies the page however it was written
        assert_eq!(
            normalize_url("https://example.com/حصيلة"),
            normalize_url("https://example.com/%D8%AD%D8%B5%D9%8A%D9%84%D8%A9")
        );
    }

    #[test]
    fn urls_are_normalised() {
        let cases = [
            (
                "https://Example.COM/a/b#comments",
                Ok("https://example.com/a/b"),
            ),
            ("  http://example.com  ", Ok("http://example.com/")),
            (
                "https://user:secret@example.com/story",
                Ok("https://example.com/story"),
            ),
            ("http://token@example.com/", Ok("http://example.com/")),
            ("javascript:alert(1)", Err(())),
            ("example.com/story", Err(())),
        ];
        for (input, want) in cases {
            let got = normalize_url(input).map_err(|_| ());
            assert_eq!(got, want.map(str::to_string), "input {input:?}");
        }
    }

    #[test]
    fn published_dates_accept_common_forms_and_refuse_the_absurd() {
        assert!(parse_published("2018-05-03").is_ok());
        assert!(parse_published("2018-05-03 14:20").is_ok());
        assert!(parse_published("2018-05-03T14:20:00+03:00").is_ok());
        assert!(parse_published("3018-05-03").is_err());
        assert!(parse_published("2018-13-03").is_err());
    }

    #[test]
    fn whitespace_and_unicode_form_do_not_change_the_hash() {
        let composed = "caf\u{e9}  killed\n\n19";
        let decomposed = "cafe\u{301} killed 19 ";
        assert_eq!(content_hash(composed), content_hash(decomposed));
        assert_ne!(content_hash("killed 19"), content_hash("killed 15"));
    }

    #[test]
    fn fast_normalization_and_hash_equal_the_plain_definition() {
        let reference = |t: &str| -> String {
            let nfc: String = t.nfc().collect();
            nfc.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        for t in [
            "",
            "   \n\t ",
            "killed 19",
            "  caf\u{e9}  killed\n\n19 ",
            "cafe\u{301} killed 19",
            "قُتل ١٥ شخصاً  في  إدلب\u{a0}أمس",
            "a\u{323}\u{307} \u{1100}\u{1161} Å ﬁ",
            "one two  three\u{a0}four\u{2003}five \u{3000}six\r\nseven\u{1680}eight\u{2029}",
            " x",
            "x ",
            "\u{85}x\u{85}y z\u{200b}w\u{e1}\u{3001}",
        ] {
            let want = reference(t);
            assert_eq!(normalized_text(t), want, "{t:?}");
            let digest = Sha256::digest(want.as_bytes());
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(content_hash(t), hex, "{t:?}");
            assert_eq!(
                is_nfc_certain(t),
                is_nfc_quick(t.chars()) == IsNormalized::Yes,
                "{t:?}"
            );
        }
        // the table-driven quick check, character by character and in pairs
        let chars: Vec<char> = (0..0x3000u32)
            .chain(0xac00..0xac10)
            .chain(0xfb00..0xfe00)
            .filter_map(char::from_u32)
            .collect();
        for (i, &c) in chars.iter().enumerate() {
            for t in [
                format!("{c}"),
                format!("a{c}\u{301}"),
                format!("\u{301}{c}"),
                format!("{c} {}", chars[(i * 7) % chars.len()]),
            ] {
                assert_eq!(
                    is_nfc_certain(&t),
                    is_nfc_quick(t.chars()) == IsNormalized::Yes,
                    "{t:?}"
                );
            }
        }
        // word splitting, against split_whitespace
        let ws = "a \t\n\u{b}\u{c}\r\u{85}\u{a0}\u{1680}\u{2000}\u{2028}\u{3000}\u{200b}b\u{1c}c";
        let mut words = Vec::new();
        for_each_word(ws, |w| words.push(w.to_string()));
        assert_eq!(words, ws.split_whitespace().collect::<Vec<_>>());
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let t = format!("a{c}b{c}");
            let mut words = Vec::new();
            for_each_word(&t, |w| words.push(w.to_string()));
            assert_eq!(words, t.split_whitespace().collect::<Vec<_>>(), "{t:?}");
        }
    }

    #[test]
    fn crlf_line_endings_become_lf() {
        let s = validate(&raw("Title\r\nBody"), 100).unwrap();
        assert_eq!(s.text, "Title\nBody");
    }

    #[test]
    fn outlet_spellings_fold_to_one_key() {
        assert_eq!(outlet_key(" Al  Jazeera "), outlet_key("al jazeera"));
    }
}
