//! Full-text search over article versions (see the `add_search` migration).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use super::schema::article_versions;
use crate::domain::search_text::index_document;

/// One article found, at its latest matching version.
#[derive(Debug, Clone, QueryableByName)]
pub struct SearchHit {
    #[diesel(sql_type = BigInt)]
    pub article_id: i64,
    #[diesel(sql_type = Integer)]
    pub version: i32,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub language: String,
    #[diesel(sql_type = Text)]
    pub body: String,
}

/// Articles whose text matches every term, best first; `terms` are already folded.
pub fn search(
    conn: &mut PgConnection,
    terms: &[String],
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<SearchHit>> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    // Each term is a prefix match; all must occur. Terms are plain words (fold() left only
    // letters and digits), so they are safe inside a tsquery once quoted.
    let tsquery = terms
        .iter()
        .map(|t| format!("'{}':*", t.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(" & ");
    diesel::sql_query(
        "SELECT article_id, version, title, language, body FROM ( \
             SELECT DISTINCT ON (v.article_id) v.article_id, v.number AS version, a.title, \
                    a.language, v.body, \
                    ts_rank(to_tsvector('english'::regconfig, v.search_document), q) AS rank \
             FROM article_versions v \
             JOIN articles a ON a.id = v.article_id, \
                  to_tsquery('english'::regconfig, $1) q \
             WHERE to_tsvector('english'::regconfig, v.search_document) @@ q \
             ORDER BY v.article_id, v.number DESC \
         ) found ORDER BY rank DESC, article_id DESC LIMIT $2 OFFSET $3",
    )
    .bind::<Text, _>(tsquery)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
}

/// The stored search document of a body; never empty, so a body without words is not
/// mistaken for one still to be indexed.
pub fn search_document(body: &str) -> String {
    let doc = index_document(body);
    if doc.is_empty() {
        " ".to_string()
    } else {
        doc
    }
}

/// Fills the search document of versions stored before search existed (or by older builds).
pub fn backfill(conn: &mut PgConnection) -> QueryResult<usize> {
    let mut done = 0;
    loop {
        let batch: Vec<(i64, String)> = article_versions::table
            .filter(article_versions::search_document.eq(""))
            .select((article_versions::id, article_versions::body))
            .limit(500)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(done);
        }
        for (id, body) in &batch {
            let doc = search_document(body);
            diesel::update(article_versions::table.find(id))
                .set(article_versions::search_document.eq(doc))
                .execute(conn)?;
        }
        done += batch.len();
    }
}
