//! The `claimdb` binary against its own private cluster: lifecycle, persistence, status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "support/serve.rs"]
mod serve;
use serve::{free_port, wait_until_healthy, Running};

struct DataDir(PathBuf);

impl DataDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "claimdb-cli-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..10]
        ));
        DataDir(dir)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = claimdb(&self.0, &["db", "stop"]);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn claimdb(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(args)
        .env("CLAIMDB_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("cannot run claimdb")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_one_shot_command_provisions_the_cluster_and_stops_it_afterwards() {
    let dir = DataDir::new();

    let migrate = claimdb(&dir.0, &["migrate"]);
    let status = claimdb(&dir.0, &["db", "status"]);

    assert!(migrate.status.success(), "{:?}", migrate);
    assert!(dir.0.join("pgdata/PG_VERSION").exists() || dir.0.join("cluster-location").exists());
    assert_eq!(status.status.code(), Some(3), "{}", stdout(&status));
    assert!(stdout(&status).contains("stopped"));
}

#[test]
fn db_start_keeps_the_cluster_running_until_db_stop() {
    let dir = DataDir::new();

    let start = claimdb(&dir.0, &["db", "start"]);
    let running = claimdb(&dir.0, &["db", "status"]);
    // A one-shot command reuses the running server and leaves it running.
    let migrate = claimdb(&dir.0, &["migrate"]);
    let still_running = claimdb(&dir.0, &["db", "status"]);
    let stop = claimdb(&dir.0, &["db", "stop"]);
    let stopped = claimdb(&dir.0, &["db", "status"]);

    assert!(start.status.success(), "{:?}", start);
    assert_eq!(running.status.code(), Some(0), "{}", stdout(&running));
    assert!(stdout(&running).contains("running"));
    assert!(migrate.status.success(), "{:?}", migrate);
    assert_eq!(still_running.status.code(), Some(0));
    assert!(stop.status.success());
    assert_eq!(stopped.status.code(), Some(3));
}

#[test]
fn data_survives_a_restart_of_the_cluster() {
    let dir = DataDir::new();
    assert!(claimdb(&dir.0, &["db", "start"]).status.success());
    let url = format!(
        "postgres://postgres@{}:5432/claimdb",
        dir.0.join("run").display().to_string().replace('/', "%2F")
    );
    {
        use diesel::prelude::*;
        let mut conn = PgConnection::establish(&url).expect("connect");
        diesel::sql_query("INSERT INTO outlets (name, name_key) VALUES ('Kept', 'kept')")
            .execute(&mut conn)
            .unwrap();
    }
    assert!(claimdb(&dir.0, &["db", "stop"]).status.success());
    assert!(claimdb(&dir.0, &["db", "start"]).status.success());

    use diesel::prelude::*;
    let mut conn = PgConnection::establish(&url).expect("connect after restart");
    let count: i64 = claimdb_outlets_count(&mut conn);
    assert_eq!(count, 1);
}

fn claimdb_outlets_count(conn: &mut diesel::PgConnection) -> i64 {
    use claimdb::db::schema::outlets;
    use diesel::prelude::*;
    outlets::table.count().get_result(conn).unwrap()
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_duplicates() {
    use std::io::Write;
    let dir = DataDir::new();
    let add = |name: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(["user", "add", name, "--role", "admin"])
            .env("CLAIMDB_DATA_DIR", &dir.0)
            .env_remove("DATABASE_URL")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"correct horse battery\n")
            .unwrap();
        child.wait_with_output().unwrap()
    };

    let first = add("layla");
    let second = add("layla");

    assert!(first.status.success(), "{first:?}");
    assert!(stdout(&first).contains("added layla (admin)"));
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already exists"));
}

// ---------------------------------------------------------------------------------------------
// Crashes and shutdowns: what was acknowledged is stored whole, what was not leaves no trace.
// ---------------------------------------------------------------------------------------------

/// The connection URL of database `name` on a data directory's cluster (wherever it was placed).
fn cluster_url(data_dir: &Path, name: &str) -> String {
    let root = std::fs::read_to_string(data_dir.join("cluster-location"))
        .ok()
        .map(|s| PathBuf::from(s.trim()))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| data_dir.to_path_buf());
    format!(
        "postgres://postgres@{}:5432/{name}",
        root.join("run").display().to_string().replace('/', "%2F")
    )
}

fn connect(data_dir: &Path) -> diesel::ConnectionResult<diesel::PgConnection> {
    use diesel::Connection;
    diesel::PgConnection::establish(&cluster_url(data_dir, "claimdb"))
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut diesel::PgConnection, sql: &str) -> i64 {
    use diesel::RunQueryDsl;
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// One stored version: its article's url, number, content hash and number of claims.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, diesel::QueryableByName)]
struct VersionRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    url: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    number: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    hash: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    claims: i64,
}

