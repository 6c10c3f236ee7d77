//! Who is asking, and may they: sessions, CSRF tokens, sign-in and sign-out, role checks.
//!
//! Every request passes `session_layer`, which puts the signed-in user (if any) and the
//! visitor's CSRF token into the request's extensions; handlers ask `require_reviewer` /
//! `require_admin` and `check_csrf`, so each rule lives here once.

use std::net::IpAddr;

use actix_web::body::MessageBody;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::home::render;
use super::page::PageContext;
use super::{AppError, AppResult, AppState};
use crate::db::{audit, login_attempts, users};
use crate::domain::auth::{constant_time_eq, new_token, verify_password, LoginKeys, LOGIN_LIMITS};

/// A real hash to verify against when the user name is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    crate::domain::auth::hash_password("no such user, no such password").unwrap_or_default()
});

pub const SESSION_COOKIE: &str = "claimdb_session";
pub const CSRF_COOKIE: &str = "claimdb_csrf";
/// The hidden form field that must repeat the CSRF cookie.
pub const CSRF_FIELD: &str = "csrf";

/// The signed-in user, as handlers and templates see them.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub role: String,
}

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// The token forms must carry (double-submit: it is also in the visitor's cookie). Always one
/// the servers issued and signed (`domain::auth::issue_csrf_token`).
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Set when the visitor's CSRF cookie carries a token the servers signed: only then can a form
/// pass [`check_csrf`].
#[derive(Debug, Clone)]
struct VerifiedCsrf(String);

/// Loads the session's user and makes sure the visitor has a CSRF cookie the servers signed
/// (any other value is replaced by a fresh token).
pub async fn session_layer(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(actix_web::error::ErrorInternalServerError(
            "the application state is missing",
        ));
    };
    if let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()) {
        let user = state
            .with_conn(move |conn| Ok(users::session_user(conn, &token)?))
            .await
            .ok()
            .flatten();
        if let Some(user) = user {
            req.extensions_mut().insert(SessionUser {
                id: user.id,
                username: user.username,
                role: user.role,
            });
        }
    }
    let existing = req
        .cookie(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| state.csrf_token_is_ours(v));
    let secure = req.connection_info().scheme() == "https";
    let fresh = existing.is_none().then(|| state.issue_csrf_token());
    if let Some(token) = &existing {
        req.extensions_mut().insert(VerifiedCsrf(token.clone()));
    }
    req.extensions_mut()
        .insert(CsrfToken(existing.or(fresh.clone()).unwrap_or_default()));
    let mut res = next.call(req).await?;
    if let Some(token) = fresh {
        // Set only if the handler did not set its own (sign-in rotates it).
        let already = res.response().cookies().any(|c| c.name() == CSRF_COOKIE);
        if !already {
            res.response_mut()
                .add_cookie(&csrf_cookie(token, secure))
                .map_err(actix_web::error::ErrorInternalServerError)?;
        }
    }
    Ok(res)
}

fn csrf_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(CSRF_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(CookieDuration::days(users::SESSION_DAYS))
        .finish()
}

pub fn current_user(req: &HttpRequest) -> Option<SessionUser> {
    req.extensions().get::<SessionUser>().cloned()
}

pub fn csrf_token(req: &HttpRequest) -> String {
    req.extensions()
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default()
}

/// A state-changing form must repeat the visitor's CSRF cookie, which must hold a token the
/// servers signed; otherwise 403, nothing changed.
pub fn check_csrf(req: &HttpRequest, submitted: &str) -> AppResult<()> {
    let verified = req.extensions().get::<VerifiedCsrf>().map(|t| t.0.clone());
    match verified {
        Some(cookie) if !submitted.is_empty() && constant_time_eq(&cookie, submitted) => Ok(()),
        _ => Err(AppError::Forbidden(
            "the form's security token is missing or out of date; reload the page and try again"
                .into(),
        )),
    }
}

/// A signed-in reviewer or admin, or 401.
pub fn require_reviewer(req: &HttpRequest) -> AppResult<SessionUser> {
    current_user(req).ok_or(AppError::Unauthorized)
}

/// A signed-in admin: 401 when anonymous, 403 for a reviewer.
pub fn require_admin(req: &HttpRequest) -> AppResult<SessionUser> {
    let user = require_reviewer(req)?;
    if user.is_admin() {
        Ok(user)
    } else {
        Err(AppError::Forbidden(
            "this page is for administrators".into(),
        ))
    }
}

/// What every reviewer change needs: the form's CSRF token, then a signed-in reviewer.
pub fn authorize(req: &HttpRequest, csrf: &str) -> AppResult<SessionUser> {
    check_csrf(req, csrf)?;
    require_reviewer(req)
}

/// Only a path on this site is a safe place to go after signing in (see `web::redirect`).
fn safe_next(next: Option<&str>) -> String {
    super::redirect::local_path_or_root(next)
}

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub ctx: PageContext,
    pub username: String,
    pub next: String,
    pub error: Option<String>,
}

