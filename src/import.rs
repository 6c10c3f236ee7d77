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

/// At most this many input items are read, prepared and put in order together before they are
/// stored (see [`run`]). Bounds the memory of an import (a prepared article holds its text and
/// search document) while letting the next chunk be prepared as the current one is stored.
const CHUNK: usize = 2048;

/// One input item, read off the database thread.
struct Raw {
    label: String,
    /// Input bytes it stands for (progress).
    bytes: u64,
    raw: Result<RawSubmission, String>,
}

/// One input item, prepared off the database thread.
struct Item {
    label: String,
    bytes: u64,
    prepared: Result<Prepared, String>,
}

/// What became of one item.
struct Stored {
    label: String,
    bytes: u64,
    result: Result<IngestOutcome, String>,
}

/// How many threads an import prepares articles with (extraction, hashing, the search
/// document): one per core, at most four.
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
/// The same files give the same events, facts and conflicts whatever `workers` is and however
/// the threads are scheduled:
/// 1. A reader thread reads the input in chunks of [`CHUNK`] items and prepares each chunk
///    (validation, extraction: the CPU work) on `workers` threads.
/// 2. It puts the chunk in arrival order ([`arrival_order`]): by the articles' own times
///    (published, else the time of this import), then input position; the versions of one url
///    keep their input order, so they are numbered as they appear.
/// 3. One database connection stores the chunk in that order, in batches of up to [`BATCH`]
///    articles per transaction (see [`ingest::ingest_batch`]), while the next chunk is prepared.
///    Which event an article joins, an event's first title, and the ingest order the linker
///    breaks ties with therefore follow the articles, never the timing of the threads.
///
/// When a batch fails, its items are stored one by one, so one bad item costs only itself.
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
    let mut conn = pool.get().map_err(io::Error::other)?;
    let progress = Progress::new(total);
    let mut summary = ImportSummary::default();
    // The time of this import stands in for a missing publication time.
    let seen = chrono::Utc::now();
    std::thread::scope(|scope| {
        // One chunk waits while another is stored: preparing runs ahead by one chunk at most.
        let (chunks, ready) = mpsc::sync_channel::<Vec<Item>>(1);
        scope.spawn(move || {
            let mut pending: Vec<Raw> = Vec::with_capacity(CHUNK);
            let flush = |pending: &mut Vec<Raw>| {
                let raws = std::mem::take(pending);
                let items = prepare_all(raws, workers, reader_extractor, max_text_bytes);
                chunks.send(arrival_order(items, seen)).is_ok()
            };
            for file in &files {
                let read = read_file(file, &mut |label, bytes, raw| {
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
                    pending.push(Raw { label, bytes, raw });
                    pending.len() < CHUNK || flush(&mut pending)
                });
                if !read {
                    return;
                }
            }
            if !pending.is_empty() {
                flush(&mut pending);
            }
        });
        for chunk in ready {
            let mut chunk = chunk.into_iter().peekable();
            while chunk.peek().is_some() {
                let mut batch: Vec<Item> = chunk.by_ref().take(BATCH).collect();
                for done in store_batch(&mut conn, &mut batch) {
                    record(&done.label, done.result, verbose, &progress, &mut summary);
                    progress.advance(done.bytes, &summary);
                }
            }
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

/// Validates and prepares `raws` on `workers` threads; the items come back in input order.
fn prepare_all(
    raws: Vec<Raw>,
    workers: usize,
    extractor: &Extractor,
    max_text_bytes: usize,
) -> Vec<Item> {
    let prepare = |r: Raw| Item {
        label: r.label,
        bytes: r.bytes,
        prepared: r
            .raw
            .and_then(|raw| validated(&raw, max_text_bytes))
            .map(|valid| ingest::prepare(valid, extractor)),
    };
    let workers = workers.clamp(1, raws.len().max(1));
    if workers == 1 {
        return raws.into_iter().map(prepare).collect();
    }
    // Dealt out in turn, so long and short texts spread evenly over the threads.
    let mut shares: Vec<Vec<(usize, Raw)>> = (0..workers).map(|_| Vec::new()).collect();
    for (i, raw) in raws.into_iter().enumerate() {
        shares[i % workers].push((i, raw));
    }
    let prepare = &prepare;
    let mut done: Vec<(usize, Item)> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .into_iter()
                        .map(|(i, raw)| (i, prepare(raw)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, item)| item).collect()
}

/// Puts items (in input order) in the order they are stored: by the article's own time — its
/// publication time, else `seen` (when it reached claimdb) — then by input position (stable for
/// the same files; the order the user gave, which for undated articles is all there is). A later
/// version of a url never goes before an earlier one: its time is at least theirs. Items that
/// could not be prepared count as undated.
fn arrival_order(items: Vec<Item>, seen: chrono::DateTime<chrono::Utc>) -> Vec<Item> {
    let mut latest: HashMap<String, chrono::DateTime<chrono::Utc>> = HashMap::new();
    let mut keyed: Vec<((chrono::DateTime<chrono::Utc>, usize), Item)> = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let time = match &item.prepared {
                Ok(p) => {
                    let own = p.submission.published.unwrap_or(seen);
                    match &p.submission.url {
                        Some(url) => {
                            let time = latest.get(url).map_or(own, |t| own.max(*t));
                            latest.insert(url.clone(), time);
                            time
                        }
                        None => own,
                    }
                }
                Err(_) => seen,
            };
            ((time, index), item)
        })
        .collect();
    keyed.sort_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, item)| item).collect()
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
                    true,
                    watch_settings,
                )
                .await
                {
                    Err(e) => Err(e.to_string()),
                    Ok(AddressOutcome::Refused(e)) => Err(format!("url: {e}")),
                    Ok(AddressOutcome::Failed { error, .. }) => {
                        Err(format!("url: {error} (kept as a watch; retried later)"))
                    }
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
        match ingest::ingest_batch(conn, &prepared, &ingest::Provenance::imported()) {
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
    ingest::ingest_prepared(conn, prepared, &ingest::Provenance::imported())
        .map_err(|e| e.to_string())
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
                // The import is trusted: its text is never held for review.
                IngestStatus::Unchanged | IngestStatus::Pending => {
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
