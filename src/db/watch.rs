//! Watched addresses and their fetches: the queue the watcher takes due watches from, and what
//! each fetch left behind.
//!
//! The queue lives in PostgreSQL so that several workers or servers share it and it survives
//! restarts: a worker *leases* due watches (`FOR UPDATE SKIP LOCKED`, then `next_check_at`
//! pushed past the lease, committed at once), so no two workers fetch one article at the same
//! time, and a crashed worker's watches come due again when its lease runs out.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::schema::{fetches, watches};

#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = watches)]
pub struct Watch {
    pub id: i64,
    pub url: String,
    pub article_id: Option<i64>,
    pub outlet: Option<String>,
    pub published: Option<NaiveDate>,
    pub active: bool,
    pub step: i32,
    pub next_check_at: DateTime<Utc>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_changed_at: Option<DateTime<Utc>>,
    pub failures: i32,
    pub last_error: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// What a fetch came to (the `fetches.outcome` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchOutcome {
    /// The page's text became the article's first version.
    NewArticle,
    /// The page's text differs from every stored version: a new version.
    NewVersion,
    /// The text is one already stored.
    Unchanged,
    /// The site answered 304 to the conditional request.
    NotModified,
    /// No text: the fetch or the reading failed (`error` says why).
    Failed,
}

impl FetchOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            FetchOutcome::NewArticle => "new_article",
            FetchOutcome::NewVersion => "new_version",
            FetchOutcome::Unchanged => "unchanged",
            FetchOutcome::NotModified => "not_modified",
            FetchOutcome::Failed => "failed",
        }
    }

    /// Whether the article's text changed (which restarts the schedule).
    pub fn changed(self) -> bool {
        matches!(self, FetchOutcome::NewArticle | FetchOutcome::NewVersion)
    }
}

/// One fetch, as recorded.
#[derive(Debug, Clone, Default)]
pub struct FetchRecord {
    pub final_url: Option<String>,
    pub http_status: Option<i32>,
    pub error: Option<String>,
    pub content_type: Option<String>,
    /// The body as received, gzipped: the evidence beside the version it produced.
    pub html_gzip: Option<Vec<u8>>,
    /// The article the text was stored in (set for every outcome but `Failed` and, before the
    /// watch has an article, `NotModified`).
    pub article_id: Option<i64>,
    /// The version created, or for `Unchanged` the stored version the text is identical to.
    pub article_version_id: Option<i64>,
    /// The page's validators, kept for the next conditional request (only from a page read).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Where the watch stands after a fetch (computed by `watch::schedule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextCheck {
    pub active: bool,
    pub step: i32,
    pub next_check_at: DateTime<Utc>,
}

/// Watches `article_id` at `url` (its address): a new watch, or the existing one turned back on
/// and made due now. Re-watching a stopped watch restarts its age, so it runs its schedule again.
pub fn watch_article(
    conn: &mut PgConnection,
    article_id: i64,
    url: &str,
    user: Option<i64>,
) -> QueryResult<Watch> {
    diesel::sql_query(
        "INSERT INTO watches (url, article_id, created_by) VALUES ($1, $2, $3) \
         ON CONFLICT (url) DO UPDATE SET \
           article_id = COALESCE(watches.article_id, EXCLUDED.article_id), \
           created_at = CASE WHEN watches.active THEN watches.created_at ELSE now() END, \
           active = TRUE, step = 0, next_check_at = now() \
         RETURNING *",
    )
    .bind::<diesel::sql_types::Text, _>(url)
    .bind::<diesel::sql_types::BigInt, _>(article_id)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>, _>(user)
    .get_result::<Watch>(conn)
}

/// The watch of an address submitted for fetching, made (or kept) active and leased to the
/// submitter for `lease` so that no worker fetches it meanwhile; created without an article,
/// which it gets once a fetch yields text. What the submitter said (outlet, date) is kept for
/// later fetches; a new value replaces an old one.
pub fn watch_address(
    conn: &mut PgConnection,
    url: &str,
    outlet: Option<&str>,
    published: Option<NaiveDate>,
    user: Option<i64>,
    lease: chrono::Duration,
) -> QueryResult<Watch> {
    use diesel::sql_types::{BigInt, Date, Interval, Nullable, Text};
    diesel::sql_query(
        "INSERT INTO watches (url, outlet, published, created_by, next_check_at) \
         VALUES ($1, $2, $3, $4, now() + $5) \
         ON CONFLICT (url) DO UPDATE SET \
           outlet = COALESCE(EXCLUDED.outlet, watches.outlet), \
           published = COALESCE(EXCLUDED.published, watches.published), \
           created_at = CASE WHEN watches.active THEN watches.created_at ELSE now() END, \
           active = TRUE, next_check_at = now() + $5 \
         RETURNING *",
    )
    .bind::<Text, _>(url)
    .bind::<Nullable<Text>, _>(outlet)
    .bind::<Nullable<Date>, _>(published)
    .bind::<Nullable<BigInt>, _>(user)
    .bind::<Interval, _>(pg_interval(lease))
    .get_result::<Watch>(conn)
}

/// Stops watching the article; its fetches stay. Returns whether a watch was active.
pub fn unwatch(conn: &mut PgConnection, article_id: i64) -> QueryResult<bool> {
    let changed = diesel::update(
        watches::table
            .filter(watches::article_id.eq(article_id))
            .filter(watches::active.eq(true)),
    )
    .set(watches::active.eq(false))
    .execute(conn)?;
    Ok(changed > 0)
}

