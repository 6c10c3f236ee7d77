//! Event queries: the event list, an event with its articles and facts, the conflict list, and
//! the reviewer's edits (rename, merge, split, move an article), each in one transaction with an
//! `audit_log` row. Relinking after an edit touches only the events involved.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::estimate::{best_of, preferred_value, reviewer_reason, ChosenBy};
use super::export::ConflictFilter;
use super::linking::{relink_event, reported_at};
use super::models::extracted_claims;
use super::schema::{
    article_versions, articles, claims, events, fact_members, facts, member_overrides, outlets,
    sources, users,
};
use crate::domain::linking::title::article_day;
use crate::domain::linking::{signature, EventSignature, Gazetteer};
use crate::domain::url_date::date_in_url;

/// One row of the event list.
#[derive(Debug, Clone, Queryable)]
pub struct EventSummary {
    pub id: i64,
    pub title: String,
    /// The generated title in Arabic (`None` once renamed: `title` is then the reviewer's).
    pub title_ar: Option<String>,
    pub place_name: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub articles: i64,
    pub open_conflicts: i64,
}

/// Most recently changed events first.
pub fn list(conn: &mut PgConnection, limit: i64, offset: i64) -> QueryResult<Vec<EventSummary>> {
    let article_count = articles::table
        .filter(articles::event_id.eq(events::id.nullable()))
        .count()
        .single_value();
    let open_conflicts = facts::table
        .filter(facts::event_id.eq(events::id))
        .filter(facts::is_conflict.eq(true))
        .filter(facts::status.eq("open"))
        .count()
        .single_value();
    events::table
        .select((
            events::id,
            events::title,
            events::title_ar,
            events::place_name,
            events::date_from,
            events::date_to,
            events::created_at,
            events::updated_at,
            article_count.assume_not_null(),
            open_conflicts.assume_not_null(),
        ))
        .order(recent_first())
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// An event as shown on its page.
#[derive(Debug, Clone, Queryable)]
pub struct EventRecord {
    pub id: i64,
    pub title: String,
    /// The generated title in Arabic (`None` once renamed: `title` is then the reviewer's).
    pub title_ar: Option<String>,
    pub place_key: Option<String>,
    pub place_name: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<EventRecord> {
    events::table
        .find(id)
        .select((
            events::id,
            events::title,
            events::title_ar,
            events::place_key,
            events::place_name,
            events::date_from,
            events::date_to,
            events::created_at,
            events::updated_at,
        ))
        .first(conn)
}

/// An article of an event.
#[derive(Debug, Clone, Queryable)]
pub struct EventArticle {
    pub id: i64,
    pub title: String,
    pub language: String,
    pub url: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub outlet: Option<String>,
    pub latest_version: i32,
}

/// The event's articles, oldest first.
pub fn articles_of(conn: &mut PgConnection, event_id: i64) -> QueryResult<Vec<EventArticle>> {
    let latest = article_versions::table
        .filter(article_versions::article_id.eq(articles::id))
        .select(diesel::dsl::max(article_versions::number))
        .single_value();
    articles::table
        .left_join(outlets::table)
        .filter(articles::event_id.eq(event_id))
        .select((
            articles::id,
            articles::title,
            articles::language,
            articles::url,
            articles::published_at,
            articles::created_at,
            outlets::name.nullable(),
            latest.assume_not_null(),
        ))
        .order((articles::created_at, articles::id))
        .load(conn)
}

/// A fact of an event (one question: measure + group).
#[derive(Debug, Clone, Queryable)]
pub struct FactRecord {
    pub id: i64,
    pub event_id: i64,
    pub measure: String,
    pub group_key: String,
    pub low: Option<i64>,
    pub low_claim_id: Option<i64>,
    pub best: Option<i64>,
    pub best_claim_id: Option<i64>,
    pub high: Option<i64>,
    pub high_claim_id: Option<i64>,
    pub is_conflict: bool,
    pub status: String,
    pub resolution_note: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub preferred_claim_id: Option<i64>,
    pub preferred_reason: Option<String>,
    /// The reviewer who settled it.
    pub resolved_by: Option<String>,
    /// The version of its review (read with the verdict, in the same statement): what the
    /// review forms send back.
    pub review_version: i32,
    /// The value of the preferred figure (`estimate::preferred_value`).
    pub preferred_value: Option<i64>,
}

impl FactRecord {
    /// Who chose `best` (`estimate`'s rules 2 and 3).
    pub fn best_chosen_by(&self) -> ChosenBy {
        best_of(
            &self.status,
            (self.best, self.best_claim_id),
            (self.preferred_claim_id, self.preferred_value),
        )
        .2
    }

    /// The reviewer's reason for their choice of best estimate.
    pub fn best_reason(&self) -> Option<String> {
        match self.best_chosen_by() {
            ChosenBy::Reviewer => reviewer_reason(
                self.preferred_reason.as_deref(),
                self.resolution_note.as_deref(),
            ),
            ChosenBy::Rule => None,
        }
    }

    /// Puts the reviewer's preferred figure, once the question is resolved, in `best`.
    fn apply_verdict(mut self) -> Self {
        (self.best, self.best_claim_id, _) = best_of(
            &self.status,
            (self.best, self.best_claim_id),
            (self.preferred_claim_id, self.preferred_value),
        );
        self
    }
}

/// One figure in a fact, with where it comes from.
#[derive(Debug, Clone, Queryable)]
pub struct MemberRecord {
    pub fact_id: i64,
    pub claim_id: i64,
    pub role: String,
    pub reason: String,
    pub is_position: bool,
    /// Canonical source name.
    pub source_name: Option<String>,
    /// The attribution as written.
    pub source_text: Option<String>,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: String,
    pub quote: String,
    pub position: i32,
    pub article_id: i64,
    pub article_title: String,
    pub language: String,
    pub version: i32,
    pub outlet: Option<String>,
    /// The source's credibility grade.
    pub credibility: Option<String>,
    /// A reviewer's reason for this claim's role (`member_overrides`).
    pub override_reason: Option<String>,
    /// The canonical source's id (members of one source share it).
    pub source_id: Option<i64>,
    /// When its version reported it (`linking::reported_at`).
    pub reported_at: DateTime<Utc>,
    pub article_url: Option<String>,
}

/// A fact member with its claim, as `facts_of` reads it.
#[derive(Queryable)]
struct MemberClaim {
    fact_id: i64,
    claim_id: i64,
    role: String,
    reason: String,
    is_position: bool,
    source_name: Option<String>,
    credibility: Option<String>,
    source_text: Option<String>,
    value: i64,
    value_max: Option<i64>,
    qualifier: String,
    quote: String,
    position: i32,
    version_id: i64,
    override_reason: Option<String>,
    source_id: Option<i64>,
}

/// A version with its article, as `facts_of` reads it.
#[derive(Queryable)]
struct VersionArticle {
    version_id: i64,
    number: i32,
    article_id: i64,
    title: String,
    language: String,
    outlet: Option<String>,
    created_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    url: Option<String>,
}

/// The event's facts (conflicts first) with their members (largest figure first), in three
/// statements whatever the number of facts: everything the event page shows of them, its review
/// forms included.
pub fn facts_of(
    conn: &mut PgConnection,
    event_id: i64,
) -> QueryResult<Vec<(FactRecord, Vec<MemberRecord>)>> {
    let found: Vec<FactRecord> = facts::table
        .left_join(users::table)
        .filter(facts::event_id.eq(event_id))
        .select((
            facts::id,
            facts::event_id,
            facts::measure,
            facts::group_key,
            facts::low,
            facts::low_claim_id,
            facts::best,
            facts::best_claim_id,
            facts::high,
            facts::high_claim_id,
            facts::is_conflict,
            facts::status,
            facts::resolution_note,
            facts::resolved_at,
            facts::preferred_claim_id,
            facts::preferred_reason,
            users::username.nullable(),
            facts::review_version,
            preferred_value!(),
        ))
        .order((
            facts::is_conflict.desc(),
            facts::measure,
            facts::group_key,
            facts::id,
        ))
        .load::<FactRecord>(conn)?
        .into_iter()
        .map(FactRecord::apply_verdict)
        .collect();
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = found.iter().map(|f| f.id).collect();
    // The members with their claims, then the article of each version they come from: a big
    // event's hundreds of figures come from a few dozen versions, so each article is read once
    // rather than once per figure.
    let rows: Vec<MemberClaim> = fact_members::table
        .inner_join(claims::table)
        .left_join(sources::table.on(fact_members::source_id.eq(sources::id.nullable())))
        .left_join(member_overrides::table.on(member_overrides::claim_id.eq(claims::id)))
        .filter(fact_members::fact_id.eq_any(&ids))
        .select((
            fact_members::fact_id,
            fact_members::claim_id,
            fact_members::role,
            fact_members::reason,
            fact_members::is_position,
            sources::name.nullable(),
            sources::credibility.nullable(),
            claims::source_text,
            claims::value,
            claims::value_max,
            claims::qualifier,
            claims::quote,
            claims::position,
            claims::article_version_id,
            member_overrides::reason.nullable(),
            fact_members::source_id,
        ))
        .order((fact_members::fact_id, claims::value.desc(), claims::id))
        .load(conn)?;
    let mut version_ids: Vec<i64> = rows.iter().map(|r| r.version_id).collect();
    version_ids.sort_unstable();
    version_ids.dedup();
    let versions: HashMap<i64, VersionArticle> = article_versions::table
        .inner_join(articles::table.left_join(outlets::table))
        .filter(article_versions::id.eq_any(&version_ids))
        .select((
            article_versions::id,
            article_versions::number,
            articles::id,
            articles::title,
            articles::language,
            outlets::name.nullable(),
            article_versions::created_at,
            articles::published_at,
            articles::url,
        ))
        .load::<VersionArticle>(conn)?
        .into_iter()
        .map(|v| (v.version_id, v))
        .collect();
    // Every claim has its version and every version its article (foreign keys), so no member
    // is left out.
    let members = rows.into_iter().filter_map(|m| {
        let v = versions.get(&m.version_id)?;
        Some(MemberRecord {
            fact_id: m.fact_id,
            claim_id: m.claim_id,
            role: m.role,
            reason: m.reason,
            is_position: m.is_position,
            source_name: m.source_name,
            source_text: m.source_text,
            value: m.value,
            value_max: m.value_max,
            qualifier: m.qualifier,
            quote: m.quote,
            position: m.position,
            article_id: v.article_id,
            article_title: v.title.clone(),
            language: v.language.clone(),
            version: v.number,
            outlet: v.outlet.clone(),
            credibility: m.credibility,
            override_reason: m.override_reason,
            source_id: m.source_id,
            reported_at: reported_at(v.number, v.published_at, v.created_at),
            article_url: v.url.clone(),
        })
    });
    let mut by_fact: HashMap<i64, Vec<MemberRecord>> = HashMap::with_capacity(found.len());
    for m in members {
        by_fact.entry(m.fact_id).or_default().push(m);
    }
    Ok(found
        .into_iter()
        .map(|f| {
            let mine = by_fact.remove(&f.id).unwrap_or_default();
            (f, mine)
        })
        .collect())
}

/// One row of the conflict list.
#[derive(Debug, Clone, Queryable)]
pub struct ConflictSummary {
    pub fact_id: i64,
    pub event_id: i64,
    pub event_title: String,
    pub measure: String,
    pub group_key: String,
    pub low: Option<i64>,
    pub best: Option<i64>,
    pub high: Option<i64>,
    pub status: String,
    pub updated_at: DateTime<Utc>,
    pub members: i64,
    pub preferred_claim_id: Option<i64>,
    pub preferred_value: Option<i64>,
}

impl ConflictSummary {
    /// Who chose `best` (`estimate`'s rules 2 and 3).
    pub fn best_chosen_by(&self) -> ChosenBy {
        best_of(
            &self.status,
            (self.best, None),
            (self.preferred_claim_id, self.preferred_value),
        )
        .2
    }
}

/// Conflicts (facts with `is_conflict`) matching the filter, most recently changed first.
pub fn conflicts(
    conn: &mut PgConnection,
    filter: &ConflictFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<ConflictSummary>> {
    let member_count = fact_members::table
        .filter(fact_members::fact_id.eq(facts::id))
        .count()
        .single_value();
    let mut query = facts::table
        .inner_join(events::table)
        .filter(facts::is_conflict.eq(true))
        .into_boxed();
    if let Some(status) = &filter.status {
        query = query.filter(facts::status.eq(status.clone()));
    }
    if let Some(measure) = &filter.measure {
        query = query.filter(facts::measure.eq(measure.clone()));
    }
    if let Some(group) = &filter.group {
        query = query.filter(facts::group_key.eq(group.clone()));
    }
    if let Some(event_id) = filter.event_id {
        query = query.filter(facts::event_id.eq(event_id));
    }
    query
        .select((
            facts::id,
            events::id,
            events::title,
            facts::measure,
            facts::group_key,
            facts::low,
            facts::best,
            facts::high,
            facts::status,
            facts::updated_at,
            member_count.assume_not_null(),
            facts::preferred_claim_id,
            preferred_value!(),
        ))
        .order((facts::updated_at.desc(), facts::id.desc()))
        .limit(limit)
        .offset(offset)
        .load::<ConflictSummary>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(|mut c| {
                    (c.best, _, _) = best_of(
                        &c.status,
                        (c.best, None),
                        (c.preferred_claim_id, c.preferred_value),
                    );
                    c
                })
                .collect()
        })
}

/// Actor groups that have conflicts (for the filter form).
///
/// A loose index scan (one probe of `facts_conflict_group_idx` per group) instead of reading every
/// conflict: the archive has a few dozen groups and, at scale, hundreds of thousands of conflicts.
pub fn conflict_groups(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Group {
        #[diesel(sql_type = diesel::sql_types::Text)]
        group_key: String,
    }
    let rows: Vec<Group> = diesel::sql_query(
        "WITH RECURSIVE g(group_key) AS ( \
             (SELECT group_key FROM facts WHERE is_conflict ORDER BY group_key LIMIT 1) \
             UNION ALL \
             SELECT (SELECT f.group_key FROM facts f \
                     WHERE f.is_conflict AND f.group_key > g.group_key \
                     ORDER BY f.group_key LIMIT 1) \
             FROM g WHERE g.group_key IS NOT NULL) \
         SELECT group_key FROM g WHERE group_key IS NOT NULL LIMIT 500",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|g| g.group_key).collect())
}

