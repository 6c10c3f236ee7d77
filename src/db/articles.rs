//! Article queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{article_versions, articles, outlets};

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
        if self.language == "ar" || self.language == "fa" || self.language == "ur" {
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
