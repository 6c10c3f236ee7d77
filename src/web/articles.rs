//! Article pages: the submission form, the article with its highlighted claims, the diff.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::{check_csrf, require_reviewer};
use super::home::render;
use super::page::PageContext;
use super::{see_other, AppError, AppResult, AppState};
use crate::db::articles;
use crate::db::ingest::{self, IngestOutcome, IngestStatus, Provenance};
use crate::db::models::{extracted_claims, Article, Claim};
use crate::domain::diff::{
    describe_change, diff_claims, diff_versions, figure_text, ClaimChange, DiffLine, SegmentKind,
    VersionDiff,
};
use crate::domain::language::is_rtl;
use crate::domain::origin::VersionOrigin;
use crate::domain::submission::{self, FieldError, RawSubmission};
use crate::domain::ExtractedClaim;

/// The form's fields as posted: all text, empty strings for blanks.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct ArticleForm {
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub outlet: String,
    #[serde(default)]
    pub published: String,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub csrf: String,
}

impl ArticleForm {
    fn to_raw(&self) -> RawSubmission {
        let opt = |s: &String| (!s.trim().is_empty()).then(|| s.clone());
        RawSubmission {
            text: Some(self.text.clone()),
            title: opt(&self.title),
            url: opt(&self.url),
            outlet: opt(&self.outlet),
            published: opt(&self.published),
            lang: opt(&self.lang),
        }
    }
}

#[derive(Template)]
#[template(path = "articles/new.html")]
pub struct NewArticlePage {
    pub ctx: PageContext,
    pub form: ArticleForm,
    pub errors: Vec<FieldError>,
    pub outlets: Vec<String>,
    pub max_bytes: usize,
}

impl NewArticlePage {
    /// The message for `field`, in the interface language.
    pub fn error_for(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field.as_str() == field)
            .map(|e| format!("{} ({})", self.ctx.t.get(e.code), e.message))
    }

    pub fn input_dir(&self) -> &'static str {
        "auto"
    }
}

pub async fn new_article_form(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let max_bytes = state.settings.max_body_bytes;
    let page = state
        .with_conn(|conn| Ok(articles::outlet_names(conn)?))
        .await
        .and_then(|outlets| {
            render(NewArticlePage {
                ctx: ctx.clone(),
                form: ArticleForm::default(),
                errors: Vec::new(),
                outlets,
                max_bytes,
            })
        });
    page.unwrap_or_else(|e| e.page(ctx))
}

pub async fn create_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<ArticleForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    if let Err(e) = check_csrf(&req, &form.csrf).and_then(|()| may_submit(&req, &state)) {
        return e.page(ctx);
    }
    let form = form.into_inner();
    let max_bytes = state.settings.max_body_bytes;
    let raw = form.to_raw();
    if submission::is_by_address(&raw) {
        return super::by_address::create_article_by_address(ctx, &state, form, &raw).await;
    }
    match submission::validate(&raw, max_bytes) {
        Ok(valid) => {
            let provenance = Provenance::pasted(ctx.user.as_ref().map(|u| u.id));
            match ingest_submission(&state, valid, provenance).await {
                Ok(outcome) => see_other(article_location(&outcome)),
                Err(e) => e.page(ctx),
            }
        }
        Err(errors) => {
            let status = if errors.iter().any(|e| e.code == "validation.text_too_long") {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            form_with_errors(ctx, &state, form, errors, status).await
        }
    }
}

/// The form again, with what was typed and the reason next to each refused field.
pub async fn form_with_errors(
    ctx: PageContext,
    state: &AppState,
    form: ArticleForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> HttpResponse {
    let outlets = state
        .with_conn(|conn| Ok(articles::outlet_names(conn)?))
        .await
        .unwrap_or_default();
    let page = NewArticlePage {
        ctx: ctx.clone(),
        form,
        errors,
        outlets,
        max_bytes: state.settings.max_body_bytes,
    };
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type(header::ContentType::html())
            .body(body),
        Err(e) => AppError::from(e).page(ctx),
    }
}

/// Submitting is open to anyone unless the deployment restricts it to signed-in users.
pub fn may_submit(req: &HttpRequest, state: &AppState) -> AppResult<()> {
    if state.settings.submit_requires_login {
        require_reviewer(req)?;
    }
    Ok(())
}

/// Runs the ingest path (shared by the form, the JSON API and the import).
pub async fn ingest_submission(
    state: &AppState,
    valid: submission::Submission,
    provenance: Provenance,
) -> AppResult<IngestOutcome> {
    let extractor = state.extractor();
    // Extraction and indexing need no connection: done first, on the blocking pool, so a burst of
    // large submissions does not hold (and exhaust) the database pool while it reads them.
    let prepared = actix_web::web::block(move || ingest::prepare(valid, &extractor)).await?;
    let outcome = state
        .with_conn(move |conn| Ok(ingest::ingest_prepared(conn, &prepared, &provenance)?))
        .await?;
    if outcome.status.created() {
        state.data_changed();
    }
    Ok(outcome)
}

