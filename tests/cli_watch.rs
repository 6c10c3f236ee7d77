//! `claimdb import` of addresses and `claimdb watch --once`, as cron would run them, against
//! the binary's own private cluster and a small news site on 127.0.0.1 (allowed through
//! `CLAIMDB_FETCH_ALLOW_HOSTS`).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

struct DataDir(PathBuf);

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
        .env("CLAIMDB_FETCH_ALLOW_HOSTS", "127.0.0.1")
        .env("RUST_LOG", "warn")
        .output()
        .expect("cannot run claimdb")
}

fn page(figure: u32) -> String {
    let para = "Rescue workers spent the night pulling survivors from the rubble of shops and \
                homes around the market square, where traders had gathered for the weekly sale.";
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Shelling kills {figure}</title></head><body>\
         <nav><a href=\"/\">Home</a> | <a href=\"/subscribe\">Subscribe now</a></nav>\
         <article><h1>Shelling kills {figure}</h1>\
         <p>At least {figure} civilians were killed in Wadi al-Zein on Tuesday when shells struck \
         the town's market, the White Helmets said, in the deadliest attack this year.</p>\
         <p>{para}</p><p>{para}</p><p>{para}</p></article>\
         <footer>Copyright Levant Wire</footer></body></html>"
    )
}

/// A one-thread HTTP/1.0-style site: `/news/story` with the current figure, anything else 404.
fn spawn_site(figure: Arc<AtomicU32>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request);
            let (status, body) = if request.starts_with("GET /news/story ") {
                ("200 OK", page(figure.load(Ordering::SeqCst)))
            } else {
                (
                    "404 Not Found",
                    "<html><body>not found</body></html>".to_string(),
                )
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    address
}

fn cluster_url(data_dir: &Path) -> String {
    let root = std::fs::read_to_string(data_dir.join("cluster-location"))
        .ok()
        .map(|s| PathBuf::from(s.trim()))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| data_dir.to_path_buf());
    format!(
        "postgres://postgres@{}:5432/claimdb",
        root.join("run").display().to_string().replace('/', "%2F")
    )
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(conn: &mut diesel::PgConnection, sql: &str) -> i64 {
    use diesel::RunQueryDsl;
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

#[test]
fn addresses_are_imported_and_watch_once_stores_the_changed_page_as_a_new_version() {
    use diesel::{Connection, RunQueryDsl};
    let figure = Arc::new(AtomicU32::new(15));
    let site = spawn_site(figure.clone());
    let dir = DataDir(std::env::temp_dir().join(format!(
        "claimdb-cli-watch-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    )));
    std::fs::create_dir_all(&dir.0).unwrap();
    assert!(claimdb(&dir.0, &["db", "start"]).status.success());
    let lines = format!("{{\"url\": \"{site}/news/story\"}}\n{{\"url\": \"{site}/news/gone\"}}\n");
    let file = dir.0.join("addresses.jsonl");
    std::fs::write(&file, lines).unwrap();

    let import = claimdb(&dir.0, &["import", file.to_str().unwrap()]);

    let stderr = String::from_utf8_lossy(&import.stderr);
    let stdout = String::from_utf8_lossy(&import.stdout);
    assert!(stdout.contains("1 new articles"), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 failed"), "{stdout}");
    assert!(
        stderr.contains("addresses.jsonl:2: failed: url: the site answered HTTP 404"),
        "the line and its reason: {stderr}"
    );
    let mut conn = diesel::PgConnection::establish(&cluster_url(&dir.0)).unwrap();
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM watches"),
        2,
        "both kept"
    );

    figure.store(19, Ordering::SeqCst);
    diesel::sql_query("UPDATE watches SET next_check_at = now()")
        .execute(&mut conn)
        .unwrap();
    let once = claimdb(&dir.0, &["watch", "--once"]);

    let stdout = String::from_utf8_lossy(&once.stdout);
    assert!(once.status.success(), "{once:?}");
    assert_eq!(
        stdout.trim(),
        "2 checked: 0 new articles, 1 new versions, 0 unchanged, 0 not modified, 1 failed"
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM claims c JOIN article_versions v \
             ON v.id = c.article_version_id WHERE v.number = 2 AND c.value = 19"
        ),
        1,
        "version 2 has the new figure"
    );
    let again = claimdb(&dir.0, &["watch", "--once"]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "0 checked: 0 new articles, 0 new versions, 0 unchanged, 0 not modified, 0 failed",
        "nothing due"
    );
}
