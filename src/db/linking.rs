//! Linking in the database: attach a new version to an event, then recompute the facts of that
//! event only (never the whole database).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, RwLock};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Jsonb, Nullable, Text};

use super::schema::{
    article_versions, articles, claims, events, facts, member_overrides, outlets, sources,
};
use crate::domain::linking::dates::weekdays_named;
use crate::domain::linking::title::article_day;
use crate::domain::linking::{
    candidate_keys, link_event, match_event, signature, EventSignature, Fact, Gazetteer, LinkClaim,
    Member, Role, SourceDirectory,
};
use crate::domain::quote::sentence_around;
use crate::domain::url_date::{date_in_url, reported_time};
use crate::domain::{ExtractedClaim, Measure, Qualifier};

/// At most this many events sharing a place are scored for a new article (most recent first).
const MAX_CANDIDATES: i64 = 500;
/// An article published more than this many days before or after an event's reports is about
/// another incident. Follow-ups (a revised toll, a funeral) come within days.
const EVENT_WINDOW_DAYS: i32 = 10;
/// An article joins only events first reported at most this many days before it (and last
/// reported at most this many days after it). Without this bound an event's period could creep:
/// each article within the window widens it, and a town's separate incidents weeks apart chained
/// into one event of thousands of claims.
const EVENT_SPAN_DAYS: i32 = 30;

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
    /// Whether the article had versions before this one (their claims may need the event too).
    pub has_earlier_versions: bool,
    pub title: &'a str,
    pub published: Option<DateTime<Utc>>,
    /// The article's address, which may name the day it was published.
    pub url: Option<&'a str>,
    /// See [`signature_of`].
    pub signature: &'a EventSignature,
}

/// What a version says about its event (places, dates, kinds, groups), read with the current
/// gazetteer. Pure work, done before the transaction. The text's dates without a year
/// ("6 February"), relative days and weekdays are read against the article's publication day,
/// else the day its address names.
pub fn signature_of(
    text: &str,
    lang: &str,
    published: Option<DateTime<Utc>>,
    url: Option<&str>,
    claims: &[ExtractedClaim],
) -> EventSignature {
    let gazetteer = gazetteer();
    signature(
        text,
        lang,
        reported_time(published, url).map(|d| d.date_naive()),
        claims,
        gazetteer.as_ref(),
    )
}

/// The place keys an ingest of `sig` must hold while matching (see [`attach`]).
pub fn place_locks(sig: &EventSignature) -> Vec<String> {
    candidate_keys(sig, gazetteer().as_ref())
}

#[derive(QueryableByName)]
struct CandidateRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Jsonb)]
    signature: serde_json::Value,
}

/// Puts the version's article in an event — the article's own event when an earlier version has
/// one, else the best-matching event sharing a place, else a new one — and folds the version's
/// signature into it. Returns the event id; the caller stores the claims with it, then calls
/// [`relink_event`].
///
/// Concurrent ingests (import workers, several servers) stay equivalent to a serial ingest: the
/// caller first takes [`lock_places`] on the [`place_locks`] of every version it attaches in
/// the transaction (in one sorted statement, so never a cycle), so two articles that could match
/// each other are matched one after the other, the second seeing the first's event; the event
/// row lock taken by [`merge_into_event`] then serialises the relinks of one event.
pub fn attach(conn: &mut PgConnection, version: &VersionToLink) -> QueryResult<i64> {
    let gazetteer = gazetteer();
    let gazetteer = gazetteer.as_ref();
    let published = version.published.map(|d| d.date_naive());
    // The day this article dates its event by joins its signature; candidates are still chosen
    // by the publication day alone (an address-dated article would miss events dated by the
    // day they were stored).
    let mut dated = version.signature.clone();
    dated.article_days.extend(article_day(
        published,
        version.signature,
        version.url.and_then(date_in_url),
    ));
    let sig = &dated;

    // A new article has no event yet; an article's later version stays in its event.
    let current: Option<i64> = if version.has_earlier_versions {
        articles::table
            .find(version.article_id)
            .select(articles::event_id)
            .first(conn)?
    } else {
        None
    };
    let event_id = match current {
        Some(id) => {
            merge_into_event(conn, id, sig)?;
            id
        }
        None => match find_matching_event(conn, sig, published, gazetteer)? {
            Some(id) => {
                merge_into_event(conn, id, sig)?;
                id
            }
            None => create_event(conn, version, sig)?,
        },
    };
    if current != Some(event_id) {
        diesel::update(articles::table.find(version.article_id))
            .set(articles::event_id.eq(event_id))
            .execute(conn)?;
        if version.has_earlier_versions {
            // `= ANY(ARRAY(...))` keeps the plan on the claims index, whatever the table's size.
            diesel::sql_query(
                "UPDATE claims SET event_id = $1 WHERE article_version_id = ANY(ARRAY(\
                 SELECT id FROM article_versions WHERE article_id = $2))",
            )
            .bind::<BigInt, _>(event_id)
            .bind::<BigInt, _>(version.article_id)
            .execute(conn)?;
        }
    }
    Ok(event_id)
}