pub fn article_location(outcome: &IngestOutcome) -> String {
    let notice = match outcome.status {
        IngestStatus::NewArticle => "created",
        IngestStatus::NewVersion => "new_version",
        IngestStatus::Unchanged => "unchanged",
        IngestStatus::Duplicate => "duplicate",
        IngestStatus::Pending => "pending",
    };
    format!(
        "/articles/{}?version={}&notice={notice}",
        outcome.article_id, outcome.version
    )
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    pub version: Option<String>,
    pub notice: Option<String>,
}

/// A piece of the article text: plain, or a claim's figure with its label.
pub struct TextPiece {
    pub text: String,
    pub claim: Option<usize>,
}

pub struct VersionRow {
    pub number: i32,
    pub created: String,
    pub claims: i64,
    /// `version.origin_*` message key.
    pub origin: String,
}

/// The message key naming a stored version origin.
pub fn origin_key(origin: &str) -> String {
    format!("version.origin_{}", VersionOrigin::parse(origin).as_str())
}

#[derive(Template)]
#[template(path = "articles/show.html")]
pub struct ArticlePage {
    pub ctx: PageContext,
    pub article: Article,
    pub outlet: Option<String>,
    pub version: i32,
    pub latest: i32,
    pub pieces: Vec<TextPiece>,
    pub claims: Vec<Claim>,
    pub versions: Vec<VersionRow>,
    pub notice: Option<String>,
    /// The reviewer forms' choices and the article's history (`web::review`).
    pub review: super::review::ArticleReview,
    /// The article's watch (issue 10), if it has one.
    pub watch: Option<super::watches::ArticleWatchView>,
}

impl ArticlePage {
    pub fn text_dir(&self) -> &'static str {
        if is_rtl(&self.article.language) {
            "rtl"
        } else {
            "ltr"
        }
    }

    pub fn claim_label(&self, i: &usize) -> String {
        self.claims
            .get(*i)
            .map(|c| claim_label(self.ctx.t, c))
            .unwrap_or_default()
    }

    pub fn notice_text(&self) -> Option<&str> {
        self.notice
            .as_deref()
            .filter(|n| {
                matches!(
                    *n,
                    "created"
                        | "new_version"
                        | "unchanged"
                        | "duplicate"
                        | "pending"
                        | "watched"
                        | "unwatched"
                )
            })
            .map(|n| match n {
                "created" => self.ctx.t.get("article.notice_created"),
                "watched" => self.ctx.t.get("watches.notice_watched"),
                "unwatched" => self.ctx.t.get("watches.notice_unwatched"),
                "new_version" => self.ctx.t.get("article.notice_new_version"),
                "unchanged" => self.ctx.t.get("article.notice_unchanged"),
                "pending" => self.ctx.t.get("article.notice_pending"),
                _ => self.ctx.t.get("article.notice_duplicate"),
            })
    }

    pub fn published(&self) -> String {
        self.article
            .published_at
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }

    pub fn part_of_position(&self, claim: &Claim) -> Option<i32> {
        let whole = claim.part_of_id?;
        self.claims
            .iter()
            .find(|c| c.id == whole)
            .map(|c| c.position + 1)
    }
}

/// "killed · civilians · according to X · at least" in the interface language.
pub fn claim_label(t: &crate::web::i18n::Messages, c: &Claim) -> String {
    let mut parts = vec![
        t.get(&format!("measure.{}", c.measure)).to_string(),
        c.group_key.clone(),
    ];
    if let Some(source) = &c.source_text {
        parts.push(source.clone());
    }
    if c.qualifier != "exact" {
        parts.push(t.get(&format!("qualifier.{}", c.qualifier)).to_string());
    }
    parts.join(" · ")
}

/// Splits `body` at the claims' spans; overlapping or broken spans are left unmarked.
pub fn highlight(body: &str, claims: &[Claim]) -> Vec<TextPiece> {
    let mut spans: Vec<(usize, usize, usize)> = claims
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (s, e) = (c.span_start as usize, c.span_end as usize);
            (s < e && e <= body.len() && body.is_char_boundary(s) && body.is_char_boundary(e))
                .then_some((s, e, i))
        })
        .collect();
    spans.sort();
    let mut pieces = Vec::new();
    let mut at = 0;
    for (s, e, i) in spans {
        if s < at {
            continue;
        }
        if s > at {
            pieces.push(TextPiece {
                text: body[at..s].to_string(),
                claim: None,
            });
        }
        pieces.push(TextPiece {
            text: body[s..e].to_string(),
            claim: Some(i),
        });
        at = e;
    }
    if at < body.len() {
        pieces.push(TextPiece {
            text: body[at..].to_string(),
            claim: None,
        });
    }
    pieces
}

