//! The review workflow's forms: claims (confirm, reject, correct, add by hand, re-extract a
//! version) and conflicts (verdict, preferred figure, explained members), plus the `/conflicts/
//! {id}` page and the "history" sections other pages show.
//!
//! Reading is open to everyone; every change needs a signed-in reviewer (401) and the form's
//! CSRF token (403, nothing changed), writes its `audit_log` row in the same transaction
//! (`db::review`) and relinks the event it touched. Answers are `303 See Other` back to the page
//! the form was on; a refused change is a 400 page saying why.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::Value;

use super::articles::{parse_id, parse_version};
use super::auth::authorize;
use super::home::render;
use super::i18n::Messages;
use super::page::PageContext;
use super::{changed_see_other, AppError, AppResult, AppState};
use crate::db::audit::AuditEntry;
use crate::db::events::{EditError, FactRecord, MemberRecord};
use crate::db::review::{
    self, ClaimEdit, ClaimPlace, FactEditError, ManualClaim, StaleReview, Verdict,
};
use crate::db::DbConn;
use crate::domain::{Measure, Qualifier};

/// How many history entries a page shows.
pub const HISTORY_LIMIT: i64 = 30;

pub fn edit_error(e: EditError, t: &Messages) -> AppError {
    match e {
        EditError::Invalid(key) => AppError::BadRequest(t.get(key).to_string()),
        EditError::Db(e) => AppError::Db(e),
    }
}

// ---------------------------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------------------------

/// One audit entry, ready to show.
pub struct HistoryItem {
    pub at: String,
    pub user: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    /// What changed: `field: before → after`, shortened.
    pub change: String,
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_string(),
        other => other.to_string(),
    }
}

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The fields that differ between two JSON snapshots, as `field: before → after`.
pub fn describe_change(before: Option<&Value>, after: Option<&Value>) -> String {
    let empty = serde_json::Map::new();
    let obj = |v: Option<&Value>| v.and_then(Value::as_object).unwrap_or(&empty).clone();
    let (b, a) = (obj(before), obj(after));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let parts: Vec<String> = keys
        .into_iter()
        .filter_map(|k| {
            let (old, new) = (b.get(k), a.get(k));
            match (old, new) {
                (Some(o), Some(n)) if o == n => None,
                (Some(o), Some(n)) => Some(format!("{k}: {} → {}", json_text(o), json_text(n))),
                (None, Some(n)) => Some(format!("{k}: {}", json_text(n))),
                (Some(o), None) => Some(format!("{k}: {} → —", json_text(o))),
                (None, None) => None,
            }
        })
        .collect();
    shorten(&parts.join("; "), 400)
}

impl From<AuditEntry> for HistoryItem {
    fn from(e: AuditEntry) -> Self {
        HistoryItem {
            at: e.at.format("%Y-%m-%d %H:%M").to_string(),
            user: e.username.unwrap_or_else(|| "—".to_string()),
            change: describe_change(e.before.as_ref(), e.after.as_ref()),
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
        }
    }
}

fn history_items(
    conn: &mut DbConn,
    targets: &[(&str, Vec<i64>)],
    limit: i64,
) -> AppResult<Vec<HistoryItem>> {
    Ok(review::history(conn, targets, limit)?
        .into_iter()
        .map(HistoryItem::from)
        .collect())
}

// ---------------------------------------------------------------------------------------------
// What the article page shows
// ---------------------------------------------------------------------------------------------

/// The article page's review section: the choices of the claim forms and the history.
pub struct ArticleReview {
    pub measures: Vec<&'static str>,
    pub qualifiers: Vec<&'static str>,
    pub history: Vec<HistoryItem>,
}

impl ArticleReview {
    /// `selected` when `a` is `b` (for the forms' `<option>`s).
    pub fn sel(&self, a: &str, b: &str) -> &'static str {
        if a == b {
            "selected"
        } else {
            ""
        }
    }

    pub fn figure_max(&self, v: &Option<i64>) -> String {
        v.map(|v| v.to_string()).unwrap_or_default()
    }
}

