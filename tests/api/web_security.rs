//! Issue 17, the web's share: absolute URLs from `CLAIMDB_PUBLIC_URL` only, sign-in sending only
//! to a local path, `Cache-Control` on private pages and errors, the page cache dropped only by
//! a write that changed data, and the JSON API's paging and 405s.

use std::time::Duration;

use claimdb::config::AppSettings;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::exports::{fixture, post, resolve, wadi_conflict, EN_BEIRUT, WADI_EVENT_TITLE};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const PASSWORD: &str = "a long enough password";

/// GET with the headers a visitor (or a proxy in front) can set to name another host.
async fn get_through_poisoned_headers(app: &TestApp, path: &str) -> (u16, String) {
    let response = app
        .client
        .get(app.url(path))
        .header("Host", "evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Forwarded-Proto", "https")
        .header("Forwarded", "for=192.0.2.1;host=evil.example;proto=https")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn absolute_urls_come_from_the_public_url_never_from_request_headers() {
    let app = spawn_app_with(AppSettings {
        bind: "127.0.0.1:0".into(),
        public_url: Some("https://claims.example".into()),
        ..AppSettings::default()
    })
    .await;
    let (en, _, _) = fixture(&app).await;
    let (fact, members) = wadi_conflict(&app, en.event_id);
    resolve(
        &app,
        fact,
        Some(members[0].0),
        "Checked against the named list.",
    );

    let event_page = format!("/events/{}", en.event_id);
    let review = format!("/events/{}/claimreview.json", en.event_id);
    let want = format!("https://claims.example/events/{}#fact-{fact}", en.event_id);
    // The first request renders the page (and the page cache keeps it); the second is served
    // the copy: neither names the host the headers gave.
    for path in [&event_page, &event_page, &review, &review] {
        let (status, body) = get_through_poisoned_headers(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("evil.example"), "{path}: {body}");
        assert!(body.contains(&want), "{path}: {body}");
    }
    let (status, feed) = get_through_poisoned_headers(&app, "/feeds/changes.atom").await;
    assert_eq!(status, 200);
    assert!(!feed.contains("evil.example"), "{feed}");
    assert!(feed.contains("https://claims.example/feeds/changes.atom?lang=en"));
    // An ordinary reader afterwards gets the same links.
    let html = app.get(&event_page).await.text().await.unwrap();
    assert!(html.contains(&want) && !html.contains("evil.example"));

    // Without the setting, the bound address is the public URL.
    let plain = spawn_app().await;
    let (en, _, _) = fixture(&plain).await;
    let (fact, _) = wadi_conflict(&plain, en.event_id);
    resolve(&plain, fact, None, "Counted at different times.");
    let (_, body) =
        get_through_poisoned_headers(&plain, &format!("/events/{}/claimreview.json", en.event_id))
            .await;
    let reviews: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        reviews[0]["url"],
        format!("{}/events/{}#fact-{fact}", plain.address, en.event_id)
    );
}