fn versions(conn: &mut diesel::PgConnection) -> Vec<VersionRow> {
    use diesel::RunQueryDsl;
    diesel::sql_query(
        "SELECT coalesce(a.url, '') AS url, v.number, v.content_hash AS hash, \
         (SELECT count(*) FROM claims c WHERE c.article_version_id = v.id) AS claims \
         FROM article_versions v JOIN articles a ON a.id = v.article_id \
         ORDER BY 1, 2, 3",
    )
    .load(conn)
    .unwrap()
}

/// What must hold of any database claimdb leaves behind, however it stopped: every figure
/// belongs to a stored version, every article has its versions numbered 1..n without a text
/// twice, every event has an article.
fn assert_consistent(conn: &mut diesel::PgConnection, what: &str) {
    for (problem, sql) in [
        (
            "claims without a version",
            "SELECT count(*) AS n FROM claims c WHERE NOT EXISTS \
             (SELECT 1 FROM article_versions v WHERE v.id = c.article_version_id)",
        ),
        (
            "articles without a version",
            "SELECT count(*) AS n FROM articles a WHERE NOT EXISTS \
             (SELECT 1 FROM article_versions v WHERE v.article_id = a.id)",
        ),
        (
            "versions of one article sharing a text",
            "SELECT count(*) AS n FROM (SELECT article_id, content_hash FROM article_versions \
             GROUP BY 1, 2 HAVING count(*) > 1) d",
        ),
        (
            "articles whose versions are not numbered 1..n",
            "SELECT count(*) AS n FROM (SELECT article_id FROM article_versions GROUP BY 1 \
             HAVING min(number) <> 1 OR max(number) <> count(*)) d",
        ),
        (
            "events without articles",
            "SELECT count(*) AS n FROM events e WHERE NOT EXISTS \
             (SELECT 1 FROM articles a WHERE a.event_id = e.id)",
        ),
        (
            "claims without an event",
            "SELECT count(*) AS n FROM claims WHERE event_id IS NULL",
        ),
        (
            "facts without members",
            "SELECT count(*) AS n FROM facts f WHERE NOT EXISTS \
             (SELECT 1 FROM fact_members m WHERE m.fact_id = f.id)",
        ),
    ] {
        assert_eq!(count(conn, sql), 0, "{what}: {problem}");
    }
}