/// Loads the article page's review section (claims of every version and the article itself).
pub fn article_review(conn: &mut DbConn, article_id: i64) -> AppResult<ArticleReview> {
    let claim_ids = review::claim_ids_of_article(conn, article_id)?;
    Ok(ArticleReview {
        measures: Measure::ALL.iter().map(|m| m.as_str()).collect(),
        qualifiers: Qualifier::ALL.iter().map(|q| q.as_str()).collect(),
        history: history_items(
            conn,
            &[("claim", claim_ids), ("article", vec![article_id])],
            HISTORY_LIMIT,
        )?,
    })
}

// ---------------------------------------------------------------------------------------------
// What the event and conflict pages show
// ---------------------------------------------------------------------------------------------

/// A figure a reviewer may pick or explain, with everything that tells it from the others of
/// the same value: source, outlet, date and version (and, on the conflict page, its quote).
pub struct MemberChoice {
    pub claim_id: i64,
    /// "≥15 · SOHR": the figure and its source.
    pub label: String,
    pub role: String,
    pub override_reason: Option<String>,
    pub outlet: Option<String>,
    /// When its version reported it (ISO date).
    pub reported: String,
    pub version: i32,
    pub quote: String,
    pub quote_dir: &'static str,
    pub language: String,
    /// The figure in its version of the article.
    pub link: String,
    pub article_url: Option<String>,
}

fn quote_dir(lang: &str) -> &'static str {
    if crate::domain::language::is_rtl(lang) {
        "rtl"
    } else {
        "ltr"
    }
}

/// A fact's verdict, its members (for the forms) and its history.
pub struct FactReview {
    pub fact_id: i64,
    pub event_id: i64,
    pub measure: String,
    pub group: String,
    pub is_conflict: bool,
    pub status: String,
    pub note: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: String,
    pub preferred_claim_id: Option<i64>,
    pub preferred_label: Option<String>,
    pub preferred_reason: Option<String>,
    pub members: Vec<MemberChoice>,
    pub history: Vec<HistoryItem>,
    /// `event` or `conflict`: which page the forms answer to.
    pub from: &'static str,
    /// The review version the forms were read at (sent back with them).
    pub review_version: i32,
}

impl FactReview {
    /// Forms show under conflicts and under facts a reviewer already settled.
    pub fn has_review(&self) -> bool {
        self.is_conflict || self.status != "open"
    }

    pub fn is_preferred(&self, id: &i64) -> bool {
        self.preferred_claim_id == Some(*id)
    }

    pub fn is_status(&self, s: &str) -> bool {
        self.status == s
    }
}

/// The event page's review data.
pub struct EventReview {
    pub facts: Vec<FactReview>,
    pub history: Vec<HistoryItem>,
    /// Claim id → its source's credibility grade.
    pub grades: HashMap<i64, String>,
}

impl EventReview {
    pub fn fact(&self, id: &i64) -> Option<&FactReview> {
        self.facts.iter().find(|f| f.fact_id == *id)
    }

    pub fn grade(&self, claim_id: &i64) -> Option<&str> {
        self.grades.get(claim_id).map(String::as_str)
    }
}

/// "≥15 · SOHR": a member's figure and who gave it.
fn member_label(
    value: i64,
    value_max: Option<i64>,
    qualifier: &str,
    who: [Option<&String>; 3],
) -> String {
    let who = who.into_iter().flatten().next().map_or("—", String::as_str);
    let sign = match qualifier {
        "at_least" => "≥",
        "at_most" => "≤",
        "approx" => "≈",
        _ => "",
    };
    match value_max {
        Some(max) => format!("{sign}{value}–{max} · {who}"),
        None => format!("{sign}{value} · {who}"),
    }
}

/// How many history entries each fact's review section shows.
const FACT_HISTORY_LIMIT: i64 = 10;

