//! Events and conflicts: the event list, the comparison page, the conflict list and its filters,
//! the CSV exports, and the reviewer's edits (rename, merge, split, move).

use diesel::prelude::*;

use crate::helpers::{spawn_app, TestApp};
use crate::wadi::{page, post, wadi_pair};

/// Another incident, far away.
const EN_BEIRUT: &str = "Police arrest 27 at Beirut fuel protest\n\nBEIRUT (Cedar Daily) — Lebanese police arrested 27 protesters on Saturday as about 3,000 people marched on parliament in Beirut over fuel prices, the Internal Security Forces said.";

/// POSTs a reviewer form: signs in as a reviewer first (once) and adds the CSRF token.
async fn post_form(app: &TestApp, path: &str, fields: &[(&str, String)]) -> reqwest::Response {
    let home = app.get("/").await.text().await.unwrap();
    if !home.contains("Sign out") {
        app.sign_in_as("editor", "reviewer").await;
    }
    let token = app.csrf().await;
    let mut all: Vec<(&str, String)> = fields.to_vec();
    all.push(("csrf", token));
    app.client
        .post(app.url(path))
        .form(&all)
        .send()
        .await
        .expect("request failed")
}

#[tokio::test]
async fn event_edits_need_a_signed_in_reviewer_and_a_csrf_token() {
    let app = spawn_app().await;
    let (en, _) = wadi_pair(&app).await;
    let path = format!("/events/{}/rename", en.event_id);
    let anonymous = app.post_form(&path, &[("title", "Anonymous rename")]).await;
    app.sign_in_as("checker", "reviewer").await;
    let without_token = app
        .post_form_raw(&path, &[("title", "Tokenless rename")])
        .await;
    let (_, html) = page(&app, &format!("/events/{}", en.event_id)).await;

    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(without_token.status().as_u16(), 403);
    assert!(!html.contains("Anonymous rename") && !html.contains("Tokenless rename"));
    assert!(audit_rows(&app).iter().all(|row| row.0 != "rename"));
}

