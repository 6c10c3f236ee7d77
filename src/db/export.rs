//! Rows for the CSV exports (`claimdb export …` and `/export/*.csv`).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{
    article_versions, articles, claims, events, fact_members, facts, outlets, sources,
};

/// One claim in one conflict: the contract `score_conflicts.py` and newsroom tools read.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ConflictRow {
    pub conflict_id: i64,
    pub event_id: i64,
    pub event_title: String,
    pub measure: String,
    pub group: String,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: String,
    /// The attribution as written in the article.
    pub source: Option<String>,
    /// The source it resolves to (the outlet itself for figures in its own voice).
    pub canonical_source: Option<String>,
    pub outlet: Option<String>,
    pub article_url: Option<String>,
    pub article_title: String,
    pub article_id: i64,
    pub version: i32,
    pub quote: String,
    pub role: String,
    pub reason: String,
    pub status: String,
    pub claim_id: i64,
}

/// Filters shared by the conflicts page and its export.
#[derive(Debug, Clone, Default)]
pub struct ConflictFilter {
    pub status: Option<String>,
    pub measure: Option<String>,
    pub group: Option<String>,
    pub event_id: Option<i64>,
}

pub fn conflict_rows(
    conn: &mut PgConnection,
    filter: &ConflictFilter,
) -> QueryResult<Vec<ConflictRow>> {
    let mut query = fact_members::table
        .inner_join(facts::table.inner_join(events::table))
        .inner_join(claims::table.inner_join(
            article_versions::table.inner_join(articles::table.left_join(outlets::table)),
        ))
        .left_join(sources::table.on(fact_members::source_id.eq(sources::id.nullable())))
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
            claims::value,
            claims::value_max,
            claims::qualifier,
            claims::source_text,
            sources::name.nullable(),
            outlets::name.nullable(),
            articles::url,
            articles::title,
            articles::id,
            article_versions::number,
            claims::quote,
            fact_members::role,
            fact_members::reason,
            facts::status,
            claims::id,
        ))
        .order((facts::id, claims::id))
        .load(conn)
}

/// Every claim of every article's latest version.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct ClaimRow {
    pub claim_id: i64,
    pub article_id: i64,
    pub version: i32,
    pub event_id: Option<i64>,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: String,
    pub measure: String,
    pub group: String,
    pub subject: Option<String>,
    pub source: Option<String>,
    pub part_of: Option<i64>,
    pub outlet: Option<String>,
    pub article_url: Option<String>,
    pub article_title: String,
    pub language: String,
    pub quote: String,
    pub status: String,
    pub origin: String,
}

pub fn claim_rows(conn: &mut PgConnection) -> QueryResult<Vec<ClaimRow>> {
    claims::table
        .inner_join(article_versions::table.inner_join(articles::table.left_join(outlets::table)))
        .select((
            claims::id,
            articles::id,
            article_versions::number,
            claims::event_id,
            claims::value,
            claims::value_max,
            claims::qualifier,
            claims::measure,
            claims::group_key,
            claims::subject,
            claims::source_text,
            claims::part_of_id,
            outlets::name.nullable(),
            articles::url,
            articles::title,
            articles::language,
            claims::quote,
            claims::status,
            claims::origin,
        ))
        .order((articles::id, article_versions::number, claims::position))
        .load(conn)
}

#[derive(Debug, Clone, Serialize, Queryable)]
pub struct EventRow {
    pub event_id: i64,
    pub title: String,
    pub place: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub articles: i64,
    pub conflicts: i64,
    pub created_at: DateTime<Utc>,
}

pub fn event_rows(conn: &mut PgConnection) -> QueryResult<Vec<EventRow>> {
    let article_count = articles::table
        .filter(articles::event_id.eq(events::id.nullable()))
        .count()
        .single_value();
    let conflict_count = facts::table
        .filter(facts::event_id.eq(events::id))
        .filter(facts::is_conflict.eq(true))
        .count()
        .single_value();
    events::table
        .select((
            events::id,
            events::title,
            events::place_name,
            events::date_from,
            events::date_to,
            article_count.assume_not_null(),
            conflict_count.assume_not_null(),
            events::created_at,
        ))
        .order(events::id)
        .load(conn)
}

/// Serialises rows as CSV with a header line.
pub fn to_csv<T: Serialize>(rows: &[T], out: impl std::io::Write) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.serialize(row)?;
    }
    writer.flush()?;
    Ok(())
}
