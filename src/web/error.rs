//! The web layer's one error type: every handler error becomes a status code here, and an
//! HTML error page (or, for the JSON API, a JSON body).

use actix_web::http::{header::ContentType, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::i18n::Lang;
use super::page::PageContext;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("sign in to do this")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("database unavailable: {0}")]
    Unavailable(#[from] diesel::r2d2::PoolError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Render(#[from] askama::Error),
    #[error("a blocking task failed: {0}")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound | AppError::Db(diesel::result::Error::NotFound) => {
                StatusCode::NOT_FOUND
            }
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_)
            | AppError::Render(_)
            | AppError::Blocking(_)
            | AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The label key of the message shown to the user (internal details are logged, not shown).
    fn message_key(&self) -> &'static str {
        match self.status() {
            StatusCode::NOT_FOUND => "error.not_found",
            StatusCode::BAD_REQUEST => "error.bad_request",
            StatusCode::UNAUTHORIZED => "error.unauthorized",
            StatusCode::FORBIDDEN => "error.forbidden",
            StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
            StatusCode::SERVICE_UNAVAILABLE => "error.unavailable",
            _ => "error.internal",
        }
    }

    fn log(&self) {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
    }

    /// A user-facing detail, for client errors only.
    fn detail(&self) -> Option<String> {
        match self {
            AppError::BadRequest(msg) | AppError::Forbidden(msg) => Some(msg.clone()),
            AppError::PayloadTooLarge { .. } => Some(self.to_string()),
            _ => None,
        }
    }

    /// Renders the error page in the given interface language.
    pub fn page(&self, ctx: PageContext) -> HttpResponse {
        self.log();
        let page = ErrorPage {
            status: self.status().as_u16(),
            message: ctx.t.get(self.message_key()).to_string(),
            detail: self.detail(),
            ctx,
        };
        let body = page
            .render()
            .unwrap_or_else(|_| format!("{} {}", page.status, page.message));
        HttpResponse::build(self.status())
            .content_type(ContentType::html())
            .body(body)
    }

    /// The JSON body used by `/api/` routes: `{"error": {"status", "message"}}`.
    pub fn json(&self) -> HttpResponse {
        self.log();
        let message = match self.detail() {
            Some(detail) => detail,
            None => Lang::En.messages().get(self.message_key()).to_string(),
        };
        HttpResponse::build(self.status()).json(serde_json::json!({
            "error": { "status": self.status().as_u16(), "message": message }
        }))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        // Without the request we cannot know its language; handlers that can, call `page`.
        self.page(PageContext::new(Lang::En, "/"))
    }
}

/// Errors from `/api/` handlers: the same statuses, rendered as JSON.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub AppError);

impl<E> From<E> for ApiError
where
    E: Into<AppError> + NotAppError,
{
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// Marker for the error types that convert into `AppError` (keeps `From` coherent).
pub trait NotAppError {}
impl NotAppError for diesel::result::Error {}
impl NotAppError for diesel::r2d2::PoolError {}
impl NotAppError for actix_web::error::BlockingError {}
impl NotAppError for anyhow::Error {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.json()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageContext,
    pub status: u16,
    pub message: String,
    pub detail: Option<String>,
}
