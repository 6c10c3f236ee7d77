//! The watched-articles page (`/watches`) and the watch state and button on the article page.
//!
//! Watch states the scheduler would produce (failing, stopped, checked) are written directly
//! into `watches`; `/watches` is not kept by the page cache, so it shows them at once.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::json;

use claimdb::db::schema::{audit_log, fetches, watches};

use crate::helpers::{spawn_app, TestApp};

const KAFR_V1: &str = "Shelling kills civilians in Kafr Nabl\n\nAt least 15 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";
const KAFR_V2: &str = "Shelling kills civilians in Kafr Nabl\n\nAt least 19 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";

/// Posts `text` at `url` through the JSON API; the article's id.
async fn post_article(app: &TestApp, text: &str, url: Option<&str>) -> i64 {
    let mut body = json!({ "text": text, "outlet": "Idlib Post" });
    if let Some(url) = url {
        body["url"] = json!(url);
    }
    let response = app.post_article_json(&body).await;
    assert!(response.status().is_success(), "posting {url:?}");
    let body: serde_json::Value = response.json().await.unwrap();
    body["article_id"].as_i64().unwrap()
}

async fn html(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// A watched article with two versions, a failing address with no article yet (with markup in
/// its address and error), and a stopped one. Returns the article's id.
async fn three_watches(app: &TestApp) -> i64 {
    let url = "https://idlibpost.example/kafr-nabl";
    let article = post_article(app, KAFR_V1, Some(url)).await;
    post_article(&app.editor().await, KAFR_V2, Some(url)).await;
    let now = Utc::now();
    let mut conn = app.pool.get().unwrap();
    diesel::insert_into(watches::table)
        .values(vec![
            (
                watches::url.eq(url.to_string()),
                watches::article_id.eq(Some(article)),
                watches::active.eq(true),
                watches::next_check_at.eq(now + Duration::hours(1)),
                watches::last_checked_at.eq(Some(now - Duration::minutes(10))),
                watches::last_changed_at.eq(Some(now - Duration::hours(2))),
                watches::failures.eq(0),
                watches::last_error.eq(None::<String>),
            ),
            (
                watches::url.eq("https://broken.example/<script>alert(1)</script>".to_string()),
                watches::article_id.eq(None),
                watches::active.eq(true),
                watches::next_check_at.eq(now + Duration::minutes(10)),
                watches::last_checked_at.eq(Some(now - Duration::minutes(5))),
                watches::last_changed_at.eq(None),
                watches::failures.eq(3),
                watches::last_error.eq(Some("HTTP 500 <b>server error</b>".to_string())),
            ),
            (
                watches::url.eq("https://old.example/stopped-story".to_string()),
                watches::article_id.eq(None),
                watches::active.eq(false),
                watches::next_check_at.eq(now - Duration::days(30)),
                watches::last_checked_at.eq(Some(now - Duration::days(30))),
                watches::last_changed_at.eq(None),
                watches::failures.eq(0),
                watches::last_error.eq(None),
            ),
        ])
        .execute(&mut conn)
        .unwrap();
    article
}

#[tokio::test]
async fn the_watches_page_lists_each_watch_with_its_state_and_errors() {
    let app = spawn_app().await;
    let article = three_watches(&app).await;

    let (status, page) = html(&app, "/watches").await;

    assert_eq!(status, 200);
    assert!(page.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(
        page.contains(&format!(r#"<a href="/articles/{article}""#))
            && page.contains("Shelling kills civilians in Kafr Nabl"),
        "the watched article is linked by its title: {page}"
    );
    assert!(page.contains("Idlib Post"), "the outlet");
    assert!(page.contains(r#"<td class="num">2</td>"#), "two versions");
    assert!(
        page.contains("badge consistent\">watched"),
        "the active watch"
    );
    assert!(
        page.contains("badge conflict\">failing"),
        "the failing watch"
    );
    assert!(
        page.contains("badge status-open\">stopped"),
        "the stopped watch"
    );
    assert!(
        page.contains(
            "3 failed fetches in a row: <bdi>HTTP 500 &#60;b&#62;server error&#60;/b&#62;</bdi>"
        ) || page.contains(
            "3 failed fetches in a row: <bdi>HTTP 500 &lt;b&gt;server error&lt;/b&gt;</bdi>"
        ),
        "the error is shown, escaped: {page}"
    );
    assert!(!page.contains("<script>alert(1)"), "the address is escaped");
    assert!(!page.contains("<b>server error"), "the error is escaped");
    assert!(
        page.contains("No article yet"),
        "an address whose first fetch failed"
    );
    assert!(
        page.contains("All (3)") && page.contains("Failing (1)") && page.contains("Stopped (1)")
    );
    // Newest change first: the changed article, then the never-changed ones.
    let changed = page.find("Kafr Nabl").unwrap();
    let never = page.find("broken.example").unwrap();
    assert!(changed < never, "the article that changed comes first");
}

#[tokio::test]
async fn the_watches_page_is_in_arabic_right_to_left() {
    let app = spawn_app().await;
    three_watches(&app).await;

    let (status, page) = html(&app, "/watches?lang=ar").await;

    assert_eq!(status, 200);
    assert!(page.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(page.contains("المقالات المتابَعة"), "the title in Arabic");
    assert!(
        page.contains("متعثّر") && page.contains("متوقف"),
        "states in Arabic"
    );
    assert!(
        page.contains("3 محاولات جلب فاشلة متتالية"),
        "failures in Arabic"
    );
    assert!(
        [
            "يناير",
            "فبراير",
            "مارس",
            "أبريل",
            "مايو",
            "يونيو",
            "يوليو",
            "أغسطس",
            "سبتمبر",
            "أكتوبر",
            "نوفمبر",
            "ديسمبر"
        ]
        .iter()
        .any(|month| page.contains(month)),
        "dates in Arabic"
    );
    assert!(!page.contains("watches."), "a label is missing: {page}");
}

#[tokio::test]
async fn the_filters_show_failing_or_stopped_watches_and_the_order_can_be_by_next_check() {
    let app = spawn_app().await;
    three_watches(&app).await;

    let (_, failing) = html(&app, "/watches?show=failing").await;
    let (_, stopped) = html(&app, "/watches?show=stopped").await;
    let (_, by_next) = html(&app, "/watches?order=next").await;
    let (bad, _) = html(&app, "/watches?show=%3Cscript%3E").await;
    let (bad_order, _) = html(&app, "/watches?order=sideways").await;

    assert!(failing.contains("broken.example") && !failing.contains("Kafr Nabl"));
    assert!(!failing.contains("stopped-story"));
    assert!(stopped.contains("stopped-story") && !stopped.contains("broken.example"));
    // The failing address is due in 10 minutes, the article in an hour; the stopped one last.
    let (soon, later, off) = (
        by_next.find("broken.example").unwrap(),
        by_next.find("Kafr Nabl").unwrap(),
        by_next.find("stopped-story").unwrap(),
    );
    assert!(soon < later && later < off, "next check first");
    assert_eq!(bad, 400);
    assert_eq!(bad_order, 400);
}

#[tokio::test]
async fn the_watches_page_shows_a_watchs_recent_fetches() {
    let app = spawn_app().await;
    three_watches(&app).await;
    {
        let mut conn = app.pool.get().unwrap();
        let id: i64 = watches::table
            .filter(watches::failures.eq(3))
            .select(watches::id)
            .first(&mut conn)
            .unwrap();
        diesel::insert_into(fetches::table)
            .values((
                fetches::watch_id.eq(id),
                fetches::url.eq("https://broken.example/"),
                fetches::http_status.eq(503),
                fetches::outcome.eq("failed"),
                fetches::error.eq("service unavailable"),
            ))
            .execute(&mut conn)
            .unwrap();
    }

    let (_, page) = html(&app, "/watches").await;

    assert!(page.contains("Recent fetches"));
    assert!(page.contains("failed · HTTP 503"), "{page}");
    assert!(page.contains("service unavailable"));
}

#[tokio::test]
async fn the_watches_page_is_paginated() {
    let app = spawn_app().await;
    let now = Utc::now();
    {
        let mut conn = app.pool.get().unwrap();
        let rows: Vec<_> = (0..55)
            .map(|i| {
                (
                    watches::url.eq(format!("https://many.example/story-{i:02}")),
                    // story-54 changed last, so it is first.
                    watches::last_changed_at.eq(Some(now - Duration::minutes(100 - i))),
                )
            })
            .collect();
        diesel::insert_into(watches::table)
            .values(rows)
            .execute(&mut conn)
            .unwrap();
    }

    let (_, first) = html(&app, "/watches").await;
    let (_, second) = html(&app, "/watches?page=2").await;

    assert!(first.contains("story-54") && first.contains("story-05"));
    assert!(!first.contains("story-04"), "page 1 holds 50 watches");
    assert!(
        first.contains(r#"href="/watches?page=2""#),
        "a link to page 2"
    );
    assert!(second.contains("story-04") && second.contains("story-00"));
    assert!(!second.contains("story-05"));
    assert!(
        second.contains(r#"href="/watches""#),
        "a link back to page 1"
    );
    assert!(!second.contains("page=3"));
}

#[tokio::test]
async fn with_nothing_watched_the_page_says_how_to_watch_an_article() {
    let app = spawn_app().await;

    let (status, en) = html(&app, "/watches").await;
    let (_, ar) = html(&app, "/watches?lang=ar").await;
    let (_, none_failing) = html(&app, "/watches?show=failing&lang=en").await;

    assert_eq!(status, 200);
    assert!(en.contains("No article is watched yet"), "{en}");
    assert!(en.contains(r#"href="/articles/new""#), "how to add one");
    assert!(ar.contains("لا يُتابَع أي مقال بعد"));
    assert!(none_failing.contains("No article is watched yet"));
    assert!(
        en.contains(r#"href="/watches">Watched</a>"#),
        "in the site's navigation"
    );
    assert!(
        en.contains(r#"<link rel="alternate" type="application/atom+xml""#),
        "the feed is announced"
    );
}

fn watch_row(app: &TestApp, article: i64) -> Option<(String, bool)> {
    let mut conn = app.pool.get().unwrap();
    watches::table
        .filter(watches::article_id.eq(article))
        .select((watches::url, watches::active))
        .first(&mut conn)
        .optional()
        .unwrap()
}

fn audit_actions(app: &TestApp, article: i64) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    audit_log::table
        .filter(audit_log::entity.eq("article"))
        .filter(audit_log::entity_id.eq(article))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_reviewer_watches_and_unwatches_an_article_from_its_page() {
    let app = spawn_app().await;
    let url = "https://idlibpost.example/watch-me";
    let article = post_article(&app, KAFR_V1, Some(url)).await;
    let path = format!("/articles/{article}/watch");

    let (_, anonymous_page) = html(&app, &format!("/articles/{article}")).await;
    let anonymous = app.post_form(&path, &[("on", "1")]).await;
    app.sign_in_as("editor", "reviewer").await;
    let (_, reviewer_page) = html(&app, &format!("/articles/{article}")).await;
    let no_token = app.post_form_raw(&path, &[("on", "1")]).await;
    let wrong_token = app
        .post_form_raw(&path, &[("on", "1"), ("csrf", &"0".repeat(64))])
        .await;
    let before = watch_row(&app, article);
    let watched = app.post_form(&path, &[("on", "1")]).await;
    let (_, watched_page) = html(&app, &format!("/articles/{article}?notice=watched")).await;
    let after_watch = watch_row(&app, article);
    let unwatched = app.post_form(&path, &[("on", "0")]).await;
    let (_, unwatched_page) = html(&app, &format!("/articles/{article}?notice=unwatched")).await;
    let after_unwatch = watch_row(&app, article);
    let bad_value = app.post_form(&path, &[("on", "maybe")]).await;

    assert!(anonymous_page.contains("Not watched."));
    assert!(
        !anonymous_page.contains(&format!(r#"action="{path}""#)),
        "no button for readers"
    );
    assert_eq!(anonymous.status().as_u16(), 401);
    assert!(reviewer_page.contains(&format!(r#"action="{path}""#)));
    assert!(reviewer_page.contains("Watch this article"));
    assert_eq!(no_token.status().as_u16(), 403);
    assert_eq!(wrong_token.status().as_u16(), 403);
    assert_eq!(before, None, "refused posts change nothing");

    assert_eq!(watched.status().as_u16(), 303);
    assert_eq!(
        watched.headers()["location"],
        format!("/articles/{article}?notice=watched").as_str()
    );
    assert_eq!(after_watch, Some((url.to_string(), true)));
    assert!(
        watched_page.contains("The article is watched"),
        "the notice"
    );
    assert!(watched_page.contains("Watched — Last checked: <bdi>never</bdi>, Next check:"));
    assert!(watched_page.contains("Stop watching"));

    assert_eq!(unwatched.status().as_u16(), 303);
    assert_eq!(after_unwatch, Some((url.to_string(), false)));
    assert!(unwatched_page.contains("No longer watched"));
    assert!(
        unwatched_page.contains("Watch this article"),
        "it can be watched again"
    );
    assert_eq!(bad_value.status().as_u16(), 400);

    assert_eq!(audit_actions(&app, article), vec!["watch", "unwatch"]);
}

#[tokio::test]
async fn an_article_without_an_address_cannot_be_watched() {
    let app = spawn_app().await;
    let article = post_article(&app, KAFR_V1, None).await;
    app.sign_in_as("editor", "reviewer").await;

    let (_, page) = html(&app, &format!("/articles/{article}?lang=ar")).await;
    let refused = app
        .post_form(&format!("/articles/{article}/watch"), &[("on", "1")])
        .await;
    let missing = app
        .post_form("/articles/999999/watch", &[("on", "1")])
        .await;

    assert!(page.contains("ليس لهذا المقال عنوان"), "says so, in Arabic");
    assert!(!page.contains(&format!(r#"action="/articles/{article}/watch""#)));
    assert_eq!(refused.status().as_u16(), 400);
    assert_eq!(watch_row(&app, article), None);
    assert_eq!(missing.status().as_u16(), 404);
    assert!(audit_actions(&app, article).is_empty());
}

#[tokio::test]
async fn the_article_page_shows_a_failing_watch_and_its_error() {
    let app = spawn_app().await;
    let url = "https://idlibpost.example/failing";
    let article = post_article(&app, KAFR_V1, Some(url)).await;
    {
        let mut conn = app.pool.get().unwrap();
        diesel::insert_into(watches::table)
            .values((
                watches::url.eq(url),
                watches::article_id.eq(article),
                watches::failures.eq(2),
                watches::last_error.eq("connection refused <i>"),
                watches::last_checked_at.eq(Utc::now()),
            ))
            .execute(&mut conn)
            .unwrap();
    }

    // A fresh query string: the page cache cannot hold a copy made before the watch existed.
    let (_, page) = html(&app, &format!("/articles/{article}?version=1")).await;

    assert!(page.contains("Watched — Last checked:"), "{page}");
    assert!(page.contains("2 failed fetches in a row"));
    assert!(
        page.contains("connection refused &#60;i&#62;")
            || page.contains("connection refused &lt;i&gt;")
    );
}

#[tokio::test]
async fn only_web_addresses_are_links() {
    let app = spawn_app().await;
    {
        let mut conn = app.pool.get().unwrap();
        diesel::insert_into(watches::table)
            .values(vec![
                watches::url.eq("javascript:alert(1)"),
                watches::url.eq("https://fine.example/story"),
            ])
            .execute(&mut conn)
            .unwrap();
    }

    let (_, page) = html(&app, "/watches").await;

    assert!(page.contains("javascript:alert(1)"), "shown as text");
    assert!(!page.contains(r#"href="javascript:"#), "never as a link");
    assert!(page.contains(r#"href="https://fine.example/story""#));
}
