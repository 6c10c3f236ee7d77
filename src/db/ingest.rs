//! Storing a submission: article, version and extracted claims in one transaction.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text};
use serde::Serialize;

use super::linking::{self, VersionToLink};
use super::models::NewClaim;
use super::schema::{article_versions, articles, claims, outlets, pending_versions};
use crate::domain::extract::Extractor;
use crate::domain::linking::EventSignature;
use crate::domain::origin::VersionOrigin;
use crate::domain::pipeline::read_claims;
use crate::domain::quote::sentence_around;
use crate::domain::search_text::tsvector;
use crate::domain::submission::{content_hash, outlet_key, Submission};
use crate::domain::ExtractedClaim;

/// What a submission led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestStatus {
    /// A new article with its first version.
    NewArticle,
    /// A new version of an article with the same url.
    NewVersion,
    /// The url's article already has this text: nothing stored.
    Unchanged,
    /// No url, and this text is already stored as a version of some article: nothing stored.
    Duplicate,
    /// Anonymous text for a url already stored: kept apart for a reviewer (`pending_versions`),
    /// not a version.
    Pending,
}

impl IngestStatus {
    pub fn created(self) -> bool {
        matches!(self, IngestStatus::NewArticle | IngestStatus::NewVersion)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StoredClaim {
    pub id: i64,
    #[serde(flatten)]
    pub claim: ExtractedClaim,
    pub quote: String,
}

/// Who brings a text, which decides whether it may revise a stored article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provenance {
    pub origin: VersionOrigin,
    /// The signed-in submitter, if any.
    pub submitted_by: Option<i64>,
    /// A reviewer accepted this text (a pending submission): it may revise whatever its origin.
    pub accepted: bool,
}

impl Provenance {
    pub fn new(origin: VersionOrigin, submitted_by: Option<i64>) -> Self {
        Provenance {
            origin,
            submitted_by,
            accepted: false,
        }
    }

    /// Pasted text: signed in when there is a submitter, else anonymous.
    pub fn pasted(submitted_by: Option<i64>) -> Self {
        Provenance::new(VersionOrigin::pasted(submitted_by.is_some()), submitted_by)
    }

    /// The trusted bulk import.
    pub fn imported() -> Self {
        Provenance::new(VersionOrigin::Imported, None)
    }

