//! Concurrency: many submissions of one article at once, through the JSON API, store it once and
//! number its versions without gaps; two reviewers editing one conflict never lose an update
//! (optimistic locking on the fact's `review_version`: the later form gets 409).

use diesel::prelude::*;
use futures::future::join_all;
use serde_json::{json, Value};

use claimdb::db::schema::{article_versions, articles, audit_log, claims, facts, users};

use crate::helpers::{spawn_app, TestApp};
use crate::wadi::{page, wadi_pair};

const N: usize = 50;

/// A short report whose figures depend on `n`, so that every `n` is a different text.
fn report(n: usize) -> String {
    format!(
        "Shelling kills civilians in Wadi al-Zein\n\nAt least {} civilians were killed and {} \
         wounded when shells struck the market of Wadi al-Zein in northern Hama province on \
         Tuesday, local medics said.",
        n + 3,
        n + 20
    )
}

/// Posts every body at once; returns (status, JSON answer) in the order given.
async fn post_all(app: &TestApp, bodies: Vec<Value>) -> Vec<(u16, Value)> {
    join_all(bodies.iter().map(|body| async move {
        let response = app.post_article_json(body).await;
        let status = response.status().as_u16();
        (
            status,
            response.json::<Value>().await.unwrap_or(Value::Null),
        )
    }))
    .await
}

fn assert_all_2xx(answers: &[(u16, Value)]) {
    for (status, body) in answers {
        assert!((200..300).contains(status), "{status}: {body}");
    }
}

fn count_status(answers: &[(u16, Value)], status: &str) -> usize {
    answers
        .iter()
        .filter(|(_, b)| b["status"] == status)
        .count()
}

/// (number, content hash, claims) of each version of `article_id`, by number.
fn versions_of(app: &TestApp, article_id: i64) -> Vec<(i32, String, i64)> {
    let mut conn = app.pool.get().unwrap();
    let rows: Vec<(i64, i32, String)> = article_versions::table
        .filter(article_versions::article_id.eq(article_id))
        .order(article_versions::number)
        .select((
            article_versions::id,
            article_versions::number,
            article_versions::content_hash,
        ))
        .load(&mut conn)
        .unwrap();
    rows.into_iter()
        .map(|(id, number, hash)| {
            let n: i64 = claims::table
                .filter(claims::article_version_id.eq(id))
                .count()
                .get_result(&mut conn)
                .unwrap();
            (number, hash, n)
        })
        .collect()
}

fn table_counts(app: &TestApp) -> (i64, i64) {
    let mut conn = app.pool.get().unwrap();
    (
        articles::table.count().get_result(&mut conn).unwrap(),
        article_versions::table
            .count()
            .get_result(&mut conn)
            .unwrap(),
    )
}

#[tokio::test]
async fn fifty_concurrent_submissions_of_one_url_and_text_store_one_version() {
    let app = spawn_app().await;
    let body = json!({
        "text": report(1),
        "url": "https://levantwire.example/same",
        "outlet": "Levant Wire",
        "published": "2024-03-12",
    });

    let answers = post_all(&app, vec![body; N]).await;

    assert_all_2xx(&answers);
    assert_eq!(count_status(&answers, "new_article"), 1, "{answers:?}");
    assert_eq!(count_status(&answers, "unchanged"), N - 1);
    let article = answers[0].1["article_id"].as_i64().unwrap();
    assert!(answers.iter().all(|(_, b)| b["article_id"] == article));
    assert!(answers.iter().all(|(_, b)| b["version"] == 1));
    assert_eq!(table_counts(&app), (1, 1));
    let versions = versions_of(&app, article);
    let created = answers
        .iter()
        .find(|(_, b)| b["status"] == "new_article")
        .unwrap();
    let stored_claims = created.1["claims"].as_array().unwrap().len() as i64;
    assert!(stored_claims >= 2, "{created:?}");
    assert_eq!(
        versions[0].2, stored_claims,
        "the version has all its claims"
    );
}

