//! The world gazetteer, acronyms that are not places, and events named after what happened.

use serde_json::json;

use crate::exports::post;
use crate::helpers::spawn_app;

const EN_KRAMATORSK: &str = "Missile strike on Ukrainian railway station kills 50\n\nA missile struck the railway station in Kramatorsk on Friday as civilians waited to be evacuated, killing at least 50 people, including five children, regional officials said.";
const AR_KRAMATORSK: &str = "مقتل 52 شخصا في قصف صاروخي على محطة قطارات | موقع الأخبار\n\nقتل 52 شخصا على الأقل في ضربة صاروخية استهدفت محطة القطارات في مدينة كراماتورسك الجمعة، وفق السلطات المحلية.";
const EN_SANA: &str = "Seven killed in blast\n\nSeven people were killed and twelve wounded when an explosive device went off near a bus, SANA reported on Sunday.";

#[tokio::test]
async fn a_town_outside_the_curated_places_joins_reports_in_both_languages() {
    let app = spawn_app().await;
    let en = post(
        &app,
        json!({"text": EN_KRAMATORSK, "url": "https://wire.example/kramatorsk",
               "outlet": "Wire", "published": "2022-04-08"}),
    )
    .await;
    let ar = post(
        &app,
        json!({"text": AR_KRAMATORSK, "url": "https://akhbar.example/kramatorsk",
               "outlet": "أخبار", "published": "2022-04-08"}),
    )
    .await;
    assert_eq!(en.event_id, ar.event_id, "one event for one strike");
    let event = app.get_json(&format!("/api/events/{}", en.event_id)).await;
    assert_eq!(event["place_key"], "ua.kramatorsk");
    assert_eq!(event["date_from"], "2022-04-08");
    // named after what happened, not after either headline (nor its site chrome)
    let title = event["title"].as_str().unwrap();
    assert!(title.starts_with("Kramatorsk, 8 April 2022: "), "{title}");
    assert!(title.ends_with("killed"), "{title}");
    let html = app
        .get_in(&format!("/events/{}", en.event_id), "ar")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("كراماتورسك، 8 أبريل 2022"), "Arabic title");
    assert!(!html.contains("| موقع الأخبار</h1>"));
}

#[tokio::test]
async fn sana_the_agency_is_not_a_place() {
    let app = spawn_app().await;
    let posted = post(
        &app,
        json!({"text": EN_SANA, "url": "https://wire.example/sana", "outlet": "Wire"}),
    )
    .await;
    let event = app
        .get_json(&format!("/api/events/{}", posted.event_id))
        .await;
    assert_ne!(event["place_key"], "ye.sanaa");
    assert!(event["place_key"].is_null(), "{event}");
    assert!(!event["title"].as_str().unwrap().contains("Sana"));
    // no publication date: the event is dated all the same (by when it was stored)
    assert!(event["date_from"].is_string(), "{event}");
}

/// A first report with no published date and no year anywhere.
fn undated_first_report() -> serde_json::Value {
    json!({"text": "Missile strike on Kramatorsk station\n\nA missile struck the railway station in Kramatorsk, killing at least 50 people, officials said.",
           "url": "https://wire.example/kramatorsk-strike", "outlet": "Wire"})
}

/// A later report without a published date: its address names 2022, its text "8 April".
fn address_dated_later_report() -> serde_json::Value {
    json!({"text": "Kramatorsk station toll rises to 52\n\nThe toll of the missile strike on the railway station in Kramatorsk on 8 April rose to 52, the governor said.",
           "url": "https://news.example/2022/04/09/kramatorsk-toll", "outlet": "News"})
}

#[tokio::test]
async fn an_undated_event_takes_its_day_from_the_text_and_address_of_a_later_report() {
    let app = spawn_app().await;
    // no published date, no year anywhere: dated by the day it was stored, for now
    let first = post(&app, undated_first_report()).await;
    let second = post(&app, address_dated_later_report()).await;
    assert_eq!(first.event_id, second.event_id, "one event for one strike");
    let event = app
        .get_json(&format!("/api/events/{}", first.event_id))
        .await;
    // the text's "8 April" takes its year from the address, and comes before the address's day
    assert_eq!(event["date_from"], "2022-04-08", "{event}");
    assert_eq!(event["date_to"], "2022-04-08", "{event}");
    let title = event["title"].as_str().unwrap();
    assert!(title.starts_with("Kramatorsk, 8 April 2022: "), "{title}");
}

#[tokio::test]
async fn a_reviewers_title_survives_a_later_report_that_dates_the_event() {
    let app = spawn_app().await;
    let first = post(&app, undated_first_report()).await;
    app.sign_in_as("editor", "reviewer").await;
    let renamed = app
        .post_form(
            &format!("/events/{}/rename", first.event_id),
            &[("title", "Kramatorsk station strike")],
        )
        .await;
    assert_eq!(renamed.status().as_u16(), 303);
    let second = post(&app, address_dated_later_report()).await;
    assert_eq!(first.event_id, second.event_id);
    let event = app
        .get_json(&format!("/api/events/{}", first.event_id))
        .await;
    assert_eq!(event["title"], "Kramatorsk station strike");
    assert_eq!(event["date_from"], "2022-04-08", "{event}");
}
