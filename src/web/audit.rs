//! `GET /audit`: the audit log, filterable by entity, entity id, user and action, paginated.
//! Signed-in reviewers only (it lists sign-ins too); the pages of articles, events and conflicts
//! show their own history to everyone.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::require_reviewer;
use super::home::{page_number, render, PageQuery, PAGE_SIZE};
use super::page::PageContext;
use super::review::HistoryItem;
use super::{AppError, AppState};
use crate::db::audit::{self, AuditFilter};

#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub id: Option<String>,
    pub user: Option<String>,
    pub action: Option<String>,
    pub page: Option<String>,
}

fn word(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(64).collect())
}

#[derive(Template)]
#[template(path = "audit/list.html")]
pub struct AuditPage {
    pub ctx: PageContext,
    pub rows: Vec<HistoryItem>,
    pub entity: String,
    pub id: String,
    pub user: String,
    pub action: String,
    pub entities: Vec<&'static str>,
    pub page: i64,
    pub has_next: bool,
}

impl AuditPage {
    pub fn page_link(&self, n: i64) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("entity", &self.entity),
            ("id", &self.id),
            ("user", &self.user),
            ("action", &self.action),
        ] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        q.append_pair("page", &n.to_string());
        format!("/audit?{}", q.finish())
    }

    /// Where an entry's thing is shown, when it has a page.
    pub fn link(&self, h: &HistoryItem) -> Option<String> {
        let id = h.entity_id?;
        match h.entity.as_str() {
            "event" => Some(format!("/events/{id}")),
            "fact" => Some(format!("/conflicts/{id}")),
            "article" => Some(format!("/articles/{id}")),
            "source" => Some(format!("/sources#source-{id}")),
            _ => None,
        }
    }
}

pub async fn list_audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result =
        async {
            require_reviewer(&req)?;
            let entity_id =
                match word(&query.id) {
                    None => None,
                    Some(raw) => Some(raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(
                        || AppError::BadRequest(ctx.t.get("audit.err_id").to_string()),
                    )?),
                };
            let filter = AuditFilter {
                entity: word(&query.entity),
                entity_id,
                username: word(&query.user),
                action: word(&query.action),
            };
            let page = page_number(&PageQuery {
                page: query.page.clone(),
            });
            let f = filter.clone();
            let mut rows = state
                .with_conn(move |conn| {
                    Ok(audit::entries(
                        conn,
                        &f,
                        PAGE_SIZE + 1,
                        (page - 1) * PAGE_SIZE,
                    )?)
                })
                .await?;
            let has_next = rows.len() as i64 > PAGE_SIZE;
            rows.truncate(PAGE_SIZE as usize);
            render(AuditPage {
                ctx: ctx.clone(),
                rows: rows.into_iter().map(HistoryItem::from).collect(),
                entity: filter.entity.unwrap_or_default(),
                id: entity_id.map(|i| i.to_string()).unwrap_or_default(),
                user: filter.username.unwrap_or_default(),
                action: filter.action.unwrap_or_default(),
                entities: vec![
                    "claim",
                    "article",
                    "fact",
                    "event",
                    "source",
                    "subject_alias",
                    "place_alias",
                    "user",
                ],
                page,
                has_next,
            })
        }
        .await;
    result.unwrap_or_else(|e| e.page(ctx))
}
