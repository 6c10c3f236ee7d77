//! Watch URLs (issue 10): articles submitted by address, fetched from a local test site, and
//! re-fetched by the watcher (`watch::run_due`, what `claimdb watch --once` runs).

use std::io::Read;
use std::sync::Arc;

use claimdb::config::AppSettings;
use claimdb::db::DbPool;
use claimdb::fetch::{FetchSettings, Fetcher};
use claimdb::watch::{self, Summary, WatchSettings};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamptz};

use crate::helpers::{spawn_app_with, TestApp};
use crate::test_site::{spawn_site, TestSite, CHROME};

/// Fetching from the test site on 127.0.0.1 is allowed here (as `CLAIMDB_FETCH_ALLOW_HOSTS`
/// would allow an intranet host).
fn allowing_loopback() -> FetchSettings {
    FetchSettings {
        allow_hosts: vec!["127.0.0.1".to_string()],
        ..FetchSettings::default()
    }
}

async fn app_allowing_loopback() -> TestApp {
    spawn_app_with(AppSettings {
        bind: "127.0.0.1:0".into(),
        fetch: allowing_loopback(),
        ..AppSettings::default()
    })
    .await
}

/// What `claimdb watch --once` runs, against the app's database.
async fn run_due_once(pool: &DbPool) -> Summary {
    let fetcher = Fetcher::new(allowing_loopback()).expect("fetcher");
    let extractor = watch::worker::load_lexicons(pool).await.expect("lexicons");
    watch::run_due(pool, &fetcher, extractor, &WatchSettings::default())
        .await
        .expect("run_due")
}

#[derive(QueryableByName, Debug)]
struct WatchRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    article_id: Option<i64>,
    #[diesel(sql_type = Bool)]
    active: bool,
    #[diesel(sql_type = Integer)]
    failures: i32,
    #[diesel(sql_type = Nullable<Text>)]
    last_error: Option<String>,
    #[diesel(sql_type = Bool)]
    scheduled_later: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_checked_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn watch_of(app: &TestApp, url: &str) -> Option<WatchRow> {
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(
        "SELECT id, article_id, active, failures, last_error, \
         next_check_at > now() AS scheduled_later, last_checked_at FROM watches WHERE url = $1",
    )
    .bind::<Text, _>(url)
    .get_result(&mut conn)
    .optional()
    .unwrap()
}

fn count(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(sql).get_result::<N>(&mut conn).unwrap().n
}

fn make_all_due(app: &TestApp) {
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query("UPDATE watches SET next_check_at = now()")
        .execute(&mut conn)
        .unwrap();
}

/// The outcomes of a watch's fetches, oldest first.
fn outcomes(app: &TestApp, watch_id: i64) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    claimdb::db::watch::fetches_of(&mut conn, watch_id)
        .unwrap()
        .into_iter()
        .rev()
        .map(|f| f.outcome)
        .collect()
}

async fn submit(
    app: &TestApp,
    site: &TestSite,
    path: &str,
) -> (reqwest::StatusCode, serde_json::Value) {
    let response = app
        .post_article_json(&serde_json::json!({ "url": site.url(path) }))
        .await;
    let status = response.status();
    (status, response.json().await.expect("a JSON answer"))
}

