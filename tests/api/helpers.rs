//! `spawn_app()`: the application on a free port against a fresh database of its own.

use claimdb::config::AppSettings;
use claimdb::db::{self, DbPool};
use claimdb::startup::Application;

pub struct TestApp {
    pub address: String,
    pub pool: DbPool,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// GET with an `Accept-Language` header.
    pub async fn get_in(&self, path: &str, accept_language: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("Accept-Language", accept_language)
            .send()
            .await
            .expect("request failed")
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(AppSettings {
        bind: "127.0.0.1:0".into(),
        ..AppSettings::default()
    })
    .await
}

pub async fn spawn_app_with(settings: AppSettings) -> TestApp {
    let url = fresh_database_url().await;
    spawn_app_on(&url, &settings)
}

/// Two applications on ONE fresh database, each with a pool of its own: two `claimdb serve`
/// processes behind a load balancer, as far as the database can tell.
pub async fn spawn_pair() -> (TestApp, TestApp) {
    let url = fresh_database_url().await;
    let settings = AppSettings {
        bind: "127.0.0.1:0".into(),
        ..AppSettings::default()
    };
    (spawn_app_on(&url, &settings), spawn_app_on(&url, &settings))
}

/// A new, migrated, empty database (cloned from the test template).
pub async fn fresh_database_url() -> String {
    tokio::task::spawn_blocking(db::testing::fresh_database)
        .await
        .expect("database task panicked")
        .expect("cannot create a test database")
}

/// The application on a free port against the database at `url`, with a pool of its own.
pub fn spawn_app_on(url: &str, settings: &AppSettings) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        claimdb::telemetry::init_tracing("debug");
    }
    let pool = db::build_pool(url, 5).expect("cannot build the pool");
    let app = Application::build(settings, pool.clone()).expect("cannot build the app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("cannot build the client");
    TestApp {
        address,
        pool,
        client,
    }
}

impl TestApp {
    /// POST /api/articles with a JSON body.
    pub async fn post_article_json(&self, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/articles"))
            .json(body)
            .send()
            .await
            .expect("request failed")
    }

    /// POST /articles as the web form does (with the page's CSRF token).
    pub async fn post_article_form(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_form("/articles", fields).await
    }

    /// The CSRF token a page's forms carry for this client.
    pub async fn csrf(&self) -> String {
        let html = self.get("/login").await.text().await.expect("no body");
        let marker = r#"name="csrf" value=""#;
        let start = html.find(marker).expect("no CSRF field on the page") + marker.len();
        html[start..start + 64].to_string()
    }

    /// POSTs a form with the CSRF token added, as a browser would.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("request failed")
    }

    /// POSTs a form exactly as given (no CSRF token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request failed")
    }

    /// Creates a user directly in the database.
    pub fn add_user(&self, name: &str, password: &str, role: &str) -> i64 {
        let hash = claimdb::domain::auth::hash_password(password).expect("hash");
        let mut conn = self.pool.get().expect("connection");
        claimdb::db::users::create(&mut conn, name, &hash, role)
            .expect("create user")
            .id
    }

    /// Signs this client in (creating the user first).
    pub async fn sign_in_as(&self, name: &str, role: &str) {
        let password = "a long enough password";
        self.add_user(name, password, role);
        let response = self
            .post_form("/login", &[("username", name), ("password", password)])
            .await;
        assert_eq!(response.status().as_u16(), 303, "sign-in failed");
    }

    /// Signs this client in as the reviewer "editor" (created on first use): a signed-in
    /// submission may add a version to an article already stored; an anonymous one may not.
    pub async fn sign_in_editor(&self) {
        let password = "a long enough password";
        let exists = {
            let mut conn = self.pool.get().expect("connection");
            claimdb::db::users::find_by_name(&mut conn, "editor")
                .expect("find user")
                .is_some()
        };
        if !exists {
            self.add_user("editor", password, "reviewer");
        }
        let response = self
            .post_form("/login", &[("username", "editor"), ("password", password)])
            .await;
        assert_eq!(response.status().as_u16(), 303, "sign-in failed");
    }

    /// Another client of the same app, with cookies of its own, signed in as "editor".
    pub async fn editor(&self) -> TestApp {
        let other = TestApp {
            address: self.address.clone(),
            pool: self.pool.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_store(true)
                .build()
                .expect("cannot build the client"),
        };
        other.sign_in_editor().await;
        other
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path).await;
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.expect("not JSON")
    }
}
