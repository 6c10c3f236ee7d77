//! Exports and read queries: the CSV rows of `claimdb export …` and `/export/*.csv`, streamed
//! from the database in keyset pages of [`PAGE_ROWS`], and the same filtered queries paged by
//! offset for the JSON read API.
//!
//! One code path serves the command line and the web: [`write_csv`] writes a header, then each
//! page of rows as it is fetched, flushing the writer after every page (stdout on the command
//! line, a bounded channel to the response body on the web). Memory stays at one page however
//! many rows there are.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::dsl::{count_star, sql};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Timestamptz;
use serde::{Deserialize, Serialize, Serializer};

use super::csv_out::{CsvError, CsvOut};
use super::estimate::{best_of, preferred_value, reviewer_reason, ChosenBy};
use super::schema::{
    article_versions, articles, claims, events, fact_members, facts, outlets, sources,
};
use crate::domain::Measure;

/// Rows fetched per query when exporting.
pub const PAGE_ROWS: i64 = 1000;
/// Review statuses of a fact (`dismissed`, the former name of `unresolvable`, is accepted).
pub const FACT_STATUSES: [&str; 3] = ["open", "resolved", "unresolvable"];
/// Review statuses of a claim.
pub const CLAIM_STATUSES: [&str; 4] = ["unreviewed", "confirmed", "corrected", "rejected"];
/// Longest source filter.
pub const MAX_SOURCE_CHARS: usize = 200;
/// Shown for a figure with neither a source, an attribution nor an outlet.
pub const UNATTRIBUTED: &str = "(unattributed)";

// ---------------------------------------------------------------------------------------------
// What to export, and the filters
// ---------------------------------------------------------------------------------------------

/// The three CSV exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Claims,
    Conflicts,
    Events,
}

impl Kind {
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Claims => "claims.csv",
            Kind::Conflicts => "conflicts.csv",
            Kind::Events => "events.csv",
        }
    }

    /// The header line's columns (the contract: columns are only ever appended).
    pub fn header(self) -> &'static [&'static str] {
        match self {
            Kind::Claims => CLAIMS_HEADER,
            Kind::Conflicts => CONFLICTS_HEADER,
            Kind::Events => EVENTS_HEADER,
        }
    }

    /// Which statuses `status=` takes: a claim's for claims, a fact's for the others.
    pub fn statuses(self) -> Statuses {
        match self {
            Kind::Claims => Statuses::Claim,
            Kind::Conflicts | Kind::Events => Statuses::Fact,
        }
    }
}

pub const CONFLICTS_HEADER: &[&str] = &[
    "conflict_id",
    "event_id",
    "event_title",
    "measure",
    "group",
    "value",
    "value_max",
    "qualifier",
    "source",
    "canonical_source",
    "outlet",
    "article_url",
    "article_title",
    "article_id",
    "version",
    "quote",
    "role",
    "reason",
    "status",
    "claim_id",
    "published",
    "credibility",
    "preferred",
    "resolution_note",
    "resolved_at",
];
pub const CLAIMS_HEADER: &[&str] = &[
    "claim_id",
    "article_id",
    "version",
    "event_id",
    "value",
    "value_max",
    "qualifier",
    "measure",
    "group",
    "subject",
    "source",
    "part_of",
    "outlet",
    "article_url",
    "article_title",
    "language",
    "quote",
    "status",
    "origin",
    "event_title",
    "canonical_source",
    "published",
];
pub const EVENTS_HEADER: &[&str] = &[
    "event_id",
    "event_title",
    "place",
    "date_from",
    "date_to",
    "fact_id",
    "measure",
    "group",
    "low",
    "low_source",
    "best",
    "best_source",
    "high",
    "high_source",
    "sources",
    "is_conflict",
    "status",
    "open_conflicts",
    "articles",
    "best_chosen_by",
    "best_reason",
];

/// Which status vocabulary a filter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statuses {
    Fact,
    Claim,
}

/// Filter values as given in a query string or on the command line (blank means "any").
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilterInput {
    pub event: Option<String>,
    pub article: Option<String>,
    pub measure: Option<String>,
    pub group: Option<String>,
    pub source: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
}

/// A checked filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    pub event_id: Option<i64>,
    pub article_id: Option<i64>,
    pub measure: Option<String>,
    pub group: Option<String>,
    /// A substring of the source's name or of the attribution as written (case-insensitive).
    pub source: Option<String>,
    /// First day (UTC) of the article's published date, else its version's creation date.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    pub status: Option<String>,
}

/// A filter value that cannot be used: `key` names the message, `value` is what was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key} ({value:?})")]
pub struct FilterError {
    pub key: &'static str,
    pub value: String,
}

fn blank_to_none(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn bad<T>(key: &'static str, value: &str) -> Result<T, FilterError> {
    Err(FilterError {
        key,
        value: value.chars().take(100).collect(),
    })
}

fn positive_id(raw: &str, key: &'static str) -> Result<i64, FilterError> {
    match raw.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => bad(key, raw),
    }
}

