//! What the pages read about watched addresses: the list of watches and one article's watch.
//!
//! The scheduler's own queries (claiming due watches, recording fetches) live in `db::watch`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{article_versions, articles, fetches, outlets, watches};

/// Which watches the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WatchFilter {
    #[default]
    All,
    /// The last fetch failed (and the watch is still retried, or gave up).
    Failing,
    /// No longer re-fetched: past the schedule's end, or unwatched by a reviewer.
    Stopped,
}

/// The list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WatchOrder {
    /// The article whose text changed most recently first (never-changed ones last).
    #[default]
    LastChange,
    /// The watch fetched soonest first.
    NextCheck,
}

/// One row of the watched-articles page.
#[derive(Debug, Clone, Queryable)]
pub struct WatchSummary {
    pub id: i64,
    pub url: String,
    pub article_id: Option<i64>,
    pub title: Option<String>,
    pub language: Option<String>,
    /// What the submitter said, else the article's outlet.
    pub outlet: Option<String>,
    pub active: bool,
    pub next_check_at: DateTime<Utc>,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_changed_at: Option<DateTime<Utc>>,
    pub failures: i32,
    pub last_error: Option<String>,
    pub versions: i64,
}

/// Watches matching `filter` in `order`, with their article's title, outlet and version count.
pub fn list(
    conn: &mut PgConnection,
    filter: WatchFilter,
    order: WatchOrder,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<WatchSummary>> {
    let version_count = article_versions::table
        .filter(
            article_versions::article_id
                .nullable()
                .eq(watches::article_id),
        )
        .count()
        .single_value();
    let mut query = watches::table
        .left_join(articles::table.left_join(outlets::table))
        .into_boxed();
    query = match filter {
        WatchFilter::All => query,
        WatchFilter::Failing => query.filter(watches::failures.gt(0)),
        WatchFilter::Stopped => query.filter(watches::active.eq(false)),
    };
    query = match order {
        WatchOrder::LastChange => query.order((
            watches::last_changed_at.desc().nulls_last(),
            watches::id.desc(),
        )),
        WatchOrder::NextCheck => query.order((
            watches::active.desc(),
            watches::next_check_at.asc(),
            watches::id.asc(),
        )),
    };
    query
        .select((
            watches::id,
            watches::url,
            watches::article_id,
            articles::title.nullable(),
            articles::language.nullable(),
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
                "COALESCE(watches.outlet, outlets.name)",
            ),
            watches::active,
            watches::next_check_at,
            watches::last_checked_at,
            watches::last_changed_at,
            watches::failures,
            watches::last_error,
            version_count.assume_not_null(),
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// One fetch of a watched address, for the watch's history.
#[derive(Debug, Clone, Queryable)]
pub struct FetchSummary {
    pub watch_id: Option<i64>,
    pub fetched_at: DateTime<Utc>,
    pub http_status: Option<i32>,
    pub outcome: String,
    pub error: Option<String>,
    pub final_url: Option<String>,
    /// The version number the fetch produced, if any.
    pub version: Option<i32>,
}

/// The latest `per_watch` fetches of each of `watch_ids`, newest first, in one statement.
pub fn recent_fetches(
    conn: &mut PgConnection,
    watch_ids: &[i64],
    per_watch: i64,
) -> QueryResult<Vec<FetchSummary>> {
    if watch_ids.is_empty() {
        return Ok(Vec::new());
    }
    // A window over `fetches_watch (watch_id, fetched_at DESC)`: the newest few per watch.
    let ranked = diesel::dsl::sql::<diesel::sql_types::Bool>(
        "fetches.id IN (SELECT id FROM (SELECT f.id, row_number() OVER \
         (PARTITION BY f.watch_id ORDER BY f.fetched_at DESC, f.id DESC) AS n \
         FROM fetches f WHERE f.watch_id = ANY(",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(watch_ids.to_vec())
    .sql(")) r WHERE r.n <= ")
    .bind::<diesel::sql_types::BigInt, _>(per_watch)
    .sql(")");
    fetches::table
        .left_join(article_versions::table)
        .filter(ranked)
        .select((
            fetches::watch_id,
            fetches::fetched_at,
            fetches::http_status,
            fetches::outcome,
            fetches::error,
            fetches::final_url,
            article_versions::number.nullable(),
        ))
        .order((fetches::fetched_at.desc(), fetches::id.desc()))
        .load(conn)
}

/// How many watches there are: all, failing, stopped (for the filter links).
#[derive(Debug, Clone, Copy, Default, QueryableByName)]
pub struct WatchCounts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub all: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub failing: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub stopped: i64,
}

pub fn counts(conn: &mut PgConnection) -> QueryResult<WatchCounts> {
    diesel::sql_query(
        "SELECT count(*) AS \"all\", \
                count(*) FILTER (WHERE failures > 0) AS failing, \
                count(*) FILTER (WHERE NOT active) AS stopped \
         FROM watches",
    )
    .get_result(conn)
}