pub fn find_by_article(conn: &mut PgConnection, article_id: i64) -> QueryResult<Option<Watch>> {
    watches::table
        .filter(watches::article_id.eq(article_id))
        .select(Watch::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_url(conn: &mut PgConnection, url: &str) -> QueryResult<Option<Watch>> {
    watches::table
        .filter(watches::url.eq(url))
        .select(Watch::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Watch> {
    watches::table
        .find(id)
        .select(Watch::as_select())
        .first(conn)
}

/// Takes up to `limit` due watches, oldest due first, and leases them for `lease`: the rows are
/// locked (`SKIP LOCKED`: watches another worker is taking right now are passed over) and their
/// `next_check_at` pushed past the lease in the same committed transaction. The watch returned
/// still carries the `next_check_at` it was due at.
pub fn lease_due(
    conn: &mut PgConnection,
    limit: i64,
    lease: chrono::Duration,
) -> QueryResult<Vec<Watch>> {
    conn.transaction(|conn| {
        let due: Vec<Watch> = watches::table
            .filter(watches::active.eq(true))
            .filter(watches::next_check_at.le(diesel::dsl::now))
            .order((watches::next_check_at, watches::id))
            .limit(limit)
            .select(Watch::as_select())
            .for_update()
            .skip_locked()
            .load(conn)?;
        if !due.is_empty() {
            let ids: Vec<i64> = due.iter().map(|w| w.id).collect();
            diesel::update(watches::table.filter(watches::id.eq_any(&ids)))
                .set(watches::next_check_at.eq(Utc::now() + lease))
                .execute(conn)?;
        }
        Ok(due)
    })
}

/// When the earliest active watch is due (`None`: nothing is watched).
pub fn next_due(conn: &mut PgConnection) -> QueryResult<Option<DateTime<Utc>>> {
    watches::table
        .filter(watches::active.eq(true))
        .select(diesel::dsl::min(watches::next_check_at))
        .first(conn)
}

/// Records one fetch of `watch` and moves the watch on: last checked now, validators, failures
/// and the last error, the schedule (`next`), the article once a fetch created it. One
/// transaction. Returns the fetch's id.
pub fn record_fetch(
    conn: &mut PgConnection,
    watch: &Watch,
    outcome: FetchOutcome,
    record: &FetchRecord,
    next: NextCheck,
) -> QueryResult<i64> {
    conn.transaction(|conn| {
        let now = Utc::now();
        let fetch_id = diesel::insert_into(fetches::table)
            .values((
                fetches::watch_id.eq(watch.id),
                fetches::article_id.eq(record.article_id.or(watch.article_id)),
                fetches::article_version_id.eq(record.article_version_id),
                fetches::url.eq(&watch.url),
                fetches::final_url.eq(&record.final_url),
                fetches::fetched_at.eq(now),
                fetches::http_status.eq(record.http_status),
                fetches::outcome.eq(outcome.as_str()),
                fetches::error.eq(&record.error),
                fetches::content_type.eq(&record.content_type),
                fetches::html_gzip.eq(&record.html_gzip),
            ))
            .returning(fetches::id)
            .get_result::<i64>(conn)?;
        let failed = outcome == FetchOutcome::Failed;
        let page_read = !failed && outcome != FetchOutcome::NotModified;
        let change = WatchChange {
            last_checked_at: now,
            active: next.active,
            step: next.step,
            next_check_at: next.next_check_at,
            failures: if failed { watch.failures + 1 } else { 0 },
            // A failure keeps its reason; a successful fetch clears it.
            last_error: Some(if failed { record.error.clone() } else { None }),
            // A page read brings fresh validators; a failure or a 304 keeps the old ones.
            etag: page_read.then(|| record.etag.clone()),
            last_modified: page_read.then(|| record.last_modified.clone()),
            last_changed_at: outcome.changed().then_some(now),
            article_id: record.article_id.filter(|_| watch.article_id.is_none()),
        };
        diesel::update(watches::table.find(watch.id))
            .set(&change)
            .execute(conn)?;
        Ok(fetch_id)
    })
}

/// One fetch as listed (without its HTML).
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct FetchSummary {
    pub id: i64,
    pub fetched_at: DateTime<Utc>,
    pub outcome: String,
    pub http_status: Option<i32>,
    pub error: Option<String>,
    pub article_version_id: Option<i64>,
}

/// The fetches of a watch, newest first.
pub fn fetches_of(conn: &mut PgConnection, watch_id: i64) -> QueryResult<Vec<FetchSummary>> {
    fetches::table
        .filter(fetches::watch_id.eq(watch_id))
        .order(fetches::id.desc())
        .select((
            fetches::id,
            fetches::fetched_at,
            fetches::outcome,
            fetches::http_status,
            fetches::error,
            fetches::article_version_id,
        ))
        .load(conn)
}

/// The raw HTML kept with a version (gzipped), when it was fetched.
pub fn html_of_version(conn: &mut PgConnection, version_id: i64) -> QueryResult<Option<Vec<u8>>> {
    fetches::table
        .filter(fetches::article_version_id.eq(version_id))
        .filter(fetches::html_gzip.is_not_null())
        .order(fetches::id)
        .select(fetches::html_gzip)
        .first::<Option<Vec<u8>>>(conn)
        .optional()
        .map(Option::flatten)
}

/// The columns a fetch moves; `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = watches)]
struct WatchChange {
    last_checked_at: DateTime<Utc>,
    active: bool,
    step: i32,
    next_check_at: DateTime<Utc>,
    failures: i32,
    last_error: Option<Option<String>>,
    etag: Option<Option<String>>,
    last_modified: Option<Option<String>>,
    last_changed_at: Option<DateTime<Utc>>,
    article_id: Option<i64>,
}

fn pg_interval(d: chrono::Duration) -> diesel::pg::data_types::PgInterval {
    diesel::pg::data_types::PgInterval::from_microseconds(d.num_microseconds().unwrap_or(i64::MAX))
}