/// The latest history of each fact, in one statement.
fn fact_histories(
    conn: &mut DbConn,
    fact_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<HistoryItem>>> {
    let mut out: HashMap<i64, Vec<HistoryItem>> = HashMap::new();
    for entry in review::latest_history_each(conn, "fact", fact_ids, FACT_HISTORY_LIMIT)? {
        if let Some(id) = entry.entity_id {
            out.entry(id).or_default().push(HistoryItem::from(entry));
        }
    }
    Ok(out)
}

fn member_choice(m: &review::MemberChoiceRecord) -> MemberChoice {
    MemberChoice {
        outlet: m.outlet.clone(),
        reported: m.reported_at().format("%Y-%m-%d").to_string(),
        version: m.version,
        quote: m.quote.clone(),
        quote_dir: quote_dir(&m.language),
        language: m.language.clone(),
        link: format!(
            "/articles/{}?version={}#claim-{}",
            m.article_id,
            m.version,
            m.position + 1
        ),
        article_url: m.article_url.clone(),
        claim_id: m.claim_id,
        label: member_label(
            m.value,
            m.value_max,
            &m.qualifier,
            [
                m.source_name.as_ref(),
                m.source_text.as_ref(),
                m.outlet.as_ref(),
            ],
        ),
        role: m.role.clone(),
        override_reason: m.override_reason.clone(),
    }
}

fn fact_review(
    f: review::FactReviewRecord,
    members: Vec<MemberChoice>,
    history: Vec<HistoryItem>,
    from: &'static str,
) -> FactReview {
    let preferred_label = f
        .preferred_claim_id
        .and_then(|id| members.iter().find(|m| m.claim_id == id))
        .map(|m| m.label.clone());
    FactReview {
        fact_id: f.id,
        event_id: f.event_id,
        measure: f.measure,
        group: f.group_key,
        is_conflict: f.is_conflict,
        status: f.status,
        note: f.resolution_note,
        resolved_by: f.resolved_by,
        resolved_at: f
            .resolved_at
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        preferred_claim_id: f.preferred_claim_id,
        preferred_label,
        preferred_reason: f.preferred_reason,
        members,
        history,
        from,
        review_version: f.review_version,
    }
}

/// The review sections of some facts: their members and their histories in one statement each.
fn fact_reviews(
    conn: &mut DbConn,
    records: Vec<review::FactReviewRecord>,
    from: &'static str,
) -> AppResult<Vec<FactReview>> {
    let ids: Vec<i64> = records.iter().map(|f| f.id).collect();
    let members = review::member_choices(conn, &ids)?;
    let mut histories = fact_histories(conn, &ids)?;
    Ok(records
        .into_iter()
        .map(|f| {
            let mine: Vec<MemberChoice> = members
                .iter()
                .filter(|m| m.fact_id == f.id)
                .map(member_choice)
                .collect();
            let history = histories.remove(&f.id).unwrap_or_default();
            fact_review(f, mine, history, from)
        })
        .collect())
}

/// The event page's review data (verdicts, grades and the event's history), from the facts and
/// members the page already loaded (`db::events::facts_of`) plus the histories: the facts' own
/// (one statement for all of them) and the event's (`review::history`, one per kind), so a fixed
/// number of statements whatever the number of facts.
pub fn event_review(
    conn: &mut DbConn,
    event_id: i64,
    facts: &[(FactRecord, Vec<MemberRecord>)],
) -> AppResult<EventReview> {
    let fact_ids: Vec<i64> = facts.iter().map(|(f, _)| f.id).collect();
    let mut histories = fact_histories(conn, &fact_ids)?;
    let mut grades = HashMap::new();
    let reviews = facts
        .iter()
        .map(|(f, members)| {
            let mine: Vec<MemberChoice> = members
                .iter()
                .map(|m| {
                    if let Some(grade) = &m.credibility {
                        grades.insert(m.claim_id, grade.clone());
                    }
                    MemberChoice {
                        outlet: m.outlet.clone(),
                        reported: m.reported_at.format("%Y-%m-%d").to_string(),
                        version: m.version,
                        quote: m.quote.clone(),
                        quote_dir: quote_dir(&m.language),
                        language: m.language.clone(),
                        link: format!(
                            "/articles/{}?version={}#claim-{}",
                            m.article_id,
                            m.version,
                            m.position + 1
                        ),
                        article_url: m.article_url.clone(),
                        claim_id: m.claim_id,
                        label: member_label(
                            m.value,
                            m.value_max,
                            &m.qualifier,
                            [
                                m.source_name.as_ref(),
                                m.source_text.as_ref(),
                                m.outlet.as_ref(),
                            ],
                        ),
                        role: m.role.clone(),
                        override_reason: m.override_reason.clone(),
                    }
                })
                .collect();
            // The verdict and the review version the forms carry come from one statement
            // (`facts_of`), so the version never stands for a verdict other than the one shown.
            let record = review::FactReviewRecord {
                id: f.id,
                event_id: f.event_id,
                measure: f.measure.clone(),
                group_key: f.group_key.clone(),
                is_conflict: f.is_conflict,
                status: f.status.clone(),
                resolution_note: f.resolution_note.clone(),
                resolved_at: f.resolved_at,
                preferred_claim_id: f.preferred_claim_id,
                preferred_reason: f.preferred_reason.clone(),
                resolved_by: f.resolved_by.clone(),
                review_version: f.review_version,
            };
            let history = histories.remove(&f.id).unwrap_or_default();
            fact_review(record, mine, history, "event")
        })
        .collect();
    let history = history_items(
        conn,
        &[("event", vec![event_id]), ("fact", fact_ids)],
        HISTORY_LIMIT,
    )?;
    Ok(EventReview {
        facts: reviews,
        history,
        grades,
    })
}

// ---------------------------------------------------------------------------------------------
// GET /conflicts/{id}
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "review/conflict.html")]
pub struct ConflictPage {
    pub ctx: PageContext,
    pub fact_id: i64,
    pub event_title: String,
    pub review: EventReview,
}

