//! Full-text search over article versions (see the `add_search` and `search_vector`
//! migrations): claimdb builds the vectors and the queries with one tokenizer.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Text};

use super::schema::article_versions;
use crate::domain::search_text::{tsquery, tsvector};

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
    let Some(tsquery) = tsquery(terms) else {
        return Ok(Vec::new());
    };
    diesel::sql_query(
        "SELECT article_id, version, title, language, body FROM ( \
             SELECT DISTINCT ON (v.article_id) v.article_id, v.number AS version, a.title, \
                    a.language, v.body, ts_rank(v.search_vector, q) AS rank \
             FROM article_versions v \
             JOIN articles a ON a.id = v.article_id, \
                  CAST($1 AS tsquery) q \
             WHERE v.search_vector @@ q \
             ORDER BY v.article_id, v.number DESC \
         ) found ORDER BY rank DESC, article_id DESC LIMIT $2 OFFSET $3",
    )
    .bind::<Text, _>(tsquery)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .load(conn)
}

/// Fills the search vector of versions stored before claimdb built it (or by older builds),
/// 500 at a time.
pub fn backfill(conn: &mut PgConnection) -> QueryResult<usize> {
    let mut done = 0;
    loop {
        let batch: Vec<(i64, String)> = article_versions::table
            .filter(article_versions::search_vector.is_null())
            .select((article_versions::id, article_versions::body))
            .limit(500)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(done);
        }
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        let vectors: Vec<String> = batch.iter().map(|(_, body)| tsvector(body)).collect();
        diesel::sql_query(
            "UPDATE article_versions SET search_vector = v.vector::tsvector \
             FROM (SELECT unnest($1::bigint[]) AS id, unnest($2::text[]) AS vector) v \
             WHERE article_versions.id = v.id",
        )
        .bind::<Array<BigInt>, _>(&ids)
        .bind::<Array<Text>, _>(&vectors)
        .execute(conn)?;
        done += batch.len();
    }
}