/// Serialises the event matching of articles that share a place (see [`attach`]): takes
/// transaction-scoped advisory locks on `keys`, all in one sorted statement.
pub fn lock_places(conn: &mut PgConnection, keys: &[String]) -> QueryResult<()> {
    let mut keys: Vec<String> = keys.iter().map(|k| format!("place:{k}")).collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return Ok(());
    }
    // A function scan yields the array in order, so the locks are taken in sorted order.
    diesel::sql_query(
        "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) \
         FROM unnest($1::text[]) AS k",
    )
    .bind::<Array<Text>, _>(&keys)
    .execute(conn)?;
    Ok(())
}

/// The place keys an article can be matched (and must be serialised) on: a shared country
/// never counts towards a match (see `events::score`), so countries are left out — otherwise
/// every lookup would read every event in the country, and every ingest would wait on one lock.
fn find_matching_event(
    conn: &mut PgConnection,
    sig: &EventSignature,
    published: Option<NaiveDate>,
    gazetteer: &Gazetteer,
) -> QueryResult<Option<i64>> {
    let keys = candidate_keys(sig, gazetteer);
    if keys.is_empty() {
        return Ok(None);
    }
    // Only events sharing a place and — when the article's date is known — reported within
    // `EVENT_WINDOW_DAYS` of it (an event without dates is always in range): a town's incidents
    // years apart are not one event. Both conditions are indexed (GIN on places, GiST on the
    // period), so the lookup does not grow with the archive.
    let rows: Vec<CandidateRow> = match published {
        Some(day) => diesel::sql_query(
            "SELECT id, signature FROM events WHERE (signature -> 'places') ?| $1 \
             AND daterange(date_from, date_to, '[]') && daterange($3 - $4, $3 + $4, '[]') \
             AND (date_from IS NULL OR date_from >= $3 - $5) \
             AND (date_to IS NULL OR date_to <= $3 + $5) \
             ORDER BY updated_at DESC, id DESC LIMIT $2",
        )
        .bind::<Array<Text>, _>(&keys)
        .bind::<BigInt, _>(MAX_CANDIDATES)
        .bind::<Date, _>(day)
        .bind::<Integer, _>(EVENT_WINDOW_DAYS)
        .bind::<Integer, _>(EVENT_SPAN_DAYS)
        .load(conn)?,
        None => diesel::sql_query(
            "SELECT id, signature FROM events WHERE (signature -> 'places') ?| $1 \
             ORDER BY updated_at DESC, id DESC LIMIT $2",
        )
        .bind::<Array<Text>, _>(&keys)
        .bind::<BigInt, _>(MAX_CANDIDATES)
        .load(conn)?,
    };
    let candidates: Vec<(i64, EventSignature)> = rows
        .into_iter()
        .filter_map(|r| Some((r.id, serde_json::from_value(r.signature).ok()?)))
        .collect();
    Ok(match_event(sig, &candidates, gazetteer))
}

