//! Linking in the database: attach a new version to an event, then recompute the facts of that
//! event only (never the whole database).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Jsonb, Nullable, Text};

use super::schema::{
    article_versions, articles, claims, events, fact_members, facts, member_overrides, outlets,
    sources,
};
use crate::domain::linking::{
    link_event, match_event, signature, EventSignature, Fact, Gazetteer, LinkClaim, Role,
    SourceDirectory,
};
use crate::domain::{ExtractedClaim, Measure, Qualifier};

/// At most this many events sharing a place are scored for a new article (most recent first).
const MAX_CANDIDATES: i64 = 500;
/// An article published more than this many days before or after an event's reports is about
/// another incident. Follow-ups (a revised toll, a funeral) come within days.
const EVENT_WINDOW_DAYS: i32 = 10;

/// The gazetteer linking reads: the shipped one until the database's (edited) copy is installed
/// at start-up and after each reviewer edit of the place aliases.
static GAZETTEER: LazyLock<RwLock<Arc<Gazetteer>>> =
    LazyLock::new(|| RwLock::new(Arc::new(Gazetteer::builtin().clone())));

/// The current gazetteer (cheap to clone).
pub fn gazetteer() -> Arc<Gazetteer> {
    match GAZETTEER.read() {
        Ok(guard) => guard.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    }
}

/// Swaps in a gazetteer rebuilt from the edited place aliases.
pub fn replace_gazetteer(gazetteer: Gazetteer) {
    let mut guard = match GAZETTEER.write() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    *guard = Arc::new(gazetteer);
}

/// What the linker needs to know about a newly stored version.
pub struct VersionToLink<'a> {
    pub article_id: i64,
    pub title: &'a str,
    pub text: &'a str,
    pub lang: &'a str,
    pub published: Option<DateTime<Utc>>,
    pub claims: &'a [ExtractedClaim],
}

#[derive(QueryableByName)]
struct CandidateRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Jsonb)]
    signature: serde_json::Value,
}

/// Puts the version's article (and its claims) in an event — the article's own event when an
/// earlier version has one, else the best-matching event sharing a place, else a new one — and
/// recomputes that event's facts. Returns the event id.
pub fn attach_and_link(conn: &mut PgConnection, version: &VersionToLink) -> QueryResult<i64> {
    let gazetteer = gazetteer();
    let gazetteer = gazetteer.as_ref();
    let published = version.published.map(|d| d.date_naive());
    let sig = signature(
        version.text,
        version.lang,
        published,
        version.claims,
        gazetteer,
    );

    let current: Option<i64> = articles::table
        .find(version.article_id)
        .select(articles::event_id)
        .first(conn)?;
    let event_id = match current {
        Some(id) => id,
        None => match find_matching_event(conn, &sig, published, gazetteer)? {
            Some(id) => id,
            None => create_event(conn, version, &sig, published)?,
        },
    };
    merge_into_event(conn, event_id, &sig, published)?;
    diesel::update(articles::table.find(version.article_id))
        .set(articles::event_id.eq(event_id))
        .execute(conn)?;
    let versions = article_versions::table
        .filter(article_versions::article_id.eq(version.article_id))
        .select(article_versions::id);
    diesel::update(claims::table.filter(claims::article_version_id.eq_any(versions)))
        .set(claims::event_id.eq(event_id))
        .execute(conn)?;
    relink_event(conn, event_id)?;
    Ok(event_id)
}

fn find_matching_event(
    conn: &mut PgConnection,
    sig: &EventSignature,
    published: Option<NaiveDate>,
    gazetteer: &Gazetteer,
) -> QueryResult<Option<i64>> {
    if sig.places.is_empty() {
        return Ok(None);
    }
    let keys: Vec<String> = sig.places.keys().cloned().collect();
    // Only events sharing a place, and — when both dates are known — reported within
    // `EVENT_WINDOW_DAYS` of this article: a town's incidents years apart are not one event.
    let rows: Vec<CandidateRow> = diesel::sql_query(
        "SELECT id, signature FROM events WHERE (signature -> 'places') ?| $1 \
         AND ($3::date IS NULL OR date_from IS NULL \
              OR $3::date BETWEEN date_from - $4::int AND date_to + $4::int) \
         ORDER BY updated_at DESC LIMIT $2",
    )
    .bind::<Array<Text>, _>(&keys)
    .bind::<BigInt, _>(MAX_CANDIDATES)
    .bind::<Nullable<Date>, _>(published)
    .bind::<Integer, _>(EVENT_WINDOW_DAYS)
    .load(conn)?;
    let candidates: Vec<(i64, EventSignature)> = rows
        .into_iter()
        .filter_map(|r| Some((r.id, serde_json::from_value(r.signature).ok()?)))
        .collect();
    Ok(match_event(sig, &candidates, gazetteer))
}

fn event_title(title: &str) -> String {
    let t = title.trim();
    match t.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None if t.is_empty() => "(untitled event)".to_string(),
        None => t.to_string(),
    }
}

