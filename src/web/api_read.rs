//! The JSON read API: `GET /api/events`, `/api/events/{id}` (with its articles, facts and their
//! members), `/api/facts`, `/api/conflicts` and `/api/claims`, filtered like the list pages.
//!
//! Lists are paged with `?page=` (from 1) and `?per_page=` (default 50, at most 200) and answer
//! `{items, page, per_page, total, next}`, `next` being the path of the next page or null.
//! Invalid parameters are a 400 and unknown ids a 404, as JSON errors.

use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use super::articles::parse_id;
use super::exports::{filter_error, ListQuery};
use super::i18n::{Lang, Messages};
use super::{ApiError, AppError, AppResult, AppState};
use crate::db::events as db_events;
use crate::db::export::{self, ExportFilter, FactRow, MemberRow, Statuses, Window};
use crate::db::schema::events;

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 200;
/// A page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// `page` from 1, any page past the last one an empty page (a number too large to hold is
/// such a page too); `per_page` from 1, larger values capped at [`MAX_PER_PAGE`].
pub fn paging(query: &ListQuery, t: &Messages) -> AppResult<Paging> {
    let number = |raw: &Option<String>| -> Option<Result<i64, String>> {
        let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        Some(match raw.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(n),
            Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => Ok(i64::MAX),
            _ => Err(raw.chars().take(50).collect()),
        })
    };
    let page = match number(&query.page) {
        None => 1,
        Some(Ok(n)) => n,
        Some(Err(raw)) => return Err(bad(t, "filters.err_page", &raw)),
    };
    let per_page = match number(&query.per_page) {
        None => DEFAULT_PER_PAGE,
        Some(Ok(n)) => n.min(MAX_PER_PAGE),
        Some(Err(raw)) => return Err(bad(t, "filters.err_per_page", &raw)),
    };
    Ok(Paging { page, per_page })
}

fn bad(t: &Messages, key: &str, value: &str) -> AppError {
    AppError::BadRequest(format!("{} ({value:?})", t.get(key)))
}

/// The path of the next page (same query, `page` + 1), if there is one.
pub fn next_link(req: &HttpRequest, paging: Paging, total: i64) -> Option<String> {
    if paging.page.saturating_mul(paging.per_page) >= total {
        return None;
    }
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        if k != "page" {
            q.append_pair(&k, &v);
        }
    }
    q.append_pair("page", &(paging.page + 1).to_string());
    Some(format!("{}?{}", req.path(), q.finish()))
}

fn list<T: Serialize>(
    req: &HttpRequest,
    items: Vec<T>,
    paging: Paging,
    total: i64,
) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "items": items,
        "page": paging.page,
        "per_page": paging.per_page,
        "total": total,
        "next": next_link(req, paging, total),
    }))
}

/// API errors are in English.
fn t() -> &'static Messages {
    Lang::En.messages()
}

fn filter(query: &ListQuery, statuses: Statuses) -> AppResult<ExportFilter> {
    export::parse_filter(&query.filter_input(), statuses).map_err(|e| filter_error(e, t()))
}

// ---------------------------------------------------------------------------------------------
// Facts and their members as JSON
// ---------------------------------------------------------------------------------------------

fn member_json(m: &MemberRow) -> Value {
    json!({
        "claim_id": m.claim_id,
        "role": m.role,
        "reason": m.reason,
        "is_position": m.is_position,
        "source": m.source_label(),
        "canonical_source": m.source_name,
        "credibility": m.credibility,
        "attribution": m.source_text,
        "outlet": m.outlet,
        "value": m.value,
        "value_max": m.value_max,
        "qualifier": m.qualifier,
        "quote": m.quote,
        "article_id": m.article_id,
        "article_url": m.article_url,
        "article_title": m.article_title,
        "language": m.language,
        "published": m.published_at,
        "version": m.version,
        "link": format!("/articles/{}?version={}#claim-{}", m.article_id, m.version, m.position + 1),
    })
}

pub fn fact_json(f: &FactRow, members: &[MemberRow]) -> Value {
    let mine: Vec<&MemberRow> = members.iter().filter(|m| m.fact_id == f.id).collect();
    let bound = |value: Option<i64>, claim: Option<i64>| match value {
        None => Value::Null,
        Some(v) => json!({
            "value": v,
            "claim_id": claim,
            "source": claim.and_then(|id| mine.iter().find(|m| m.claim_id == id).map(|m| m.source_label())),
        }),
    };
    let mut best = bound(f.best, f.best_claim_id);
    if let Some(b) = best.as_object_mut() {
        // `rule`, or `reviewer` once a verdict prefers a figure (`db::estimate`).
        b.insert("chosen_by".into(), json!(f.best_chosen_by().as_str()));
        b.insert("reason".into(), json!(f.best_reason()));
    }
    json!({
        "id": f.id,
        "event_id": f.event_id,
        "event_title": f.event_title,
        "measure": f.measure,
        "group": f.group_key,
        "low": bound(f.low, f.low_claim_id),
        "best": best,
        "high": bound(f.high, f.high_claim_id),
        "is_conflict": f.is_conflict,
        "status": f.status,
        "resolution_note": f.resolution_note,
        "resolved_at": f.resolved_at,
        "preferred_claim_id": f.preferred_claim_id,
        "preferred_reason": f.preferred_reason,
        "updated_at": f.updated_at,
        "url": format!("/events/{}#fact-{}", f.event_id, f.id),
        "members": mine.iter().map(|m| member_json(m)).collect::<Vec<_>>(),
    })
}