/// `YYYY-MM-DD` with a four-digit year (chrono alone would take `-100000-01-01`, which
/// PostgreSQL cannot compare with a timestamp).
fn date(raw: &str) -> Result<NaiveDate, FilterError> {
    if raw.len() != 10 || !raw.as_bytes()[0].is_ascii_digit() {
        return bad("filters.err_date", raw);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").or_else(|_| bad("filters.err_date", raw))
}

/// A group key as the linker writes it: lower-case letters, digits and underscores.
pub fn valid_group(g: &str) -> bool {
    !g.is_empty()
        && g.len() <= 64
        && g.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks a filter: unknown statuses and measures, malformed ids, groups and dates, a range
/// that ends before it starts and an over-long source are refused.
pub fn parse_filter(input: &FilterInput, statuses: Statuses) -> Result<ExportFilter, FilterError> {
    let status = match blank_to_none(&input.status) {
        None => None,
        Some(s) => match statuses {
            Statuses::Fact if s == "dismissed" => Some("unresolvable".to_string()),
            Statuses::Fact if FACT_STATUSES.contains(&s) => Some(s.to_string()),
            Statuses::Fact => return bad("conflicts.err_status", s),
            Statuses::Claim if CLAIM_STATUSES.contains(&s) => Some(s.to_string()),
            Statuses::Claim => return bad("filters.err_claim_status", s),
        },
    };
    let measure = match blank_to_none(&input.measure) {
        None => None,
        Some(m) => match m.parse::<Measure>() {
            Ok(m) => Some(m.as_str().to_string()),
            Err(_) => return bad("conflicts.err_measure", m),
        },
    };
    let group = match blank_to_none(&input.group) {
        None => None,
        Some(g) if valid_group(g) => Some(g.to_string()),
        Some(g) => return bad("conflicts.err_group", g),
    };
    let event_id = blank_to_none(&input.event)
        .map(|e| positive_id(e, "conflicts.err_event"))
        .transpose()?;
    let article_id = blank_to_none(&input.article)
        .map(|a| positive_id(a, "filters.err_article"))
        .transpose()?;
    let source = match blank_to_none(&input.source) {
        None => None,
        Some(s) if s.chars().count() > MAX_SOURCE_CHARS || s.contains('\0') => {
            return bad("filters.err_source", s)
        }
        Some(s) => Some(s.to_string()),
    };
    let from = blank_to_none(&input.from).map(date).transpose()?;
    let to = blank_to_none(&input.to).map(date).transpose()?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return bad("filters.err_range", &format!("{f} > {t}"));
        }
    }
    Ok(ExportFilter {
        event_id,
        article_id,
        measure,
        group,
        source,
        from,
        to,
        status,
    })
}

/// `?bom=` / `--bom`: 1, true, yes or on adds a byte-order mark; blank, 0, false, no or off not.
pub fn parse_flag(raw: Option<&str>) -> Result<bool, FilterError> {
    match raw.map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "0" | "false" | "no" | "off") => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some(other) => bad("filters.err_flag", other),
    }
}

impl ExportFilter {
    /// `%substring%` for ILIKE, with the wildcard characters escaped.
    fn source_pattern(&self) -> Option<String> {
        self.source.as_ref().map(|s| {
            let mut p = String::from("%");
            for c in s.chars() {
                if matches!(c, '%' | '_' | '\\') {
                    p.push('\\');
                }
                p.push(c);
            }
            p.push('%');
            p
        })
    }

    fn start_instant(&self) -> Option<DateTime<Utc>> {
        self.from.map(|d| d.and_time(NaiveTime::MIN).and_utc())
    }

    /// The first instant after the range.
    fn until_instant(&self) -> Option<DateTime<Utc>> {
        self.to
            .and_then(|d| d.succ_opt())
            .map(|d| d.and_time(NaiveTime::MIN).and_utc())
    }

    /// Whether a fact must be chosen by its members (their sources, dates or articles).
    fn by_members(&self) -> bool {
        self.source.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.article_id.is_some()
    }
}

/// The date a claim counts at: its article's published date, else its version's creation.
fn claim_instant() -> diesel::expression::SqlLiteral<Timestamptz> {
    sql::<Timestamptz>("coalesce(articles.published_at, article_versions.created_at)")
}

/// The ids of facts with a member matching the filter's source and date range.
macro_rules! member_fact_ids {
    ($f:expr) => {{
        let f: &ExportFilter = $f;
        let mut q = fact_members::table
            .inner_join(
                claims::table.inner_join(article_versions::table.inner_join(articles::table)),
            )
            .left_join(sources::table.on(fact_members::source_id.eq(sources::id.nullable())))
            .select(fact_members::fact_id)
            .into_boxed::<Pg>();
        if let Some(p) = f.source_pattern() {
            q = q.filter(
                sources::name
                    .nullable()
                    .ilike(p.clone())
                    .or(claims::source_text.ilike(p)),
            );
        }
        if let Some(from) = f.start_instant() {
            q = q.filter(claim_instant().ge(from));
        }
        if let Some(until) = f.until_instant() {
            q = q.filter(claim_instant().lt(until));
        }
        if let Some(a) = f.article_id {
            q = q.filter(articles::id.eq(a));
        }
        q
    }};
}

