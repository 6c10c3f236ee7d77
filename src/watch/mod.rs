//! Watching addresses (issue 10): fetch a watched page, read its article, send the text through
//! the same ingest path as the form, and record the fetch; run whatever is due.
//!
//! No web types: `claimdb watch`, the watcher inside `claimdb serve`, the form, the JSON API and
//! the import all call in. The queue itself is `db::watch`; when to check next is `schedule`.

pub mod schedule;
pub mod worker;

use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveTime, Utc};

use crate::db::ingest::{self, IngestOutcome, IngestStatus};
use crate::db::watch::{self as queue, FetchOutcome, FetchRecord, NextCheck, Watch};
use crate::db::DbPool;
use crate::domain::extract::Extractor;
use crate::domain::origin::VersionOrigin;
use crate::domain::submission::{self, AddressSubmission, PageArticle, Submission};
use crate::fetch::{self, FetchError, Fetched, FetchedPage, Fetcher, Validators};

pub use crate::config::{WatchSettings, DEFAULT_MAX_AGE_DAYS};

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error("no database connection: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("a background task failed: {0}")]
    Task(String),
}

/// What one check of a watch came to.
#[derive(Debug, Clone)]
pub struct Checked {
    pub watch_id: i64,
    pub fetch_id: i64,
    pub outcome: FetchOutcome,
    /// Why a failed check failed.
    pub error: Option<String>,
    /// The ingest of the page's text (absent for failures and 304s).
    pub ingest: Option<IngestOutcome>,
    pub next: NextCheck,
}

/// Fetches `watch` (conditionally, with the validators of its last page once it has an
/// article) and stores what came: see [`store_fetched`]. Versions it creates have no submitter.
pub async fn fetch_and_store(
    pool: &DbPool,
    fetcher: &Fetcher,
    extractor: Arc<Extractor>,
    watch: &Watch,
    settings: &WatchSettings,
) -> Result<Checked, WatchError> {
    let validators = if watch.article_id.is_some() {
        Validators {
            etag: watch.etag.clone(),
            last_modified: watch.last_modified.clone(),
        }
    } else {
        Validators::default()
    };
    let fetched = fetcher.fetch(&watch.url, &validators).await;
    let given = given_by(watch, None);
    store_fetched(pool, extractor, watch, fetched, &given, None, settings).await
}

/// What the submitter said of a watch's address, for the pages that do not say it.
fn given_by(watch: &Watch, submitted: Option<&AddressSubmission>) -> AddressSubmission {
    AddressSubmission {
        url: watch.url.clone(),
        title: submitted.and_then(|s| s.title.clone()),
        outlet: watch.outlet.clone(),
        published: watch
            .published
            .map(|d| d.and_time(NaiveTime::MIN).and_utc())
            .or_else(|| submitted.and_then(|s| s.published)),
        lang: submitted.and_then(|s| s.lang.clone()),
    }
}

/// Stores the result of fetching `watch`: a page's article goes through the ingest path (a
/// changed text becomes a new version, extracted and linked; a known text changes nothing), then
/// the fetch is recorded with the raw HTML gzipped beside the version, and the watch moves on to
/// its next check. A failed fetch, or a page with no article text, is recorded as failed with
/// its reason and retried later: never an empty version.
pub async fn store_fetched(
    pool: &DbPool,
    extractor: Arc<Extractor>,
    watch: &Watch,
    fetched: Result<Fetched, FetchError>,
    given: &AddressSubmission,
    submitted_by: Option<i64>,
    settings: &WatchSettings,
) -> Result<Checked, WatchError> {
    let page = match fetched {
        Err(e) => {
            let record = FetchRecord {
                http_status: match e {
                    FetchError::Status(status) => Some(i32::from(status)),
                    _ => None,
                },
                error: Some(e.to_string()),
                ..FetchRecord::default()
            };
            return finish(pool, watch, FetchOutcome::Failed, record, None, settings).await;
        }
        Ok(Fetched::NotModified) if watch.article_id.is_some() => {
            let record = FetchRecord {
                http_status: Some(304),
                ..FetchRecord::default()
            };
            return finish(
                pool,
                watch,
                FetchOutcome::NotModified,
                record,
                None,
                settings,
            )
            .await;
        }
        Ok(Fetched::NotModified) => {
            let record = FetchRecord {
                http_status: Some(304),
                error: Some("the site answered 304 Not Modified to a plain request".into()),
                ..FetchRecord::default()
            };
            return finish(pool, watch, FetchOutcome::Failed, record, None, settings).await;
        }
        Ok(Fetched::Page(page)) => page,
    };
    let given = given.clone();
    let max_text_bytes = settings.max_text_bytes;
    // Reading, extraction and compression are CPU work: off the async threads, and before a
    // connection is taken.
    let (mut record, prepared) = blocking(move || {
        let prepared = read_page(&page, &given, max_text_bytes)
            .map(|submission| ingest::prepare(submission, &extractor));
        (page_record(&page), prepared)
    })
    .await?;
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(reason) => {
            record.error = Some(reason);
            return finish(pool, watch, FetchOutcome::Failed, record, None, settings).await;
        }
    };
    let ingested = with_conn(pool, move |conn| {
        let provenance = ingest::Provenance::new(VersionOrigin::Fetched, submitted_by);
        Ok(ingest::ingest_prepared(conn, &prepared, &provenance)?)
    })
    .await?;
    let outcome = match ingested.status {
        IngestStatus::NewArticle => FetchOutcome::NewArticle,
        IngestStatus::NewVersion => FetchOutcome::NewVersion,
        IngestStatus::Unchanged | IngestStatus::Duplicate | IngestStatus::Pending => {
            FetchOutcome::Unchanged
        }
    };
    record.article_id = Some(ingested.article_id);
    record.article_version_id = Some(ingested.version_id);
    finish(pool, watch, outcome, record, Some(ingested), settings).await
}

