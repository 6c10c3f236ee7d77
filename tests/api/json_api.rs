//! The JSON read API (`/api/events`, `/api/events/{id}`, `/api/facts`, `/api/conflicts`,
//! `/api/claims`) with its paging, and the schema.org ClaimReview of resolved conflicts
//! (`/events/{id}/claimreview.json` and the event page's JSON-LD block).

use claimdb::config::AppSettings;
use claimdb::db;
use claimdb::startup::Application;
use serde_json::Value;

use crate::exports::{fixture, resolve, wadi_conflict, WADI_EVENT_TITLE};
use crate::helpers::TestApp;

/// `spawn_app`, also giving the database URL (for running the `claimdb` binary against it).
pub async fn spawn_app_with_url() -> (TestApp, String) {
    let settings = AppSettings {
        bind: "127.0.0.1:0".into(),
        ..AppSettings::default()
    };
    let url = tokio::task::spawn_blocking(db::testing::fresh_database)
        .await
        .unwrap()
        .expect("cannot create a test database");
    let pool = db::build_pool(&url, 5).expect("cannot build the pool");
    let app = Application::build(&settings, pool.clone()).expect("cannot build the app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (
        TestApp {
            address,
            pool,
            client,
        },
        url,
    )
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

fn assert_json_error(status: u16, body: &Value, expected: u16, what: &str) {
    assert_eq!(status, expected, "{what}: {body}");
    assert_eq!(body["error"]["status"], expected, "{what}: {body}");
    assert!(body["error"]["message"].is_string(), "{what}: {body}");
}

/// Follows `next` from `path`, collecting every item.
async fn all_pages(app: &TestApp, path: &str) -> (Vec<Value>, i64, usize) {
    let mut items = Vec::new();
    let mut next = Some(path.to_string());
    let mut pages = 0;
    let mut total = 0;
    while let Some(p) = next {
        let (status, body) = get(app, &p).await;
        assert_eq!(status, 200, "{p}: {body}");
        total = body["total"].as_i64().unwrap();
        let page = body["items"].as_array().unwrap();
        assert!(page.len() as i64 <= body["per_page"].as_i64().unwrap());
        items.extend(page.iter().cloned());
        next = body["next"].as_str().map(String::from);
        pages += 1;
        assert!(pages < 100, "runaway paging");
    }
    (items, total, pages)
}

#[tokio::test]
async fn events_are_listed_in_pages_and_shown_with_facts_and_members() {
    let app = crate::helpers::spawn_app().await;
    let (en, ar, beirut) = fixture(&app).await;

    let (status, body) = get(&app, "/api/events?per_page=1").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 2);
    assert_eq!(
        (body["page"].as_i64(), body["per_page"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(body["next"], "/api/events?per_page=1&page=2");
    let (_, second) = get(&app, "/api/events?per_page=1&page=2").await;
    assert!(second["next"].is_null());
    let ids: Vec<i64> = [&body, &second]
        .iter()
        .map(|b| b["items"][0]["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&en.event_id) && ids.contains(&beirut.event_id));
    let (_, past) = get(&app, "/api/events?page=9").await;
    assert_eq!(past["items"].as_array().unwrap().len(), 0);
    assert_eq!(past["total"], 2);
    let (_, capped) = get(&app, "/api/events?per_page=5000").await;
    assert_eq!(capped["per_page"], 200);

    let (status, event) = get(&app, &format!("/api/events/{}", en.event_id)).await;
    assert_eq!(status, 200);
    assert_eq!(event["id"], en.event_id);
    assert_eq!(event["title"], WADI_EVENT_TITLE);
    let articles: Vec<i64> = event["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(articles, vec![en.article_id, ar.article_id]);
    let (fact_id, members) = wadi_conflict(&app, en.event_id);
    let fact = event["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == fact_id)
        .expect("the conflict is among the facts");
    assert_eq!(fact["is_conflict"], true);
    assert_eq!(fact["low"]["value"], 12);
    assert!(fact["low"]["source"].is_string());
    assert_eq!(fact["members"].as_array().unwrap().len(), members.len());
    assert!(fact["members"][0]["quote"].is_string());
    assert!(fact["members"][0]["article_url"].is_string());

    for (path, expected) in [
        ("/api/events/999999".to_string(), 404),
        ("/api/events/abc".to_string(), 404),
        ("/api/events?page=0".to_string(), 400),
        ("/api/events?per_page=x".to_string(), 400),
    ] {
        let (status, body) = get(&app, &path).await;
        assert_json_error(status, &body, expected, &path);
    }
}

#[tokio::test]
async fn facts_conflicts_and_claims_are_filtered_and_paged() {
    let app = crate::helpers::spawn_app().await;
    let (en, _, beirut) = fixture(&app).await;
    let (fact_id, members) = wadi_conflict(&app, en.event_id);

    let (status, facts) = get(
        &app,
        &format!(
            "/api/facts?event={}&measure=killed&group=civilians",
            en.event_id
        ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(facts["total"], 1);
    assert_eq!(facts["items"][0]["id"], fact_id);
    assert_eq!(
        facts["items"][0]["url"],
        format!("/events/{}#fact-{fact_id}", en.event_id)
    );
    assert!(facts["next"].is_null());
    let (all_facts, total, _) = all_pages(&app, "/api/facts?per_page=1").await;
    assert_eq!(all_facts.len() as i64, total);
    assert!(total > 1);

    let (_, open) = get(&app, "/api/conflicts?status=open").await;
    let conflicts = open["total"].as_i64().unwrap();
    assert!(conflicts >= 1);
    assert!(open["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["is_conflict"] == true && c["status"] == "open"));
    resolve(&app, fact_id, Some(members[0].0), "checked");
    let (_, open) = get(&app, "/api/conflicts?status=open").await;
    assert_eq!(open["total"].as_i64().unwrap(), conflicts - 1);
    let (_, resolved) = get(
        &app,
        &format!(
            "/api/conflicts?status=resolved&measure=killed&group=civilians&event={}",
            en.event_id
        ),
    )
    .await;
    assert_eq!(resolved["total"], 1);
    assert_eq!(resolved["items"][0]["preferred_claim_id"], members[0].0);
    assert_eq!(resolved["items"][0]["resolution_note"], "checked");

    // Claims: paged two at a time, every page following the filter.
    let path = format!("/api/claims?event={}&per_page=2", en.event_id);
    let (claims, total, pages) = all_pages(&app, &path).await;
    assert_eq!(claims.len() as i64, total);
    assert!(pages >= 2, "{total} claims in pages of two");
    assert!(claims.iter().all(|c| c["event_id"] == en.event_id));
    let mut ids: Vec<i64> = claims
        .iter()
        .map(|c| c["claim_id"].as_i64().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids.len() as i64, total, "no claim twice");
    let (_, first) = get(&app, &path).await;
    assert_eq!(
        first["next"],
        format!("/api/claims?event={}&per_page=2&page=2", en.event_id)
    );
    let (_, article) = get(&app, &format!("/api/claims?article={}", beirut.article_id)).await;
    assert!(article["total"].as_i64().unwrap() >= 1);
    assert!(article["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["article_id"] == beirut.article_id));
    let (_, killed) = get(
        &app,
        "/api/claims?measure=killed&group=civilians&status=unreviewed",
    )
    .await;
    assert!(killed["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["measure"] == "killed" && c["group"] == "civilians"));
    let (_, confirmed) = get(&app, "/api/claims?status=confirmed").await;
    assert_eq!(confirmed["total"], 0);

    for path in [
        "/api/facts?measure=eaten",
        "/api/facts?event=x",
        "/api/conflicts?status=closed",
        "/api/conflicts?group=%3Cb%3E",
        "/api/claims?status=open",
        "/api/claims?article=0",
        "/api/claims?per_page=0",
        "/api/claims?page=-1",
    ] {
        let (status, body) = get(&app, path).await;
        assert_json_error(status, &body, 400, path);
    }
}

/// The text of the event page's JSON-LD block.
fn ld_json(html: &str) -> Option<&str> {
    let open = r#"<script type="application/ld+json">"#;
    let start = html.find(open)? + open.len();
    let end = start + html[start..].find("</script>")?;
    Some(&html[start..end])
}

#[tokio::test]
async fn resolved_conflicts_are_published_as_schema_org_claim_reviews() {
    let app = crate::helpers::spawn_app().await;
    let (en, _, beirut) = fixture(&app).await;
    let (fact_id, members) = wadi_conflict(&app, en.event_id);
    let path = format!("/events/{}/claimreview.json", en.event_id);

    // Nothing resolved yet: an empty array, and no JSON-LD on the page.
    let (status, reviews) = get(&app, &path).await;
    assert_eq!(status, 200);
    assert_eq!(reviews, serde_json::json!([]));
    let html = app
        .get(&format!("/events/{}", en.event_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(ld_json(&html).is_none());

    let (sohr, _, _) = members.iter().find(|m| m.1 == 12).cloned().unwrap();
    let note = "</script><script>alert(1)</script> Named list & <!-- checked";
    resolve(&app, fact_id, Some(sohr), note);

    let response = app.get(&path).await;
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/ld+json"
    );
    let reviews: Value = response.json().await.unwrap();
    let reviews = reviews.as_array().unwrap();
    assert_eq!(reviews.len(), 1, "one per resolved conflict");
    let r = &reviews[0];
    // The schema.org ClaimReview shape.
    assert_eq!(r["@context"], "https://schema.org");
    assert_eq!(r["@type"], "ClaimReview");
    assert_eq!(
        r["url"],
        format!("{}/events/{}#fact-{fact_id}", app.address, en.event_id)
    );
    let published = r["datePublished"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(published).is_ok(),
        "{published}"
    );
    let claim = r["claimReviewed"].as_str().unwrap();
    assert_eq!(
        claim,
        format!("12 killed (civilians) in {WADI_EVENT_TITLE}")
    );
    let item = &r["itemReviewed"];
    assert_eq!(item["@type"], "Claim");
    assert_eq!(item["author"]["@type"], "Organization");
    assert!(item["author"]["name"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
    assert_eq!(item["datePublished"], "2024-03-12");
    let appearance = item["appearance"].as_array().unwrap();
    assert!(!appearance.is_empty());
    for work in appearance {
        assert_eq!(work["@type"], "CreativeWork");
        assert!(work["url"].as_str().unwrap().starts_with("https://"));
        assert!(work["headline"].is_string());
    }
    assert_eq!(r["author"]["@type"], "Organization");
    assert_eq!(r["author"]["name"], "claimdb");
    let rating = &r["reviewRating"];
    assert_eq!(rating["@type"], "Rating");
    assert_eq!(rating["ratingValue"], 5);
    assert_eq!(rating["bestRating"], 5);
    assert_eq!(rating["worstRating"], 1);
    assert_eq!(rating["alternateName"], "True");
    let body = r["reviewBody"].as_str().unwrap();
    assert!(
        body.contains(note) && body.contains("Disputed: 17"),
        "{body}"
    );

    // The same reviews in the event page, where the note cannot close the script element. The
    // conflict was resolved in the database, not through this server, so an anonymous reader
    // may get the page cache's copy from before for up to its 2 s.
    let mut html = String::new();
    for _ in 0..40 {
        html = app
            .get(&format!("/events/{}", en.event_id))
            .await
            .text()
            .await
            .unwrap();
        if ld_json(&html).is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let block = ld_json(&html).expect("a JSON-LD block within the page cache's 2 s");
    assert!(!block.contains('<'), "{block}");
    assert!(block.contains("\\u003c/script\\u003e"));
    assert!(!html.contains("<script>alert(1)"));
    let embedded: Value = serde_json::from_str(block).expect("valid JSON");
    assert_eq!(embedded.as_array().unwrap().len(), 1);
    assert_eq!(embedded[0]["reviewBody"], r["reviewBody"]);
    assert_eq!(embedded[0]["claimReviewed"], r["claimReviewed"]);

    // Without a preferred figure the verdict is "disputed"; other events have none.
    resolve(&app, fact_id, None, "Counted at different times.");
    let (_, reviews) = get(&app, &path).await;
    assert_eq!(reviews[0]["reviewRating"]["ratingValue"], 3);
    assert_eq!(reviews[0]["reviewRating"]["alternateName"], "Disputed");
    let (_, none) = get(
        &app,
        &format!("/events/{}/claimreview.json", beirut.event_id),
    )
    .await;
    assert_eq!(none, serde_json::json!([]));
    let (status, body) = get(&app, "/events/999999/claimreview.json").await;
    assert_json_error(status, &body, 404, "unknown event");
}