async fn fact_list(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ListQuery,
    conflicts_only: bool,
) -> Result<HttpResponse, ApiError> {
    let filter = filter(&query, Statuses::Fact)?;
    let paging = paging(&query, t())?;
    let (items, total) = state
        .with_conn(move |conn| {
            let total = export::fact_count(conn, &filter, conflicts_only)?;
            let facts = export::fact_rows(
                conn,
                &filter,
                conflicts_only,
                Window::Offset(paging.offset()),
                paging.per_page,
            )?;
            let ids: Vec<i64> = facts.iter().map(|f| f.id).collect();
            let members = export::members_of(conn, &ids)?;
            let items: Vec<Value> = facts.iter().map(|f| fact_json(f, &members)).collect();
            Ok((items, total))
        })
        .await?;
    Ok(list(&req, items, paging, total))
}

/// `GET /api/facts?event=&measure=&group=` (also `status`, `source`, `from`, `to`, `article`).
pub async fn list_facts(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    fact_list(req, state, query.into_inner(), false).await
}

/// `GET /api/conflicts?status=&measure=&group=&event=`.
pub async fn list_conflicts(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    fact_list(req, state, query.into_inner(), true).await
}

/// `GET /api/claims?event=&article=&measure=&group=&status=` (a claim's status).
pub async fn list_claims(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = filter(&query, Statuses::Claim)?;
    let paging = paging(&query, t())?;
    let (items, total) = state
        .with_conn(move |conn| {
            let total = export::claim_count(conn, &filter)?;
            let items = export::claim_rows(
                conn,
                &filter,
                Window::Offset(paging.offset()),
                paging.per_page,
            )?;
            Ok((items, total))
        })
        .await?;
    Ok(list(&req, items, paging, total))
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/// `GET /api/events`: most recently changed first.
pub async fn list_events(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = paging(&query, t())?;
    let (items, total) = state
        .with_conn(move |conn| {
            let total: i64 = events::table.count().get_result(conn)?;
            let rows = db_events::list(conn, paging.per_page, paging.offset())?;
            let items: Vec<Value> = rows
                .into_iter()
                .map(|e| {
                    json!({
                        "id": e.id,
                        "title": e.title,
                        "place": e.place_name,
                        "date_from": e.date_from,
                        "date_to": e.date_to,
                        "created_at": e.created_at,
                        "updated_at": e.updated_at,
                        "articles": e.articles,
                        "open_conflicts": e.open_conflicts,
                        "url": format!("/events/{}", e.id),
                    })
                })
                .collect();
            Ok((items, total))
        })
        .await?;
    Ok(list(&req, items, paging, total))
}

/// Facts described for one event, at most.
const MAX_EVENT_FACTS: i64 = 10_000;

/// `GET /api/events/{id}`: the event, its articles, and its facts with their members.
pub async fn show_event(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let value = state
        .with_conn(move |conn| {
            let event = db_events::find(conn, id)?;
            let articles = db_events::articles_of(conn, id)?;
            let filter = ExportFilter {
                event_id: Some(id),
                ..Default::default()
            };
            let facts =
                export::fact_rows(conn, &filter, false, Window::Offset(0), MAX_EVENT_FACTS)?;
            let ids: Vec<i64> = facts.iter().map(|f| f.id).collect();
            let members = export::members_of(conn, &ids)?;
            Ok(json!({
                "id": event.id,
                "title": event.title,
                "place": event.place_name,
                "place_key": event.place_key,
                "date_from": event.date_from,
                "date_to": event.date_to,
                "created_at": event.created_at,
                "updated_at": event.updated_at,
                "url": format!("/events/{}", event.id),
                "articles": articles.iter().map(|a| json!({
                    "id": a.id,
                    "title": a.title,
                    "language": a.language,
                    "url": a.url,
                    "outlet": a.outlet,
                    "published": a.published_at,
                    "created_at": a.created_at,
                    "version": a.latest_version,
                })).collect::<Vec<_>>(),
                "facts": facts.iter().map(|f| fact_json(f, &members)).collect::<Vec<_>>(),
            }))
        })
        .await?;
    Ok(HttpResponse::Ok().json(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(page: &str, per_page: &str) -> ListQuery {
        ListQuery {
            page: Some(page.into()),
            per_page: Some(per_page.into()),
            ..Default::default()
        }
    }

    #[test]
    fn paging_defaults_caps_and_refuses() {
        let t = t();
        assert_eq!(
            paging(&ListQuery::default(), t).unwrap(),
            Paging {
                page: 1,
                per_page: DEFAULT_PER_PAGE
            }
        );
        assert_eq!(paging(&q("3", "1000"), t).unwrap().per_page, MAX_PER_PAGE);
        assert_eq!(paging(&q("3", "20"), t).unwrap().offset(), 40);
        // Past the last page: an empty page, never "not a positive number".
        assert_eq!(paging(&q("99999999", ""), t).unwrap().page, 99999999);
        let huge = paging(&q("99999999999999999999999", "99999999999999999999"), t).unwrap();
        assert_eq!((huge.page, huge.per_page), (i64::MAX, MAX_PER_PAGE));
        assert_eq!(huge.offset(), i64::MAX);
        for (page, per_page) in [("0", ""), ("x", ""), ("", "0"), ("", "-5"), ("-1", "")] {
            let err = paging(&q(page, per_page), t).unwrap_err();
            assert_eq!(err.status().as_u16(), 400, "{page:?} {per_page:?}");
        }
    }
}
