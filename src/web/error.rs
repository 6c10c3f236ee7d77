//! The web layer's one error type: every handler error becomes a status code here, and an
//! HTML error page (or, for the JSON API, a JSON body).

use actix_web::http::{header, header::ContentType, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::i18n::{Lang, Messages, UiLang};
use super::page::PageContext;

/// Seconds a client is asked to wait (`Retry-After`) when the database is unavailable.
const RETRY_AFTER_SECS: &str = "5";

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
    /// Known to be down (see `AppState::db_down`), so not even tried.
    #[error("database unavailable")]
    DatabaseDown,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Render(#[from] askama::Error),
    #[error("a blocking task failed: {0}")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
    /// The address exists but not for this method: 405 with `Allow` (the methods it takes).
    #[error("method not allowed (allowed: {0})")]
    MethodNotAllowed(String),
    /// Any other refusal of a request (415 and the like), with what to tell the client.
    #[error("{1}")]
    Refused(StatusCode, String),
}

/// A query that failed because the connection to the database broke (the server stopped or
/// restarted while the request held a connection): the database is unavailable, not broken.
fn connection_lost(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    )
}

/// Whether errors of this request are answered in JSON: the JSON API, `/healthz` and the
/// `.json` documents; every other path gets an HTML error page.
pub fn wants_json(req: &HttpRequest) -> bool {
    let path = req.path();
    path == "/api" || path.starts_with("/api/") || path == "/healthz" || path.ends_with(".json")
}

/// The labels an error detail is written with: English for JSON, else the interface language.
pub fn messages_for(req: &HttpRequest) -> &'static Messages {
    if wants_json(req) {
        Lang::En.messages()
    } else {
        UiLang::of(req).messages()
    }
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
            AppError::Unavailable(_) | AppError::DatabaseDown => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if connection_lost(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Refused(status, _) => *status,
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
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "error.unsupported_media_type",
            StatusCode::METHOD_NOT_ALLOWED => "error.method_not_allowed",
            StatusCode::SERVICE_UNAVAILABLE => "error.unavailable",
            status if status.is_client_error() => "error.bad_request",
            _ => "error.internal",
        }
    }

    fn log(&self) {
        match self.status() {
            StatusCode::SERVICE_UNAVAILABLE => {
                tracing::warn!(error = %self, "database unavailable")
            }
            status if status.is_server_error() => tracing::error!(error = %self, "request failed"),
            _ => {}
        }
    }

    /// A response builder with the error's status (and `Retry-After` when it is a 503).
    fn builder(&self) -> actix_web::HttpResponseBuilder {
        let mut builder = HttpResponse::build(self.status());
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            builder.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS));
        }
        if let AppError::MethodNotAllowed(allow) = self {
            builder.insert_header((header::ALLOW, allow.as_str()));
        }
        // An error is about this one request: no browser or proxy keeps it.
        builder.insert_header((header::CACHE_CONTROL, "no-store"));
        builder
    }

    /// The error as this request expects it: JSON for the API (see [`wants_json`]), else the
    /// error page in the request's interface language.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        if wants_json(req) {
            self.json()
        } else {
            self.page(PageContext::from_request(req))
        }
    }

    /// The error for a response actix-web (or a handler) produced with only a status and a
    /// plain-text reason.
    pub fn from_status(status: StatusCode, reason: String) -> AppError {
        match status {
            StatusCode::NOT_FOUND => AppError::NotFound,
            StatusCode::BAD_REQUEST => AppError::BadRequest(reason),
            StatusCode::UNAUTHORIZED => AppError::Unauthorized,
            StatusCode::FORBIDDEN => AppError::Forbidden(reason),
            status if status.is_client_error() => AppError::Refused(status, reason),
            _ => AppError::Unexpected(anyhow::anyhow!("{status}: {reason}")),
        }
    }

    /// A user-facing detail, for client errors only.
    fn detail(&self) -> Option<String> {
        match self {
            AppError::BadRequest(msg) | AppError::Forbidden(msg) | AppError::Refused(_, msg) => {
                Some(msg.clone())
            }
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
        self.builder().content_type(ContentType::html()).body(body)
    }

    /// The JSON body used by `/api/` routes: `{"error": {"status", "message"}}`.
    pub fn json(&self) -> HttpResponse {
        self.log();
        let message = match self.detail() {
            Some(detail) => detail,
            None => Lang::En.messages().get(self.message_key()).to_string(),
        };
        self.builder().json(serde_json::json!({
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
