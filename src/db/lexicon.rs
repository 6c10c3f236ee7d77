//! The editable lexicons: seeded from the data files shipped with the crate on first start,
//! read back to build the extractor.

use diesel::prelude::*;

use super::schema::subject_aliases;
use crate::domain::extract::{default_subject_lexicon, normalize_alias, Extractor, SubjectAlias};

/// Fills `subject_aliases` from the shipped lexicon when it is empty; returns the rows added.
pub fn seed_subject_aliases(conn: &mut PgConnection) -> QueryResult<usize> {
    let present: i64 = subject_aliases::table.count().get_result(conn)?;
    if present > 0 {
        return Ok(0);
    }
    let rows: Vec<_> = default_subject_lexicon()
        .into_iter()
        .map(|a| {
            (
                subject_aliases::alias_key.eq(normalize_alias(&a.alias)),
                subject_aliases::alias.eq(a.alias),
                subject_aliases::lang.eq(a.lang),
                subject_aliases::group_key.eq(a.group_key),
            )
        })
        .collect();
    let mut added = 0;
    // Chunks keep each statement under PostgreSQL's parameter limit.
    for chunk in rows.chunks(1000) {
        added += diesel::insert_into(subject_aliases::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(added)
}

/// The subject lexicon as stored (and edited) in the database.
pub fn subject_lexicon(conn: &mut PgConnection) -> QueryResult<Vec<SubjectAlias>> {
    let rows: Vec<(String, String, String)> = subject_aliases::table
        .select((
            subject_aliases::alias,
            subject_aliases::lang,
            subject_aliases::group_key,
        ))
        .order(subject_aliases::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(alias, lang, group_key)| SubjectAlias {
            alias,
            lang,
            group_key,
        })
        .collect())
}

/// An extractor reading the database's subject lexicon (seeding it first if needed).
pub fn load_extractor(conn: &mut PgConnection) -> QueryResult<Extractor> {
    seed_subject_aliases(conn)?;
    Ok(Extractor::new(subject_lexicon(conn)?))
}
