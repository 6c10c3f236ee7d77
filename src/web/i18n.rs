//! Interface language: which one a request gets, and the labels in it.
//!
//! Labels live in per-language message files (`src/web/messages/*.toml`), never in templates.

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::sync::LazyLock;

use actix_web::{dev::Payload, http::header, FromRequest, HttpRequest};

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

impl UiLang {
    pub fn of(req: &HttpRequest) -> Lang {
        let from_query = req.query_string().split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == "lang").then(|| Lang::from_code(v)).flatten()
        });
        from_query
            .or_else(|| req.cookie("lang").and_then(|c| Lang::from_code(c.value())))
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
    fn a_missing_label_shows_its_key() {
        assert_eq!(Lang::En.messages().get("no.such.label"), "no.such.label");
    }
}