fn create_event(
    conn: &mut PgConnection,
    version: &VersionToLink,
    sig: &EventSignature,
    published: Option<NaiveDate>,
) -> QueryResult<i64> {
    // The most strongly weighted place names the event.
    let place = sig
        .places
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, _)| k.clone());
    diesel::insert_into(events::table)
        .values((
            events::title.eq(event_title(version.title)),
            events::place_key.eq(&place),
            events::place_name.eq(place
                .as_deref()
                .and_then(|k| gazetteer().place(k).and_then(|p| p.names.first().cloned()))),
            events::date_from.eq(published),
            events::date_to.eq(published),
        ))
        .returning(events::id)
        .get_result(conn)
}

/// Folds a new article's signature (and date) into its event's.
pub fn merge_into_event(
    conn: &mut PgConnection,
    event_id: i64,
    sig: &EventSignature,
    published: Option<NaiveDate>,
) -> QueryResult<()> {
    let (stored, from, to): (serde_json::Value, Option<NaiveDate>, Option<NaiveDate>) =
        events::table
            .find(event_id)
            .select((events::signature, events::date_from, events::date_to))
            .for_update()
            .first(conn)?;
    let mut merged: EventSignature = serde_json::from_value(stored).unwrap_or_default();
    merged.merge(sig);
    let widen = |a: Option<NaiveDate>,
                 b: Option<NaiveDate>,
                 pick: fn(NaiveDate, NaiveDate) -> NaiveDate| match (a, b) {
        (Some(a), Some(b)) => Some(pick(a, b)),
        (a, b) => a.or(b),
    };
    diesel::update(events::table.find(event_id))
        .set((
            events::signature.eq(serde_json::to_value(&merged).unwrap_or_default()),
            events::date_from.eq(widen(from, published, std::cmp::min)),
            events::date_to.eq(widen(to, published, std::cmp::max)),
            events::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

type ClaimRow = (
    i64,
    i64,
    i32,
    i64,
    i32,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<String>,
    (
        i64,
        Option<i64>,
        String,
        String,
        String,
        Option<String>,
        Option<i64>,
    ),
);

/// The claims of an event as the linker sees them (rejected claims left out).
fn link_claims(conn: &mut PgConnection, event_id: i64) -> QueryResult<Vec<LinkClaim>> {
    let rows: Vec<ClaimRow> = claims::table
        .inner_join(article_versions::table.inner_join(articles::table.left_join(outlets::table)))
        .filter(claims::event_id.eq(event_id))
        .filter(claims::status.ne("rejected"))
        .select((
            claims::id,
            articles::id,
            article_versions::number,
            article_versions::id,
            claims::span_start,
            articles::published_at,
            outlets::name.nullable(),
            articles::url,
            (
                claims::value,
                claims::value_max,
                claims::qualifier,
                claims::measure,
                claims::group_key,
                claims::source_text,
                claims::part_of_id,
            ),
        ))
        .order(claims::id)
        .load(conn)?;
    let mut latest: HashMap<i64, i32> = HashMap::new();
    for r in &rows {
        let e = latest.entry(r.1).or_insert(r.2);
        *e = (*e).max(r.2);
    }
    Ok(rows
        .into_iter()
        .map(
            |(claim_id, article_id, version, version_id, start, published, outlet, url, c)| {
                let (value, value_max, qualifier, measure, group, source, part_of) = c;
                LinkClaim {
                    claim_id,
                    article_id,
                    version,
                    is_latest: latest.get(&article_id) == Some(&version),
                    position: start.max(0) as usize,
                    published: published.map(|d| d.naive_utc()),
                    ingest_seq: version_id,
                    outlet: outlet
                        .or_else(|| url.as_deref().and_then(host_of))
                        .unwrap_or_else(|| format!("article {article_id}")),
                    value,
                    value_max,
                    qualifier: qualifier.parse().unwrap_or(Qualifier::Exact),
                    measure: measure.parse().unwrap_or(Measure::Count),
                    group,
                    source,
                    part_of,
                }
            },
        )
        .collect())
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.host_str().map(str::to_string)
}

/// Recomputes the facts of one event: upserts each (measure, group) fact — keeping its id and
/// review status — replaces its members, and removes facts no claim supports any more.
pub fn relink_event(conn: &mut PgConnection, event_id: i64) -> QueryResult<Vec<Fact>> {
    let claims_in = link_claims(conn, event_id)?;
    let mut found = link_event(&claims_in, SourceDirectory::builtin());
    apply_overrides(conn, &mut found)?;
    let source_ids = upsert_sources(conn, &found)?;
    let mut claim_sources: (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
    let mut kept: Vec<i64> = Vec::new();
    for fact in &found {
        let fact_id: i64 = diesel::insert_into(facts::table)
            .values((
                facts::event_id.eq(event_id),
                facts::measure.eq(fact.measure.as_str()),
                facts::group_key.eq(&fact.group),
                facts::low.eq(fact.low.value),
                facts::low_claim_id.eq(fact.low.claim_id),
                facts::best.eq(fact.best.value),
                facts::best_claim_id.eq(fact.best.claim_id),
                facts::high.eq(fact.high.value),
                facts::high_claim_id.eq(fact.high.claim_id),
                facts::is_conflict.eq(fact.conflict),
            ))
            .on_conflict((facts::event_id, facts::measure, facts::group_key))
            .do_update()
            .set((
                facts::low.eq(fact.low.value),
                facts::low_claim_id.eq(fact.low.claim_id),
                facts::best.eq(fact.best.value),
                facts::best_claim_id.eq(fact.best.claim_id),
                facts::high.eq(fact.high.value),
                facts::high_claim_id.eq(fact.high.claim_id),
                facts::is_conflict.eq(fact.conflict),
                facts::updated_at.eq(diesel::dsl::now),
            ))
            .returning(facts::id)
            .get_result(conn)?;
        kept.push(fact_id);
        diesel::delete(fact_members::table.filter(fact_members::fact_id.eq(fact_id)))
            .execute(conn)?;
        let members: Vec<_> = fact
            .members
            .iter()
            .map(|m| {
                (
                    fact_members::fact_id.eq(fact_id),
                    fact_members::claim_id.eq(m.claim_id),
                    fact_members::role.eq(m.role.as_str()),
                    fact_members::reason.eq(&m.reason),
                    fact_members::source_id.eq(source_ids.get(&m.source_key).copied()),
                    fact_members::is_position.eq(m.position),
                )
            })
            .collect();
        diesel::insert_into(fact_members::table)
            .values(&members)
            .on_conflict_do_nothing()
            .execute(conn)?;
        for m in &fact.members {
            if let Some(source_id) = source_ids.get(&m.source_key) {
                claim_sources.0.push(m.claim_id);
                claim_sources.1.push(*source_id);
            }
        }
    }
    // One statement for all the event's claims, touching only rows whose source changed.
    diesel::sql_query(
        "UPDATE claims SET source_id = v.source_id \
         FROM (SELECT unnest($1::bigint[]) AS id, unnest($2::bigint[]) AS source_id) v \
         WHERE claims.id = v.id AND claims.source_id IS DISTINCT FROM v.source_id",
    )
    .bind::<Array<BigInt>, _>(&claim_sources.0)
    .bind::<Array<BigInt>, _>(&claim_sources.1)
    .execute(conn)?;

    diesel::delete(
        facts::table
            .filter(facts::event_id.eq(event_id))
            .filter(facts::id.ne_all(&kept)),
    )
    .execute(conn)?;
    Ok(found)
}

/// A reviewer's decision about a member's role outlasts every relink. A fact stays a conflict
/// only while some member is still disputed.
fn apply_overrides(conn: &mut PgConnection, found: &mut [Fact]) -> QueryResult<()> {
    let ids: Vec<i64> = found
        .iter()
        .flat_map(|f| f.members.iter().map(|m| m.claim_id))
        .collect();
    let overrides: HashMap<i64, (String, String)> = member_overrides::table
        .filter(member_overrides::claim_id.eq_any(&ids))
        .select((
            member_overrides::claim_id,
            member_overrides::role,
            member_overrides::reason,
        ))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, role, reason)| (id, (role, reason)))
        .collect();
    if overrides.is_empty() {
        return Ok(());
    }
    for fact in found.iter_mut() {
        let mut touched = false;
        for m in &mut fact.members {
            if let Some((role, reason)) = overrides.get(&m.claim_id) {
                m.role = match role.as_str() {
                    "disputed" => Role::Disputed,
                    "explained" => Role::Explained,
                    _ => Role::Agreeing,
                };
                m.reason = format!("reviewer: {reason}");
                touched = true;
            }
        }
        if touched && fact.conflict {
            let disputed = fact
                .members
                .iter()
                .filter(|m| m.role == Role::Disputed)
                .count();
            fact.conflict = disputed >= 2;
        }
    }
    Ok(())
}

/// Makes sure every source named by the facts has a row; returns key → id.
fn upsert_sources(conn: &mut PgConnection, found: &[Fact]) -> QueryResult<HashMap<String, i64>> {
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for fact in found {
        for m in &fact.members {
            names.entry(&m.source_key).or_insert(&m.source_name);
        }
    }
    let mut ids = HashMap::new();
    for (key, name) in names {
        let kind = if key.starts_with("outlet:") {
            "media"
        } else {
            "other"
        };
        let id: i64 = diesel::insert_into(sources::table)
            .values((
                sources::source_key.eq(key),
                sources::name.eq(name),
                sources::kind.eq(kind),
            ))
            .on_conflict(sources::source_key)
            .do_update()
            .set(sources::source_key.eq(diesel::upsert::excluded(sources::source_key)))
            .returning(sources::id)
            .get_result(conn)?;
        ids.insert(key.to_string(), id);
    }
    Ok(ids)
}
