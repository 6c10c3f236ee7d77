//! A micro-cache of the reading pages (home, events, an event's comparison page, articles,
//! conflicts, search) for anonymous readers.
//!
//! Why: a comparison page costs milliseconds of CPU (its statements and a template of up to
//! hundreds of KB), and when an incident breaks, readers ask for the same few pages at once.
//!
//! The rules:
//! - Only anonymous GETs of HTML pages answered 200 are kept. A visitor with a session cookie
//!   (a reviewer, who acts on what the page shows) always gets a fresh page.
//! - A copy is served for at most `ttl`. A write through this server that changed data drops
//!   every copy at once (its handler calls `AppState::data_changed` once the write is stored),
//!   so what a visitor just did shows on the next page. Nothing else does: signing in or out, a
//!   refused form, a resubmission of text already stored keep the copies (else anyone could
//!   flush the cache with a self-made POST). Writes through another server or `claimdb import`
//!   show within `ttl`.
//! - When a copy expires, one request renders the page again while the others are served the
//!   expired copy: one render per page per expiry, not one per waiting connection.
//! - The visitor's CSRF token, the only per-visitor text in an anonymous page, is never in a
//!   stored copy: a page rendered for the cache has [`TOKEN_SLOT`] where the token goes, and each
//!   visitor's own token is put at those places (and nowhere else: the page is not searched for
//!   any visitor's value).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes, BytesMut};
use actix_web::{HttpMessage, HttpResponse};

use super::auth::{csrf_token, CsrfToken, SESSION_COOKIE};
use super::i18n::UiLang;
use super::AppState;

/// What a page rendered for the cache has where the visitor's CSRF token goes. Forms write the
/// token unescaped (`page::FormToken`); every text from data is escaped, so a `<` never comes
/// from data and no page text can spell this.
pub const TOKEN_SLOT: &str = "<claimdb-csrf-token>";

/// Copies larger than this are not kept (an event page with thousands of claims).
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Upper bound on all copies together.
const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;
/// A render that has not finished after this long no longer holds other requests to the old
/// copy (the renderer failed or hung); the next request renders again.
const REFRESH_GRACE: Duration = Duration::from_secs(10);

pub struct PageCache {
    ttl: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Bumped by every successful write; copies of an older generation are never served.
    generation: u64,
    bytes: usize,
    pages: HashMap<String, Entry>,
}

struct Entry {
    generation: u64,
    stored: Instant,
    /// Since when a request has been rendering a newer copy.
    refreshing: Option<Instant>,
    page: Arc<Page>,
}

/// A stored page: the handler's headers and the body cut at each [`TOKEN_SLOT`].
#[derive(Debug)]
pub struct Page {
    headers: Vec<(HeaderName, HeaderValue)>,
    pieces: Vec<Bytes>,
    size: usize,
}

/// What a request should do.
#[derive(Debug)]
pub enum Lookup {
    Hit(Arc<Page>),
    /// Render the page, then [`PageCache::store`] it under this generation.
    Render(u64),
}

impl Page {
    /// Cuts `body` at every [`TOKEN_SLOT`]; `None` when the body is not UTF-8 text.
    pub fn cut(headers: Vec<(HeaderName, HeaderValue)>, body: &Bytes) -> Option<Page> {
        let text = std::str::from_utf8(body).ok()?;
        let mut at = 0;
        let mut pieces = Vec::new();
        for piece in text.split(TOKEN_SLOT) {
            pieces.push(body.slice(at..at + piece.len()));
            at += piece.len() + TOKEN_SLOT.len();
        }
        Some(Page {
            headers,
            size: pieces.iter().map(Bytes::len).sum(),
            pieces,
        })
    }

    /// The body with `token` at each slot.
    pub fn body_for(&self, token: &str) -> Bytes {
        if self.pieces.len() == 1 {
            return self.pieces[0].clone();
        }
        let mut body = BytesMut::with_capacity(self.size + token.len() * self.pieces.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(token.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        body.freeze()
    }

    fn response(&self, token: &str) -> HttpResponse {
        let mut response = HttpResponse::Ok();
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), value.clone()));
        }
        response.body(self.body_for(token))
    }
}