/// Applies the fact-level filters to a boxed query that has `facts` in it.
macro_rules! filter_facts {
    ($q:expr, $f:expr, $conflicts_only:expr) => {{
        let f: &ExportFilter = $f;
        let mut q = $q;
        if $conflicts_only {
            q = q.filter(facts::is_conflict.eq(true));
        }
        if let Some(e) = f.event_id {
            q = q.filter(facts::event_id.eq(e));
        }
        if let Some(m) = &f.measure {
            q = q.filter(facts::measure.eq(m.clone()));
        }
        if let Some(g) = &f.group {
            q = q.filter(facts::group_key.eq(g.clone()));
        }
        if let Some(s) = &f.status {
            q = q.filter(facts::status.eq(s.clone()));
        }
        if f.by_members() {
            q = q.filter(facts::id.eq_any(member_fact_ids!(f)));
        }
        q
    }};
}

// ---------------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------------

/// Where a page starts: after a key (keyset, for exports) or at an offset (the read API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window<K> {
    After(Option<K>),
    Offset(i64),
}

/// The rows of a query, fetched lazily in pages of at most `size` rows, each page starting
/// after the key of the last row of the previous one.
pub struct Pages<R, K, F> {
    fetch: F,
    key: fn(&R) -> K,
    cursor: Option<K>,
    size: i64,
    done: bool,
}

impl<R, K, F> Pages<R, K, F>
where
    F: FnMut(Option<&K>, i64) -> QueryResult<Vec<R>>,
{
    pub fn new(size: i64, key: fn(&R) -> K, fetch: F) -> Self {
        Pages {
            fetch,
            key,
            cursor: None,
            size: size.max(1),
            done: false,
        }
    }
}

impl<R, K, F> Iterator for Pages<R, K, F>
where
    F: FnMut(Option<&K>, i64) -> QueryResult<Vec<R>>,
{
    type Item = QueryResult<Vec<R>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match (self.fetch)(self.cursor.as_ref(), self.size) {
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
            Ok(rows) => {
                debug_assert!(rows.len() as i64 <= self.size, "a page larger than asked");
                self.done = (rows.len() as i64) < self.size;
                match rows.last() {
                    None => None,
                    Some(last) => {
                        self.cursor = Some((self.key)(last));
                        Some(Ok(rows))
                    }
                }
            }
        }
    }
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Row(#[from] super::csv_out::RowError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl From<CsvError> for ExportError {
    fn from(e: CsvError) -> Self {
        match e {
            CsvError::Csv(e) => ExportError::Csv(e),
            CsvError::Row(e) => ExportError::Row(e),
        }
    }
}

/// Writes the header, then every page as it comes, flushing `out` after each page; returns the number of rows. With `bom`, a UTF-8 byte-order mark comes first (so
/// spreadsheet programs read the file as UTF-8).
pub fn write_pages<R, W, I>(
    pages: I,
    header: &[&str],
    bom: bool,
    mut out: W,
) -> Result<u64, ExportError>
where
    R: Serialize,
    W: Write,
    I: IntoIterator<Item = QueryResult<Vec<R>>>,
{
    if bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    // Every cell goes through the one writer that neutralises formula-like text.
    let mut writer = CsvOut::new(out);
    // The header goes out with the first page, so a failing first query sends nothing.
    writer.header(header)?;
    let mut rows = 0u64;
    for page in pages {
        for row in page? {
            writer.row(&row)?;
            rows += 1;
        }
        writer.flush()?;
    }
    writer.flush()?;
    Ok(rows)
}

/// Streams one export: the database is read `page_rows` at a time.
pub fn write_csv<W: Write>(
    conn: &mut PgConnection,
    kind: Kind,
    filter: &ExportFilter,
    bom: bool,
    page_rows: i64,
    out: W,
) -> Result<u64, ExportError> {
    match kind {
        Kind::Claims => write_pages(
            Pages::new(
                page_rows,
                |r: &ClaimRow| r.claim_id,
                |after, limit| claim_rows(conn, filter, Window::After(after.copied()), limit),
            ),
            kind.header(),
            bom,
            out,
        ),
        Kind::Conflicts => write_pages(
            Pages::new(
                page_rows,
                |r: &ConflictRow| (r.conflict_id, r.claim_id),
                |after, limit| conflict_rows(conn, filter, Window::After(after.copied()), limit),
            ),
            kind.header(),
            bom,
            out,
        ),
        Kind::Events => write_pages(
            Pages::new(
                page_rows,
                |r: &EventRow| (r.event_id, r.fact_id),
                |after, limit| event_rows(conn, filter, Window::After(after.copied()), limit),
            ),
            kind.header(),
            bom,
            out,
        ),
    }
}

/// Writes an `Option<DateTime>` as its UTC date.
/// The article's address as its submitter wrote it, else as stored.
fn article_address(
) -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Text>> {
    sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
        "COALESCE(articles.url_as_given, articles.url)",
    )
}

fn date_only<S: Serializer>(v: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        None => s.serialize_none(),
    }
}

