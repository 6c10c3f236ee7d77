//! Watched addresses (issue 10): `GET /watches`, the list of watched articles with their
//! schedule and errors, and `POST /articles/{id}/watch`, a reviewer turning an article's watch
//! on or off from the article page (which shows the watch through [`ArticleWatchView`]).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::Deserialize;
use serde_json::json;

use super::articles::parse_id;
use super::auth::authorize;
use super::home::{page_number, render, PageQuery};
use super::i18n::Messages;
use super::page::PageContext;
use super::{changed_see_other, AppError, AppResult, AppState};
use crate::db::watch_pages::{
    self, FetchSummary, WatchCounts, WatchFilter, WatchOrder, WatchSummary,
};
use crate::db::{articles, audit, watch, DbConn};
use crate::domain::language::is_rtl;

/// Watches a page shows.
pub const WATCH_PAGE_SIZE: i64 = 50;
/// Fetches shown under each watch.
const FETCHES_PER_WATCH: i64 = 5;

/// `2026-11-30 14:05` (UTC), written in the page language by the template (`ctx.lang.date`).
fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

fn when_opt(at: Option<DateTime<Utc>>) -> String {
    at.map(when).unwrap_or_default()
}

/// The list's query string: `show=all|failing|stopped`, `order=changed|next`, `page`.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct WatchesQuery {
    pub show: Option<String>,
    pub order: Option<String>,
    pub page: Option<String>,
}

fn blank_to_none(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Reads the filter and order; an unknown value is a 400 saying what is accepted.
pub fn parse_query(query: &WatchesQuery, t: &Messages) -> AppResult<(WatchFilter, WatchOrder)> {
    let filter = match blank_to_none(&query.show) {
        None | Some("all") => WatchFilter::All,
        Some("failing") => WatchFilter::Failing,
        Some("stopped") => WatchFilter::Stopped,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "{} ({other:?})",
                t.get("watches.err_show")
            )))
        }
    };
    let order = match blank_to_none(&query.order) {
        None | Some("changed") => WatchOrder::LastChange,
        Some("next") => WatchOrder::NextCheck,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "{} ({other:?})",
                t.get("watches.err_order")
            )))
        }
    };
    Ok((filter, order))
}

fn filter_code(filter: WatchFilter) -> &'static str {
    match filter {
        WatchFilter::All => "all",
        WatchFilter::Failing => "failing",
        WatchFilter::Stopped => "stopped",
    }
}

fn order_code(order: WatchOrder) -> &'static str {
    match order {
        WatchOrder::LastChange => "changed",
        WatchOrder::NextCheck => "next",
    }
}

/// One fetch under a watch, ready to show.
pub struct FetchRow {
    pub at: String,
    pub outcome: String,
    pub http_status: Option<i32>,
    pub error: Option<String>,
    pub final_url: Option<String>,
    pub version: Option<i32>,
}

impl From<&FetchSummary> for FetchRow {
    fn from(f: &FetchSummary) -> Self {
        FetchRow {
            at: when(f.fetched_at),
            outcome: f.outcome.clone(),
            http_status: f.http_status,
            error: f.error.clone(),
            final_url: f.final_url.clone(),
            version: f.version,
        }
    }
}

/// One watch, ready to show.
pub struct WatchRow {
    pub id: i64,
    pub url: String,
    pub article_id: Option<i64>,
    pub title: Option<String>,
    pub language: String,
    pub outlet: Option<String>,
    pub active: bool,
    pub last_checked: String,
    pub next_check: String,
    pub last_change: String,
    pub failures: i32,
    pub last_error: Option<String>,
    pub versions: i64,
    pub fetches: Vec<FetchRow>,
}

impl WatchRow {
    fn new(w: WatchSummary, fetches: &[FetchSummary]) -> Self {
        WatchRow {
            fetches: fetches
                .iter()
                .filter(|f| f.watch_id == Some(w.id))
                .map(FetchRow::from)
                .collect(),
            id: w.id,
            url: w.url,
            article_id: w.article_id,
            title: w.title,
            language: w.language.unwrap_or_default(),
            outlet: w.outlet,
            active: w.active,
            last_checked: when_opt(w.last_checked_at),
            // A stopped watch is not scheduled: its `next_check_at` means nothing.
            next_check: if w.active {
                when(w.next_check_at)
            } else {
                String::new()
            },
            last_change: when_opt(w.last_changed_at),
            failures: w.failures,
            last_error: w.last_error,
            versions: w.versions,
        }
    }

    /// Only http(s) addresses are links: a stored `javascript:` address stays text.
    pub fn url_is_web(&self) -> bool {
        let lower = self.url.trim_start().to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    }

    pub fn title_dir(&self) -> &'static str {
        if is_rtl(&self.language) {
            "rtl"
        } else {
            "auto"
        }
    }
}

#[derive(Template)]
#[template(path = "watches/list.html")]
pub struct WatchesPage {
    pub ctx: PageContext,
    pub rows: Vec<WatchRow>,
    pub counts: WatchCounts,
    pub show: &'static str,
    pub order: &'static str,
    pub page: i64,
    pub has_next: bool,
}

impl WatchesPage {
    pub fn filters(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("all", self.counts.all),
            ("failing", self.counts.failing),
            ("stopped", self.counts.stopped),
        ]
    }

    pub fn is_shown(&self, code: &str) -> bool {
        self.show == code
    }

    pub fn label(&self, key: &str) -> String {
        self.ctx.t.get(&format!("watches.{key}")).to_string()
    }

    pub fn outcome_label(&self, outcome: &str) -> String {
        self.label(&format!("outcome_{outcome}"))
    }

    /// A link to this list with `show`, `order` and `page` (defaults left out).
    pub fn link(&self, show: &str, order: &str, page: i64) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if show != "all" {
            q.append_pair("show", show);
        }
        if order != "changed" {
            q.append_pair("order", order);
        }
        if page > 1 {
            q.append_pair("page", &page.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            "/watches".to_string()
        } else {
            format!("/watches?{q}")
        }
    }

    pub fn page_link(&self, page: i64) -> String {
        self.link(self.show, self.order, page)
    }
}

