//! The comparison page answers "who said what, when": one row (and one bar) per source with its
//! current figure, figures dated by when they were reported (a revised version by when it was
//! submitted), and a reviewer's preferred figure as the best estimate everywhere.

use diesel::prelude::*;
use serde_json::Value;

use claimdb::db::schema::{article_versions, claims, fact_members, facts};

use crate::helpers::{spawn_app, TestApp};
use crate::wadi::{page, post, Posted};

/// Published 27 May: the observatory's first toll.
const FIRST: &str = "Shelling kills civilians in Wadi al-Zein market\n\nHAMA (Levant Wire) — Artillery shells struck the market in Wadi al-Zein in northern Hama province on Tuesday. The Syrian Observatory for Human Rights said 9 civilians were killed.";
/// The same article resubmitted later, the observatory's toll raised to 11.
const FIRST_REVISED: &str = "Shelling kills civilians in Wadi al-Zein market\n\nHAMA (Levant Wire) — Artillery shells struck the market in Wadi al-Zein in northern Hama province on Tuesday. The Syrian Observatory for Human Rights said 11 civilians were killed.";
/// Another outlet's report of 28 May: the observatory's earlier 9, and the civil defence's 15.
const SECOND: &str = "Toll of Wadi al-Zein market shelling disputed\n\nBEIRUT (Orontes Post) — The Syrian Observatory for Human Rights said 9 civilians were killed in Tuesday's artillery shelling of the market in Wadi al-Zein in northern Hama province. The Syrian Civil Defence said 15 civilians were killed.";

const FIRST_URL: &str = "https://levantwire.example/wadi-market";

/// The three reports: the first article, the second outlet's, then the first article revised.
async fn revised_story(app: &TestApp) -> (Posted, Posted) {
    let first = post(app, FIRST, FIRST_URL, "Levant Wire", "2018-05-27").await;
    let second = post(
        app,
        SECOND,
        "https://orontes.example/wadi-toll",
        "Orontes Post",
        "2018-05-28",
    )
    .await;
    let editor = app.editor().await;
    let revised = post(
        &editor,
        FIRST_REVISED,
        FIRST_URL,
        "Levant Wire",
        "2018-05-27",
    )
    .await;
    assert_eq!(revised.article_id, first.article_id, "a new version");
    assert_eq!(first.event_id, second.event_id, "one event");
    assert_eq!(revised.event_id, first.event_id);
    (first, second)
}

/// The killed-civilians fact of the event.
fn civilians_fact(app: &TestApp, event_id: i64) -> i64 {
    let mut conn = app.pool.get().unwrap();
    facts::table
        .filter(facts::event_id.eq(event_id))
        .filter(facts::measure.eq("killed"))
        .filter(facts::group_key.eq("civilians"))
        .select(facts::id)
        .first(&mut conn)
        .unwrap()
}

/// (claim id, value, article id, version, role, reason, is position) of a fact's members.
type Member = (i64, i64, i64, i32, String, String, bool);

fn members(app: &TestApp, fact: i64) -> Vec<Member> {
    let mut conn = app.pool.get().unwrap();
    fact_members::table
        .inner_join(claims::table.inner_join(article_versions::table))
        .filter(fact_members::fact_id.eq(fact))
        .select((
            claims::id,
            claims::value,
            article_versions::article_id,
            article_versions::number,
            fact_members::role,
            fact_members::reason,
            fact_members::is_position,
        ))
        .order(claims::id)
        .load(&mut conn)
        .unwrap()
}

