//! A local news site for the watch tests: pages as real sites serve them (menus, share links
//! and a footer around the article), on 127.0.0.1 with a free port. Its state is shared with
//! the test, which changes a figure or breaks a page between two fetches and counts the hits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

#[derive(Default)]
pub struct SiteState {
    /// The killed count the story pages report.
    pub figure: Mutex<u32>,
    /// `/news/flaky` answers 500 while this is set.
    pub broken: Mutex<bool>,
    /// Requests per path.
    pub hits: Mutex<HashMap<String, usize>>,
}

pub struct TestSite {
    pub address: String,
    pub state: Arc<SiteState>,
}

impl TestSite {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn set_figure(&self, figure: u32) {
        *self.state.figure.lock().unwrap() = figure;
    }

    pub fn set_broken(&self, broken: bool) {
        *self.state.broken.lock().unwrap() = broken;
    }

    pub fn hits(&self, path: &str) -> usize {
        self.state
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

/// Starts the site; it stops with the test's runtime.
pub fn spawn_site(figure: u32) -> TestSite {
    let state = Arc::new(SiteState {
        figure: Mutex::new(figure),
        ..SiteState::default()
    });
    let data = web::Data::from(state.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/news/missing", web::get().to(missing))
            .route("/news/flaky", web::get().to(flaky))
            .route("/news/etag", web::get().to(with_etag))
            .route("/news/{slug}", web::get().to(story))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("cannot bind the test site");
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    TestSite {
        address: format!("http://127.0.0.1:{port}"),
        state,
    }
}

fn count(state: &SiteState, req: &HttpRequest) {
    *state
        .hits
        .lock()
        .unwrap()
        .entry(req.path().to_string())
        .or_default() += 1;
}

/// The story marker that the chrome must not leak into the article's text.
pub const CHROME: &str = "Subscribe to our newsletter";

/// A news page: navigation, share links, related stories and a footer around the article.
pub fn news_page(figure: u32) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Shelling kills {figure} in Wadi al-Zein | Levant Wire</title>
<meta property="og:site_name" content="Levant Wire">
<meta property="og:title" content="Shelling kills {figure} in Wadi al-Zein">
<meta property="article:published_time" content="2026-11-03T08:00:00Z">
</head>
<body>
<header><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a> | <a href="/subscribe">{CHROME}</a></nav></header>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Markets fall 3 percent</a></li><li><a href="/b">Storm leaves 40 without power</a></li></ul></aside>
<main>
<article>
<h1>Shelling kills {figure} in Wadi al-Zein</h1>
<p class="byline">By Rana Haddad, Levant Wire</p>
<p>At least {figure} civilians were killed in Wadi al-Zein on Tuesday when shells struck the town's market, the White Helmets said, in the deadliest attack on the area this year.</p>
<p>Rescue workers spent the night pulling survivors from the rubble of shops and homes around the market square, where traders had gathered for the weekly sale of vegetables and livestock.</p>
<p>Residents said the shelling began shortly after noon and lasted for more than an hour, leaving much of the market in ruins and cutting the main road that links the town to the provincial capital.</p>
<p>The local council appealed for blood donations and for ambulances from neighbouring towns, saying the town's only clinic was overwhelmed and short of medicine and fuel for its generator.</p>
</article>
</main>
<div class="share"><a href="/share/fb">Share on Facebook</a> <a href="/share/x">Share on X</a></div>
<footer><p>{CHROME}. Copyright 2026 Levant Wire. All rights reserved.</p></footer>
</body>
</html>"#
    )
}

async fn story(state: web::Data<SiteState>, req: HttpRequest) -> HttpResponse {
    count(&state, &req);
    let figure = *state.figure.lock().unwrap();
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(news_page(figure))
}

async fn missing(state: web::Data<SiteState>, req: HttpRequest) -> HttpResponse {
    count(&state, &req);
    HttpResponse::NotFound()
        .content_type("text/html; charset=utf-8")
        .body("<html><body><h1>Page not found</h1></body></html>")
}

async fn flaky(state: web::Data<SiteState>, req: HttpRequest) -> HttpResponse {
    count(&state, &req);
    if *state.broken.lock().unwrap() {
        return HttpResponse::InternalServerError()
            .content_type("text/html; charset=utf-8")
            .body("<html><body><h1>Internal error</h1></body></html>");
    }
    story(state, req).await
}

/// Answers 304 to a request that has the page's ETag.
async fn with_etag(state: web::Data<SiteState>, req: HttpRequest) -> HttpResponse {
    count(&state, &req);
    let etag = "\"v1\"";
    let matches = req
        .headers()
        .get("If-None-Match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if matches {
        return HttpResponse::NotModified()
            .insert_header(("ETag", etag))
            .finish();
    }
    let figure = *state.figure.lock().unwrap();
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("ETag", etag))
        .body(news_page(figure))
}