pub fn parse_id(raw: &str) -> AppResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

pub fn parse_version(raw: Option<&str>) -> AppResult<Option<i32>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i32>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("{v:?} is not a version number"))),
    }
}

pub async fn show_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ShowQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let id = parse_id(&path)?;
        let number = parse_version(query.version.as_deref())?;
        let (article, outlet, version, claims, versions, review, watch) = state
            .with_conn(move |conn| {
                let (article, outlet) = articles::find(conn, id)?;
                let version = articles::version(conn, id, number)?;
                let claims = articles::claims_of_version(conn, version.id)?;
                let versions = articles::version_list(conn, id)?;
                let review = super::review::article_review(conn, id)?;
                let watch = crate::db::watch::find_by_article(conn, id)?;
                Ok((article, outlet, version, claims, versions, review, watch))
            })
            .await?;
        let latest = versions.last().map(|v| v.0).unwrap_or(version.number);
        render(ArticlePage {
            pieces: highlight(&version.body, &claims),
            ctx: ctx.clone(),
            article,
            outlet,
            version: version.number,
            latest,
            claims,
            versions: versions
                .into_iter()
                .map(|(number, created, claims, origin)| VersionRow {
                    number,
                    created: created.format("%Y-%m-%d %H:%M").to_string(),
                    claims,
                    origin: origin_key(&origin),
                })
                .collect(),
            notice: query.notice.clone(),
            review,
            watch: watch.map(super::watches::ArticleWatchView::from),
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One line of the claim-level diff, ready to show.
pub struct ClaimChangeRow {
    pub kind: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "articles/diff.html")]
pub struct DiffPage {
    pub ctx: PageContext,
    pub article: Article,
    pub from: i32,
    pub to: i32,
    pub latest: i32,
    /// `version.origin_*` keys of the two versions.
    pub from_origin: String,
    pub to_origin: String,
    pub diff: VersionDiff,
    pub old_text: String,
    pub new_text: String,
    pub claim_changes: Vec<ClaimChangeRow>,
}

impl DiffPage {
    pub fn text_dir(&self) -> &'static str {
        if is_rtl(&self.article.language) {
            "rtl"
        } else {
            "ltr"
        }
    }

    pub fn similarity_percent(&self) -> u32 {
        (self.diff.similarity * 100.0).round() as u32
    }

    pub fn versions(&self) -> Vec<i32> {
        (1..=self.latest).collect()
    }
}

/// "killed · civilians · the White Helmets: at least 15", in the style of `describe_change`.
pub fn claim_summary(c: &ExtractedClaim) -> String {
    let mut label = format!("{} · {}", c.measure.as_str(), c.group);
    if let Some(source) = &c.source {
        label.push_str(" · ");
        label.push_str(source);
    }
    format!("{label}: {}", figure_text(c))
}

pub async fn diff_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let id = parse_id(&path)?;
        let to = parse_version(query.to.as_deref())?;
        let from = parse_version(query.from.as_deref())?;
        let (article, old, new, old_claims, new_claims, latest) = state
            .with_conn(move |conn| {
                let (article, _) = articles::find(conn, id)?;
                let new = articles::version(conn, id, to)?;
                let from = from.unwrap_or((new.number - 1).max(1));
                let old = articles::version(conn, id, Some(from))?;
                let old_claims = articles::claims_of_version(conn, old.id)?;
                let new_claims = articles::claims_of_version(conn, new.id)?;
                let latest = articles::version(conn, id, None)?.number;
                Ok((article, old, new, old_claims, new_claims, latest))
            })
            .await?;
        let old_claims = extracted_claims(&old_claims);
        let new_claims = extracted_claims(&new_claims);
        let claim_changes = diff_claims(&old_claims, &new_claims)
            .into_iter()
            .filter_map(|change| match change {
                ClaimChange::Added(i) => Some(ClaimChangeRow {
                    kind: "added",
                    text: claim_summary(&new_claims[i]),
                }),
                ClaimChange::Removed(i) => Some(ClaimChangeRow {
                    kind: "removed",
                    text: claim_summary(&old_claims[i]),
                }),
                ClaimChange::Changed { old, new } => Some(ClaimChangeRow {
                    kind: "changed",
                    text: describe_change(&old_claims[old], &new_claims[new]),
                }),
                ClaimChange::Unchanged { .. } => None,
            })
            .collect();
        render(DiffPage {
            diff: diff_versions(&old.body, &new.body),
            ctx: ctx.clone(),
            article,
            from: old.number,
            to: new.number,
            latest,
            from_origin: origin_key(&old.origin),
            to_origin: origin_key(&new.origin),
            old_text: old.body,
            new_text: new.body,
            claim_changes,
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}
