//! The database stops while claimdb runs: pages, the JSON API and `/healthz` answer 503 within
//! a few seconds (not after r2d2's 30 s default), with a clear message in the interface
//! language; once the database is back, claimdb answers again without a restart.
//!
//! The test needs a PostgreSQL server of its own that it can stop and start: a throw-away
//! cluster in the system temp folder (as root the server runs as the `postgres` user).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use claimdb::config::AppSettings;
use claimdb::db::embedded::{EmbeddedCluster, StartOptions};
use claimdb::db::{self, run_migrations};
use diesel::{Connection, PgConnection};
use serde_json::Value;

use crate::helpers::{spawn_app_on, TestApp};

/// Removes the cluster's folder when the test ends, however it ends (declared before the
/// cluster, so that it runs after the cluster has stopped).
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn start_cluster(dir: PathBuf) -> EmbeddedCluster {
    EmbeddedCluster::start(
        &dir,
        &StartOptions {
            ephemeral: true,
            remove_on_stop: false,
        },
    )
    .expect("cannot start the test cluster")
}

/// A request, timed; a generous client timeout keeps a hang from stalling the test run.
async fn timed(app: &TestApp, path: &str, accept_language: &str) -> (u16, String, Duration) {
    let start = Instant::now();
    let response = app
        .client
        .get(app.url(path))
        .header("Accept-Language", accept_language)
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .expect("request failed");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, text, start.elapsed())
}

