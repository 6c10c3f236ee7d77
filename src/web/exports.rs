//! CSV exports: `/export/claims.csv`, `/export/conflicts.csv` and `/export/events.csv`, with
//! the filters `event`, `article`, `measure`, `group`, `source`, `from`, `to` and `status`
//! (an invalid one is a 400), and `bom=1` for a UTF-8 byte-order mark.
//!
//! The body is streamed: a blocking task reads the database a page at a time (`db::export`,
//! the same code path as `claimdb export`) and hands each page to the response through a
//! bounded channel, so a slow client slows the reader instead of filling memory, and a client
//! that goes away stops it.

use std::collections::VecDeque;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::i18n::Messages;
use super::page::PageContext;
use super::{AppError, AppResult, AppState};
use crate::db::export::{self, ExportFilter, FilterError, FilterInput, Kind, Statuses};

/// Chunks waiting for the client, at most (each about a page of rows).
const CHANNEL_CHUNKS: usize = 4;
/// A chunk is sent when this many bytes are buffered, and at the end of every page.
const CHUNK_BYTES: usize = 64 * 1024;

/// The query string of the exports and the read API.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    pub event: Option<String>,
    pub article: Option<String>,
    pub measure: Option<String>,
    pub group: Option<String>,
    pub source: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
    pub bom: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl ListQuery {
    pub fn filter_input(&self) -> FilterInput {
        FilterInput {
            event: self.event.clone(),
            article: self.article.clone(),
            measure: self.measure.clone(),
            group: self.group.clone(),
            source: self.source.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            status: self.status.clone(),
        }
    }

    pub fn filter(&self, statuses: Statuses, t: &Messages) -> AppResult<ExportFilter> {
        export::parse_filter(&self.filter_input(), statuses).map_err(|e| filter_error(e, t))
    }
}

/// A refused filter value as a 400 with its message in the interface language.
pub fn filter_error(e: FilterError, t: &Messages) -> AppError {
    AppError::BadRequest(format!("{} ({:?})", t.get(e.key), e.value))
}

pub async fn claims_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> HttpResponse {
    csv_export(req, state, query.into_inner(), Kind::Claims).await
}

pub async fn conflicts_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> HttpResponse {
    csv_export(req, state, query.into_inner(), Kind::Conflicts).await
}

pub async fn events_csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> HttpResponse {
    csv_export(req, state, query.into_inner(), Kind::Events).await
}

async fn csv_export(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ListQuery,
    kind: Kind,
) -> HttpResponse {
    let ctx = PageContext::from_request(&req);
    match start_export(&state, &query, kind, ctx.t).await {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", kind.file_name()),
            ))
            .body(body),
        Err(e) => e.page(ctx),
    }
}

/// Checks the query, takes a connection and starts the reader; answers once the first chunk
/// (the header and the first page) is ready, so a failing first query is still an error page.
async fn start_export(
    state: &AppState,
    query: &ListQuery,
    kind: Kind,
    t: &Messages,
) -> AppResult<CsvBody> {
    let filter = query.filter(kind.statuses(), t)?;
    let bom = export::parse_flag(query.bom.as_deref()).map_err(|e| filter_error(e, t))?;
    let pool = state.pool.clone();
    let mut conn = web::block(move || pool.get()).await??;
    let (tx, mut rx) = chunk_channel(CHANNEL_CHUNKS);
    actix_web::rt::task::spawn_blocking(move || {
        let mut out = ChannelWriter::new(tx);
        let result = export::write_csv(&mut conn, kind, &filter, bom, export::PAGE_ROWS, &mut out);
        match result {
            Ok(rows) => tracing::debug!(rows, export = kind.file_name(), "export done"),
            Err(_) if out.receiver_gone() => {
                tracing::debug!(export = kind.file_name(), "the client went away")
            }
            Err(e) => {
                tracing::error!(error = %e, export = kind.file_name(), "export failed");
                out.fail(e.to_string());
            }
        }
    });
    match rx.recv().await {
        Some(Ok(first)) => Ok(CsvBody {
            first: Some(first),
            rx,
        }),
        Some(Err(message)) => Err(AppError::Unexpected(anyhow::anyhow!(message))),
        None => Err(AppError::Unexpected(anyhow::anyhow!(
            "the export ended without output"
        ))),
    }
}

// ---------------------------------------------------------------------------------------------
// The bounded channel between the database reader and the response body
// ---------------------------------------------------------------------------------------------

type Chunk = Result<Bytes, String>;

struct ChannelState {
    queue: VecDeque<Chunk>,
    sender_done: bool,
    receiver_gone: bool,
    waker: Option<Waker>,
}