/// `GET /watches`: readable by anyone, like the other reading pages.
pub async fn list_watches(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<WatchesQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let (filter, order) = parse_query(&query, ctx.t)?;
        let page = page_number(&PageQuery {
            page: query.page.clone(),
        });
        let (mut rows, fetches, counts) = state
            .with_conn(move |conn| {
                let rows = watch_pages::list(
                    conn,
                    filter,
                    order,
                    WATCH_PAGE_SIZE + 1,
                    (page - 1) * WATCH_PAGE_SIZE,
                )?;
                let ids: Vec<i64> = rows.iter().map(|w| w.id).collect();
                let fetches = watch_pages::recent_fetches(conn, &ids, FETCHES_PER_WATCH)?;
                let counts = watch_pages::counts(conn)?;
                Ok((rows, fetches, counts))
            })
            .await?;
        let has_next = rows.len() as i64 > WATCH_PAGE_SIZE;
        rows.truncate(WATCH_PAGE_SIZE as usize);
        render(WatchesPage {
            ctx: ctx.clone(),
            rows: rows
                .into_iter()
                .map(|w| WatchRow::new(w, &fetches))
                .collect(),
            counts,
            show: filter_code(filter),
            order: order_code(order),
            page,
            has_next,
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

/// What the article page shows of the article's watch.
#[derive(Debug, Clone)]
pub struct ArticleWatchView {
    pub active: bool,
    pub last_checked: String,
    pub next_check: String,
    pub last_change: String,
    pub failures: i32,
    pub last_error: Option<String>,
}

impl From<watch::Watch> for ArticleWatchView {
    fn from(w: watch::Watch) -> Self {
        ArticleWatchView {
            active: w.active,
            last_checked: when_opt(w.last_checked_at),
            next_check: when(w.next_check_at),
            last_change: when_opt(w.last_changed_at),
            failures: w.failures,
            last_error: w.last_error,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct WatchForm {
    #[serde(default)]
    pub csrf: String,
    /// `1` to watch, `0` to stop.
    #[serde(default)]
    pub on: String,
}

/// Turns the watch of `article_id` on or off, with its audit entry, in one transaction.
fn set_watch(
    conn: &mut DbConn,
    article_id: i64,
    on: bool,
    user_id: i64,
    t: &'static Messages,
) -> AppResult<()> {
    conn.transaction::<_, AppError, _>(|conn| {
        let (article, _) = articles::find(conn, article_id)?;
        let before = watch::find_by_article(conn, article_id)?;
        if on {
            // The address the article is already watched at, else the article's own.
            let url = match (&before, &article.url) {
                (Some(w), _) => w.url.clone(),
                (None, Some(url)) => url.clone(),
                (None, None) => {
                    return Err(AppError::BadRequest(t.get("watches.no_url").to_string()))
                }
            };
            watch::watch_article(conn, article_id, &url, Some(user_id))?;
        } else {
            watch::unwatch(conn, article_id)?;
        }
        let state = |w: Option<&watch::Watch>| {
            w.map(|w| json!({ "url": w.url, "active": w.active }))
                .unwrap_or_else(|| json!({ "active": false }))
        };
        let after = watch::find_by_article(conn, article_id)?;
        audit::record(
            conn,
            Some(user_id),
            if on { "watch" } else { "unwatch" },
            "article",
            Some(article_id),
            Some(state(before.as_ref())),
            Some(state(after.as_ref())),
        )?;
        Ok(())
    })
}

/// `POST /articles/{id}/watch` with `on=1` or `on=0`: a signed-in reviewer (401) with the
/// form's CSRF token (403); back to the article page with a notice.
pub async fn watch_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<WatchForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let on = match form.on.trim() {
            "1" => true,
            "0" => false,
            _ => return Err(AppError::BadRequest(t.get("watches.err_on").to_string())),
        };
        state
            .with_conn(move |conn| set_watch(conn, id, on, user.id, t))
            .await?;
        let notice = if on { "watched" } else { "unwatched" };
        Ok::<_, AppError>(format!("/articles/{id}?notice={notice}"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;

    fn q(show: &str, order: &str) -> WatchesQuery {
        WatchesQuery {
            show: Some(show.to_string()),
            order: Some(order.to_string()),
            page: None,
        }
    }

    #[test]
    fn blanks_mean_every_watch_by_last_change() {
        let (filter, order) = parse_query(&q(" ", ""), Lang::En.messages()).unwrap();
        assert_eq!(filter, WatchFilter::All);
        assert_eq!(order, WatchOrder::LastChange);
    }

    #[test]
    fn known_filters_and_orders_are_read() {
        let t = Lang::En.messages();
        assert_eq!(
            parse_query(&q("failing", "next"), t).unwrap(),
            (WatchFilter::Failing, WatchOrder::NextCheck)
        );
        assert_eq!(
            parse_query(&q("stopped", "changed"), t).unwrap().0,
            WatchFilter::Stopped
        );
    }

    #[test]
    fn unknown_filters_and_orders_are_bad_requests() {
        let t = Lang::Ar.messages();
        for query in [q("broken", ""), q("", "oldest"), q("<script>", "")] {
            let err = parse_query(&query, t).unwrap_err();
            assert_eq!(err.status().as_u16(), 400, "{query:?}");
        }
    }
}
