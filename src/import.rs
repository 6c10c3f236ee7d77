//! `claimdb import`: .txt files (with optional `NAME.json` sidecars), folders of them, and
//! .jsonl files, through the same ingest path as the web form.

use std::fs;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};

use diesel::PgConnection;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

use crate::db::ingest::{self, IngestStatus};
use crate::domain::extract::Extractor;
use crate::domain::submission::{self, RawSubmission};

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

/// Imports every file; a bad item is reported and counted, never fatal to the batch.
pub fn run(
    conn: &mut PgConnection,
    extractor: &Extractor,
    paths: &[PathBuf],
    max_text_bytes: usize,
    verbose: bool,
) -> io::Result<ImportSummary> {
    let files = collect_files(paths)?;
    let total: u64 = files
        .iter()
        .filter_map(|f| fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let progress = Progress::new(total);
    let mut summary = ImportSummary::default();
    for file in &files {
        let size = fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let is_jsonl = file.extension().and_then(|e| e.to_str()) == Some("jsonl");
        if is_jsonl {
            import_jsonl(
                conn,
                extractor,
                file,
                max_text_bytes,
                verbose,
                &progress,
                &mut summary,
            );
        } else {
            let item = read_txt(file);
            let label = file.display().to_string();
            handle(
                conn,
                extractor,
                &label,
                item,
                max_text_bytes,
                verbose,
                &progress,
                &mut summary,
            );
        }
        progress.advance(size, &summary);
    }
    progress.finish();
    Ok(summary)
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

fn import_jsonl(
    conn: &mut PgConnection,
    extractor: &Extractor,
    file: &Path,
    max_text_bytes: usize,
    verbose: bool,
    progress: &Progress,
    summary: &mut ImportSummary,
) {
    let reader = match fs::File::open(file) {
        Ok(f) => BufReader::new(f),
        Err(e) => {
            summary.failed += 1;
            progress.line(&format!("{}: {e}", file.display()));
            return;
        }
    };
    for (index, line) in reader.split(b'\n').enumerate() {
        let label = format!("{}:{}", file.display(), index + 1);
        let item = match line {
            Err(e) => Err(e.to_string()),
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(_) => Err("the line is not valid UTF-8".to_string()),
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => serde_json::from_str::<Meta>(&line)
                    .map(|m| m.into_raw(None))
                    .map_err(|e| format!("not a JSON article object ({e})")),
            },
        };
        handle(
            conn,
            extractor,
            &label,
            item,
            max_text_bytes,
            verbose,
            progress,
            summary,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn handle(
    conn: &mut PgConnection,
    extractor: &Extractor,
    label: &str,
    item: Result<RawSubmission, String>,
    max_text_bytes: usize,
    verbose: bool,
    progress: &Progress,
    summary: &mut ImportSummary,
) {
    let result = item.and_then(|raw| {
        submission::validate(&raw, max_text_bytes).map_err(|errors| {
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field.as_str(), e.message))
                .collect::<Vec<_>>()
                .join("; ")
        })
    });
    let valid = match result {
        Ok(valid) => valid,
        Err(why) => {
            summary.failed += 1;
            progress.line(&format!("{label}: failed: {why}"));
            return;
        }
    };
    match ingest::ingest(conn, &valid, extractor, None) {
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
