//! The review workflow: claims (confirm, reject, correct, add, re-extract), conflicts (verdicts,
//! explained members), sources (grades, aliases), lexicons (subjects, places) and the audit log.
//! Every change needs a reviewer (401) and a CSRF token (403), and writes its audit row.

use diesel::prelude::*;
use serde_json::{json, Value};

use claimdb::db::schema::{
    audit_log, claims, fact_members, facts, place_aliases, sources, subject_aliases, users,
};

use crate::helpers::{spawn_app, TestApp};
use crate::wadi::{page, post, wadi_pair, EN_WADI};

/// A later report of the same shelling, with a higher toll.
const EN_WADI_LATER: &str = "Toll from Wadi al-Zein market shelling rises to 21\n\nHAMA (Orontes Post) — At least 21 civilians were killed in Tuesday's artillery shelling of the market in Wadi al-Zein in northern Hama province, the Syrian Civil Defence said on Wednesday.";

fn status(response: &reqwest::Response) -> u16 {
    response.status().as_u16()
}

/// (id, value, group, status, origin, span_start, span_end) of an article's claims, by position.
type ClaimRow = (i64, i64, String, String, String, i32, i32);

fn claims_of(app: &TestApp, article_id: i64) -> Vec<ClaimRow> {
    use claimdb::db::schema::article_versions;
    let mut conn = app.pool.get().unwrap();
    claims::table
        .inner_join(article_versions::table)
        .filter(article_versions::article_id.eq(article_id))
        .order(claims::position)
        .select((
            claims::id,
            claims::value,
            claims::group_key,
            claims::status,
            claims::origin,
            claims::span_start,
            claims::span_end,
        ))
        .load(&mut conn)
        .unwrap()
}

/// The event's conflicting fact about killed civilians.
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

/// (claim id, role, reason, source id) of a fact's members.
fn members(app: &TestApp, fact_id: i64) -> Vec<(i64, String, String, Option<i64>)> {
    let mut conn = app.pool.get().unwrap();
    fact_members::table
        .filter(fact_members::fact_id.eq(fact_id))
        .select((
            fact_members::claim_id,
            fact_members::role,
            fact_members::reason,
            fact_members::source_id,
        ))
        .order(fact_members::claim_id)
        .load(&mut conn)
        .unwrap()
}

