//! `GET /`: the most recent articles, paginated.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::page::PageContext;
use super::{AppError, AppState};
use crate::db::articles::{self, ArticleSummary};

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

/// Page numbers start at 1; anything unreadable is page 1 rather than an error.
pub fn page_number(query: &PageQuery) -> i64 {
    query
        .page
        .as_deref()
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1)
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub ctx: PageContext,
    pub articles: Vec<ArticleSummary>,
    pub page: i64,
    pub has_next: bool,
}

pub async fn list_recent_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let page = page_number(&query);
    let result = state
        .with_conn(move |conn| {
            let mut rows = articles::recent(conn, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)?;
            let has_next = rows.len() as i64 > PAGE_SIZE;
            rows.truncate(PAGE_SIZE as usize);
            Ok((rows, has_next))
        })
        .await;
    match result {
        Ok((articles, has_next)) => render(HomePage {
            ctx: ctx.clone(),
            articles,
            page,
            has_next,
        })
        .unwrap_or_else(|e| e.page(ctx)),
        Err(e) => e.page(ctx),
    }
}

/// Renders a page template into a 200 response.
pub fn render<T: Template>(page: T) -> Result<HttpResponse, AppError> {
    let body = page.render()?;
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::html())
        .body(body))
}