impl ConflictPage {
    pub fn label(&self, prefix: &str, key: &str) -> String {
        self.ctx.t.get(&format!("{prefix}.{key}")).to_string()
    }
}

pub async fn show_conflict(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let result = async {
        let id = parse_id(&path)?;
        let (event_title, review) = state
            .with_conn(move |conn| {
                let record = review::fact_review(conn, id)?;
                let event = crate::db::events::find(conn, record.event_id)?;
                let facts = fact_reviews(conn, vec![record], "conflict")?;
                let grades = crate::db::sources::grades_of_event(conn, event.id)?
                    .into_iter()
                    .collect();
                Ok((
                    event.title,
                    EventReview {
                        facts,
                        history: Vec::new(),
                        grades,
                    },
                ))
            })
            .await?;
        render(ConflictPage {
            ctx: ctx.clone(),
            fact_id: id,
            event_title,
            review,
        })
    }
    .await;
    result.unwrap_or_else(|e| e.page(ctx))
}

// ---------------------------------------------------------------------------------------------
// Claim forms
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

fn claim_location(place: ClaimPlace, notice: &str) -> String {
    format!(
        "/articles/{}?version={}&notice={notice}#claim-row-{}",
        place.article_id, place.version, place.claim_id
    )
}

async fn claim_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
    status: &'static str,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let place = state
            .with_conn(move |conn| {
                review::set_claim_status(conn, user.id, id, status).map_err(|e| edit_error(e, t))
            })
            .await?;
        Ok::<_, AppError>(claim_location(place, status))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

/// `POST /claims/{id}/confirm`.
pub async fn confirm_claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    claim_status(req, state, path, form, "confirmed").await
}

/// `POST /claims/{id}/reject`.
pub async fn reject_claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    claim_status(req, state, path, form, "rejected").await
}

#[derive(Debug, Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub value_max: String,
    #[serde(default)]
    pub qualifier: String,
    #[serde(default)]
    pub measure: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub source: String,
    /// Only when adding: the figure as written, and which occurrence (1 = first).
    #[serde(default)]
    pub figure: String,
    #[serde(default)]
    pub occurrence: String,
}

impl ClaimForm {
    fn edit(&self) -> Result<ClaimEdit, EditError> {
        ClaimEdit::parse(
            &self.value,
            &self.value_max,
            &self.qualifier,
            &self.measure,
            &self.group,
            &self.source,
        )
    }
}

