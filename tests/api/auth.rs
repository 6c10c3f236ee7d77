//! Sign-in, sign-out, CSRF, rate limit, roles.

use crate::helpers::spawn_app;

#[tokio::test]
async fn signing_in_sets_an_http_only_session_cookie_and_shows_the_user() {
    let app = spawn_app().await;
    app.add_user("layla", "a long enough password", "reviewer");

    let response = app
        .post_form(
            "/login",
            &[
                ("username", "layla"),
                ("password", "a long enough password"),
                ("next", "/articles/new"),
            ],
        )
        .await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(response.headers()["location"], "/articles/new");
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("claimdb_session="))
        .expect("session cookie");
    assert!(session.contains("HttpOnly"));
    assert!(session.contains("SameSite=Lax"));
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("layla"));
    assert!(home.contains("Sign out"));
}

#[tokio::test]
async fn the_session_id_changes_at_every_sign_in() {
    let app = spawn_app().await;
    app.add_user("omar", "a long enough password", "reviewer");
    let sign_in = || async {
        let r = app
            .post_form(
                "/login",
                &[("username", "omar"), ("password", "a long enough password")],
            )
            .await;
        r.headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("claimdb_session="))
            .unwrap()
    };

    let first = sign_in().await;
    let second = sign_in().await;

    assert_ne!(first, second);
}

#[tokio::test]
async fn a_wrong_password_is_401_and_the_sixth_attempt_is_rate_limited() {
    let app = spawn_app().await;
    app.add_user("sara", "a long enough password", "reviewer");

    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = app
            .post_form(
                "/login",
                &[("username", "sara"), ("password", "wrong password!")],
            )
            .await;
        statuses.push(r.status().as_u16());
    }
    let right_after = app
        .post_form(
            "/login",
            &[("username", "sara"), ("password", "a long enough password")],
        )
        .await;

    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429]);
    assert_eq!(
        right_after.status().as_u16(),
        429,
        "still limited, even with the right password"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    app.sign_in_as("nour", "reviewer").await;

    let response = app.post_form("/logout", &[]).await;

    assert_eq!(response.status().as_u16(), 303);
    let home = app.get("/").await.text().await.unwrap();
    assert!(!home.contains("nour"));
    assert!(home.contains("Sign in"));
}

#[tokio::test]
async fn a_form_without_a_valid_csrf_token_is_403_and_changes_nothing() {
    let app = spawn_app().await;

    let missing = app
        .post_form_raw("/articles", &[("text", "Toll\n\n5 people were killed.")])
        .await;
    let forged = app
        .post_form_raw(
            "/articles",
            &[
                ("text", "Toll\n\n5 people were killed."),
                ("csrf", &"0".repeat(64)),
            ],
        )
        .await;

    assert_eq!(missing.status().as_u16(), 403);
    assert_eq!(forged.status().as_u16(), 403);
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("No articles yet"), "nothing was stored");
}

#[tokio::test]
async fn the_users_page_is_for_admins_only() {
    let app = spawn_app().await;

    let anonymous = app.get("/admin/users").await;
    app.sign_in_as("rev", "reviewer").await;
    let reviewer = app.get("/admin/users").await;

    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(reviewer.status().as_u16(), 403);
}

