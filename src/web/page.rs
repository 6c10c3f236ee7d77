//! What every page's layout needs: the interface language and its labels.

use actix_web::HttpRequest;

use super::i18n::{Lang, Messages, UiLang};

#[derive(Debug, Clone)]
pub struct PageContext {
    pub lang: Lang,
    pub t: &'static Messages,
    /// The request path, for the language switch link.
    pub path: String,
}

impl PageContext {
    pub fn new(lang: Lang, path: &str) -> Self {
        PageContext {
            lang,
            t: lang.messages(),
            path: path.to_string(),
        }
    }

    pub fn from_request(req: &HttpRequest) -> Self {
        PageContext::new(UiLang::of(req), req.path())
    }

    /// The other interface language, for the switch link.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::En => Lang::Ar,
            Lang::Ar => Lang::En,
        }
    }
}
