//! Figures dispute each other only when they answer the same question: `unknown` figures about
//! different things (attackers and bodies, vehicles and cars) are not disputed against each
//! other, and a country's share of a two-country toll is a part of it, not a rival figure.

use crate::helpers::TestApp;
use crate::wadi::post;

/// (measure, value, role) of every conflict member in `/export/conflicts.csv`.
async fn conflict_members(app: &TestApp) -> Vec<(String, i64, String)> {
    let body = app.get("/export/conflicts.csv").await.text().await.unwrap();
    let body = body.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (measure, value, role) = (col("measure"), col("value"), col("role"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[measure].to_string(),
                r[value].parse().unwrap(),
                r[role].to_string(),
            )
        })
        .collect()
}

fn disputed(members: &[(String, i64, String)], measure: &str) -> Vec<i64> {
    let mut v: Vec<i64> = members
        .iter()
        .filter(|(m, _, role)| m == measure && role == "disputed")
        .map(|(_, v, _)| *v)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[tokio::test]
async fn unknown_figures_about_different_things_are_not_disputed() {
    let app = crate::helpers::spawn_app().await;
    let army = post(
        &app,
        "Army says 23 terrorists killed in Mayadin raid\n\nThe army said 23 terrorists were killed in the raid on Mayadin on Tuesday, and that 5 of its vehicles were destroyed.",
        "https://army-news.example/mayadin",
        "Army News",
        "2024-05-14",
    )
    .await;
    let rescuers = post(
        &app,
        "Rescuers recover 5 bodies after Mayadin raid\n\nRescuers said they recovered 5 bodies from the rubble in Mayadin on Tuesday after the raid, and that 3 cars were destroyed.",
        "https://rescue-wire.example/mayadin",
        "Rescue Wire",
        "2024-05-14",
    )
    .await;
    assert_eq!(army.event_id, rescuers.event_id, "one incident, one event");
    let members = conflict_members(&app).await;
    assert!(
        disputed(&members, "killed").is_empty(),
        "23 terrorists and 5 bodies are different questions: {members:?}"
    );
    assert!(
        disputed(&members, "destroyed").is_empty(),
        "5 vehicles and 3 cars are different questions: {members:?}"
    );

    // the same kind of thing from two sources still conflicts
    post(
        &app,
        "Monitor: 40 terrorists killed in Mayadin raid\n\nA war monitor said 40 terrorists were killed in the raid on Mayadin on Tuesday.",
        "https://monitor.example/mayadin",
        "Monitor Daily",
        "2024-05-14",
    )
    .await;
    let members = conflict_members(&app).await;
    assert_eq!(disputed(&members, "killed"), vec![23, 40], "{members:?}");
}

#[tokio::test]
async fn a_countrys_share_of_a_two_country_toll_is_a_part_of_it() {
    let app = crate::helpers::spawn_app().await;
    let first = post(
        &app,
        "Earthquake toll passes 5,000 in Turkey and Syria\n\nThe earthquake centred near Gaziantep killed 3,400 people in Turkey and 1,600 people in Syria, officials said on Tuesday.",
        "https://quake-wire.example/toll",
        "Quake Wire",
        "2023-02-07",
    )
    .await;
    let second = post(
        &app,
        "Turkey Syria earthquake kills 5,000\n\nThe earthquake centred near Gaziantep killed 5,000 people across the region, the United Nations said on Tuesday.",
        "https://world-desk.example/quake",
        "World Desk",
        "2023-02-07",
    )
    .await;
    assert_eq!(first.event_id, second.event_id, "one incident, one event");
    let members = conflict_members(&app).await;
    assert!(
        disputed(&members, "killed").is_empty(),
        "3,400 in Turkey and 1,600 in Syria are parts of 5,000: {members:?}"
    );
}