/// How long a request may take to say the database is down.
const FAIL_FAST: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_fail_fast_while_the_database_is_down_and_recover_after() {
    let dir = std::env::temp_dir().join(format!(
        "claimdb-dbdown-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    ));
    let _cleanup = RemoveOnDrop(dir.clone());
    let (cluster, url) = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            let cluster = start_cluster(dir);
            db::create_database_if_missing(&cluster.connection_url("postgres"), "claimdb", None)
                .unwrap();
            let url = cluster.connection_url("claimdb");
            run_migrations(&mut PgConnection::establish(&url).unwrap()).unwrap();
            (cluster, url)
        })
        .await
        .unwrap()
    };
    // No page copies: every page is rendered, so each request below meets the database (a
    // copy made before it stopped would still be served, and only a write drops copies).
    let app = spawn_app_on(
        &url,
        &AppSettings {
            bind: "127.0.0.1:0".into(),
            page_cache_ttl: std::time::Duration::ZERO,
            ..AppSettings::default()
        },
    );
    let response = app
        .post_article_json(&serde_json::json!({
            "text": "Shelling kills 15\n\nAt least 15 civilians were killed in Wadi al-Zein on Tuesday.",
            "url": "https://levantwire.example/down",
        }))
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let created: Value = response.json().await.unwrap();
    let article = format!("/articles/{}", created["article_id"]);
    let token = app.csrf().await;
    for path in ["/", article.as_str(), "/api/events", "/healthz"] {
        assert_eq!(timed(&app, path, "en").await.0, 200, "GET {path} before");
    }
    // A signed-in reviewer, in a browser of their own.
    let reviewer = TestApp {
        address: app.address.clone(),
        pool: app.pool.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap(),
    };
    reviewer.sign_in_as("reviewer1", "reviewer").await;
    let reviewer_token = reviewer.csrf().await;
    assert_eq!(timed(&reviewer, "/audit", "en").await.0, 200);
    let event = app.get_json("/api/events").await["items"][0]["id"]
        .as_i64()
        .unwrap();

    // The database stops.
    // (The stopped cluster is dropped here; a new one starts on the same folder below.)
    tokio::task::spawn_blocking(move || {
        let mut cluster = cluster;
        cluster.stop();
    })
    .await
    .unwrap();

    let mut timings = Vec::new();
    // A page, in English and in Arabic.
    let (status, html, took) = timed(&app, "/", "en").await;
    timings.push(("GET / (first, en)", took));
    assert_eq!(status, 503, "{html}");
    assert!(took < FAIL_FAST, "GET / took {took:?}");
    assert!(
        html.contains("The database is not available right now"),
        "{html}"
    );
    assert!(html.starts_with("<!DOCTYPE html>"));
    let (status, html, took) = timed(&app, &article, "ar").await;
    timings.push(("GET /articles/{id} (ar)", took));
    assert_eq!(status, 503);
    assert!(took < FAIL_FAST, "GET {article} took {took:?}");
    assert!(html.contains("قاعدة البيانات غير متاحة الآن"), "{html}");
    assert!(html.contains(r#"dir="rtl""#));
    // The JSON API.
    let (status, body, took) = timed(&app, "/api/events", "en").await;
    timings.push(("GET /api/events", took));
    assert_eq!(status, 503, "{body}");
    assert!(took < FAIL_FAST, "GET /api/events took {took:?}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["status"], 503);
    assert!(
        v["error"]["message"].as_str().unwrap().contains("database"),
        "{v}"
    );
    let start = Instant::now();
    let response = app
        .post_article_json(&serde_json::json!({"text": "At least 3 people were killed."}))
        .await;
    timings.push(("POST /api/articles", start.elapsed()));
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert!(start.elapsed() < FAIL_FAST);
    // A form post.
    let start = Instant::now();
    let response = app
        .client
        .post(app.url("/articles"))
        .form(&[("text", "At least 3 people were killed."), ("csrf", &token)])
        .send()
        .await
        .unwrap();
    timings.push(("POST /articles", start.elapsed()));
    assert_eq!(response.status().as_u16(), 503);
    assert!(start.elapsed() < FAIL_FAST);
    // The health check says why.
    let (status, body, took) = timed(&app, "/healthz", "en").await;
    timings.push(("GET /healthz", took));
    assert_eq!(status, 503, "{body}");
    assert!(took < FAIL_FAST, "GET /healthz took {took:?}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "unavailable");
    assert!(!v["reason"].as_str().unwrap().is_empty(), "{v}");
    // A signed-in reviewer is not told to sign in (401): the database is down.
    let (status, html, took) = timed(&reviewer, "/audit", "en").await;
    timings.push(("GET /audit (signed in)", took));
    assert_eq!(status, 503, "{html}");
    assert!(took < FAIL_FAST, "GET /audit took {took:?}");
    let start = Instant::now();
    let response = reviewer
        .client
        .post(reviewer.url(&format!("/events/{event}/rename")))
        .form(&[("title", "Renamed while down"), ("csrf", &reviewer_token)])
        .send()
        .await
        .unwrap();
    timings.push(("POST /events/{id}/rename (signed in)", start.elapsed()));
    assert_eq!(response.status().as_u16(), 503);
    assert!(start.elapsed() < FAIL_FAST);
    // The stylesheet needs no database.
    let css = claimdb::web::assets::stylesheet_url();
    assert_eq!(timed(&app, &css, "en").await.0, 200);

    // The database comes back: claimdb answers again, without a restart.
    let restarted = Instant::now();
    let cluster = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || start_cluster(dir))
            .await
            .unwrap()
    };
    let server_ready = restarted.elapsed();
    let recovered = loop {
        let (status, _, _) = timed(&app, "/healthz", "en").await;
        if status == 200 {
            break restarted.elapsed();
        }
        assert!(
            restarted.elapsed() < Duration::from_secs(30),
            "claimdb did not recover within 30 s of the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for path in ["/", article.as_str(), "/api/events"] {
        let (status, _, _) = timed(&app, path, "en").await;
        assert_eq!(status, 200, "GET {path} after the restart");
    }
    let article_json = app
        .get_json(&format!("/api/articles/{}", created["article_id"]))
        .await;
    assert!(article_json["text"]
        .as_str()
        .unwrap()
        .contains("Wadi al-Zein"));
    // The reviewer's session holds again (sessions are in the database), and nothing was
    // renamed while the database was down.
    assert_eq!(timed(&reviewer, "/audit", "en").await.0, 200);
    let event_json = app.get_json(&format!("/api/events/{event}")).await;
    assert_ne!(event_json["title"], "Renamed while down");

    for (what, took) in &timings {
        eprintln!("database down: {what} answered 503 in {took:?}");
    }
    eprintln!(
        "database restarted: server ready after {server_ready:?}, claimdb answering after {recovered:?}"
    );
    tokio::task::spawn_blocking(move || {
        let mut cluster = cluster;
        cluster.stop();
    })
    .await
    .unwrap();
}
