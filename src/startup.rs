//! Builds the web application: binds the listener (port 0 in tests) and owns the pool.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::web::Data;
use actix_web::{App, HttpServer};
use tracing_actix_web::TracingLogger;

use crate::config::AppSettings;
use crate::db::DbPool;
use crate::web::{configure, hardening, AppState};

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `settings.bind` and prepares the server; nothing is served until `run_until_stopped`.
    pub fn build(settings: &AppSettings, pool: DbPool) -> anyhow::Result<Self> {
        let mut conn = pool.get()?;
        let extractor = crate::db::lexicon_edit::load_lexicons(&mut conn)?;
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|e| anyhow::anyhow!("no random source for the CSRF key: {e}"))?;
        let csrf_key = crate::db::secrets::get_or_create(&mut conn, "csrf", &fresh)?;
        drop(conn);
        let listener = TcpListener::bind(&settings.bind)?;
        let bound = listener.local_addr()?;
        let port = bound.port();
        let mut settings = settings.clone();
        if settings.public_url.is_none() {
            settings.public_url = Some(crate::config::default_public_url(bound));
        }
        let state = Data::new(AppState::new(pool, settings.clone(), extractor, csrf_key));
        let max_body = settings.max_body_bytes;
        let server = HttpServer::new(move || {
            // Innermost first: a response passes these from the top down.
            App::new()
                .wrap(from_fn(hardening::render_plain_errors))
                .wrap(from_fn(hardening::check_input))
                .wrap(from_fn(hardening::unverified_sessions))
                .wrap(from_fn(crate::web::page_cache::cache_pages))
                .wrap(from_fn(crate::web::auth::session_layer))
                .wrap(from_fn(crate::web::i18n::remember_lang))
                .wrap(from_fn(hardening::cache_control))
                .wrap(hardening::security_headers())
                .wrap(TracingLogger::default())
                .app_data(state.clone())
                .configure(|cfg| configure(cfg, max_body))
        })
        .listen(listener)?
        // SIGINT/SIGTERM: stop accepting, let requests in flight finish (graceful shutdown).
        .shutdown_timeout(10)
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
