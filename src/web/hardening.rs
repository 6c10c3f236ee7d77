//! What every request and response passes through besides the handlers: security headers, a
//! check of the request's text (query string and form body), and the error pages for failures
//! that actix-web itself answers (an unreadable query, path or body).
//!
//! Order in `startup.rs`, innermost first: [`render_plain_errors`], [`check_input`],
//! [`unverified_sessions`], the page cache, the session layer, the language layer,
//! [`cache_control`], [`security_headers`].

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{PathError, QueryPayloadError, UrlencodedError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::auth::{SessionUser, SESSION_COOKIE};
use super::error::{messages_for, AppError};
use super::AppState;

/// Scripts, styles, images and forms only from claimdb itself; no inline script or style (the
/// JSON-LD `<script type="application/ld+json">` block is data, never run), no framing, no
/// plugins, no `<base>`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The headers every response carries (a handler's own value wins).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
}

/// What browsers and proxies may keep (`Cache-Control`), decided here for every response:
///
/// - `no-store` for every response to a signed-in visitor (one whose request carries the
///   session cookie, or who is being signed in) and for every error (4xx, 5xx): their pages are
///   theirs, and an error is about one request;
/// - `public, max-age=` the page cache's lifetime for the reading pages the page cache keeps
///   (anonymous GETs of `page_cache::is_reading_page`, answered 200 in HTML), `private` instead
///   when the response also sets a cookie (a first visit's CSRF cookie must not be shared);
/// - anything else keeps what its handler said (the static files: a year, immutable).
///
/// It sits outside the session and language layers, so it sees every cookie they set.
pub async fn cache_control(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let reading = req.method() == Method::GET && super::page_cache::is_reading_page(req.path());
    let max_age = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.page_cache.ttl().as_secs())
        .unwrap_or(0);
    let mut res = next.call(req).await?;
    let signed_in = res.request().cookie(SESSION_COOKIE).is_some()
        || res.request().extensions().get::<SessionUser>().is_some()
        || res.response().cookies().any(|c| c.name() == SESSION_COOKIE);
    let status = res.status();
    let value = if signed_in || status.is_client_error() || status.is_server_error() {
        Some("no-store".to_string())
    } else if reading && status == StatusCode::OK && is_html(&res) {
        let sets_cookie = res.headers().contains_key(header::SET_COOKIE);
        let scope = if sets_cookie { "private" } else { "public" };
        Some(format!("{scope}, max-age={max_age}"))
    } else {
        None
    };
    if let Some(value) = value {
        let value =
            HeaderValue::try_from(value).map_err(actix_web::error::ErrorInternalServerError)?;
        res.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    Ok(res)
}

fn is_html(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The largest form body: percent-encoding inflates Arabic text up to threefold; the text
/// itself is held to `max_body_bytes` by validation.
pub fn form_limit(max_body_bytes: usize) -> usize {
    max_body_bytes.saturating_mul(3) + 64 * 1024
}

/// An error as an `actix_web::Error` whose response is `app_error` as the request expects it.
fn rendered<E>(cause: E, app_error: AppError, req: &HttpRequest) -> actix_web::Error
where
    E: std::fmt::Debug + std::fmt::Display + 'static,
{
    actix_web::error::InternalError::from_response(cause, app_error.respond(req)).into()
}

/// `web::Query` that cannot be read (a repeated or malformed parameter): 400, as a page or JSON.
pub fn query_error(err: QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    let reason = match &err {
        QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    let message = format!("{}: {reason}", messages_for(req).get("input.bad_query"));
    rendered(err, AppError::BadRequest(message), req)
}

/// `web::Path` that cannot be read: there is nothing at that address.
pub fn path_error(err: PathError, req: &HttpRequest) -> actix_web::Error {
    rendered(err, AppError::NotFound, req)
}

/// A form body that cannot be read: too large (413), not a form (415), or malformed (400).
pub fn form_error(err: UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    let app_error = match &err {
        UrlencodedError::Overflow { limit, .. } => AppError::PayloadTooLarge { limit: *limit },
        UrlencodedError::ContentType => AppError::Refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            messages_for(req).get("input.form_type").to_string(),
        ),
        other => AppError::BadRequest(other.to_string()),
    };
    rendered(err, app_error, req)
}

/// Why a query string or form body is refused, as a label key, if it is.
///
/// Both are `application/x-www-form-urlencoded`: every name and value must decode to UTF-8
/// (actix-web would otherwise replace bad bytes with U+FFFD and store that) without NUL
/// characters (which PostgreSQL cannot store in text).
pub fn urlencoded_problem(input: &[u8]) -> Option<&'static str> {
    let mut decoded = Vec::new();
    for part in input.split(|b| *b == b'&') {
        for piece in part.splitn(2, |b| *b == b'=') {
            decoded.clear();
            percent_decode_into(piece, &mut decoded);
            if decoded.contains(&0) {
                return Some("input.nul");
            }
            if std::str::from_utf8(&decoded).is_err() {
                return Some("input.not_utf8");
            }
        }
    }
    None
}

/// `+` is a space and `%XX` a byte; a `%` not followed by two hex digits stands for itself.
fn percent_decode_into(input: &[u8], out: &mut Vec<u8>) {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                input.get(i + 1).copied().and_then(hex),
                input.get(i + 2).copied().and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
}

