//! Every reviewer edit of events, in one place (so authentication can be put in front of all of
//! them at once): rename, merge, split, and moving an article to another event.
//!
//! Each runs in one transaction with an `audit_log` row (see `db::events`) and answers
//! `303 See Other` back to the event page; a refused edit is a 400 page saying why.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::articles::parse_id;
use super::auth::authorize;
use super::i18n::Messages;
use super::page::PageContext;
use super::{changed_see_other, AppError, AppResult, AppState};
use crate::db::events::{self, EditError};

fn edit_error(e: EditError, t: &Messages) -> AppError {
    match e {
        EditError::Invalid(key) => AppError::BadRequest(t.get(key).to_string()),
        EditError::Db(e) => AppError::Db(e),
    }
}

/// A positive event number typed into a form.
fn parse_event_field(raw: &str, t: &Messages) -> AppResult<i64> {
    raw.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::BadRequest(t.get("events.err_event_id").to_string()))
}

#[derive(Debug, Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub title: String,
}

/// `POST /events/{id}/rename` with `title` (1..=500 characters).
pub async fn rename_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<RenameForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let title = form.into_inner().title;
        state
            .with_conn(move |conn| {
                events::rename(conn, Some(user.id), id, &title).map_err(|e| edit_error(e, t))
            })
            .await?;
        Ok::<_, AppError>(format!("/events/{id}?notice=renamed"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

#[derive(Debug, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub other: String,
}

/// `POST /events/{id}/merge` with `other`: the event to fold into this one.
pub async fn merge_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<MergeForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let other = parse_event_field(&form.other, t)?;
        state
            .with_conn(move |conn| {
                events::merge(conn, Some(user.id), id, other).map_err(|e| edit_error(e, t))
            })
            .await?;
        Ok::<_, AppError>(format!("/events/{id}?notice=merged"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

/// The `article` values of a form body (the field repeats, once per ticked box).
fn article_ids(body: &[u8], t: &Messages) -> AppResult<Vec<i64>> {
    url::form_urlencoded::parse(body)
        .filter(|(k, _)| k == "article")
        .map(|(_, v)| {
            v.trim()
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| AppError::BadRequest(t.get("events.err_split_foreign").to_string()))
        })
        .collect()
}

/// `POST /events/{id}/split` with one `article` field per article to split off.
pub async fn split_event(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let csrf = url::form_urlencoded::parse(&body)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let user = authorize(&req, &csrf)?;
        let id = parse_id(&path)?;
        let ids = article_ids(&body, t)?;
        let new_id = state
            .with_conn(move |conn| {
                events::split(conn, Some(user.id), id, &ids).map_err(|e| edit_error(e, t))
            })
            .await?;
        Ok::<_, AppError>(format!("/events/{id}?notice=split&new={new_id}"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub event: String,
}

/// `POST /articles/{id}/move` with `event`: the event the article belongs to from now on.
/// Answers with the former event's page, or the new one's when the former was left empty.
pub async fn move_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<MoveForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let to = parse_event_field(&form.event, t)?;
        let moved = state
            .with_conn(move |conn| {
                events::move_article(conn, Some(user.id), id, to).map_err(|e| edit_error(e, t))
            })
            .await?;
        let back = match moved.from {
            Some(from) if !moved.deleted_from => from,
            _ => moved.to,
        };
        Ok::<_, AppError>(format!("/events/{back}?notice=moved"))
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

    #[test]
    fn repeated_article_fields_are_all_read() {
        let t = Lang::En.messages();
        assert_eq!(
            article_ids(b"article=3&other=1&article=12", t).unwrap(),
            vec![3, 12]
        );
        assert!(article_ids(b"", t).unwrap().is_empty());
        assert!(article_ids(b"article=x", t).is_err());
        assert!(article_ids(b"article=-2", t).is_err());
    }

    #[test]
    fn event_numbers_are_positive() {
        let t = Lang::En.messages();
        assert_eq!(parse_event_field(" #12 ", t).unwrap(), 12);
        assert!(parse_event_field("0", t).is_err());
        assert!(parse_event_field("", t).is_err());
        assert!(parse_event_field("twelve", t).is_err());
    }
}
