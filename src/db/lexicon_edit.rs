//! Editing the lexicons reviewers maintain: subject aliases (alias → actor group, read by the
//! extractor) and place aliases (alias → place, read by the linker's gazetteer). Each change is
//! one transaction with its `audit_log` row; the caller then rebuilds what reads the table.

use diesel::prelude::*;
use serde_json::json;

use super::audit;
use super::events::EditError;
use super::schema::{place_aliases, subject_aliases};
use crate::domain::extract::normalize_alias;
use crate::domain::linking::gazetteer::{Level, Place};
use crate::domain::linking::Gazetteer;

/// Languages an alias may be tagged with (`und`: any / not determined).
pub const LANGS: [&str; 7] = ["ar", "en", "fr", "es", "it", "pt", "und"];
pub const LEVELS: [&str; 5] = ["country", "province", "region", "locality", "site"];

fn invalid<T>(key: &'static str) -> Result<T, EditError> {
    Err(EditError::Invalid(key))
}

/// An alias as typed: trimmed, 1..=200 characters, no NUL.
pub fn clean_alias(raw: &str) -> Result<String, EditError> {
    let a = raw.trim();
    if a.is_empty() || a.contains('\0') || a.chars().count() > 200 {
        return invalid("lexicon.err_alias");
    }
    if normalize_alias(a).is_empty() {
        return invalid("lexicon.err_alias");
    }
    Ok(a.to_string())
}

pub fn clean_lang(raw: &str) -> Result<String, EditError> {
    let l = raw.trim();
    if LANGS.contains(&l) {
        Ok(l.to_string())
    } else {
        invalid("lexicon.err_lang")
    }
}

/// A key: lower-case letters, digits, `_` (and `.` for place keys), at most 64 bytes.
pub fn clean_key(raw: &str, dots: bool) -> Result<String, EditError> {
    let k = raw.trim();
    let ok = !k.is_empty()
        && k.len() <= 64
        && k.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || (dots && b == b'.')
        });
    if ok {
        Ok(k.to_string())
    } else if dots {
        invalid("lexicon.err_place_key")
    } else {
        invalid("lexicon.err_group")
    }
}

// ---------------------------------------------------------------------------------------------
// Subject aliases
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable)]
pub struct SubjectRow {
    pub id: i64,
    pub alias: String,
    pub alias_key: String,
    pub lang: String,
    pub group_key: String,
}

