//! Search: Arabic with and without diacritics, English inflections, highlighting.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn arabic_search_finds_words_with_or_without_diacritics_and_prefixes() {
    let app = spawn_app().await;
    app.post_article_json(
        &json!({"text": "قصفٌ على الميادين\n\nقالَ المرصدُ إنّ القصفَ أسفرَ عن مقتلِ ١٥ مدنياً."}),
    )
    .await;
    app.post_article_json(&json!({"text": "Unrelated\n\nA quiet day in the city."}))
        .await;

    for query in ["القصف", "القَصْف", "قصف", "مقتل", "15"] {
        let html = app
            .get(&format!("/search?q={}", urlencode(query)))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("قصفٌ على الميادين"),
            "query {query} found nothing"
        );
        assert!(!html.contains("Unrelated"), "query {query}");
    }
    let html = app
        .get(&format!("/search?q={}", urlencode("قصف")))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<mark>قصفٌ</mark>"),
        "the first matching word is highlighted as written: {html}"
    );
}

#[tokio::test]
async fn english_search_matches_inflections_and_links_to_the_version() {
    let app = spawn_app().await;
    let body: serde_json::Value = app
        .post_article_json(&json!({"text": "Floods hit the valley\n\nNine people were killed by floods.", "url": "https://example.org/f"}))
        .await
        .json()
        .await
        .unwrap();

    let html = app.get("/search?q=kill").await.text().await.unwrap();

    assert!(
        html.contains(&format!("/articles/{}?version=1", body["article_id"])),
        "{html}"
    );
    assert!(html.contains("<mark>killed</mark>"));
}

#[tokio::test]
async fn an_empty_or_odd_query_is_not_an_error() {
    let app = spawn_app().await;

    for q in [
        "",
        "%27%3B%20DROP%20TABLE%20articles%3B--",
        "%26%7C%21%28%29%3A%2A",
    ] {
        let response = app.get(&format!("/search?q={q}")).await;
        assert_eq!(response.status().as_u16(), 200, "query {q}");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