#[tokio::test]
async fn fifty_concurrent_versions_of_one_url_are_numbered_one_to_fifty() {
    let app = spawn_app().await;
    app.sign_in_editor().await;
    let bodies: Vec<Value> = (0..N)
        .map(|n| {
            json!({
                "text": report(n),
                "url": "https://levantwire.example/revised",
                "outlet": "Levant Wire",
                "published": "2024-03-12",
            })
        })
        .collect();

    let answers = post_all(&app, bodies).await;

    assert_all_2xx(&answers);
    assert!(answers.iter().all(|(status, _)| *status == 201));
    assert_eq!(count_status(&answers, "new_article"), 1);
    assert_eq!(count_status(&answers, "new_version"), N - 1);
    let article = answers[0].1["article_id"].as_i64().unwrap();
    assert!(answers.iter().all(|(_, b)| b["article_id"] == article));
    let mut answered: Vec<i64> = answers
        .iter()
        .map(|(_, b)| b["version"].as_i64().unwrap())
        .collect();
    answered.sort_unstable();
    assert_eq!(answered, (1..=N as i64).collect::<Vec<_>>());

    assert_eq!(table_counts(&app), (1, N as i64));
    let versions = versions_of(&app, article);
    let numbers: Vec<i32> = versions.iter().map(|v| v.0).collect();
    assert_eq!(numbers, (1..=N as i32).collect::<Vec<_>>(), "no gaps");
    let mut hashes: Vec<&String> = versions.iter().map(|v| &v.1).collect();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len(), N, "each text stored once");
    // Each version has the claims its answer reported.
    for (_, body) in &answers {
        let number = body["version"].as_i64().unwrap() as i32;
        let stored = versions.iter().find(|v| v.0 == number).unwrap().2;
        assert_eq!(stored, body["claims"].as_array().unwrap().len() as i64);
        assert!(stored >= 2);
    }
}

#[tokio::test]
async fn fifty_concurrent_url_less_submissions_of_one_text_store_one_article() {
    let app = spawn_app().await;
    let body = json!({"text": report(7), "outlet": "Levant Wire", "published": "2024-03-12"});

    let answers = post_all(&app, vec![body; N]).await;

    assert_all_2xx(&answers);
    assert_eq!(count_status(&answers, "new_article"), 1, "{answers:?}");
    assert_eq!(count_status(&answers, "duplicate"), N - 1);
    let article = answers[0].1["article_id"].as_i64().unwrap();
    assert!(answers.iter().all(|(_, b)| b["article_id"] == article));
    assert_eq!(table_counts(&app), (1, 1));
    assert!(versions_of(&app, article)[0].2 >= 2);
}

// ---------------------------------------------------------------------------------------------
// Reviewers
// ---------------------------------------------------------------------------------------------

/// Another browser on the same application: its own cookies (session, CSRF).
fn second_client(app: &TestApp) -> TestApp {
    TestApp {
        address: app.address.clone(),
        pool: app.pool.clone(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap(),
    }
}

fn conflict_fact(app: &TestApp, event_id: i64) -> i64 {
    let mut conn = app.pool.get().unwrap();
    facts::table
        .filter(facts::event_id.eq(event_id))
        .filter(facts::measure.eq("killed"))
        .filter(facts::group_key.eq("civilians"))
        .select(facts::id)
        .first(&mut conn)
        .unwrap()
}

/// (status, note, preferred claim, review version, resolved by).
fn fact_state(
    app: &TestApp,
    fact: i64,
) -> (String, Option<String>, Option<i64>, i32, Option<String>) {
    let mut conn = app.pool.get().unwrap();
    facts::table
        .left_join(users::table)
        .filter(facts::id.eq(fact))
        .select((
            facts::status,
            facts::resolution_note,
            facts::preferred_claim_id,
            facts::review_version,
            users::username.nullable(),
        ))
        .first(&mut conn)
        .unwrap()
}

/// The audit rows written about `fact`.
fn fact_audit(app: &TestApp, fact: i64) -> Vec<String> {
    let mut conn = app.pool.get().unwrap();
    audit_log::table
        .filter(audit_log::entity.eq("fact"))
        .filter(audit_log::entity_id.eq(fact))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut conn)
        .unwrap()
}