/// Writes an event's generated title again, dated `day`, from its merged signature and the
/// headline of its first article (the one that founded it).
fn retitle(
    conn: &mut PgConnection,
    event_id: i64,
    sig: &EventSignature,
    day: NaiveDate,
) -> QueryResult<()> {
    let headline: Option<String> = articles::table
        .filter(articles::event_id.eq(event_id))
        .order(articles::id)
        .select(articles::title)
        .first(conn)
        .optional()?;
    let Some(headline) = headline else {
        return Ok(());
    };
    let title = event_title(sig, &headline, day, gazetteer().as_ref());
    diesel::update(events::table.find(event_id))
        .set((
            events::title.eq(title.en),
            events::title_ar.eq(Some(title.ar)),
        ))
        .execute(conn)?;
    Ok(())
}

/// A new event's title in English and Arabic: named after what its first report says happened
/// (place, day, kind, main measure), never after the report's headline.
fn event_title(
    sig: &EventSignature,
    headline: &str,
    day: NaiveDate,
    gazetteer: &Gazetteer,
) -> crate::domain::linking::title::EventTitle {
    crate::domain::linking::title::event_title(sig, headline, Some(day), gazetteer)
}

fn create_event(
    conn: &mut PgConnection,
    version: &VersionToLink,
    sig: &EventSignature,
) -> QueryResult<i64> {
    use crate::domain::linking::title::title_place;
    let gazetteer = gazetteer();
    let gazetteer = gazetteer.as_ref();
    // Stored as `merge_into_event` would leave an empty event, without reading it back.
    let mut founded = EventSignature::default();
    founded.merge(sig);
    // The place the event is most about names it (a town before its province).
    let place = title_place(sig, version.title, gazetteer).map(str::to_string);
    // Dated by the article's day (see `article_day`), else the day it was stored.
    let day = sig
        .article_days
        .first()
        .copied()
        .unwrap_or_else(|| Utc::now().date_naive());
    let title = event_title(sig, version.title, day, gazetteer);
    diesel::insert_into(events::table)
        .values((
            events::title.eq(title.en),
            events::title_ar.eq(Some(title.ar)),
            events::place_key.eq(&place),
            events::place_name.eq(place
                .as_deref()
                .and_then(|k| gazetteer.place(k).and_then(|p| p.names.first().cloned()))),
            events::date_from.eq(Some(day)),
            events::date_to.eq(Some(day)),
            events::signature.eq(serde_json::to_value(&founded).unwrap_or_default()),
        ))
        .returning(events::id)
        .get_result(conn)
}