/// Whether a request carries a form body to check.
fn is_form(req: &ServiceRequest) -> bool {
    req.method() == Method::POST
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                v.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
}

/// Refuses, before any handler sees it, a query string or form body that is not UTF-8 or holds
/// NUL characters (400), and a compressed form (415: browsers never send one). A form body is
/// read here (up to the form limit, else 413) and handed on unchanged.
pub async fn check_input(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if let Some(key) = urlencoded_problem(req.query_string().as_bytes()) {
        return Ok(refuse(req, |t| {
            AppError::BadRequest(t.get(key).to_string())
        }));
    }
    if is_form(&req) {
        let encoded = req
            .headers()
            .get(header::CONTENT_ENCODING)
            .is_some_and(|v| v != HeaderValue::from_static("identity"));
        if encoded {
            return Ok(refuse(req, |t| {
                AppError::Refused(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    t.get("input.compressed_form").to_string(),
                )
            }));
        }
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map(|s| form_limit(s.settings.max_body_bytes))
            .unwrap_or_else(|| form_limit(crate::config::DEFAULT_MAX_BODY_BYTES));
        let (http_req, payload) = req.parts_mut();
        let payload = web::Payload::from_request(http_req, payload).await?;
        let body = match payload.to_bytes_limited(limit).await {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => {
                let reason = e.to_string();
                return Ok(refuse(req, |_| AppError::BadRequest(reason)));
            }
            Err(_) => return Ok(refuse(req, |_| AppError::PayloadTooLarge { limit })),
        };
        if let Some(key) = urlencoded_problem(&body) {
            return Ok(refuse(req, |t| {
                AppError::BadRequest(t.get(key).to_string())
            }));
        }
        req.set_payload(actix_web::dev::Payload::from(body));
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// A visitor with a session cookie whose session could not be looked up because the database
/// is down gets the 503 at once: not a "sign in" (401) page, nor a second wait for a connection.
pub async fn unverified_sessions(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let unverified = req.cookie(SESSION_COOKIE).is_some()
        && req.extensions().get::<SessionUser>().is_none()
        && req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|state| state.db_down());
    if unverified {
        let (req, _) = req.into_parts();
        let response = AppError::DatabaseDown.respond(&req);
        return Ok(ServiceResponse::new(req, response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// A JSON body that must be an object: serde would also read a struct from an array, by
/// position (`["text", "title"]`), which no client means.
#[derive(Debug)]
pub struct JsonObject<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(std::marker::PhantomData<T>);

        impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(std::marker::PhantomData))
            .map(JsonObject)
    }
}

fn refuse<B>(
    req: ServiceRequest,
    error: impl FnOnce(&'static super::i18n::Messages) -> AppError,
) -> ServiceResponse<EitherBody<B>> {
    let error = error(messages_for(req.request()));
    let response = error.respond(req.request());
    req.into_response(response).map_into_right_body()
}

/// Whether a response's body is already one of ours (an HTML page or JSON).
fn is_rendered(res: &ServiceResponse<impl MessageBody>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"))
}

/// Replaces the plain-text error responses actix-web makes by itself (an extractor's failure,
/// such as a body over the limit) with the error page, or the JSON error under `/api/`.
pub async fn render_plain_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let res = next.call(req).await?;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_rendered(&res) {
        return Ok(res.map_into_left_body());
    }
    let reason = res
        .response()
        .error()
        .map(|e| e.to_string())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or_default().to_string());
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = res
                .request()
                .app_data::<web::Data<AppState>>()
                .map(|s| s.settings.max_body_bytes)
                .unwrap_or(crate::config::DEFAULT_MAX_BODY_BYTES);
            AppError::PayloadTooLarge { limit }
        }
        _ => AppError::from_status(status, reason),
    };
    let (req, _) = res.into_parts();
    let response = error.respond(&req);
    Ok(ServiceResponse::new(req, response).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::{urlencoded_problem, JsonObject};
    use crate::domain::submission::RawSubmission;

    #[test]
    fn a_json_body_must_be_an_object() {
        let read = |s: &str| serde_json::from_str::<JsonObject<RawSubmission>>(s).map(|o| o.0);
        let ok = read(r#"{"text": "killed", "title": "t", "other": [1, {"a": 2}]}"#).unwrap();
        assert_eq!(ok.text.as_deref(), Some("killed"));
        assert_eq!(ok.title.as_deref(), Some("t"));
        for bad in [
            r#"["killed"]"#,
            r#""killed""#,
            "null",
            "15",
            r#"{"text": "a", "text": "b"}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urlencoded_text_must_be_utf8_without_nul() {
        let cases: [(&[u8], Option<&str>); 10] = [
            (b"", None),
            (b"q=caf%C3%A9&page=2", None),
            (b"text=%D9%82%D8%AA%D9%84", None),
            (b"a=100%&b=%zz&c=%4", None),
            (b"q=%FF", Some("input.not_utf8")),
            (b"q=\xff", Some("input.not_utf8")),
            (b"%C3=x", Some("input.not_utf8")),
            (b"q=a%00b", Some("input.nul")),
            (b"q=a\0b", Some("input.nul")),
            (b"x=1&text=%E2%82", Some("input.not_utf8")),
        ];
        for (input, want) in cases {
            assert_eq!(
                urlencoded_problem(input),
                want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }
}
