//! Bad input over every route that takes input (forms, JSON, paths and query strings): each is
//! a clear 4xx — an error page, the form again with its errors, or a JSON error under `/api/` —
//! never a 5xx, and a refused submission stores nothing (the row counts do not move). Text that
//! is legitimate (markup, SQL metacharacters, a 1 MB line) is stored faithfully and comes back
//! escaped in every page and intact in the exports.

use claimdb::config::AppSettings;
use diesel::prelude::*;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE};
use serde_json::{json, Value};

use crate::exports::{fixture, wadi_conflict};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// The rows a refused request must not have touched.
const TABLES: [&str; 8] = [
    "articles",
    "article_versions",
    "claims",
    "events",
    "facts",
    "sources",
    "audit_log",
    "subject_aliases",
];

fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().unwrap();
    TABLES
        .iter()
        .map(|table| {
            let n = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
                .get_result::<N>(&mut conn)
                .unwrap()
                .n;
            (*table, n)
        })
        .collect()
}

/// An app whose body limit is 64 KiB, so that "over the limit" is cheap to send.
async fn small_app() -> TestApp {
    spawn_app_with(AppSettings {
        bind: "127.0.0.1:0".into(),
        max_body_bytes: 64 * 1024,
        ..AppSettings::default()
    })
    .await
}

/// Deterministic bytes of every value (a xorshift generator), as an uploaded binary file is.
fn binary(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if i % 64 == 0 {
                0xff
            } else {
                (x >> 24) as u8
            }
        })
        .collect()
}

fn percent_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A request body as sent: its content type, extra headers, and bytes.
struct Body {
    name: &'static str,
    content_type: Option<&'static str>,
    gzip: bool,
    bytes: Vec<u8>,
    want: u16,
}

fn body(
    name: &'static str,
    content_type: &'static str,
    bytes: impl Into<Vec<u8>>,
    want: u16,
) -> Body {
    Body {
        name,
        content_type: Some(content_type),
        gzip: false,
        bytes: bytes.into(),
        want,
    }
}

/// Sends `body` to `path` and checks the status and that the answer is a page (or JSON under
/// `/api/`), never a 5xx.
async fn send(app: &TestApp, path: &str, body: Body) {
    let mut request = app.client.post(app.url(path)).body(body.bytes);
    if let Some(content_type) = body.content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    if body.gzip {
        request = request.header(CONTENT_ENCODING, "gzip");
    }
    let response = request.send().await.expect("request failed");
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    assert_eq!(
        status,
        body.want,
        "POST {path}: {}: {}",
        body.name,
        excerpt(&text)
    );
    assert_answer_kind(path, &kind, &text, status, body.name);
}

/// A JSON error under `/api/`, an HTML page elsewhere.
fn assert_answer_kind(path: &str, kind: &str, text: &str, status: u16, what: &str) {
    if path.starts_with("/api/") {
        assert!(
            kind.starts_with("application/json"),
            "{path}: {what}: {kind}"
        );
        if status >= 400 {
            let v: Value = serde_json::from_str(text).unwrap_or_else(|_| panic!("{what}: {text}"));
            assert_eq!(v["error"]["status"], status, "{path}: {what}: {v}");
            assert!(v["error"]["message"].is_string(), "{path}: {what}: {v}");
        }
    } else {
        assert!(kind.starts_with("text/html"), "{path}: {what}: {kind}");
        assert!(
            text.starts_with("<!DOCTYPE html>"),
            "{path}: {what}: {}",
            excerpt(text)
        );
    }
}

fn excerpt(text: &str) -> String {
    text.chars().take(400).collect()
}

fn form_with(token: &str, rest: &[u8]) -> Vec<u8> {
    let mut out = format!("csrf={token}&").into_bytes();
    out.extend_from_slice(rest);
    out
}

