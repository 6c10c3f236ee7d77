//! The JSON API: `POST /api/articles`, `GET /api/articles/{id}`, `GET /api/articles/{id}/versions/{n}`.

use actix_web::error::JsonPayloadError;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::articles::{ingest_submission, may_submit, parse_id};
use super::auth::current_user;
use super::hardening::JsonObject;
use super::{ApiError, AppError, AppState};
use crate::db::articles;
use crate::db::ingest::{IngestOutcome, IngestStatus, Provenance};
use crate::db::models::{Article, ArticleVersion, Claim};
use crate::domain::submission::{self, FieldError, RawSubmission};

/// A JSON body that cannot be read: 413 when too large, 415 when not JSON, 400 when malformed.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let (status, message) = match &err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {limit} bytes"),
        ),
        JsonPayloadError::ContentType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the article as JSON with Content-Type: application/json".to_string(),
        ),
        JsonPayloadError::Deserialize(e) => {
            (StatusCode::BAD_REQUEST, format!("malformed JSON: {e}"))
        }
        other => (StatusCode::BAD_REQUEST, other.to_string()),
    };
    let response = HttpResponse::build(status).json(serde_json::json!({
        "error": { "status": status.as_u16(), "message": message }
    }));
    actix_web::error::InternalError::from_response(err, response).into()
}

#[derive(Serialize)]
struct ClaimJson<'a> {
    id: i64,
    value: i64,
    value_max: Option<i64>,
    qualifier: &'a str,
    measure: &'a str,
    group: &'a str,
    subject: Option<&'a str>,
    source: Option<&'a str>,
    part_of: Option<i64>,
    start: i32,
    end: i32,
    quote: &'a str,
    status: &'a str,
    origin: &'a str,
}

fn claim_json(c: &Claim) -> ClaimJson<'_> {
    ClaimJson {
        id: c.id,
        value: c.value,
        value_max: c.value_max,
        qualifier: &c.qualifier,
        measure: &c.measure,
        group: &c.group_key,
        subject: c.subject.as_deref(),
        source: c.source_text.as_deref(),
        part_of: c.part_of_id,
        start: c.span_start,
        end: c.span_end,
        quote: &c.quote,
        status: &c.status,
        origin: &c.origin,
    }
}

pub async fn create_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<JsonObject<RawSubmission>>,
) -> Result<HttpResponse, ApiError> {
    let body = &body.0 .0;
    // JSON cannot be posted cross-site without CORS, so no CSRF token is needed here.
    may_submit(&req, &state)?;
    if submission::is_by_address(body) {
        let user = current_user(&req).map(|u| u.id);
        return Ok(super::by_address::create_article_json_by_address(&state, body, user).await?);
    }
    let valid = match submission::validate(body, state.settings.max_body_bytes) {
        Ok(valid) => valid,
        Err(errors) => {
            let status = if errors.iter().any(|e| e.code == "validation.text_too_long") {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok(invalid_submission(status, &errors));
        }
    };
    let user = current_user(&req).map(|u| u.id);
    let outcome = ingest_submission(&state, valid, Provenance::pasted(user)).await?;
    let (status, answer) = stored_answer(&outcome);
    Ok(HttpResponse::build(status).json(answer))
}

/// A refused submission: its status and each field's reason.
pub(super) fn invalid_submission(status: StatusCode, errors: &[FieldError]) -> HttpResponse {
    HttpResponse::build(status).json(serde_json::json!({
        "error": {
            "status": status.as_u16(),
            "message": "the article is not valid",
            "fields": errors,
        }
    }))
}

/// The answer to a stored submission (pasted or fetched): 201 with what was created, or 200 when
/// the text was already stored.
pub(super) fn stored_answer(outcome: &IngestOutcome) -> (StatusCode, serde_json::Value) {
    let status = if outcome.status.created() {
        StatusCode::CREATED
    } else if outcome.status == IngestStatus::Pending {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    let mut answer = serde_json::json!({
        "article_id": outcome.article_id,
        "version": outcome.version,
        "created": outcome.status.created(),
        "status": outcome.status,
        "claims": outcome.claims,
    });
    if let Some(pending) = outcome.pending_id {
        answer["pending_id"] = pending.into();
        answer["message"] = "the article is already stored: anonymous text is kept for a \
                             reviewer and does not change it until accepted"
            .into();
    }
    (status, answer)
}

fn article_json(
    article: &Article,
    outlet: Option<&str>,
    version: &ArticleVersion,
    claims: &[Claim],
    versions: &[articles::ListedVersion],
) -> serde_json::Value {
    serde_json::json!({
        "article_id": article.id,
        "url": article.url,
        "title": article.title,
        "outlet": outlet,
        "lang": article.language,
        "published": article.published_at,
        "event_id": article.event_id,
        "version": version.number,
        "text": version.body,
        "created_at": version.created_at,
        "origin": version.origin,
        "claims": claims.iter().map(claim_json).collect::<Vec<_>>(),
        "versions": versions.iter().map(|(n, at, count, origin)| serde_json::json!({
            "version": n, "created_at": at, "claims": count, "origin": origin,
        })).collect::<Vec<_>>(),
    })
}

async fn article_version_json(
    state: &AppState,
    id: i64,
    number: Option<i32>,
) -> Result<serde_json::Value, ApiError> {
    let value = state
        .with_conn(move |conn| {
            let (article, outlet) = articles::find(conn, id)?;
            let version = articles::version(conn, id, number)?;
            let claims = articles::claims_of_version(conn, version.id)?;
            let versions = articles::version_list(conn, id)?;
            Ok(article_json(
                &article,
                outlet.as_deref(),
                &version,
                &claims,
                &versions,
            ))
        })
        .await?;
    Ok(value)
}

pub async fn show_article(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    Ok(HttpResponse::Ok().json(article_version_json(&state, id, None).await?))
}

pub async fn show_version(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path.0)?;
    let number = path
        .1
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(article_version_json(&state, id, Some(number)).await?))
}
