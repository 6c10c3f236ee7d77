//! `GET /sources`: every source with its kind, grade, aliases and how many figures it gave;
//! `POST /sources/{id}`: a reviewer sets the grade and the aliases (audited).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::articles::parse_id;
use super::auth::authorize;
use super::changed_see_other;
use super::home::{page_number, render, PageQuery, PAGE_SIZE};
use super::page::PageContext;
use super::review::edit_error;
use super::{AppError, AppState};
use crate::db::sources::{self, SourceRow, GRADES};

#[derive(Debug, Deserialize, Default)]
pub struct SourcesQuery {
    pub q: Option<String>,
    pub page: Option<String>,
}

pub struct SourceView {
    pub id: i64,
    pub name: String,
    pub key: String,
    pub kind: String,
    pub grade: Option<String>,
    pub aliases: Vec<String>,
    /// The aliases one per line, for the form.
    pub aliases_text: String,
    pub figures: i64,
}

impl From<SourceRow> for SourceView {
    fn from(r: SourceRow) -> Self {
        let aliases: Vec<String> = r.aliases.into_iter().flatten().collect();
        SourceView {
            id: r.id,
            name: r.name,
            key: r.source_key,
            kind: r.kind,
            grade: r.credibility,
            aliases_text: aliases.join("\n"),
            aliases,
            figures: r.figures,
        }
    }
}

#[derive(Template)]
#[template(path = "sources/list.html")]
pub struct SourcesPage {
    pub ctx: PageContext,
    pub sources: Vec<SourceView>,
    pub q: String,
    pub page: i64,
    pub has_next: bool,
    pub grades: Vec<&'static str>,
}

impl SourcesPage {
    pub fn label(&self, prefix: &str, key: &str) -> String {
        self.ctx.t.get(&format!("{prefix}.{key}")).to_string()
    }

    pub fn is_grade(&self, s: &SourceView, g: &str) -> bool {
        s.grade.as_deref() == Some(g)
    }

    pub fn page_link(&self, n: i64) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            q.append_pair("q", &self.q);
        }
        q.append_pair("page", &n.to_string());
        format!("/sources?{}", q.finish())
    }
}

pub async fn list_sources(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<SourcesQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let page = page_number(&PageQuery {
        page: query.page.clone(),
    });
    let q = query
        .q
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect::<String>();
    let filter = q.clone();
    let result = async {
        let (mut rows, has_next) = state
            .with_conn(move |conn| {
                let f = (!filter.is_empty()).then_some(filter.as_str());
                let mut rows = sources::list(conn, f, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)?;
                let has_next = rows.len() as i64 > PAGE_SIZE;
                rows.truncate(PAGE_SIZE as usize);
                Ok((rows, has_next))
            })
            .await?;
        render(SourcesPage {
            ctx: ctx.clone(),
            sources: rows.drain(..).map(SourceView::from).collect(),
            q,
            page,
            has_next,
            grades: GRADES.to_vec(),
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

#[derive(Debug, Deserialize)]
pub struct SourceForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub aliases: String,
}

/// `POST /sources/{id}` with `grade` (a grade or blank) and `aliases` (one per line).
pub async fn update_source(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<SourceForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let grade = sources::parse_grade(&form.grade).map_err(|e| edit_error(e, t))?;
        let aliases = sources::parse_aliases(&form.aliases).map_err(|e| edit_error(e, t))?;
        state
            .with_conn(move |conn| {
                sources::update(conn, user.id, id, grade, aliases).map_err(|e| edit_error(e, t))
            })
            .await?;
        Ok::<_, AppError>(format!("/sources#source-{id}"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}