#[tokio::test]
async fn refused_article_forms_are_4xx_pages_and_store_nothing() {
    let app = small_app().await;
    let before = counts(&app);
    let token = app.csrf().await;
    let f = |rest: &[u8]| form_with(&token, rest);
    let text = |s: &str| f(format!("text={}", percent_encode(s)).as_bytes());
    let ok_text = "At least 15 civilians were killed in the town on Tuesday.";
    let with = |field: &str, value: &str| {
        f(format!(
            "text={}&{field}={}",
            percent_encode(ok_text),
            percent_encode(value)
        )
        .as_bytes())
    };
    let mut multipart = b"--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n".to_vec();
    multipart.extend_from_slice(ok_text.as_bytes());
    multipart.extend_from_slice(b"\r\n--XyZ--\r\n");
    let cases = vec![
        body(
            "text over the limit",
            FORM,
            text(&"casualties ".repeat(7_000)),
            413,
        ),
        body(
            "body over the form limit",
            FORM,
            text(&"x".repeat(300 * 1024)),
            413,
        ),
        body(
            "invalid UTF-8, percent-encoded",
            FORM,
            f(b"text=%FF%FEkilled"),
            400,
        ),
        body("invalid UTF-8, raw", FORM, f(b"text=\xff\xfekilled"), 400),
        body(
            "a truncated UTF-8 sequence",
            FORM,
            f(b"text=%D9%82%D8"),
            400,
        ),
        body("binary data as a form", FORM, binary(8 * 1024), 400),
        body(
            "binary data",
            "application/octet-stream",
            binary(8 * 1024),
            415,
        ),
        body(
            "a NUL byte, percent-encoded",
            FORM,
            f(b"text=killed%00here"),
            400,
        ),
        body("a NUL byte, raw", FORM, f(b"text=killed\0here"), 400),
        body("a NUL byte in the title", FORM, with("title", "a\0b"), 400),
        body(
            "a NUL byte in a field name",
            FORM,
            f(b"te%00xt=killed"),
            400,
        ),
        body(
            "JSON sent to the form",
            JSON,
            json!({"text": ok_text}).to_string(),
            415,
        ),
        body(
            "multipart",
            "multipart/form-data; boundary=XyZ",
            multipart,
            415,
        ),
        body("plain text", "text/plain", ok_text, 415),
        body("the text twice", FORM, f(b"text=a&text=b"), 400),
        body("no text", FORM, f(b""), 422),
        body("blank text", FORM, text("   \n\t "), 422),
        body(
            "a year out of range",
            FORM,
            with("published", "99999-01-01"),
            422,
        ),
        body(
            "a negative year",
            FORM,
            with("published", "-0001-01-01"),
            422,
        ),
        body(
            "the 30th of February",
            FORM,
            with("published", "2024-02-30"),
            422,
        ),
        body(
            "a huge number as the date",
            FORM,
            with("published", "1e400"),
            422,
        ),
        body(
            "a date before 1900",
            FORM,
            with("published", "1066-10-14"),
            422,
        ),
        body(
            "a script address",
            FORM,
            with("url", "javascript:alert(1)"),
            422,
        ),
        body(
            "a huge address",
            FORM,
            with("url", &format!("https://e.example/{}", "a".repeat(3000))),
            422,
        ),
        body(
            "markup as the language",
            FORM,
            with("lang", "<script>"),
            422,
        ),
        body(
            "a title of 301 characters",
            FORM,
            with("title", &"t".repeat(301)),
            422,
        ),
        Body {
            name: "a compressed form",
            content_type: Some(FORM),
            gzip: true,
            bytes: f(b"text=killed"),
            want: 415,
        },
        Body {
            name: "no content type",
            content_type: None,
            gzip: false,
            bytes: f(b"text=killed"),
            want: 415,
        },
    ];
    for case in cases {
        let name = case.name;
        send(&app, "/articles", case).await;
        assert_eq!(counts(&app), before, "after {name}");
    }
}

