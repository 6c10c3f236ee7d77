//! `GET /conflicts`: every conflict, filterable by status, measure, group and event, paginated.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::home::{page_number, render, PageQuery, PAGE_SIZE};
use super::i18n::Messages;
use super::page::PageContext;
use super::{AppError, AppResult, AppState};
use crate::db::events::{self, ConflictSummary};
use crate::db::export::ConflictFilter;
use crate::domain::Measure;

/// Review statuses of a fact (`dismissed`, the former name of `unresolvable`, is still accepted).
pub const STATUSES: [&str; 3] = ["open", "resolved", "unresolvable"];

/// The filter as given in the query string (blank means "any").
#[derive(Debug, Deserialize, Default, Clone)]
pub struct ConflictQuery {
    pub status: Option<String>,
    pub measure: Option<String>,
    pub group: Option<String>,
    pub event: Option<String>,
    pub page: Option<String>,
}

fn blank_to_none(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn invalid(t: &Messages, key: &str, value: &str) -> AppError {
    AppError::BadRequest(format!("{} ({value:?})", t.get(key)))
}

/// Checks the filter; an unknown status or measure, a malformed group or event is a 400.
pub fn parse_filter(query: &ConflictQuery, t: &Messages) -> AppResult<ConflictFilter> {
    let status = match blank_to_none(&query.status) {
        None => None,
        Some("dismissed") => Some("unresolvable".to_string()),
        Some(s) if STATUSES.contains(&s) => Some(s.to_string()),
        Some(s) => return Err(invalid(t, "conflicts.err_status", s)),
    };
    let measure = match blank_to_none(&query.measure) {
        None => None,
        Some(m) => match m.parse::<Measure>() {
            Ok(m) => Some(m.as_str().to_string()),
            Err(_) => return Err(invalid(t, "conflicts.err_measure", m)),
        },
    };
    let group = match blank_to_none(&query.group) {
        None => None,
        Some(g)
            if g.len() <= 64
                && g.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') =>
        {
            Some(g.to_string())
        }
        Some(g) => return Err(invalid(t, "conflicts.err_group", g)),
    };
    let event_id = match blank_to_none(&query.event) {
        None => None,
        Some(e) => match e.parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => return Err(invalid(t, "conflicts.err_event", e)),
        },
    };
    Ok(ConflictFilter {
        status,
        measure,
        group,
        event_id,
    })
}

/// The filter as a query string (for the pager and the export link).
pub fn filter_query(filter: &ConflictFilter) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(s) = &filter.status {
        q.append_pair("status", s);
    }
    if let Some(m) = &filter.measure {
        q.append_pair("measure", m);
    }
    if let Some(g) = &filter.group {
        q.append_pair("group", g);
    }
    if let Some(e) = filter.event_id {
        q.append_pair("event", &e.to_string());
    }
    q.finish()
}

pub struct ConflictListRow {
    pub fact_id: i64,
    pub event_id: i64,
    pub event_title: String,
    pub measure: String,
    pub group: String,
    pub low: String,
    pub best: String,
    /// Whether a reviewer's verdict chose `best` (`db::estimate`).
    pub best_by_reviewer: bool,
    pub high: String,
    pub status: String,
    pub updated: String,
    pub members: i64,
}

impl From<ConflictSummary> for ConflictListRow {
    fn from(c: ConflictSummary) -> Self {
        let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
        let best_by_reviewer = c.best_chosen_by() == crate::db::estimate::ChosenBy::Reviewer;
        ConflictListRow {
            fact_id: c.fact_id,
            event_id: c.event_id,
            event_title: c.event_title,
            measure: c.measure,
            group: c.group_key,
            low: n(c.low),
            best: n(c.best),
            best_by_reviewer,
            high: n(c.high),
            status: c.status,
            updated: c.updated_at.format("%Y-%m-%d %H:%M").to_string(),
            members: c.members,
        }
    }
}

#[derive(Template)]
#[template(path = "conflicts/list.html")]
pub struct ConflictsPage {
    pub ctx: PageContext,
    pub rows: Vec<ConflictListRow>,
    pub page: i64,
    pub has_next: bool,
    pub filter: ConflictFilter,
    /// `status=…&measure=…` of the current filter (empty when none).
    pub query: String,
    pub statuses: Vec<&'static str>,
    pub measures: Vec<&'static str>,
    pub groups: Vec<String>,
    pub events: Vec<(i64, String)>,
}