/// The article of a fetched page as a submission, or why there is none.
fn read_page(
    page: &FetchedPage,
    given: &AddressSubmission,
    max_text_bytes: usize,
) -> Result<Submission, String> {
    let article = fetch::read_article(&page.html, &page.final_url).map_err(|e| e.to_string())?;
    let fields = PageArticle {
        title: &article.title,
        text: &article.text,
        site_name: article.site_name.as_deref(),
        published: article.published,
        lang: article.lang.as_deref(),
    };
    submission::page_submission(given, &fields, max_text_bytes).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.field.as_str(), e.message))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// What a fetched page leaves as evidence, whatever comes of it.
fn page_record(page: &FetchedPage) -> FetchRecord {
    FetchRecord {
        final_url: Some(page.final_url.clone()),
        http_status: Some(i32::from(page.status)),
        content_type: page.content_type.clone(),
        html_gzip: gzip(&page.raw),
        etag: page.etag.clone(),
        last_modified: page.last_modified.clone(),
        ..FetchRecord::default()
    }
}

fn gzip(raw: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(raw).ok()?;
    encoder.finish().ok()
}

/// Records the fetch and schedules the watch's next check.
async fn finish(
    pool: &DbPool,
    watch: &Watch,
    outcome: FetchOutcome,
    record: FetchRecord,
    ingest: Option<IngestOutcome>,
    settings: &WatchSettings,
) -> Result<Checked, WatchError> {
    let next = schedule::next_check(
        outcome,
        watch.step,
        watch.failures,
        watch.created_at,
        Utc::now(),
        settings.max_age,
    );
    let error = record.error.clone();
    let row = watch.clone();
    let fetch_id = with_conn(pool, move |conn| {
        Ok(queue::record_fetch(conn, &row, outcome, &record, next)?)
    })
    .await?;
    Ok(Checked {
        watch_id: watch.id,
        fetch_id,
        outcome,
        error,
        ingest,
        next,
    })
}

/// What came of an address submitted for fetching.
#[derive(Debug)]
pub enum AddressOutcome {
    /// The page's article is stored (or was already): `checked.ingest` says how.
    Stored { watch: Watch, checked: Checked },
    /// The page could not be fetched or read. The address is kept as a watch and retried only
    /// when a trusted submitter (signed in, or the import) asked; else nothing is kept.
    Failed { watch: Option<Watch>, error: String },
    /// The address may not be fetched at all (not http(s), a private address): nothing kept.
    Refused(FetchError),
}

/// Fetches a submitted address now and stores its article through the ingest path, watching
/// the address from then on (active, on the backing-off schedule). An address that may never
/// be fetched is refused and not kept. A page that cannot be had or read is kept as a watch
/// without an article and retried later when `keep_failures` (a signed-in user or the import
/// asked); an anonymous submission gets a watch only once its fetch yields an article, so
/// anyone cannot make the server retry any address for weeks.
pub async fn submit_address(
    pool: &DbPool,
    fetcher: &Fetcher,
    extractor: Arc<Extractor>,
    address: &AddressSubmission,
    submitted_by: Option<i64>,
    keep_failures: bool,
    settings: &WatchSettings,
) -> Result<AddressOutcome, WatchError> {
    let fetched = fetcher.fetch(&address.url, &Validators::default()).await;
    if let Err(e) = &fetched {
        if e.is_permanent() {
            return Ok(AddressOutcome::Refused(e.clone()));
        }
    }
    if !keep_failures {
        if let Some(error) = why_no_article(&fetched, address, settings.max_text_bytes).await? {
            tracing::info!(url = %address.url, %error, "an anonymous fetch gave no article; not watched");
            return Ok(AddressOutcome::Failed { watch: None, error });
        }
    }
    let (url, outlet, published) = (
        address.url.clone(),
        address.outlet.clone(),
        address.published.map(|d| d.date_naive()),
    );
    let lease = settings.lease;
    let watch = with_conn(pool, move |conn| {
        Ok(queue::watch_address(
            conn,
            &url,
            outlet.as_deref(),
            published,
            submitted_by,
            lease,
        )?)
    })
    .await?;
    let given = given_by(&watch, Some(address));
    let checked = store_fetched(
        pool,
        extractor,
        &watch,
        fetched,
        &given,
        submitted_by,
        settings,
    )
    .await?;
    let watch = refreshed(pool, watch.id).await?;
    Ok(if checked.outcome == FetchOutcome::Failed {
        AddressOutcome::Failed {
            watch: Some(watch),
            error: checked.error.unwrap_or_default(),
        }
    } else {
        AddressOutcome::Stored { watch, checked }
    })
}

