//! Security headers on every kind of response (HTML page, JSON, CSV export, error page,
//! stylesheet), and pages that a Content-Security-Policy without `'unsafe-inline'` allows:
//! no inline `<style>`, `style=` attribute, `on…=` handler or inline script (the JSON-LD data
//! block aside, which must stay escaped).

use crate::exports::{fixture, resolve, wadi_conflict};
use crate::helpers::{spawn_app, TestApp};

/// Checks the four headers; `what` names the response in failures.
fn assert_security_headers(response: &reqwest::Response, what: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let csp = header("content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: CSP {csp:?} lacks {directive}"
        );
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    let referrer = header("referrer-policy");
    assert!(
        [
            "same-origin",
            "strict-origin-when-cross-origin",
            "no-referrer"
        ]
        .contains(&referrer.as_str()),
        "{what}: Referrer-Policy {referrer}"
    );
}

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let (en, _, _) = fixture(&app).await;
    let cases: Vec<(String, u16, &str)> = vec![
        ("/".into(), 200, "text/html"),
        (format!("/events/{}", en.event_id), 200, "text/html"),
        ("/api/events".into(), 200, "application/json"),
        (
            format!("/api/articles/{}", en.article_id),
            200,
            "application/json",
        ),
        ("/export/claims.csv".into(), 200, "text/csv"),
        ("/export/conflicts.csv?bom=1".into(), 200, "text/csv"),
        ("/no/such/page".into(), 404, "text/html"),
        (
            "/export/claims.csv?from=2024-13-01".into(),
            400,
            "text/html",
        ),
        ("/api/articles/999999".into(), 404, "application/json"),
        ("/api/events?page=0".into(), 400, "application/json"),
        ("/healthz".into(), 200, "application/json"),
    ];
    for (path, status, kind) in cases {
        let response = app.get(&path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        let got = content_type(&response);
        assert!(got.starts_with(kind), "GET {path}: {got}");
        assert_security_headers(&response, &format!("GET {path}"));
    }
    // A refused form post (no CSRF token) is an error page with the headers too.
    let response = app
        .post_form_raw("/articles", &[("text", "15 civilians were killed")])
        .await;
    assert_eq!(response.status().as_u16(), 403);
    assert_security_headers(&response, "POST /articles without a token");
    // And so is the stylesheet.
    let css = stylesheet_path(&app).await;
    let response = app.get(&css).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_security_headers(&response, &css);
}

/// The stylesheet the pages link to.
async fn stylesheet_path(app: &TestApp) -> String {
    let html = app.get("/").await.text().await.unwrap();
    let marker = r#"<link rel="stylesheet" href=""#;
    let start = html.find(marker).expect("no stylesheet link") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}

#[tokio::test]
async fn the_stylesheet_is_served_by_claimdb_under_a_versioned_address() {
    let app = spawn_app().await;
    let path = stylesheet_path(&app).await;
    assert!(
        path.starts_with("/static/claimdb.") && path.ends_with(".css"),
        "{path}"
    );
    let response = app.get(&path).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(content_type(&response), "text/css; charset=utf-8");
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cache.contains("max-age=31536000") && cache.contains("immutable"),
        "{cache}"
    );
    let css = response.text().await.unwrap();
    assert!(
        css.contains("header.site") && css.contains("mark.claim"),
        "{css}"
    );
    assert!(!css.contains("<style") && !css.contains("</style"));
    // The bare name (and an older version's) still answers, but is revalidated.
    for other in [
        "/static/claimdb.css",
        "/static/claimdb.0123456789abcdef.css",
    ] {
        let response = app.get(other).await;
        assert_eq!(response.status().as_u16(), 200, "{other}");
        let cache = response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(!cache.contains("immutable"), "{other}: {cache}");
    }
    for missing in [
        "/static/app.js",
        "/static/..%2F..%2Fetc%2Fpasswd",
        "/static/",
    ] {
        let response = app.get(missing).await;
        assert_eq!(response.status().as_u16(), 404, "{missing}");
        assert!(
            content_type(&response).starts_with("text/html"),
            "{missing}"
        );
    }
}

/// Fails on anything a strict CSP would block in `html`: inline styles, inline event handlers,
/// scripts other than JSON-LD data blocks, `javascript:` links.
fn assert_no_inline_code(html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<style"), "{what}: an inline <style>");
    assert!(!lower.contains(" style="), "{what}: a style= attribute");
    assert!(
        !lower.contains("javascript:"),
        "{what}: a javascript: address"
    );
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("<script") {
        let tag_end = rest[i..].find('>').map(|e| i + e).unwrap_or(rest.len());
        assert!(
            rest[i..tag_end].contains(r#"type="application/ld+json""#),
            "{what}: an inline script {}",
            &rest[i..tag_end]
        );
        rest = &rest[tag_end..];
    }
    // An event handler attribute: whitespace, `on`, letters, `=`, inside a tag.
    let bytes = lower.as_bytes();
    let mut in_tag = false;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            b' ' | b'\n' | b'\t' if in_tag && lower[i + 1..].starts_with("on") => {
                let name: String = lower[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let after = &lower[i + 1 + name.len()..];
                assert!(
                    !(name.len() > 2 && after.trim_start().starts_with('=')),
                    "{what}: an event handler attribute {name}"
                );
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn pages_have_no_inline_styles_scripts_or_handlers() {
    let app = spawn_app().await;
    let (en, _, _) = fixture(&app).await;
    // A resolved conflict whose note tries to end the JSON-LD block.
    let (fact, _) = wadi_conflict(&app, en.event_id);
    resolve(
        &app,
        fact,
        None,
        "</script><script>alert(1)</script><!-- counted at different times",
    );
    app.sign_in_as("admin1", "admin").await;
    let paths = [
        "/".to_string(),
        "/articles/new".to_string(),
        format!("/articles/{}", en.article_id),
        format!("/articles/{}/diff", en.article_id),
        "/events".to_string(),
        format!("/events/{}", en.event_id),
        "/conflicts".to_string(),
        format!("/conflicts/{fact}"),
        "/sources".to_string(),
        "/lexicon/subjects".to_string(),
        "/lexicon/places".to_string(),
        "/audit".to_string(),
        "/admin/users".to_string(),
        "/search?q=civilians".to_string(),
        "/login".to_string(),
        "/no/such/page".to_string(),
        "/?lang=ar".to_string(),
    ];
    for path in &paths {
        let response = app.get(path).await;
        let status = response.status().as_u16();
        assert!(status == 200 || status == 404, "GET {path}: {status}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("/static/claimdb."),
            "GET {path}: no stylesheet link"
        );
        assert_no_inline_code(&html, path);
    }
    // The JSON-LD block is there, and the note cannot close it.
    let html = app
        .get(&format!("/events/{}", en.event_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"<script type="application/ld+json">"#));
    assert_eq!(html.matches("</script>").count(), 1, "{html}");
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("<!-- counted"));
}