/// `POST /claims/{id}/edit`: value, value_max, qualifier, measure, group, source.
pub async fn edit_claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ClaimForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = parse_id(&path)?;
        let edit = form.edit().map_err(|e| edit_error(e, t))?;
        let place = state
            .with_conn(move |conn| {
                review::edit_claim(conn, user.id, id, &edit).map_err(|e| edit_error(e, t))
            })
            .await?;
        Ok::<_, AppError>(claim_location(place, "corrected"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

fn version_path(path: &(String, String)) -> AppResult<(i64, i32)> {
    let id = parse_id(&path.0)?;
    let version = parse_version(Some(&path.1))?.ok_or(AppError::NotFound)?;
    Ok((id, version))
}

/// `POST /articles/{id}/versions/{number}/claims`: a claim added by hand.
pub async fn add_claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ClaimForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let (id, version) = version_path(&path)?;
        let claim = form.edit().map_err(|e| edit_error(e, t))?;
        let occurrence = match form.occurrence.trim() {
            "" => 1,
            raw => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| AppError::BadRequest(t.get("review.err_occurrence").to_string()))?,
        };
        let manual = ManualClaim {
            figure: form.figure.clone(),
            occurrence,
            claim,
        };
        let place = state
            .with_conn(move |conn| {
                review::add_claim(conn, user.id, id, version, &manual).map_err(|e| edit_error(e, t))
            })
            .await?;
        Ok::<_, AppError>(claim_location(place, "claim_added"))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

/// `POST /articles/{id}/versions/{number}/reextract`: re-reads the version with the current
/// extractor, keeping every reviewed or manual claim.
pub async fn reextract_version(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let (id, version) = version_path(&path)?;
        let extractor = state.extractor();
        state
            .with_conn(move |conn| {
                review::reextract(conn, user.id, &extractor, id, version)
                    .map_err(|e| edit_error(e, t))
            })
            .await?;
        Ok::<_, AppError>(format!(
            "/articles/{id}?version={version}&notice=reextracted"
        ))
    }
    .await;
    result
        .map(|to| changed_see_other(&state, to))
        .unwrap_or_else(|e| e.page(ctx))
}

// ---------------------------------------------------------------------------------------------
// Conflict forms
// ---------------------------------------------------------------------------------------------

fn fact_location(from: &str, fact_id: i64, event_id: i64) -> String {
    if from == "event" {
        format!("/events/{event_id}#fact-{fact_id}")
    } else {
        format!("/conflicts/{fact_id}")
    }
}

/// The review version a fact form was read at. Blank (a client that does not send it) is not
/// checked — the edit then wins over whatever happened meanwhile, as before optimistic locking;
/// anything else must be a number.
fn review_version(raw: &str, t: &Messages) -> AppResult<Option<i32>> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<i32>()
            .ok()
            .filter(|v| *v >= 0)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(t.get("review.err_review_version").to_string())),
    }
}

/// What a fact edit came to: the event it belongs to, or the stale review it was refused for.
type FactEdit = Result<i64, StaleReview>;

fn fact_edit(result: Result<i64, FactEditError>, t: &Messages) -> AppResult<FactEdit> {
    match result {
        Ok(event_id) => Ok(Ok(event_id)),
        Err(FactEditError::Stale(stale)) => Ok(Err(stale)),
        Err(FactEditError::Edit(e)) => Err(edit_error(e, t)),
    }
}

/// The answer to a refused stale edit: 409 with who changed the fact meanwhile and a link back.
#[derive(Template)]
#[template(path = "review/stale.html")]
pub struct StalePage {
    pub ctx: PageContext,
    pub message: String,
    /// What the reviewer typed (not saved), to copy into the reloaded form.
    pub yours: Option<String>,
    /// The page to reload.
    pub back: String,
}

