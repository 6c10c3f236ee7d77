//! Pending submissions (issue 17, point 5): anonymous text for an article already stored, kept
//! apart until a reviewer accepts it as a version or rejects it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::ingest::{self, IngestOutcome, Prepared, Provenance};
use super::schema::{articles, pending_versions};
use crate::domain::origin::VersionOrigin;
use crate::domain::submission::Submission;

/// One pending submission with its article's title and url.
#[derive(Debug, Clone, Queryable)]
pub struct PendingVersion {
    pub id: i64,
    pub article_id: i64,
    pub body: String,
    pub title: String,
    pub language: String,
    pub outlet: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub article_title: String,
    pub article_url: Option<String>,
}

impl PendingVersion {
    /// The text as a submission for the article's url, to be prepared and ingested.
    pub fn submission(&self) -> Submission {
        Submission {
            text: self.body.clone(),
            title: self.title.clone(),
            url: self.article_url.clone(),
            // the article is stored already, with the address as first given
            url_as_given: None,
            outlet: self.outlet.clone(),
            published: self.published_at,
            lang: self.language.clone(),
        }
    }
}

type Columns = (
    pending_versions::id,
    pending_versions::article_id,
    pending_versions::body,
    pending_versions::title,
    pending_versions::language,
    pending_versions::outlet,
    pending_versions::published_at,
    pending_versions::created_at,
    pending_versions::status,
    articles::title,
    articles::url,
);

const COLUMNS: Columns = (
    pending_versions::id,
    pending_versions::article_id,
    pending_versions::body,
    pending_versions::title,
    pending_versions::language,
    pending_versions::outlet,
    pending_versions::published_at,
    pending_versions::created_at,
    pending_versions::status,
    articles::title,
    articles::url,
);

/// The submissions waiting for a reviewer, oldest first.
pub fn open(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<PendingVersion>> {
    pending_versions::table
        .inner_join(articles::table)
        .filter(pending_versions::status.eq("pending"))
        .order((pending_versions::created_at, pending_versions::id))
        .select(COLUMNS)
        .limit(limit)
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<PendingVersion> {
    pending_versions::table
        .inner_join(articles::table)
        .filter(pending_versions::id.eq(id))
        .select(COLUMNS)
        .first(conn)
}

/// What came of a review.
#[derive(Debug)]
pub enum Reviewed {
    /// The text is now a version of its article (or already was one).
    Accepted(IngestOutcome),
    Rejected,
    /// Someone reviewed it first.
    NotPending,
}

/// Locks the submission and returns whether it still waits.
fn lock_pending(conn: &mut PgConnection, id: i64) -> QueryResult<bool> {
    let status: String = pending_versions::table
        .find(id)
        .select(pending_versions::status)
        .for_update()
        .first(conn)?;
    Ok(status == "pending")
}

fn mark(
    conn: &mut PgConnection,
    id: i64,
    status: &str,
    reviewer: i64,
    version_id: Option<i64>,
) -> QueryResult<()> {
    diesel::update(pending_versions::table.find(id))
        .set((
            pending_versions::status.eq(status),
            pending_versions::reviewed_by.eq(Some(reviewer)),
            pending_versions::reviewed_at.eq(diesel::dsl::now),
            pending_versions::version_id.eq(version_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Accepts the submission `id` (prepared from [`PendingVersion::submission`]): its text becomes
/// a version of the article, marked as submitted anonymously, in the same transaction as the
/// review and its audit entry.
pub fn accept(
    conn: &mut PgConnection,
    id: i64,
    prepared: &Prepared,
    reviewer: i64,
) -> QueryResult<Reviewed> {
    conn.transaction(|conn| {
        if !lock_pending(conn, id)? {
            return Ok(Reviewed::NotPending);
        }
        let provenance = Provenance {
            accepted: true,
            ..Provenance::new(VersionOrigin::Anonymous, None)
        };
        let outcome =
            ingest::ingest_batch(conn, std::slice::from_ref(prepared), &provenance)?.remove(0);
        mark(conn, id, "accepted", reviewer, Some(outcome.version_id))?;
        super::audit::record(
            conn,
            Some(reviewer),
            "accept_submission",
            "article",
            Some(outcome.article_id),
            None,
            Some(serde_json::json!({
                "pending_id": id,
                "version": outcome.version,
                "origin": VersionOrigin::Anonymous.as_str(),
            })),
        )?;
        Ok(Reviewed::Accepted(outcome))
    })
}

/// Rejects the submission `id`: nothing of it is ever shown.
pub fn reject(conn: &mut PgConnection, id: i64, reviewer: i64) -> QueryResult<Reviewed> {
    conn.transaction(|conn| {
        if !lock_pending(conn, id)? {
            return Ok(Reviewed::NotPending);
        }
        mark(conn, id, "rejected", reviewer, None)?;
        let article_id: i64 = pending_versions::table
            .find(id)
            .select(pending_versions::article_id)
            .first(conn)?;
        super::audit::record(
            conn,
            Some(reviewer),
            "reject_submission",
            "article",
            Some(article_id),
            None,
            Some(serde_json::json!({ "pending_id": id })),
        )?;
        Ok(Reviewed::Rejected)
    })
}
