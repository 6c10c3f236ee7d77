//! Article queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::models::{Article, ArticleVersion, Claim};
use super::schema::{article_versions, articles, claims, outlets};

/// One row of the recent-articles list.
#[derive(Debug, Clone, Queryable)]
pub struct ArticleSummary {
    pub id: i64,
    pub title: String,
    pub language: String,
    pub outlet: Option<String>,
    pub created_at: DateTime<Utc>,
    pub versions: i64,
}

impl ArticleSummary {
    pub fn dir(&self) -> &'static str {
        if crate::domain::language::is_rtl(&self.language) {
            "rtl"
        } else {
            "ltr"
        }
    }

    pub fn added(&self) -> String {
        self.created_at.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// Most recently added articles first.
pub fn recent(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<ArticleSummary>> {
    let version_count = article_versions::table
        .filter(article_versions::article_id.eq(articles::id))
        .count()
        .single_value();
    articles::table
        .left_join(outlets::table)
        .select((
            articles::id,
            articles::title,
            articles::language,
            outlets::name.nullable(),
            articles::created_at,
            version_count.assume_not_null(),
        ))
        .order((articles::created_at.desc(), articles::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// An article with its outlet name.
pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<(Article, Option<String>)> {
    articles::table
        .left_join(outlets::table)
        .filter(articles::id.eq(id))
        .select((Article::as_select(), outlets::name.nullable()))
        .first(conn)
}

/// One version as listed: number, date, claim count and origin.
pub type ListedVersion = (i32, DateTime<Utc>, i64, String);

/// Version numbers, dates, claim counts and origins of an article, oldest first (bodies not
/// loaded).
pub fn version_list(conn: &mut PgConnection, article_id: i64) -> QueryResult<Vec<ListedVersion>> {
    let claim_count = claims::table
        .filter(claims::article_version_id.eq(article_versions::id))
        .count()
        .single_value();
    article_versions::table
        .filter(article_versions::article_id.eq(article_id))
        .order(article_versions::number)
        .select((
            article_versions::number,
            article_versions::created_at,
            claim_count.assume_not_null(),
            article_versions::origin,
        ))
        .load(conn)
}

/// Version `number` of an article, or its latest when `number` is `None`.
pub fn version(
    conn: &mut PgConnection,
    article_id: i64,
    number: Option<i32>,
) -> QueryResult<ArticleVersion> {
    let query = article_versions::table
        .filter(article_versions::article_id.eq(article_id))
        .select(ArticleVersion::as_select())
        .into_boxed();
    match number {
        Some(n) => query.filter(article_versions::number.eq(n)).first(conn),
        None => query.order(article_versions::number.desc()).first(conn),
    }
}

/// The claims of a version in position order.
pub fn claims_of_version(conn: &mut PgConnection, version_id: i64) -> QueryResult<Vec<Claim>> {
    claims::table
        .filter(claims::article_version_id.eq(version_id))
        .order(claims::position)
        .select(Claim::as_select())
        .load(conn)
}

/// Outlet names for the submission form's suggestions.
pub fn outlet_names(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    outlets::table
        .order(outlets::name)
        .select(outlets::name)
        .limit(500)
        .load(conn)
}