pub async fn login_form(req: HttpRequest, query: web::Query<LoginQuery>) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    render(LoginPage {
        ctx: ctx.clone(),
        username: String::new(),
        next: safe_next(query.next.as_deref()),
        error: None,
    })
    .unwrap_or_else(|e| e.page(ctx))
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
    #[serde(default)]
    pub csrf: String,
}

fn client_ip(req: &HttpRequest) -> Option<IpAddr> {
    req.peer_addr().map(|a| a.ip())
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    if let Err(e) = check_csrf(&req, &form.csrf) {
        return e.page(ctx);
    }
    let form = form.into_inner();
    // Checked before anything is written: a bad `next` is `/`, never a failing redirect.
    let next = safe_next(Some(&form.next));
    let username = form.username.trim().to_string();
    let address = client_ip(&req).map(|ip| ip.to_string()).unwrap_or_default();
    let keys = LoginKeys::new(&username, &address);
    let limits = LOGIN_LIMITS;
    let fail = |status: u16, key: &str| {
        let page = LoginPage {
            ctx: ctx.clone(),
            username: username.clone(),
            next: next.clone(),
            error: Some(ctx.t.get(key).to_string()),
        };
        match page.render() {
            Ok(body) => HttpResponse::build(
                actix_web::http::StatusCode::from_u16(status)
                    .unwrap_or(actix_web::http::StatusCode::UNAUTHORIZED),
            )
            .content_type(header::ContentType::html())
            .body(body),
            Err(e) => AppError::from(e).page(ctx.clone()),
        }
    };
    // The attempt is counted before the password is verified (one statement per step), so
    // concurrent attempts cannot all pass the check first; the counters are shared by servers.
    let counted = keys.clone();
    let reserved = state
        .with_conn(move |conn| {
            let counts =
                login_attempts::reserve(conn, &[&counted.pair, &counted.address], limits.window)?;
            if !limits.allows(counts[0], counts[1]) {
                return Ok(None);
            }
            let account = login_attempts::reserve(conn, &[&counted.account], limits.window)?;
            Ok(Some(limits.account_delay(account[0])))
        })
        .await;
    match reserved {
        Ok(Some(delay)) => {
            if !delay.is_zero() {
                actix_web::rt::time::sleep(delay).await;
            }
        }
        Ok(None) => {
            tracing::info!(user = %username, %address, "sign-in refused: too many attempts");
            return fail(429, "login.rate_limited");
        }
        Err(e) => return e.page(ctx),
    }
    let lookup = username.clone();
    let password = form.password.clone();
    let verified = state
        .with_conn(move |conn| {
            let user = users::find_by_name(conn, &lookup)?;
            // Verify even for unknown users so timing does not reveal which names exist.
            let hash = user
                .as_ref()
                .map(|u| u.password_hash.clone())
                .unwrap_or_else(|| DUMMY_HASH.clone());
            let ok = verify_password(&password, &hash);
            Ok(user.filter(|u| ok && u.disabled_at.is_none()))
        })
        .await;
    let user = match verified {
        Ok(Some(user)) => user,
        // The attempt stays counted.
        Ok(None) => return fail(401, "login.failed"),
        Err(e) => return e.page(ctx),
    };
    let settled = state
        .with_conn(move |conn| {
            login_attempts::clear(conn, &keys.pair, limits.window)?;
            login_attempts::refund(conn, &keys.address)?;
            login_attempts::refund(conn, &keys.account)?;
            Ok(())
        })
        .await;
    if let Err(e) = settled {
        return e.page(ctx);
    }
    // A new session id at every sign-in (never reuse one from before).
    let old = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
    let token = new_token();
    let session_token = token.clone();
    let user_id = user.id;
    let created = state
        .with_conn(move |conn| {
            if let Some(old) = old {
                users::delete_session(conn, &old)?;
            }
            users::create_session(conn, user_id, &session_token)?;
            audit::record(
                conn,
                Some(user_id),
                "login",
                "user",
                Some(user_id),
                None,
                None,
            )?;
            Ok(())
        })
        .await;
    if let Err(e) = created {
        return e.page(ctx);
    }
    let secure = req.connection_info().scheme() == "https";
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(session_cookie(token, secure))
        .cookie(csrf_cookie(state.issue_csrf_token(), secure))
        .finish()
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<CsrfOnly>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    if let Err(e) = check_csrf(&req, &form.csrf) {
        return e.page(ctx);
    }
    if let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()) {
        if let Err(e) = state
            .with_conn(move |conn| Ok(users::delete_session(conn, &token)?))
            .await
        {
            return e.page(ctx);
        }
    }
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/"))
        .cookie(gone)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        let cases = [
            (Some("/events/3"), "/events/3"),
            (Some("//evil.example/x"), "/"),
            (Some("https://evil.example"), "/"),
            (Some("/\\evil"), "/"),
            (None, "/"),
        ];
        for (next, want) in cases {
            assert_eq!(safe_next(next), want, "next {next:?}");
        }
    }
}
