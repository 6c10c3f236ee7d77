//! The web layer: one route table, handlers, and the error type that renders error pages.

pub mod admin;
pub mod api;
pub mod api_read;
pub mod articles;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod by_address;
pub mod claimreview;
pub mod conflicts;
pub mod error;
pub mod event_forms;
pub mod events;
pub mod exports;
pub mod feed;
pub mod hardening;
pub mod health;
pub mod home;
pub mod i18n;
pub mod lexicon;
pub mod page;
pub mod page_cache;
pub mod pending;
pub mod review;
pub mod search;
pub mod sources;
pub mod watches;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};

use crate::config::AppSettings;
use crate::db::{DbConn, DbPool};
use crate::domain::extract::Extractor;
pub use error::{ApiError, AppError, AppResult};
use page_cache::PageCache;

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    pub settings: AppSettings,
    /// Rebuilt when a reviewer edits the subject lexicon.
    extractor: RwLock<Arc<Extractor>>,
    /// Set when a connection could not be had and the pool held none at all: the database is
    /// down, and requests wait only [`WAIT_WHILE_DOWN`] for a connection until one succeeds.
    db_down: Arc<AtomicBool>,
    /// Copies of reading pages for anonymous readers.
    pub page_cache: PageCache,
    /// Fetches pages submitted by address; built on first use (see [`AppState::fetcher`]).
    fetcher: Mutex<Option<Arc<crate::fetch::Fetcher>>>,
    /// Signs the CSRF tokens this server issues (shared with the other servers through the
    /// database: `db::secrets`).
    csrf_key: Vec<u8>,
}

/// How long a request waits for a connection while the database is known to be down (the pool
/// keeps reconnecting in the background; the first request to find it back clears the mark).
pub const WAIT_WHILE_DOWN: Duration = Duration::from_millis(500);

/// A pooled connection: waits the pool's `connection_timeout` normally, only
/// [`WAIT_WHILE_DOWN`] while the database is marked down (see [`AppState::with_conn`]).
fn checkout(pool: &DbPool, down: &AtomicBool) -> Result<DbConn, diesel::r2d2::PoolError> {
    let result = if down.load(Ordering::Relaxed) {
        pool.get_timeout(WAIT_WHILE_DOWN)
    } else {
        pool.get()
    };
    match &result {
        Ok(_) => {
            if down.swap(false, Ordering::Relaxed) {
                tracing::info!("the database answers again");
            }
        }
        // Every connection is gone (not merely busy): the server is unreachable.
        Err(e) if pool.state().connections == 0 => {
            if !down.swap(true, Ordering::Relaxed) {
                tracing::warn!(error = %e, "the database is unreachable");
            }
        }
        Err(_) => {}
    }
    result
}

impl AppState {
    pub fn new(
        pool: DbPool,
        settings: AppSettings,
        extractor: Extractor,
        csrf_key: Vec<u8>,
    ) -> Self {
        AppState {
            csrf_key,
            pool,
            extractor: RwLock::new(Arc::new(extractor)),
            db_down: Arc::new(AtomicBool::new(false)),
            page_cache: PageCache::new(settings.page_cache_ttl),
            fetcher: Mutex::new(None),
            settings,
        }
    }

    /// A new CSRF token, signed with the servers' key.
    pub fn issue_csrf_token(&self) -> String {
        crate::domain::auth::issue_csrf_token(&self.csrf_key)
    }

    /// Whether `token` is one the servers issued.
    pub fn csrf_token_is_ours(&self, token: &str) -> bool {
        crate::domain::auth::csrf_token_is_ours(&self.csrf_key, token)
    }

    /// The current extractor (cheap to clone; the lexicon may be swapped underneath).
    pub fn extractor(&self) -> Arc<Extractor> {
        match self.extractor.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The HTTP client for pages submitted by address, with the settings' rules (one, shared).
    pub fn fetcher(&self) -> Result<Arc<crate::fetch::Fetcher>, crate::fetch::FetchError> {
        let mut slot = match self.fetcher.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(fetcher) = slot.as_ref() {
            return Ok(fetcher.clone());
        }
        let fetcher = Arc::new(crate::fetch::Fetcher::new(self.settings.fetch.clone())?);
        *slot = Some(fetcher.clone());
        Ok(fetcher)
    }

    /// Swaps in an extractor built from an edited lexicon.
    pub fn replace_extractor(&self, extractor: Extractor) {
        let mut guard = match self.extractor.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(extractor);
    }

    /// Runs blocking database work on actix's thread pool with a pooled connection. When none
    /// can be had (the database is down) this fails with `AppError::Unavailable` (503) after
    /// the pool's short `connection_timeout`, and after [`WAIT_WHILE_DOWN`] while it stays down.
    pub async fn with_conn<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let down = self.db_down.clone();
        web::block(move || {
            let mut conn = checkout(&pool, &down)?;
            f(&mut conn)
        })
        .await?
    }

    /// Whether the database was found down and has not answered since.
    pub fn db_down(&self) -> bool {
        self.db_down.load(Ordering::Relaxed)
    }
}

