//! Articles submitted by address (issue 10): the form and the JSON API with a url and no text.
//! claimdb fetches the page, stores its article through the ingest path and watches the address
//! from then on (`watch::submit_address`).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::api::{invalid_submission, stored_answer};
use super::articles::{article_location, form_with_errors, ArticleForm};
use super::page::PageContext;
use super::{see_other, AppError, AppResult, AppState};
use crate::domain::submission::{self, AddressSubmission, Field, FieldError, RawSubmission};
use crate::watch::{self, AddressOutcome, WatchError, WatchSettings};

/// Fetches and stores the page at `address`, watching it (see `watch::submit_address`).
pub async fn submit_by_address(
    state: &AppState,
    address: &AddressSubmission,
    submitted_by: Option<i64>,
) -> AppResult<AddressOutcome> {
    let fetcher = state
        .fetcher()
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("cannot build the HTTP client: {e}")))?;
    let settings = WatchSettings {
        max_text_bytes: state.settings.max_body_bytes,
        ..state.settings.watch.clone()
    };
    watch::submit_address(
        &state.pool,
        &fetcher,
        state.extractor(),
        address,
        submitted_by,
        // A signed-in user's address is kept and retried when it fails; an anonymous one only
        // once it gives an article.
        submitted_by.is_some(),
        &settings,
    )
    .await
    .map_err(|e| match e {
        WatchError::Db(e) => AppError::Db(e),
        WatchError::Pool(e) => AppError::Unavailable(e),
        other => AppError::Unexpected(anyhow::anyhow!(other)),
    })
    .inspect(|outcome| {
        if let AddressOutcome::Stored { checked, .. } = outcome {
            if checked.ingest.as_ref().is_some_and(|i| i.status.created()) {
                state.data_changed();
            }
        }
    })
}

/// The refusal of an address that may never be fetched, next to the url field. Its message
/// never says what a name resolves to (`FetchError::PrivateAddress` keeps that for the log).
fn refused_field(e: &crate::fetch::FetchError) -> FieldError {
    FieldError::new(Field::Url, "fetch.refused", e.to_string())
}

/// A page that could not be had now, next to the url field.
fn failed_field(reason: &str, kept: bool) -> FieldError {
    let code = if kept {
        "fetch.failed"
    } else {
        "fetch.failed_not_kept"
    };
    FieldError::new(Field::Url, code, reason)
}

/// `POST /articles` with an address and no text: the article's page on success, else the form
/// again with everything typed and the reason next to the address.
pub async fn create_article_by_address(
    ctx: PageContext,
    state: &AppState,
    form: ArticleForm,
    raw: &RawSubmission,
) -> HttpResponse {
    let address = match submission::validate_address(raw) {
        Ok(address) => address,
        Err(errors) => {
            return form_with_errors(ctx, state, form, errors, StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    };
    let user = ctx.user.as_ref().map(|u| u.id);
    match submit_by_address(state, &address, user).await {
        Err(e) => e.page(ctx),
        Ok(AddressOutcome::Refused(e)) => {
            let errors = vec![refused_field(&e)];
            form_with_errors(ctx, state, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Ok(AddressOutcome::Failed { watch, error }) => {
            let errors = vec![failed_field(&error, watch.is_some())];
            form_with_errors(ctx, state, form, errors, StatusCode::BAD_GATEWAY).await
        }
        Ok(AddressOutcome::Stored { checked, .. }) => match &checked.ingest {
            Some(outcome) => see_other(article_location(outcome)),
            None => {
                AppError::Unexpected(anyhow::anyhow!("a stored page without its ingest")).page(ctx)
            }
        },
    }
}

/// `POST /api/articles` with a `url` and no `text`: 201 (or 200 when the text was already
/// stored) with the article; 422 for an address that may not be fetched; 502 when the page
/// could not be had now (the address is kept and retried: `watch` says when).
pub async fn create_article_json_by_address(
    state: &AppState,
    raw: &RawSubmission,
    submitted_by: Option<i64>,
) -> AppResult<HttpResponse> {
    let address = match submission::validate_address(raw) {
        Ok(address) => address,
        Err(errors) => {
            return Ok(invalid_submission(
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
            ))
        }
    };
    let (watch, checked) = match submit_by_address(state, &address, submitted_by).await? {
        AddressOutcome::Refused(e) => {
            return Ok(invalid_submission(
                StatusCode::UNPROCESSABLE_ENTITY,
                &[refused_field(&e)],
            ))
        }
        AddressOutcome::Failed { watch, error } => {
            let status = StatusCode::BAD_GATEWAY;
            let reason = error;
            return Ok(HttpResponse::build(status).json(serde_json::json!({
                "error": {
                    "status": status.as_u16(),
                    "message": format!("the page could not be fetched: {reason}"),
                    "reason": reason,
                    "fields": [failed_field(&reason, watch.is_some())],
                },
                "watch": watch.as_ref().map(watch_json),
            })));
        }
        AddressOutcome::Stored { watch, checked } => (watch, checked),
    };
    let outcome = checked
        .ingest
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("a stored page without its ingest")))?;
    let (status, mut answer) = stored_answer(&outcome);
    answer["fetched"] = true.into();
    answer["watch"] = watch_json(&watch);
    Ok(HttpResponse::build(status).json(answer))
}

fn watch_json(watch: &crate::db::watch::Watch) -> serde_json::Value {
    serde_json::json!({
        "id": watch.id,
        "url": watch.url,
        "active": watch.active,
        "next_check_at": watch.next_check_at,
        "failures": watch.failures,
        "last_error": watch.last_error,
    })
}
