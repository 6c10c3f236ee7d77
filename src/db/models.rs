//! Rows as stored, and rows to insert.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{article_versions, articles, claims};
use crate::domain::{ExtractedClaim, Measure, Qualifier};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = articles)]
pub struct Article {
    pub id: i64,
    pub url: Option<String>,
    pub outlet_id: Option<i64>,
    pub language: String,
    pub title: String,
    pub published_at: Option<DateTime<Utc>>,
    pub event_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The address as its submitter wrote it (see `Submission::url_as_given`).
    pub url_as_given: Option<String>,
}

impl Article {
    /// The address to show: as written, else as stored.
    pub fn shown_url(&self) -> Option<&str> {
        self.url_as_given.as_deref().or(self.url.as_deref())
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = article_versions)]
pub struct ArticleVersion {
    pub id: i64,
    pub article_id: i64,
    pub number: i32,
    pub body: String,
    pub content_hash: String,
    pub created_at: DateTime<Utc>,
    pub submitted_by: Option<i64>,
    /// Where the text came from (`domain::origin::VersionOrigin`).
    pub origin: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = claims)]
pub struct Claim {
    pub id: i64,
    pub article_version_id: i64,
    pub event_id: Option<i64>,
    pub position: i32,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: String,
    pub measure: String,
    pub group_key: String,
    pub subject: Option<String>,
    pub source_text: Option<String>,
    pub source_id: Option<i64>,
    pub span_start: i32,
    pub span_end: i32,
    pub quote: String,
    pub part_of_id: Option<i64>,
    pub status: String,
    pub origin: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub scope: Option<String>,
    pub stage: Option<String>,
}

impl Claim {
    /// Back to the domain's value type (`part_of` as a position within the same version).
    pub fn to_extracted(&self, position_of: impl Fn(i64) -> Option<usize>) -> ExtractedClaim {
        ExtractedClaim {
            value: self.value,
            value_max: self.value_max,
            qualifier: self.qualifier.parse().unwrap_or(Qualifier::Exact),
            measure: self.measure.parse().unwrap_or(Measure::Count),
            group: self.group_key.clone(),
            subject: self.subject.clone(),
            source: self.source_text.clone(),
            part_of: self.part_of_id.and_then(position_of),
            start: self.span_start.max(0) as usize,
            end: self.span_end.max(0) as usize,
            scope: self.scope.clone(),
            stage: self.stage.as_deref().and_then(|s| s.parse().ok()),
        }
    }
}

/// Claims of one version, as domain values in position order.
pub fn extracted_claims(rows: &[Claim]) -> Vec<ExtractedClaim> {
    rows.iter()
        .map(|c| c.to_extracted(|id| rows.iter().position(|other| other.id == id)))
        .collect()
}

#[derive(Debug, Insertable)]
#[diesel(table_name = claims)]
pub struct NewClaim<'a> {
    pub article_version_id: i64,
    pub event_id: Option<i64>,
    pub position: i32,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: &'a str,
    pub measure: &'a str,
    pub group_key: &'a str,
    pub subject: Option<&'a str>,
    pub source_text: Option<&'a str>,
    pub span_start: i32,
    pub span_end: i32,
    pub quote: &'a str,
    pub origin: &'a str,
    pub scope: Option<&'a str>,
    pub stage: Option<&'a str>,
}