struct Shared {
    state: Mutex<ChannelState>,
    /// Signalled when the queue has room or the receiver is gone.
    room: Condvar,
    capacity: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, ChannelState> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// The blocking end: `send` waits while `capacity` chunks are queued.
pub struct ChunkSender {
    shared: Arc<Shared>,
}

/// The async end, polled by the response body.
pub struct ChunkReceiver {
    shared: Arc<Shared>,
}

/// The receiver is gone (the client disconnected).
#[derive(Debug, PartialEq, Eq)]
pub struct Gone;

pub fn chunk_channel(capacity: usize) -> (ChunkSender, ChunkReceiver) {
    let shared = Arc::new(Shared {
        state: Mutex::new(ChannelState {
            queue: VecDeque::new(),
            sender_done: false,
            receiver_gone: false,
            waker: None,
        }),
        room: Condvar::new(),
        capacity: capacity.max(1),
    });
    (
        ChunkSender {
            shared: shared.clone(),
        },
        ChunkReceiver { shared },
    )
}

impl ChunkSender {
    /// Queues a chunk, blocking while the queue is full.
    pub fn send(&self, chunk: Chunk) -> Result<(), Gone> {
        let mut state = self.shared.lock();
        while state.queue.len() >= self.shared.capacity && !state.receiver_gone {
            state = match self.shared.room.wait(state) {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
        }
        if state.receiver_gone {
            return Err(Gone);
        }
        state.queue.push_back(chunk);
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
        Ok(())
    }

    pub fn receiver_gone(&self) -> bool {
        self.shared.lock().receiver_gone
    }
}

impl Drop for ChunkSender {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.sender_done = true;
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }
}

impl ChunkReceiver {
    /// The next chunk; `None` once the sender is done and the queue empty.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Chunk>> {
        let mut state = self.shared.lock();
        if let Some(chunk) = state.queue.pop_front() {
            self.shared.room.notify_one();
            return Poll::Ready(Some(chunk));
        }
        if state.sender_done {
            return Poll::Ready(None);
        }
        state.waker = Some(cx.waker().clone());
        Poll::Pending
    }

    pub async fn recv(&mut self) -> Option<Chunk> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Chunks waiting (for tests).
    pub fn queued(&self) -> usize {
        self.shared.lock().queue.len()
    }
}

impl Drop for ChunkReceiver {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.receiver_gone = true;
        state.queue.clear();
        self.shared.room.notify_all();
    }
}

/// Buffers what the CSV writer writes and sends it on as chunks: on every flush (the end of a
/// page) and whenever [`CHUNK_BYTES`] are buffered.
pub struct ChannelWriter {
    tx: ChunkSender,
    buf: Vec<u8>,
}

impl ChannelWriter {
    pub fn new(tx: ChunkSender) -> Self {
        ChannelWriter {
            tx,
            buf: Vec::with_capacity(CHUNK_BYTES),
        }
    }

    pub fn receiver_gone(&self) -> bool {
        self.tx.receiver_gone()
    }

    /// Ends the body with an error (the client sees an aborted download, not a short file).
    pub fn fail(&mut self, message: String) {
        let _ = self.tx.send(Err(message));
    }

    fn send_buffered(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.tx.send(Ok(chunk)).map_err(|Gone| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK_BYTES {
            self.send_buffered()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_buffered()
    }
}

/// The streamed response body.
pub struct CsvBody {
    first: Option<Bytes>,
    rx: ChunkReceiver,
}

impl MessageBody for CsvBody {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(first)));
        }
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(Ok(bytes))) => Poll::Ready(Some(Ok(bytes))),
            Poll::Ready(Some(Err(message))) => Poll::Ready(Some(Err(std::io::Error::other(
                format!("the export failed: {message}"),
            )))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        actix_web::rt::System::new().block_on(f)
    }

    #[test]
    fn the_sender_waits_while_the_channel_is_full() {
        let (tx, mut rx) = chunk_channel(2);
        let producer = std::thread::spawn(move || {
            for i in 0..10u8 {
                tx.send(Ok(Bytes::from(vec![i]))).unwrap();
            }
        });
        // The producer fills the channel and then has to wait for the reader.
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(rx.queued(), 2);
        let got: Vec<u8> = block_on(async {
            let mut got = Vec::new();
            while let Some(chunk) = rx.recv().await {
                assert!(rx.queued() <= 2);
                got.extend_from_slice(&chunk.unwrap());
            }
            got
        });
        producer.join().unwrap();
        assert_eq!(got, (0..10).collect::<Vec<u8>>());
    }

    #[test]
    fn a_dropped_receiver_stops_the_sender() {
        let (tx, rx) = chunk_channel(1);
        tx.send(Ok(Bytes::from_static(b"a"))).unwrap();
        let producer = std::thread::spawn(move || tx.send(Ok(Bytes::from_static(b"b"))));
        std::thread::sleep(Duration::from_millis(50));
        drop(rx);
        assert_eq!(producer.join().unwrap(), Err(Gone));
    }

    #[test]
    fn the_writer_sends_a_chunk_per_flush_and_splits_large_pages() {
        let (tx, mut rx) = chunk_channel(100);
        let mut w = ChannelWriter::new(tx);
        w.write_all(b"header\n").unwrap();
        w.write_all(b"row\n").unwrap();
        w.flush().unwrap();
        w.flush().unwrap(); // nothing buffered: no empty chunk
        w.write_all(&vec![b'x'; CHUNK_BYTES + 10]).unwrap();
        w.flush().unwrap();
        drop(w);
        let chunks: Vec<usize> = block_on(async {
            let mut sizes = Vec::new();
            while let Some(c) = rx.recv().await {
                sizes.push(c.unwrap().len());
            }
            sizes
        });
        assert_eq!(chunks, vec![11, CHUNK_BYTES + 10]);
    }

    #[test]
    fn query_errors_are_bad_requests_in_the_interface_language() {
        let t = crate::web::i18n::Lang::En.messages();
        let q = ListQuery {
            from: Some("2024-13-01".into()),
            ..Default::default()
        };
        let err = q.filter(Statuses::Fact, t).unwrap_err();
        assert_eq!(err.status().as_u16(), 400);
        assert!(err.to_string().contains("2024-13-01"), "{err}");
        assert!(!err.to_string().contains("filters."), "{err}");
    }
}