/// Why a first fetch gives no article (`None` when it gives one), as `store_fetched` would
/// record it.
async fn why_no_article(
    fetched: &Result<Fetched, FetchError>,
    address: &AddressSubmission,
    max_text_bytes: usize,
) -> Result<Option<String>, WatchError> {
    match fetched {
        Err(e) => Ok(Some(e.to_string())),
        Ok(Fetched::NotModified) => Ok(Some(
            "the site answered 304 Not Modified to a plain request".into(),
        )),
        Ok(Fetched::Page(page)) => {
            let (page, given) = (page.clone(), address.clone());
            blocking(move || read_page(&page, &given, max_text_bytes).err()).await
        }
    }
}

async fn refreshed(pool: &DbPool, id: i64) -> Result<Watch, WatchError> {
    with_conn(pool, move |conn| Ok(queue::find(conn, id)?)).await
}

/// Totals of a run of the due watches.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub checked: usize,
    pub new_articles: usize,
    pub new_versions: usize,
    pub unchanged: usize,
    pub not_modified: usize,
    pub failed: usize,
}

impl Summary {
    fn add(&mut self, outcome: FetchOutcome) {
        self.checked += 1;
        match outcome {
            FetchOutcome::NewArticle => self.new_articles += 1,
            FetchOutcome::NewVersion => self.new_versions += 1,
            FetchOutcome::Unchanged => self.unchanged += 1,
            FetchOutcome::NotModified => self.not_modified += 1,
            FetchOutcome::Failed => self.failed += 1,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} checked: {} new articles, {} new versions, {} unchanged, {} not modified, {} failed",
            self.checked,
            self.new_articles,
            self.new_versions,
            self.unchanged,
            self.not_modified,
            self.failed
        )
    }
}

/// Checks every watch due now, `settings.batch` leased at a time, until none is left due. A
/// watch that another worker holds is not touched; one whose storing failed stays leased and
/// comes due again when its lease runs out.
pub async fn run_due(
    pool: &DbPool,
    fetcher: &Fetcher,
    extractor: Arc<Extractor>,
    settings: &WatchSettings,
) -> Result<Summary, WatchError> {
    let mut summary = Summary::default();
    let limit = settings.batch.max(1);
    // The batch is fetched one watch after another: the lease must outlast every fetch of it
    // timing out, or another worker would take the last watches while this one still works.
    let per_watch = Duration::from_std(fetcher.settings().timeout).unwrap_or(Duration::minutes(1))
        + Duration::seconds(30);
    let lease = settings.lease.max(per_watch * limit as i32);
    loop {
        let due = with_conn(pool, move |conn| Ok(queue::lease_due(conn, limit, lease)?)).await?;
        if due.is_empty() {
            return Ok(summary);
        }
        for watch in &due {
            match fetch_and_store(pool, fetcher, extractor.clone(), watch, settings).await {
                Ok(checked) => {
                    tracing::info!(
                        watch.id = watch.id,
                        watch.url = %watch.url,
                        outcome = checked.outcome.as_str(),
                        error = checked.error.as_deref().unwrap_or(""),
                        "watched page checked"
                    );
                    summary.add(checked.outcome);
                }
                Err(e) => {
                    tracing::error!(watch.id = watch.id, error = %e, "watched page not stored");
                    summary.checked += 1;
                    summary.failed += 1;
                }
            }
        }
    }
}

/// When the next watch is due (`None`: nothing is watched).
pub async fn next_due(pool: &DbPool) -> Result<Option<DateTime<Utc>>, WatchError> {
    with_conn(pool, |conn| Ok(queue::next_due(conn)?)).await
}

/// Runs blocking work on the runtime's blocking threads.
async fn blocking<T, F>(f: F) -> Result<T, WatchError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| WatchError::Task(e.to_string()))
}

/// Runs database work with a pooled connection on the blocking threads.
pub(crate) async fn with_conn<T, F>(pool: &DbPool, f: F) -> Result<T, WatchError>
where
    F: FnOnce(&mut diesel::PgConnection) -> Result<T, WatchError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    blocking(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}
