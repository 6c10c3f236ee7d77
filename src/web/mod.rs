//! The web layer: one route table, handlers, and the error type that renders error pages.

pub mod error;
pub mod health;
pub mod home;
pub mod i18n;
pub mod page;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::config::AppSettings;
use crate::db::{DbConn, DbPool};
pub use error::{ApiError, AppError, AppResult};
use page::PageContext;

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    pub settings: AppSettings,
}

impl AppState {
    pub fn new(pool: DbPool, settings: AppSettings) -> Self {
        AppState { pool, settings }
    }

    /// Runs blocking database work on actix's thread pool with a pooled connection.
    pub async fn with_conn<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }
}

/// The single route table.
pub fn configure(cfg: &mut web::ServiceConfig, max_body_bytes: usize) {
    cfg.app_data(web::FormConfig::default().limit(max_body_bytes))
        .app_data(web::JsonConfig::default().limit(max_body_bytes))
        .app_data(web::PayloadConfig::default().limit(max_body_bytes))
        .route("/", web::get().to(home::list_recent_articles))
        .route("/healthz", web::get().to(health::health_check))
        .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    AppError::NotFound.page(PageContext::from_request(&req))
}