/// The HTML of one fact's section of the event page.
fn section(html: &str, fact: i64) -> &str {
    let start = html
        .find(&format!("id=\"fact-{fact}\""))
        .expect("the fact's section");
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn a_revised_versions_figure_is_current_and_the_older_reports_figure_is_history() {
    let app = spawn_app().await;
    let (first, second) = revised_story(&app).await;
    let fact = civilians_fact(&app, first.event_id);
    let ms = members(&app, fact);

    let eleven = ms
        .iter()
        .find(|m| m.1 == 11)
        .expect("the revised figure is a member");
    assert_eq!((eleven.2, eleven.3), (first.article_id, 2));
    assert!(
        eleven.6,
        "the revised 11 is the observatory's position: {ms:?}"
    );
    assert_ne!(eleven.4, "explained", "11 is not superseded: {}", eleven.5);
    let nine = ms
        .iter()
        .find(|m| m.1 == 9 && m.2 == second.article_id)
        .expect("the other outlet's 9");
    assert!(!nine.6, "the 28 May report's 9 is not current");
    assert_eq!(nine.4, "explained");
    assert!(
        nine.5
            .contains("superseded by this source's later figure 11"),
        "{}",
        nine.5
    );

    let (status, html) = page(&app, &format!("/events/{}", first.event_id)).await;
    assert_eq!(status, 200);
    let html = section(&html, fact);
    assert!(
        html.contains("<bdi>9</bdi> → <bdi>11</bdi>, revised"),
        "the observatory's history"
    );
    assert!(html.contains("revised"), "when it was revised");
    assert!(
        html.contains("superseded by this source&#39;s later figure 11")
            || html.contains("superseded by this source's later figure 11"),
        "the older report is history"
    );
    assert!(
        !html.contains("later figure 9"),
        "nothing is superseded by the older 9"
    );
}

#[tokio::test]
async fn the_event_page_draws_one_bar_per_source() {
    let app = spawn_app().await;
    let (first, _) = revised_story(&app).await;
    let fact = civilians_fact(&app, first.event_id);
    assert!(
        members(&app, fact).len() >= 4,
        "the observatory is reported four times (one revision, repeats)"
    );

    for lang in ["en", "ar"] {
        let response = app
            .get_in(&format!("/events/{}", first.event_id), lang)
            .await;
        assert_eq!(response.status().as_u16(), 200);
        let html = response.text().await.unwrap();
        let html = section(&html, fact);
        assert_eq!(
            html.matches("<g class=\"bar ").count(),
            2,
            "two sources, two bars ({lang})"
        );
        assert_eq!(
            html.matches("<tbody class=\"source\">").count(),
            2,
            "one row per source ({lang})"
        );
        assert!(html.contains(">11</text>") && html.contains(">15</text>"));
        assert!(!html.contains(">9</text>"), "no bar for the superseded 9");
        // Every report is under its source's row, with its outlet, date and link.
        assert!(html.contains("<details>"));
        assert!(html.contains("Orontes Post") && html.contains("Levant Wire"));
        assert!(html.contains(&format!("/articles/{}?version=2#claim-", first.article_id)));
        assert!(html.contains(&format!("/articles/{}?version=1#claim-", first.article_id)));
        assert!(html.contains("https://orontes.example/wadi-toll"));
        // The chart's labels are whole: no label is cut short.
        assert!(!html.contains("…</tspan>"), "a label was cut off ({lang})");
    }
}

async fn resolve(app: &TestApp, fact: i64, preferred: i64) {
    app.sign_in_editor().await;
    let response = app
        .post_form(
            &format!("/conflicts/{fact}/status"),
            &[
                ("status", "resolved"),
                ("note", "The civil defence published names."),
                ("preferred", &preferred.to_string()),
                ("reason", "named list of the dead"),
                ("from", "event"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303, "the verdict is stored");
}

#[tokio::test]
async fn the_verdicts_preferred_figure_is_the_best_estimate_everywhere() {
    let app = spawn_app().await;
    let (first, _) = revised_story(&app).await;
    let fact = civilians_fact(&app, first.event_id);
    let fifteen = members(&app, fact)
        .into_iter()
        .find(|m| m.1 == 15)
        .expect("the civil defence's 15")
        .0;
    let event = first.event_id;

    // Before the verdict the rule decides, and the page says how.
    let (_, html) = page(&app, &format!("/events/{event}")).await;
    let before = section(&html, fact);
    assert!(before.contains("How the best estimate is chosen"));
    assert!(!before.contains("reviewer&#39;s choice") && !before.contains("reviewer's choice"));
    let api = app.get_json(&format!("/api/events/{event}")).await;
    let best = api_best(&api, fact);
    assert_eq!(best["chosen_by"], "rule");
    assert_eq!(best["value"], 11, "the rule's choice: the observatory's 11");

    resolve(&app, fact, fifteen).await;

    // The event page's card.
    let (_, html) = page(&app, &format!("/events/{event}")).await;
    let card = section(&html, fact);
    let best_card = &card[card.find("class=\"best by-reviewer\"").expect("marked")..];
    let best_card = &best_card[..best_card.find("</div>").unwrap()];
    assert!(best_card.contains("<strong>15</strong>"), "{best_card}");
    assert!(best_card.contains("Civil Defence"), "{best_card}");
    assert!(best_card.contains("named list of the dead"), "{best_card}");
    // Low and high stay the envelope of the current figures.
    assert!(card.contains("<strong>11</strong>"), "low is still 11");

    // The same in Arabic.
    let response = app.get_in(&format!("/events/{event}"), "ar").await;
    let html = response.text().await.unwrap();
    assert!(section(&html, fact).contains("اختيار المراجِع"));

    // /export/events.csv
    let csv = app
        .get(&format!("/export/events.csv?event={event}"))
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| r[col("fact_id")] == fact.to_string())
        .expect("the fact's row");
    assert_eq!(&row[col("best")], "15");
    assert!(row[col("best_source")].contains("Civil Defence"));
    assert_eq!(&row[col("best_chosen_by")], "reviewer");
    assert_eq!(&row[col("best_reason")], "named list of the dead");
    assert_eq!(&row[col("low")], "11");
    assert_eq!(&row[col("high")], "15");

    // /api/events/{id}
    let api = app.get_json(&format!("/api/events/{event}")).await;
    let best = api_best(&api, fact);
    assert_eq!(best["value"], 15);
    assert_eq!(best["claim_id"], fifteen);
    assert_eq!(best["chosen_by"], "reviewer");
    assert_eq!(best["reason"], "named list of the dead");

    // ClaimReview, as JSON and in the page.
    let reviews = app
        .get_json(&format!("/events/{event}/claimreview.json"))
        .await;
    let body = reviews[0]["reviewBody"].as_str().unwrap();
    assert!(
        body.contains("Best estimate: 15 from White Helmets (Syria Civil Defence), the reviewer's choice (named list of the dead)"),
        "{body}"
    );
    assert!(html.contains("Best estimate: 15"), "the page's JSON-LD");

    // The menus that pick a figure name source, outlet, date and version.
    let (_, html) = page(&app, &format!("/events/{event}")).await;
    let select = &html[html.find(&format!("id=\"preferred-{fact}\"")).unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    let options: Vec<&str> = select.split("<option").skip(2).collect();
    assert!(options.len() >= 4, "{select}");
    for o in &options {
        assert!(o.contains(" 20"), "a date: {o}");
        assert!(o.contains("Version"), "a version: {o}");
    }
    let mut distinct: Vec<&str> = options.iter().map(|o| &o[o.find('>').unwrap()..]).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), options.len(), "entries are distinguishable");
    // The conflict page lists outlet, quote, date and link.
    let (_, conflict) = page(&app, &format!("/conflicts/{fact}")).await;
    assert!(conflict.contains("Orontes Post") && conflict.contains("Levant Wire"));
    assert!(conflict.contains(&format!("/articles/{}?version=2#claim-", first.article_id)));
    assert!(conflict.contains("civilians were killed"), "the quote");
}

fn api_best(api: &Value, fact: i64) -> Value {
    api["facts"]
        .as_array()
        .expect("facts")
        .iter()
        .find(|f| f["id"] == fact)
        .expect("the fact")["best"]
        .clone()
}

/// Posts `text` at `url` with no published date; returns (article id, event id).
async fn post_undated(app: &TestApp, text: &str, url: &str, outlet: &str) -> (i64, i64) {
    let response = app
        .post_article_json(&serde_json::json!({"text": text, "url": url, "outlet": outlet}))
        .await;
    assert_eq!(response.status().as_u16(), 201, "posting {url}");
    let body: Value = response.json().await.unwrap();
    let article_id = body["article_id"].as_i64().unwrap();
    let article = app.get_json(&format!("/api/articles/{article_id}")).await;
    (article_id, article["event_id"].as_i64().unwrap())
}

#[tokio::test]
async fn an_undated_articles_figures_are_dated_by_the_day_its_address_names() {
    // the same two reports, with the later day on one address and then on the other: the figure
    // at the later address is the observatory's current one whichever order they arrive in
    for (later_text, earlier_text) in [(FIRST_REVISED, FIRST), (FIRST, FIRST_REVISED)] {
        let app = spawn_app().await;
        let (later, event) = post_undated(
            &app,
            later_text,
            "https://levantwire.example/2018/05/28/wadi-market-toll",
            "Levant Wire",
        )
        .await;
        let (earlier, other_event) = post_undated(
            &app,
            earlier_text,
            "https://orontes.example/news/2018-05-27/wadi-market",
            "Orontes Post",
        )
        .await;
        assert_eq!(event, other_event, "one event");
        let rows = members(&app, civilians_fact(&app, event));
        let current: Vec<&Member> = rows.iter().filter(|m| m.6).collect();
        assert_eq!(
            current.len(),
            1,
            "one position for the observatory: {rows:?}"
        );
        assert_eq!(current[0].2, later, "{rows:?}");
        let old = rows
            .iter()
            .find(|m| m.2 == earlier)
            .expect("the earlier report's figure");
        assert_eq!(old.4, "explained", "{rows:?}");
        assert!(old.5.contains("superseded"), "{rows:?}");
    }
}

#[tokio::test]
async fn a_toll_another_source_raised_on_a_later_weekday_is_not_disputed() {
    let app = spawn_app().await;
    // the incident's day comes from the first report; the weekdays are read in the week after
    let (_, event) = post_undated(
        &app,
        "Market strike in Wadi al-Zein\n\nAn air strike hit the market of Wadi al-Zein on 22 May 2018. The Syrian Observatory for Human Rights said on Friday that 12 civilians had been killed.",
        "https://levantwire.example/wadi-strike",
        "Levant Wire",
    )
    .await;
    let (later, other_event) = post_undated(
        &app,
        "Wadi al-Zein toll rises\n\nThe toll of the air strike on the market of Wadi al-Zein rose to 19 civilians killed, the White Helmets said on Saturday.",
        "https://orontes.example/wadi-toll",
        "Orontes Post",
    )
    .await;
    assert_eq!(event, other_event, "one event");
    let rows = members(&app, civilians_fact(&app, event));
    let friday = rows.iter().find(|m| m.1 == 12).expect("Friday's 12");
    assert_eq!(friday.4, "explained", "{rows:?}");
    assert!(friday.5.contains("risen to 19"), "{rows:?}");
    let saturday = rows.iter().find(|m| m.2 == later).expect("Saturday's 19");
    assert_ne!(saturday.4, "disputed", "{rows:?}");
}