/// The single route table.
pub fn configure(cfg: &mut web::ServiceConfig, max_body_bytes: usize) {
    cfg.app_data(
        web::FormConfig::default()
            .limit(hardening::form_limit(max_body_bytes))
            .error_handler(hardening::form_error),
    )
    .app_data(web::QueryConfig::default().error_handler(hardening::query_error))
    .app_data(web::PathConfig::default().error_handler(hardening::path_error))
    .app_data(
        web::JsonConfig::default()
            .limit(max_body_bytes + 64 * 1024)
            .error_handler(api::json_error),
    )
    .app_data(web::PayloadConfig::default().limit(max_body_bytes))
    .route("/", web::get().to(home::list_recent_articles))
    .route("/healthz", web::get().to(health::health_check))
    .route("/static/{file}", web::get().to(assets::static_file))
    .route("/articles/new", web::get().to(articles::new_article_form))
    .route("/articles", web::post().to(articles::create_article))
    .route("/articles/{id}", web::get().to(articles::show_article))
    .route("/articles/{id}/diff", web::get().to(articles::diff_article))
    .route("/events", web::get().to(events::list_events))
    .route("/events/{id}", web::get().to(events::show_event))
    .route(
        "/events/{id}/rename",
        web::post().to(event_forms::rename_event),
    )
    .route(
        "/events/{id}/merge",
        web::post().to(event_forms::merge_event),
    )
    .route(
        "/events/{id}/split",
        web::post().to(event_forms::split_event),
    )
    .route(
        "/articles/{id}/move",
        web::post().to(event_forms::move_article),
    )
    .route("/conflicts", web::get().to(conflicts::list_conflicts))
    // Review (issue 6): claims, conflicts, sources, lexicons, audit log.
    .route(
        "/claims/{id}/confirm",
        web::post().to(review::confirm_claim),
    )
    .route("/claims/{id}/reject", web::post().to(review::reject_claim))
    .route("/claims/{id}/edit", web::post().to(review::edit_claim))
    .route(
        "/articles/{id}/versions/{number}/claims",
        web::post().to(review::add_claim),
    )
    .route(
        "/articles/{id}/versions/{number}/reextract",
        web::post().to(review::reextract_version),
    )
    .route("/conflicts/{id}", web::get().to(review::show_conflict))
    .route(
        "/conflicts/{id}/status",
        web::post().to(review::set_fact_status),
    )
    .route(
        "/conflicts/{id}/explain",
        web::post().to(review::explain_member),
    )
    .route("/sources", web::get().to(sources::list_sources))
    .route("/sources/{id}", web::post().to(sources::update_source))
    .route("/lexicon/subjects", web::get().to(lexicon::list_subjects))
    .route("/lexicon/subjects", web::post().to(lexicon::add_subject))
    .route(
        "/lexicon/subjects/{id}/delete",
        web::post().to(lexicon::delete_subject),
    )
    .route("/lexicon/places", web::get().to(lexicon::list_places))
    .route("/lexicon/places", web::post().to(lexicon::add_place))
    .route(
        "/lexicon/places/{id}/delete",
        web::post().to(lexicon::delete_place),
    )
    .route("/audit", web::get().to(audit::list_audit))
    // Anonymous text for stored articles, waiting for a reviewer (issue 17).
    .route("/pending", web::get().to(pending::list_pending))
    .route(
        "/pending/{id}/accept",
        web::post().to(pending::accept_pending),
    )
    .route(
        "/pending/{id}/reject",
        web::post().to(pending::reject_pending),
    )
    .route(
        "/export/conflicts.csv",
        web::get().to(exports::conflicts_csv),
    )
    .route("/export/claims.csv", web::get().to(exports::claims_csv))
    .route("/export/events.csv", web::get().to(exports::events_csv))
    .route(
        "/events/{id}/claimreview.json",
        web::get().to(claimreview::event_claimreview),
    )
    .route("/search", web::get().to(search::search_articles))
    // Watch URLs (issue 10): the watched articles, the watch button, the feed of changes.
    .route("/watches", web::get().to(watches::list_watches))
    .route(
        "/articles/{id}/watch",
        web::post().to(watches::watch_article),
    )
    .route("/feeds/changes.atom", web::get().to(feed::changes_feed))
    .route("/login", web::get().to(auth::login_form))
    .route("/login", web::post().to(auth::login))
    .route("/logout", web::post().to(auth::logout))
    .route("/admin/users", web::get().to(admin::list_users))
    .route("/admin/users", web::post().to(admin::create_user))
    .route("/admin/users/{id}", web::post().to(admin::update_user))
    .route("/api/articles", web::post().to(api::create_article))
    .route("/api/events", web::get().to(api_read::list_events))
    .route("/api/events/{id}", web::get().to(api_read::show_event))
    .route("/api/facts", web::get().to(api_read::list_facts))
    .route("/api/conflicts", web::get().to(api_read::list_conflicts))
    .route("/api/claims", web::get().to(api_read::list_claims))
    .route("/api/articles/{id}", web::get().to(api::show_article))
    .route(
        "/api/articles/{id}/versions/{number}",
        web::get().to(api::show_version),
    )
    .default_service(web::to(not_found));
}

/// `303 See Other` to `location`: where every successful form post goes next.
pub fn see_other(location: impl AsRef<str>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.as_ref()))
        .finish()
}

/// Nothing at this address: the error page, or the JSON error under `/api/`.
async fn not_found(req: HttpRequest) -> HttpResponse {
    AppError::NotFound.respond(&req)
}