/// Events that have conflicts, most recent first (for the filter form).
pub fn conflict_events(conn: &mut PgConnection) -> QueryResult<Vec<(i64, String)>> {
    let with_conflicts = facts::table
        .filter(facts::is_conflict.eq(true))
        .select(facts::event_id);
    events::table
        .filter(events::id.eq_any(with_conflicts))
        .select((events::id, events::title))
        .order(recent_first())
        .limit(500)
        .load(conn)
}

/// Other events a reviewer may merge or move into (most recent first).
pub fn other_events(
    conn: &mut PgConnection,
    except: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, String)>> {
    events::table
        .filter(events::id.ne(except))
        .select((events::id, events::title))
        .order(recent_first())
        .limit(limit)
        .load(conn)
}

/// Most recently changed events first: the order of `events_recent_idx`, so a page of the list
/// or of the suggestions reads only its rows.
fn recent_first() -> (
    diesel::dsl::Desc<events::updated_at>,
    diesel::dsl::Desc<events::created_at>,
    diesel::dsl::Desc<events::id>,
) {
    (
        events::updated_at.desc(),
        events::created_at.desc(),
        events::id.desc(),
    )
}

// ---------------------------------------------------------------------------------------------
// Reviewer edits
// ---------------------------------------------------------------------------------------------

