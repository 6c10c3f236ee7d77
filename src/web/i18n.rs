//! Interface language: which one a request gets, and the labels in it.
//!
//! Labels live in per-language message files (`src/web/messages/*.toml`), never in templates.

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::sync::LazyLock;

use actix_web::body::MessageBody;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest};

use crate::domain::linking::title::{MONTHS_AR, MONTHS_EN};

/// The cookie that remembers the language a visitor switched to.
pub const LANG_COOKIE: &str = "lang";
/// How long the choice is remembered.
const LANG_COOKIE_DAYS: i64 = 365;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ar];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Ar => "rtl",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            c if c == "en" || c.starts_with("en-") => Some(Lang::En),
            c if c == "ar" || c.starts_with("ar-") => Some(Lang::Ar),
            _ => None,
        }
    }

    /// The first supported language in an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::from_code(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, lang)| *lang)
    }

    /// The language's labels.
    pub fn messages(self) -> &'static Messages {
        static CATALOGUES: LazyLock<[Messages; 2]> = LazyLock::new(|| {
            [
                Messages::parse(include_str!("messages/en.toml")),
                Messages::parse(include_str!("messages/ar.toml")),
            ]
        });
        match self {
            Lang::En => &CATALOGUES[0],
            Lang::Ar => &CATALOGUES[1],
        }
    }
}

impl Lang {
    /// A number as the interface shows it: digits grouped in threes (`12,500`).
    ///
    /// Both languages use Latin digits with a comma, as CLDR's Arabic locale does with Latin
    /// numbering (`ar-u-nu-latn`): the figures must read exactly as the sources print them, and
    /// most Arabic news sites print Latin digits. Any run of four or more digits in a longer text
    /// (`12000–15000`) is grouped the same way; signs and separators stay.
    pub fn num(self, value: impl std::fmt::Display) -> String {
        group_digits(&value.to_string())
    }

    /// The ISO dates (`2024-03-12`, optionally followed by ` 14:05`) in `text`, written in this
    /// language: `12 March 2024`, `12 مارس 2024`. Anything else in the text is kept as it is, so
    /// ranges (`2024-03-12 – 2024-03-14`) and empty strings work too.
    pub fn date(self, text: impl std::fmt::Display) -> String {
        let text = text.to_string();
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len() + 16);
        let mut i = 0;
        while i < text.len() {
            if let Some((year, month, day)) = iso_date_at(bytes, i) {
                let months = match self {
                    Lang::En => &MONTHS_EN,
                    Lang::Ar => &MONTHS_AR,
                };
                out.push_str(&format!("{day} {} {year}", months[month - 1]));
                i += 10;
                continue;
            }
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
        out
    }

    /// The `Set-Cookie` that remembers this language for a year.
    pub fn cookie(self, secure: bool) -> Cookie<'static> {
        Cookie::build(LANG_COOKIE, self.code())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .max_age(CookieDuration::days(LANG_COOKIE_DAYS))
            .finish()
    }
}

/// `YYYY-MM-DD` starting at byte `i`, not glued to other digits.
fn iso_date_at(b: &[u8], i: usize) -> Option<(u32, usize, u32)> {
    let s = b.get(i..i + 10)?;
    let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    if !(digits(&s[0..4]) && s[4] == b'-' && digits(&s[5..7]) && s[7] == b'-' && digits(&s[8..10]))
    {
        return None;
    }
    if i > 0 && b[i - 1].is_ascii_digit() || b.get(i + 10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: &[u8]| r.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (year, month, day) = (num(&s[0..4]), num(&s[5..7]) as usize, num(&s[8..10]));
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// Groups every run of four or more ASCII digits in threes, unless it follows a decimal point.
fn group_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut run = String::new();
    let mut after_point = false;
    let flush = |run: &mut String, out: &mut String, after_point: bool| {
        if run.len() >= 4 && !after_point {
            for (k, d) in run.chars().enumerate() {
                if k > 0 && (run.len() - k).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(d);
            }
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    let mut prev = ' ';
    for ch in text.chars() {
        if ch.is_ascii_digit() {
            if run.is_empty() {
                after_point = prev == '.';
            }
            run.push(ch);
        } else {
            flush(&mut run, &mut out, after_point);
            out.push(ch);
        }
        prev = ch;
    }
    flush(&mut run, &mut out, after_point);
    out
}

/// The labels of one interface language.
#[derive(Debug)]
pub struct Messages {
    labels: HashMap<String, String>,
}

impl Messages {
    fn parse(text: &str) -> Messages {
        // The files ship inside the binary; a unit test parses them, so this cannot fail at run time.
        let table: toml::Table = text.parse().unwrap_or_default();
        let mut labels = HashMap::new();
        flatten("", &table, &mut labels);
        Messages { labels }
    }

    /// The label for `key`; the key itself when it is missing, so a gap shows instead of breaking a page.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map(String::as_str).unwrap_or(key)
    }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

/// The interface language of a request: `?lang=`, then the `lang` cookie, then
/// `Accept-Language`, then English.
#[derive(Debug, Clone, Copy)]
pub struct UiLang(pub Lang);

/// The language a query string asks for (`?lang=ar`), if any.
fn query_lang(query: &str) -> Option<Lang> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == "lang").then(|| Lang::from_code(v)).flatten()
    })
}

