//! Load: a real `claimdb serve` on loopback, 64 connections for a bounded time, mixing page reads
//! (home, events, an event's comparison page, articles, conflicts, search, the JSON API, a CSV
//! export) with submissions (JSON API and the web form, new articles and new versions of shared
//! addresses). Every request must succeed, and afterwards the database must hold exactly one
//! version per successful submission, numbered without gaps, each with all its claims.
//!
//!   cargo test --test load                                   # 10 s, as in `.ci/run`
//!   CLAIMDB_LOAD_SECONDS=60 cargo test --release --test load -- --nocapture   # issue 9's run
//!
//! `CLAIMDB_LOAD_CONNECTIONS` changes the 64 connections.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::json;

use claimdb::db::schema::{article_versions, articles, claims};

#[path = "support/serve.rs"]
mod serve;
use serve::{free_port, wait_until_healthy, Running};

/// Places from the gazetteer, so that reports link into events and figures conflict.
const PLACES: [(&str, &str); 4] = [
    ("Maarat al-Numan", "Idlib"),
    ("Mayadin", "Deir ez-Zor"),
    ("Douma", "Rif Dimashq"),
    ("Jisr al-Shughur", "Idlib"),
];
const OUTLETS: [&str; 4] = ["Levant Wire", "Orient Desk", "Syria Daily", "Gulf Courier"];
/// Submissions go to this many addresses, shared by every connection, so that versions of one
/// address arrive concurrently from several connections.
const SHARED_URLS: usize = 24;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A report different from every other (`tag` is unique per submission) with three figures.
fn report(tag: usize, place: usize) -> String {
    let (town, province) = PLACES[place % PLACES.len()];
    let killed = 5 + tag % 40;
    let wounded = 20 + tag % 70;
    let observatory = killed + 1 + tag % 7;
    format!(
        "Shelling kills {killed} civilians in {town}\n\n\
         At least {killed} civilians were killed and {wounded} wounded when artillery shells \
         struck the market of {town} in {province} province on Tuesday, local medics said. The \
         Syrian Observatory for Human Rights put the toll at {observatory}.\n\n\
         Report number {tag} of the load test: the market had reopened only weeks earlier, and \
         traders said the stalls had drawn crowds from the surrounding villages since dawn."
    )
}

#[derive(Default)]
struct Tally {
    reads: usize,
    submissions: usize,
    /// `(what, status or transport error)` of every failed request.
    errors: Vec<(String, String)>,
    latencies: Vec<Duration>,
    /// Address → versions its successful submissions were answered with (JSON API only).
    answered_versions: BTreeMap<String, Vec<i64>>,
}

/// What one connection asks for next: three reads for every submission.
enum Step {
    Read(String),
    SubmitJson { url: String, text: String },
    SubmitForm { url: String, text: String },
}

fn step(worker: usize, n: usize, next_tag: &AtomicUsize, ids: &Ids) -> Step {
    let pick = worker * 7 + n;
    if n % 4 == 3 {
        let tag = next_tag.fetch_add(1, Ordering::Relaxed);
        let url = format!("https://load.example/report/{}", tag % SHARED_URLS);
        let text = report(tag, tag % SHARED_URLS);
        // One submission in eight goes through the web form, with its CSRF token.
        return if (n / 4) % 8 == 5 {
            Step::SubmitForm { url, text }
        } else {
            Step::SubmitJson { url, text }
        };
    }
    let event = ids.events[pick % ids.events.len()];
    let article = ids.articles[pick % ids.articles.len()];
    let path = match pick % 10 {
        0 => "/".to_string(),
        1 => "/events".to_string(),
        2 | 3 => format!("/events/{event}"),
        4 | 5 => format!("/articles/{article}"),
        6 => "/conflicts".to_string(),
        7 => "/search?q=shelling+market".to_string(),
        8 => format!("/api/events/{event}"),
        _ => format!("/export/claims.csv?event={event}"),
    };
    Step::Read(path)
}

/// Events and articles that exist before the load starts, for the reads to ask for.
struct Ids {
    events: Vec<i64>,
    articles: Vec<i64>,
}