// ---------------------------------------------------------------------------------------------
// Conflicts: one row per claim in a conflict
// ---------------------------------------------------------------------------------------------

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
    /// The article's published date.
    #[serde(serialize_with = "date_only")]
    pub published: Option<DateTime<Utc>>,
    /// The source's grade (confirmed, fair, weak, contested, discounted).
    pub credibility: Option<String>,
    /// Whether the reviewer preferred this figure.
    pub preferred: bool,
    pub resolution_note: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// Filters shared by the conflicts page and its export.
#[derive(Debug, Clone, Default)]
pub struct ConflictFilter {
    pub status: Option<String>,
    pub measure: Option<String>,
    pub group: Option<String>,
    pub event_id: Option<i64>,
}

impl From<ConflictFilter> for ExportFilter {
    fn from(f: ConflictFilter) -> Self {
        ExportFilter {
            status: f.status,
            measure: f.measure,
            group: f.group,
            event_id: f.event_id,
            ..Default::default()
        }
    }
}

/// Members of conflicts matching the filter, by conflict then claim. The source and date
/// filters choose whole conflicts: every member of a conflict with a matching member is listed.
pub fn conflict_rows(
    conn: &mut PgConnection,
    filter: &ExportFilter,
    window: Window<(i64, i64)>,
    limit: i64,
) -> QueryResult<Vec<ConflictRow>> {
    let query = fact_members::table
        .inner_join(facts::table.inner_join(events::table))
        .inner_join(claims::table.inner_join(
            article_versions::table.inner_join(articles::table.left_join(outlets::table)),
        ))
        .left_join(sources::table.on(fact_members::source_id.eq(sources::id.nullable())))
        .into_boxed::<Pg>();
    let mut query = filter_facts!(query, filter, true);
    match window {
        Window::After(Some((fact, claim))) => {
            query = query.filter(
                facts::id
                    .gt(fact)
                    .or(facts::id.eq(fact).and(claims::id.gt(claim))),
            )
        }
        Window::After(None) => {}
        Window::Offset(offset) => query = query.offset(offset),
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
            article_address(),
            articles::title,
            articles::id,
            article_versions::number,
            claims::quote,
            fact_members::role,
            fact_members::reason,
            facts::status,
            claims::id,
            articles::published_at,
            sources::credibility.nullable(),
            facts::preferred_claim_id.is_not_distinct_from(claims::id.nullable()),
            facts::resolution_note,
            facts::resolved_at,
        ))
        .order((facts::id, claims::id))
        .limit(limit)
        .load(conn)
}

// ---------------------------------------------------------------------------------------------
// Claims: one row per claim (of every version)
// ---------------------------------------------------------------------------------------------

/// A claim of any version of an article, with its article and event.
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
    pub event_title: Option<String>,
    pub canonical_source: Option<String>,
    #[serde(serialize_with = "date_only")]
    pub published: Option<DateTime<Utc>>,
}

macro_rules! filtered_claims {
    ($f:expr) => {{
        let f: &ExportFilter = $f;
        let mut q = claims::table
            .inner_join(
                article_versions::table.inner_join(articles::table.left_join(outlets::table)),
            )
            .left_join(events::table.on(claims::event_id.eq(events::id.nullable())))
            .left_join(sources::table.on(claims::source_id.eq(sources::id.nullable())))
            .into_boxed::<Pg>();
        if let Some(e) = f.event_id {
            q = q.filter(claims::event_id.eq(e));
        }
        if let Some(a) = f.article_id {
            q = q.filter(articles::id.eq(a));
        }
        if let Some(m) = &f.measure {
            q = q.filter(claims::measure.eq(m.clone()));
        }
        if let Some(g) = &f.group {
            q = q.filter(claims::group_key.eq(g.clone()));
        }
        if let Some(s) = &f.status {
            q = q.filter(claims::status.eq(s.clone()));
        }
        if let Some(p) = f.source_pattern() {
            q = q.filter(
                sources::name
                    .nullable()
                    .ilike(p.clone())
                    .or(claims::source_text.ilike(p)),
            );
        }
        if let Some(from) = f.start_instant() {
            q = q.filter(claim_instant().ge(from));
        }
        if let Some(until) = f.until_instant() {
            q = q.filter(claim_instant().lt(until));
        }
        q
    }};
}

/// Claims matching the filter, by id.
pub fn claim_rows(
    conn: &mut PgConnection,
    filter: &ExportFilter,
    window: Window<i64>,
    limit: i64,
) -> QueryResult<Vec<ClaimRow>> {
    let mut query = filtered_claims!(filter);
    match window {
        Window::After(Some(id)) => query = query.filter(claims::id.gt(id)),
        Window::After(None) => {}
        Window::Offset(offset) => query = query.offset(offset),
    }
    query
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
            article_address(),
            articles::title,
            articles::language,
            claims::quote,
            claims::status,
            claims::origin,
            events::title.nullable(),
            sources::name.nullable(),
            articles::published_at,
        ))
        .order(claims::id)
        .limit(limit)
        .load(conn)
}

pub fn claim_count(conn: &mut PgConnection, filter: &ExportFilter) -> QueryResult<i64> {
    filtered_claims!(filter).count().get_result(conn)
}

// ---------------------------------------------------------------------------------------------
// Facts: one per question of an event, with their members
// ---------------------------------------------------------------------------------------------