/// Folds a new article's signature (with the day it dates the event by) into its event's.
///
/// The event's dates span its articles' days. An event dated so far by the day it was stored
/// (no article gave a day) takes the first article day that arrives, and its generated title
/// is written again with it; a reviewer's title (no Arabic twin) is kept.
pub fn merge_into_event(
    conn: &mut PgConnection,
    event_id: i64,
    sig: &EventSignature,
) -> QueryResult<()> {
    // NO KEY UPDATE: still one ingest per event at a time, but no conflict with the KEY SHARE
    // locks foreign-key checks take on the event (two such holders wanting FOR UPDATE deadlock).
    let (stored, from, to, generated_title): (
        serde_json::Value,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<String>,
    ) = events::table
        .find(event_id)
        .select((
            events::signature,
            events::date_from,
            events::date_to,
            events::title_ar,
        ))
        .for_no_key_update()
        .first(conn)?;
    let mut merged: EventSignature = serde_json::from_value(stored).unwrap_or_default();
    let was_undated = merged.article_days.is_empty();
    merged.merge(sig);
    let (from, to) = merged
        .article_span()
        .map_or((from, to), |(a, b)| (Some(a), Some(b)));
    diesel::update(events::table.find(event_id))
        .set((
            events::signature.eq(serde_json::to_value(&merged).unwrap_or_default()),
            events::date_from.eq(from),
            events::date_to.eq(to),
            events::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    if let (true, Some(_), Some((day, _))) = (was_undated, generated_title, merged.article_span()) {
        retitle(conn, event_id, &merged, day)?;
    }
    Ok(())
}

type ClaimRow = (
    i64,
    i64,
    (i32, DateTime<Utc>, String),
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
        Option<String>,
        Option<String>,
    ),
);

/// When a version's figures were reported: the first version's on the article's published
/// date (else when it was stored), a later version's when it was stored, i.e. fetched or
/// submitted (never before the article's publication). Supersession follows this order, so an
/// article revised after another outlet's report carries its source's newer figure.
pub fn reported_at(
    number: i32,
    published: Option<DateTime<Utc>>,
    stored: DateTime<Utc>,
) -> DateTime<Utc> {
    match published {
        Some(p) if number <= 1 => p,
        Some(p) => stored.max(p),
        None => stored,
    }
}

/// The time linking orders a version's figures by: [`reported_at`], except that a time the
/// version was stored at counts as the end of its (UTC) day. Storage times depend on which
/// ingest ran first, so two revisions or undated articles stored the same day tie here and
/// are ordered by [`tie_break`] instead; an article's own published time is kept as it is.
fn linking_time(
    number: i32,
    published: Option<DateTime<Utc>>,
    stored: DateTime<Utc>,
) -> NaiveDateTime {
    let end_of_day = stored
        .date_naive()
        .and_hms_opt(23, 59, 59)
        .unwrap_or_else(|| stored.naive_utc());
    match published {
        Some(p) if number <= 1 => p.naive_utc(),
        Some(p) => end_of_day.max(p.naive_utc()),
        None => end_of_day,
    }
}

/// The order of versions reported at the same time, whichever ingest committed first: by the
/// article's published time (seconds since 1970; none first), then by the version's content
/// hash (its leading 20 bits).
fn tie_break(published: Option<DateTime<Utc>>, hash: &str) -> i64 {
    let secs = published.map_or(0, |p| p.timestamp().clamp(0, 1 << 42));
    let bits = hash
        .get(..5)
        .and_then(|h| i64::from_str_radix(h, 16).ok())
        .unwrap_or(0);
    (secs << 20) | bits
}

/// The claims of an event as the linker sees them (rejected claims left out).
fn link_claims(conn: &mut PgConnection, event_id: i64) -> QueryResult<Vec<LinkClaim>> {
    let rows: Vec<ClaimRow> = claims::table
        .inner_join(article_versions::table.inner_join(articles::table.left_join(outlets::table)))
        .filter(claims::event_id.eq(event_id))
        .filter(claims::status.ne("rejected"))
        .select((
            claims::id,
            articles::id,
            (
                article_versions::number,
                article_versions::created_at,
                article_versions::content_hash,
            ),
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
                claims::scope,
                claims::stage,
            ),
        ))
        .order(claims::id)
        .load(conn)?;
    let mut latest: HashMap<i64, i32> = HashMap::new();
    for r in &rows {
        let e = latest.entry(r.1).or_insert(r.2 .0);
        *e = (*e).max(r.2 .0);
    }
    let days = ReportDays::load(conn, event_id)?;
    Ok(rows
        .into_iter()
        .map(
            |(claim_id, article_id, (version, stored, hash), start, published, outlet, url, c)| {
                let (value, value_max, qualifier, measure, group, source, part_of, scope, stage) =
                    c;
                // an article with no published date of its own is dated by its address
                let published = reported_time(published, url.as_deref());
                // a later version was reported when it was stored (fetched or submitted),
                // whatever days its text names
                let (day, day_exact) = if version > 1 {
                    (
                        Some(reported_at(version, published, stored).date_naive()),
                        true,
                    )
                } else {
                    days.of(
                        article_id,
                        version,
                        start,
                        published.map(|p| p.date_naive()),
                    )
                };
                LinkClaim {
                    claim_id,
                    article_id,
                    version,
                    is_latest: latest.get(&article_id) == Some(&version),
                    position: start.max(0) as usize,
                    published: Some(linking_time(version, published, stored)),
                    ingest_seq: tie_break(published, &hash),
                    day,
                    day_exact,
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
                    scope,
                    stage: stage.and_then(|s| s.parse().ok()),
                }
            },
        )
        .collect())
}