/// The numbers of an import's summary line: new articles, new versions, unchanged, duplicates,
/// failed, claims.
fn summary_numbers(out: &Output) -> Vec<usize> {
    let text = stdout(out);
    let line = text
        .lines()
        .find(|l| l.contains("new articles"))
        .unwrap_or_else(|| panic!("no summary: {out:?}"));
    line.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

/// Waits until `db status` says the cluster is stopped (exit 3; a server shutting down says
/// "starting", also with exit 3, and a claimdb started then fails: "the server stopped").
fn wait_stopped(dir: &Path, within: std::time::Duration) {
    let start = std::time::Instant::now();
    loop {
        let status = claimdb(dir, &["db", "status"]);
        if status.status.code() == Some(3) && stdout(&status).contains("stopped") {
            return;
        }
        assert!(
            start.elapsed() < within,
            "the cluster is still running: {}",
            stdout(&status)
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn an_import_killed_half_way_completes_when_run_again_without_duplicates_or_orphans() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let killed = DataDir::new();
    let clean = DataDir::new();
    std::fs::create_dir_all(&killed.0).unwrap();
    let corpus = killed.0.join("corpus.jsonl");
    let corpus_arg = corpus.display().to_string();
    let generate = claimdb(
        &killed.0,
        &[
            "generate",
            "--articles",
            "600",
            "--out",
            &corpus_arg,
            "--seed",
            "5",
        ],
    );
    assert!(generate.status.success(), "{generate:?}");

    // The same file imported without interruption elsewhere, meanwhile: what to end up with.
    let clean_dir = clean.0.clone();
    let clean_corpus = corpus_arg.clone();
    let clean_import = std::thread::spawn(move || claimdb(&clean_dir, &["import", &clean_corpus]));

    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(["import", &corpus_arg])
            .env("CLAIMDB_DATA_DIR", &killed.0)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run claimdb import"),
    );
    // Once a batch is stored (the import owns the cluster: it is reachable while it runs).
    let start = Instant::now();
    loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            panic!("the import ended ({status}) before it could be killed");
        }
        let stored = connect(&killed.0)
            .ok()
            .and_then(|mut conn| {
                use diesel::RunQueryDsl;
                diesel::sql_query("SELECT count(*) AS n FROM article_versions")
                    .get_result::<Count>(&mut conn)
                    .ok()
            })
            .map_or(0, |c| c.n);
        if stored > 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "nothing stored");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.0.kill().unwrap(); // SIGKILL
    child.0.wait().unwrap();
    // The watchdog stops the cluster the killed import owned: no server is left behind.
    wait_stopped(&killed.0, Duration::from_secs(30));

    // What the killed import left: whole batches only.
    let restart = claimdb(&killed.0, &["db", "start"]);
    assert!(
        restart.status.success(),
        "{restart:?}\n{}",
        std::fs::read_to_string(killed.0.join("postgres.log")).unwrap_or_default()
    );
    let mut conn = connect(&killed.0).unwrap();
    assert_consistent(&mut conn, "after the kill");
    let left = versions(&mut conn);
    drop(conn);

    let rerun = claimdb(&killed.0, &["import", &corpus_arg]);
    assert!(rerun.status.success(), "{rerun:?}");
    let clean_out = clean_import.join().unwrap();
    assert!(clean_out.status.success(), "{clean_out:?}");
    let expected = summary_numbers(&clean_out);
    let again = summary_numbers(&rerun);

    assert!(claimdb(&clean.0, &["db", "start"]).status.success());
    let want = versions(&mut connect(&clean.0).unwrap());
    let mut conn = connect(&killed.0).unwrap();
    assert_consistent(&mut conn, "after the second import");
    let got = versions(&mut conn);

    let total_versions = expected[0] + expected[1];
    assert_eq!(expected[2..5], [0, 0, 0], "a clean import: {expected:?}");
    assert_eq!(want.len(), total_versions);
    assert!(
        !left.is_empty() && left.len() < total_versions,
        "killed half-way: {} of {total_versions} versions stored",
        left.len()
    );
    // Whatever the kill left is whole: each version with all the claims the clean import gives it.
    for v in &left {
        assert!(want.contains(v), "{v:?} differs from the clean import");
    }
    // The second run skips what is stored and stores the rest.
    assert_eq!(again[2] + again[3], left.len(), "skipped: {again:?}");
    assert_eq!(
        again[0] + again[1],
        total_versions - left.len(),
        "{again:?}"
    );
    assert_eq!(again[4], 0, "{again:?}");
    // And the result is the clean import's: same articles, versions, texts and claims.
    assert_eq!(got, want);
    let totals = |conn: &mut diesel::PgConnection| {
        [
            "SELECT count(*) AS n FROM articles",
            "SELECT count(*) AS n FROM claims",
            "SELECT count(*) AS n FROM events",
        ]
        .map(|sql| count(conn, sql))
    };
    let clean_totals = totals(&mut connect(&clean.0).unwrap());
    assert_eq!(totals(&mut conn), clean_totals);
    assert_eq!(clean_totals[0], expected[0] as i64);
    assert_eq!(clean_totals[1], expected[5] as i64);
}