/// Longest event title.
pub const MAX_TITLE_CHARS: usize = 500;

/// Why an edit was refused (`Invalid` carries the label key of the message) or failed.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("invalid edit: {0}")]
    Invalid(&'static str),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// A title as stored: trimmed, 1..=500 characters, no NUL.
pub fn clean_title(raw: &str) -> Result<String, EditError> {
    let title = raw.trim();
    if title.is_empty() {
        return Err(EditError::Invalid("events.err_title_empty"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(EditError::Invalid("events.err_title_long"));
    }
    if title.contains('\0') {
        return Err(EditError::Invalid("events.err_title_nul"));
    }
    Ok(title.to_string())
}

/// An event title made from an article title (at most 200 characters).
pub fn title_from_article(title: &str) -> String {
    let t = title.trim().replace('\0', "");
    match t.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None if t.is_empty() => "(untitled event)".to_string(),
        None => t,
    }
}

#[derive(Debug, Clone, Queryable)]
struct Locked {
    title: String,
    date_from: Option<NaiveDate>,
    date_to: Option<NaiveDate>,
    signature: serde_json::Value,
}

/// Locks an event row; `None` when it does not exist.
fn lock_event(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Locked>> {
    events::table
        .find(id)
        .select((
            events::title,
            events::date_from,
            events::date_to,
            events::signature,
        ))
        .for_update()
        .first(conn)
        .optional()
}

/// Locks two events in id order (so two edits never wait on each other crosswise).
fn lock_pair(
    conn: &mut PgConnection,
    a: i64,
    b: i64,
) -> QueryResult<(Option<Locked>, Option<Locked>)> {
    if a <= b {
        let first = lock_event(conn, a)?;
        let second = lock_event(conn, b)?;
        Ok((first, second))
    } else {
        let second = lock_event(conn, b)?;
        let first = lock_event(conn, a)?;
        Ok((first, second))
    }
}

fn article_ids(conn: &mut PgConnection, event_id: i64) -> QueryResult<Vec<i64>> {
    articles::table
        .filter(articles::event_id.eq(event_id))
        .select(articles::id)
        .order(articles::id)
        .load(conn)
}

fn audit(
    conn: &mut PgConnection,
    user_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: i64,
    before: serde_json::Value,
    after: serde_json::Value,
) -> QueryResult<()> {
    super::audit::record(
        conn,
        user_id,
        action,
        entity,
        Some(entity_id),
        Some(before),
        Some(after),
    )
}

/// Puts articles (and the claims of all their versions) into `event_id`.
fn move_articles(conn: &mut PgConnection, ids: &[i64], event_id: i64) -> QueryResult<()> {
    diesel::update(articles::table.filter(articles::id.eq_any(ids)))
        .set((
            articles::event_id.eq(event_id),
            articles::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    let versions = article_versions::table
        .filter(article_versions::article_id.eq_any(ids))
        .select(article_versions::id);
    diesel::update(claims::table.filter(claims::article_version_id.eq_any(versions)))
        .set(claims::event_id.eq(event_id))
        .execute(conn)?;
    Ok(())
}

fn widen(a: Option<NaiveDate>, b: Option<NaiveDate>, earliest: bool) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if earliest { a.min(b) } else { a.max(b) }),
        (a, b) => a.or(b),
    }
}

/// The signature and publication dates of articles, read again from their latest versions.
///
/// The linker folds in every version as it is ingested; a rebuild reads only each article's latest
/// version, so the count of merged versions becomes the count of articles.
fn signature_of_articles(
    conn: &mut PgConnection,
    ids: &[i64],
) -> QueryResult<(EventSignature, Option<NaiveDate>, Option<NaiveDate>)> {
    let gazetteer = Gazetteer::builtin();
    let mut sig = EventSignature::default();
    let (mut from, mut to) = (None, None);
    for &id in ids {
        let (language, published, url): (String, Option<DateTime<Utc>>, Option<String>) =
            articles::table
                .find(id)
                .select((articles::language, articles::published_at, articles::url))
                .first(conn)?;
        let version = super::articles::version(conn, id, None)?;
        let stored = super::articles::claims_of_version(conn, version.id)?;
        let published = published.map(|d| d.date_naive());
        let address_day = url.as_deref().and_then(date_in_url);
        let mut article_sig = signature(
            &version.body,
            &language,
            published.or(address_day),
            &extracted_claims(&stored),
            gazetteer,
        );
        let day = article_day(published, &article_sig, address_day);
        article_sig.article_days.extend(day);
        sig.merge(&article_sig);
        from = widen(from, day, true);
        to = widen(to, day, false);
    }
    Ok((sig, from, to))
}

/// The most strongly weighted place of a signature, with its first name.
fn main_place(sig: &EventSignature) -> (Option<String>, Option<String>) {
    let key = sig
        .places
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, _)| k.clone());
    let name = key
        .as_deref()
        .and_then(|k| Gazetteer::builtin().place(k))
        .and_then(|p| p.names.first().cloned());
    (key, name)
}