fn stale_page(ctx: PageContext, stale: &StaleReview, from: &str, yours: &str) -> HttpResponse {
    let t = ctx.t;
    let who = stale
        .by
        .clone()
        .unwrap_or_else(|| t.get("review.stale_someone").to_string());
    let at = stale.at.map_or_else(
        || t.get("review.stale_recently").to_string(),
        |at| at.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    let message = t
        .get("review.err_stale")
        .replace("{user}", &who)
        .replace("{at}", &at);
    let page = StalePage {
        ctx: ctx.clone(),
        message,
        yours: Some(yours.trim().to_string()).filter(|y| !y.is_empty()),
        back: fact_location(from, stale.fact_id, stale.event_id),
    };
    match page.render() {
        Ok(body) => HttpResponse::Conflict()
            .content_type(actix_web::http::header::ContentType::html())
            .body(body),
        Err(e) => AppError::from(e).page(ctx),
    }
}

/// Redirects back after a stored fact edit; shows the 409 page after a stale one.
fn fact_answer(
    state: &AppState,
    ctx: PageContext,
    result: AppResult<FactEdit>,
    from: &str,
    fact_id: i64,
    yours: &str,
) -> HttpResponse {
    match result {
        Ok(Ok(event_id)) => changed_see_other(state, fact_location(from, fact_id, event_id)),
        Ok(Err(stale)) => stale_page(ctx, &stale, from, yours),
        Err(e) => e.page(ctx),
    }
}

#[derive(Debug, Deserialize)]
pub struct VerdictForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub preferred: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub from: String,
    /// The fact's review version when the form was read (blank: not checked).
    #[serde(default)]
    pub review_version: String,
}

/// `POST /conflicts/{id}/status`: status (open | resolved | unresolvable), note (required when
/// resolving), preferred (a member claim id), reason (required with a preferred figure) and
/// review_version (the fact's when the form was read: 409 when it has been reviewed since).
pub async fn set_fact_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<VerdictForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let id = parse_id(&path).ok();
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = id.ok_or(AppError::NotFound)?;
        let verdict = Verdict::parse(&form.status, &form.note, &form.preferred, &form.reason)
            .map_err(|e| edit_error(e, t))?;
        let expected = review_version(&form.review_version, t)?;
        state
            .with_conn(move |conn| {
                fact_edit(
                    review::set_fact_status(conn, user.id, id, &verdict, expected),
                    t,
                )
            })
            .await
    }
    .await;
    fact_answer(&state, ctx, result, &form.from, id.unwrap_or(0), &form.note)
}

#[derive(Debug, Deserialize)]
pub struct ExplainForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub claim: String,
    #[serde(default)]
    pub reason: String,
    /// `clear` removes the reviewer's decision instead.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    /// The fact's review version when the form was read (blank: not checked).
    #[serde(default)]
    pub review_version: String,
}

/// `POST /conflicts/{id}/explain`: claim (a member) and reason → the member is explained at
/// every relink; `action=clear` removes that decision. review_version as for the verdict.
pub async fn explain_member(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ExplainForm>,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    let t = ctx.t;
    let id = parse_id(&path).ok();
    let result = async {
        let user = authorize(&req, &form.csrf)?;
        let id = id.ok_or(AppError::NotFound)?;
        let claim = form
            .claim
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|c| *c > 0)
            .ok_or_else(|| AppError::BadRequest(t.get("review.err_member").to_string()))?;
        let reason = if form.action == "clear" {
            None
        } else {
            Some(
                review::clean_text(&form.reason, review::MAX_NOTE_CHARS)
                    .map_err(|e| edit_error(e, t))?
                    .ok_or_else(|| {
                        AppError::BadRequest(t.get("review.err_reason_required").to_string())
                    })?,
            )
        };
        let expected = review_version(&form.review_version, t)?;
        state
            .with_conn(move |conn| {
                fact_edit(
                    review::explain_member(conn, user.id, id, claim, reason.as_deref(), expected),
                    t,
                )
            })
            .await
    }
    .await;
    fact_answer(
        &state,
        ctx,
        result,
        &form.from,
        id.unwrap_or(0),
        &form.reason,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_list_only_what_differs() {
        let before = json!({"status": "unreviewed", "value": 12});
        let after = json!({"status": "corrected", "value": 12});
        assert_eq!(
            describe_change(Some(&before), Some(&after)),
            "status: unreviewed → corrected"
        );
        assert_eq!(describe_change(None, Some(&json!({"a": 1}))), "a: 1");
        assert_eq!(describe_change(Some(&json!({"a": "x"})), None), "a: x → —");
    }
}
