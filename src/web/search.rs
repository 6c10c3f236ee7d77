//! `GET /search?q=`: articles matching words, Arabic spelling variants folded.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::home::{page_number, render, PageQuery, PAGE_SIZE};
use super::page::PageContext;
use super::AppState;
use crate::db::search;
use crate::domain::language::is_rtl;
use crate::domain::search_text::{query_terms, snippet};

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub page: Option<String>,
}

pub struct SearchResult {
    pub article_id: i64,
    pub version: i32,
    pub title: String,
    pub language: String,
    pub before: String,
    pub hit: String,
    pub after: String,
}

impl SearchResult {
    pub fn dir(&self) -> &'static str {
        if is_rtl(&self.language) {
            "rtl"
        } else {
            "ltr"
        }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub ctx: PageContext,
    pub query: String,
    pub results: Vec<SearchResult>,
    pub page: i64,
    pub has_next: bool,
}

pub async fn search_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let text: String = query
        .q
        .clone()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let page = page_number(&PageQuery {
        page: query.page.clone(),
    });
    let terms = query_terms(&text);
    let lookup = terms.clone();
    let result = state
        .with_conn(move |conn| {
            Ok(search::search(
                conn,
                &lookup,
                PAGE_SIZE + 1,
                (page - 1) * PAGE_SIZE,
            )?)
        })
        .await;
    let mut hits = match result {
        Ok(hits) => hits,
        Err(e) => return e.page(ctx),
    };
    let has_next = hits.len() as i64 > PAGE_SIZE;
    hits.truncate(PAGE_SIZE as usize);
    let results = hits
        .into_iter()
        .map(|h| {
            let (before, hit, after) = snippet(&h.body, &terms, 120).unwrap_or(("", "", ""));
            SearchResult {
                before: before.to_string(),
                hit: hit.to_string(),
                after: after.to_string(),
                article_id: h.article_id,
                version: h.version,
                title: h.title,
                language: h.language,
            }
        })
        .collect();
    render(SearchPage {
        ctx: ctx.clone(),
        query: text,
        results,
        page,
        has_next,
    })
    .unwrap_or_else(|e| e.page(ctx))
}