impl UiLang {
    pub fn of(req: &HttpRequest) -> Lang {
        query_lang(req.query_string())
            .or_else(|| {
                req.cookie(LANG_COOKIE)
                    .and_then(|c| Lang::from_code(c.value()))
            })
            .or_else(|| {
                req.headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or(Lang::En)
    }
}

impl FromRequest for UiLang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(UiLang(UiLang::of(req))))
    }
}

/// Remembers a `?lang=` switch in the `lang` cookie (so every later page keeps the language),
/// and tells caches that pages differ by language.
pub async fn remember_lang(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let asked = query_lang(req.query_string());
    let remembered = req
        .cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()));
    // Same rule as the session cookies (`auth.rs`): Secure when the request arrived over https,
    // which behind a proxy is what `X-Forwarded-Proto` / `Forwarded` says.
    let secure = req.connection_info().scheme() == "https";
    let mut res = next.call(req).await?;
    if let Some(lang) = asked.filter(|l| Some(*l) != remembered) {
        res.response_mut()
            .add_cookie(&lang.cookie(secure))
            .map_err(actix_web::error::ErrorInternalServerError)?;
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        res.headers_mut().append(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_message_files_parse_and_have_the_same_keys() {
        let en = Messages::parse(include_str!("messages/en.toml"));
        let ar = Messages::parse(include_str!("messages/ar.toml"));
        assert!(!en.labels.is_empty());
        let mut en_keys: Vec<_> = en.labels.keys().collect();
        let mut ar_keys: Vec<_> = ar.labels.keys().collect();
        en_keys.sort();
        ar_keys.sort();
        assert_eq!(
            en_keys, ar_keys,
            "en.toml and ar.toml must define the same labels"
        );
        assert!(include_str!("messages/en.toml")
            .parse::<toml::Table>()
            .is_ok());
        assert!(include_str!("messages/ar.toml")
            .parse::<toml::Table>()
            .is_ok());
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        let cases = [
            ("ar-SY,ar;q=0.9,en;q=0.8", Some(Lang::Ar)),
            ("fr-FR,en;q=0.5,ar;q=0.4", Some(Lang::En)),
            ("en;q=0.1, ar;q=0.9", Some(Lang::Ar)),
            ("fr, de", None),
        ];
        for (header, want) in cases {
            assert_eq!(
                Lang::from_accept_language(header),
                want,
                "header {header:?}"
            );
        }
    }

    #[test]
    fn numbers_are_grouped_in_threes() {
        let cases = [
            ("7", "7"),
            ("999", "999"),
            ("1000", "1,000"),
            ("-1234567", "-1,234,567"),
            ("12000–15000", "12,000–15,000"),
            ("3.14159", "3.14159"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(Lang::En.num(raw), want, "{raw:?}");
            assert_eq!(Lang::Ar.num(raw), want, "{raw:?}");
        }
        assert_eq!(Lang::En.num(40_000_i64), "40,000");
        assert_eq!(Lang::Ar.num(27_usize), "27");
    }

    #[test]
    fn dates_are_written_in_the_interface_language() {
        assert_eq!(Lang::En.date("2024-03-12"), "12 March 2024");
        assert_eq!(Lang::Ar.date("2018-05-23"), "23 مايو 2018");
        assert_eq!(Lang::En.date("2024-03-12 09:05"), "12 March 2024 09:05");
        assert_eq!(
            Lang::En.date("2024-03-01 – 2024-03-14"),
            "1 March 2024 – 14 March 2024"
        );
        // Not dates: kept as they are.
        for text in ["", "2024-13-01", "12024-03-01", "n/a", "2024-03"] {
            assert_eq!(Lang::Ar.date(text), text);
        }
    }

    #[test]
    fn a_language_switch_is_parsed_from_the_query() {
        assert_eq!(query_lang("lang=ar"), Some(Lang::Ar));
        assert_eq!(query_lang("version=2&lang=en"), Some(Lang::En));
        assert_eq!(query_lang("lang=fr"), None);
        assert_eq!(query_lang(""), None);
        let cookie = Lang::Ar.cookie(true);
        assert_eq!((cookie.name(), cookie.value()), (LANG_COOKIE, "ar"));
        assert_eq!(cookie.secure(), Some(true));
        assert_eq!(cookie.path(), Some("/"));
    }

    #[test]
    fn a_missing_label_shows_its_key() {
        assert_eq!(Lang::En.messages().get("no.such.label"), "no.such.label");
    }
}
