//! `/pending`: anonymous text for articles already stored (issue 17, point 5), which a reviewer
//! accepts as a version or rejects.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::articles::{article_location, parse_id};
use super::auth::{authorize, require_reviewer, CsrfOnly};
use super::home::render;
use super::page::PageContext;
use super::{changed_see_other, see_other, AppError, AppState};
use crate::db::ingest;
use crate::db::pending::{self, PendingVersion, Reviewed};

/// At most this many are listed (oldest first).
const LIST_LIMIT: i64 = 200;

#[derive(Template)]
#[template(path = "pending/list.html")]
pub struct PendingPage {
    pub ctx: PageContext,
    pub rows: Vec<PendingVersion>,
}

pub async fn list_pending(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        require_reviewer(&req)?;
        let rows = state
            .with_conn(|conn| Ok(pending::open(conn, LIST_LIMIT)?))
            .await?;
        render(PendingPage {
            ctx: ctx.clone(),
            rows,
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

fn already_reviewed(ctx: &PageContext) -> AppError {
    AppError::Refused(
        StatusCode::CONFLICT,
        ctx.t.get("pending.not_pending").to_string(),
    )
}

/// `POST /pending/{id}/accept`: the text becomes a version (marked anonymous); to its article.
pub async fn accept_pending(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CsrfOnly>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let row = state
            .with_conn(move |conn| Ok(pending::find(conn, id)?))
            .await?;
        if row.status != "pending" {
            return Err(already_reviewed(&ctx));
        }
        let extractor = state.extractor();
        let submission = row.submission();
        let prepared = web::block(move || ingest::prepare(submission, &extractor)).await?;
        let reviewed = state
            .with_conn(move |conn| Ok(pending::accept(conn, id, &prepared, user.id)?))
            .await?;
        match reviewed {
            Reviewed::Accepted(outcome) => {
                Ok(changed_see_other(&state, article_location(&outcome)))
            }
            _ => Err(already_reviewed(&ctx)),
        }
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

/// `POST /pending/{id}/reject`: nothing of the text is kept as a version; back to the list.
pub async fn reject_pending(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CsrfOnly>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let reviewed = state
            .with_conn(move |conn| Ok(pending::reject(conn, id, user.id)?))
            .await?;
        match reviewed {
            Reviewed::Rejected => Ok(see_other("/pending")),
            _ => Err(already_reviewed(&ctx)),
        }
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}