impl PageCache {
    /// A cache keeping copies for `ttl`; a zero `ttl` keeps nothing.
    pub fn new(ttl: Duration) -> Self {
        PageCache {
            ttl,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// How long a copy is served.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub fn lookup(&self, key: &str, now: Instant) -> Lookup {
        let mut inner = self.lock();
        let generation = inner.generation;
        let Some(entry) = inner.pages.get_mut(key) else {
            return Lookup::Render(generation);
        };
        if entry.generation != generation {
            return Lookup::Render(generation);
        }
        if now.duration_since(entry.stored) < self.ttl {
            return Lookup::Hit(entry.page.clone());
        }
        match entry.refreshing {
            Some(since) if now.duration_since(since) < REFRESH_GRACE => {
                Lookup::Hit(entry.page.clone())
            }
            _ => {
                entry.refreshing = Some(now);
                Lookup::Render(generation)
            }
        }
    }

    /// Keeps `page` unless a write happened since the lookup that asked for it.
    pub fn store(&self, key: String, generation: u64, page: Page, now: Instant) {
        if page.size > MAX_PAGE_BYTES {
            self.abandon(&key);
            return;
        }
        let mut inner = self.lock();
        if generation != inner.generation {
            return;
        }
        let size = page.size;
        let entry = Entry {
            generation,
            stored: now,
            refreshing: None,
            page: Arc::new(page),
        };
        if let Some(old) = inner.pages.insert(key, entry) {
            inner.bytes -= old.page.size;
        }
        inner.bytes += size;
        if inner.bytes > MAX_TOTAL_BYTES {
            let ttl = self.ttl;
            inner
                .pages
                .retain(|_, e| e.generation == generation && now.duration_since(e.stored) < ttl);
            if inner.pages.values().map(|e| e.page.size).sum::<usize>() > MAX_TOTAL_BYTES {
                inner.pages.clear();
            }
            inner.bytes = inner.pages.values().map(|e| e.page.size).sum();
        }
    }

    /// The render that [`lookup`](Self::lookup) asked for produced nothing to keep.
    pub fn abandon(&self, key: &str) {
        if let Some(entry) = self.lock().pages.get_mut(key) {
            entry.refreshing = None;
        }
    }

    /// Something was written: no copy made before is served again.
    pub fn invalidate(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.pages.clear();
        inner.bytes = 0;
    }
}

/// The reading pages; forms, exports, the API and the static files are not kept.
pub fn is_reading_page(path: &str) -> bool {
    matches!(path, "/" | "/events" | "/conflicts" | "/search")
        || path.starts_with("/events/")
        || (path.starts_with("/articles/") && path != "/articles/new")
        || path.starts_with("/conflicts/")
}

/// The middleware: sits inside `session_layer` (which has set the visitor's CSRF token) and
/// outside everything that only concerns a fresh render.
pub async fn cache_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let cache = &state.page_cache;
    if req.method() != Method::GET
        || !cache.enabled()
        || !is_reading_page(req.path())
        || req.cookie(SESSION_COOKIE).is_some()
    {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let token = csrf_token(req.request());
    let key = format!(
        "{}|{}?{}",
        UiLang::of(req.request()).code(),
        req.path(),
        req.query_string()
    );
    let generation = match cache.lookup(&key, Instant::now()) {
        Lookup::Hit(page) => {
            let response = page.response(&token);
            return Ok(req.into_response(response));
        }
        Lookup::Render(generation) => generation,
    };
    // Rendered with the slot where the token goes, for any visitor.
    req.extensions_mut()
        .insert(CsrfToken(TOKEN_SLOT.to_string()));
    let res = next.call(req).await?;
    let keep = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !keep {
        cache.abandon(&key);
        return fill_slots(res, &token).await;
    }
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let body = match to_bytes(body).await {
        Ok(body) => body,
        Err(e) => {
            cache.abandon(&key);
            return Err(actix_web::error::ErrorInternalServerError(e.into()));
        }
    };
    let headers = res
        .headers()
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let body = match Page::cut(headers, &body) {
        Some(page) => {
            let own = page.body_for(&token);
            cache.store(key, generation, page, Instant::now());
            own
        }
        None => {
            cache.abandon(&key);
            body
        }
    };
    Ok(ServiceResponse::new(req, res.set_body(BoxBody::new(body))))
}

/// A response rendered for the cache but not kept (an error page, a redirect): the visitor's
/// token at its slots.
async fn fill_slots(
    res: ServiceResponse<impl MessageBody + 'static>,
    token: &str,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let is_text = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/"));
    if !is_text {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let body = to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let body = match Page::cut(Vec::new(), &body) {
        Some(page) => page.body_for(token),
        None => body,
    };
    Ok(ServiceResponse::new(req, res.set_body(BoxBody::new(body))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> Page {
        Page::cut(Vec::new(), &Bytes::from(body.to_string())).unwrap()
    }

    #[test]
    fn each_visitors_token_goes_at_the_slots_and_nowhere_else() {
        let body = format!(
            r#"<a href="https://x.example/?t=AAAA">AAAA</a><form><input name="csrf" value="{TOKEN_SLOT}"></form><input value="{TOKEN_SLOT}">"#
        );
        let stored = page(&body);
        assert_eq!(
            stored.body_for("BBBB"),
            Bytes::from(
                r#"<a href="https://x.example/?t=AAAA">AAAA</a><form><input name="csrf" value="BBBB"></form><input value="BBBB">"#
            )
        );
        let plain = page("<p>no form</p>");
        assert_eq!(plain.body_for("BBBB"), Bytes::from("<p>no form</p>"));
        let edge = page(&format!("{TOKEN_SLOT}x{TOKEN_SLOT}"));
        assert_eq!(edge.body_for("B"), Bytes::from("BxB"));
    }

    #[test]
    fn a_copy_is_served_until_it_expires_then_one_request_renders_it_again() {
        let cache = PageCache::new(Duration::from_secs(2));
        let t0 = Instant::now();
        let Lookup::Render(generation) = cache.lookup("k", t0) else {
            panic!("an empty cache has nothing to serve")
        };
        cache.store("k".into(), generation, page("v1"), t0);
        assert!(matches!(
            cache.lookup("k", t0 + Duration::from_secs(1)),
            Lookup::Hit(_)
        ));
        let expired = t0 + Duration::from_secs(3);
        assert!(matches!(cache.lookup("k", expired), Lookup::Render(_)));
        // While that request renders, the others get the expired copy.
        let Lookup::Hit(old) = cache.lookup("k", expired) else {
            panic!("a second request renders too")
        };
        assert_eq!(old.body_for(""), Bytes::from("v1"));
        cache.store("k".into(), generation, page("v2"), expired);
        let Lookup::Hit(new) = cache.lookup("k", expired) else {
            panic!("the new copy is not served")
        };
        assert_eq!(new.body_for(""), Bytes::from("v2"));
    }

    #[test]
    fn a_failed_render_lets_the_next_request_try_again() {
        let cache = PageCache::new(Duration::from_secs(2));
        let t0 = Instant::now();
        cache.store("k".into(), 0, page("v1"), t0);
        let later = t0 + Duration::from_secs(5);
        assert!(matches!(cache.lookup("k", later), Lookup::Render(_)));
        cache.abandon("k");
        assert!(matches!(cache.lookup("k", later), Lookup::Render(_)));
        // A renderer that never came back holds the others only for the grace period.
        assert!(matches!(
            cache.lookup("k", later + REFRESH_GRACE),
            Lookup::Render(_)
        ));
    }

    #[test]
    fn a_write_drops_every_copy_and_a_render_begun_before_it_is_not_kept() {
        let cache = PageCache::new(Duration::from_secs(60));
        let t0 = Instant::now();
        let Lookup::Render(before) = cache.lookup("a", t0) else {
            panic!()
        };
        cache.store("b".into(), before, page("b"), t0);
        cache.invalidate();
        assert!(matches!(cache.lookup("b", t0), Lookup::Render(_)));
        // The render of "a" started before the write: it may show the old data.
        cache.store("a".into(), before, page("a"), t0);
        assert!(matches!(cache.lookup("a", t0), Lookup::Render(_)));
    }

    #[test]
    fn a_zero_ttl_keeps_nothing_and_reading_pages_are_told_apart() {
        assert!(!PageCache::new(Duration::ZERO).enabled());
        for path in [
            "/",
            "/events",
            "/events/12",
            "/articles/3",
            "/articles/3/diff",
            "/conflicts",
            "/conflicts/9",
            "/search",
        ] {
            assert!(is_reading_page(path), "{path}");
        }
        for path in [
            "/articles/new",
            "/api/events/1",
            "/export/claims.csv",
            "/login",
            "/static/a.css",
            "/healthz",
            "/admin/users",
        ] {
            assert!(!is_reading_page(path), "{path}");
        }
    }
}