async fn submit_json(
    client: &reqwest::Client,
    base: &str,
    url: &str,
    text: &str,
    outlet: &str,
) -> Result<serde_json::Value, String> {
    let response = client
        .post(format!("{base}/api/articles"))
        .json(&json!({"url": url, "text": text, "outlet": outlet, "published": "2024-03-12"}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
    match (status, body["status"].as_str()) {
        (201, Some("new_article" | "new_version")) => Ok(body),
        _ => Err(format!("{status}: {body}")),
    }
}

async fn submit_form(
    client: &reqwest::Client,
    base: &str,
    url: &str,
    text: &str,
    outlet: &str,
) -> Result<(), String> {
    let form = client
        .get(format!("{base}/articles/new"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if form.status() != 200 {
        return Err(format!("form page: {}", form.status()));
    }
    let html = form.text().await.map_err(|e| e.to_string())?;
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).ok_or("no CSRF field")? + marker.len();
    let token = &html[start..start + 64];
    let response = client
        .post(format!("{base}/articles"))
        .form(&[
            ("url", url),
            ("text", text),
            ("outlet", outlet),
            ("published", "2024-03-12"),
            ("csrf", token),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string();
    // A new article or version redirects to the article page; the form page again means the
    // submission was refused (or unchanged, which a unique text never is).
    if status == 303 && location.starts_with("/articles/") {
        Ok(())
    } else {
        let body = response.text().await.unwrap_or_default();
        Err(format!(
            "{status} → {location:?}: {}",
            &body[..body.len().min(300)]
        ))
    }
}

async fn connection(
    worker: usize,
    base: String,
    deadline: Instant,
    next_tag: Arc<AtomicUsize>,
    ids: Arc<Ids>,
    session: String,
) -> Tally {
    // One client per connection, with a single kept-alive connection and its own cookies,
    // signed in (a session of its own): anonymous text for a stored address would only wait
    // for a reviewer, and the load adds versions to shared addresses.
    let jar = reqwest::cookie::Jar::default();
    jar.add_cookie_str(
        &format!("claimdb_session={session}; Path=/"),
        &base.parse::<reqwest::Url>().unwrap(),
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(Arc::new(jar))
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let outlet = OUTLETS[worker % OUTLETS.len()];
    let mut tally = Tally::default();
    let mut n = 0;
    while Instant::now() < deadline {
        let started = Instant::now();
        match step(worker, n, &next_tag, &ids) {
            Step::Read(path) => {
                tally.reads += 1;
                let outcome = match client.get(format!("{base}{path}")).send().await {
                    Ok(r) if r.status() == 200 => {
                        r.bytes().await.map(|_| ()).map_err(|e| e.to_string())
                    }
                    Ok(r) => Err(r.status().to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(e) = outcome {
                    tally.errors.push((format!("GET {path}"), e));
                }
            }
            Step::SubmitJson { url, text } => {
                match submit_json(&client, &base, &url, &text, outlet).await {
                    Ok(body) => {
                        tally.submissions += 1;
                        tally
                            .answered_versions
                            .entry(url)
                            .or_default()
                            .push(body["version"].as_i64().unwrap_or(0));
                    }
                    Err(e) => tally.errors.push((format!("POST /api/articles {url}"), e)),
                }
            }
            Step::SubmitForm { url, text } => {
                match submit_form(&client, &base, &url, &text, outlet).await {
                    Ok(()) => tally.submissions += 1,
                    Err(e) => tally.errors.push((format!("POST /articles {url}"), e)),
                }
            }
        }
        tally.latencies.push(started.elapsed());
        n += 1;
    }
    tally
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_connections_reading_and_submitting_lose_nothing_and_fail_nothing() {
    let seconds = setting("CLAIMDB_LOAD_SECONDS", 10);
    let connections = setting("CLAIMDB_LOAD_CONNECTIONS", 64) as usize;
    let database_url = tokio::task::spawn_blocking(claimdb::db::testing::fresh_database)
        .await
        .unwrap()
        .expect("cannot create a test database");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let log_path = std::env::temp_dir().join(format!("claimdb-load-{port}.log"));
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", &database_url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .expect("cannot run claimdb serve"),
    );
    wait_until_healthy(&mut server, &base, Duration::from_secs(60)).await;
    let client = reqwest::Client::new();

    // Seed: every shared address once (each outlet its own), so there are events, conflicts and
    // articles to read from the first second.
    let next_tag = Arc::new(AtomicUsize::new(0));
    let mut seeded = 0;
    let mut events = Vec::new();
    let mut seeded_articles = Vec::new();
    for _ in 0..SHARED_URLS {
        let tag = next_tag.fetch_add(1, Ordering::Relaxed);
        let url = format!("https://load.example/report/{}", tag % SHARED_URLS);
        let body = submit_json(
            &client,
            &base,
            &url,
            &report(tag, tag % SHARED_URLS),
            OUTLETS[tag % 4],
        )
        .await
        .expect("seed submission refused");
        seeded += 1;
        seeded_articles.push(body["article_id"].as_i64().unwrap());
    }
    let listed: serde_json::Value = client
        .get(format!("{base}/api/events"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for item in listed["items"].as_array().expect("an event list") {
        events.push(item["id"].as_i64().unwrap());
    }
    assert!(!events.is_empty(), "the seed reports link into events");
    let ids = Arc::new(Ids {
        events,
        articles: seeded_articles,
    });

    // A session per connection, made directly (64 sign-ins at once from one address would
    // meet the sign-in limit).
    let sessions: Vec<String> = {
        let pool = claimdb::db::build_pool(&database_url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let hash = claimdb::domain::auth::hash_password("a long enough password").unwrap();
        let user = claimdb::db::users::create(&mut conn, "loader", &hash, "reviewer").unwrap();
        (0..connections)
            .map(|_| {
                let token = claimdb::domain::auth::new_token();
                claimdb::db::users::create_session(&mut conn, user.id, &token).unwrap();
                token
            })
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let load_started = Instant::now();
    let tallies = futures::future::join_all((0..connections).map(|worker| {
        tokio::spawn(connection(
            worker,
            base.clone(),
            deadline,
            next_tag.clone(),
            ids.clone(),
            sessions[worker].clone(),
        ))
    }))
    .await;
    let elapsed = load_started.elapsed().as_secs_f64();
    let mut total = Tally::default();
    for tally in tallies {
        let tally = tally.expect("a connection panicked");
        total.reads += tally.reads;
        total.submissions += tally.submissions;
        total.errors.extend(tally.errors);
        total.latencies.extend(tally.latencies);
        for (url, versions) in tally.answered_versions {
            total
                .answered_versions
                .entry(url)
                .or_default()
                .extend(versions);
        }
    }
    total.latencies.sort_unstable();
    let requests = total.reads + total.submissions + total.errors.len();

    // The server is stopped as an operator would, then the database is read.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.0.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let exit = server.0.wait().unwrap();
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let _ = std::fs::remove_file(&log_path);

    let mut conn = PgConnection::establish(&database_url).unwrap();
    let stored: Vec<(i64, i32)> = article_versions::table
        .order((article_versions::article_id, article_versions::number))
        .select((article_versions::article_id, article_versions::number))
        .load(&mut conn)
        .unwrap();
    let claimless: i64 = article_versions::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            claims::table.filter(claims::article_version_id.eq(article_versions::id)),
        )))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let stored_claims: i64 = claims::table.count().get_result(&mut conn).unwrap();
    let article_count: i64 = articles::table.count().get_result(&mut conn).unwrap();
    let conflicts: i64 = diesel::sql_query("SELECT count(*) AS n FROM facts WHERE is_conflict")
        .get_result::<Count>(&mut conn)
        .unwrap()
        .n;

    eprintln!(
        "load: {connections} connections for {elapsed:.1} s: {requests} requests ({:.0}/s), \
         {} reads, {} submissions ({} seeded before), {} errors; latency p50 {:.1} ms, \
         p99 {:.1} ms, max {:.1} ms; stored {} versions of {article_count} articles, \
         {stored_claims} claims, {conflicts} conflicts",
        requests as f64 / elapsed,
        total.reads,
        total.submissions + seeded,
        seeded,
        total.errors.len(),
        percentile(&total.latencies, 0.5),
        percentile(&total.latencies, 0.99),
        percentile(&total.latencies, 1.0),
        stored.len(),
    );
    assert!(exit.success(), "serve: {exit}: {log}");
    assert!(
        total.errors.is_empty(),
        "{} errors, first ones: {:?}",
        total.errors.len(),
        &total.errors[..total.errors.len().min(10)]
    );
    assert!(total.submissions > 0 && total.reads > 0);
    assert_eq!(
        stored.len(),
        total.submissions + seeded,
        "one stored version per successful submission"
    );
    assert_eq!(article_count, SHARED_URLS as i64);
    // Versions of each address are numbered 1..n, whichever connections sent them.
    let mut numbers: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
    for (article, number) in &stored {
        numbers.entry(*article).or_default().push(*number);
    }
    for (article, numbers) in &numbers {
        let expected: Vec<i32> = (1..=numbers.len() as i32).collect();
        assert_eq!(numbers, &expected, "article {article}");
    }
    // Every answered version number is distinct per address.
    for (url, versions) in &total.answered_versions {
        let mut sorted = versions.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), versions.len(), "{url}: {versions:?}");
    }
    assert_eq!(claimless, 0, "every version has its claims");
    assert!(stored_claims >= 3 * stored.len() as i64);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
