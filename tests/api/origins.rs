//! Who may write an outlet's history (issue 17, point 5): every version records its origin, and
//! anonymous text for an address already stored waits for a reviewer instead of becoming a
//! version.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

const V1: &str = "Shelling kills civilians in Kafr Nabl\n\nAt least 15 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";
const FORGED: &str = "Shelling kills civilians in Kafr Nabl\n\nAt least 90 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";
const V2: &str = "Shelling kills civilians in Kafr Nabl\n\nAt least 19 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";
const URL: &str = "https://idlibpost.example/kafr";

async fn versions(app: &TestApp, id: i64) -> Vec<serde_json::Value> {
    let article = app.get_json(&format!("/api/articles/{id}")).await;
    article["versions"].as_array().unwrap().clone()
}

/// A second client of the same app, with cookies of its own (signed out).
fn stranger(app: &TestApp) -> TestApp {
    TestApp {
        address: app.address.clone(),
        pool: app.pool.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap(),
    }
}

#[tokio::test]
async fn anonymous_text_for_a_stored_address_waits_for_a_reviewer_and_never_becomes_a_version() {
    let app = spawn_app().await;
    let first = app
        .post_article_json(&json!({ "text": V1, "url": URL, "title": "Kafr Nabl" }))
        .await;
    assert_eq!(first.status().as_u16(), 201);
    let id = first.json::<serde_json::Value>().await.unwrap()["article_id"]
        .as_i64()
        .unwrap();

    // The JSON API and the web form, both anonymous.
    let forged = app
        .post_article_json(&json!({ "text": FORGED, "url": URL, "title": "Kafr Nabl" }))
        .await;
    assert_eq!(forged.status().as_u16(), 202);
    let body: serde_json::Value = forged.json().await.unwrap();
    assert_eq!(body["status"], "pending");
    assert_eq!(body["created"], false);
    assert!(body["pending_id"].as_i64().is_some());
    let form = app
        .post_article_form(&[("text", V2), ("url", URL), ("title", "Kafr Nabl")])
        .await;
    assert_eq!(form.status().as_u16(), 303);
    let location = form.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("notice=pending"), "{location}");
    let shown = app.get(&location).await.text().await.unwrap();
    assert!(shown.contains("kept for a reviewer"));

    let listed = versions(&app, id).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["origin"], "anonymous");
    let article = app
        .get(&format!("/articles/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!article.contains("90 civilians"));
    let feed = app.get("/feeds/changes.atom").await.text().await.unwrap();
    assert!(!feed.contains("Figures changed"), "{feed}");

    // A reviewer sees both and accepts one, rejects the other.
    let reviewer = stranger(&app);
    assert_eq!(reviewer.get("/pending").await.status().as_u16(), 401);
    reviewer.sign_in_as("rana", "reviewer").await;
    let list = reviewer.get("/pending").await.text().await.unwrap();
    assert!(
        list.contains("90 civilians") && list.contains("19 civilians"),
        "{list}"
    );
    let ids = pending_ids(&list);
    assert_eq!(ids.len(), 2);
    let rejected = reviewer
        .post_form(&format!("/pending/{}/reject", ids[0]), &[])
        .await;
    assert_eq!(rejected.status().as_u16(), 303);
    let accepted = reviewer
        .post_form(&format!("/pending/{}/accept", ids[1]), &[])
        .await;
    assert_eq!(accepted.status().as_u16(), 303);
    let again = reviewer
        .post_form(&format!("/pending/{}/accept", ids[0]), &[])
        .await;
    assert_eq!(again.status().as_u16(), 409);

    let listed = versions(&app, id).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[1]["origin"], "anonymous");
    let v2 = app
        .get_json(&format!("/api/articles/{id}/versions/2"))
        .await;
    assert!(v2["text"].as_str().unwrap().contains("19 civilians"));
    assert!(reviewer
        .get("/pending")
        .await
        .text()
        .await
        .unwrap()
        .contains("No submission is waiting"));

    // The feed and the diff page say where the new version came from.
    let feed = app.get("/feeds/changes.atom").await.text().await.unwrap();
    assert!(
        feed.contains("Figures changed: Kafr Nabl (version 2, submitted anonymously)"),
        "{feed}"
    );
    let diff = app
        .get(&format!("/articles/{id}/diff?from=1&to=2"))
        .await
        .text()
        .await
        .unwrap();
    assert!(diff.contains("submitted anonymously"), "{diff}");
}

/// The ids in the accept/reject forms of `/pending`, in page order, once each.
fn pending_ids(html: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for part in html.split("action=\"/pending/").skip(1) {
        let id: i64 = part[..part.find('/').unwrap()].parse().unwrap();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

#[tokio::test]
async fn signed_in_and_imported_text_still_revises_and_says_so() {
    let app = spawn_app().await;
    app.sign_in_as("hadi", "reviewer").await;
    let first = app
        .post_article_json(&json!({ "text": V1, "url": URL, "title": "Kafr Nabl" }))
        .await;
    let id = first.json::<serde_json::Value>().await.unwrap()["article_id"]
        .as_i64()
        .unwrap();
    let second = app
        .post_article_json(&json!({ "text": V2, "url": URL, "title": "Kafr Nabl" }))
        .await;
    assert_eq!(second.status().as_u16(), 201);
    let listed = versions(&app, id).await;
    assert_eq!(listed.len(), 2);
    assert!(
        listed.iter().all(|v| v["origin"] == "signed_in"),
        "{listed:?}"
    );
    let diff = app
        .get(&format!("/articles/{id}/diff?from=1&to=2"))
        .await
        .text()
        .await
        .unwrap();
    assert!(diff.contains("submitted by a signed-in user"));
    let feed = app.get("/feeds/changes.atom").await.text().await.unwrap();
    assert!(
        feed.contains("(version 2, submitted by a signed-in user)"),
        "{feed}"
    );
}