/// A fact with its event.
#[derive(Debug, Clone, Queryable)]
pub struct FactRow {
    pub id: i64,
    pub event_id: i64,
    pub event_title: String,
    pub place: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
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
    pub updated_at: DateTime<Utc>,
    /// The value of the preferred figure (`estimate::preferred_value`).
    pub preferred_value: Option<i64>,
}

impl FactRow {
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

/// Facts matching the filter, by event then fact. The source and date filters choose facts
/// with a matching member.
pub fn fact_rows(
    conn: &mut PgConnection,
    filter: &ExportFilter,
    conflicts_only: bool,
    window: Window<(i64, i64)>,
    limit: i64,
) -> QueryResult<Vec<FactRow>> {
    let query = facts::table.inner_join(events::table).into_boxed::<Pg>();
    let mut query = filter_facts!(query, filter, conflicts_only);
    match window {
        Window::After(Some((event, fact))) => {
            query = query.filter(
                facts::event_id
                    .gt(event)
                    .or(facts::event_id.eq(event).and(facts::id.gt(fact))),
            )
        }
        Window::After(None) => {}
        Window::Offset(offset) => query = query.offset(offset),
    }
    query
        .select((
            facts::id,
            events::id,
            events::title,
            events::place_name,
            events::date_from,
            events::date_to,
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
            facts::updated_at,
            preferred_value!(),
        ))
        .order((facts::event_id, facts::id))
        .limit(limit)
        .load::<FactRow>(conn)
        .map(|rows| rows.into_iter().map(FactRow::apply_verdict).collect())
}

pub fn fact_count(
    conn: &mut PgConnection,
    filter: &ExportFilter,
    conflicts_only: bool,
) -> QueryResult<i64> {
    let query = facts::table.inner_join(events::table).into_boxed::<Pg>();
    filter_facts!(query, filter, conflicts_only)
        .count()
        .get_result(conn)
}

/// One figure of a fact, with where it comes from.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct MemberRow {
    pub fact_id: i64,
    pub claim_id: i64,
    pub role: String,
    pub reason: String,
    pub is_position: bool,
    /// The canonical source's name.
    pub source_name: Option<String>,
    pub credibility: Option<String>,
    /// The attribution as written.
    pub source_text: Option<String>,
    pub outlet: Option<String>,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: String,
    pub quote: String,
    pub position: i32,
    pub article_id: i64,
    pub article_url: Option<String>,
    pub article_title: String,
    pub language: String,
    pub published_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl MemberRow {
    /// Who the figure is from: the canonical source, else the attribution, else the outlet.
    pub fn source_label(&self) -> &str {
        self.source_name
            .as_deref()
            .or(self.source_text.as_deref())
            .or(self.outlet.as_deref())
            .unwrap_or(UNATTRIBUTED)
    }
}

/// The members of the given facts, by fact, then largest figure first.
pub fn members_of(conn: &mut PgConnection, fact_ids: &[i64]) -> QueryResult<Vec<MemberRow>> {
    if fact_ids.is_empty() {
        return Ok(Vec::new());
    }
    fact_members::table
        .inner_join(claims::table.inner_join(
            article_versions::table.inner_join(articles::table.left_join(outlets::table)),
        ))
        .left_join(sources::table.on(fact_members::source_id.eq(sources::id.nullable())))
        .filter(fact_members::fact_id.eq_any(fact_ids))
        .select((
            fact_members::fact_id,
            fact_members::claim_id,
            fact_members::role,
            fact_members::reason,
            fact_members::is_position,
            sources::name.nullable(),
            sources::credibility.nullable(),
            claims::source_text,
            outlets::name.nullable(),
            claims::value,
            claims::value_max,
            claims::qualifier,
            claims::quote,
            claims::position,
            articles::id,
            article_address(),
            articles::title,
            articles::language,
            articles::published_at,
            article_versions::number,
        ))
        .order((fact_members::fact_id, claims::value.desc(), claims::id))
        .load(conn)
}

/// Open conflicts and articles per event.
fn event_counts(
    conn: &mut PgConnection,
    event_ids: &[i64],
) -> QueryResult<(HashMap<i64, i64>, HashMap<i64, i64>)> {
    let open: Vec<(i64, i64)> = facts::table
        .filter(facts::event_id.eq_any(event_ids))
        .filter(facts::is_conflict.eq(true))
        .filter(facts::status.eq("open"))
        .group_by(facts::event_id)
        .select((facts::event_id, count_star()))
        .load(conn)?;
    let articles: Vec<(Option<i64>, i64)> = articles::table
        .filter(articles::event_id.eq_any(event_ids))
        .group_by(articles::event_id)
        .select((articles::event_id, count_star()))
        .load(conn)?;
    Ok((
        open.into_iter().collect(),
        articles
            .into_iter()
            .filter_map(|(e, n)| Some((e?, n)))
            .collect(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Events: one row per fact
// ---------------------------------------------------------------------------------------------

/// One fact of an event, with each bound's source and the event's counts.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub event_id: i64,
    pub event_title: String,
    pub place: Option<String>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub fact_id: i64,
    pub measure: String,
    pub group: String,
    pub low: Option<i64>,
    pub low_source: Option<String>,
    pub best: Option<i64>,
    pub best_source: Option<String>,
    pub high: Option<i64>,
    pub high_source: Option<String>,
    /// The members' sources, each once, joined with "; ".
    pub sources: String,
    pub is_conflict: bool,
    pub status: String,
    /// Open conflicts of the event.
    pub open_conflicts: i64,
    /// Articles of the event.
    pub articles: i64,
    /// `rule`, or `reviewer` once a verdict prefers a figure (`estimate`).
    pub best_chosen_by: &'static str,
    /// The reviewer's reason for their choice.
    pub best_reason: Option<String>,
}

/// Builds event rows from facts, their members and their events' counts.
pub fn assemble_event_rows(
    facts: Vec<FactRow>,
    members: &[MemberRow],
    open: &HashMap<i64, i64>,
    articles: &HashMap<i64, i64>,
) -> Vec<EventRow> {
    facts
        .into_iter()
        .map(|f| {
            let mine: Vec<&MemberRow> = members.iter().filter(|m| m.fact_id == f.id).collect();
            let source_of = |claim: Option<i64>| {
                claim.and_then(|id| {
                    mine.iter()
                        .find(|m| m.claim_id == id)
                        .map(|m| m.source_label().to_string())
                })
            };
            let mut names: Vec<&str> = Vec::new();
            for m in &mine {
                let name = m.source_label();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let best_chosen_by = f.best_chosen_by().as_str();
            let best_reason = f.best_reason();
            EventRow {
                best_chosen_by,
                best_reason,
                event_id: f.event_id,
                event_title: f.event_title,
                place: f.place,
                date_from: f.date_from,
                date_to: f.date_to,
                fact_id: f.id,
                measure: f.measure,
                group: f.group_key,
                low: f.low,
                low_source: source_of(f.low_claim_id),
                best: f.best,
                best_source: source_of(f.best_claim_id),
                high: f.high,
                high_source: source_of(f.high_claim_id),
                sources: names.join("; "),
                is_conflict: f.is_conflict,
                status: f.status,
                open_conflicts: open.get(&f.event_id).copied().unwrap_or(0),
                articles: articles.get(&f.event_id).copied().unwrap_or(0),
            }
        })
        .collect()
}

/// Facts matching the filter as event rows (three queries a page, whatever its size).
pub fn event_rows(
    conn: &mut PgConnection,
    filter: &ExportFilter,
    window: Window<(i64, i64)>,
    limit: i64,
) -> QueryResult<Vec<EventRow>> {
    let facts = fact_rows(conn, filter, false, window, limit)?;
    let fact_ids: Vec<i64> = facts.iter().map(|f| f.id).collect();
    let mut event_ids: Vec<i64> = facts.iter().map(|f| f.event_id).collect();
    event_ids.dedup();
    let members = members_of(conn, &fact_ids)?;
    let (open, articles) = event_counts(conn, &event_ids)?;
    Ok(assemble_event_rows(facts, &members, &open, &articles))
}

/// Serialises rows as CSV with a header line (for callers that already hold the rows).
pub fn to_csv<T: Serialize>(rows: &[T], out: impl Write) -> Result<(), ExportError> {
    let mut writer = CsvOut::new(out);
    for row in rows {
        writer.row(row)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn input(pairs: &[(&str, &str)]) -> FilterInput {
        let mut f = FilterInput::default();
        for (k, v) in pairs {
            let v = Some(v.to_string());
            match *k {
                "event" => f.event = v,
                "article" => f.article = v,
                "measure" => f.measure = v,
                "group" => f.group = v,
                "source" => f.source = v,
                "from" => f.from = v,
                "to" => f.to = v,
                "status" => f.status = v,
                _ => unreachable!(),
            }
        }
        f
    }

    #[test]
    fn a_full_filter_parses_and_blanks_mean_any() {
        let f = parse_filter(
            &input(&[
                ("event", "7"),
                ("measure", "killed"),
                ("group", "civilians"),
                ("source", " Observatory "),
                ("from", "2024-03-01"),
                ("to", "2024-03-31"),
                ("status", "dismissed"),
            ]),
            Statuses::Fact,
        )
        .unwrap();
        assert_eq!(f.event_id, Some(7));
        assert_eq!(f.source.as_deref(), Some("Observatory"));
        assert_eq!(f.status.as_deref(), Some("unresolvable"));
        assert_eq!(
            f.start_instant().unwrap().to_rfc3339(),
            "2024-03-01T00:00:00+00:00"
        );
        assert_eq!(
            f.until_instant().unwrap().to_rfc3339(),
            "2024-04-01T00:00:00+00:00"
        );
        let blank = parse_filter(&input(&[("event", " "), ("to", "")]), Statuses::Fact).unwrap();
        assert_eq!(blank, ExportFilter::default());
    }

    #[test]
    fn bad_values_name_their_message() {
        let cases = [
            (input(&[("status", "closed")]), "conflicts.err_status"),
            (input(&[("measure", "eaten")]), "conflicts.err_measure"),
            (input(&[("group", "<b>")]), "conflicts.err_group"),
            (input(&[("event", "0")]), "conflicts.err_event"),
            (input(&[("article", "x")]), "filters.err_article"),
            (input(&[("from", "2024-02-30")]), "filters.err_date"),
            (input(&[("to", "yesterday")]), "filters.err_date"),
            (
                input(&[("from", "2024-03-02"), ("to", "2024-03-01")]),
                "filters.err_range",
            ),
            (input(&[("source", &"x".repeat(201))]), "filters.err_source"),
        ];
        for (i, key) in cases {
            assert_eq!(parse_filter(&i, Statuses::Fact).unwrap_err().key, key);
        }
        // Claims take a claim's statuses, facts a fact's.
        let confirmed = input(&[("status", "confirmed")]);
        assert!(parse_filter(&confirmed, Statuses::Claim).is_ok());
        assert_eq!(
            parse_filter(&confirmed, Statuses::Fact).unwrap_err().key,
            "conflicts.err_status"
        );
        assert_eq!(
            parse_filter(&input(&[("status", "open")]), Statuses::Claim)
                .unwrap_err()
                .key,
            "filters.err_claim_status"
        );
    }

    #[test]
    fn the_source_pattern_escapes_wildcards() {
        let f = ExportFilter {
            source: Some(r"50%_a\b".into()),
            ..Default::default()
        };
        assert_eq!(f.source_pattern().unwrap(), r"%50\%\_a\\b%");
    }

    #[test]
    fn flags() {
        assert!(!parse_flag(None).unwrap());
        assert!(!parse_flag(Some("0")).unwrap());
        assert!(parse_flag(Some("1")).unwrap());
        assert!(parse_flag(Some("True")).unwrap());
        assert_eq!(
            parse_flag(Some("maybe")).unwrap_err().key,
            "filters.err_flag"
        );
    }

    /// A fake table of `n` rows keyed 1..=n, recording every query's cursor and limit.
    fn fake_fetch(
        n: i64,
        calls: &RefCell<Vec<(Option<i64>, i64)>>,
    ) -> impl FnMut(Option<&i64>, i64) -> QueryResult<Vec<i64>> + '_ {
        move |after, limit| {
            calls.borrow_mut().push((after.copied(), limit));
            let start = after.copied().unwrap_or(0);
            Ok((start + 1..=n).take(limit as usize).collect())
        }
    }

    #[test]
    fn pages_are_fetched_lazily_and_never_larger_than_asked() {
        let calls = RefCell::new(Vec::new());
        let mut pages = Pages::new(1000, |r: &i64| *r, fake_fetch(2500, &calls));
        // Nothing is read before the first page is asked for, and one query per page after.
        assert!(calls.borrow().is_empty());
        assert_eq!(pages.next().unwrap().unwrap().len(), 1000);
        assert_eq!(calls.borrow().len(), 1);
        let sizes: Vec<usize> = pages.map(|p| p.unwrap().len()).collect();
        assert_eq!(sizes, vec![1000, 500]);
        // Keyset: each query starts after the last key of the previous page.
        assert_eq!(
            *calls.borrow(),
            vec![(None, 1000), (Some(1000), 1000), (Some(2000), 1000)]
        );
    }

    #[test]
    fn an_exact_multiple_ends_with_an_empty_query() {
        let calls = RefCell::new(Vec::new());
        let total: usize = Pages::new(10, |r: &i64| *r, fake_fetch(20, &calls))
            .map(|p| p.unwrap().len())
            .sum();
        assert_eq!(total, 20);
        assert_eq!(calls.borrow().len(), 3);
        let calls = RefCell::new(Vec::new());
        assert_eq!(
            Pages::new(10, |r: &i64| *r, fake_fetch(0, &calls)).count(),
            0
        );
    }

    /// Counts the bytes between flushes: the writer never holds more than a page.
    #[derive(Default)]
    struct FlushCounter {
        pending: usize,
        chunks: Vec<usize>,
        all: Vec<u8>,
    }

    impl Write for FlushCounter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.pending += buf.len();
            self.all.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            if self.pending > 0 {
                self.chunks.push(self.pending);
                self.pending = 0;
            }
            Ok(())
        }
    }

    #[test]
    fn every_page_is_written_out_before_the_next_is_fetched() {
        #[derive(Serialize)]
        struct Row {
            id: i64,
            text: &'static str,
        }
        let calls = RefCell::new(Vec::new());
        let mut fetch = fake_fetch(45, &calls);
        let pages = Pages::new(
            10,
            |r: &Row| r.id,
            move |after, limit| {
                Ok(fetch(after, limit)?
                    .into_iter()
                    .map(|id| Row {
                        id,
                        text: "a, \"quoted\"\nline",
                    })
                    .collect())
            },
        );
        let mut out = FlushCounter::default();
        let rows = write_pages(pages, &["id", "text"], true, &mut out).unwrap();
        assert_eq!(rows, 45);
        // Five pages (the first with the BOM and the header), each flushed on its own.
        assert_eq!(out.chunks.len(), 5);
        let page_bytes = out.chunks[1];
        assert!(out.chunks[1..].iter().all(|c| *c <= page_bytes));
        assert!(out.chunks[0] > page_bytes);
        assert!(out.all.starts_with("\u{feff}id,text\n".as_bytes()));
        let mut reader = csv::Reader::from_reader(&out.all[3..]);
        let texts: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[1].to_string())
            .collect();
        assert_eq!(texts.len(), 45);
        assert!(texts.iter().all(|t| t == "a, \"quoted\"\nline"));
    }

    #[test]
    fn event_rows_name_the_source_of_each_bound() {
        let now = Utc::now();
        let fact = FactRow {
            id: 3,
            event_id: 9,
            event_title: "Shelling".into(),
            place: Some("Wadi".into()),
            date_from: None,
            date_to: None,
            measure: "killed".into(),
            group_key: "civilians".into(),
            low: Some(12),
            low_claim_id: Some(1),
            best: Some(15),
            best_claim_id: Some(2),
            high: Some(17),
            high_claim_id: Some(3),
            is_conflict: true,
            status: "open".into(),
            resolution_note: None,
            resolved_at: None,
            preferred_claim_id: None,
            preferred_reason: None,
            updated_at: now,
            preferred_value: None,
        };
        let member =
            |claim_id: i64, name: Option<&str>, text: Option<&str>, value: i64| MemberRow {
                fact_id: 3,
                claim_id,
                role: "disputed".into(),
                reason: String::new(),
                is_position: true,
                source_name: name.map(String::from),
                credibility: None,
                source_text: text.map(String::from),
                outlet: Some("Levant Wire".into()),
                value,
                value_max: None,
                qualifier: "exact".into(),
                quote: "q".into(),
                position: 0,
                article_id: 1,
                article_url: None,
                article_title: "t".into(),
                language: "en".into(),
                published_at: None,
                version: 1,
            };
        let members = vec![
            member(3, Some("Syrian Civil Defence"), None, 17),
            member(2, None, Some("local medics"), 15),
            member(1, Some("SOHR"), None, 12),
            member(4, Some("SOHR"), None, 12),
        ];
        let open = HashMap::from([(9, 1)]);
        let rows = assemble_event_rows(vec![fact], &members, &open, &HashMap::new());
        let r = &rows[0];
        assert_eq!(r.low_source.as_deref(), Some("SOHR"));
        assert_eq!(r.best_source.as_deref(), Some("local medics"));
        assert_eq!(r.high_source.as_deref(), Some("Syrian Civil Defence"));
        assert_eq!(r.sources, "Syrian Civil Defence; local medics; SOHR");
        assert_eq!((r.open_conflicts, r.articles), (1, 0));
    }

    #[test]
    fn the_headers_match_the_rows() {
        fn header_of<T: Serialize>(row: &T) -> String {
            let mut out = Vec::new();
            to_csv(std::slice::from_ref(row), &mut out).unwrap();
            String::from_utf8(out)
                .unwrap()
                .lines()
                .next()
                .unwrap()
                .to_string()
        }
        let conflict = ConflictRow {
            conflict_id: 1,
            event_id: 2,
            event_title: "t".into(),
            measure: "killed".into(),
            group: "civilians".into(),
            value: 3,
            value_max: None,
            qualifier: "exact".into(),
            source: None,
            canonical_source: None,
            outlet: None,
            article_url: None,
            article_title: "a".into(),
            article_id: 4,
            version: 1,
            quote: "q".into(),
            role: "disputed".into(),
            reason: String::new(),
            status: "open".into(),
            claim_id: 5,
            published: None,
            credibility: None,
            preferred: false,
            resolution_note: None,
            resolved_at: None,
        };
        assert_eq!(header_of(&conflict), CONFLICTS_HEADER.join(","));
        let claim = ClaimRow {
            claim_id: 1,
            article_id: 2,
            version: 1,
            event_id: None,
            value: 3,
            value_max: None,
            qualifier: "exact".into(),
            measure: "killed".into(),
            group: "civilians".into(),
            subject: None,
            source: None,
            part_of: None,
            outlet: None,
            article_url: None,
            article_title: "a".into(),
            language: "en".into(),
            quote: "q".into(),
            status: "unreviewed".into(),
            origin: "extracted".into(),
            event_title: None,
            canonical_source: None,
            published: Some(Utc::now()),
        };
        assert_eq!(header_of(&claim), CLAIMS_HEADER.join(","));
        let event = EventRow {
            event_id: 1,
            event_title: "t".into(),
            place: None,
            date_from: None,
            date_to: None,
            fact_id: 2,
            measure: "killed".into(),
            group: "civilians".into(),
            low: None,
            low_source: None,
            best: None,
            best_source: None,
            high: None,
            high_source: None,
            sources: String::new(),
            is_conflict: false,
            status: "open".into(),
            open_conflicts: 0,
            articles: 1,
            best_chosen_by: "rule",
            best_reason: None,
        };
        assert_eq!(header_of(&event), EVENTS_HEADER.join(","));
        // The conflict columns `score_conflicts.py` reads keep their places.
        assert_eq!(
            &CONFLICTS_HEADER[..6],
            &[
                "conflict_id",
                "event_id",
                "event_title",
                "measure",
                "group",
                "value"
            ]
        );
    }
}
