//! The editable lexicons: `/lexicon/subjects` (alias → actor group, read by the extractor) and
//! `/lexicon/places` (alias → place, read by the linker's gazetteer). Lists are filterable and
//! paginated; reviewers add and delete aliases (audited), and the extractor or gazetteer is
//! rebuilt at once so the next article uses the change.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::articles::parse_id;
use super::auth::authorize;
use super::changed_see_other;
use super::home::{page_number, render, PageQuery, PAGE_SIZE};
use super::page::PageContext;
use super::review::edit_error;
use super::{AppError, AppResult, AppState};
use crate::db::lexicon::load_extractor;
use crate::db::lexicon_edit::{
    self, clean_alias, clean_key, clean_lang, NewPlaceAlias, PlaceRow, SubjectRow, LANGS, LEVELS,
};
use crate::db::linking::replace_gazetteer;

#[derive(Debug, Deserialize, Default)]
pub struct LexiconQuery {
    pub group: Option<String>,
    pub place: Option<String>,
    pub lang: Option<String>,
    pub notice: Option<String>,
    pub page: Option<String>,
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The filter: a valid key and a known language, or a 400.
fn filters(
    query: &LexiconQuery,
    key: &Option<String>,
    dots: bool,
    t: &super::i18n::Messages,
) -> AppResult<(Option<String>, Option<String>)> {
    let key = match blank(key) {
        Some(k) => Some(clean_key(&k, dots).map_err(|e| edit_error(e, t))?),
        None => None,
    };
    let lang = match blank(&query.lang) {
        Some(l) => Some(clean_lang(&l).map_err(|e| edit_error(e, t))?),
        None => None,
    };
    Ok((key, lang))
}

fn link(base: &str, pairs: &[(&str, &Option<String>)], page: i64) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v {
            q.append_pair(k, v);
        }
    }
    q.append_pair("page", &page.to_string());
    format!("{base}?{}", q.finish())
}

// ---------------------------------------------------------------------------------------------
// Subjects
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "lexicon/subjects.html")]
pub struct SubjectsPage {
    pub ctx: PageContext,
    pub rows: Vec<SubjectRow>,
    pub groups: Vec<String>,
    pub langs: Vec<&'static str>,
    pub group: Option<String>,
    pub lang: Option<String>,
    pub saved: bool,
    pub page: i64,
    pub has_next: bool,
}

impl SubjectsPage {
    pub fn is_group(&self, g: &str) -> bool {
        self.group.as_deref() == Some(g)
    }

    pub fn is_lang(&self, l: &str) -> bool {
        self.lang.as_deref() == Some(l)
    }

    pub fn page_link(&self, n: i64) -> String {
        link(
            "/lexicon/subjects",
            &[("group", &self.group), ("lang", &self.lang)],
            n,
        )
    }
}