/// The texts of an event's article versions, each with the latest weekday it names (read once,
/// when first needed), and the first day its articles date it by, for reading the day each
/// figure was reported ([`LinkClaim::day`]).
struct ReportDays {
    bodies: HashMap<(i64, i32), VersionText>,
    event_start: Option<NaiveDate>,
}

struct VersionText {
    body: String,
    latest_weekday: std::cell::OnceCell<Option<NaiveDate>>,
}

impl ReportDays {
    fn load(conn: &mut PgConnection, event_id: i64) -> QueryResult<Self> {
        let signature: serde_json::Value = events::table
            .find(event_id)
            .select(events::signature)
            .first(conn)?;
        let event_start = serde_json::from_value::<EventSignature>(signature)
            .ok()
            .and_then(|s| s.article_days.first().copied());
        let bodies: Vec<(i64, i32, String)> = article_versions::table
            .filter(
                article_versions::id.eq_any(
                    claims::table
                        .filter(claims::event_id.eq(event_id))
                        .select(claims::article_version_id),
                ),
            )
            .select((
                article_versions::article_id,
                article_versions::number,
                article_versions::body,
            ))
            .load(conn)?;
        Ok(ReportDays {
            bodies: bodies
                .into_iter()
                .map(|(a, n, body)| {
                    let latest_weekday = std::cell::OnceCell::new();
                    (
                        (a, n),
                        VersionText {
                            body,
                            latest_weekday,
                        },
                    )
                })
                .collect(),
            event_start,
        })
    }

    /// The day a first version's figure was reported: a weekday named in its sentence, else
    /// the article's own day (`own`: its publication or address day), else the latest weekday
    /// its text names (not exact: the report is from that day or later).
    fn of(
        &self,
        article_id: i64,
        version: i32,
        start: i32,
        own: Option<NaiveDate>,
    ) -> (Option<NaiveDate>, bool) {
        let Some(VersionText {
            body,
            latest_weekday,
        }) = self.bodies.get(&(article_id, version))
        else {
            return (own, own.is_some());
        };
        let at = start.max(0) as usize;
        let sentence = sentence_around(body, at, at);
        if let Some(day) = weekdays_named(sentence, own, self.event_start)
            .into_iter()
            .max()
            .or(own)
        {
            return (Some(day), true);
        }
        let bound = latest_weekday.get_or_init(|| {
            weekdays_named(body, None, self.event_start)
                .into_iter()
                .max()
        });
        (*bound, false)
    }
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.host_str().map(str::to_string)
}

#[derive(QueryableByName)]
struct FactKey {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    measure: String,
    #[diesel(sql_type = Text)]
    group_key: String,
}