/// The hidden `review_version` of the form posting to `action` on a page.
fn form_version(html: &str, action: &str) -> String {
    let form = &html[html.find(&format!(r#"action="{action}""#)).expect(action)..];
    let marker = r#"name="review_version" value=""#;
    let start = form.find(marker).expect("no review_version field") + marker.len();
    let end = start + form[start..].find('"').unwrap();
    form[start..end].to_string()
}

/// A member claim of the fact (for the preferred figure and the explain form).
fn a_member(app: &TestApp, fact: i64) -> i64 {
    use claimdb::db::schema::fact_members;
    let mut conn = app.pool.get().unwrap();
    fact_members::table
        .filter(fact_members::fact_id.eq(fact))
        .order(fact_members::claim_id)
        .select(fact_members::claim_id)
        .first(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn the_second_of_two_reviewers_on_one_form_gets_409_and_the_first_verdict_is_kept() {
    let alice = spawn_app().await;
    let (en, _) = wadi_pair(&alice).await;
    let fact = conflict_fact(&alice, en.event_id);
    let member = a_member(&alice, fact).to_string();
    let bob = second_client(&alice);
    alice.sign_in_as("alice", "reviewer").await;
    bob.sign_in_as("bob", "reviewer").await;
    let status_path = format!("/conflicts/{fact}/status");
    let explain_path = format!("/conflicts/{fact}/explain");

    // Both load the form: the conflict page for Alice, the event page for Bob.
    let (_, alice_page) = page(&alice, &format!("/conflicts/{fact}")).await;
    let (_, bob_page) = page(&bob, &format!("/events/{}", en.event_id)).await;
    let version = form_version(&alice_page, &status_path);
    assert_eq!(version, "0");
    assert_eq!(form_version(&bob_page, &status_path), version);
    assert_eq!(form_version(&bob_page, &explain_path), version);

    let alice_verdict = alice
        .post_form(
            &status_path,
            &[
                ("status", "resolved"),
                ("note", "Alice: the civil defence list names 17."),
                ("preferred", &member),
                ("reason", "named list"),
                ("review_version", &version),
            ],
        )
        .await;
    assert_eq!(alice_verdict.status().as_u16(), 303);
    let bob_verdict = bob
        .post_form(
            &status_path,
            &[
                ("status", "unresolvable"),
                ("note", "Bob: the sources cannot be reconciled."),
                ("review_version", &version),
                ("from", "event"),
            ],
        )
        .await;
    assert_eq!(bob_verdict.status().as_u16(), 409);
    let html = bob_verdict.text().await.unwrap();
    assert!(html.contains("changed meanwhile by alice"), "{html}");
    assert!(html.contains("Reload"), "{html}");
    assert!(
        html.contains(&format!(r#"href="/events/{}#fact-{fact}""#, en.event_id)),
        "a link back to the page of the form"
    );
    assert!(
        html.contains("Bob: the sources cannot be reconciled."),
        "what Bob typed"
    );

    let expected_state = (
        "resolved".to_string(),
        Some("Alice: the civil defence list names 17.".to_string()),
        Some(member.parse::<i64>().unwrap()),
        1,
        Some("alice".to_string()),
    );
    assert_eq!(
        fact_state(&alice, fact),
        expected_state,
        "Alice's verdict is kept"
    );
    assert_eq!(fact_audit(&alice, fact), vec!["resolve"]);

    // The member form read at the old version is refused as well, in Arabic for an Arabic page.
    let stale_explain = bob
        .post_form(
            &format!("{explain_path}?lang=ar"),
            &[
                ("claim", &member),
                ("reason", "an early count"),
                ("review_version", &version),
            ],
        )
        .await;
    assert_eq!(stale_explain.status().as_u16(), 409);
    let html = stale_explain.text().await.unwrap();
    assert!(html.contains("غيّر alice هذا التعارض في الأثناء"), "{html}");
    assert!(html.contains("أعد تحميل"));
    assert_eq!(fact_state(&alice, fact), expected_state);
    assert_eq!(fact_audit(&alice, fact), vec!["resolve"]);

    // Reloaded, Bob's form carries the new version and goes through; it bumps the version again.
    let (_, reloaded) = page(&bob, &format!("/events/{}", en.event_id)).await;
    assert_eq!(form_version(&reloaded, &explain_path), "1");
    let explain = bob
        .post_form(
            &explain_path,
            &[
                ("claim", &member),
                ("reason", "an early count"),
                ("review_version", "1"),
            ],
        )
        .await;
    assert_eq!(explain.status().as_u16(), 303);
    assert_eq!(fact_state(&alice, fact).3, 2);
    // Alice's form from before Bob's change is now stale in turn.
    let stale = alice
        .post_form(&status_path, &[("status", "open"), ("review_version", "1")])
        .await;
    assert_eq!(stale.status().as_u16(), 409);
    assert!(stale
        .text()
        .await
        .unwrap()
        .contains("changed meanwhile by bob"));
    assert_eq!(fact_state(&alice, fact).0, "resolved");
    assert_eq!(fact_audit(&alice, fact), vec!["resolve", "explain_member"]);

    // A version that is not a number is a 400; a form without one is not checked.
    let bad = alice
        .post_form(
            &status_path,
            &[("status", "open"), ("review_version", "two")],
        )
        .await;
    assert_eq!(bad.status().as_u16(), 400);
    let unchecked = alice.post_form(&status_path, &[("status", "open")]).await;
    assert_eq!(unchecked.status().as_u16(), 303);
    assert_eq!(fact_state(&alice, fact).3, 3);

    // Relinks (a new article joining the event) rewrite the fact but not its review version.
    crate::wadi::post(
        &alice,
        "Toll from Wadi al-Zein market shelling rises to 21\n\nHAMA (Orontes Post) — At least 21 civilians were killed in Tuesday's artillery shelling of the market in Wadi al-Zein in northern Hama province, the Syrian Civil Defence said on Wednesday.",
        "https://orontes.example/wadi-toll",
        "Orontes Post",
        "2024-03-13",
    )
    .await;
    assert_eq!(fact_state(&alice, fact).3, 3);
}

#[tokio::test]
async fn of_a_burst_of_verdicts_read_at_one_version_exactly_one_is_stored() {
    const BURST: usize = 20;
    let app = spawn_app().await;
    let (en, _) = wadi_pair(&app).await;
    let fact = conflict_fact(&app, en.event_id);
    let reviewers: Vec<TestApp> = (0..4).map(|_| second_client(&app)).collect();
    for (i, r) in reviewers.iter().enumerate() {
        r.sign_in_as(&format!("reviewer{i}"), "reviewer").await;
    }
    let tokens = join_all(reviewers.iter().map(|r| r.csrf())).await;
    let path = format!("/conflicts/{fact}/status");

    let answers: Vec<(u16, String)> = join_all((0..BURST).map(|i| {
        let (reviewer, token) = (
            &reviewers[i % reviewers.len()],
            &tokens[i % reviewers.len()],
        );
        let note = format!("verdict number {i}");
        let path = &path;
        async move {
            let response = reviewer
                .client
                .post(reviewer.url(path))
                .form(&[
                    ("status", "resolved"),
                    ("note", note.as_str()),
                    ("review_version", "0"),
                    ("csrf", token.as_str()),
                ])
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), note)
        }
    }))
    .await;

    let won: Vec<&String> = answers
        .iter()
        .filter(|(s, _)| *s == 303)
        .map(|(_, n)| n)
        .collect();
    let refused = answers.iter().filter(|(s, _)| *s == 409).count();
    assert_eq!(won.len(), 1, "{answers:?}");
    assert_eq!(refused, BURST - 1, "{answers:?}");
    let (status, note, _, version, _) = fact_state(&app, fact);
    assert_eq!(status, "resolved");
    assert_eq!(
        note.as_ref(),
        Some(won[0]),
        "the winner's verdict is the one stored"
    );
    assert_eq!(version, 1);
    assert_eq!(fact_audit(&app, fact), vec!["resolve"]);
}
