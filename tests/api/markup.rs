//! The markup of signed-in pages (issue 17, point 10): what the HTML validator and axe found —
//! no form inside a `<span>`, a required `<select>` starts with an empty option, no heading
//! level skipped, no empty table header.

use dom_query::Document;

use crate::helpers::spawn_app;
use crate::wadi::wadi_pair;

/// Every problem of the four kinds on `html`, described.
fn problems(path: &str, html: &str) -> Vec<String> {
    let doc = Document::from(html);
    let mut found = Vec::new();
    if doc.select("span form").length() > 0 {
        found.push(format!("{path}: a form inside a span"));
    }
    for select in doc.select("select[required]").iter() {
        let first = select.select("option").first();
        if first.attr("value").as_deref() != Some("") {
            found.push(format!(
                "{path}: required select {:?} does not start with an empty option",
                select.attr("name")
            ));
        }
    }
    let mut previous = 0;
    for heading in doc.select("h1, h2, h3, h4, h5, h6").iter() {
        let name = heading.nodes()[0]
            .node_name()
            .unwrap_or_default()
            .to_string();
        let level: usize = name[1..].parse().unwrap();
        if level > previous + 1 {
            found.push(format!(
                "{path}: h{previous} then {name} ({:?})",
                heading.text().trim()
            ));
        }
        previous = level;
    }
    for th in doc.select("th").iter() {
        if th.text().trim().is_empty() {
            found.push(format!("{path}: an empty table header"));
        }
    }
    found
}

#[tokio::test]
async fn signed_in_pages_have_no_form_in_a_span_no_skipped_heading_and_no_empty_header() {
    let app = spawn_app().await;
    app.sign_in_as("admin", "admin").await;
    let (en, _) = wadi_pair(&app).await;
    let conflicts = app.get_json("/api/conflicts").await;
    let conflict = conflicts["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no conflict: {conflicts}"));
    // A second version, so the versions table has its diff column filled.
    let second = app
        .post_article_json(&serde_json::json!({
            "text": crate::wadi::EN_WADI.replace("At least 15", "At least 16"),
            "url": "https://levantwire.example/wadi",
        }))
        .await;
    assert_eq!(second.status().as_u16(), 201);

    let paths = [
        "/".to_string(),
        format!("/articles/{}", en.article_id),
        format!("/events/{}", en.event_id),
        format!("/conflicts/{conflict}"),
        "/conflicts".to_string(),
        "/lexicon/places".to_string(),
        "/lexicon/subjects".to_string(),
        "/admin/users".to_string(),
        "/sources".to_string(),
        "/watches".to_string(),
        "/audit".to_string(),
        "/pending".to_string(),
    ];
    let mut all = Vec::new();
    for path in &paths {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("Sign out"), "{path} is not signed in");
        all.extend(problems(path, &html));
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}
