use crate::helpers::spawn_app;

#[tokio::test]
async fn the_home_page_shows_an_empty_state_in_english() {
    let app = spawn_app().await;

    let response = app.get_in("/", "en-GB,en;q=0.9").await;

    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="en" dir="ltr">"#), "{html}");
    assert!(html.contains("No articles yet"), "empty state missing");
}

#[tokio::test]
async fn the_home_page_is_right_to_left_in_arabic() {
    let app = spawn_app().await;

    let response = app.get_in("/", "ar-SY,ar;q=0.9").await;

    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#), "{html}");
    assert!(
        html.contains("لا توجد مقالات بعد"),
        "Arabic empty state missing"
    );
}

#[tokio::test]
async fn the_lang_parameter_overrides_accept_language() {
    let app = spawn_app().await;

    let html = app.get_in("/?lang=ar", "en").await.text().await.unwrap();

    assert!(html.contains(r#"dir="rtl""#));
}

#[tokio::test]
async fn an_unknown_address_gets_a_404_page_in_the_layout() {
    let app = spawn_app().await;

    let response = app.get_in("/no/such/page", "ar").await;

    assert_eq!(response.status().as_u16(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("404"));
    assert!(
        html.contains(r#"dir="rtl""#),
        "error pages follow the interface language"
    );
}

#[tokio::test]
async fn an_unreadable_page_number_falls_back_to_the_first_page() {
    let app = spawn_app().await;

    let response = app.get("/?page=banana").await;

    assert_eq!(response.status().as_u16(), 200);
}
