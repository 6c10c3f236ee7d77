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
pub mod redirect;
pub mod review;
pub mod search;
pub mod sources;
pub mod watches;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse, Resource, Route};

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

    /// A write through this server changed what pages show: no page copy made before is
    /// served again. Called by the handlers once the change is stored, and only then.
    pub fn data_changed(&self) {
        self.page_cache.invalidate();
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
    .service(get("/", web::to(home::list_recent_articles)))
    .service(get("/healthz", web::to(health::health_check)))
    .service(get("/static/{file}", web::to(assets::static_file)))
    .service(get("/articles/new", web::to(articles::new_article_form)))
    .service(post("/articles", web::to(articles::create_article)))
    .service(get("/articles/{id}", web::to(articles::show_article)))
    .service(get("/articles/{id}/diff", web::to(articles::diff_article)))
    .service(get("/events", web::to(events::list_events)))
    .service(get("/events/{id}", web::to(events::show_event)))
    .service(post(
        "/events/{id}/rename",
        web::to(event_forms::rename_event),
    ))
    .service(post(
        "/events/{id}/merge",
        web::to(event_forms::merge_event),
    ))
    .service(post(
        "/events/{id}/split",
        web::to(event_forms::split_event),
    ))
    .service(post(
        "/articles/{id}/move",
        web::to(event_forms::move_article),
    ))
    .service(get("/conflicts", web::to(conflicts::list_conflicts)))
    // Review (issue 6): claims, conflicts, sources, lexicons, audit log.
    .service(post("/claims/{id}/confirm", web::to(review::confirm_claim)))
    .service(post("/claims/{id}/reject", web::to(review::reject_claim)))
    .service(post("/claims/{id}/edit", web::to(review::edit_claim)))
    .service(post(
        "/articles/{id}/versions/{number}/claims",
        web::to(review::add_claim),
    ))
    .service(post(
        "/articles/{id}/versions/{number}/reextract",
        web::to(review::reextract_version),
    ))
    .service(get("/conflicts/{id}", web::to(review::show_conflict)))
    .service(post(
        "/conflicts/{id}/status",
        web::to(review::set_fact_status),
    ))
    .service(post(
        "/conflicts/{id}/explain",
        web::to(review::explain_member),
    ))
    .service(get("/sources", web::to(sources::list_sources)))
    .service(post("/sources/{id}", web::to(sources::update_source)))
    .service(get_post(
        "/lexicon/subjects",
        web::to(lexicon::list_subjects),
        web::to(lexicon::add_subject),
    ))
    .service(post(
        "/lexicon/subjects/{id}/delete",
        web::to(lexicon::delete_subject),
    ))
    .service(get_post(
        "/lexicon/places",
        web::to(lexicon::list_places),
        web::to(lexicon::add_place),
    ))
    .service(post(
        "/lexicon/places/{id}/delete",
        web::to(lexicon::delete_place),
    ))
    .service(get("/audit", web::to(audit::list_audit)))
    // Anonymous text for stored articles, waiting for a reviewer (issue 17).
    .service(get("/pending", web::to(pending::list_pending)))
    .service(post(
        "/pending/{id}/accept",
        web::to(pending::accept_pending),
    ))
    .service(post(
        "/pending/{id}/reject",
        web::to(pending::reject_pending),
    ))
    .service(get(
        "/export/conflicts.csv",
        web::to(exports::conflicts_csv),
    ))
    .service(get("/export/claims.csv", web::to(exports::claims_csv)))
    .service(get("/export/events.csv", web::to(exports::events_csv)))
    .service(get(
        "/events/{id}/claimreview.json",
        web::to(claimreview::event_claimreview),
    ))
    .service(get("/search", web::to(search::search_articles)))
    // Watch URLs (issue 10): the watched articles, the watch button, the feed of changes.
    .service(get("/watches", web::to(watches::list_watches)))
    .service(post(
        "/articles/{id}/watch",
        web::to(watches::watch_article),
    ))
    .service(get("/feeds/changes.atom", web::to(feed::changes_feed)))
    .service(get_post(
        "/login",
        web::to(auth::login_form),
        web::to(auth::login),
    ))
    .service(post("/logout", web::to(auth::logout)))
    .service(get_post(
        "/admin/users",
        web::to(admin::list_users),
        web::to(admin::create_user),
    ))
    .service(post("/admin/users/{id}", web::to(admin::update_user)))
    .service(post("/api/articles", web::to(api::create_article)))
    .service(get("/api/events", web::to(api_read::list_events)))
    .service(get("/api/events/{id}", web::to(api_read::show_event)))
    .service(get("/api/facts", web::to(api_read::list_facts)))
    .service(get("/api/conflicts", web::to(api_read::list_conflicts)))
    .service(get("/api/claims", web::to(api_read::list_claims)))
    .service(get("/api/articles/{id}", web::to(api::show_article)))
    .service(get(
        "/api/articles/{id}/versions/{number}",
        web::to(api::show_version),
    ))
    .default_service(web::to(not_found));
}

/// A path answered by `routes` (each with its method); any other method is a 405 whose `Allow`
/// header names those methods (actix-web would answer 404 for a path whose method differs).
fn at(path: &str, routes: Vec<(Method, Route)>) -> Resource {
    let allow = routes
        .iter()
        .map(|(method, _)| method.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut resource = web::resource(path);
    for (method, route) in routes {
        resource = resource.route(route.method(method));
    }
    resource.default_service(web::to(move |req: HttpRequest| {
        let allow = allow.clone();
        async move { AppError::MethodNotAllowed(allow).respond(&req) }
    }))
}

/// A page or document read with GET.
fn get(path: &str, handler: Route) -> Resource {
    at(path, vec![(Method::GET, handler)])
}

/// A form or API write.
fn post(path: &str, handler: Route) -> Resource {
    at(path, vec![(Method::POST, handler)])
}

/// A page (GET) with its form (POST) at the same address.
fn get_post(path: &str, get: Route, post: Route) -> Resource {
    at(path, vec![(Method::GET, get), (Method::POST, post)])
}

/// `303 See Other` to `location`: where every successful form post goes next.
pub fn see_other(location: impl AsRef<str>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location.as_ref()))
        .finish()
}

/// `303 See Other` after a write that changed data (see [`AppState::data_changed`]).
pub fn changed_see_other(state: &AppState, location: impl AsRef<str>) -> HttpResponse {
    state.data_changed();
    see_other(location)
}

/// Nothing at this address: the error page, or the JSON error under `/api/`.
async fn not_found(req: HttpRequest) -> HttpResponse {
    AppError::NotFound.respond(&req)
}
