//! The diff page: word-level and claim-level changes between two versions, in English and Arabic.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

async fn two_versions(app: &TestApp, url: &str, v1: &str, v2: &str) -> i64 {
    app.post_article_json(&json!({"text": v1, "url": url}))
        .await;
    let body: serde_json::Value = app
        .editor()
        .await
        .post_article_json(&json!({"text": v2, "url": url}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["version"], 2, "{body}");
    body["article_id"].as_i64().unwrap()
}

#[tokio::test]
async fn an_english_toll_revision_shows_word_and_claim_changes() {
    let app = spawn_app().await;
    let v1 = "Shelling kills civilians in Wadi Zein\n\nAt least 15 civilians were killed on Tuesday when shells hit the market, the White Helmets said.\nThe market was closed afterwards.";
    let v2 = "Shelling kills civilians in Wadi Zein\n\nAt least 19 civilians were killed on Tuesday when shells hit the market, the White Helmets said.\nThe market was closed afterwards.";
    let id = two_versions(&app, "https://example.org/en-diff", v1, v2).await;

    let html = app
        .get(&format!("/articles/{id}/diff?from=1&to=2"))
        .await
        .text()
        .await
        .unwrap();

    assert!(html.contains("<del>15</del>"), "{html}");
    assert!(html.contains("<ins>19</ins>"));
    assert!(
        !html.contains("<del>market"),
        "unchanged words are not marked"
    );
    assert!(
        html.contains("killed · civilians · the White Helmets: at least 15 → at least 19"),
        "claim-level change is described: {html}"
    );
}

#[tokio::test]
async fn an_arabic_diff_is_right_to_left_and_keeps_clitics_and_diacritics_with_their_word() {
    let app = spawn_app().await;
    let v1 = "مقتل مدنيين في وادي الزين\n\nقال الدفاع المدني السوري إن 15 مدنياً قتلوا بقصف على السوق.\nوأُغلق السوقُ بعد ذلك.";
    let v2 = "مقتل مدنيين في وادي الزين\n\nقال الدفاع المدني السوري إن 19 مدنياً قتلوا بقصف على السوق.\nوأغلق السوق بعد ذلك.";
    let id = two_versions(&app, "https://example.org/ar-diff", v1, v2).await;

    let html = app
        .get(&format!("/articles/{id}/diff?from=1&to=2"))
        .await
        .text()
        .await
        .unwrap();

    assert!(html.contains(r#"class="diff" dir="rtl""#), "{html}");
    assert!(html.contains("<del>15</del>"));
    assert!(html.contains("<ins>19</ins>"));
    // Only diacritics differ on the last line: it is not a change.
    assert!(
        !html.contains("<ins>وأغلق</ins>"),
        "diacritics-only change marked"
    );
    assert!(html.contains("15 → 19"), "claim-level change: {html}");
}

#[tokio::test]
async fn a_rewritten_article_is_shown_side_by_side() {
    let app = spawn_app().await;
    let v1 = "Floods hit the valley\n\nRiver levels rose overnight and roads were cut, officials said on Monday.";
    let v2 = "Toll climbs after dam breach\n\nRescuers recovered 33 bodies from the mud as aid convoys reached three villages.";
    let id = two_versions(&app, "https://example.org/rewrite", v1, v2).await;

    let html = app
        .get(&format!("/articles/{id}/diff?from=1&to=2"))
        .await
        .text()
        .await
        .unwrap();

    assert!(html.contains(r#"class="side-by-side""#), "{html}");
}

#[tokio::test]
async fn a_diff_against_a_missing_version_is_404_and_a_bad_number_400() {
    let app = spawn_app().await;
    let id = two_versions(
        &app,
        "https://example.org/x",
        "Text one\n\nfirst",
        "Text two\n\nsecond",
    )
    .await;

    let missing = app.get(&format!("/articles/{id}/diff?from=1&to=9")).await;
    let bad = app.get(&format!("/articles/{id}/diff?from=one&to=2")).await;

    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(bad.status().as_u16(), 400);
}