/// Recomputes the facts of one event: upserts each (measure, group) fact — keeping its id and
/// review status — replaces its members, and removes facts no claim supports any more. A fixed
/// number of statements however large the event: each step is one array-valued statement.
pub fn relink_event(conn: &mut PgConnection, event_id: i64) -> QueryResult<Vec<Fact>> {
    let claims_in = link_claims(conn, event_id)?;
    let mut found = link_event(&claims_in, SourceDirectory::builtin());
    apply_overrides(conn, &mut found)?;
    let source_ids = upsert_sources(conn, &found)?;

    let column = |f: fn(&Fact) -> i64| found.iter().map(f).collect::<Vec<i64>>();
    let measures: Vec<&str> = found.iter().map(|f| f.measure.as_str()).collect();
    let groups: Vec<&str> = found.iter().map(|f| f.group.as_str()).collect();
    let conflicts: Vec<bool> = found.iter().map(|f| f.conflict).collect();
    let fact_keys: Vec<FactKey> = if found.is_empty() {
        Vec::new()
    } else {
        diesel::sql_query(
            "INSERT INTO facts (event_id, measure, group_key, low, low_claim_id, best, \
             best_claim_id, high, high_claim_id, is_conflict) \
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], \
             $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::boolean[]) \
             ON CONFLICT (event_id, measure, group_key) DO UPDATE SET \
             low = excluded.low, low_claim_id = excluded.low_claim_id, best = excluded.best, \
             best_claim_id = excluded.best_claim_id, high = excluded.high, \
             high_claim_id = excluded.high_claim_id, is_conflict = excluded.is_conflict, \
             updated_at = CURRENT_TIMESTAMP \
             RETURNING id, measure, group_key",
        )
        .bind::<BigInt, _>(event_id)
        .bind::<Array<Text>, _>(&measures)
        .bind::<Array<Text>, _>(&groups)
        .bind::<Array<BigInt>, _>(column(|f| f.low.value))
        .bind::<Array<BigInt>, _>(column(|f| f.low.claim_id))
        .bind::<Array<BigInt>, _>(column(|f| f.best.value))
        .bind::<Array<BigInt>, _>(column(|f| f.best.claim_id))
        .bind::<Array<BigInt>, _>(column(|f| f.high.value))
        .bind::<Array<BigInt>, _>(column(|f| f.high.claim_id))
        .bind::<Array<diesel::sql_types::Bool>, _>(&conflicts)
        .load(conn)?
    };
    let fact_id: HashMap<(&str, &str), i64> = fact_keys
        .iter()
        .map(|k| ((k.measure.as_str(), k.group_key.as_str()), k.id))
        .collect();
    let kept: Vec<i64> = fact_keys.iter().map(|k| k.id).collect();

    let mut members = MemberColumns::default();
    let mut claim_sources: (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
    for fact in &found {
        let Some(&id) = fact_id.get(&(fact.measure.as_str(), fact.group.as_str())) else {
            continue;
        };
        for m in &fact.members {
            let source_id = source_ids.get(&m.source_key).copied();
            members.push(id, m, source_id);
            if let Some(source_id) = source_id {
                claim_sources.0.push(m.claim_id);
                claim_sources.1.push(source_id);
            }
        }
    }
    // Members are diffed, not replaced: a relink that changes nothing writes nothing, and the
    // members' index does not fill with dead entries for an event relinked at every ingest.
    diesel::sql_query(
        "WITH v (fact_id, claim_id, role, reason, source_id, is_position) AS ( \
           SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], \
           $5::bigint[], $6::boolean[])), \
         gone AS (DELETE FROM fact_members m WHERE m.fact_id = ANY($7::bigint[]) \
           AND NOT EXISTS (SELECT 1 FROM v WHERE v.fact_id = m.fact_id AND v.claim_id = m.claim_id)) \
         INSERT INTO fact_members (fact_id, claim_id, role, reason, source_id, is_position) \
         SELECT * FROM v ON CONFLICT (fact_id, claim_id) DO UPDATE SET role = excluded.role, \
           reason = excluded.reason, source_id = excluded.source_id, \
           is_position = excluded.is_position \
         WHERE (fact_members.role, fact_members.reason, fact_members.source_id, \
           fact_members.is_position) IS DISTINCT FROM \
           (excluded.role, excluded.reason, excluded.source_id, excluded.is_position)",
    )
    .bind::<Array<BigInt>, _>(&members.fact_id)
    .bind::<Array<BigInt>, _>(&members.claim_id)
    .bind::<Array<Text>, _>(&members.role)
    .bind::<Array<Text>, _>(&members.reason)
    .bind::<Array<Nullable<BigInt>>, _>(&members.source_id)
    .bind::<Array<diesel::sql_types::Bool>, _>(&members.is_position)
    .bind::<Array<BigInt>, _>(&kept)
    .execute(conn)?;
    // One statement for all the event's claims, touching only rows whose source changed.
    if !claim_sources.0.is_empty() {
        diesel::sql_query(
            "UPDATE claims SET source_id = v.source_id \
             FROM (SELECT unnest($1::bigint[]) AS id, unnest($2::bigint[]) AS source_id) v \
             WHERE claims.id = v.id AND claims.source_id IS DISTINCT FROM v.source_id",
        )
        .bind::<Array<BigInt>, _>(&claim_sources.0)
        .bind::<Array<BigInt>, _>(&claim_sources.1)
        .execute(conn)?;
    }
    diesel::delete(
        facts::table
            .filter(facts::event_id.eq(event_id))
            .filter(facts::id.ne_all(&kept)),
    )
    .execute(conn)?;
    Ok(found)
}

/// The members of all an event's facts, column by column, for one `unnest` insert.
#[derive(Default)]
struct MemberColumns<'a> {
    fact_id: Vec<i64>,
    claim_id: Vec<i64>,
    role: Vec<&'static str>,
    reason: Vec<&'a str>,
    source_id: Vec<Option<i64>>,
    is_position: Vec<bool>,
}