#[tokio::test]
async fn an_admin_adds_and_disables_a_user_with_audit_entries() {
    let app = spawn_app().await;
    app.sign_in_as("boss", "admin").await;

    let add = app
        .post_form(
            "/admin/users",
            &[
                ("username", "newbie"),
                ("password", "another long password"),
                ("role", "reviewer"),
            ],
        )
        .await;
    let page = app.get("/admin/users").await.text().await.unwrap();
    let id = {
        use claimdb::db::schema::users;
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        users::table
            .filter(users::username.eq("newbie"))
            .select(users::id)
            .first::<i64>(&mut conn)
            .unwrap()
    };
    let disable = app
        .post_form(&format!("/admin/users/{id}"), &[("action", "disable")])
        .await;

    assert_eq!(add.status().as_u16(), 303);
    assert!(page.contains("newbie"));
    assert_eq!(disable.status().as_u16(), 303);
    let actions: Vec<String> = {
        use claimdb::db::schema::audit_log;
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        audit_log::table
            .filter(audit_log::entity.eq("user"))
            .filter(audit_log::entity_id.eq(id))
            .order(audit_log::id)
            .select(audit_log::action)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(actions, vec!["create", "disable"]);
}

#[tokio::test]
async fn submission_can_be_restricted_to_signed_in_users() {
    let app = crate::helpers::spawn_app_with(claimdb::config::AppSettings {
        bind: "127.0.0.1:0".into(),
        submit_requires_login: true,
        ..claimdb::config::AppSettings::default()
    })
    .await;
    let text = serde_json::json!({"text": "Toll\n\n5 people were killed."});

    let anonymous_api = app.post_article_json(&text).await;
    let anonymous_form = app
        .post_article_form(&[("text", "Toll\n\n5 people were killed.")])
        .await;
    app.sign_in_as("tipster", "reviewer").await;
    let signed_in = app.post_article_json(&text).await;

    assert_eq!(anonymous_api.status().as_u16(), 401);
    assert_eq!(anonymous_form.status().as_u16(), 401);
    assert_eq!(signed_in.status().as_u16(), 201);
}

/// A client of `app` that connects from `local` (any 127.0.0.0/8 address is this machine), with
/// cookies of its own.
fn client_from(app: &crate::helpers::TestApp, local: &str) -> crate::helpers::TestApp {
    crate::helpers::TestApp {
        address: app.address.clone(),
        pool: app.pool.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .local_address(local.parse::<std::net::IpAddr>().unwrap())
            .build()
            .unwrap(),
    }
}

#[tokio::test]
async fn parallel_wrong_passwords_get_no_more_tries_than_the_limit() {
    let app = spawn_app().await;
    app.add_user("nour", "a long enough password", "reviewer");
    let token = app.csrf().await;

    let fields = [
        ("username", "nour"),
        ("password", "wrong password!"),
        ("csrf", token.as_str()),
    ];
    let attempts = (0..30).map(|_| app.post_form_raw("/login", &fields));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();

    let verified = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(verified, 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 25);
    let right = app
        .post_form_raw(
            "/login",
            &[
                ("username", "nour"),
                ("password", "a long enough password"),
                ("csrf", &token),
            ],
        )
        .await;
    assert_eq!(right.status().as_u16(), 429);
}

#[tokio::test]
async fn failures_from_other_addresses_slow_an_account_down_but_never_lock_it() {
    let app = spawn_app().await;
    app.add_user("yara", "a long enough password", "reviewer");
    for n in 2..=8 {
        let attacker = client_from(&app, &format!("127.0.0.{n}"));
        let r = attacker
            .post_form(
                "/login",
                &[("username", "yara"), ("password", "wrong password!")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 401);
    }

    let owner = client_from(&app, "127.0.0.20");
    let started = std::time::Instant::now();
    let r = owner
        .post_form(
            "/login",
            &[("username", "yara"), ("password", "a long enough password")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "the right password is refused");
    // 7 failures on the account: this attempt waited, it was not refused.
    assert!(started.elapsed() >= std::time::Duration::from_millis(500));
}

#[tokio::test]
async fn servers_share_the_counters() {
    let (one, two) = crate::helpers::spawn_pair().await;
    one.add_user("adam", "a long enough password", "reviewer");
    for _ in 0..3 {
        let r = one
            .post_form(
                "/login",
                &[("username", "adam"), ("password", "wrong password!")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 401);
    }
    for _ in 0..2 {
        let r = two
            .post_form(
                "/login",
                &[("username", "adam"), ("password", "wrong password!")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 401);
    }
    let r = one
        .post_form(
            "/login",
            &[("username", "adam"), ("password", "a long enough password")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 429);
}
