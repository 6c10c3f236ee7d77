//! `claimdb import`: .txt files (with optional `NAME.json` sidecars), folders of them, and
//! .jsonl files, through the same ingest path as the web form.

use std::collections::HashMap;
use std::fs;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use diesel::PgConnection;

use crate::db::DbPool;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

use crate::db::ingest::{self, IngestOutcome, IngestStatus, Prepared};
use crate::domain::extract::Extractor;
use crate::domain::submission::{self, RawSubmission, Submission};

/// Metadata keys read from a sidecar or a .jsonl line; other keys are ignored.
#[derive(Debug, Default, Deserialize)]
struct Meta {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    published: Option<serde_json::Value>,
    #[serde(default)]
    lang: Option<String>,
}

impl Meta {
    fn into_raw(self, text: Option<String>) -> RawSubmission {
        RawSubmission {
            text: text.or(self.text),
            title: self.title,
            url: self.url,
            outlet: self.outlet,
            // Accept a date string, or anything else as its JSON text (then refused by validation).
            published: self.published.and_then(|p| match p {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                other => Some(other.to_string()),
            }),
            lang: self.lang,
        }
    }
}

/// Totals printed at the end.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub new_articles: usize,
    pub new_versions: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    pub failed: usize,
    pub claims: usize,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} new articles, {} new versions, {} unchanged, {} duplicates, {} failed ({} claims stored)",
            self.new_articles, self.new_versions, self.unchanged, self.duplicates, self.failed, self.claims
        )
    }
}

/// The files to read, in order: folders expand to their `.txt` and `.jsonl` files by name.
pub fn collect_files(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        collect_into(path, &mut files, true)?;
    }
    Ok(files)
}

fn collect_into(path: &Path, files: &mut Vec<PathBuf>, explicit: bool) -> io::Result<()> {
    let meta = fs::metadata(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            collect_into(&entry, files, false)?;
        }
    } else if is_article_file(path) || explicit {
        files.push(path.to_path_buf());
    }
    Ok(())
}

fn is_article_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("txt") | Some("jsonl")
    )
}

/// Where progress and per-item results go: a bar on a terminal, plain lines otherwise.
struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(total_bytes: u64) -> Self {
        let bar = io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total_bytes);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {msg} [{elapsed_precise}, eta {eta}]",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => {
                let _ = writeln!(io::stderr(), "{text}");
            }
        }
    }

    fn advance(&self, bytes: u64, summary: &ImportSummary) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            bar.set_message(format!(
                "{} new, {} versions, {} failed",
                summary.new_articles, summary.new_versions, summary.failed
            ));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// At most this many articles are stored in one transaction. Large enough that commits and the
/// relinks of an event reported by several articles in a row are shared, small enough that a
/// batch holds its locks briefly.
const BATCH: usize = 64;

/// One input item, read and prepared off the database threads.
struct Item {
    label: String,
    /// Input bytes it stands for (progress).
    bytes: u64,
    prepared: Result<Prepared, String>,
}

/// What became of one item.
struct Stored {
    label: String,
    bytes: u64,
    result: Result<IngestOutcome, String>,
}

/// How many database workers an import uses: one per core, at most four (PostgreSQL does most
/// of the work; more connections only queue on the same cores).
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// A line with an address and no text: fetched after the texts are stored (see
/// [`fetch_addresses`]).
struct AddressItem {
    label: String,
    address: Result<submission::AddressSubmission, String>,
}