/// (status, note, preferred claim, preferred reason, resolved_by).
type FactState = (
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

fn fact_state(app: &TestApp, fact_id: i64) -> FactState {
    let mut conn = app.pool.get().unwrap();
    facts::table
        .find(fact_id)
        .select((
            facts::status,
            facts::resolution_note,
            facts::preferred_claim_id,
            facts::preferred_reason,
            facts::resolved_by,
        ))
        .first(&mut conn)
        .unwrap()
}

struct AuditRow {
    action: String,
    entity: String,
    entity_id: Option<i64>,
    user_id: Option<i64>,
    before: Option<Value>,
    after: Option<Value>,
}

/// Audit rows other than sign-ins, oldest first.
fn audit(app: &TestApp) -> Vec<AuditRow> {
    let mut conn = app.pool.get().unwrap();
    audit_log::table
        .filter(audit_log::entity.ne("user"))
        .order(audit_log::id)
        .select((
            audit_log::action,
            audit_log::entity,
            audit_log::entity_id,
            audit_log::user_id,
            audit_log::before,
            audit_log::after,
        ))
        .load::<(
            String,
            String,
            Option<i64>,
            Option<i64>,
            Option<Value>,
            Option<Value>,
        )>(&mut conn)
        .unwrap()
        .into_iter()
        .map(
            |(action, entity, entity_id, user_id, before, after)| AuditRow {
                action,
                entity,
                entity_id,
                user_id,
                before,
                after,
            },
        )
        .collect()
}

fn user_id(app: &TestApp, name: &str) -> i64 {
    let mut conn = app.pool.get().unwrap();
    users::table
        .filter(users::username.eq(name))
        .select(users::id)
        .first(&mut conn)
        .unwrap()
}

fn subject_alias_id(app: &TestApp, alias: &str) -> Option<i64> {
    let mut conn = app.pool.get().unwrap();
    subject_aliases::table
        .filter(subject_aliases::alias.eq(alias))
        .select(subject_aliases::id)
        .first(&mut conn)
        .optional()
        .unwrap()
}

fn place_alias_id(app: &TestApp, alias: &str) -> Option<i64> {
    let mut conn = app.pool.get().unwrap();
    place_aliases::table
        .filter(place_aliases::alias.eq(alias))
        .select(place_aliases::id)
        .first(&mut conn)
        .optional()
        .unwrap()
}

fn source_state(app: &TestApp, id: i64) -> (Option<String>, Vec<Option<String>>) {
    let mut conn = app.pool.get().unwrap();
    sources::table
        .find(id)
        .select((sources::credibility, sources::aliases))
        .first(&mut conn)
        .unwrap()
}

/// Everything a refused change must leave alone.
#[derive(Debug, PartialEq)]
struct Snapshot {
    claims: Vec<ClaimRow>,
    fact: FactState,
    members: Vec<(i64, String, String, Option<i64>)>,
    source: (Option<String>, Vec<Option<String>>),
    subjects: i64,
    places: i64,
}

fn snapshot(app: &TestApp, article_id: i64, fact_id: i64, source_id: i64) -> Snapshot {
    let mut conn = app.pool.get().unwrap();
    Snapshot {
        claims: claims_of(app, article_id),
        fact: fact_state(app, fact_id),
        members: members(app, fact_id),
        source: source_state(app, source_id),
        subjects: subject_aliases::table
            .count()
            .get_result(&mut conn)
            .unwrap(),
        places: place_aliases::table.count().get_result(&mut conn).unwrap(),
    }
}

/// `<script>` before `what`, escaped (askama writes `&#60;`; `&lt;` would do as well).
fn escaped(html: &str, what: &str) -> bool {
    html.contains(&format!("&#60;script&#62;{what}"))
        || html.contains(&format!("&lt;script&gt;{what}"))
}

/// A change to try: path, fields, the audit action and entity it should record.
type Change = (
    String,
    Vec<(&'static str, String)>,
    &'static str,
    &'static str,
);

fn s(v: &str) -> String {
    v.to_string()
}

#[tokio::test]
async fn every_review_change_needs_a_reviewer_and_a_csrf_token_and_is_audited() {
    let app = spawn_app().await;
    let (en, _ar) = wadi_pair(&app).await;
    let en_claims = claims_of(&app, en.article_id);
    assert!(en_claims.len() >= 4, "{en_claims:?}");
    let fact = conflict_fact(&app, en.event_id);
    let fact_members = members(&app, fact);
    let (member, _, _, source) = fact_members
        .iter()
        .find(|m| m.3.is_some())
        .cloned()
        .expect("a member with a source");
    let source = source.unwrap();
    let subject_alias = subject_alias_id(&app, "rebels").expect("a shipped alias");
    let place_alias = place_alias_id(&app, "Damascus").expect("a seeded place alias");
    let a = en.article_id;

    // (path, fields, expected action, expected entity)
    let changes: Vec<Change> = vec![
        (
            format!("/claims/{}/confirm", en_claims[0].0),
            vec![],
            "confirm",
            "claim",
        ),
        (
            format!("/claims/{}/reject", en_claims[1].0),
            vec![],
            "reject",
            "claim",
        ),
        (
            format!("/claims/{}/edit", en_claims[2].0),
            vec![
                ("value", s("13")),
                ("value_max", s("")),
                ("qualifier", s("approx")),
                ("measure", s("killed")),
                ("group", s("civilians")),
                ("source", s("SOHR")),
            ],
            "edit",
            "claim",
        ),
        (
            format!("/articles/{a}/versions/1/claims"),
            vec![
                ("figure", s("dozens")),
                ("value", s("24")),
                ("qualifier", s("approx")),
                ("measure", s("wounded")),
                ("group", s("civilians")),
                ("source", s("")),
            ],
            "add",
            "claim",
        ),
        (
            format!("/articles/{a}/versions/1/reextract"),
            vec![],
            "reextract",
            "article",
        ),
        (
            format!("/conflicts/{fact}/status"),
            vec![
                ("status", s("resolved")),
                ("note", s("The civil defence list names 17.")),
                ("preferred", member.to_string()),
                ("reason", s("named list")),
            ],
            "resolve",
            "fact",
        ),
        (
            format!("/conflicts/{fact}/explain"),
            vec![
                ("claim", member.to_string()),
                ("reason", s("counted before the last victims died")),
            ],
            "explain_member",
            "fact",
        ),
        (
            format!("/sources/{source}"),
            vec![("grade", s("fair")), ("aliases", s("Alias one\nAlias two"))],
            "edit",
            "source",
        ),
        (
            "/lexicon/subjects".to_string(),
            vec![
                ("alias", s("fishermen")),
                ("lang", s("en")),
                ("group", s("fishers")),
            ],
            "add",
            "subject_alias",
        ),
        (
            format!("/lexicon/subjects/{subject_alias}/delete"),
            vec![],
            "delete",
            "subject_alias",
        ),
        (
            "/lexicon/places".to_string(),
            vec![
                ("alias", s("Zeinville")),
                ("lang", s("en")),
                ("place", s("sy.test.zeinville")),
                ("parent", s("sy")),
                ("level", s("locality")),
            ],
            "add",
            "place_alias",
        ),
        (
            format!("/lexicon/places/{place_alias}/delete"),
            vec![],
            "delete",
            "place_alias",
        ),
    ];
    let before = snapshot(&app, a, fact, source);

    // Anonymous (with a valid token): 401, nothing changed.
    for (path, fields, _, _) in &changes {
        let token = app.csrf().await;
        let mut all = fields.clone();
        all.push(("csrf", token));
        let response = app
            .client
            .post(app.url(path))
            .form(&all)
            .send()
            .await
            .unwrap();
        assert_eq!(status(&response), 401, "anonymous {path}");
    }
    assert_eq!(snapshot(&app, a, fact, source), before);

    // A reviewer without the token: 403, nothing changed.
    app.sign_in_as("editor", "reviewer").await;
    let editor = user_id(&app, "editor");
    for (path, fields, _, _) in &changes {
        let raw: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app.post_form_raw(path, &raw).await;
        assert_eq!(status(&response), 403, "without a token {path}");
    }
    assert_eq!(snapshot(&app, a, fact, source), before);
    assert!(audit(&app).is_empty(), "nothing audited yet");

    // The reviewer with the token: each change works and writes its audit row.
    for (i, (path, fields, action, entity)) in changes.iter().enumerate() {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app.post_form(path, &fields).await;
        assert_eq!(status(&response), 303, "{path}");
        let rows = audit(&app);
        assert_eq!(rows.len(), i + 1, "one audit row for {path}");
        let row = rows.last().unwrap();
        assert_eq!(
            (row.action.as_str(), row.entity.as_str()),
            (*action, *entity),
            "{path}"
        );
        assert_eq!(row.user_id, Some(editor), "{path}");
        assert!(row.entity_id.is_some(), "{path}");
    }

    let rows = audit(&app);
    let by_action = |action: &str, entity: &str| {
        rows.iter()
            .find(|r| r.action == action && r.entity == entity)
            .unwrap()
    };
    let confirm = by_action("confirm", "claim");
    assert_eq!(confirm.entity_id, Some(en_claims[0].0));
    assert_eq!(confirm.before.as_ref().unwrap()["status"], "unreviewed");
    assert_eq!(confirm.after.as_ref().unwrap()["status"], "confirmed");
    let reject = by_action("reject", "claim");
    assert_eq!(reject.after.as_ref().unwrap()["status"], "rejected");
    let edit = by_action("edit", "claim");
    assert_eq!(edit.before.as_ref().unwrap()["value"], 12);
    assert_eq!(edit.after.as_ref().unwrap()["value"], 13);
    assert_eq!(edit.after.as_ref().unwrap()["status"], "corrected");
    assert_eq!(edit.after.as_ref().unwrap()["source"], "SOHR");
    let add = by_action("add", "claim");
    assert!(add.before.is_none());
    assert_eq!(add.after.as_ref().unwrap()["origin"], "manual");
    assert_eq!(add.after.as_ref().unwrap()["value"], 24);
    let reextract = by_action("reextract", "article");
    assert_eq!(reextract.entity_id, Some(a));
    assert_eq!(reextract.after.as_ref().unwrap()["kept"], 4);
    let resolve = by_action("resolve", "fact");
    assert_eq!(resolve.before.as_ref().unwrap()["status"], "open");
    assert_eq!(resolve.after.as_ref().unwrap()["status"], "resolved");
    assert_eq!(
        resolve.after.as_ref().unwrap()["preferred_claim_id"],
        member
    );
    assert_eq!(resolve.after.as_ref().unwrap()["resolved_by"], "editor");
    let explain = by_action("explain_member", "fact");
    assert_eq!(explain.after.as_ref().unwrap()["role"], "explained");
    assert_eq!(explain.after.as_ref().unwrap()["claim_id"], member);
    let graded = by_action("edit", "source");
    assert_eq!(graded.before.as_ref().unwrap()["credibility"], Value::Null);
    assert_eq!(graded.after.as_ref().unwrap()["credibility"], "fair");
    assert_eq!(
        graded.after.as_ref().unwrap()["aliases"],
        json!(["Alias one", "Alias two"])
    );
    let added = by_action("add", "subject_alias");
    assert_eq!(added.after.as_ref().unwrap()["group"], "fishers");
    let deleted = by_action("delete", "subject_alias");
    assert_eq!(deleted.before.as_ref().unwrap()["alias"], "rebels");
    assert!(deleted.after.is_none());
    assert!(subject_alias_id(&app, "rebels").is_none());
    let place = by_action("add", "place_alias");
    assert_eq!(
        place.after.as_ref().unwrap()["place_key"],
        "sy.test.zeinville"
    );
    assert_eq!(
        by_action("delete", "place_alias").before.as_ref().unwrap()["alias"],
        "Damascus"
    );
    assert!(place_alias_id(&app, "Damascus").is_none());
    assert!(place_alias_id(&app, "Zeinville").is_some());

    // The history shows on the article, event and conflict pages.
    let (_, html) = page(&app, &format!("/articles/{a}")).await;
    assert!(html.contains("reextract") && html.contains("status: unreviewed → confirmed"));
    let (_, html) = page(&app, &format!("/events/{}", en.event_id)).await;
    assert!(html.contains("explain_member") && html.contains("resolve"));
    let (code, html) = page(&app, &format!("/conflicts/{fact}")).await;
    assert_eq!(code, 200);
    assert!(html.contains("The civil defence list names 17."));
    assert!(html.contains("explain_member"));
}

#[tokio::test]
async fn edits_survive_re_extraction() {
    let app = spawn_app().await;
    let en = post(
        &app,
        EN_WADI,
        "https://levantwire.example/wadi",
        "Levant Wire",
        "2024-03-12",
    )
    .await;
    let original = claims_of(&app, en.article_id);
    assert_eq!(original.len(), 4, "{original:?}");
    app.sign_in_as("editor", "reviewer").await;
    let a = en.article_id;
    // Confirm the first, reject the second, correct the third; add the missed "dozens".
    let (confirmed, rejected, corrected) = (original[0].0, original[1].0, original[2].0);
    for path in [
        format!("/claims/{confirmed}/confirm"),
        format!("/claims/{rejected}/reject"),
    ] {
        assert_eq!(status(&app.post_form(&path, &[]).await), 303);
    }
    let edit = app
        .post_form(
            &format!("/claims/{corrected}/edit"),
            &[
                ("value", "13"),
                ("qualifier", "exact"),
                ("measure", "killed"),
                ("group", "civilians_corrected"),
                ("source", "SOHR"),
            ],
        )
        .await;
    assert_eq!(status(&edit), 303);
    // The second "12" is the distance ("12 km"), which the extractor rightly skipped.
    let add = app
        .post_form(
            &format!("/articles/{a}/versions/1/claims"),
            &[
                ("figure", "12"),
                ("occurrence", "2"),
                ("value", "12"),
                ("qualifier", "exact"),
                ("measure", "count"),
                ("group", "km_test"),
            ],
        )
        .await;
    assert_eq!(status(&add), 303);
    let manual_span = EN_WADI.match_indices("12").nth(1).unwrap().0 as i32;

    // A new subject alias changes what re-extraction reads for the unreviewed claim only.
    let alias = app
        .post_form(
            "/lexicon/subjects",
            &[("alias", "children"), ("lang", "en"), ("group", "minors")],
        )
        .await;
    assert_eq!(status(&alias), 303);
    let response = app
        .post_form(&format!("/articles/{a}/versions/1/reextract"), &[])
        .await;
    assert_eq!(status(&response), 303);

    let after = claims_of(&app, a);
    let find = |id: i64| after.iter().find(|c| c.0 == id).cloned();
    let c = find(confirmed).expect("the confirmed claim is kept");
    assert_eq!((c.3.as_str(), c.2.as_str()), ("confirmed", "civilians"));
    let r = find(rejected).expect("the rejected claim is kept");
    assert_eq!(r.3, "rejected");
    let k = find(corrected).expect("the corrected claim is kept");
    assert_eq!(
        (k.1, k.2.as_str(), k.3.as_str()),
        (13, "civilians_corrected", "corrected")
    );
    let manual: Vec<_> = after.iter().filter(|c| c.4 == "manual").collect();
    assert_eq!(manual.len(), 1);
    assert_eq!(manual[0].5, manual_span);
    // The unreviewed fourth claim ("five" children) was read again with the new lexicon.
    assert!(find(original[3].0).is_none(), "replaced");
    let fresh: Vec<_> = after
        .iter()
        .filter(|c| c.4 == "extracted" && c.3 == "unreviewed")
        .collect();
    assert_eq!(fresh.len(), 1, "{after:?}");
    assert_eq!(fresh[0].2, "minors");
    // No extracted claim is added over the span of a kept one.
    let kept: Vec<_> = after
        .iter()
        .filter(|c| !(c.4 == "extracted" && c.3 == "unreviewed"))
        .collect();
    for f in &fresh {
        assert!(
            kept.iter().all(|k| f.6 <= k.5 || k.6 <= f.5),
            "{f:?} overlaps"
        );
    }
    // Positions follow the text.
    let starts: Vec<i32> = after.iter().map(|c| c.5).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    // A second re-extraction changes nothing.
    let again = app
        .post_form(&format!("/articles/{a}/versions/1/reextract"), &[])
        .await;
    assert_eq!(status(&again), 303);
    let twice = claims_of(&app, a);
    assert_eq!(twice.len(), after.len());
    assert_eq!(
        twice
            .iter()
            .map(|c| (c.1, c.2.clone(), c.5))
            .collect::<Vec<_>>(),
        after
            .iter()
            .map(|c| (c.1, c.2.clone(), c.5))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_resolved_conflict_keeps_its_verdict_when_another_article_joins_the_event() {
    let app = spawn_app().await;
    let (en, ar) = wadi_pair(&app).await;
    assert_eq!(en.event_id, ar.event_id);
    let fact = conflict_fact(&app, en.event_id);
    let preferred = members(&app, fact)[0].0;
    app.sign_in_as("editor", "reviewer").await;
    let response = app
        .post_form(
            &format!("/conflicts/{fact}/status"),
            &[
                ("status", "resolved"),
                ("note", "The civil defence named 17 dead."),
                ("preferred", &preferred.to_string()),
                ("reason", "named list"),
                ("from", "event"),
            ],
        )
        .await;
    assert_eq!(status(&response), 303);
    assert_eq!(
        response.headers()["location"].to_str().unwrap(),
        format!("/events/{}#fact-{fact}", en.event_id)
    );
    let later = post(
        &app,
        EN_WADI_LATER,
        "https://orontes.example/wadi-toll",
        "Orontes Post",
        "2024-03-13",
    )
    .await;
    assert_eq!(
        later.event_id, en.event_id,
        "the later report joins the event"
    );
    assert_eq!(
        conflict_fact(&app, en.event_id),
        fact,
        "the fact keeps its id"
    );
    assert!(
        members(&app, fact).len() > 3,
        "the new figure is a member now"
    );
    let (state, note, pref, reason, by) = fact_state(&app, fact);
    assert_eq!(state, "resolved");
    assert_eq!(note.as_deref(), Some("The civil defence named 17 dead."));
    assert_eq!(pref, Some(preferred));
    assert_eq!(reason.as_deref(), Some("named list"));
    assert_eq!(by, Some(user_id(&app, "editor")));
    let (_, html) = page(&app, &format!("/events/{}", en.event_id)).await;
    assert!(html.contains("The civil defence named 17 dead."));

    // Validation: a verdict without a note, or a preferred figure from elsewhere, is refused.
    let no_note = app
        .post_form(
            &format!("/conflicts/{fact}/status"),
            &[("status", "resolved")],
        )
        .await;
    assert_eq!(status(&no_note), 400);
    let foreign = app
        .post_form(
            &format!("/conflicts/{fact}/status"),
            &[
                ("status", "resolved"),
                ("note", "x"),
                ("preferred", "999999"),
                ("reason", "y"),
            ],
        )
        .await;
    assert_eq!(status(&foreign), 400);
    assert_eq!(fact_state(&app, fact).0, "resolved");
}

#[tokio::test]
async fn a_member_marked_explained_stays_explained_after_relinking() {
    let app = spawn_app().await;
    let (en, _) = wadi_pair(&app).await;
    let fact = conflict_fact(&app, en.event_id);
    let before = members(&app, fact);
    let target = before
        .iter()
        .find(|m| m.1 == "disputed")
        .expect("a disputed member")
        .0;
    app.sign_in_as("editor", "reviewer").await;
    let response = app
        .post_form(
            &format!("/conflicts/{fact}/explain"),
            &[("claim", &target.to_string()), ("reason", "an early count")],
        )
        .await;
    assert_eq!(status(&response), 303);
    let role = |app: &TestApp| {
        members(app, fact)
            .into_iter()
            .find(|m| m.0 == target)
            .map(|m| (m.1, m.2))
            .unwrap()
    };
    assert_eq!(role(&app).0, "explained");
    post(
        &app,
        EN_WADI_LATER,
        "https://orontes.example/wadi-toll",
        "Orontes Post",
        "2024-03-13",
    )
    .await;
    let (r, reason) = role(&app);
    assert_eq!(r, "explained", "applied again at the relink");
    assert!(reason.contains("an early count"), "{reason}");
    // Removing the decision gives the linker's role back.
    let clear = app
        .post_form(
            &format!("/conflicts/{fact}/explain"),
            &[("claim", &target.to_string()), ("action", "clear")],
        )
        .await;
    assert_eq!(status(&clear), 303);
    assert_ne!(role(&app).0, "explained");
    // A claim that is not a member is refused.
    let foreign = app
        .post_form(
            &format!("/conflicts/{fact}/explain"),
            &[("claim", "999999"), ("reason", "x")],
        )
        .await;
    assert_eq!(status(&foreign), 400);
}

#[tokio::test]
async fn a_new_subject_alias_changes_the_group_of_the_next_article() {
    let app = spawn_app().await;
    let text = |n: u32| {
        format!("Crane falls in the port\n\nAt least {n} stevedores were killed when a crane fell in the port of Tartus, police said.")
    };
    let first = post(
        &app,
        &text(7),
        "https://coast.example/1",
        "Coast",
        "2024-05-01",
    )
    .await;
    assert_eq!(
        claims_of(&app, first.article_id).last().unwrap().2,
        "unknown"
    );
    app.sign_in_as("editor", "reviewer").await;
    let response = app
        .post_form(
            "/lexicon/subjects",
            &[
                ("alias", "stevedores"),
                ("lang", "en"),
                ("group", "dockers"),
            ],
        )
        .await;
    assert_eq!(status(&response), 303);
    let second = post(
        &app,
        &text(9),
        "https://coast.example/2",
        "Coast",
        "2024-05-01",
    )
    .await;
    assert_eq!(
        claims_of(&app, second.article_id).last().unwrap().2,
        "dockers"
    );
    let (code, html) = page(&app, "/lexicon/subjects?group=dockers").await;
    assert_eq!(code, 200);
    assert!(html.contains("stevedores"));
    // Deleting it puts things back for the article after.
    let id = subject_alias_id(&app, "stevedores").unwrap();
    let response = app
        .post_form(&format!("/lexicon/subjects/{id}/delete"), &[])
        .await;
    assert_eq!(status(&response), 303);
    let third = post(
        &app,
        &text(11),
        "https://coast.example/3",
        "Coast",
        "2024-05-01",
    )
    .await;
    assert_eq!(
        claims_of(&app, third.article_id).last().unwrap().2,
        "unknown"
    );
    // Bad input is a 400.
    for fields in [
        [
            ("alias", "stevedores"),
            ("lang", "xx"),
            ("group", "dockers"),
        ],
        [
            ("alias", "stevedores"),
            ("lang", "en"),
            ("group", "Fishers!"),
        ],
        [("alias", "  "), ("lang", "en"), ("group", "dockers")],
    ] {
        assert_eq!(
            status(&app.post_form("/lexicon/subjects", &fields).await),
            400
        );
    }
}

#[tokio::test]
async fn the_gazetteer_is_edited_in_the_database() {
    let app = spawn_app().await;
    app.sign_in_as("editor", "reviewer").await;
    let (code, html) = page(&app, "/lexicon/places?place=sy.damascus").await;
    assert_eq!(code, 200);
    assert!(html.contains("Damascus") && html.contains("دمشق"));
    let response = app
        .post_form(
            "/lexicon/places",
            &[
                ("alias", "Dimashq al-Sham"),
                ("lang", "en"),
                ("place", "sy.damascus"),
            ],
        )
        .await;
    assert_eq!(status(&response), 303);
    let gazetteer = {
        let mut conn = app.pool.get().unwrap();
        claimdb::db::lexicon_edit::load_gazetteer(&mut conn).unwrap()
    };
    let found: Vec<String> = gazetteer
        .find("Shelling in Dimashq al-Sham")
        .into_iter()
        .map(|m| m.key)
        .collect();
    assert_eq!(found, vec!["sy.damascus".to_string()]);
    // A new place under an unknown parent would break the gazetteer: refused, nothing stored.
    let orphan = app
        .post_form(
            "/lexicon/places",
            &[
                ("alias", "Nowhere"),
                ("lang", "en"),
                ("place", "xx.nowhere"),
                ("parent", "xx"),
            ],
        )
        .await;
    assert_eq!(status(&orphan), 400);
    assert!(place_alias_id(&app, "Nowhere").is_none());
}

#[tokio::test]
async fn grades_show_on_the_event_page_and_markup_comes_back_escaped() {
    let app = spawn_app().await;
    let (en, _) = wadi_pair(&app).await;
    let fact = conflict_fact(&app, en.event_id);
    let source = members(&app, fact)
        .into_iter()
        .find_map(|m| m.3)
        .expect("a member with a source");
    let (_, html) = page(&app, &format!("/events/{}", en.event_id)).await;
    assert!(!html.contains("badge grade-"));
    app.sign_in_as("editor", "reviewer").await;
    let response = app
        .post_form(
            &format!("/sources/{source}"),
            &[
                ("grade", "contested"),
                ("aliases", "<script>alert(1)</script>\nOK alias"),
            ],
        )
        .await;
    assert_eq!(status(&response), 303);
    let (_, html) = page(&app, &format!("/events/{}", en.event_id)).await;
    assert!(
        html.contains("badge grade-contested"),
        "the grade beside the source"
    );
    assert!(html.contains(">contested</span>"));
    let (code, html) = page(&app, "/sources").await;
    assert_eq!(code, 200);
    assert!(escaped(&html, "alert(1)"), "escaped alias");
    assert!(!html.contains("<script>alert(1)"));

    let response = app
        .post_form(
            &format!("/conflicts/{fact}/status"),
            &[
                ("status", "unresolvable"),
                ("note", "<script>alert(2)</script>"),
            ],
        )
        .await;
    assert_eq!(status(&response), 303);
    for path in [
        format!("/events/{}", en.event_id),
        format!("/conflicts/{fact}"),
    ] {
        let (_, html) = page(&app, &path).await;
        assert!(escaped(&html, "alert(2)"), "{path}");
        assert!(!html.contains("<script>alert(2)"), "{path}");
    }
    let response = app
        .post_form(
            "/lexicon/subjects",
            &[
                ("alias", "<script>alert(3)</script>"),
                ("lang", "en"),
                ("group", "xss_test"),
            ],
        )
        .await;
    assert_eq!(status(&response), 303);
    let (_, html) = page(&app, "/lexicon/subjects?group=xss_test").await;
    assert!(escaped(&html, "alert(3)"));
    assert!(!html.contains("<script>alert(3)"));
    let (_, html) = page(&app, "/audit?entity=subject_alias").await;
    assert!(escaped(&html, "alert(3)"));
    assert!(!html.contains("<script>alert(3)"));
    // An unknown grade is refused.
    let bad = app
        .post_form(&format!("/sources/{source}"), &[("grade", "A")])
        .await;
    assert_eq!(status(&bad), 400);
    assert_eq!(source_state(&app, source).0.as_deref(), Some("contested"));
}

#[tokio::test]
async fn the_audit_log_is_for_reviewers_and_filters() {
    let app = spawn_app().await;
    let en = post(
        &app,
        EN_WADI,
        "https://levantwire.example/wadi",
        "Levant Wire",
        "2024-03-12",
    )
    .await;
    assert_eq!(page(&app, "/audit").await.0, 401);
    let claim = claims_of(&app, en.article_id)[0].0;
    // Forms show on the article page only to signed-in users.
    let (_, html) = page(&app, &format!("/articles/{}", en.article_id)).await;
    assert!(!html.contains(&format!("/claims/{claim}/confirm")));
    app.sign_in_as("editor", "reviewer").await;
    let (_, html) = page(&app, &format!("/articles/{}", en.article_id)).await;
    assert!(html.contains(&format!("/claims/{claim}/confirm")));
    assert!(html.contains("/versions/1/reextract"));
    app.post_form(&format!("/claims/{claim}/confirm"), &[])
        .await;
    let (code, html) = page(&app, "/audit").await;
    assert_eq!(code, 200);
    assert!(html.contains("confirm") && html.contains("login"));
    let (_, html) = page(&app, &format!("/audit?entity=claim&id={claim}&user=editor")).await;
    assert!(html.contains("status: unreviewed → confirmed"));
    assert!(!html.contains(">login<"));
    let (_, html) = page(&app, "/audit?entity=claim&user=nobody").await;
    assert!(!html.contains("status: unreviewed → confirmed"));
    assert_eq!(page(&app, "/audit?id=x").await.0, 400);
    // The listing pages answer everyone.
    for path in ["/sources", "/lexicon/subjects", "/lexicon/places?lang=ar"] {
        assert_eq!(page(&app, path).await.0, 200, "{path}");
    }
}