pub fn subjects(
    conn: &mut PgConnection,
    group: Option<&str>,
    lang: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<SubjectRow>> {
    let mut query = subject_aliases::table.into_boxed();
    if let Some(g) = group {
        query = query.filter(subject_aliases::group_key.eq(g.to_string()));
    }
    if let Some(l) = lang {
        query = query.filter(subject_aliases::lang.eq(l.to_string()));
    }
    query
        .select((
            subject_aliases::id,
            subject_aliases::alias,
            subject_aliases::alias_key,
            subject_aliases::lang,
            subject_aliases::group_key,
        ))
        .order((
            subject_aliases::group_key,
            subject_aliases::lang,
            subject_aliases::id,
        ))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

pub fn subject_groups(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
    subject_aliases::table
        .select(subject_aliases::group_key)
        .distinct()
        .order(subject_aliases::group_key)
        .load(conn)
}

/// Adds (or moves to another group) a subject alias. Returns its id.
pub fn add_subject(
    conn: &mut PgConnection,
    user_id: i64,
    alias: &str,
    lang: &str,
    group: &str,
) -> Result<i64, EditError> {
    let key = normalize_alias(alias);
    conn.transaction(|conn| {
        let before: Option<(i64, String)> = subject_aliases::table
            .filter(subject_aliases::lang.eq(lang))
            .filter(subject_aliases::alias_key.eq(&key))
            .select((subject_aliases::id, subject_aliases::group_key))
            .for_update()
            .first(conn)
            .optional()?;
        let id: i64 = diesel::insert_into(subject_aliases::table)
            .values((
                subject_aliases::alias.eq(alias),
                subject_aliases::alias_key.eq(&key),
                subject_aliases::lang.eq(lang),
                subject_aliases::group_key.eq(group),
            ))
            .on_conflict((subject_aliases::lang, subject_aliases::alias_key))
            .do_update()
            .set((
                subject_aliases::alias.eq(alias),
                subject_aliases::group_key.eq(group),
            ))
            .returning(subject_aliases::id)
            .get_result(conn)?;
        audit::record(
            conn,
            Some(user_id),
            "add",
            "subject_alias",
            Some(id),
            before.map(|(_, g)| json!({"lang": lang, "alias_key": key, "group": g})),
            Some(json!({"alias": alias, "lang": lang, "alias_key": key, "group": group})),
        )?;
        Ok(id)
    })
}

pub fn delete_subject(conn: &mut PgConnection, user_id: i64, id: i64) -> Result<(), EditError> {
    conn.transaction(|conn| {
        let row: SubjectRow = subject_aliases::table
            .find(id)
            .select((
                subject_aliases::id,
                subject_aliases::alias,
                subject_aliases::alias_key,
                subject_aliases::lang,
                subject_aliases::group_key,
            ))
            .for_update()
            .first(conn)?;
        diesel::delete(subject_aliases::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            Some(user_id),
            "delete",
            "subject_alias",
            Some(id),
            Some(json!({"alias": row.alias, "lang": row.lang, "group": row.group_key})),
            None,
        )?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Place aliases and the gazetteer
// ---------------------------------------------------------------------------------------------

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Country => "country",
        Level::Province => "province",
        Level::Region => "region",
        Level::Locality => "locality",
        Level::Site => "site",
    }
}

fn level_of(name: &str) -> Level {
    match name {
        "country" => Level::Country,
        "province" => Level::Province,
        "region" => Level::Region,
        "site" => Level::Site,
        _ => Level::Locality,
    }
}

/// The language of a shipped place name (the data file does not tag them): Arabic script is
/// `ar`, anything else `und`.
fn guess_lang(name: &str) -> &'static str {
    let arabic = name
        .chars()
        .any(|c| matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF));
    if arabic {
        "ar"
    } else {
        "und"
    }
}

/// Fills `place_aliases` from the shipped curated places when it is empty; returns the rows
/// added. (The world layer is not copied: it stays beneath the table, see `load_gazetteer`.)
pub fn seed_place_aliases(conn: &mut PgConnection) -> QueryResult<usize> {
    let present: i64 = place_aliases::table.count().get_result(conn)?;
    if present > 0 {
        return Ok(0);
    }
    let rows: Vec<_> = Gazetteer::curated()
        .places()
        .iter()
        .flat_map(|p| {
            p.names.iter().map(move |n| {
                (
                    place_aliases::alias.eq(n.clone()),
                    place_aliases::alias_key.eq(normalize_alias(n)),
                    place_aliases::lang.eq(guess_lang(n)),
                    place_aliases::place_key.eq(p.key.clone()),
                    place_aliases::parent_key.eq(p.parent.clone()),
                    place_aliases::level.eq(level_name(p.level)),
                    place_aliases::capital.eq(p.capital),
                )
            })
        })
        .collect();
    let mut added = 0;
    for chunk in rows.chunks(1000) {
        added += diesel::insert_into(place_aliases::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(added)
}

#[derive(Debug, Clone, Queryable)]
pub struct PlaceRow {
    pub id: i64,
    pub alias: String,
    pub lang: String,
    pub place_key: String,
    pub parent_key: Option<String>,
    pub level: String,
    pub capital: bool,
}

macro_rules! place_columns {
    () => {
        (
            place_aliases::id,
            place_aliases::alias,
            place_aliases::lang,
            place_aliases::place_key,
            place_aliases::parent_key,
            place_aliases::level,
            place_aliases::capital,
        )
    };
}

/// Places from the table: one per place key (in first-alias order), names in id order; the
/// level, parent and capital flag of a place are its first alias row's.
pub fn places_from_rows(rows: &[PlaceRow]) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for r in rows {
        match index.get(&r.place_key) {
            Some(&i) => {
                let p: &mut Place = &mut places[i];
                if !p.names.contains(&r.alias) {
                    p.names.push(r.alias.clone());
                }
            }
            None => {
                index.insert(r.place_key.clone(), places.len());
                places.push(Place {
                    key: r.place_key.clone(),
                    level: level_of(&r.level),
                    parent: r.parent_key.clone(),
                    capital: r.capital,
                    names: vec![r.alias.clone()],
                });
            }
        }
    }
    places
}

/// The lexicons as the database has them now, reviewers' edits included: installs the stored
/// gazetteer for linking and returns an extractor reading the stored subject lexicon. Whatever
/// extracts and links (the server, the import, the watcher) starts from this.
pub fn load_lexicons(
    conn: &mut PgConnection,
) -> Result<crate::domain::extract::Extractor, EditError> {
    crate::db::linking::replace_gazetteer(load_gazetteer(conn)?);
    Ok(super::lexicon::load_extractor(conn)?)
}

/// The gazetteer as stored (seeding the table first if needed), over the shipped world layer:
/// the stored places, with the reviewers' edits, take precedence over the world's.
pub fn load_gazetteer(conn: &mut PgConnection) -> Result<Gazetteer, EditError> {
    seed_place_aliases(conn)?;
    let rows: Vec<PlaceRow> = place_aliases::table
        .select(place_columns!())
        .order(place_aliases::id)
        .load(conn)?;
    Gazetteer::from_places(places_from_rows(&rows))
        .map(Gazetteer::with_world)
        .map_err(|_| EditError::Invalid("lexicon.err_gazetteer"))
}

pub fn places(
    conn: &mut PgConnection,
    place: Option<&str>,
    lang: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<PlaceRow>> {
    let mut query = place_aliases::table.into_boxed();
    if let Some(p) = place {
        // A key and everything under it ("sy.idlib" lists its towns too).
        query = query.filter(
            place_aliases::place_key
                .eq(p.to_string())
                .or(place_aliases::place_key.like(format!("{}.%", p.replace('_', "\\_")))),
        );
    }
    if let Some(l) = lang {
        query = query.filter(place_aliases::lang.eq(l.to_string()));
    }
    query
        .select(place_columns!())
        .order((place_aliases::place_key, place_aliases::id))
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// A new place alias as given in the form.
#[derive(Debug, Clone)]
pub struct NewPlaceAlias {
    pub alias: String,
    pub lang: String,
    pub place_key: String,
    /// For a new place: its parent, level and capital flag (ignored for a known place).
    pub parent_key: Option<String>,
    pub level: String,
    pub capital: bool,
}

/// Adds a place alias (a new place when the key is unknown) and returns the rebuilt gazetteer.
/// The change is refused (rolled back) when the gazetteer would not build.
pub fn add_place(
    conn: &mut PgConnection,
    user_id: i64,
    new: &NewPlaceAlias,
) -> Result<(i64, Gazetteer), EditError> {
    conn.transaction(|conn| {
        let known: Option<(Option<String>, String, bool)> = place_aliases::table
            .filter(place_aliases::place_key.eq(&new.place_key))
            .select((
                place_aliases::parent_key,
                place_aliases::level,
                place_aliases::capital,
            ))
            .order(place_aliases::id)
            .first(conn)
            .optional()?;
        let (parent, level, capital) =
            known.unwrap_or((new.parent_key.clone(), new.level.clone(), new.capital));
        let key = normalize_alias(&new.alias);
        let id: Option<i64> = diesel::insert_into(place_aliases::table)
            .values((
                place_aliases::alias.eq(&new.alias),
                place_aliases::alias_key.eq(&key),
                place_aliases::lang.eq(&new.lang),
                place_aliases::place_key.eq(&new.place_key),
                place_aliases::parent_key.eq(&parent),
                place_aliases::level.eq(&level),
                place_aliases::capital.eq(capital),
            ))
            .on_conflict_do_nothing()
            .returning(place_aliases::id)
            .get_result(conn)
            .optional()?;
        let Some(id) = id else {
            return invalid("lexicon.err_duplicate");
        };
        let gazetteer = load_gazetteer(conn)?;
        audit::record(
            conn,
            Some(user_id),
            "add",
            "place_alias",
            Some(id),
            None,
            Some(json!({
                "alias": new.alias, "lang": new.lang, "place_key": new.place_key,
                "parent_key": parent, "level": level, "capital": capital,
            })),
        )?;
        Ok((id, gazetteer))
    })
}

/// Deletes a place alias and returns the rebuilt gazetteer (refused when the gazetteer would not
/// build, e.g. the last alias of a place other places lie in).
pub fn delete_place(
    conn: &mut PgConnection,
    user_id: i64,
    id: i64,
) -> Result<Gazetteer, EditError> {
    conn.transaction(|conn| {
        let row: PlaceRow = place_aliases::table
            .find(id)
            .select(place_columns!())
            .for_update()
            .first(conn)?;
        diesel::delete(place_aliases::table.find(id)).execute(conn)?;
        let left: i64 = place_aliases::table.count().get_result(conn)?;
        if left == 0 {
            // An empty table would be seeded again from the shipped data.
            return invalid("lexicon.err_last_alias");
        }
        let gazetteer = load_gazetteer(conn)?;
        audit::record(
            conn,
            Some(user_id),
            "delete",
            "place_alias",
            Some(id),
            Some(json!({
                "alias": row.alias, "lang": row.lang, "place_key": row.place_key,
                "parent_key": row.parent_key, "level": row.level, "capital": row.capital,
            })),
            None,
        )?;
        Ok(gazetteer)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_gazetteer_survives_the_table_round_trip() {
        let rows: Vec<PlaceRow> = Gazetteer::builtin()
            .places()
            .iter()
            .flat_map(|p| {
                p.names.iter().map(|n| PlaceRow {
                    id: 0,
                    alias: n.clone(),
                    lang: guess_lang(n).to_string(),
                    place_key: p.key.clone(),
                    parent_key: p.parent.clone(),
                    level: level_name(p.level).to_string(),
                    capital: p.capital,
                })
            })
            .collect();
        let places = places_from_rows(&rows);
        let builtin = Gazetteer::builtin().places();
        assert_eq!(places.len(), builtin.len());
        for (a, b) in places.iter().zip(builtin) {
            assert_eq!(a.key, b.key);
            assert_eq!(a.level, b.level);
            assert_eq!(a.parent, b.parent);
            assert_eq!(a.capital, b.capital);
            let mut names = b.names.clone();
            names.dedup();
            assert_eq!(a.names.first(), b.names.first());
        }
        assert!(Gazetteer::from_places(places).is_ok());
    }

    #[test]
    fn keys_and_langs_are_checked() {
        assert!(clean_key("sy.idlib", true).is_ok());
        assert!(clean_key("sy.idlib", false).is_err());
        assert!(clean_key("<script>", false).is_err());
        assert!(clean_lang("ar").is_ok());
        assert!(clean_lang("xx").is_err());
        assert!(clean_alias("  ").is_err());
    }
}