#[tokio::test]
async fn refused_json_articles_are_4xx_json_errors_and_store_nothing() {
    let app = small_app().await;
    let before = counts(&app);
    let ok_text = "At least 15 civilians were killed in the town on Tuesday.";
    let with = |field: &str, value: Value| {
        let mut v = json!({"text": ok_text});
        v[field] = value;
        v.to_string()
    };
    let nested = format!(
        "{{\"text\": {}1{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let mut invalid_utf8 = br#"{"text": "killed "#.to_vec();
    invalid_utf8.extend_from_slice(b"\xff\xfe\"}");
    let cases = vec![
        body(
            "a body over the limit",
            JSON,
            json!({"text": "x".repeat(200 * 1024)}).to_string(),
            413,
        ),
        body(
            "text over the limit",
            JSON,
            json!({"text": "casualties ".repeat(7_000)}).to_string(),
            413,
        ),
        body("invalid UTF-8", JSON, invalid_utf8, 400),
        body("binary data", JSON, binary(8 * 1024), 400),
        body(
            "binary data, binary type",
            "application/octet-stream",
            binary(8 * 1024),
            415,
        ),
        body(
            "a NUL character in the text",
            JSON,
            json!({"text": "killed\u{0}here"}).to_string(),
            422,
        ),
        body(
            "a NUL character in the outlet",
            JSON,
            with("outlet", json!("a\u{0}b")),
            422,
        ),
        body("deeply nested arrays", JSON, nested, 400),
        body(
            "deeply nested objects",
            JSON,
            format!(
                "{{\"text\": {}1{}}}",
                "{\"a\":".repeat(10_000),
                "}".repeat(10_000)
            ),
            400,
        ),
        body("unterminated JSON", JSON, r#"{"text": "killed"#, 400),
        body("trailing garbage", JSON, r#"{"text": "killed"} x"#, 400),
        body("a number as the text", JSON, r#"{"text": 15}"#, 400),
        body("an array", JSON, r#"["killed"]"#, 400),
        body("a string", JSON, r#""killed""#, 400),
        body("null", JSON, "null", 400),
        body("an empty body", JSON, "", 400),
        body("the text twice", JSON, r#"{"text": "a", "text": "b"}"#, 400),
        body(
            "a huge number as the date",
            JSON,
            with("published", json!(1e300)),
            400,
        ),
        body(
            "a huge integer as the date",
            JSON,
            r#"{"text": "killed 3", "published": 123456789012345678901234567890}"#,
            400,
        ),
        body(
            "a year out of range",
            JSON,
            with("published", json!("275760-09-13")),
            422,
        ),
        body(
            "year zero",
            JSON,
            with("published", json!("0000-01-01")),
            422,
        ),
        body(
            "the 31st of April",
            JSON,
            with("published", json!("2024-04-31T10:00:00Z")),
            422,
        ),
        body("no text", JSON, "{}", 422),
        body(
            "an address that is not one",
            JSON,
            with("url", json!("not a url")),
            422,
        ),
        body("a form sent to the API", FORM, "text=killed", 415),
        body("plain text", "text/plain", ok_text, 415),
        body(
            "JSON in UTF-16",
            "application/json; charset=utf-16",
            json!({"text": ok_text})
                .to_string()
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
            400,
        ),
        Body {
            name: "no content type",
            content_type: None,
            gzip: false,
            bytes: json!({"text": ok_text}).to_string().into_bytes(),
            want: 415,
        },
    ];
    for case in cases {
        let name = case.name;
        send(&app, "/api/articles", case).await;
        assert_eq!(counts(&app), before, "after {name}");
    }
}

/// GETs `path` and checks status and kind (JSON under `/api/` and for `.json`, else HTML).
async fn get_expect(app: &TestApp, path: &str, want: u16) -> String {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    assert_eq!(status, want, "GET {path}: {}", excerpt(&text));
    if path.starts_with("/api/") || path.split('?').next().unwrap().ends_with(".json") {
        assert!(kind.starts_with("application/json"), "GET {path}: {kind}");
        if want >= 400 {
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["error"]["status"], want, "GET {path}: {v}");
        }
    } else if path.starts_with("/export/") && want == 200 {
        assert!(kind.starts_with("text/csv"), "GET {path}: {kind}");
    } else if path == "/healthz" || path.starts_with("/healthz?") {
        assert!(kind.starts_with("application/json"), "GET {path}: {kind}");
    } else {
        assert!(kind.starts_with("text/html"), "GET {path}: {kind}");
        assert!(text.starts_with("<!DOCTYPE html>"), "GET {path}");
    }
    text
}

#[tokio::test]
async fn unreadable_ids_and_queries_are_4xx_pages_or_json_errors() {
    let app = spawn_app().await;
    let (en, _, _) = fixture(&app).await;
    let (fact, _) = wadi_conflict(&app, en.event_id);
    app.sign_in_as("reader1", "reviewer").await;
    let (a, e) = (en.article_id, en.event_id);
    let huge = "99999999999999999999";
    let cases: Vec<(String, u16)> = vec![
        // Ids in paths: not numbers, not positive, too large, unknown.
        ("/articles/abc".into(), 404),
        ("/articles/0".into(), 404),
        ("/articles/-1".into(), 404),
        (format!("/articles/{huge}"), 404),
        ("/articles/9223372036854775807".into(), 404),
        ("/articles/1.5".into(), 404),
        ("/articles/%FF".into(), 404),
        ("/articles/1%00".into(), 404),
        (format!("/articles/{a}/diff?from=x"), 400),
        (format!("/articles/{a}/diff?to=-2"), 400),
        (format!("/articles/{a}/diff?to=99"), 404),
        ("/articles/abc/diff".into(), 404),
        ("/events/abc".into(), 404),
        (format!("/events/{huge}"), 404),
        ("/events/999999".into(), 404),
        ("/conflicts/abc".into(), 404),
        ("/conflicts/999999".into(), 404),
        ("/events/abc/claimreview.json".into(), 404),
        ("/events/999999/claimreview.json".into(), 404),
        ("/api/articles/abc".into(), 404),
        (format!("/api/articles/{huge}"), 404),
        ("/api/articles/999999".into(), 404),
        (format!("/api/articles/{a}/versions/abc"), 404),
        (format!("/api/articles/{a}/versions/0"), 404),
        (format!("/api/articles/{a}/versions/{huge}"), 404),
        (format!("/api/articles/{a}/versions/99"), 404),
        ("/api/events/abc".into(), 404),
        ("/api/events/-4".into(), 404),
        ("/api/no/such/thing".into(), 404),
        // Numbers in query strings.
        (format!("/articles/{a}?version=abc"), 400),
        (format!("/articles/{a}?version=-1"), 400),
        (format!("/articles/{a}?version={huge}"), 400),
        (format!("/articles/{a}?version=2147483647"), 404),
        ("/api/events?page=0".into(), 400),
        ("/api/events?page=-1".into(), 400),
        // A page number past the last page (even one too large to hold) is an empty page.
        (format!("/api/events?page={huge}"), 200),
        ("/api/events?per_page=abc".into(), 400),
        ("/api/claims?event=abc".into(), 400),
        (format!("/api/claims?event={huge}"), 400),
        ("/api/claims?article=-3".into(), 400),
        ("/api/facts?from=2024-02-30".into(), 400),
        ("/api/facts?from=99999-01-01".into(), 400),
        ("/api/conflicts?from=2024-03-02&to=2024-03-01".into(), 400),
        ("/api/conflicts?status=%3Cscript%3E".into(), 400),
        ("/export/claims.csv?event=abc".into(), 400),
        (format!("/export/claims.csv?event={huge}"), 400),
        ("/export/claims.csv?from=2024-13-01".into(), 400),
        ("/export/claims.csv?from=-2024-01-01".into(), 400),
        ("/export/claims.csv?from=-100000-01-01".into(), 400),
        ("/export/events.csv?to=%2B200000-01-01".into(), 400),
        ("/api/claims?to=262143-12-31".into(), 400),
        ("/api/facts?from=10000-01-01".into(), 400),
        ("/export/events.csv?to=0000-00-00".into(), 400),
        ("/export/conflicts.csv?bom=perhaps".into(), 400),
        (
            "/export/claims.csv?measure=%27%3B%20DROP%20TABLE%20claims%3B%20--".into(),
            400,
        ),
        ("/conflicts?measure=nonsense".into(), 400),
        ("/conflicts?event=abc".into(), 400),
        ("/lexicon/subjects?lang=xx".into(), 400),
        ("/audit?id=abc".into(), 400),
        (format!("/audit?id={huge}"), 400),
        // Unknown ids in query strings find nothing.
        ("/export/claims.csv?event=999999".into(), 200),
        ("/api/claims?event=999999".into(), 200),
        // Lenient page numbers: anything unreadable is the first page.
        (format!("/?page={huge}"), 200),
        ("/?page=-3".into(), 200),
        (format!("/events?page={huge}"), 200),
        (format!("/search?q=killed&page={huge}"), 200),
        // Duplicated parameters.
        ("/?page=1&page=2".into(), 400),
        ("/search?q=a&q=b".into(), 400),
        (format!("/articles/{a}?version=1&version=2"), 400),
        ("/export/claims.csv?event=1&event=2".into(), 400),
        ("/api/events?page=1&page=2".into(), 400),
        ("/api/claims?measure=killed&measure=injured".into(), 400),
        ("/login?next=/a&next=/b".into(), 400),
        // Malformed query strings that still read as text.
        ("/search?q=%".into(), 200),
        ("/search?q=%ZZ&&&=&==".into(), 200),
        ("/api/events?&&&".into(), 200),
        // Not UTF-8, or NUL characters, anywhere in the query string.
        ("/search?q=%FF".into(), 400),
        ("/search?q=killed%00".into(), 400),
        ("/sources?q=%C3%28".into(), 400),
        ("/login?next=%00".into(), 400),
        ("/api/claims?source=%FF%FE".into(), 400),
        ("/api/events?x%00=1".into(), 400),
        ("/healthz?%FF".into(), 400),
        (format!("/events/{e}?notice=%00"), 400),
        (format!("/conflicts/{fact}?from=%E2%82"), 400),
    ];
    for (path, want) in &cases {
        get_expect(&app, path, *want).await;
    }
}

/// A form post: the path, its fields (the CSRF token is added), the status expected.
type FormCase<'a> = (String, Vec<(&'a str, &'a str)>, u16);

#[tokio::test]
async fn refused_reviewer_forms_change_nothing() {
    let app = small_app().await;
    let (en, _, _) = fixture(&app).await;
    let (fact, members) = wadi_conflict(&app, en.event_id);
    let claim = members[0].0;
    let source: i64 = {
        use claimdb::db::schema::sources;
        let mut conn = app.pool.get().unwrap();
        sources::table.select(sources::id).first(&mut conn).unwrap()
    };
    app.sign_in_as("reviewer1", "reviewer").await;
    let before = counts(&app);
    let (a, e) = (en.article_id, en.event_id);
    let huge = "99999999999999999999";
    let long_title = "t".repeat(600);
    let same_event = e.to_string();
    let cases: Vec<FormCase> = vec![
        // Events.
        ("/events/abc/rename".into(), vec![("title", "x")], 404),
        ("/events/0/rename".into(), vec![("title", "x")], 404),
        (format!("/events/{huge}/rename"), vec![("title", "x")], 404),
        (format!("/events/{e}/rename"), vec![("title", "")], 400),
        (
            format!("/events/{e}/rename"),
            vec![("title", &long_title)],
            400,
        ),
        (format!("/events/{e}/rename"), vec![("title", "a\0b")], 400),
        (format!("/events/{e}/merge"), vec![("other", "abc")], 400),
        (format!("/events/{e}/merge"), vec![("other", "-3")], 400),
        (format!("/events/{e}/merge"), vec![("other", huge)], 400),
        (
            format!("/events/{e}/merge"),
            vec![("other", &same_event)],
            400,
        ),
        (format!("/events/{e}/merge"), vec![("other", "999999")], 400),
        (format!("/events/{e}/split"), vec![("article", "abc")], 400),
        (
            format!("/events/{e}/split"),
            vec![("article", "999999")],
            400,
        ),
        (format!("/events/{e}/split"), vec![], 400),
        (format!("/articles/{a}/move"), vec![("event", "abc")], 400),
        (
            format!("/articles/{a}/move"),
            vec![("event", "999999")],
            400,
        ),
        ("/articles/abc/move".into(), vec![("event", "1")], 404),
        // Claims.
        ("/claims/abc/confirm".into(), vec![], 404),
        ("/claims/999999/confirm".into(), vec![], 404),
        ("/claims/-1/reject".into(), vec![], 404),
        (format!("/claims/{huge}/reject"), vec![], 404),
        (
            format!("/claims/{claim}/edit"),
            vec![
                ("value", huge),
                ("measure", "killed"),
                ("group", "civilians"),
                ("qualifier", "exact"),
            ],
            400,
        ),
        (
            format!("/claims/{claim}/edit"),
            vec![
                ("value", "-5"),
                ("measure", "killed"),
                ("group", "civilians"),
                ("qualifier", "exact"),
            ],
            400,
        ),
        (
            format!("/claims/{claim}/edit"),
            vec![
                ("value", "abc"),
                ("measure", "killed"),
                ("group", "civilians"),
                ("qualifier", "exact"),
            ],
            400,
        ),
        (
            format!("/claims/{claim}/edit"),
            vec![
                ("value", "5"),
                ("measure", "<script>"),
                ("group", "civilians"),
                ("qualifier", "exact"),
            ],
            400,
        ),
        (
            format!("/claims/{claim}/edit"),
            vec![
                ("value", "5"),
                ("measure", "killed"),
                ("group", "civilians"),
                ("qualifier", "roughly"),
            ],
            400,
        ),
        (
            format!("/claims/{claim}/edit"),
            vec![
                ("value", "5"),
                ("value_max", "3"),
                ("measure", "killed"),
                ("group", "civilians"),
                ("qualifier", "exact"),
            ],
            400,
        ),
        (
            format!("/articles/{a}/versions/abc/claims"),
            vec![("value", "3")],
            400,
        ),
        (
            format!("/articles/{a}/versions/99/claims"),
            vec![
                ("value", "3"),
                ("figure", "15"),
                ("measure", "killed"),
                ("group", "civilians"),
                ("qualifier", "exact"),
            ],
            404,
        ),
        (
            format!("/articles/{a}/versions/1/claims"),
            vec![
                ("value", "3"),
                ("figure", "not in the text"),
                ("measure", "killed"),
                ("group", "civilians"),
                ("qualifier", "exact"),
            ],
            400,
        ),
        (
            format!("/articles/{a}/versions/{huge}/reextract"),
            vec![],
            400,
        ),
        // Conflicts.
        (
            "/conflicts/abc/status".into(),
            vec![("status", "resolved")],
            404,
        ),
        (
            format!("/conflicts/{fact}/status"),
            vec![("status", "bogus")],
            400,
        ),
        (
            format!("/conflicts/{fact}/status"),
            vec![("status", "resolved"), ("note", "")],
            400,
        ),
        (
            format!("/conflicts/{fact}/status"),
            vec![("status", "resolved"), ("note", "n"), ("preferred", "abc")],
            400,
        ),
        (
            format!("/conflicts/{fact}/status"),
            vec![
                ("status", "resolved"),
                ("note", "n"),
                ("preferred", "999999"),
            ],
            400,
        ),
        (
            format!("/conflicts/{fact}/status"),
            vec![
                ("status", "resolved"),
                ("note", "n"),
                ("review_version", "abc"),
            ],
            400,
        ),
        (
            format!("/conflicts/{fact}/explain"),
            vec![("claim", "abc"), ("reason", "r")],
            400,
        ),
        (
            format!("/conflicts/{fact}/explain"),
            vec![("claim", "999999"), ("reason", "r")],
            400,
        ),
        // Sources and lexicons.
        ("/sources/abc".into(), vec![("grade", "A")], 404),
        (format!("/sources/{source}"), vec![("grade", "bogus")], 400),
        (
            "/lexicon/subjects".into(),
            vec![("alias", ""), ("lang", "en"), ("group", "civilians")],
            400,
        ),
        (
            "/lexicon/subjects".into(),
            vec![("alias", "x"), ("lang", "zz"), ("group", "civilians")],
            400,
        ),
        (
            "/lexicon/subjects".into(),
            vec![("alias", "x"), ("lang", "en"), ("group", "<script>")],
            400,
        ),
        ("/lexicon/subjects/abc/delete".into(), vec![], 404),
        ("/lexicon/subjects/999999/delete".into(), vec![], 404),
        (
            "/lexicon/places".into(),
            vec![("alias", "x"), ("lang", "en"), ("place", "")],
            400,
        ),
        (
            "/lexicon/places".into(),
            vec![
                ("alias", "x"),
                ("lang", "en"),
                ("place", "sy.x"),
                ("level", "galaxy"),
            ],
            400,
        ),
        ("/lexicon/places/999999/delete".into(), vec![], 404),
        // Administrators only.
        (
            "/admin/users".into(),
            vec![("username", "x"), ("password", "p"), ("role", "admin")],
            403,
        ),
        ("/admin/users/abc".into(), vec![("action", "admin")], 403),
        // Sign-in with bad input.
        (
            "/login".into(),
            vec![("username", "a\0b"), ("password", "x")],
            400,
        ),
    ];
    for (path, fields, want) in &cases {
        let response = app.post_form(path, fields).await;
        let status = response.status().as_u16();
        let kind = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        let text = response.text().await.unwrap();
        assert_eq!(status, *want, "POST {path} {fields:?}: {}", excerpt(&text));
        assert_answer_kind(path, &kind, &text, status, &format!("{fields:?}"));
        assert_eq!(counts(&app), before, "after POST {path} {fields:?}");
    }
    // Over the limit, invalid UTF-8 and binary bodies, on forms other than the article's.
    let token = app.csrf().await;
    let big = form_with(
        &token,
        format!("title={}", "x".repeat(300 * 1024)).as_bytes(),
    );
    for (path, bytes, want) in [
        (format!("/events/{e}/rename"), big.clone(), 413),
        (format!("/events/{e}/split"), big.clone(), 413),
        (
            format!("/events/{e}/split"),
            form_with(&token, &[b'a'; 100 * 1024]),
            413,
        ),
        ("/login".to_string(), big, 413),
        (
            format!("/sources/{source}"),
            form_with(&token, b"aliases=%FF"),
            400,
        ),
        (format!("/conflicts/{fact}/status"), binary(4096), 400),
    ] {
        let name = path.clone();
        send(&app, &path, body("a bad body", FORM, bytes, want)).await;
        assert_eq!(counts(&app), before, "after POST {name}");
    }
}

/// Markup that must never come back unescaped.
const SCRIPT: &str = "<script>alert(1)</script>";
const BREAKOUT: &str = "\"><img src=x onerror=alert(1)>";

/// Fails if `html` contains `SCRIPT` or `BREAKOUT` (or their working parts) unescaped.
fn assert_escaped(html: &str, what: &str) {
    for raw in [
        SCRIPT,
        BREAKOUT,
        "<script>alert",
        "<img src=x",
        "\"><img",
        "'><img",
    ] {
        assert!(!html.contains(raw), "{what}: {raw:?} unescaped");
    }
}

#[tokio::test]
async fn markup_comes_back_escaped_in_every_page_and_intact_in_exports() {
    let app = spawn_app().await;
    let (en, _, _) = fixture(&app).await;
    app.sign_in_as("admin1", "admin").await;
    let text = format!(
        "{SCRIPT} Shelling kills 15 {BREAKOUT}\n\nAt least 15 civilians were killed in Wadi \
         al-Zein in Hama province on Tuesday, {SCRIPT} said. {BREAKOUT} reported 12 civilians \
         killed, according to '><img src=x onerror=alert(2)>."
    );
    let posted = app
        .post_article_form(&[
            ("text", &text),
            ("title", &format!("{SCRIPT}{BREAKOUT}")),
            ("outlet", BREAKOUT),
            (
                "url",
                &format!("https://evil.example/a?q={BREAKOUT}{SCRIPT}"),
            ),
            ("published", "2024-03-12"),
        ])
        .await;
    assert_eq!(posted.status().as_u16(), 303);
    let location = posted.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = location
        .trim_start_matches("/articles/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let article = app.get_json(&format!("/api/articles/{id}")).await;
    assert_eq!(article["text"], text.as_str(), "stored faithfully");
    assert_eq!(article["title"], format!("{SCRIPT}{BREAKOUT}").as_str());
    assert_eq!(article["outlet"], BREAKOUT);
    let event = article["event_id"].as_i64().unwrap();
    // A second version, for the diff page.
    let posted = app
        .post_article_form(&[
            ("text", &format!("{text}\n{BREAKOUT} updated: 16 killed.")),
            (
                "url",
                &format!("https://evil.example/a?q={BREAKOUT}{SCRIPT}"),
            ),
        ])
        .await;
    assert_eq!(posted.status().as_u16(), 303);
    // Reviewer text: an event title, a source alias, a subject alias, a verdict note.
    let rename = app
        .post_form(
            &format!("/events/{event}/rename"),
            &[("title", &format!("{SCRIPT}{BREAKOUT}"))],
        )
        .await;
    assert_eq!(rename.status().as_u16(), 303);
    let source: i64 = {
        use claimdb::db::schema::sources;
        let mut conn = app.pool.get().unwrap();
        sources::table.select(sources::id).first(&mut conn).unwrap()
    };
    let aliased = app
        .post_form(
            &format!("/sources/{source}"),
            &[
                ("grade", "fair"),
                ("aliases", &format!("{SCRIPT}\n{BREAKOUT}")),
            ],
        )
        .await;
    assert_eq!(aliased.status().as_u16(), 303);
    let subject = app
        .post_form(
            "/lexicon/subjects",
            &[("alias", SCRIPT), ("lang", "en"), ("group", "civilians")],
        )
        .await;
    assert_eq!(subject.status().as_u16(), 303);
    let (fact, _) = wadi_conflict(&app, en.event_id);
    let verdict = app
        .post_form(
            &format!("/conflicts/{fact}/status"),
            &[
                ("status", "resolved"),
                ("note", &format!("{SCRIPT}{BREAKOUT}</script>")),
            ],
        )
        .await;
    assert_eq!(
        verdict.status().as_u16(),
        303,
        "{}",
        verdict.text().await.unwrap()
    );

    let q = percent_encode(&format!("{SCRIPT}{BREAKOUT}"));
    let pages = [
        "/".to_string(),
        "/articles/new".to_string(),
        format!("/articles/{id}"),
        format!("/articles/{id}?version=1"),
        format!("/articles/{id}/diff"),
        "/events".to_string(),
        format!("/events/{event}"),
        format!("/events/{}", en.event_id),
        "/conflicts".to_string(),
        format!("/conflicts/{fact}"),
        "/sources".to_string(),
        format!("/sources?q={q}"),
        "/lexicon/subjects".to_string(),
        "/audit".to_string(),
        format!("/search?q={q}"),
        "/search?q=shelling".to_string(),
        format!("/login?next={q}"),
    ];
    for path in &pages {
        let html = get_expect(&app, path, 200).await;
        assert_escaped(&html, path);
    }
    // What the pages must actually show (escaped), so the checks above saw the text.
    let article_page = get_expect(&app, &format!("/articles/{id}"), 200).await;
    assert!(article_page.contains("&#60;script&#62;alert("));
    assert!(article_page.contains("&#34;&#62;&#60;img src=x onerror=alert(1)&#62;"));
    // Error pages that repeat what was asked.
    let error_pages = [
        (format!("/export/claims.csv?measure={q}"), 400),
        (format!("/conflicts?measure={q}"), 400),
        (format!("/conflicts?status={q}"), 400),
        (format!("/lexicon/subjects?group={q}"), 400),
        (format!("/lexicon/places?place={q}"), 400),
        (format!("/{q}"), 404),
        (format!("/articles/{q}"), 404),
        (format!("/articles/{id}?version={q}"), 400),
    ];
    for (path, want) in &error_pages {
        let html = get_expect(&app, path, *want).await;
        assert_escaped(&html, path);
    }
    // A failed sign-in shows the name typed, escaped (a visitor of its own, not signed in).
    let visitor = TestApp {
        address: app.address.clone(),
        pool: app.pool.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap(),
    };
    let failed = visitor
        .post_form(
            "/login",
            &[
                ("username", BREAKOUT),
                ("password", SCRIPT),
                ("next", BREAKOUT),
            ],
        )
        .await;
    assert_eq!(failed.status().as_u16(), 401);
    assert_escaped(&failed.text().await.unwrap(), "a failed sign-in");
    // JSON keeps the text as it is (JSON is not HTML, and is served as JSON with nosniff).
    let events = app.get_json("/api/events").await;
    assert!(events
        .to_string()
        .contains("\\\"><img src=x onerror=alert(1)>"));
    // The CSV exports hold the text intact, properly quoted.
    for export in [
        "/export/claims.csv",
        "/export/events.csv",
        "/export/conflicts.csv",
    ] {
        let response = app.get(export).await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert!(response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
        let bytes = response.bytes().await.unwrap();
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let cells: Vec<String> = reader
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
        assert!(
            cells
                .iter()
                .any(|c| c.contains(BREAKOUT) || c.contains(SCRIPT)),
            "{export}: the markup is not in any cell"
        );
    }
}

#[tokio::test]
async fn sql_metacharacters_are_stored_literally() {
    let app = spawn_app().await;
    let drop_articles = "'; DROP TABLE articles; --";
    let drop_claims = "Robert'); DROP TABLE claims;--";
    let text = format!(
        "{drop_articles} shelling\n\nAt least 15 civilians were killed in Wadi al-Zein on \
         Tuesday, {drop_claims} said. 1' OR '1'='1 \\\\ %_ $1 ::text"
    );
    let response = app
        .post_article_json(&json!({
            "text": text,
            "title": drop_articles,
            "outlet": drop_claims,
            "url": "https://x.example/a?id=1%27%20OR%20%271%27=%271",
        }))
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let created: Value = response.json().await.unwrap();
    let id = created["article_id"].as_i64().unwrap();
    let article = app.get_json(&format!("/api/articles/{id}")).await;
    assert_eq!(article["text"], text.as_str());
    assert_eq!(article["title"], drop_articles);
    assert_eq!(article["outlet"], drop_claims);
    let event = article["event_id"].as_i64().unwrap();
    // Searches, filters and a rename with the same text.
    for path in [
        format!("/search?q={}", percent_encode(drop_articles)),
        format!("/sources?q={}", percent_encode(drop_claims)),
        format!("/export/claims.csv?source={}", percent_encode(drop_claims)),
        format!("/api/claims?source={}", percent_encode("%' OR 1=1 --")),
        format!("/audit?entity={}", percent_encode(drop_articles)),
    ] {
        let response = app.get(&path).await;
        assert!(
            response.status().as_u16() < 500,
            "GET {path}: {}",
            response.status()
        );
    }
    let hits = app
        .get(&format!("/search?q={}", percent_encode("DROP TABLE")))
        .await;
    assert_eq!(hits.status().as_u16(), 200);
    assert!(hits
        .text()
        .await
        .unwrap()
        .contains(&format!("/articles/{id}")));
    app.sign_in_as("reviewer1", "reviewer").await;
    let rename = app
        .post_form(
            &format!("/events/{event}/rename"),
            &[("title", drop_articles)],
        )
        .await;
    assert_eq!(rename.status().as_u16(), 303);
    let renamed = app.get_json(&format!("/api/events/{event}")).await;
    assert_eq!(renamed["title"], drop_articles);
    // Every table is still there, with its rows.
    let after = counts(&app);
    assert!(after.iter().all(|(_, n)| *n >= 0));
    assert_eq!(after[0], ("articles", 1));
}

#[tokio::test]
async fn a_one_megabyte_single_line_is_stored_whole() {
    let app = spawn_app().await;
    let line = |lead: &str| {
        let mut s = format!("{lead}: at least 15 civilians were killed on Tuesday. ");
        while s.len() < 1024 * 1024 {
            s.push_str("the market town lies in the plain north of the river ");
        }
        s
    };
    let json_line = line("Report");
    let response = app
        .post_article_json(&json!({"text": json_line, "url": "https://one.example/line"}))
        .await;
    assert_eq!(response.status().as_u16(), 201);
    let created: Value = response.json().await.unwrap();
    let article = app
        .get_json(&format!("/api/articles/{}", created["article_id"]))
        .await;
    assert_eq!(article["text"].as_str().unwrap().len(), json_line.len());
    assert_eq!(article["text"], json_line.as_str());

    let form_line = line("Dispatch");
    let response = app
        .post_article_form(&[("text", &form_line), ("url", "https://two.example/line")])
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let id = location
        .trim_start_matches("/articles/")
        .split('?')
        .next()
        .unwrap();
    let article = app.get_json(&format!("/api/articles/{id}")).await;
    assert_eq!(article["text"], form_line.as_str());
    let page = app.get(&location).await;
    assert_eq!(page.status().as_u16(), 200);
}
