//! The watcher's loop, for `claimdb watch` and the watcher inside `claimdb serve`.

use std::sync::Arc;
use std::time::Duration;

use super::{run_due, Summary, WatchError, WatchSettings};
use crate::db::DbPool;
use crate::domain::extract::Extractor;
use crate::fetch::Fetcher;

/// The longest the watcher sleeps: a watch added meanwhile (by another process) waits at most
/// this long, and a database that was down is tried again this soon.
pub const IDLE: Duration = Duration::from_secs(30);

/// The extractor and linking gazetteer as the database has them now (a reviewer may have
/// edited the lexicons since the last round).
pub async fn load_lexicons(pool: &DbPool) -> Result<Arc<Extractor>, WatchError> {
    super::with_conn(pool, |conn| {
        let extractor = crate::db::lexicon_edit::load_lexicons(conn)
            .map_err(|e| WatchError::Task(format!("cannot load the lexicons: {e}")))?;
        Ok(Arc::new(extractor))
    })
    .await
}

/// Runs what is due with the lexicons of the moment.
pub async fn run_once(
    pool: &DbPool,
    fetcher: &Fetcher,
    settings: &WatchSettings,
) -> Result<Summary, WatchError> {
    let extractor = load_lexicons(pool).await?;
    run_due(pool, fetcher, extractor, settings).await
}

/// Runs what is due, then sleeps until the next watch is due (at most [`IDLE`]), for ever.
/// Errors (the database down) are logged and the round tried again later.
pub async fn run_forever(pool: DbPool, fetcher: Fetcher, settings: WatchSettings) {
    loop {
        let due_in = match super::next_due(&pool).await {
            Ok(Some(at)) => (at - chrono::Utc::now()).to_std().unwrap_or(Duration::ZERO),
            Ok(None) => IDLE,
            Err(e) => {
                tracing::warn!(error = %e, "the watcher cannot read its queue");
                IDLE
            }
        };
        if !due_in.is_zero() {
            tokio::time::sleep(due_in.min(IDLE)).await;
            continue;
        }
        match run_once(&pool, &fetcher, &settings).await {
            Ok(summary) if summary.checked > 0 => tracing::info!("watched pages: {summary}"),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "the watcher's round failed");
                tokio::time::sleep(IDLE).await;
            }
        }
    }
}