/// The id of the reviewer `post_form` signs in as.
fn reviewer_id(app: &TestApp) -> i64 {
    use claimdb::db::schema::users;
    let mut conn = app.pool.get().unwrap();
    users::table
        .filter(users::username.eq("editor"))
        .select(users::id)
        .first(&mut conn)
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Audit rows: (action, entity, entity_id, user_id).
fn audit_rows(app: &TestApp) -> Vec<(String, String, Option<i64>, Option<i64>)> {
    use claimdb::db::schema::audit_log;
    let mut conn = app.pool.get().unwrap();
    // Sign-ins are audited too; these tests are about event edits.
    audit_log::table
        .filter(audit_log::entity.ne("user"))
        .select((
            audit_log::action,
            audit_log::entity,
            audit_log::entity_id,
            audit_log::user_id,
        ))
        .order(audit_log::id)
        .load(&mut conn)
        .unwrap()
}

/// A label missing from a message file shows as its key (`events.title`); none may.
fn assert_labels_present(html: &str) {
    let body = html.split("</style>").last().unwrap_or(html);
    for prefix in [
        "events.",
        "conflicts.",
        "export.",
        "role.",
        "status.",
        "measure.",
    ] {
        for (i, _) in body.match_indices(prefix) {
            let rest = &body[i + prefix.len()..];
            let key: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            assert!(
                key.is_empty() || key == "csv",
                "missing label {prefix}{key}"
            );
        }
    }
}

fn event_exists(app: &TestApp, id: i64) -> bool {
    use claimdb::db::schema::events;
    let mut conn = app.pool.get().unwrap();
    events::table
        .find(id)
        .select(events::id)
        .first::<i64>(&mut conn)
        .optional()
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn english_and_arabic_reports_of_one_shelling_are_one_event_with_a_conflict() {
    let app = spawn_app().await;
    let (en, ar) = wadi_pair(&app).await;
    assert_eq!(en.event_id, ar.event_id, "both articles in one event");

    let (status, html) = page(&app, &format!("/events/{}", en.event_id)).await;
    assert_eq!(status, 200);
    // Both figures, side by side, with the conflict badge and the chart.
    assert!(html.contains(">≥15</text>"), "at least 15 in the chart");
    assert!(html.contains(">17</text>"), "17 in the chart");
    assert!(html.contains("<bdi>15</bdi>") && html.contains("<bdi>17</bdi>"));
    assert!(html.contains("class=\"badge conflict\""), "conflict badge");
    assert!(html.contains("<svg class=\"chart\" direction=\"ltr\""));
    assert!(html.contains("class=\"bar disputed\""), "disputed bars");
    assert!(
        html.contains("<polyline class=\"arrow\""),
        "at least 15 has an open arrow"
    );
    // Quotes link to the claim in the right version of the article.
    assert!(html.contains(&format!("/articles/{}?version=1#claim-", ar.article_id)));
    assert!(html.contains("الدفاع المدني"), "the Arabic source");
    assert!(html.contains("Levant Wire"), "the outlet");
    // The event's articles.
    assert!(html.contains(&format!("/articles/{}?version=1\"", en.article_id)));
    assert!(html.contains("وادي الزين"));

    // The same page in Arabic.
    let response = app.get_in(&format!("/events/{}", en.event_id), "ar").await;
    assert_eq!(response.status().as_u16(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("dir=\"rtl\""));
    assert!(html.contains("تعارض"), "the conflict badge in Arabic");
    assert!(
        html.contains("direction=\"ltr\""),
        "the chart stays left to right"
    );
    assert_labels_present(&html);
    for path in ["/events", "/conflicts", "/conflicts?status=open"] {
        for lang in ["en", "ar"] {
            let response = app.get_in(path, lang).await;
            assert_eq!(response.status().as_u16(), 200);
            assert_labels_present(&response.text().await.unwrap());
        }
    }
}

#[tokio::test]
async fn the_event_list_shows_counts_and_an_empty_state() {
    let app = spawn_app().await;
    let (_, html) = page(&app, "/events").await;
    assert!(html.contains("class=\"empty\""), "empty state");

    let (en, _) = wadi_pair(&app).await;
    let (status, html) = page(&app, "/events").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("href=\"/events/{}\"", en.event_id)));
    assert!(
        html.contains("<td class=\"num\">2</td>"),
        "two articles: {html}"
    );
    assert!(
        html.contains(&format!("/conflicts?event={}&amp;status=open", en.event_id)),
        "a link to its open conflicts"
    );
    let (_, html) = page(&app, "/events?page=2").await;
    assert!(html.contains("class=\"empty\""));
    let (_, html) = page(&app, "/").await;
    assert!(html.contains("href=\"/events\"") && html.contains("href=\"/conflicts\""));
}

#[tokio::test]
async fn conflicts_can_be_filtered_and_bad_filters_are_400() {
    let app = spawn_app().await;
    let (en, _) = wadi_pair(&app).await;

    let (status, html) = page(&app, "/conflicts").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/events/{}#fact-", en.event_id)));

    let (status, html) = page(
        &app,
        "/conflicts?measure=killed&status=open&group=civilians",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/events/{}#fact-", en.event_id)));
    assert!(html.contains("<option value=\"killed\" selected>"));

    let (status, html) = page(&app, "/conflicts?measure=displaced").await;
    assert_eq!(status, 200);
    assert!(html.contains("class=\"empty\""));
    let (_, html) = page(&app, "/conflicts?status=resolved").await;
    assert!(html.contains("class=\"empty\""));
    let (_, html) = page(&app, &format!("/conflicts?event={}", en.event_id + 1000)).await;
    assert!(html.contains("class=\"empty\""));

    for bad in [
        "/conflicts?status=closed",
        "/conflicts?measure=eaten",
        "/conflicts?group=%3Cscript%3E",
        "/conflicts?event=abc",
        "/export/conflicts.csv?status=closed",
    ] {
        let (status, html) = page(&app, bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(!html.contains("<script>"), "{bad}");
    }
    let (_, html) = page(&app, "/conflicts?status=closed").await;
    assert!(html.contains("open, resolved or unresolvable"));
}

#[tokio::test]
async fn the_conflicts_csv_has_the_contract_columns_and_one_row_per_member() {
    let app = spawn_app().await;
    let (en, _) = wadi_pair(&app).await;

    let response = app.get("/export/conflicts.csv").await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"conflicts.csv\""
    );
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert!(body.starts_with("conflict_id,event_id,event_title,measure,group,value,"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();

    // One row per member of each conflict: as many rows as fact_members of conflicting facts.
    let members: i64 = {
        use claimdb::db::schema::{fact_members, facts};
        let mut conn = app.pool.get().unwrap();
        fact_members::table
            .inner_join(facts::table)
            .filter(facts::is_conflict.eq(true))
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(rows.len() as i64, members);
    let values: Vec<&str> = rows
        .iter()
        .filter(|r| &r[col("measure")] == "killed" && &r[col("group")] == "civilians")
        .map(|r| r.get(col("value")).unwrap())
        .collect();
    assert!(
        values.contains(&"15") && values.contains(&"17"),
        "{values:?}"
    );
    assert!(rows
        .iter()
        .all(|r| r[col("event_id")] == en.event_id.to_string()));

    // Filters apply; an empty result still has the header.
    let body = app
        .get("/export/conflicts.csv?measure=displaced")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(body.lines().count(), 1);
    assert!(body.starts_with("conflict_id,event_id,event_title,measure,group,value,"));

    // One row per fact (tests/api/exports.rs checks the columns).
    let response = app.get("/export/events.csv").await;
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(body.starts_with("event_id,event_title,place,date_from,date_to,fact_id,"));
    let facts: i64 = {
        use claimdb::db::schema::facts;
        let mut conn = app.pool.get().unwrap();
        facts::table.count().get_result(&mut conn).unwrap()
    };
    assert_eq!(body.lines().count() as i64, 1 + facts);
    let body = app.get("/export/claims.csv").await.text().await.unwrap();
    assert!(body.starts_with("claim_id,article_id,version,event_id,"));
    assert!(body.lines().count() > 3);
}

#[tokio::test]
async fn renaming_an_event_changes_its_pages_escapes_the_title_and_is_audited() {
    let app = spawn_app().await;
    let (en, _) = wadi_pair(&app).await;
    let path = format!("/events/{}/rename", en.event_id);

    let title = "<script>alert(1)</script> Wadi al-Zein market";
    let response = post_form(&app, &path, &[("title", title.to_string())]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/events/{}?notice=renamed", en.event_id)
    );
    for p in [format!("/events/{}", en.event_id), "/events".to_string()] {
        let (_, html) = page(&app, &p).await;
        assert!(!html.contains("<script>alert(1)"), "{p} is escaped");
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62; Wadi al-Zein market"));
    }
    let audit = audit_rows(&app);
    assert_eq!(
        audit.last().unwrap(),
        &(
            "rename".to_string(),
            "event".to_string(),
            Some(en.event_id),
            Some(reviewer_id(&app))
        )
    );

    // Validation: blank and over-long titles are refused, nothing changes.
    for bad in ["   ".to_string(), "x".repeat(501)] {
        let response = post_form(&app, &path, &[("title", bad)]).await;
        assert_eq!(response.status().as_u16(), 400);
    }
    let response = post_form(&app, "/events/999999/rename", &[("title", "x".into())]).await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(audit_rows(&app).len(), 1);
}

#[tokio::test]
async fn merging_moves_the_articles_and_deletes_the_other_event() {
    let app = spawn_app().await;
    let (en, _) = wadi_pair(&app).await;
    let beirut = post(
        &app,
        EN_BEIRUT,
        "https://cedar.example/fuel",
        "Cedar Daily",
        "2024-03-16",
    )
    .await;
    assert_ne!(
        beirut.event_id, en.event_id,
        "another incident, another event"
    );

    let path = format!("/events/{}/merge", en.event_id);
    let response = post_form(&app, &path, &[("other", en.event_id.to_string())]).await;
    assert_eq!(response.status().as_u16(), 400, "not into itself");
    let response = post_form(&app, &path, &[("other", "999999".into())]).await;
    assert_eq!(response.status().as_u16(), 400, "no such event");
    let response = post_form(&app, &path, &[("other", "twelve".into())]).await;
    assert_eq!(response.status().as_u16(), 400);

    let response = post_form(&app, &path, &[("other", beirut.event_id.to_string())]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/events/{}?notice=merged", en.event_id)
    );
    assert!(!event_exists(&app, beirut.event_id));
    let (status, _) = page(&app, &format!("/events/{}", beirut.event_id)).await;
    assert_eq!(status, 404);
    let (_, html) = page(&app, &format!("/events/{}?notice=merged", en.event_id)).await;
    assert!(html.contains(&format!("/articles/{}?version=1\"", beirut.article_id)));
    assert!(html.contains("class=\"notice\""));
    let article = app
        .get_json(&format!("/api/articles/{}", beirut.article_id))
        .await;
    assert_eq!(article["event_id"], en.event_id);
    // The protest figures are now facts of this event.
    assert!(html.contains("captured"), "the arrests are linked here");
    let audit = audit_rows(&app);
    assert_eq!(
        audit.last().unwrap(),
        &(
            "merge".to_string(),
            "event".to_string(),
            Some(en.event_id),
            Some(reviewer_id(&app))
        )
    );
}

#[tokio::test]
async fn splitting_and_moving_articles_change_both_events() {
    let app = spawn_app().await;
    let (en, ar) = wadi_pair(&app).await;
    let event = en.event_id;
    let split = format!("/events/{event}/split");

    // Refusals: nothing ticked, every article ticked, an article of another event.
    let response = post_form(&app, &split, &[]).await;
    assert_eq!(response.status().as_u16(), 400);
    let all = [
        ("article", en.article_id.to_string()),
        ("article", ar.article_id.to_string()),
    ];
    assert_eq!(post_form(&app, &split, &all).await.status().as_u16(), 400);
    let response = post_form(&app, &split, &[("article", "999999".into())]).await;
    assert_eq!(response.status().as_u16(), 400);

    // Split the Arabic article off.
    let response = post_form(&app, &split, &[("article", ar.article_id.to_string())]).await;
    assert_eq!(response.status().as_u16(), 303);
    let to = location(&response);
    assert!(
        to.starts_with(&format!("/events/{event}?notice=split&new=")),
        "{to}"
    );
    let new_event: i64 = to.rsplit('=').next().unwrap().parse().unwrap();
    assert_ne!(new_event, event);
    let article = app
        .get_json(&format!("/api/articles/{}", ar.article_id))
        .await;
    assert_eq!(article["event_id"], new_event);
    let (_, html) = page(&app, &format!("/events/{event}")).await;
    assert!(!html.contains(&format!("/articles/{}?version=1\"", ar.article_id)));
    assert!(
        !html.contains("الدفاع المدني"),
        "the Arabic figures left with it"
    );
    let (_, html) = page(&app, &format!("/events/{new_event}")).await;
    assert!(html.contains(&format!("/articles/{}?version=1\"", ar.article_id)));
    assert!(
        html.contains("قصف مدفعي على سوق وادي الزين"),
        "titled from the article"
    );
    assert!(html.contains("الدفاع المدني"));

    // Move it back: the emptied event is deleted and the answer is the event it joined.
    let response = post_form(
        &app,
        &format!("/articles/{}/move", ar.article_id),
        &[("event", event.to_string())],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), format!("/events/{event}?notice=moved"));
    assert!(!event_exists(&app, new_event));
    let (_, html) = page(&app, &format!("/events/{event}")).await;
    assert!(html.contains("الدفاع المدني"));
    assert!(
        html.contains("class=\"badge conflict\""),
        "the conflict is back"
    );

    // Moving to the same event or to no event is refused.
    let move_path = format!("/articles/{}/move", ar.article_id);
    let response = post_form(&app, &move_path, &[("event", event.to_string())]).await;
    assert_eq!(response.status().as_u16(), 400);
    let response = post_form(&app, &move_path, &[("event", "999999".into())]).await;
    assert_eq!(response.status().as_u16(), 400);
    let response = post_form(
        &app,
        "/articles/999999/move",
        &[("event", event.to_string())],
    )
    .await;
    assert_eq!(response.status().as_u16(), 404);

    let audit = audit_rows(&app);
    let actions: Vec<(&str, &str, Option<i64>)> = audit
        .iter()
        .map(|(a, e, id, _)| (a.as_str(), e.as_str(), *id))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("split", "event", Some(event)),
            ("move", "article", Some(ar.article_id)),
        ]
    );
}

#[tokio::test]
async fn moving_an_article_out_keeps_a_non_empty_event_and_returns_to_it() {
    let app = spawn_app().await;
    let (en, ar) = wadi_pair(&app).await;
    let beirut = post(
        &app,
        EN_BEIRUT,
        "https://cedar.example/fuel",
        "Cedar Daily",
        "2024-03-16",
    )
    .await;
    let response = post_form(
        &app,
        &format!("/articles/{}/move", ar.article_id),
        &[("event", beirut.event_id.to_string())],
    )
    .await;
    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(
        location(&response),
        format!("/events/{}?notice=moved", en.event_id)
    );
    assert!(event_exists(&app, en.event_id));
    let (_, html) = page(&app, &format!("/events/{}", beirut.event_id)).await;
    assert!(html.contains("الدفاع المدني"), "the figures moved along");
    let (_, html) = page(&app, &format!("/events/{}", en.event_id)).await;
    assert!(!html.contains("الدفاع المدني"));
    assert!(html.contains("Levant Wire"));
}
