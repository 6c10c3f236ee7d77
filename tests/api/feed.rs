//! The feed of changes (`/feeds/changes.atom`): figure changes with their claim-level diff,
//! conflicts, newest first, as well-formed Atom.

use atom_syndication::Feed;
use serde_json::json;

use crate::helpers::{spawn_app, TestApp};
use crate::wadi::wadi_pair;

const KAFR_V1: &str = "Shelling kills civilians in Kafr Nabl\n\nAt least 15 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";
const KAFR_V2: &str = "Shelling kills civilians in Kafr Nabl\n\nAt least 19 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";
/// Reworded, with the same figures: not a figure change.
const FLOOD_V1: &str = "Floods cut roads in the valley\n\nTwelve people were wounded when the old bridge collapsed, officials said on Monday.";
const FLOOD_V2: &str = "Floods cut roads in the valley\n\nTwelve people were wounded when the old stone bridge collapsed, officials said on Monday evening.";

/// Posts `text` as a version of the article at `url`; (article id, version number).
async fn post_version(app: &TestApp, text: &str, url: &str, title: &str) -> (i64, i64) {
    // Signed in: anonymous text for a stored address would wait for a reviewer.
    let response = app
        .editor()
        .await
        .post_article_json(&json!({ "text": text, "url": url, "title": title }))
        .await;
    assert!(response.status().is_success(), "posting {url}");
    let body: serde_json::Value = response.json().await.unwrap();
    (
        body["article_id"].as_i64().unwrap(),
        body["version"].as_i64().unwrap(),
    )
}

async fn feed(app: &TestApp, path: &str) -> (String, String, Feed) {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "GET {path}");
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let body = response.text().await.unwrap();
    let parsed = body
        .parse::<Feed>()
        .unwrap_or_else(|e| panic!("not Atom ({e}): {body}"));
    (content_type, body, parsed)
}

fn summary(entry: &atom_syndication::Entry) -> String {
    entry.summary().map(|s| s.value.clone()).unwrap_or_default()
}

#[tokio::test]
async fn the_feed_has_figure_changes_and_conflicts_newest_first() {
    let app = spawn_app().await;
    let (wadi, _) = wadi_pair(&app).await;
    let (flood, _) = post_version(&app, FLOOD_V1, "https://valley.example/floods", "Floods").await;
    let (flood_again, flood_version) =
        post_version(&app, FLOOD_V2, "https://valley.example/floods", "Floods").await;
    let title = "Kafr Nabl <b>market</b> & shelling";
    let (kafr, _) = post_version(&app, KAFR_V1, "https://idlibpost.example/kafr", title).await;
    let (_, kafr_version) =
        post_version(&app, KAFR_V2, "https://idlibpost.example/kafr", title).await;

    let (content_type, body, feed) = feed(&app, "/feeds/changes.atom").await;

    assert_eq!(content_type, "application/atom+xml; charset=utf-8");
    assert_eq!((flood, flood_version, kafr_version), (flood_again, 2, 2));
    let entries = feed.entries();
    assert!(!entries.is_empty());

    // The newest change, first: the toll revision, with its claim-level diff.
    let change = &entries[0];
    assert!(
        change.id().starts_with("tag:claimdb,2026:version/"),
        "{:?}",
        change.id()
    );
    assert!(
        summary(change)
            .contains("killed · civilians · the White Helmets: at least 15 → at least 19"),
        "the diff: {}",
        summary(change)
    );
    assert!(change.title().value.contains(title), "the title as stored");
    assert!(!body.contains("<b>market"), "markup in a title is escaped");
    let link = &change.links()[0];
    assert_eq!(
        link.href(),
        format!("{}/articles/{kafr}/diff?from=1&to=2", app.address)
    );
    let html = change.content().and_then(|c| c.value()).unwrap_or_default();
    assert!(
        html.contains("<li>killed · civilians · the White Helmets: at least 15 → at least 19</li>")
    );

    // The reworded flood report changed no figure: no entry.
    assert!(
        entries
            .iter()
            .all(|e| !e.links()[0].href().contains(&format!("/articles/{flood}/"))),
        "a text-only change is left out"
    );

    // The Wadi al-Zein reports disagree: a conflict entry with the event and the figures.
    let conflict = entries
        .iter()
        .find(|e| e.id().starts_with("tag:claimdb,2026:conflict/"))
        .expect("a conflict entry");
    assert!(
        conflict.title().value.starts_with("Conflict: "),
        "{:?}",
        conflict.title()
    );
    assert!(conflict.title().value.contains("killed · civilians"));
    // the disputed figures: 12 against 17; "at least 15" fits 17, which stands for it
    let figures = summary(conflict);
    assert!(
        figures.contains("12") && figures.contains("17"),
        "{figures}"
    );
    assert!(conflict.links()[0].href().starts_with(&app.address));
    let event_title = app
        .get_json(&format!("/api/events/{}", wadi.event_id))
        .await["title"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(conflict.title().value.contains(&event_title));

    // Newest first throughout.
    let times: Vec<_> = entries.iter().map(|e| *e.updated()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    assert_eq!(feed.updated(), &times[0]);
    assert!(entries.len() <= 50);
}

#[tokio::test]
async fn the_feed_labels_follow_the_language_and_an_empty_feed_is_valid() {
    let app = spawn_app().await;

    let (_, _, empty) = feed(&app, "/feeds/changes.atom").await;
    post_version(&app, KAFR_V1, "https://idlibpost.example/ar", "Kafr").await;
    post_version(&app, KAFR_V2, "https://idlibpost.example/ar", "Kafr").await;
    let (_, _, arabic) = feed(&app, "/feeds/changes.atom?lang=ar").await;

    assert!(empty.entries().is_empty());
    assert_eq!(empty.title().value, "claimdb: changes");
    assert_eq!(arabic.lang(), Some("ar"));
    assert_eq!(arabic.title().value, "claimdb: التغييرات");
    assert!(arabic.entries()[0]
        .title()
        .value
        .starts_with("تغيّرت الأرقام: Kafr"));
    assert!(
        summary(&arabic.entries()[0]).contains("15 → at least 19"),
        "the diff itself is as the claims read"
    );
}

#[tokio::test]
async fn entry_ids_are_stable_between_reads() {
    let app = spawn_app().await;
    post_version(&app, KAFR_V1, "https://idlibpost.example/stable", "Kafr").await;
    post_version(&app, KAFR_V2, "https://idlibpost.example/stable", "Kafr").await;

    let (_, _, first) = feed(&app, "/feeds/changes.atom").await;
    let (_, _, second) = feed(&app, "/feeds/changes.atom?lang=ar").await;

    let ids = |f: &Feed| {
        f.entries()
            .iter()
            .map(|e| e.id().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ids(&second));
    assert_eq!(first.id(), second.id());
}
