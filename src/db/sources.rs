//! Sources as reviewers see them: the list with how many figures each gave, and the edit of a
//! source's credibility grade and aliases (one transaction with its `audit_log` row).

use diesel::prelude::*;
use serde_json::{json, Value};

use super::audit;
use super::events::EditError;
use super::schema::{claims, fact_members, facts, sources};

/// Airwars-style grades, strongest first.
pub const GRADES: [&str; 5] = ["confirmed", "fair", "weak", "contested", "discounted"];
/// At most this many aliases per source, each at most 200 characters.
pub const MAX_ALIASES: usize = 100;

#[derive(Debug, Clone, Queryable)]
pub struct SourceRow {
    pub id: i64,
    pub source_key: String,
    pub name: String,
    pub kind: String,
    pub aliases: Vec<Option<String>>,
    pub credibility: Option<String>,
    pub figures: i64,
}

/// Sources by name (`filter` matches name or key, case-insensitively), with their figure counts.
pub fn list(
    conn: &mut PgConnection,
    filter: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<SourceRow>> {
    let figures = claims::table
        .filter(claims::source_id.eq(sources::id.nullable()))
        .count()
        .single_value();
    let mut query = sources::table.into_boxed();
    if let Some(f) = filter {
        let pattern = format!(
            "%{}%",
            f.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        query = query.filter(
            sources::name
                .ilike(pattern.clone())
                .or(sources::source_key.ilike(pattern)),
        );
    }
    query
        .select((
            sources::id,
            sources::source_key,
            sources::name,
            sources::kind,
            sources::aliases,
            sources::credibility,
            figures.assume_not_null(),
        ))
        .order((sources::name, sources::id))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// A grade from a form: one of `GRADES`, or blank for "not graded".
pub fn parse_grade(raw: &str) -> Result<Option<String>, EditError> {
    match raw.trim() {
        "" | "none" => Ok(None),
        g if GRADES.contains(&g) => Ok(Some(g.to_string())),
        _ => Err(EditError::Invalid("sources.err_grade")),
    }
}

/// Aliases typed one per line: trimmed, blanks and repeats dropped.
pub fn parse_aliases(raw: &str) -> Result<Vec<String>, EditError> {
    let mut out: Vec<String> = Vec::new();
    for line in raw.lines() {
        let alias = line.trim();
        if alias.is_empty() || out.iter().any(|a| a == alias) {
            continue;
        }
        if alias.contains('\0') || alias.chars().count() > 200 {
            return Err(EditError::Invalid("sources.err_alias"));
        }
        out.push(alias.to_string());
    }
    if out.len() > MAX_ALIASES {
        return Err(EditError::Invalid("sources.err_too_many_aliases"));
    }
    Ok(out)
}

fn source_json(credibility: &Option<String>, aliases: &[Option<String>]) -> Value {
    json!({ "credibility": credibility, "aliases": aliases })
}

/// Sets a source's grade and aliases.
pub fn update(
    conn: &mut PgConnection,
    user_id: i64,
    id: i64,
    credibility: Option<String>,
    aliases: Vec<String>,
) -> Result<(), EditError> {
    conn.transaction(|conn| {
        let (old_grade, old_aliases): (Option<String>, Vec<Option<String>>) = sources::table
            .find(id)
            .select((sources::credibility, sources::aliases))
            .for_update()
            .first(conn)?;
        let new_aliases: Vec<Option<String>> = aliases.into_iter().map(Some).collect();
        diesel::update(sources::table.find(id))
            .set((
                sources::credibility.eq(&credibility),
                sources::aliases.eq(&new_aliases),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            Some(user_id),
            "edit",
            "source",
            Some(id),
            Some(source_json(&old_grade, &old_aliases)),
            Some(source_json(&credibility, &new_aliases)),
        )?;
        Ok(())
    })
}

/// The grade of each graded member's source in an event: (claim id, grade).
pub fn grades_of_event(conn: &mut PgConnection, event_id: i64) -> QueryResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, Option<String>)> = fact_members::table
        .inner_join(facts::table)
        .inner_join(sources::table)
        .filter(facts::event_id.eq(event_id))
        .filter(sources::credibility.is_not_null())
        .select((fact_members::claim_id, sources::credibility))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, g)| Some((id, g?)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_and_aliases_are_checked() {
        assert_eq!(parse_grade("").unwrap(), None);
        assert_eq!(parse_grade("fair").unwrap().as_deref(), Some("fair"));
        assert!(parse_grade("A").is_err());
        assert_eq!(
            parse_aliases("SOHR\n\n  المرصد \nSOHR\r\n").unwrap(),
            vec!["SOHR".to_string(), "المرصد".to_string()]
        );
        assert!(parse_aliases("x\n").is_ok());
        let many: String = (0..=MAX_ALIASES).map(|i| format!("a{i}\n")).collect();
        assert!(parse_aliases(&many).is_err());
    }
}