/// A long report (about `bytes` long) with three figures, different from every other `tag`.
fn long_report(tag: usize, bytes: usize) -> String {
    // The tag is spelled in letters: a number in the text would be one more figure.
    let word: String = format!("{tag:04}")
        .bytes()
        .map(|d| char::from(b'a' + (d - b'0')))
        .collect();
    let mut text = format!(
        "Shelling kills civilians in Wadi al-Zein market, report {word}\n\n\
         At least 15 civilians were killed and 40 wounded when artillery shells struck the \
         market of Wadi al-Zein in northern Hama province on Tuesday, local medics said. The \
         Syrian Observatory for Human Rights put the toll at 12.\n\n"
    );
    while text.len() < bytes {
        text.push_str(
            "The market had reopened only weeks earlier after months of closure, and traders \
             said that stalls selling vegetables, bread and household goods had drawn crowds \
             from the surrounding villages since the early morning hours.\n\n",
        );
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_leaves_every_acknowledged_submission_whole_and_nothing_half_written() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    const REQUESTS: usize = 40;
    const TEXT_BYTES: usize = 256 * 1024;
    let dir = DataDir::new();
    // The cluster outlives the server, to be read afterwards.
    assert!(claimdb(&dir.0, &["db", "start"]).status.success());
    let port = free_port();
    let log = dir.0.join("serve.log");
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("CLAIMDB_DATA_DIR", &dir.0)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "error,actix_server=info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("cannot run claimdb serve"),
    );
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    wait_until_healthy(&mut server, &base, Duration::from_secs(30)).await;

    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    // The bodies are ready before the first is sent, so that they all go out at once.
    let bodies: Vec<Vec<u8>> = (0..REQUESTS)
        .map(|i| {
            serde_json::to_vec(&serde_json::json!({
                "text": long_report(i, TEXT_BYTES),
                "url": format!("https://levantwire.example/wadi/{i}"),
                "outlet": "Levant Wire",
                "published": "2024-03-12",
            }))
            .unwrap()
        })
        .collect();
    let requests: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (client, base, done) = (client.clone(), base.clone(), done_tx.clone());
            tokio::spawn(async move {
                let answer = match client
                    .post(format!("{base}/api/articles"))
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await
                {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        Ok((status, r.json::<serde_json::Value>().await.ok()))
                    }
                    Err(e) => Err(e.to_string()),
                };
                let _ = done.send(());
                answer
            })
        })
        .collect();
    // SIGTERM once the first answer is back, with the others still in flight.
    done_rx.recv().await;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.0.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let mut answered_before = 1;
    while done_rx.try_recv().is_ok() {
        answered_before += 1;
    }
    let mut answers = Vec::new();
    for r in requests {
        answers.push(r.await.unwrap());
    }
    // The server finishes what it accepted (within its shutdown timeout) and exits cleanly.
    let stopped = Instant::now();
    let exit = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(20),
            "serve did not stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(exit.success(), "{exit}: {log}");
    assert!(log.contains("starting graceful shutdown"), "{log}");
    assert!(
        client.get(format!("{base}/healthz")).send().await.is_err(),
        "nothing listens any more"
    );

    let acknowledged: Vec<&serde_json::Value> = answers
        .iter()
        .filter_map(|a| match a {
            Ok((status, Some(body))) if (200..300).contains(status) => Some(body),
            _ => None,
        })
        .collect();
    let statuses: Vec<String> = answers
        .iter()
        .map(|a| match a {
            Ok((status, _)) => status.to_string(),
            Err(e) => format!("error: {e}"),
        })
        .collect();
    assert!(
        answered_before < REQUESTS,
        "SIGTERM came after every answer: {statuses:?}"
    );
    assert!(!acknowledged.is_empty());
    for (status, body) in answers.iter().flatten() {
        assert!(*status < 500 || *status == 503, "{status}: {body:?}");
    }

    let mut conn = connect(&dir.0).unwrap();
    assert_consistent(&mut conn, "after SIGTERM");
    let stored = versions(&mut conn);
    // Every text has the same three figures: a version with fewer was half-written.
    let per_text = acknowledged[0]["claims"].as_array().unwrap().len() as i64;
    assert_eq!(per_text, 3, "{}", acknowledged[0]);
    for v in &stored {
        assert_eq!(v.claims, per_text, "{v:?}");
        assert_eq!(v.number, 1);
    }
    // Every acknowledged submission is stored, with the claims its answer listed.
    for body in &acknowledged {
        let article = body["article_id"].as_i64().unwrap();
        let url: String = {
            use diesel::prelude::*;
            claimdb::db::schema::articles::table
                .find(article)
                .select(claimdb::db::schema::articles::url)
                .first::<Option<String>>(&mut conn)
                .unwrap()
                .unwrap()
        };
        let version = stored
            .iter()
            .find(|v| v.url == url)
            .unwrap_or_else(|| panic!("acknowledged {url} is not stored"));
        assert_eq!(
            version.claims,
            body["claims"].as_array().unwrap().len() as i64
        );
    }
    assert!(stored.len() >= acknowledged.len());
    assert!(stored.len() <= REQUESTS);
    let refused = statuses.iter().filter(|s| *s == "503").count();
    // The connections the server held at SIGTERM (some still queued for a worker, which a
    // graceful shutdown drops unanswered), for the record.
    let held: usize = log
        .lines()
        .filter_map(|l| {
            l.split("finishing ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    eprintln!(
        "{answered_before} answered before SIGTERM, {held} connections held; {} acknowledged, {refused} refused (503), {} \
         cut off; {} stored",
        acknowledged.len(),
        REQUESTS - acknowledged.len() - refused,
        stored.len()
    );
}

/// `claimdb extract FILE | head`: the reader goes away before the output is written. The
/// command must stop quietly, not panic on the broken pipe.
#[test]
fn extract_into_a_closed_pipe_exits_quietly() {
    let dir = std::env::temp_dir().join(format!(
        "claimdb-cli-pipe-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("article.txt");
    // far more output than a pipe buffers, so the writes meet the closed pipe
    let sentence =
        "12 people were killed and 30 wounded, including 5 children, the ministry said.\n";
    std::fs::write(&file, sentence.repeat(2000)).expect("write article");
    for json in [false, true] {
        let mut args = vec!["extract"];
        if json {
            args.push("--json");
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(&args)
            .arg(&file)
            .env("CLAIMDB_DATA_DIR", &dir)
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("cannot run claimdb");
        // close the reading end at once, as `head` does once it has its lines
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait for claimdb");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !stderr.contains("panicked"),
            "json={json}: {:?}, stderr: {stderr}",
            out.status
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