#[tokio::test]
async fn sign_in_sends_the_visitor_only_to_a_local_path() {
    let app = spawn_app().await;
    app.add_user("editor", PASSWORD, "reviewer");
    let cases = [
        ("/events/3?lang=ar", "/events/3?lang=ar"),
        ("/%09/evil.example/phish", "/"),
        ("/\t/evil.example/phish", "/"),
        ("/ /evil.example", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example/phish", "/"),
        ("/%2F%2Fevil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("https://evil.example/phish", "/"),
        // A line break would make an invalid Location header: still a redirect home.
        ("/\r\nSet-Cookie: stolen=1", "/"),
        ("/x\ny", "/"),
        ("/%0D%0ASet-Cookie:%20stolen=1", "/"),
    ];
    for (next, want) in cases {
        let response = app
            .post_form(
                "/login",
                &[
                    ("username", "editor"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303, "next={next:?}");
        assert_eq!(response.headers()["location"], want, "next={next:?}");
        assert!(response.headers().get("set-cookie").is_some());
    }
    // The sign-in form carries only a local path on.
    let html = app
        .get("/login?next=%2F%09%2Fevil.example%2Fphish")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("evil.example"), "{html}");
}

async fn text(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.unwrap()
}

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn private_pages_and_errors_are_not_stored_and_reading_pages_are_public() {
    let app = spawn_app().await;
    let (en, _, _) = fixture(&app).await;
    let event_page = format!("/events/{}", en.event_id);

    // An anonymous reader's second visit (the first sets the CSRF cookie): the page cache's
    // copies may be kept by anyone for as long as the page cache keeps them.
    app.get("/").await;
    for path in ["/", "/events", event_page.as_str(), "/conflicts"] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(cache_control(&response), "public, max-age=2", "{path}");
    }
    // Errors, as pages and as JSON, whoever asks.
    for path in [
        "/no/such/page",
        "/events/999999",
        "/export/claims.csv?from=2024-13-01",
        "/api/articles/999999",
        "/api/events?page=0",
        "/admin/users",
        "/audit",
    ] {
        let response = app.get(path).await;
        assert!(response.status().as_u16() >= 400, "{path}");
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
    let refused = app
        .post_form("/login", &[("username", "nobody"), ("password", "wrong")])
        .await;
    assert_eq!(refused.status().as_u16(), 401);
    assert_eq!(cache_control(&refused), "no-store");

    // Everything a signed-in user is sent.
    let admin = &app;
    admin.add_user("boss", PASSWORD, "admin");
    let signed_in = admin
        .post_form("/login", &[("username", "boss"), ("password", PASSWORD)])
        .await;
    assert_eq!(signed_in.status().as_u16(), 303);
    assert_eq!(cache_control(&signed_in), "no-store");
    for path in [
        "/",
        "/audit",
        "/admin/users",
        "/watches",
        "/sources",
        event_page.as_str(),
        "/api/events",
        "/export/claims.csv",
        "/no/such/page",
    ] {
        let response = admin.get(path).await;
        assert_eq!(cache_control(&response), "no-store", "{path}");
    }
}

#[tokio::test]
async fn only_a_write_that_changed_data_drops_the_page_copies() {
    let app = spawn_app_with(AppSettings {
        bind: "127.0.0.1:0".into(),
        page_cache_ttl: Duration::from_secs(60),
        ..AppSettings::default()
    })
    .await;
    let (en, _, _) = fixture(&app).await;
    let event_page = format!("/events/{}", en.event_id);
    assert!(text(&app, &event_page).await.contains(WADI_EVENT_TITLE));
    // Changed behind this server's back: readers keep the copy until something drops it.
    {
        use claimdb::db::schema::events;
        let mut conn = app.pool.get().unwrap();
        diesel::update(events::table.find(en.event_id))
            .set(events::title.eq("Renamed in the database"))
            .execute(&mut conn)
            .unwrap();
    }
    assert!(text(&app, &event_page).await.contains(WADI_EVENT_TITLE));

    // Sign-out with a token nobody issued, by a client with no session; a failed sign-in; a
    // refused form; a resubmission of stored text. None of them changed anything.
    let token = "f".repeat(64);
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let logout = stranger
        .post(app.url("/logout"))
        .header("Cookie", format!("claimdb_csrf={token}"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(logout.status().as_u16() < 500);
    let failed = app
        .post_form("/login", &[("username", "nobody"), ("password", "wrong")])
        .await;
    assert_eq!(failed.status().as_u16(), 401);
    let refused = app.post_form("/articles", &[("text", "")]).await;
    assert!(refused.status().is_client_error());
    let again = app
        .post_article_json(
            &json!({"text": EN_BEIRUT, "url": "https://cedar.example/fuel",
                                    "outlet": "Cedar Daily", "published": "2024-03-16"}),
        )
        .await;
    assert_eq!(again.status().as_u16(), 200, "the same text again");
    assert!(
        text(&app, &event_page).await.contains(WADI_EVENT_TITLE),
        "the page copies were dropped by a write that changed nothing"
    );

    // A write that stored something drops them.
    post(
        &app,
        json!({"text": EN_BEIRUT.replace("27", "28"), "url": "https://cedar.example/fuel-2",
               "outlet": "Cedar Daily", "published": "2024-03-16"}),
    )
    .await;
    assert!(text(&app, &event_page)
        .await
        .contains("Renamed in the database"));
}

#[tokio::test]
async fn the_json_api_pages_past_the_end_and_answers_405_with_allow() {
    let app = spawn_app().await;
    let (en, _, _) = fixture(&app).await;
    for path in [
        "/api/events?page=99999999",
        "/api/claims?page=99999999",
        "/api/facts?page=99999999999999999999999",
        "/api/conflicts?page=99999999&per_page=99999999999999999999",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["items"], json!([]), "{path}");
        assert!(body["total"].as_i64().unwrap() > 0, "{path}");
        assert!(body["next"].is_null(), "{path}");
    }
    let refused: Value = app.get("/api/events?page=0").await.json().await.unwrap();
    assert_eq!(refused["error"]["status"], 400);

    let client = &app.client;
    let event = format!("/api/events/{}", en.event_id);
    let article = format!("/api/articles/{}", en.article_id);
    let cases = [
        (reqwest::Method::PUT, "/api/events", "GET"),
        (reqwest::Method::DELETE, event.as_str(), "GET"),
        (reqwest::Method::PUT, article.as_str(), "GET"),
        (reqwest::Method::DELETE, "/api/claims", "GET"),
        (reqwest::Method::PATCH, "/api/facts", "GET"),
        (reqwest::Method::DELETE, "/api/articles", "POST"),
        (reqwest::Method::PUT, "/events", "GET"),
        (reqwest::Method::DELETE, "/login", "GET, POST"),
    ];
    for (method, path, allow) in cases {
        let response = client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        if path.starts_with("/api/") {
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["status"], 405, "{method} {path}");
        }
    }
    // The error page is in the reader's language.
    let arabic = client
        .put(app.url("/events"))
        .header("Accept-Language", "ar")
        .send()
        .await
        .unwrap();
    assert_eq!(arabic.status().as_u16(), 405);
    assert!(arabic.text().await.unwrap().contains("لا يقبل هذا النوع"));
    // Addresses that do not exist are still 404, whatever the method.
    let missing = client.put(app.url("/api/nothing")).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}