pub async fn list_subjects(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LexiconQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let (group, lang) = filters(&query, &query.group, false, ctx.t)?;
        let page = page_number(&PageQuery {
            page: query.page.clone(),
        });
        let (g, l) = (group.clone(), lang.clone());
        let (mut rows, groups) = state
            .with_conn(move |conn| {
                let rows = lexicon_edit::subjects(
                    conn,
                    g.as_deref(),
                    l.as_deref(),
                    PAGE_SIZE + 1,
                    (page - 1) * PAGE_SIZE,
                )?;
                Ok((rows, lexicon_edit::subject_groups(conn)?))
            })
            .await?;
        let has_next = rows.len() as i64 > PAGE_SIZE;
        rows.truncate(PAGE_SIZE as usize);
        render(SubjectsPage {
            ctx: ctx.clone(),
            rows,
            groups,
            langs: LANGS.to_vec(),
            group,
            lang,
            saved: query.notice.as_deref() == Some("saved"),
            page,
            has_next,
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

#[derive(Debug, Deserialize)]
pub struct AliasForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub alias: String,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub parent: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub capital: String,
}

/// Rebuilds the extractor from the edited table so the next ingest uses it.
async fn rebuild_extractor(state: &AppState) -> AppResult<()> {
    let extractor = state.with_conn(|conn| Ok(load_extractor(conn)?)).await?;
    state.replace_extractor(extractor);
    Ok(())
}

/// `POST /lexicon/subjects` with alias, lang, group.
pub async fn add_subject(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<AliasForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let alias = clean_alias(&form.alias).map_err(|e| edit_error(e, t))?;
        let lang = clean_lang(&form.lang).map_err(|e| edit_error(e, t))?;
        let group = clean_key(&form.group, false).map_err(|e| edit_error(e, t))?;
        let g = group.clone();
        state
            .with_conn(move |conn| {
                lexicon_edit::add_subject(conn, user.id, &alias, &lang, &g)
                    .map_err(|e| edit_error(e, t))
            })
            .await?;
        rebuild_extractor(&state).await?;
        Ok::<_, AppError>(format!("/lexicon/subjects?group={group}&notice=saved"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

/// `POST /lexicon/subjects/{id}/delete`.
pub async fn delete_subject(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<AliasForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        state
            .with_conn(move |conn| {
                lexicon_edit::delete_subject(conn, user.id, id).map_err(|e| edit_error(e, t))
            })
            .await?;
        rebuild_extractor(&state).await?;
        Ok::<_, AppError>("/lexicon/subjects?notice=saved".to_string())
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

// ---------------------------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "lexicon/places.html")]
pub struct PlacesPage {
    pub ctx: PageContext,
    pub rows: Vec<PlaceRow>,
    pub langs: Vec<&'static str>,
    pub levels: Vec<&'static str>,
    pub place: Option<String>,
    pub lang: Option<String>,
    pub saved: bool,
    pub page: i64,
    pub has_next: bool,
}

impl PlacesPage {
    pub fn is_lang(&self, l: &str) -> bool {
        self.lang.as_deref() == Some(l)
    }

    pub fn place_value(&self) -> &str {
        self.place.as_deref().unwrap_or_default()
    }

    pub fn page_link(&self, n: i64) -> String {
        link(
            "/lexicon/places",
            &[("place", &self.place), ("lang", &self.lang)],
            n,
        )
    }
}

pub async fn list_places(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LexiconQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let (place, lang) = filters(&query, &query.place, true, ctx.t)?;
        let page = page_number(&PageQuery {
            page: query.page.clone(),
        });
        let (p, l) = (place.clone(), lang.clone());
        let mut rows = state
            .with_conn(move |conn| {
                Ok(lexicon_edit::places(
                    conn,
                    p.as_deref(),
                    l.as_deref(),
                    PAGE_SIZE + 1,
                    (page - 1) * PAGE_SIZE,
                )?)
            })
            .await?;
        let has_next = rows.len() as i64 > PAGE_SIZE;
        rows.truncate(PAGE_SIZE as usize);
        render(PlacesPage {
            ctx: ctx.clone(),
            rows,
            langs: LANGS.to_vec(),
            levels: LEVELS.to_vec(),
            place,
            lang,
            saved: query.notice.as_deref() == Some("saved"),
            page,
            has_next,
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

/// `POST /lexicon/places` with alias, lang, place (and for a new place: parent, level, capital).
pub async fn add_place(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<AliasForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let bad = |e| edit_error(e, t);
        let new = NewPlaceAlias {
            alias: clean_alias(&form.alias).map_err(bad)?,
            lang: clean_lang(&form.lang).map_err(bad)?,
            place_key: clean_key(&form.place, true).map_err(bad)?,
            parent_key: match form.parent.trim() {
                "" => None,
                p => Some(clean_key(p, true).map_err(bad)?),
            },
            level: match form.level.trim() {
                "" => "locality".to_string(),
                l if LEVELS.contains(&l) => l.to_string(),
                _ => return Err(AppError::BadRequest(t.get("lexicon.err_level").to_string())),
            },
            capital: matches!(form.capital.as_str(), "1" | "on" | "true"),
        };
        let place = new.place_key.clone();
        let (_, gazetteer) = state
            .with_conn(move |conn| {
                lexicon_edit::add_place(conn, user.id, &new).map_err(|e| edit_error(e, t))
            })
            .await?;
        replace_gazetteer(gazetteer);
        Ok::<_, AppError>(format!("/lexicon/places?place={place}&notice=saved"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

/// `POST /lexicon/places/{id}/delete`.
pub async fn delete_place(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<AliasForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let gazetteer = state
            .with_conn(move |conn| {
                lexicon_edit::delete_place(conn, user.id, id).map_err(|e| edit_error(e, t))
            })
            .await?;
        replace_gazetteer(gazetteer);
        Ok::<_, AppError>("/lexicon/places?notice=saved".to_string())
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}
