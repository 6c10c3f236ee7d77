//! Reviewer decisions about claims and conflicts: confirm, reject, correct and add claims,
//! re-extract a version without losing reviewed claims, settle a conflict, mark a member
//! explained. Each runs in one transaction with its `audit_log` row and then relinks the event
//! it touched, so the facts shown are never stale.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

use super::audit::{self, AuditEntry};
use super::events::EditError;
use super::linking::relink_event;
use super::models::{Claim, NewClaim};
use super::schema::{
    article_versions, articles, audit_log, claims, fact_members, facts, member_overrides, outlets,
    sources, users,
};
use crate::domain::extract::Extractor;
use crate::domain::pipeline::read_claims;
use crate::domain::quote::sentence_around;
use crate::domain::{Measure, Qualifier};

pub type ReviewResult<T> = Result<T, EditError>;

/// Longest verdict note, reason or source text a reviewer may type.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Longest group key.
pub const MAX_GROUP_CHARS: usize = 64;
/// Review statuses of a fact.
pub const FACT_STATUSES: [&str; 3] = ["open", "resolved", "unresolvable"];

fn invalid<T>(key: &'static str) -> ReviewResult<T> {
    Err(EditError::Invalid(key))
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// Free text as stored: trimmed, `None` when blank; too long or with a NUL is refused.
pub fn clean_text(raw: &str, max_chars: usize) -> ReviewResult<Option<String>> {
    let text = raw.trim();
    if text.contains('\0') {
        return invalid("review.err_text");
    }
    if text.chars().count() > max_chars {
        return invalid("review.err_too_long");
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

/// A group key: `^[a-z0-9_]+$`, at most 64 bytes.
pub fn valid_group(raw: &str) -> ReviewResult<String> {
    let g = raw.trim();
    if g.is_empty()
        || g.len() > MAX_GROUP_CHARS
        || !g
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return invalid("review.err_group");
    }
    Ok(g.to_string())
}

fn parse_count(raw: &str) -> Option<i64> {
    let digits: String = raw.trim().chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok()
}

/// What a reviewer says a claim states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimEdit {
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: Qualifier,
    pub measure: Measure,
    pub group: String,
    pub source: Option<String>,
}

impl ClaimEdit {
    /// Checks the form's fields: value ≥ 0, value_max ≥ value, known qualifier and measure, a
    /// group key of lower-case letters, digits and underscores; a blank source is the outlet's
    /// own voice.
    pub fn parse(
        value: &str,
        value_max: &str,
        qualifier: &str,
        measure: &str,
        group: &str,
        source: &str,
    ) -> ReviewResult<Self> {
        let value = parse_count(value).ok_or(EditError::Invalid("review.err_value"))?;
        let value_max = match value_max.trim() {
            "" => None,
            raw => match parse_count(raw) {
                Some(max) if max >= value => Some(max),
                _ => return invalid("review.err_value_max"),
            },
        };
        let qualifier = qualifier
            .trim()
            .parse::<Qualifier>()
            .map_err(|_| EditError::Invalid("review.err_qualifier"))?;
        let measure = measure
            .trim()
            .parse::<Measure>()
            .map_err(|_| EditError::Invalid("review.err_measure"))?;
        Ok(ClaimEdit {
            value,
            value_max: value_max.filter(|m| *m != value),
            qualifier,
            measure,
            group: valid_group(group)?,
            source: clean_text(source, 300)?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------------

/// A claim as the audit log records it.
pub fn claim_json(c: &Claim) -> Value {
    json!({
        "value": c.value,
        "value_max": c.value_max,
        "qualifier": c.qualifier,
        "measure": c.measure,
        "group": c.group_key,
        "source": c.source_text,
        "status": c.status,
        "origin": c.origin,
        "span": [c.span_start, c.span_end],
    })
}

/// Where a claim is shown: its article and version (for the answer's redirect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimPlace {
    pub article_id: i64,
    pub version: i32,
    pub claim_id: i64,
}

fn lock_claim(conn: &mut PgConnection, id: i64) -> QueryResult<Claim> {
    claims::table
        .find(id)
        .select(Claim::as_select())
        .for_update()
        .first(conn)
}

fn load_claim(conn: &mut PgConnection, id: i64) -> QueryResult<Claim> {
    claims::table
        .find(id)
        .select(Claim::as_select())
        .first(conn)
}

fn place_of(conn: &mut PgConnection, claim: &Claim) -> QueryResult<ClaimPlace> {
    let (article_id, version) = article_versions::table
        .find(claim.article_version_id)
        .select((article_versions::article_id, article_versions::number))
        .first(conn)?;
    Ok(ClaimPlace {
        article_id,
        version,
        claim_id: claim.id,
    })
}

fn relink(conn: &mut PgConnection, event_id: Option<i64>) -> QueryResult<()> {
    if let Some(id) = event_id {
        relink_event(conn, id)?;
    }
    Ok(())
}

/// Confirms (`confirmed`), rejects (`rejected`) or reopens (`unreviewed`) a claim.
pub fn set_claim_status(
    conn: &mut PgConnection,
    user_id: i64,
    claim_id: i64,
    status: &str,
) -> ReviewResult<ClaimPlace> {
    let action = match status {
        "confirmed" => "confirm",
        "rejected" => "reject",
        "unreviewed" => "reopen",
        _ => return invalid("review.err_claim_status"),
    };
    conn.transaction(|conn| {
        let before = lock_claim(conn, claim_id)?;
        diesel::update(claims::table.find(claim_id))
            .set((
                claims::status.eq(status),
                claims::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        let after = load_claim(conn, claim_id)?;
        audit::record(
            conn,
            Some(user_id),
            action,
            "claim",
            Some(claim_id),
            Some(claim_json(&before)),
            Some(claim_json(&after)),
        )?;
        relink(conn, before.event_id)?;
        Ok(place_of(conn, &before)?)
    })
}

/// Corrects what a claim states; it becomes `corrected` (and so survives re-extraction).
pub fn edit_claim(
    conn: &mut PgConnection,
    user_id: i64,
    claim_id: i64,
    edit: &ClaimEdit,
) -> ReviewResult<ClaimPlace> {
    conn.transaction(|conn| {
        let before = lock_claim(conn, claim_id)?;
        diesel::update(claims::table.find(claim_id))
            .set((
                claims::value.eq(edit.value),
                claims::value_max.eq(edit.value_max),
                claims::qualifier.eq(edit.qualifier.as_str()),
                claims::measure.eq(edit.measure.as_str()),
                claims::group_key.eq(&edit.group),
                claims::source_text.eq(&edit.source),
                claims::status.eq("corrected"),
                claims::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        let after = load_claim(conn, claim_id)?;
        audit::record(
            conn,
            Some(user_id),
            "edit",
            "claim",
            Some(claim_id),
            Some(claim_json(&before)),
            Some(claim_json(&after)),
        )?;
        relink(conn, before.event_id)?;
        Ok(place_of(conn, &before)?)
    })
}

/// The version row of `article_id` number `version`, locked: (id, body, event of the article).
fn lock_version(
    conn: &mut PgConnection,
    article_id: i64,
    version: i32,
) -> QueryResult<(i64, String, Option<i64>)> {
    let (version_id, body): (i64, String) = article_versions::table
        .filter(article_versions::article_id.eq(article_id))
        .filter(article_versions::number.eq(version))
        .select((article_versions::id, article_versions::body))
        .for_update()
        .first(conn)?;
    let event_id: Option<i64> = articles::table
        .find(article_id)
        .select(articles::event_id)
        .first(conn)?;
    Ok((version_id, body, event_id))
}

/// Numbers a version's claims 0.. in text order (positions are unique per version, so they are
/// moved out of the way first).
fn renumber(conn: &mut PgConnection, version_id: i64) -> QueryResult<()> {
    diesel::update(claims::table.filter(claims::article_version_id.eq(version_id)))
        .set(claims::position.eq(claims::position + 1_000_000))
        .execute(conn)?;
    let ids: Vec<i64> = claims::table
        .filter(claims::article_version_id.eq(version_id))
        .order((claims::span_start, claims::span_end, claims::id))
        .select(claims::id)
        .load(conn)?;
    for (i, id) in ids.into_iter().enumerate() {
        diesel::update(claims::table.find(id))
            .set(claims::position.eq(i as i32))
            .execute(conn)?;
    }
    Ok(())
}

/// A figure the extractor missed: the figure's text as it appears in the version and which
/// occurrence of it (1 = the first).
#[derive(Debug, Clone)]
pub struct ManualClaim {
    pub figure: String,
    pub occurrence: usize,
    pub claim: ClaimEdit,
}

/// The byte span of the `occurrence`-th (1-based) `figure` in `body`.
pub fn find_figure(body: &str, figure: &str, occurrence: usize) -> Option<(usize, usize)> {
    if figure.is_empty() || occurrence == 0 {
        return None;
    }
    body.match_indices(figure)
        .nth(occurrence - 1)
        .map(|(start, m)| (start, start + m.len()))
}

/// Adds a claim by hand (origin `manual`, status `confirmed`).
pub fn add_claim(
    conn: &mut PgConnection,
    user_id: i64,
    article_id: i64,
    version: i32,
    manual: &ManualClaim,
) -> ReviewResult<ClaimPlace> {
    let figure = manual.figure.trim();
    if figure.is_empty() || figure.chars().count() > 200 {
        return invalid("review.err_figure");
    }
    conn.transaction(|conn| {
        let (version_id, body, event_id) = lock_version(conn, article_id, version)?;
        let Some((start, end)) = find_figure(&body, figure, manual.occurrence) else {
            return invalid("review.err_figure_not_found");
        };
        let taken: i64 = claims::table
            .filter(claims::article_version_id.eq(version_id))
            .filter(claims::span_start.eq(start as i32))
            .filter(claims::span_end.eq(end as i32))
            .filter(claims::status.ne("rejected"))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return invalid("review.err_figure_taken");
        }
        let last: Option<i32> = claims::table
            .filter(claims::article_version_id.eq(version_id))
            .select(diesel::dsl::max(claims::position))
            .first(conn)?;
        let c = &manual.claim;
        let id: i64 = diesel::insert_into(claims::table)
            .values((
                NewClaim {
                    article_version_id: version_id,
                    event_id,
                    position: last.map_or(0, |p| p + 1),
                    value: c.value,
                    value_max: c.value_max,
                    qualifier: c.qualifier.as_str(),
                    measure: c.measure.as_str(),
                    group_key: &c.group,
                    subject: None,
                    source_text: c.source.as_deref(),
                    span_start: start as i32,
                    span_end: end as i32,
                    quote: sentence_around(&body, start, end),
                    origin: "manual",
                    scope: None,
                    stage: None,
                },
                claims::status.eq("confirmed"),
            ))
            .returning(claims::id)
            .get_result(conn)?;
        renumber(conn, version_id)?;
        let after = load_claim(conn, id)?;
        audit::record(
            conn,
            Some(user_id),
            "add",
            "claim",
            Some(id),
            None,
            Some(claim_json(&after)),
        )?;
        relink(conn, event_id)?;
        Ok(ClaimPlace {
            article_id,
            version,
            claim_id: id,
        })
    })
}

/// What a re-extraction did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reextraction {
    pub kept: usize,
    pub removed: usize,
    pub added: usize,
}

/// Whether a claim is the extractor's and untouched by reviewers (re-extraction replaces it).
pub fn replaceable(c: &Claim) -> bool {
    c.origin == "extracted" && c.status == "unreviewed"
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Re-reads a version with `extractor`: replaces the claims that are the extractor's and
/// unreviewed, keeps every confirmed, corrected, rejected or manual claim, and does not add an
/// extracted claim over the span of a kept one.
pub fn reextract(
    conn: &mut PgConnection,
    user_id: i64,
    extractor: &Extractor,
    article_id: i64,
    version: i32,
) -> ReviewResult<Reextraction> {
    conn.transaction(|conn| {
        let (version_id, body, event_id) = lock_version(conn, article_id, version)?;
        let existing: Vec<Claim> = claims::table
            .filter(claims::article_version_id.eq(version_id))
            .order(claims::position)
            .select(Claim::as_select())
            .for_update()
            .load(conn)?;
        let (old, kept): (Vec<&Claim>, Vec<&Claim>) =
            existing.iter().partition(|c| replaceable(c));
        let old_ids: Vec<i64> = old.iter().map(|c| c.id).collect();
        diesel::delete(claims::table.filter(claims::id.eq_any(&old_ids))).execute(conn)?;
        let kept_spans: Vec<(usize, usize)> = kept
            .iter()
            .map(|c| (c.span_start.max(0) as usize, c.span_end.max(0) as usize))
            .collect();
        let fresh = read_claims(extractor, &super::linking::gazetteer(), &body);
        let base = kept.iter().map(|c| c.position).max().map_or(0, |p| p + 1);
        let mut ids: Vec<Option<i64>> = vec![None; fresh.len()];
        let mut added = Vec::new();
        for (i, c) in fresh.iter().enumerate() {
            if kept_spans.iter().any(|k| overlaps(*k, (c.start, c.end))) {
                continue;
            }
            let id: i64 = diesel::insert_into(claims::table)
                .values(
                    NewClaim {
                        article_version_id: version_id,
                        event_id,
                        position: base + 1_000 + i as i32,
                        value: c.value,
                        value_max: c.value_max,
                        qualifier: c.qualifier.as_str(),
                        measure: c.measure.as_str(),
                        group_key: &c.group,
                        subject: c.subject.as_deref(),
                        source_text: c.source.as_deref(),
                        span_start: c.start as i32,
                        span_end: c.end as i32,
                        quote: sentence_around(&body, c.start, c.end),
                        origin: "extracted",
                        scope: c.scope.as_deref(),
                        stage: c.stage.map(|s| s.as_str()),
                    },
                )
                .returning(claims::id)
                .get_result(conn)?;
            ids[i] = Some(id);
            added.push(id);
        }
        for (i, c) in fresh.iter().enumerate() {
            if let (Some(id), Some(whole)) = (ids[i], c.part_of.and_then(|j| ids[j])) {
                diesel::update(claims::table.find(id))
                    .set(claims::part_of_id.eq(whole))
                    .execute(conn)?;
            }
        }
        renumber(conn, version_id)?;
        let summary = |cs: &[&Claim]| -> Vec<Value> {
            cs.iter()
                .map(|c| json!({"id": c.id, "value": c.value, "measure": c.measure, "group": c.group_key}))
                .collect()
        };
        audit::record(
            conn,
            Some(user_id),
            "reextract",
            "article",
            Some(article_id),
            Some(json!({"version": version, "replaced": summary(&old), "kept": kept.len()})),
            Some(json!({"version": version, "added": added, "kept": kept.len()})),
        )?;
        relink(conn, event_id)?;
        Ok(Reextraction {
            kept: kept.len(),
            removed: old.len(),
            added: added.len(),
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Conflicts
// ---------------------------------------------------------------------------------------------

/// A reviewer's verdict on a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: String,
    pub note: Option<String>,
    pub preferred_claim_id: Option<i64>,
    pub preferred_reason: Option<String>,
}

impl Verdict {
    /// Checks the form: a known status, a note when resolving, a reason with a preferred figure.
    pub fn parse(status: &str, note: &str, preferred: &str, reason: &str) -> ReviewResult<Self> {
        let status = match status.trim() {
            "dismissed" => "unresolvable",
            s if FACT_STATUSES.contains(&s) => s,
            _ => return invalid("review.err_fact_status"),
        }
        .to_string();
        let note = clean_text(note, MAX_NOTE_CHARS)?;
        if status == "resolved" && note.is_none() {
            return invalid("review.err_note_required");
        }
        let preferred_claim_id = match preferred.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or(EditError::Invalid("review.err_preferred_member"))?,
            ),
        };
        let preferred_reason = clean_text(reason, MAX_NOTE_CHARS)?;
        if preferred_claim_id.is_some() && preferred_reason.is_none() {
            return invalid("review.err_reason_required");
        }
        Ok(Verdict {
            status,
            note,
            preferred_claim_id,
            // A reason without a figure has nothing to explain.
            preferred_reason: preferred_claim_id.and(preferred_reason),
        })
    }
}

/// A fact's review fields as stored.
#[derive(Debug, Clone, Queryable)]
pub struct FactReviewRecord {
    pub id: i64,
    pub event_id: i64,
    pub measure: String,
    pub group_key: String,
    pub is_conflict: bool,
    pub status: String,
    pub resolution_note: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub preferred_claim_id: Option<i64>,
    pub preferred_reason: Option<String>,
    pub resolved_by: Option<String>,
    /// Incremented by every reviewer edit of the fact: the version a review form was read at.
    pub review_version: i32,
}

macro_rules! fact_review_columns {
    () => {
        (
            facts::id,
            facts::event_id,
            facts::measure,
            facts::group_key,
            facts::is_conflict,
            facts::status,
            facts::resolution_note,
            facts::resolved_at,
            facts::preferred_claim_id,
            facts::preferred_reason,
            users::username.nullable(),
            facts::review_version,
        )
    };
}

/// One fact's review fields.
pub fn fact_review(conn: &mut PgConnection, fact_id: i64) -> QueryResult<FactReviewRecord> {
    facts::table
        .left_join(users::table)
        .filter(facts::id.eq(fact_id))
        .select(fact_review_columns!())
        .first(conn)
}

/// The review fields of an event's facts.
pub fn fact_reviews(conn: &mut PgConnection, event_id: i64) -> QueryResult<Vec<FactReviewRecord>> {
    facts::table
        .left_join(users::table)
        .filter(facts::event_id.eq(event_id))
        .select(fact_review_columns!())
        .order(facts::id)
        .load(conn)
}

fn fact_json(conn: &mut PgConnection, fact_id: i64) -> QueryResult<Value> {
    let f = fact_review(conn, fact_id)?;
    Ok(json!({
        "status": f.status,
        "note": f.resolution_note,
        "preferred_claim_id": f.preferred_claim_id,
        "preferred_reason": f.preferred_reason,
        "resolved_by": f.resolved_by,
    }))
}

/// A review form read its fact at a review version that is no longer current: another
/// reviewer changed the fact meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleReview {
    pub fact_id: i64,
    pub event_id: i64,
    /// The version the form was read at.
    pub expected: i32,
    /// The fact's version now.
    pub current: i32,
    /// Who made the latest change (its audit row), and when.
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

/// Why a reviewer's edit of a fact was not stored.
#[derive(Debug, thiserror::Error)]
pub enum FactEditError {
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("fact {} changed meanwhile (review version {} → {})", .0.fact_id, .0.expected, .0.current)]
    Stale(StaleReview),
}

impl From<diesel::result::Error> for FactEditError {
    fn from(e: diesel::result::Error) -> Self {
        FactEditError::Edit(EditError::Db(e))
    }
}

pub type FactEditResult<T> = Result<T, FactEditError>;

/// Locks the fact's row: (event id, review version).
fn lock_fact(conn: &mut PgConnection, fact_id: i64) -> QueryResult<(i64, i32)> {
    facts::table
        .find(fact_id)
        .select((facts::event_id, facts::review_version))
        .for_update()
        .first(conn)
}

/// Locks the fact and checks that it is still at `expected` (when the form gave a version):
/// returns the event id. A concurrent edit holding the lock is waited for, then seen.
fn lock_fact_at(
    conn: &mut PgConnection,
    fact_id: i64,
    expected: Option<i32>,
) -> FactEditResult<i64> {
    let (event_id, current) = lock_fact(conn, fact_id)?;
    match expected {
        Some(expected) if expected != current => {
            let latest: Option<(Option<String>, DateTime<Utc>)> = audit_log::table
                .left_join(users::table)
                .filter(audit_log::entity.eq("fact"))
                .filter(audit_log::entity_id.eq(fact_id))
                .order((audit_log::at.desc(), audit_log::id.desc()))
                .select((users::username.nullable(), audit_log::at))
                .first(conn)
                .optional()?;
            let (by, at) = latest.map_or((None, None), |(by, at)| (by, Some(at)));
            Err(FactEditError::Stale(StaleReview {
                fact_id,
                event_id,
                expected,
                current,
                by,
                at,
            }))
        }
        _ => Ok(event_id),
    }
}

fn is_member(conn: &mut PgConnection, fact_id: i64, claim_id: i64) -> QueryResult<bool> {
    let n: i64 = fact_members::table
        .filter(fact_members::fact_id.eq(fact_id))
        .filter(fact_members::claim_id.eq(claim_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Sets a fact's review status with its verdict; relinking keeps them. Returns the event id.
/// With `expected` (the review version the form was read at), a fact reviewed since is left
/// alone: `FactEditError::Stale`, nothing written.
pub fn set_fact_status(
    conn: &mut PgConnection,
    user_id: i64,
    fact_id: i64,
    verdict: &Verdict,
    expected: Option<i32>,
) -> FactEditResult<i64> {
    conn.transaction(|conn| {
        let event_id = lock_fact_at(conn, fact_id, expected)?;
        if let Some(claim) = verdict.preferred_claim_id {
            if !is_member(conn, fact_id, claim)? {
                return Err(EditError::Invalid("review.err_preferred_member").into());
            }
        }
        let before = fact_json(conn, fact_id)?;
        let open = verdict.status == "open";
        let resolved_at: Option<DateTime<Utc>> = (!open).then(Utc::now);
        diesel::update(facts::table.find(fact_id))
            .set((
                facts::status.eq(&verdict.status),
                facts::resolution_note.eq(&verdict.note),
                facts::resolved_by.eq((!open).then_some(user_id)),
                facts::resolved_at.eq(resolved_at),
                facts::preferred_claim_id.eq(verdict.preferred_claim_id),
                facts::preferred_reason.eq(&verdict.preferred_reason),
                facts::updated_at.eq(diesel::dsl::now),
                facts::review_version.eq(facts::review_version + 1),
            ))
            .execute(conn)?;
        let after = fact_json(conn, fact_id)?;
        let action = match verdict.status.as_str() {
            "resolved" => "resolve",
            "unresolvable" => "mark_unresolvable",
            _ => "reopen",
        };
        audit::record(
            conn,
            Some(user_id),
            action,
            "fact",
            Some(fact_id),
            Some(before),
            Some(after),
        )?;
        relink_event(conn, event_id)?;
        Ok(event_id)
    })
}

/// Marks a member of a fact explained (with the reviewer's reason), or — with `reason` `None` —
/// removes the reviewer's decision. Applied at every relink. Returns the event id. `expected`
/// as for `set_fact_status`: a member's role is part of the fact's review.
pub fn explain_member(
    conn: &mut PgConnection,
    user_id: i64,
    fact_id: i64,
    claim_id: i64,
    reason: Option<&str>,
    expected: Option<i32>,
) -> FactEditResult<i64> {
    conn.transaction(|conn| {
        let event_id = lock_fact_at(conn, fact_id, expected)?;
        if !is_member(conn, fact_id, claim_id)? {
            return Err(EditError::Invalid("review.err_member").into());
        }
        let role: String = fact_members::table
            .filter(fact_members::fact_id.eq(fact_id))
            .filter(fact_members::claim_id.eq(claim_id))
            .select(fact_members::role)
            .first(conn)?;
        let previous: Option<(String, String)> = member_overrides::table
            .find(claim_id)
            .select((member_overrides::role, member_overrides::reason))
            .first(conn)
            .optional()?;
        let before = json!({
            "claim_id": claim_id,
            "role": role,
            "override": previous.map(|(role, reason)| json!({"role": role, "reason": reason})),
        });
        let (action, after) = match reason {
            Some(reason) => {
                diesel::insert_into(member_overrides::table)
                    .values((
                        member_overrides::claim_id.eq(claim_id),
                        member_overrides::role.eq("explained"),
                        member_overrides::reason.eq(reason),
                        member_overrides::user_id.eq(user_id),
                    ))
                    .on_conflict(member_overrides::claim_id)
                    .do_update()
                    .set((
                        member_overrides::role.eq("explained"),
                        member_overrides::reason.eq(reason),
                        member_overrides::user_id.eq(user_id),
                        member_overrides::created_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?;
                (
                    "explain_member",
                    json!({"claim_id": claim_id, "role": "explained", "reason": reason}),
                )
            }
            None => {
                diesel::delete(member_overrides::table.find(claim_id)).execute(conn)?;
                (
                    "clear_member_override",
                    json!({"claim_id": claim_id, "override": null}),
                )
            }
        };
        diesel::update(facts::table.find(fact_id))
            .set(facts::review_version.eq(facts::review_version + 1))
            .execute(conn)?;
        audit::record(
            conn,
            Some(user_id),
            action,
            "fact",
            Some(fact_id),
            Some(before),
            Some(after),
        )?;
        relink_event(conn, event_id)?;
        Ok(event_id)
    })
}

/// A member of a fact, for the verdict form's choice of preferred figure.
#[derive(Debug, Clone, Queryable)]
pub struct MemberChoiceRecord {
    pub fact_id: i64,
    pub claim_id: i64,
    pub role: String,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: String,
    pub source_name: Option<String>,
    pub source_text: Option<String>,
    pub outlet: Option<String>,
    pub override_reason: Option<String>,
    pub article_id: i64,
    pub version: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub stored_at: DateTime<Utc>,
    pub article_url: Option<String>,
    pub language: String,
    pub quote: String,
    pub position: i32,
}

impl MemberChoiceRecord {
    /// When its version reported it (`linking::reported_at`).
    pub fn reported_at(&self) -> DateTime<Utc> {
        super::linking::reported_at(self.version, self.published_at, self.stored_at)
    }
}

/// The members of the given facts, largest figure first.
pub fn member_choices(
    conn: &mut PgConnection,
    fact_ids: &[i64],
) -> QueryResult<Vec<MemberChoiceRecord>> {
    fact_members::table
        .inner_join(claims::table.inner_join(
            article_versions::table.inner_join(articles::table.left_join(outlets::table)),
        ))
        .left_join(sources::table.on(fact_members::source_id.eq(sources::id.nullable())))
        .left_join(member_overrides::table.on(member_overrides::claim_id.eq(claims::id)))
        .filter(fact_members::fact_id.eq_any(fact_ids))
        .select((
            fact_members::fact_id,
            fact_members::claim_id,
            fact_members::role,
            claims::value,
            claims::value_max,
            claims::qualifier,
            sources::name.nullable(),
            claims::source_text,
            outlets::name.nullable(),
            member_overrides::reason.nullable(),
            articles::id,
            article_versions::number,
            articles::published_at,
            article_versions::created_at,
            articles::url,
            articles::language,
            claims::quote,
            claims::position,
        ))
        .order((fact_members::fact_id, claims::value.desc(), claims::id))
        .load(conn)
}

// ---------------------------------------------------------------------------------------------
// History
// ---------------------------------------------------------------------------------------------

/// Audit entries about the given things (`entity`, ids), newest first, at most `limit`.
pub fn history(
    conn: &mut PgConnection,
    targets: &[(&str, Vec<i64>)],
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    let mut out: Vec<AuditEntry> = Vec::new();
    for (entity, ids) in targets {
        if ids.is_empty() {
            continue;
        }
        let rows: Vec<AuditEntry> = audit_log::table
            .left_join(users::table)
            .filter(audit_log::entity.eq(*entity))
            .filter(audit_log::entity_id.eq_any(ids))
            .select((
                audit_log::id,
                audit_log::at,
                users::username.nullable(),
                audit_log::action,
                audit_log::entity,
                audit_log::entity_id,
                audit_log::before,
                audit_log::after,
            ))
            .order((audit_log::at.desc(), audit_log::id.desc()))
            .limit(limit)
            .load(conn)?;
        out.extend(rows);
    }
    out.sort_by_key(|e| std::cmp::Reverse((e.at, e.id)));
    out.truncate(limit.max(0) as usize);
    Ok(out)
}

/// The latest `limit` audit entries of each of `ids` (all of kind `entity`), newest first per id,
/// in one statement however many ids there are (a probe of `audit_log_entity_idx` per id).
pub fn latest_history_each(
    conn: &mut PgConnection,
    entity: &str,
    ids: &[i64],
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Timestamptz)]
        at: DateTime<Utc>,
        #[diesel(sql_type = Nullable<Text>)]
        username: Option<String>,
        #[diesel(sql_type = Text)]
        action: String,
        #[diesel(sql_type = Text)]
        entity: String,
        #[diesel(sql_type = Nullable<BigInt>)]
        entity_id: Option<i64>,
        #[diesel(sql_type = Nullable<Jsonb>)]
        before: Option<Value>,
        #[diesel(sql_type = Nullable<Jsonb>)]
        after: Option<Value>,
    }
    if ids.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT h.* FROM unnest($1::bigint[]) AS t(id) CROSS JOIN LATERAL ( \
             SELECT a.id, a.at, u.username, a.action, a.entity, a.entity_id, a.before, a.after \
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
             WHERE a.entity = $2 AND a.entity_id = t.id \
             ORDER BY a.at DESC, a.id DESC LIMIT $3) h",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Text, _>(entity)
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            username: r.username,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before,
            after: r.after,
        })
        .collect())
}

/// The ids of an article's claims (all versions).
pub fn claim_ids_of_article(conn: &mut PgConnection, article_id: i64) -> QueryResult<Vec<i64>> {
    claims::table
        .inner_join(article_versions::table)
        .filter(article_versions::article_id.eq(article_id))
        .select(claims::id)
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_edits_are_checked() {
        let ok =
            ClaimEdit::parse("1,200", "", "at_least", "killed", "civilians", " SOHR ").unwrap();
        assert_eq!(ok.value, 1200);
        assert_eq!(ok.source.as_deref(), Some("SOHR"));
        assert_eq!(
            ClaimEdit::parse("10", "12", "exact", "killed", "civilians", "")
                .unwrap()
                .value_max,
            Some(12)
        );
        for (v, m, q, me, g) in [
            ("-1", "", "exact", "killed", "civilians"),
            ("x", "", "exact", "killed", "civilians"),
            ("10", "9", "exact", "killed", "civilians"),
            ("10", "", "roughly", "killed", "civilians"),
            ("10", "", "exact", "eaten", "civilians"),
            ("10", "", "exact", "killed", "Civilians"),
            ("10", "", "exact", "killed", "<script>"),
            ("10", "", "exact", "killed", ""),
        ] {
            assert!(
                ClaimEdit::parse(v, m, q, me, g, "").is_err(),
                "{v} {m} {q} {me} {g}"
            );
        }
    }

    #[test]
    fn figures_are_found_by_occurrence() {
        let body = "12 killed; later 12 more, then 12.";
        assert_eq!(find_figure(body, "12", 1), Some((0, 2)));
        assert_eq!(find_figure(body, "12", 2), Some((17, 19)));
        assert_eq!(find_figure(body, "12", 4), None);
        assert_eq!(find_figure(body, "", 1), None);
        assert_eq!(find_figure(body, "12", 0), None);
    }

    #[test]
    fn verdicts_need_notes_and_reasons() {
        assert!(Verdict::parse("resolved", "", "", "").is_err());
        assert!(Verdict::parse("resolved", "checked", "5", "").is_err());
        assert!(Verdict::parse("closed", "x", "", "").is_err());
        let v = Verdict::parse("resolved", "checked", "5", "named list").unwrap();
        assert_eq!(v.preferred_claim_id, Some(5));
        let v = Verdict::parse("unresolvable", "", "", "stray").unwrap();
        assert_eq!(v.preferred_reason, None);
        assert_eq!(
            Verdict::parse("dismissed", "", "", "").unwrap().status,
            "unresolvable"
        );
    }
}
