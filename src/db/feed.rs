//! What the feed of changes reads: recent versions whose figures changed, with the claims of
//! each and of the version before it, and the members of recent conflicts.
//!
//! A fixed number of statements whatever the number of entries: the claims of all listed
//! versions come in one statement, the members of all listed conflicts in another.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int4, Int8, Text, Timestamptz};

use super::models::Claim;
use super::schema::{article_versions, articles, claims, fact_members, outlets};

/// A version (number 2 or later) whose claims differ from its predecessor's.
#[derive(Debug, Clone, QueryableByName)]
pub struct ChangedVersion {
    #[diesel(sql_type = Int8)]
    pub version_id: i64,
    #[diesel(sql_type = Int8)]
    pub previous_id: i64,
    #[diesel(sql_type = Int8)]
    pub article_id: i64,
    #[diesel(sql_type = Int4)]
    pub number: i32,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub language: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Where the version's text came from (`domain::origin::VersionOrigin`).
    #[diesel(sql_type = Text)]
    pub origin: String,
}

/// The newest versions whose figures differ from the version before, at most `limit`, among
/// the `window` newest later versions (so a run of text-only edits cannot make the feed scan
/// the whole archive).
///
/// "Differ" compares each version's claims as a sorted list of (measure, group, source, figure);
/// the caller still diffs the claims, which is what the entry shows.
pub fn changed_versions(
    conn: &mut PgConnection,
    window: i64,
    limit: i64,
) -> QueryResult<Vec<ChangedVersion>> {
    // The figures of a version, as one comparable string.
    fn figures(version: &str) -> String {
        format!(
            "(SELECT string_agg(f, ';' ORDER BY f) FROM (SELECT concat_ws('|', c.measure, \
             c.group_key, lower(coalesce(c.source_text, '')), c.value, c.value_max, c.qualifier) \
             AS f FROM claims c WHERE c.article_version_id = {version}) figures)"
        )
    }
    diesel::sql_query(format!(
        "WITH recent AS ( \
             SELECT id, article_id, number, created_at, origin FROM article_versions \
             WHERE number >= 2 ORDER BY id DESC LIMIT $1) \
         SELECT r.id AS version_id, p.id AS previous_id, r.article_id, r.number, \
                a.title, a.language, r.created_at, r.origin \
         FROM recent r \
         JOIN article_versions p ON p.article_id = r.article_id AND p.number = r.number - 1 \
         JOIN articles a ON a.id = r.article_id \
         WHERE {} IS DISTINCT FROM {} \
         ORDER BY r.created_at DESC, r.id DESC \
         LIMIT $2",
        figures("r.id"),
        figures("p.id"),
    ))
    .bind::<BigInt, _>(window)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// The claims of several versions at once, by version then position.
pub fn claims_of_versions(conn: &mut PgConnection, version_ids: &[i64]) -> QueryResult<Vec<Claim>> {
    if version_ids.is_empty() {
        return Ok(Vec::new());
    }
    claims::table
        .filter(claims::article_version_id.eq_any(version_ids))
        .order((claims::article_version_id, claims::position))
        .select(Claim::as_select())
        .load(conn)
}

/// One member of a conflict, with the outlet of the article that reported it.
#[derive(Debug, Clone, Queryable)]
pub struct ConflictMember {
    pub fact_id: i64,
    pub role: String,
    pub claim: Claim,
    pub outlet: Option<String>,
}

/// The members of several facts at once, smallest figure first within a fact.
pub fn members_of_facts(
    conn: &mut PgConnection,
    fact_ids: &[i64],
) -> QueryResult<Vec<ConflictMember>> {
    if fact_ids.is_empty() {
        return Ok(Vec::new());
    }
    fact_members::table
        .inner_join(claims::table.inner_join(
            article_versions::table.inner_join(articles::table.left_join(outlets::table)),
        ))
        .filter(fact_members::fact_id.eq_any(fact_ids))
        .order((
            fact_members::fact_id,
            claims::value,
            claims::value_max,
            claims::id,
        ))
        .select((
            fact_members::fact_id,
            fact_members::role,
            Claim::as_select(),
            outlets::name.nullable(),
        ))
        .load(conn)
}