    fn may_revise(&self) -> bool {
        self.accepted || self.origin.may_revise()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IngestOutcome {
    pub status: IngestStatus,
    pub article_id: i64,
    /// The version created, or the stored version the text is identical to (the latest
    /// version when the text is pending).
    pub version: i32,
    pub version_id: i64,
    /// The event the article is attached to (`None` when nothing was stored).
    pub event_id: Option<i64>,
    /// The claims stored with a new version (empty when nothing was stored).
    pub claims: Vec<StoredClaim>,
    /// The pending submission the text was kept as (`IngestStatus::Pending`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_id: Option<i64>,
}

/// The database-free part of an ingest — hashing, extraction, the search vector — done
/// before a transaction opens (and, in a bulk import, on another thread).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub submission: Submission,
    hash: String,
    search_vector: String,
    claims: Vec<ExtractedClaim>,
    signature: EventSignature,
    place_locks: Vec<String>,
}

impl Prepared {
    /// The sorted keys of the places whose linking this article waits for.
    pub fn place_locks(&self) -> &[String] {
        &self.place_locks
    }
}

/// Reads `submission` for storing.
pub fn prepare(submission: Submission, extractor: &Extractor) -> Prepared {
    let claims = read_claims(extractor, &linking::gazetteer(), &submission.text);
    let signature = linking::signature_of(
        &submission.text,
        &submission.lang,
        submission.published,
        submission.url.as_deref(),
        &claims,
    );
    Prepared {
        hash: content_hash(&submission.text),
        search_vector: tsvector(&submission.text),
        place_locks: linking::place_locks(&signature),
        signature,
        claims,
        submission,
    }
}

/// Stores a [`prepare`]d submission unless its text is already stored (see `IngestStatus`),
/// retried when PostgreSQL broke a deadlock. The version and its claims are written in one
/// transaction; concurrent submissions of one url are serialised on the article row, and
/// url-less ones on an advisory lock keyed by the text's hash.
pub fn ingest_prepared(
    conn: &mut PgConnection,
    prepared: &Prepared,
    provenance: &Provenance,
) -> QueryResult<IngestOutcome> {
    let mut attempt = 1;
    loop {
        match ingest_batch(conn, std::slice::from_ref(prepared), provenance) {
            Ok(mut outcomes) => return Ok(outcomes.remove(0)),
            Err(e) if attempt < ATTEMPTS && is_transient(&e) => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

/// A transaction PostgreSQL aborted to break a deadlock (or a serialization failure) is tried
/// again this many times in all: nothing of it was stored, and the retry usually just waits.
pub const ATTEMPTS: u32 = 3;

/// Whether `e` is a deadlock or serialization failure, which a retry resolves.
pub fn is_transient(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => info.message().contains("deadlock detected"),
        _ => false,
    }
}

/// Stores several prepared submissions in one transaction, in order, and relinks each event
/// they touched once at the end — the bulk import's path. The linking outcome is the same as
/// ingesting them one by one: a relink recomputes its event from all its claims. When any item
/// fails, nothing of the batch is stored (the caller retries the items one by one).
///
/// Two phases. First the article and version rows, which no other ingest waits for (except one
/// of the same url, on its article row), so concurrent batches overlap there. Then the linking,
/// after taking the place locks of every new version at once (see [`linking::attach`]).
pub fn ingest_batch(
    conn: &mut PgConnection,
    items: &[Prepared],
    provenance: &Provenance,
) -> QueryResult<Vec<IngestOutcome>> {
    conn.transaction(|conn| {
        let mut outcomes = Vec::with_capacity(items.len());
        for item in items {
            outcomes.push(store_version(conn, item, provenance)?);
        }
        let locks: Vec<String> = items
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| o.status.created())
            .flat_map(|(item, _)| item.place_locks.iter().cloned())
            .collect();
        linking::lock_places(conn, &locks)?;
        let mut touched = std::collections::BTreeSet::new();
        for (item, outcome) in items.iter().zip(outcomes.iter_mut()) {
            if outcome.status.created() {
                link_version(conn, item, outcome)?;
                touched.extend(outcome.event_id);
            }
        }
        for event_id in touched {
            linking::relink_event(conn, event_id)?;
        }
        Ok(outcomes)
    })
}

/// Phase one of [`ingest_batch`] for one submission: the article and version rows (or nothing
/// when the text is already stored).
fn store_version(
    conn: &mut PgConnection,
    prepared: &Prepared,
    provenance: &Provenance,
) -> QueryResult<IngestOutcome> {
    let submission = &prepared.submission;
    let hash = &prepared.hash;
    let outlet_id = match &submission.outlet {
        Some(name) => Some(upsert_outlet(conn, name)?),
        None => None,
    };
    let (article_id, status) = match &submission.url {
        Some(url) => {
            let inserted = diesel::insert_into(articles::table)
                .values(new_article(submission, outlet_id, Some(url)))
                .on_conflict(articles::url)
                .do_nothing()
                .returning(articles::id)
                .get_result::<i64>(conn)
                .optional()?;
            match inserted {
                Some(id) => (id, IngestStatus::NewArticle),
                None => {
                    // Lock the article so concurrent submissions number versions one by one.
                    let id = articles::table
                        .filter(articles::url.eq(url))
                        .select(articles::id)
                        .for_update()
                        .first::<i64>(conn)?;
                    if let Some((number, version_id)) = version_with_hash(conn, id, hash)? {
                        return Ok(unchanged(IngestStatus::Unchanged, id, number, version_id));
                    }
                    if !provenance.may_revise() {
                        return hold_for_review(conn, id, prepared);
                    }
                    update_article(conn, id, submission, outlet_id)?;
                    (id, IngestStatus::NewVersion)
                }
            }
        }
        None => {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<Text, _>(hash)
                .execute(conn)?;
            let existing = article_versions::table
                .filter(article_versions::content_hash.eq(hash))
                .order(article_versions::id)
                .select((
                    article_versions::article_id,
                    article_versions::number,
                    article_versions::id,
                ))
                .first::<(i64, i32, i64)>(conn)
                .optional()?;
            if let Some((article_id, number, version_id)) = existing {
                return Ok(unchanged(
                    IngestStatus::Duplicate,
                    article_id,
                    number,
                    version_id,
                ));
            }
            let id = diesel::insert_into(articles::table)
                .values(new_article(submission, outlet_id, None))
                .returning(articles::id)
                .get_result::<i64>(conn)?;
            (id, IngestStatus::NewArticle)
        }
    };
    let number = match status {
        IngestStatus::NewArticle => 1,
        _ => next_version_number(conn, article_id)?,
    };
    let version_id = insert_version(conn, article_id, number, prepared, provenance)?;
    Ok(IngestOutcome {
        status,
        article_id,
        version: number,
        version_id,
        event_id: None,
        claims: Vec::new(),
        pending_id: None,
    })
}

/// Keeps anonymous text for a stored article apart, for a reviewer: the article and its
/// versions are untouched. The same text twice is one pending submission.
fn hold_for_review(
    conn: &mut PgConnection,
    article_id: i64,
    prepared: &Prepared,
) -> QueryResult<IngestOutcome> {
    let s = &prepared.submission;
    let pending_id = diesel::insert_into(pending_versions::table)
        .values((
            pending_versions::article_id.eq(article_id),
            pending_versions::body.eq(&s.text),
            pending_versions::content_hash.eq(&prepared.hash),
            pending_versions::title.eq(&s.title),
            pending_versions::language.eq(&s.lang),
            pending_versions::outlet.eq(s.outlet.as_deref()),
            pending_versions::published_at.eq(s.published),
        ))
        .on_conflict((pending_versions::article_id, pending_versions::content_hash))
        .do_update()
        .set(
            pending_versions::article_id.eq(diesel::upsert::excluded(pending_versions::article_id)),
        )
        .returning(pending_versions::id)
        .get_result::<i64>(conn)?;
    let (number, version_id) = article_versions::table
        .filter(article_versions::article_id.eq(article_id))
        .order(article_versions::number.desc())
        .select((article_versions::number, article_versions::id))
        .first::<(i32, i64)>(conn)?;
    let mut outcome = unchanged(IngestStatus::Pending, article_id, number, version_id);
    outcome.pending_id = Some(pending_id);
    Ok(outcome)
}

/// Phase two of [`ingest_batch`] for one new version: its event, then its claims.
fn link_version(
    conn: &mut PgConnection,
    prepared: &Prepared,
    outcome: &mut IngestOutcome,
) -> QueryResult<()> {
    let submission = &prepared.submission;
    let event_id = linking::attach(
        conn,
        &VersionToLink {
            article_id: outcome.article_id,
            has_earlier_versions: outcome.version > 1,
            title: &submission.title,
            published: submission.published,
            url: submission.url.as_deref(),
            signature: &prepared.signature,
        },
    )?;
    outcome.claims = store_claims(
        conn,
        outcome.version_id,
        event_id,
        &submission.text,
        &prepared.claims,
    )?;
    outcome.event_id = Some(event_id);
    Ok(())
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The version row, with its search vector (built by claimdb, given in `tsvector` syntax).
fn insert_version(
    conn: &mut PgConnection,
    article_id: i64,
    number: i32,
    prepared: &Prepared,
    provenance: &Provenance,
) -> QueryResult<i64> {
    let row: Id = diesel::sql_query(
        "INSERT INTO article_versions \
         (article_id, number, body, content_hash, submitted_by, search_vector, origin) \
         VALUES ($1, $2, $3, $4, $5, $6::tsvector, $7) RETURNING id",
    )
    .bind::<BigInt, _>(article_id)
    .bind::<Integer, _>(number)
    .bind::<Text, _>(&prepared.submission.text)
    .bind::<Text, _>(&prepared.hash)
    .bind::<Nullable<BigInt>, _>(provenance.submitted_by)
    .bind::<Text, _>(&prepared.search_vector)
    .bind::<Text, _>(provenance.origin.as_str())
    .get_result(conn)?;
    Ok(row.id)
}

fn unchanged(
    status: IngestStatus,
    article_id: i64,
    version: i32,
    version_id: i64,
) -> IngestOutcome {
    IngestOutcome {
        status,
        article_id,
        version,
        version_id,
        event_id: None,
        claims: Vec::new(),
        pending_id: None,
    }
}

#[allow(clippy::type_complexity)]
fn new_article<'a>(
    s: &'a Submission,
    outlet_id: Option<i64>,
    url: Option<&'a String>,
) -> (
    diesel::dsl::Eq<articles::url, Option<&'a String>>,
    diesel::dsl::Eq<articles::url_as_given, Option<&'a String>>,
    diesel::dsl::Eq<articles::outlet_id, Option<i64>>,
    diesel::dsl::Eq<articles::language, &'a String>,
    diesel::dsl::Eq<articles::title, &'a String>,
    diesel::dsl::Eq<articles::published_at, Option<chrono::DateTime<chrono::Utc>>>,
) {
    (
        articles::url.eq(url),
        articles::url_as_given.eq(s.url_as_given.as_ref()),
        articles::outlet_id.eq(outlet_id),
        articles::language.eq(&s.lang),
        articles::title.eq(&s.title),
        articles::published_at.eq(s.published),
    )
}

/// A new version may bring a new headline; metadata given now wins over what was stored. One
/// statement: a row updated twice in a transaction re-checks its foreign keys, locking the event.
fn update_article(
    conn: &mut PgConnection,
    id: i64,
    s: &Submission,
    outlet_id: Option<i64>,
) -> QueryResult<()> {
    diesel::update(articles::table.find(id))
        .set((
            articles::title.eq(&s.title),
            articles::language.eq(&s.lang),
            articles::updated_at.eq(diesel::dsl::now),
            articles::outlet_id.eq(diesel::dsl::sql::<diesel::sql_types::Nullable<BigInt>>(
                "COALESCE(",
            )
            .bind::<Nullable<BigInt>, _>(outlet_id)
            .sql(", outlet_id)")),
            articles::published_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("COALESCE(")
            .bind::<Nullable<diesel::sql_types::Timestamptz>, _>(s.published)
            .sql(", published_at)")),
        ))
        .execute(conn)?;
    Ok(())
}

/// The outlet's id, adding it when new. Looked up first: `DO NOTHING` and a plain select leave
/// the row unlocked, so concurrent ingests from one outlet do not queue behind each other.
pub fn upsert_outlet(conn: &mut PgConnection, name: &str) -> QueryResult<i64> {
    let key = outlet_key(name);
    let find = |conn: &mut PgConnection| {
        outlets::table
            .filter(outlets::name_key.eq(&key))
            .select(outlets::id)
            .first::<i64>(conn)
            .optional()
    };
    if let Some(id) = find(conn)? {
        return Ok(id);
    }
    let inserted = diesel::insert_into(outlets::table)
        .values((outlets::name.eq(name), outlets::name_key.eq(&key)))
        .on_conflict(outlets::name_key)
        .do_nothing()
        .returning(outlets::id)
        .get_result::<i64>(conn)
        .optional()?;
    match inserted {
        Some(id) => Ok(id),
        None => find(conn)?.ok_or(diesel::result::Error::NotFound),
    }
}

fn version_with_hash(
    conn: &mut PgConnection,
    article_id: i64,
    hash: &str,
) -> QueryResult<Option<(i32, i64)>> {
    article_versions::table
        .filter(article_versions::article_id.eq(article_id))
        .filter(article_versions::content_hash.eq(hash))
        .select((article_versions::number, article_versions::id))
        .first(conn)
        .optional()
}

fn next_version_number(conn: &mut PgConnection, article_id: i64) -> QueryResult<i32> {
    let max: Option<i32> = article_versions::table
        .filter(article_versions::article_id.eq(article_id))
        .select(diesel::dsl::max(article_versions::number))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// Inserts the claims of one version in order, then links each part to its whole.
pub fn store_claims(
    conn: &mut PgConnection,
    version_id: i64,
    event_id: i64,
    text: &str,
    extracted: &[ExtractedClaim],
) -> QueryResult<Vec<StoredClaim>> {
    let quotes: Vec<&str> = extracted
        .iter()
        .map(|c| sentence_around(text, c.start, c.end))
        .collect();
    let rows: Vec<NewClaim> = extracted
        .iter()
        .zip(&quotes)
        .enumerate()
        .map(|(i, (c, quote))| NewClaim {
            article_version_id: version_id,
            event_id: Some(event_id),
            position: i as i32,
            value: c.value,
            value_max: c.value_max,
            qualifier: c.qualifier.as_str(),
            measure: c.measure.as_str(),
            group_key: &c.group,
            subject: c.subject.as_deref(),
            source_text: c.source.as_deref(),
            span_start: c.start as i32,
            span_end: c.end as i32,
            quote,
            origin: "extracted",
            scope: c.scope.as_deref(),
            stage: c.stage.map(|s| s.as_str()),
        })
        .collect();
    let ids: Vec<i64> = if rows.is_empty() {
        Vec::new()
    } else {
        diesel::insert_into(claims::table)
            .values(&rows)
            .returning(claims::id)
            .get_results(conn)?
    };
    // Parts point at their whole within the same version: one statement for all of them.
    let (parts, wholes): (Vec<i64>, Vec<i64>) = extracted
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((ids[i], *ids.get(c.part_of?)?)))
        .unzip();
    if !parts.is_empty() {
        diesel::sql_query(
            "UPDATE claims SET part_of_id = v.whole \
             FROM (SELECT unnest($1::bigint[]) AS id, unnest($2::bigint[]) AS whole) v \
             WHERE claims.id = v.id",
        )
        .bind::<Array<BigInt>, _>(&parts)
        .bind::<Array<BigInt>, _>(&wholes)
        .execute(conn)?;
    }
    Ok(ids
        .into_iter()
        .zip(extracted.iter().cloned())
        .zip(quotes)
        .map(|((id, claim), quote)| StoredClaim {
            id,
            claim,
            quote: quote.to_string(),
        })
        .collect())
}
