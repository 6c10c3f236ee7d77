//! Submitting articles: create, new version, unchanged, duplicate, validation, size, concurrency.

use serde_json::json;

use crate::helpers::spawn_app;

const EN_V1: &str = "Shelling kills 15 civilians in Wadi Zein\n\nAt least 15 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";
const EN_V2: &str = "Shelling kills 19 civilians in Wadi Zein\n\nAt least 19 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";

#[tokio::test]
async fn a_new_article_is_created_with_its_claims() {
    let app = spawn_app().await;

    let response = app
        .post_article_json(
            &json!({"text": EN_V1, "url": "https://example.org/wadi", "outlet": "Example News"}),
        )
        .await;

    assert_eq!(response.status().as_u16(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["created"], true);
    assert_eq!(body["version"], 1);
    let claims = body["claims"].as_array().unwrap();
    assert!(
        claims
            .iter()
            .any(|c| c["value"] == 15 && c["measure"] == "killed"),
        "claims: {claims:?}"
    );
    let article = app
        .get_json(&format!("/api/articles/{}", body["article_id"]))
        .await;
    assert_eq!(article["title"], "Shelling kills 15 civilians in Wadi Zein");
    assert_eq!(article["outlet"], "Example News");
    assert_eq!(article["lang"], "en");
}

#[tokio::test]
async fn a_changed_text_at_the_same_url_becomes_the_next_version() {
    let app = spawn_app().await;
    app.sign_in_editor().await;
    let url = "https://example.org/wadi";
    app.post_article_json(&json!({"text": EN_V1, "url": url}))
        .await;

    let response = app
        .post_article_json(&json!({"text": EN_V2, "url": url}))
        .await;

    assert_eq!(response.status().as_u16(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["version"], 2);
    let v1 = app
        .get_json(&format!("/api/articles/{}/versions/1", body["article_id"]))
        .await;
    assert_eq!(v1["text"], EN_V1);
    let latest = app
        .get_json(&format!("/api/articles/{}", body["article_id"]))
        .await;
    assert_eq!(latest["version"], 2);
    assert_eq!(latest["versions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_same_text_again_is_unchanged_even_with_different_whitespace() {
    let app = spawn_app().await;
    let url = "https://example.org/wadi";
    app.post_article_json(&json!({"text": EN_V1, "url": url}))
        .await;
    let respaced = EN_V1.replace(' ', "  ").replace('\n', "\r\n");

    let response = app
        .post_article_json(&json!({"text": respaced, "url": url}))
        .await;

    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["created"], false);
    assert_eq!(body["status"], "unchanged");
    assert_eq!(body["version"], 1);
    let latest = app
        .get_json(&format!("/api/articles/{}", body["article_id"]))
        .await;
    assert_eq!(latest["versions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_text_without_url_already_stored_is_reported_as_a_duplicate_with_a_link() {
    let app = spawn_app().await;
    let first: serde_json::Value = app
        .post_article_json(&json!({"text": EN_V1}))
        .await
        .json()
        .await
        .unwrap();

    let response = app.post_article_form(&[("text", EN_V1)]).await;

    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&format!("/articles/{}?version=1", first["article_id"])),
        "{location}"
    );
    assert!(location.contains("notice=duplicate"));
    let page = app.get(&location).await.text().await.unwrap();
    assert!(
        page.contains("already stored"),
        "the page says it is a duplicate"
    );
}

#[tokio::test]
async fn the_form_redirects_to_the_new_article_page_which_highlights_claims() {
    let app = spawn_app().await;

    let response = app
        .post_article_form(&[("text", EN_V1), ("outlet", "Example News"), ("url", "")])
        .await;

    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let page = app.get(&location).await.text().await.unwrap();
    assert!(page.contains("The article was stored."));
    assert!(
        page.contains(r#"<mark class="claim""#),
        "figures are highlighted"
    );
    assert!(page.contains("Example News"));
}

#[tokio::test]
async fn invalid_fields_re_render_the_form_with_the_input_kept_and_a_message_each() {
    let app = spawn_app().await;

    let response = app
        .post_article_form(&[
            ("text", "Some <b>text</b> to keep"),
            ("url", "not a url"),
            ("published", "31/31/2020"),
            ("lang", "english"),
        ])
        .await;

    assert_eq!(response.status().as_u16(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Some &#60;b&#62;text&#60;/b&#62; to keep")
            || html.contains("Some &lt;b&gt;text&lt;/b&gt; to keep"),
        "input kept, escaped: {html}"
    );
    assert!(html.contains("This is not a usable web address."));
    assert!(html.contains("This is not a usable date."));
    assert!(html.contains("Use a language code such as ar or en."));
}

#[tokio::test]
async fn an_empty_text_is_refused_by_the_api_with_field_errors() {
    let app = spawn_app().await;

    let response = app
        .post_article_json(&json!({"text": "   ", "url": "ftp://x"}))
        .await;

    assert_eq!(response.status().as_u16(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["text", "url"]);
}

#[tokio::test]
async fn malformed_json_is_a_400_and_the_wrong_content_type_a_415() {
    let app = spawn_app().await;

    let malformed = app
        .client
        .post(app.url("/api/articles"))
        .header("content-type", "application/json")
        .body("{\"text\": ")
        .send()
        .await
        .unwrap();
    let wrong_type = app
        .client
        .post(app.url("/api/articles"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();

    assert_eq!(malformed.status().as_u16(), 400);
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["status"], 400);
    assert_eq!(wrong_type.status().as_u16(), 415);
}

#[tokio::test]
async fn an_oversized_submission_gets_a_413_in_both_the_form_and_the_api() {
    let app = crate::helpers::spawn_app_with(claimdb::config::AppSettings {
        bind: "127.0.0.1:0".into(),
        max_body_bytes: 10_000,
        ..claimdb::config::AppSettings::default()
    })
    .await;
    let big = "word ".repeat(5_000);

    let form = app.post_article_form(&[("text", &big)]).await;
    let api = app.post_article_json(&json!({"text": big})).await;
    let huge_form = app
        .post_article_form(&[("text", &"x".repeat(100_000))])
        .await;

    assert_eq!(form.status().as_u16(), 413);
    assert!(form.text().await.unwrap().contains("The text is too long."));
    assert_eq!(api.status().as_u16(), 413);
    assert_eq!(huge_form.status().as_u16(), 413);
    assert!(huge_form.text().await.unwrap().contains("too large"));
}

#[tokio::test]
async fn concurrent_submissions_of_one_url_make_one_version_per_distinct_text_without_gaps() {
    let app = spawn_app().await;
    app.sign_in_editor().await;
    let url = "https://example.org/race";
    let texts: Vec<String> = (0..4)
        .map(|i| {
            format!(
                "Toll rises\n\nAt least {} people were killed, officials said.",
                10 + i
            )
        })
        .collect();

    // Every distinct text three times, all at once.
    let bodies: Vec<serde_json::Value> = texts
        .iter()
        .cycle()
        .take(12)
        .map(|t| json!({"text": t, "url": url}))
        .collect();
    let requests = bodies.iter().map(|b| app.post_article_json(b));
    let responses: Vec<u16> = futures::future::join_all(requests)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();

    let created = responses.iter().filter(|s| **s == 201).count();
    let unchanged = responses.iter().filter(|s| **s == 200).count();
    assert_eq!((created, unchanged), (4, 8), "statuses: {responses:?}");
    let article: serde_json::Value = app
        .post_article_json(&json!({"text": texts[0], "url": url}))
        .await
        .json()
        .await
        .unwrap();
    let versions = app
        .get_json(&format!("/api/articles/{}", article["article_id"]))
        .await["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(versions, vec![1, 2, 3, 4]);
}

#[tokio::test]
async fn unknown_or_non_numeric_article_ids_are_404() {
    let app = spawn_app().await;

    for path in [
        "/articles/999999",
        "/articles/abc",
        "/api/articles/0",
        "/api/articles/1/versions/x",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
}

#[tokio::test]
async fn arabic_articles_are_detected_and_shown_right_to_left() {
    let app = spawn_app().await;
    let text =
        "مقتل 15 مدنياً بقصف على وادي الزين\n\nقال الدفاع المدني السوري إن 15 مدنياً قتلوا في القصف.";

    let body: serde_json::Value = app
        .post_article_json(&json!({"text": text}))
        .await
        .json()
        .await
        .unwrap();

    let article = app
        .get_json(&format!("/api/articles/{}", body["article_id"]))
        .await;
    assert_eq!(article["lang"], "ar");
    let page = app
        .get(&format!("/articles/{}", body["article_id"]))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"class="article-text" dir="rtl" lang="ar""#));
}