impl ConflictsPage {
    pub fn label(&self, prefix: &str, key: &str) -> String {
        self.ctx.t.get(&format!("{prefix}.{key}")).to_string()
    }

    pub fn is_status(&self, s: &str) -> bool {
        self.filter.status.as_deref() == Some(s)
    }

    pub fn is_measure(&self, m: &str) -> bool {
        self.filter.measure.as_deref() == Some(m)
    }

    pub fn is_group(&self, g: &str) -> bool {
        self.filter.group.as_deref() == Some(g)
    }

    pub fn is_event(&self, id: &i64) -> bool {
        self.filter.event_id == Some(*id)
    }

    /// A link to page `n` of the current filter.
    pub fn page_link(&self, n: i64) -> String {
        if self.query.is_empty() {
            format!("/conflicts?page={n}")
        } else {
            format!("/conflicts?{}&page={n}", self.query)
        }
    }

    pub fn export_link(&self) -> String {
        if self.query.is_empty() {
            "/export/conflicts.csv".to_string()
        } else {
            format!("/export/conflicts.csv?{}", self.query)
        }
    }
}

pub async fn list_conflicts(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ConflictQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let filter = parse_filter(&query, ctx.t)?;
        let page = page_number(&PageQuery {
            page: query.page.clone(),
        });
        let f = filter.clone();
        let (mut rows, mut groups, events) = state
            .with_conn(move |conn| {
                let rows = events::conflicts(conn, &f, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)?;
                let groups = events::conflict_groups(conn)?;
                let evs = events::conflict_events(conn)?;
                Ok((rows, groups, evs))
            })
            .await?;
        let has_next = rows.len() as i64 > PAGE_SIZE;
        rows.truncate(PAGE_SIZE as usize);
        if let Some(g) = &filter.group {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
        }
        render(ConflictsPage {
            ctx: ctx.clone(),
            rows: rows.into_iter().map(ConflictListRow::from).collect(),
            page,
            has_next,
            query: filter_query(&filter),
            filter,
            statuses: STATUSES.to_vec(),
            measures: Measure::ALL.iter().map(|m| m.as_str()).collect(),
            groups,
            events,
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::Lang;

    fn q(status: &str, measure: &str, group: &str, event: &str) -> ConflictQuery {
        let some = |s: &str| Some(s.to_string());
        ConflictQuery {
            status: some(status),
            measure: some(measure),
            group: some(group),
            event: some(event),
            page: None,
        }
    }

    #[test]
    fn blanks_mean_any() {
        let f = parse_filter(&q("", " ", "", ""), Lang::En.messages()).unwrap();
        assert!(f.status.is_none() && f.measure.is_none() && f.group.is_none());
        assert!(f.event_id.is_none());
        assert_eq!(filter_query(&f), "");
    }

    #[test]
    fn dismissed_is_the_old_name_of_unresolvable() {
        let f = parse_filter(&q("dismissed", "", "", ""), Lang::En.messages()).unwrap();
        assert_eq!(f.status.as_deref(), Some("unresolvable"));
    }

    #[test]
    fn a_valid_filter_round_trips() {
        let f = parse_filter(&q("open", "killed", "civilians", "7"), Lang::En.messages()).unwrap();
        assert_eq!(f.status.as_deref(), Some("open"));
        assert_eq!(f.measure.as_deref(), Some("killed"));
        assert_eq!(f.group.as_deref(), Some("civilians"));
        assert_eq!(f.event_id, Some(7));
        assert_eq!(
            filter_query(&f),
            "status=open&measure=killed&group=civilians&event=7"
        );
    }

    #[test]
    fn invalid_values_are_bad_requests() {
        let t = Lang::Ar.messages();
        for query in [
            q("closed", "", "", ""),
            q("", "eaten", "", ""),
            q("", "", "<script>", ""),
            q("", "", "", "-3"),
            q("", "", "", "x"),
        ] {
            let err = parse_filter(&query, t).unwrap_err();
            assert_eq!(err.status().as_u16(), 400, "{query:?}");
        }
    }
}