/// Replaces an event's signature and dates by those rebuilt from its articles.
fn rebuild_event(conn: &mut PgConnection, event_id: i64) -> QueryResult<()> {
    let ids = article_ids(conn, event_id)?;
    let (sig, from, to) = signature_of_articles(conn, &ids)?;
    diesel::update(events::table.find(event_id))
        .set((
            events::signature.eq(serde_json::to_value(&sig).unwrap_or_default()),
            events::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    // with no article giving a day, the event keeps the day it was stored
    if from.is_some() {
        diesel::update(events::table.find(event_id))
            .set((events::date_from.eq(from), events::date_to.eq(to)))
            .execute(conn)?;
    }
    Ok(())
}

/// Renames an event.
pub fn rename(
    conn: &mut PgConnection,
    user_id: Option<i64>,
    event_id: i64,
    raw_title: &str,
) -> Result<(), EditError> {
    let title = clean_title(raw_title)?;
    conn.transaction(|conn| {
        let event = lock_event(conn, event_id)?.ok_or(diesel::result::Error::NotFound)?;
        diesel::update(events::table.find(event_id))
            .set((
                events::title.eq(&title),
                // a reviewer's title is shown in both languages
                events::title_ar.eq(None::<String>),
                events::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        audit(
            conn,
            user_id,
            "rename",
            "event",
            event_id,
            json!({ "title": event.title }),
            json!({ "title": title }),
        )?;
        Ok(())
    })
}

/// Merges event `other` into `event_id`: its articles and claims move over, its signature is
/// folded in, the dates widen, it is deleted (its facts with it), and `event_id` is relinked.
pub fn merge(
    conn: &mut PgConnection,
    user_id: Option<i64>,
    event_id: i64,
    other_id: i64,
) -> Result<(), EditError> {
    if other_id == event_id {
        return Err(EditError::Invalid("events.err_merge_self"));
    }
    conn.transaction(|conn| {
        let (into, other) = lock_pair(conn, event_id, other_id)?;
        let into = into.ok_or(diesel::result::Error::NotFound)?;
        let other = other.ok_or(EditError::Invalid("events.err_no_such_event"))?;
        let into_articles = article_ids(conn, event_id)?;
        let other_articles = article_ids(conn, other_id)?;

        let mut sig: EventSignature = serde_json::from_value(into.signature).unwrap_or_default();
        let other_sig: EventSignature = serde_json::from_value(other.signature).unwrap_or_default();
        sig.merge(&other_sig);
        let date_from = widen(into.date_from, other.date_from, true);
        let date_to = widen(into.date_to, other.date_to, false);

        move_articles(conn, &other_articles, event_id)?;
        // Claims still pointing at the other event (none, normally) follow it too.
        diesel::update(claims::table.filter(claims::event_id.eq(other_id)))
            .set(claims::event_id.eq(event_id))
            .execute(conn)?;
        diesel::update(events::table.find(event_id))
            .set((
                events::signature.eq(serde_json::to_value(&sig).unwrap_or_default()),
                events::date_from.eq(date_from),
                events::date_to.eq(date_to),
                events::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        diesel::delete(events::table.find(other_id)).execute(conn)?;
        relink_event(conn, event_id)?;

        let mut all: Vec<i64> = into_articles.clone();
        all.extend(&other_articles);
        all.sort_unstable();
        audit(
            conn,
            user_id,
            "merge",
            "event",
            event_id,
            json!({
                "event": { "id": event_id, "title": into.title, "articles": into_articles,
                           "date_from": into.date_from, "date_to": into.date_to },
                "merged": { "id": other_id, "title": other.title, "articles": other_articles,
                            "date_from": other.date_from, "date_to": other.date_to },
            }),
            json!({
                "event": { "id": event_id, "title": into.title, "articles": all,
                           "date_from": date_from, "date_to": date_to },
                "deleted_event": other_id,
            }),
        )?;
        Ok(())
    })
}

/// Splits `article_ids` (some, not all, of the event's articles) off into a new event titled
/// after the first of them (lowest id). Both events' signatures and dates are rebuilt from their
/// articles' latest versions; both are relinked. Returns the new event's id.
pub fn split(
    conn: &mut PgConnection,
    user_id: Option<i64>,
    event_id: i64,
    article_ids_in: &[i64],
) -> Result<i64, EditError> {
    let chosen: BTreeSet<i64> = article_ids_in.iter().copied().collect();
    if chosen.is_empty() {
        return Err(EditError::Invalid("events.err_split_none"));
    }
    conn.transaction(|conn| {
        let event = lock_event(conn, event_id)?.ok_or(diesel::result::Error::NotFound)?;
        let before = article_ids(conn, event_id)?;
        if chosen.iter().any(|id| !before.contains(id)) {
            return Err(EditError::Invalid("events.err_split_foreign"));
        }
        if chosen.len() == before.len() {
            return Err(EditError::Invalid("events.err_split_all"));
        }
        let moving: Vec<i64> = chosen.iter().copied().collect();
        let (sig, from, to) = signature_of_articles(conn, &moving)?;
        // named after what its articles report, like an event the linker makes
        let first_title: String = articles::table
            .find(moving[0])
            .select(articles::title)
            .first(conn)?;
        let title = crate::domain::linking::title::event_title(
            &sig,
            &first_title,
            from,
            crate::db::linking::gazetteer().as_ref(),
        );
        let (place_key, place_name) = main_place(&sig);
        let new_id: i64 = diesel::insert_into(events::table)
            .values((
                events::title.eq(&title.en),
                events::title_ar.eq(Some(&title.ar)),
                events::place_key.eq(place_key),
                events::place_name.eq(place_name),
                events::date_from.eq(from),
                events::date_to.eq(to),
                events::signature.eq(serde_json::to_value(&sig).unwrap_or_default()),
            ))
            .returning(events::id)
            .get_result(conn)?;
        move_articles(conn, &moving, new_id)?;
        rebuild_event(conn, event_id)?;
        relink_event(conn, event_id)?;
        relink_event(conn, new_id)?;
        let remaining: Vec<i64> = before
            .iter()
            .copied()
            .filter(|id| !chosen.contains(id))
            .collect();
        audit(
            conn,
            user_id,
            "split",
            "event",
            event_id,
            json!({ "event": { "id": event_id, "title": event.title, "articles": before } }),
            json!({
                "event": { "id": event_id, "title": event.title, "articles": remaining },
                "new_event": { "id": new_id, "title": title.en, "articles": moving },
            }),
        )?;
        Ok(new_id)
    })
}

/// What moving an article did.
#[derive(Debug, Clone, Copy)]
pub struct Moved {
    pub from: Option<i64>,
    pub to: i64,
    /// Whether the article's former event was left without articles and deleted.
    pub deleted_from: bool,
}

/// Moves one article (and its claims) to event `to`. The target's signature takes in the article's
/// (read from its latest version) and its dates widen; the former event's signature and dates are
/// rebuilt from the articles it keeps, or it is deleted when none is left. Both are relinked.
pub fn move_article(
    conn: &mut PgConnection,
    user_id: Option<i64>,
    article_id: i64,
    to: i64,
) -> Result<Moved, EditError> {
    conn.transaction(|conn| {
        // The article row first, then the events (as ingest does), so they cannot deadlock.
        let from: Option<i64> = articles::table
            .find(article_id)
            .select(articles::event_id)
            .for_update()
            .first(conn)?;
        if from == Some(to) {
            return Err(EditError::Invalid("events.err_move_same"));
        }
        let target = match from {
            Some(from) => lock_pair(conn, to, from)?.0,
            None => lock_event(conn, to)?,
        };
        let target = target.ok_or(EditError::Invalid("events.err_no_such_event"))?;

        let (article_sig, day_from, day_to) = signature_of_articles(conn, &[article_id])?;
        let mut sig: EventSignature = serde_json::from_value(target.signature).unwrap_or_default();
        sig.merge(&article_sig);
        move_articles(conn, &[article_id], to)?;
        diesel::update(events::table.find(to))
            .set((
                events::signature.eq(serde_json::to_value(&sig).unwrap_or_default()),
                events::date_from.eq(widen(target.date_from, day_from, true)),
                events::date_to.eq(widen(target.date_to, day_to, false)),
                events::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        relink_event(conn, to)?;

        let mut deleted_from = false;
        if let Some(from) = from {
            if article_ids(conn, from)?.is_empty() {
                diesel::delete(events::table.find(from)).execute(conn)?;
                deleted_from = true;
            } else {
                rebuild_event(conn, from)?;
                relink_event(conn, from)?;
            }
        }
        audit(
            conn,
            user_id,
            "move",
            "article",
            article_id,
            json!({ "event_id": from }),
            json!({ "event_id": to, "deleted_event": if deleted_from { from } else { None } }),
        )?;
        Ok(Moved {
            from,
            to,
            deleted_from,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(clean_title("  Shelling  ").unwrap(), "Shelling");
        assert!(matches!(
            clean_title("   "),
            Err(EditError::Invalid("events.err_title_empty"))
        ));
        assert!(clean_title(&"ب".repeat(500)).is_ok());
        assert!(matches!(
            clean_title(&"ب".repeat(501)),
            Err(EditError::Invalid("events.err_title_long"))
        ));
        assert!(matches!(
            clean_title("a\0b"),
            Err(EditError::Invalid("events.err_title_nul"))
        ));
    }

    #[test]
    fn an_article_title_is_cut_at_200_characters() {
        let long = "و".repeat(250);
        let t = title_from_article(&long);
        assert_eq!(t.chars().count(), 201);
        assert!(t.ends_with('…'));
        assert_eq!(title_from_article("  "), "(untitled event)");
    }

    #[test]
    fn dates_widen() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            widen(d("2024-01-02"), d("2024-01-01"), true),
            d("2024-01-01")
        );
        assert_eq!(
            widen(d("2024-01-02"), d("2024-01-01"), false),
            d("2024-01-02")
        );
        assert_eq!(widen(None, d("2024-01-01"), true), d("2024-01-01"));
        assert_eq!(widen(None, None, false), None);
    }
}