/// Imports every file; a bad item is reported and counted, never fatal to the import.
///
/// A reader thread parses, validates and extracts (CPU work) and deals the items out to
/// `workers` database threads, each storing batches of up to [`BATCH`] articles per
/// transaction on its own connection (see [`ingest::ingest_batch`]: the article and version
/// rows of concurrent batches overlap, their linking is serialised on shared places). All the
/// versions of one url go to the same worker in input order, so they are numbered as they
/// appear. When a batch fails, its items are stored one by one, so one bad item costs only
/// itself.
pub fn run(
    pool: &DbPool,
    extractor: Arc<Extractor>,
    paths: &[PathBuf],
    max_text_bytes: usize,
    verbose: bool,
    workers: usize,
    fetch: &crate::fetch::FetchSettings,
) -> io::Result<ImportSummary> {
    let files = collect_files(paths)?;
    let addresses: std::sync::Mutex<Vec<AddressItem>> = std::sync::Mutex::new(Vec::new());
    let addresses_found = &addresses;
    let reader_extractor: &Extractor = &extractor;
    let total: u64 = files
        .iter()
        .filter_map(|f| fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let mut connections = Vec::new();
    for _ in 0..workers.max(1) {
        connections.push(pool.get().map_err(io::Error::other)?);
    }
    let progress = Progress::new(total);
    let mut summary = ImportSummary::default();
    std::thread::scope(|scope| {
        let (results, stored) = mpsc::channel::<Stored>();
        let mut senders = Vec::new();
        for mut conn in connections {
            let (sender, receiver) = mpsc::sync_channel::<Item>(BATCH * 2);
            senders.push(sender);
            let results = results.clone();
            scope.spawn(move || {
                let mut batch: Vec<Item> = Vec::with_capacity(BATCH);
                while let Ok(first) = receiver.recv() {
                    batch.push(first);
                    while batch.len() < BATCH {
                        match receiver.try_recv() {
                            Ok(item) => batch.push(item),
                            Err(_) => break,
                        }
                    }
                    for done in store_batch(&mut conn, &mut batch) {
                        if results.send(done).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(results);
        scope.spawn(move || {
            let mut router = Router::new(senders.len());
            for file in &files {
                let sent = read_file(file, &mut |label, bytes, raw| {
                    if let Some(raw) = raw
                        .as_ref()
                        .ok()
                        .filter(|raw| submission::is_by_address(raw))
                    {
                        let address = submission::validate_address(raw).map_err(|e| joined(&e));
                        if let Ok(mut found) = addresses_found.lock() {
                            found.push(AddressItem { label, address });
                        }
                        return true;
                    }
                    let prepared = raw
                        .and_then(|raw| validated(&raw, max_text_bytes))
                        .map(|valid| ingest::prepare(valid, reader_extractor));
                    let worker = match &prepared {
                        Ok(p) => router.route(p),
                        Err(_) => 0,
                    };
                    senders[worker]
                        .send(Item {
                            label,
                            bytes,
                            prepared,
                        })
                        .is_ok()
                });
                if !sent {
                    return;
                }
            }
        });
        for done in stored {
            record(&done.label, done.result, verbose, &progress, &mut summary);
            progress.advance(done.bytes, &summary);
        }
    });
    let addresses = addresses.into_inner().unwrap_or_else(|e| e.into_inner());
    if !addresses.is_empty() {
        let watch_settings = crate::watch::WatchSettings {
            max_text_bytes,
            ..crate::watch::WatchSettings::from_env().map_err(io::Error::other)?
        };
        fetch_addresses(
            pool,
            extractor,
            fetch,
            &watch_settings,
            addresses,
            &mut |label, result| record(label, result, verbose, &progress, &mut summary),
        )?;
    }
    progress.finish();
    Ok(summary)
}

/// Fetches the addresses given without text, one by one, each stored through the ingest path
/// and watched from then on (as from the form). A page that cannot be had now is reported as
/// failed with its reason and kept as a watch, retried later; a refused address is not kept.
fn fetch_addresses(
    pool: &DbPool,
    extractor: Arc<Extractor>,
    settings: &crate::fetch::FetchSettings,
    watch_settings: &crate::watch::WatchSettings,
    addresses: Vec<AddressItem>,
    record_item: &mut dyn FnMut(&str, Result<IngestOutcome, String>),
) -> io::Result<()> {
    use crate::watch::{self, AddressOutcome};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let fetcher = crate::fetch::Fetcher::new(settings.clone()).map_err(io::Error::other)?;
    runtime.block_on(async {
        for item in addresses {
            let result = match item.address {
                Err(why) => Err(why),
                Ok(address) => match watch::submit_address(
                    pool,
                    &fetcher,
                    extractor.clone(),
                    &address,
                    None,
                    watch_settings,
                )
                .await
                {
                    Err(e) => Err(e.to_string()),
                    Ok(AddressOutcome::Refused(e)) => Err(format!("url: {e}")),
                    Ok(AddressOutcome::Failed { checked, .. }) => Err(format!(
                        "url: {} (kept as a watch; retried later)",
                        checked.error.unwrap_or_default()
                    )),
                    Ok(AddressOutcome::Stored { checked, .. }) => checked
                        .ingest
                        .ok_or_else(|| "the page was stored without its ingest".to_string()),
                },
            };
            record_item(&item.label, result);
        }
        Ok(())
    })
}

/// Deals items out to the database workers.
///
/// By place: articles about the same place link into the same events, and linking is
/// serialised per place (advisory locks), so two workers storing reports of the same incident
/// would mostly wait for each other (seen as half-idle cores at 100,000 articles). Every later
/// version of a url follows the url's first worker, so one url's versions stay in input order.
struct Router {
    workers: usize,
    by_url: HashMap<String, usize>,
}

impl Router {
    fn new(workers: usize) -> Self {
        Router {
            workers: workers.max(1),
            by_url: HashMap::new(),
        }
    }

    fn route(&mut self, prepared: &Prepared) -> usize {
        use std::hash::{Hash, Hasher};
        if let Some(worker) = prepared
            .submission
            .url
            .as_ref()
            .and_then(|u| self.by_url.get(u))
        {
            return *worker;
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        match (prepared.place_locks().first(), &prepared.submission.url) {
            (Some(place), _) => place.hash(&mut hasher),
            (None, Some(url)) => url.hash(&mut hasher),
            (None, None) => prepared.submission.text.hash(&mut hasher),
        }
        let worker = (hasher.finish() % self.workers as u64) as usize;
        if let Some(url) = &prepared.submission.url {
            self.by_url.insert(url.clone(), worker);
        }
        worker
    }
}

/// Reads one file's items and hands each to `send` (which returns false to stop).
fn read_file(
    file: &Path,
    send: &mut dyn FnMut(String, u64, Result<RawSubmission, String>) -> bool,
) -> bool {
    let is_jsonl = file.extension().and_then(|e| e.to_str()) == Some("jsonl");
    if !is_jsonl {
        let size = fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        return send(file.display().to_string(), size, read_txt(file));
    }
    let reader = match fs::File::open(file) {
        Ok(f) => BufReader::new(f),
        Err(e) => return send(file.display().to_string(), 0, Err(e.to_string())),
    };
    for (index, line) in reader.split(b'\n').enumerate() {
        let label = format!("{}:{}", file.display(), index + 1);
        let (bytes, item) = match line {
            Err(e) => (0, Err(e.to_string())),
            Ok(bytes) => {
                let size = bytes.len() as u64 + 1;
                match String::from_utf8(bytes) {
                    Err(_) => (size, Err("the line is not valid UTF-8".to_string())),
                    Ok(line) if line.trim().is_empty() => continue,
                    Ok(line) => (
                        size,
                        serde_json::from_str::<Meta>(&line)
                            .map(|m| m.into_raw(None))
                            .map_err(|e| format!("not a JSON article object ({e})")),
                    ),
                }
            }
        };
        if !send(label, bytes, item) {
            return false;
        }
    }
    true
}

fn validated(raw: &RawSubmission, max_text_bytes: usize) -> Result<Submission, String> {
    submission::validate(raw, max_text_bytes).map_err(|errors| joined(&errors))
}

fn joined(errors: &[submission::FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field.as_str(), e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn read_txt(file: &Path) -> Result<RawSubmission, String> {
    let bytes = fs::read(file).map_err(|e| e.to_string())?;
    let text =
        String::from_utf8(bytes).map_err(|_| "the file is not valid UTF-8 text".to_string())?;
    let sidecar = file.with_extension("json");
    let meta = if sidecar.is_file() {
        let raw =
            fs::read_to_string(&sidecar).map_err(|e| format!("{}: {e}", sidecar.display()))?;
        serde_json::from_str::<Meta>(&raw)
            .map_err(|e| format!("{}: not a valid sidecar ({e})", sidecar.display()))?
    } else {
        Meta::default()
    };
    Ok(meta.into_raw(Some(text)))
}

/// Stores a batch (draining it): in one transaction, or item by item when that fails.
fn store_batch(conn: &mut PgConnection, batch: &mut Vec<Item>) -> Vec<Stored> {
    let mut done = Vec::with_capacity(batch.len());
    let mut ready: Vec<(String, u64)> = Vec::with_capacity(batch.len());
    let mut prepared: Vec<Prepared> = Vec::with_capacity(batch.len());
    for item in batch.drain(..) {
        match item.prepared {
            Ok(p) => {
                ready.push((item.label, item.bytes));
                prepared.push(p);
            }
            Err(why) => done.push(Stored {
                label: item.label,
                bytes: item.bytes,
                result: Err(why),
            }),
        }
    }
    if ready.is_empty() {
        return done;
    }
    let results: Vec<Result<IngestOutcome, String>> =
        match ingest::ingest_batch(conn, &prepared, None) {
            Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
            Err(_) => prepared.iter().map(|p| store_one(conn, p)).collect(),
        };
    for ((label, bytes), result) in ready.into_iter().zip(results) {
        done.push(Stored {
            label,
            bytes,
            result,
        });
    }
    done
}

/// One item in its own transaction, tried again when PostgreSQL broke a deadlock with it.
fn store_one(conn: &mut PgConnection, prepared: &Prepared) -> Result<IngestOutcome, String> {
    ingest::ingest_prepared(conn, prepared, None).map_err(|e| e.to_string())
}

fn record(
    label: &str,
    result: Result<IngestOutcome, String>,
    verbose: bool,
    progress: &Progress,
    summary: &mut ImportSummary,
) {
    match result {
        Ok(outcome) => {
            let what = match outcome.status {
                IngestStatus::NewArticle => {
                    summary.new_articles += 1;
                    "new article"
                }
                IngestStatus::NewVersion => {
                    summary.new_versions += 1;
                    "new version"
                }
                IngestStatus::Unchanged => {
                    summary.unchanged += 1;
                    "unchanged"
                }
                IngestStatus::Duplicate => {
                    summary.duplicates += 1;
                    "duplicate"
                }
            };
            summary.claims += outcome.claims.len();
            if verbose {
                progress.line(&format!(
                    "{label}: {what} (article {}, version {}, {} claims)",
                    outcome.article_id,
                    outcome.version,
                    outcome.claims.len()
                ));
            }
        }
        Err(e) => {
            summary.failed += 1;
            progress.line(&format!("{label}: failed: {e}"));
        }
    }
}
