//! What a fetch by address leaves behind (issue 17, point 9): refusals that say no more than
//! "not a public address", watches only for addresses that gave an article (or that a signed-in
//! user asked for), no `user:password@` stored or shown, and a bound on the whole request.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use claimdb::config::AppSettings;
use claimdb::fetch::FetchSettings;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{spawn_app_with, TestApp};
use crate::test_site::spawn_site;

fn settings(allow_loopback: bool, timeout: Duration) -> AppSettings {
    AppSettings {
        bind: "127.0.0.1:0".into(),
        fetch: FetchSettings {
            allow_hosts: if allow_loopback {
                vec!["127.0.0.1".to_string()]
            } else {
                Vec::new()
            },
            timeout,
            ..FetchSettings::default()
        },
        ..AppSettings::default()
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .unwrap()
        .n
}

async fn submit(app: &TestApp, url: &str) -> (u16, serde_json::Value) {
    let response = app
        .post_article_json(&serde_json::json!({ "url": url }))
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn a_refusal_says_not_a_public_address_and_nothing_of_what_a_name_resolves_to() {
    let app = spawn_app_with(settings(false, Duration::from_secs(5))).await;
    let site = spawn_site(15);
    let by_name = site.url("/news/story").replace("127.0.0.1", "localhost");

    for url in [by_name.as_str(), &site.url("/news/story")] {
        let (status, body) = submit(&app, url).await;
        assert_eq!(status, 422, "{body}");
        let text = body.to_string();
        assert!(text.contains("not a public address"), "{text}");
        assert!(
            !text.contains("127.0.0.1\\u0029") && !text.contains("(127.0.0.1)"),
            "{text}"
        );
        assert!(!text.contains("loopback"), "{text}");
    }
    let form = app
        .post_article_form(&[("url", &by_name), ("text", "")])
        .await;
    assert_eq!(form.status().as_u16(), 422);
    let page = form.text().await.unwrap();
    assert!(page.contains("not a public address"));
    assert!(
        !page.contains("loopback") && !page.contains("(127.0.0.1)"),
        "{page}"
    );
}

#[tokio::test]
async fn only_an_article_or_a_signed_in_user_gets_an_address_watched() {
    let app = spawn_app_with(settings(true, Duration::from_secs(5))).await;
    let site = spawn_site(15);

    let (status, body) = submit(&app, &site.url("/news/missing")).await;
    assert_eq!(status, 502, "{body}");
    assert!(body["watch"].is_null(), "{body}");
    assert_eq!(
        body["error"]["fields"][0]["code"], "fetch.failed_not_kept",
        "{body}"
    );
    assert_eq!(count(&app, "SELECT count(*) AS n FROM watches"), 0);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM fetches"), 0);

    // A page with an article: watched.
    let (status, _) = submit(&app, &site.url("/news/story")).await;
    assert_eq!(status, 201);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM watches"), 1);

    // A signed-in user asking: kept and retried even though it failed.
    app.sign_in_as("mona", "reviewer").await;
    let (status, body) = submit(&app, &site.url("/news/missing")).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["watch"]["active"], true, "{body}");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM watches"), 2);
}

#[tokio::test]
async fn user_and_password_in_an_address_are_neither_stored_nor_shown() {
    let app = spawn_app_with(settings(true, Duration::from_secs(5))).await;
    let site = spawn_site(15);
    let url = site
        .url("/news/story")
        .replace("http://", "http://editor:hunter2@");

    let (status, body) = submit(&app, &url).await;
    assert_eq!(status, 201, "{body}");
    let id = body["article_id"].as_i64().unwrap();
    let pasted = app
        .post_article_json(&serde_json::json!({
            "text": "Shelling kills civilians\n\nAt least 4 civilians were killed on Monday, medics said.",
            "url": "https://reader:s3cret@news.example/a",
        }))
        .await;
    assert_eq!(pasted.status().as_u16(), 201);

    let mut conn = app.pool.get().unwrap();
    let leaked: i64 = diesel::sql_query(
        "SELECT (SELECT count(*) FROM articles WHERE url LIKE '%hunter2%' OR url LIKE '%s3cret%') \
         + (SELECT count(*) FROM watches WHERE url LIKE '%hunter2%') \
         + (SELECT count(*) FROM fetches WHERE url LIKE '%hunter2%' OR final_url LIKE '%hunter2%') AS n",
    )
    .get_result::<Count>(&mut conn)
    .unwrap()
    .n;
    assert_eq!(leaked, 0);
    let page = app
        .get(&format!("/articles/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("hunter2") && !page.contains("editor@"));
    let watches = app.get("/watches").await.text().await.unwrap();
    assert!(!watches.contains("hunter2"));
}

/// A site that sends its headers, then one byte of body every 200 ms for ever; records when
/// the client hung up.
async fn trickling_site() -> (String, Arc<Mutex<Option<Instant>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slow-story", listener.local_addr().unwrap());
    let closed = Arc::new(Mutex::new(None));
    let closed_at = closed.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let closed_at = closed_at.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let head =
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                loop {
                    if stream.write_all(b" ").await.is_err() || stream.flush().await.is_err() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                *closed_at.lock().unwrap() = Some(Instant::now());
            });
        }
    });
    (url, closed)
}

#[tokio::test]
async fn a_trickled_body_cannot_hold_a_fetch_open_past_the_limit() {
    let app = spawn_app_with(settings(true, Duration::from_secs(1))).await;
    let (url, closed) = trickling_site().await;

    let started = Instant::now();
    let (status, body) = submit(&app, &url).await;
    let answered = started.elapsed();

    assert_eq!(status, 502, "{body}");
    assert!(
        answered < Duration::from_secs(3),
        "answered after {answered:?}"
    );
    // The connection to the site is closed too, not left trickling.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let closed_after = closed
        .lock()
        .unwrap()
        .map(|at| at.duration_since(started))
        .expect("the fetch still holds the connection open");
    assert!(closed_after < Duration::from_secs(3), "{closed_after:?}");
}