impl<'a> MemberColumns<'a> {
    fn push(&mut self, fact_id: i64, m: &'a Member, source_id: Option<i64>) {
        self.fact_id.push(fact_id);
        self.claim_id.push(m.claim_id);
        self.role.push(m.role.as_str());
        self.reason.push(&m.reason);
        self.source_id.push(source_id);
        self.is_position.push(m.position);
    }
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

/// Makes sure every source named by the facts has a row; returns key → id. `DO NOTHING`
/// leaves existing rows unlocked, so concurrent ingests citing the same source do not queue.
fn upsert_sources(conn: &mut PgConnection, found: &[Fact]) -> QueryResult<HashMap<String, i64>> {
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for fact in found {
        for m in &fact.members {
            names.entry(&m.source_key).or_insert(&m.source_name);
        }
    }
    if names.is_empty() {
        return Ok(HashMap::new());
    }
    // Sorted keys: concurrent inserts of the same new sources wait in one order, never in a cycle.
    let keys: Vec<&str> = names.keys().copied().collect();
    let known: Vec<(i64, String)> = sources::table
        .filter(sources::source_key.eq_any(&keys))
        .select((sources::id, sources::source_key))
        .load(conn)?;
    let mut ids: HashMap<String, i64> = known.into_iter().map(|(id, k)| (k, id)).collect();
    let missing: Vec<(&str, &str)> = names
        .iter()
        .filter(|(k, _)| !ids.contains_key(**k))
        .map(|(k, n)| (*k, *n))
        .collect();
    if missing.is_empty() {
        return Ok(ids);
    }
    let kinds: Vec<&str> = missing
        .iter()
        .map(|(k, _)| {
            if k.starts_with("outlet:") {
                "media"
            } else {
                "other"
            }
        })
        .collect();
    let new_keys: Vec<&str> = missing.iter().map(|(k, _)| *k).collect();
    let new_names: Vec<&str> = missing.iter().map(|(_, n)| *n).collect();
    diesel::sql_query(
        "INSERT INTO sources (source_key, name, kind) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
    )
    .bind::<Array<Text>, _>(&new_keys)
    .bind::<Array<Text>, _>(&new_names)
    .bind::<Array<Text>, _>(&kinds)
    .execute(conn)?;
    let added: Vec<(i64, String)> = sources::table
        .filter(sources::source_key.eq_any(&new_keys))
        .select((sources::id, sources::source_key))
        .load(conn)?;
    ids.extend(added.into_iter().map(|(id, k)| (k, id)));
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2018, 5, day, hour, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn a_first_version_is_dated_by_its_publication_a_revision_by_when_it_was_seen() {
        assert_eq!(reported_at(1, Some(at(27, 9)), at(30, 8)), at(27, 9));
        assert_eq!(reported_at(1, None, at(30, 8)), at(30, 8));
        assert_eq!(reported_at(2, Some(at(27, 9)), at(30, 8)), at(30, 8));
        // never before the article's own publication
        assert_eq!(reported_at(2, Some(at(27, 9)), at(26, 8)), at(27, 9));
    }

    #[test]
    fn revisions_seen_the_same_day_tie_and_are_ordered_by_their_articles_times() {
        let a = linking_time(2, Some(at(27, 10)), at(30, 8));
        let b = linking_time(
            2,
            Some(at(27, 12)),
            at(30, 8) + chrono::Duration::seconds(3),
        );
        assert_eq!(a, b, "seconds apart, the same day");
        assert!(
            a > at(30, 23).naive_utc(),
            "a revision beats what was published that day"
        );
        assert!(tie_break(Some(at(27, 10)), "ffff") < tie_break(Some(at(27, 12)), "0000"));
        assert_ne!(tie_break(None, "a0000"), tie_break(None, "b0000"));
    }
}
