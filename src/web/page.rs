//! What every page's layout needs: the interface language and its labels.

use actix_web::HttpRequest;

use super::auth::{csrf_token, current_user, SessionUser};
use super::i18n::{Lang, Messages, UiLang};

#[derive(Debug, Clone)]
pub struct PageContext {
    pub lang: Lang,
    pub t: &'static Messages,
    /// The request path, for the language switch link.
    pub path: String,
    pub user: Option<SessionUser>,
    /// Repeated in every state-changing form.
    pub csrf: FormToken,
}

/// The CSRF token as forms write it: unescaped, for it is either a token the servers signed
/// (hex digits) or the page cache's slot (`page_cache::TOKEN_SLOT`), which must reach the page
/// as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormToken(pub String);

impl std::fmt::Display for FormToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for FormToken {}

impl PageContext {
    pub fn new(lang: Lang, path: &str) -> Self {
        PageContext {
            lang,
            t: lang.messages(),
            path: path.to_string(),
            user: None,
            csrf: FormToken::default(),
        }
    }

    pub fn from_request(req: &HttpRequest) -> Self {
        PageContext {
            user: current_user(req),
            csrf: FormToken(csrf_token(req)),
            ..PageContext::new(UiLang::of(req), req.path())
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(SessionUser::is_admin)
    }

    /// The other interface language, for the switch link.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::En => Lang::Ar,
            Lang::Ar => Lang::En,
        }
    }
}