#[tokio::test]
async fn an_address_alone_creates_the_article_from_the_page_and_watches_it() {
    let site = spawn_site(15);
    let app = app_allowing_loopback().await;

    let (status, body) = submit(&app, &site, "/news/story").await;

    assert_eq!(status, 201, "{body}");
    assert_eq!(body["fetched"], true);
    assert_eq!(body["watch"]["active"], true);
    let id = body["article_id"].as_i64().unwrap();
    let article: serde_json::Value = app
        .get(&format!("/api/articles/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let text = article["text"].as_str().unwrap();
    assert!(text.contains("At least 15 civilians were killed"), "{text}");
    assert!(
        !text.contains(CHROME),
        "the site's chrome is left out: {text}"
    );
    assert!(
        !text.contains("Markets fall"),
        "the sidebar is left out: {text}"
    );
    assert_eq!(article["outlet"], "Levant Wire", "the page's site name");
    assert_eq!(article["lang"], "en");
    assert_eq!(article["url"], site.url("/news/story"));
    let killed: Vec<i64> = article["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["measure"] == "killed")
        .map(|c| c["value"].as_i64().unwrap())
        .collect();
    assert_eq!(
        killed,
        vec![15],
        "the figure of the article, not the chrome's"
    );

    let watch = watch_of(&app, &site.url("/news/story")).expect("a watch");
    assert_eq!(watch.article_id, Some(id));
    assert!(watch.active && watch.scheduled_later && watch.failures == 0);
    assert_eq!(outcomes(&app, watch.id), vec!["new_article"]);
    // The raw page is kept, gzipped, beside the version it produced.
    let mut conn = app.pool.get().unwrap();
    let version_id = claimdb::db::articles::version(&mut conn, id, None)
        .unwrap()
        .id;
    let gz = claimdb::db::watch::html_of_version(&mut conn, version_id)
        .unwrap()
        .expect("the HTML kept");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut html)
        .unwrap();
    assert!(
        html.contains(CHROME) && html.contains("<article>"),
        "as received"
    );
}

#[tokio::test]
async fn a_changed_page_becomes_version_two_and_an_unchanged_one_only_moves_last_checked() {
    let site = spawn_site(15);
    let app = app_allowing_loopback().await;
    let (_, body) = submit(&app, &site, "/news/story").await;
    let id = body["article_id"].as_i64().unwrap();
    let url = site.url("/news/story");

    // Not due yet: nothing is fetched.
    assert_eq!(run_due_once(&app.pool).await.checked, 0);
    assert_eq!(site.hits("/news/story"), 1);

    // The outlet revises the figure in place.
    site.set_figure(19);
    make_all_due(&app);
    let summary = run_due_once(&app.pool).await;
    assert_eq!((summary.checked, summary.new_versions), (1, 1), "{summary}");
    let article: serde_json::Value = app
        .get(&format!("/api/articles/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(article["version"], 2);
    assert!(article["text"]
        .as_str()
        .unwrap()
        .contains("At least 19 civilians"));
    let diff = app
        .get(&format!("/articles/{id}/diff?from=1&to=2"))
        .await
        .text()
        .await
        .unwrap();
    let change = diff
        .lines()
        .find(|l| l.contains('→'))
        .expect("a claim-level change");
    assert!(
        change.contains("15") && change.contains("19") && change.find("15") < change.find("19"),
        "15 → 19: {change}"
    );

    // The same page again: no version, only last checked moves.
    let before = watch_of(&app, &url).unwrap();
    make_all_due(&app);
    let summary = run_due_once(&app.pool).await;
    assert_eq!((summary.checked, summary.unchanged), (1, 1), "{summary}");
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) AS n FROM article_versions WHERE article_id = {id}")
        ),
        2
    );
    let after = watch_of(&app, &url).unwrap();
    assert!(after.last_checked_at > before.last_checked_at);
    assert!(after.active && after.scheduled_later);
    assert_eq!(
        outcomes(&app, after.id),
        vec!["new_article", "new_version", "unchanged"]
    );
}

#[tokio::test]
async fn a_page_answering_304_counts_as_not_modified() {
    let site = spawn_site(15);
    let app = app_allowing_loopback().await;
    let (status, _) = submit(&app, &site, "/news/etag").await;
    assert_eq!(status, 201);

    make_all_due(&app);
    let summary = run_due_once(&app.pool).await;

    assert_eq!((summary.checked, summary.not_modified), (1, 1), "{summary}");
    assert_eq!(site.hits("/news/etag"), 2);
    let watch = watch_of(&app, &site.url("/news/etag")).unwrap();
    assert_eq!(
        outcomes(&app, watch.id),
        vec!["new_article", "not_modified"]
    );
    assert_eq!(count(&app, "SELECT count(*) AS n FROM article_versions"), 1);
}

#[tokio::test]
async fn failed_fetches_are_recorded_with_their_reason_kept_as_watches_and_retried() {
    let site = spawn_site(15);
    let app = app_allowing_loopback().await;
    // A signed-in user asks: failing addresses are kept (an anonymous one would not be).
    app.sign_in_editor().await;

    let (status, body) = submit(&app, &site, "/news/missing").await;
    assert_eq!(status, 502, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("404"),
        "{body}"
    );
    let missing = watch_of(&app, &site.url("/news/missing")).expect("kept as a watch");
    assert_eq!(missing.article_id, None);
    assert!(missing.last_error.as_deref().unwrap().contains("404"));

    site.set_broken(true);
    let (status, body) = submit(&app, &site, "/news/flaky").await;
    assert_eq!(status, 502, "{body}");
    let url = site.url("/news/flaky");
    let watch = watch_of(&app, &url).unwrap();
    assert_eq!((watch.article_id, watch.failures), (None, 1));
    assert!(watch.last_error.as_deref().unwrap().contains("500"));
    assert!(watch.active && watch.scheduled_later, "retried later");
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM articles"),
        0,
        "never an empty version"
    );

    // Still broken at the retry: one more failure, still active.
    make_all_due(&app);
    let summary = run_due_once(&app.pool).await;
    assert_eq!(summary.failed, 2, "both failing pages retried: {summary}");
    let watch = watch_of(&app, &url).unwrap();
    assert_eq!(watch.failures, 2);
    assert!(watch.active && watch.scheduled_later);

    // Once the page works, the retry creates the article.
    site.set_broken(false);
    make_all_due(&app);
    let summary = run_due_once(&app.pool).await;
    assert_eq!(summary.new_articles, 1, "{summary}");
    let watch = watch_of(&app, &url).unwrap();
    assert!(watch.article_id.is_some());
    assert_eq!((watch.failures, watch.last_error), (0, None));
    assert_eq!(
        outcomes(&app, watch.id),
        vec!["failed", "failed", "new_article"]
    );
    let mut conn = app.pool.get().unwrap();
    let statuses: Vec<Option<i32>> = claimdb::db::watch::fetches_of(&mut conn, watch.id)
        .unwrap()
        .into_iter()
        .rev()
        .map(|f| f.http_status)
        .collect();
    assert_eq!(statuses, vec![Some(500), Some(500), Some(200)]);
}

