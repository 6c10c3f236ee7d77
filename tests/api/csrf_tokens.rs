//! CSRF tokens (issue 17, point 7): only tokens the servers issued and signed are accepted, and
//! the page cache puts each visitor's token at marked places, never where a value happens to be.

use serde_json::json;

use crate::helpers::{spawn_app, spawn_pair, TestApp};

const TEXT: &str = "Shelling kills civilians in Kafr Nabl\n\nAt least 15 civilians were killed on Tuesday when shells hit the market, the White Helmets said.";

/// A client of `app` with no cookies yet, sending `cookie` by hand when given.
fn bare_client(app: &TestApp) -> TestApp {
    TestApp {
        address: app.address.clone(),
        pool: app.pool.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

fn csrf_cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("claimdb_csrf="))
        .map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn a_self_made_token_is_refused_and_replaced() {
    let app = spawn_app().await;
    let visitor = bare_client(&app);
    let made_up = "ab".repeat(32);

    let response = visitor
        .client
        .post(visitor.url("/articles"))
        .header("Cookie", format!("claimdb_csrf={made_up}"))
        .form(&[("text", TEXT), ("title", "Kafr Nabl"), ("csrf", &made_up)])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status().as_u16(), 403);
    let fresh = csrf_cookie_of(&response).expect("a token the server made");
    assert_ne!(fresh, made_up);

    // A page does not repeat the made-up value either.
    let page = visitor
        .client
        .get(visitor.url("/articles/new"))
        .header("Cookie", format!("claimdb_csrf={made_up}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&made_up));
}

#[tokio::test]
async fn a_token_issued_by_one_server_is_good_on_another() {
    let (one, two) = spawn_pair().await;
    let token = one.csrf().await;
    // The same client (cookies are per host, not per port), posting to the other server.
    let response = one
        .client
        .post(two.url("/articles"))
        .form(&[("text", TEXT), ("title", "Kafr Nabl"), ("csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
}

#[tokio::test]
async fn the_page_cache_puts_a_visitors_token_only_in_forms() {
    let app = spawn_app().await;
    let first = bare_client(&app);
    // The first visitor's token, as a page gives it.
    let login = first.get("/login").await;
    let first_token = csrf_cookie_of(&login).unwrap();
    let url = format!("https://evil.example/collect?t={first_token}");
    let posted = app
        .post_article_json(&json!({ "text": TEXT, "title": "Kafr Nabl", "url": url }))
        .await;
    let id = posted.json::<serde_json::Value>().await.unwrap()["article_id"]
        .as_i64()
        .unwrap();
    let path = format!("/articles/{id}");

    // The first visitor's request renders the page that is kept.
    let rendered = first
        .client
        .get(first.url(&path))
        .header("Cookie", format!("claimdb_csrf={first_token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(rendered.contains(&url));

    let second = bare_client(&app);
    let second_login = second.get("/login").await;
    let second_token = csrf_cookie_of(&second_login).unwrap();
    let served = second
        .client
        .get(second.url(&path))
        .header("Cookie", format!("claimdb_csrf={second_token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(served.contains(&url), "the link was rewritten: {served}");
    assert!(!served.contains(&format!("?t={second_token}")));
    assert!(!served.contains("claimdb-csrf-token"));
}