#[tokio::test]
async fn a_private_address_is_refused_unless_allowed_and_not_watched() {
    let site = spawn_site(15);
    // The default settings: loopback and private addresses are not fetched.
    let app = spawn_app_with(AppSettings {
        bind: "127.0.0.1:0".into(),
        ..AppSettings::default()
    })
    .await;

    let (status, body) = submit(&app, &site, "/news/story").await;

    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "url");
    assert_eq!(body["error"]["fields"][0]["code"], "fetch.refused");
    assert_eq!(site.hits("/news/story"), 0, "never requested");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM watches"), 0);

    let (status, body) = {
        let r = app
            .post_article_json(&serde_json::json!({ "url": "ftp://example.com/x" }))
            .await;
        (r.status(), r.json::<serde_json::Value>().await.unwrap())
    };
    assert_eq!(status, 422, "{body}");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM watches"), 0);
}

#[tokio::test]
async fn two_workers_at_once_never_fetch_the_same_watch_twice() {
    let site = spawn_site(15);
    let app = app_allowing_loopback().await;
    let paths: Vec<String> = (0..6).map(|i| format!("/news/story-{i}")).collect();
    for path in &paths {
        let (status, body) = submit(&app, &site, path).await;
        assert_eq!(status, 201, "{body}");
    }
    make_all_due(&app);

    let settings = WatchSettings {
        batch: 1,
        ..WatchSettings::default()
    };
    let fetcher = Fetcher::new(allowing_loopback()).unwrap();
    let extractor = watch::worker::load_lexicons(&app.pool).await.unwrap();
    let (a, b) = tokio::join!(
        watch::run_due(&app.pool, &fetcher, Arc::clone(&extractor), &settings),
        watch::run_due(&app.pool, &fetcher, Arc::clone(&extractor), &settings),
    );
    let (a, b) = (a.unwrap(), b.unwrap());

    assert_eq!(a.checked + b.checked, 6, "{a} / {b}");
    for path in &paths {
        assert_eq!(
            site.hits(path),
            2,
            "{path}: the submission's fetch and one re-fetch"
        );
    }
    assert_eq!(count(&app, "SELECT count(*) AS n FROM fetches"), 12);
}

#[tokio::test]
async fn the_form_accepts_an_address_without_text() {
    let site = spawn_site(15);
    let app = app_allowing_loopback().await;

    let response = app
        .post_article_form(&[("url", &site.url("/news/story")), ("text", "")])
        .await;

    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("notice=created"), "{location}");
    let page = app.get(&location).await.text().await.unwrap();
    assert!(page.contains("At least"), "the article's page");
    assert!(watch_of(&app, &site.url("/news/story")).is_some());

    // A page that cannot be had: the form again, the reason by the address, nothing lost.
    let response = app
        .post_article_form(&[
            ("url", &site.url("/news/missing")),
            ("text", ""),
            ("outlet", "Typed Outlet"),
        ])
        .await;
    assert_eq!(response.status(), 502);
    let page = response.text().await.unwrap();
    assert!(page.contains("url-error") && page.contains("404"), "{page}");
    assert!(page.contains("Typed Outlet"), "the typed fields stay");
    assert!(
        watch_of(&app, &site.url("/news/missing")).is_none(),
        "an anonymous address that gave no article is not kept"
    );
    assert!(page.contains("nothing was kept"), "{page}");
}

#[tokio::test]
async fn the_form_refuses_a_private_address_in_arabic_too() {
    let site = spawn_site(15);
    let app = spawn_app_with(AppSettings {
        bind: "127.0.0.1:0".into(),
        ..AppSettings::default()
    })
    .await;
    let token = app.csrf().await;
    let url = site.url("/news/story");

    let response = app
        .client
        .post(app.url("/articles"))
        .header("Accept-Language", "ar")
        .form(&[("url", url.as_str()), ("text", ""), ("csrf", &token)])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("لا يمكن جلب هذا العنوان"), "the Arabic reason");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM watches"), 0);
}

#[tokio::test]
async fn a_watch_past_its_maximum_age_is_checked_a_last_time_then_stops() {
    let site = spawn_site(15);
    let app = app_allowing_loopback().await;
    submit(&app, &site, "/news/story").await;
    let url = site.url("/news/story");
    {
        let mut conn = app.pool.get().unwrap();
        diesel::sql_query(
            "UPDATE watches SET created_at = now() - interval '15 days', next_check_at = now()",
        )
        .execute(&mut conn)
        .unwrap();
    }

    let summary = run_due_once(&app.pool).await;

    assert_eq!(summary.unchanged, 1, "{summary}");
    let watch = watch_of(&app, &url).unwrap();
    assert!(!watch.active, "older than 14 days: no longer re-fetched");
    make_all_due(&app);
    assert_eq!(
        run_due_once(&app.pool).await.checked,
        0,
        "a stopped watch is not due"
    );
    assert_eq!(site.hits("/news/story"), 2);
}

#[tokio::test]
async fn the_same_address_submitted_again_is_fetched_again_without_a_second_watch() {
    let site = spawn_site(15);
    let app = app_allowing_loopback().await;
    let (first, body) = submit(&app, &site, "/news/story").await;
    assert_eq!(first, 201, "{body}");

    let (again, body) = submit(&app, &site, "/news/story").await;

    assert_eq!(again, 200, "{body}");
    assert_eq!(body["status"], "unchanged");
    assert_eq!(body["version"], 1);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM watches"), 1);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM article_versions"), 1);
    // Pasted text still wins over the address: no fetch (signed in, so it is a new version).
    let response = app
        .editor()
        .await
        .post_article_json(&serde_json::json!({
            "url": site.url("/news/story"),
            "text": "Shelling kills 21\n\nAt least 21 civilians were killed in Wadi al-Zein.",
        }))
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        site.hits("/news/story"),
        2,
        "the pasted version was not fetched"
    );
}
