//! Scale out (issue 8): several `claimdb serve` processes on one PostgreSQL hold no state another
//! needs. Two applications with pools of their own share one database; articles about the same
//! incidents are posted to both at once, and the events and conflicts that result must be those of
//! a serial ingest through one server. A session opened on one is honoured by the other.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use futures::future::join_all;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_pair, TestApp};
use crate::wadi::{AR_WADI, EN_WADI};

/// One submission: `(url, outlet, published, text)`.
type Item = (&'static str, &'static str, &'static str, &'static str);

const WADI_V1: &str = "Shelling kills at least 15 civilians in Syrian market town\n\nBEIRUT (Levant Wire) — At least 15 civilians were killed and dozens wounded when artillery shells struck a crowded market in the town of Wadi al-Zein in northern Hama province on Tuesday, local medics said.\nThe Syrian Observatory for Human Rights, a Britain-based monitor, put the toll at 12 civilians, including five children.\nSyrian state news agency SANA quoted a military source as saying the army had responded to \"sources of fire\" and killed four terrorists. The source denied that any civilians had been killed.\nThe town, which lies 12 km from the front line, has been repeatedly shelled since January.";
const WADI_V2: &str = "Shelling kills 19 civilians in Syrian market town, rescuers say\n\nBEIRUT (Levant Wire) — Nineteen civilians were killed and 43 wounded when artillery shells struck a crowded market in the town of Wadi al-Zein in northern Hama province on Tuesday, the White Helmets rescue group said, raising an earlier toll of 15 given by local medics.\nThe Syrian Observatory for Human Rights, a Britain-based monitor, put the toll at 12 civilians, including five children.\nSyrian state news agency SANA quoted a military source as saying the army had responded to \"sources of fire\" and killed four terrorists. The source denied that any civilians had been killed.\nThe town, which lies 12 km from the front line, has been repeatedly shelled since January.";
const WADI_CIVIL_DEFENSE: &str = "قصف مدفعي على سوق وادي الزين يوقع 17 قتيلاً مدنياً\n\nحماة – خاص: قال الدفاع المدني السوري إن سبعة عشر مدنياً قتلوا وأصيب أربعون آخرون بجروح، بينهم ثمانية أطفال، جراء قصف مدفعي استهدف سوق بلدة وادي الزين في ريف حماة الشمالي صباح الثلاثاء.\nوأوضح الدفاع المدني في بيان أن فرقه انتشلت جثث القتلى من تحت أنقاض المحال التجارية، مشيراً إلى أن حصيلة الضحايا مرشحة للارتفاع بسبب وجود حالات حرجة.\nمن جهته، أفاد المرصد السوري لحقوق الإنسان بمقتل 12 مدنياً بينهم خمسة أطفال، وقال إن القصف مصدره مواقع لقوات النظام في محيط مدينة محردة.\nفي المقابل، نقلت وكالة الأنباء الرسمية (سانا) عن مصدر عسكري أن وحدات الجيش \"ردت على مصادر إطلاق القذائف\" وقتلت ٤ إرهابيين، نافياً سقوط أي قتلى مدنيين.\nوتقع البلدة على بعد 12 كيلومتراً من خطوط التماس التي رسمها اتفاق عام 2019.";
const AR_WADI_V2: &str = "قصف مدفعي على سوق وادي الزين يوقع 17 قتيلاً مدنياً\n\nحماة – خاص: قال الدفاع المدني السوري إن سبعة عشر مدنياً قتلوا وأصيب أربعون آخرون بجروح، بينهم ثمانية أطفال، جراء قصف مدفعي استهدف سوق بلدة وادي الزين في ريف حماة الشمالي صباح الثلاثاء.\nمن جهته، أفاد المرصد السوري لحقوق الإنسان بمقتل 14 مدنياً بينهم ستة أطفال، وقال إن القصف مصدره مواقع لقوات النظام في محيط مدينة محردة.";
const MHARDA_STATE_MEDIA: &str = "وحدات الجيش ترد على اعتداءات المجموعات الإرهابية في ريف حماة الشمالي\n\nحماة-سانا: ردت وحدات من الجيش العربي السوري على مصادر إطلاق القذائف التي استهدفت الأحياء السكنية في مدينة محردة، وأوقعت قتلى ومصابين في صفوف الإرهابيين.\nوذكر مصدر عسكري أن الوحدات قتلت أربعة إرهابيين ودمرت آليتين لهم، مؤكداً أن الأنباء عن سقوط قتلى مدنيين في وادي الزين \"عارية عن الصحة\".\nوكانت قذائف أطلقتها المجموعات الإرهابية قد أدت إلى إصابة ثلاثة مدنيين بجروح في محردة يوم الإثنين.";
const WADI_FR: &str = "Syrie : au moins 18 civils tués dans un bombardement sur le marché de Wadi al-Zein\n\nBEYROUTH (Dépêche du Levant) — Au moins 18 civils ont été tués mardi dans un bombardement d'artillerie sur le marché de Wadi al-Zein, dans la province de Hama, a indiqué l'Observatoire syrien des droits de l'homme.\nSelon la Défense civile syrienne, 40 civils ont été blessés.";
const WADI_TOLL_RISES: &str = "Death toll from Wadi al-Zein market shelling rises to 21\n\nBEIRUT (Cedar Daily) — At least 21 civilians were killed in Tuesday's artillery strike on the market of Wadi al-Zein in northern Hama province, the Syrian Observatory for Human Rights said on Wednesday.\nThe Syria Civil Defence said its teams had recovered the bodies of 19 civilians and that 45 civilians were wounded.";
const FLOOD_EN: &str = "Flash floods kill 23 in eastern province, ministry says; Red Crescent puts toll at 33\n\nDEIR EZ-ZOR, Syria (Levant Wire) — Flash floods that swept through villages along the Euphrates on Thursday night killed 23 people, the Ministry of Local Administration said on Friday, adding that seven others were missing.\nThe Syrian Arab Red Crescent said its teams had recovered 33 bodies and that roughly 2,500 families had been displaced from villages along the river.\nA ministry official, speaking on condition of anonymity, said the higher figure included people who had died of unrelated causes in the affected area. \"We are counting only deaths caused by the water,\" he said.\nRainfall of 80 mm was recorded in six hours, the highest since 1988.";
const FLOOD_AR: &str = "ارتفاع حصيلة ضحايا السيول في دير الزور إلى 33 قتيلاً\n\nدير الزور – «الفرات»: أعلن الهلال الأحمر العربي السوري ارتفاع حصيلة ضحايا السيول التي اجتاحت قرى على ضفاف الفرات إلى ثلاثة وثلاثين قتيلاً، فيما لا يزال سبعة أشخاص في عداد المفقودين.\nوكانت وزارة الإدارة المحلية قد أعلنت في وقت سابق مقتل ٢٣ شخصاً، وقالت إن فرقها أجلت نحو ألفي عائلة من المناطق المنخفضة.\nوبحسب الهلال الأحمر، نزحت قرابة 2500 عائلة، ودمرت المياه 120 منزلاً بشكل كامل.";
const FLOOD_TOLL: &str = "Euphrates flood toll in Deir ez-Zor rises to 36, Red Crescent says\n\nDAMASCUS (Cedar Daily) — The Syrian Arab Red Crescent said on Saturday that 36 people had been killed by the floods in Deir ez-Zor province.\nThe Ministry of Local Administration kept its toll at 23 dead.\nAbout 3,000 families have been displaced from villages along the Euphrates, the Red Crescent said.";
const FLOOD_TOLL_V2: &str = "Euphrates flood toll in Deir ez-Zor rises to 38, Red Crescent says\n\nDAMASCUS (Cedar Daily) — The Syrian Arab Red Crescent said on Saturday that 38 people had been killed by the floods in Deir ez-Zor province.\nThe Ministry of Local Administration raised its toll to 29 dead.\nAbout 3,000 families have been displaced from villages along the Euphrates, the Red Crescent said.";
const KAFR_ZITA_EN: &str = "Air strikes on Kafr Zita kill six civilians, monitor says\n\nBEIRUT (Levant Wire) — Air strikes on the town of Kafr Zita in northern Hama province killed six civilians on Wednesday, the Syrian Observatory for Human Rights said.\nThe Syria Civil Defence put the toll at eight civilians and said 14 people were wounded.";
const KAFR_ZITA_EN_V2: &str = "Air strikes on Kafr Zita kill nine civilians, monitor says\n\nBEIRUT (Levant Wire) — Air strikes on the town of Kafr Zita in northern Hama province killed nine civilians on Wednesday, the Syrian Observatory for Human Rights said, raising its earlier toll of six.\nThe Syria Civil Defence put the toll at eight civilians and said 14 people were wounded.";
const KAFR_ZITA_AR: &str = "غارات جوية على كفرزيتا توقع ثمانية قتلى مدنيين\n\nحماة – خاص: قال الدفاع المدني السوري إن ثمانية مدنيين قتلوا وأصيب 14 آخرون بجروح جراء غارات جوية استهدفت بلدة كفرزيتا في ريف حماة الشمالي يوم الأربعاء.\nوأفاد المرصد السوري لحقوق الإنسان بمقتل ستة مدنيين في الغارات.";

/// Three incidents, two of them in one province in the same days (so a wrong match would show):
/// the Wadi al-Zein market shelling, air strikes on Kafr Zita, and the Euphrates floods. Every
/// article has its own publication time, so "a source's later figure" never depends on the order
/// of arrival.
const FIRST_WAVE: &[Item] = &[
    (
        "https://levantwire.example/2024/wadi-zein-shelling",
        "Levant Wire",
        "2024-03-12 10:00",
        WADI_V1,
    ),
    (
        "https://alkhabar.example/wadi-zein-civil-defense",
        "الخبر",
        "2024-03-12 11:00",
        WADI_CIVIL_DEFENSE,
    ),
    (
        "https://levantwire.example/wadi",
        "Levant Wire",
        "2024-03-12 09:30",
        EN_WADI,
    ),
    (
        "https://arabic.example/wadi",
        "صحيفة الشام",
        "2024-03-12 12:00",
        AR_WADI,
    ),
    (
        "https://sana.example/mharda",
        "سانا",
        "2024-03-12 13:00",
        MHARDA_STATE_MEDIA,
    ),
    (
        "https://depeche.example/wadi-al-zein",
        "Dépêche du Levant",
        "2024-03-12 14:00",
        WADI_FR,
    ),
    (
        "https://levantwire.example/euphrates-floods",
        "Levant Wire",
        "2024-03-15 09:00",
        FLOOD_EN,
    ),
    (
        "https://alfurat.example/floods",
        "الفرات",
        "2024-03-15 10:00",
        FLOOD_AR,
    ),
    (
        "https://cedardaily.example/floods",
        "Cedar Daily",
        "2024-03-16 08:00",
        FLOOD_TOLL,
    ),
    (
        "https://levantwire.example/kafr-zita",
        "Levant Wire",
        "2024-03-13 07:00",
        KAFR_ZITA_EN,
    ),
    (
        "https://arabic.example/kafr-zita",
        "صحيفة الشام",
        "2024-03-13 09:00",
        KAFR_ZITA_AR,
    ),
];

/// New versions of first-wave urls, and a follow-up. They come after the first wave (the order
/// of two versions of one url decides which is the latest, in any deployment).
const SECOND_WAVE: &[Item] = &[
    (
        "https://levantwire.example/2024/wadi-zein-shelling",
        "Levant Wire",
        "2024-03-12 10:00",
        WADI_V2,
    ),
    (
        "https://arabic.example/wadi",
        "صحيفة الشام",
        "2024-03-12 12:00",
        AR_WADI_V2,
    ),
    (
        "https://levantwire.example/kafr-zita",
        "Levant Wire",
        "2024-03-13 07:00",
        KAFR_ZITA_EN_V2,
    ),
    (
        "https://cedardaily.example/floods",
        "Cedar Daily",
        "2024-03-16 08:00",
        FLOOD_TOLL_V2,
    ),
    (
        "https://cedardaily.example/wadi-toll",
        "Cedar Daily",
        "2024-03-13 08:00",
        WADI_TOLL_RISES,
    ),
];

const CONCURRENT_ROUNDS: usize = 3;

async fn submit(app: &TestApp, item: &Item) {
    let (url, outlet, published, text) = *item;
    let response = app
        .post_article_json(&json!({
            "text": text, "url": url, "outlet": outlet, "published": published,
        }))
        .await;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, 201, "posting {url} to {}: {body}", app.address);
}

/// Posts every item of each wave at once, alternating between the servers.
async fn ingest_concurrently(servers: &[&TestApp]) {
    for wave in [FIRST_WAVE, SECOND_WAVE] {
        join_all(
            wave.iter()
                .enumerate()
                .map(|(i, item)| submit(servers[i % servers.len()], item)),
        )
        .await;
    }
}

/// Posts the items one after the other through one server (each wave reversed when asked).
async fn ingest_serially(app: &TestApp, reversed: bool) {
    for wave in [FIRST_WAVE, SECOND_WAVE] {
        let mut items: Vec<&Item> = wave.iter().collect();
        if reversed {
            items.reverse();
        }
        for item in items {
            submit(app, item).await;
        }
    }
}

/// A fact member, by what it says (ids differ from one database to another).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct MemberView {
    article_url: String,
    version: i64,
    quote: String,
    value: i64,
    value_max: Option<i64>,
    qualifier: String,
    role: String,
    is_position: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct FactView {
    measure: String,
    group: String,
    is_conflict: bool,
    /// (low, best, high).
    bounds: (Option<i64>, Option<i64>, Option<i64>),
    members: Vec<MemberView>,
    /// The members grouped by source. A source's display name is not compared: the row is named
    /// by the first article that cites it ("military source" or "مصدر عسكري"), which depends on
    /// the order of arrival even in a serial ingest; who is the same source is what linking decides.
    sources: Vec<Vec<MemberView>>,
}

impl FactView {
    /// "killed/civilians 0 12 15 17 19 CONFLICT"
    fn summary(&self) -> String {
        let values: BTreeSet<(i64, Option<i64>)> = self
            .members
            .iter()
            .map(|m| (m.value, m.value_max))
            .collect();
        let values: Vec<String> = values
            .iter()
            .map(|(v, max)| match max {
                Some(max) if max != v => format!("{v}-{max}"),
                _ => v.to_string(),
            })
            .collect();
        format!(
            "{}/{} [{}]{}",
            self.measure,
            self.group,
            values.join(" "),
            if self.is_conflict { " CONFLICT" } else { "" }
        )
    }
}

/// What a database holds, independent of ids and titles (an event is named by its first article,
/// which depends on the order of arrival): each event as the sorted urls of its articles, with
/// its facts.
type Snapshot = BTreeMap<Vec<String>, Vec<FactView>>;

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let list = app.get_json("/api/events?per_page=200").await;
    assert!(list["next"].is_null(), "more than one page of events");
    let mut out = Snapshot::new();
    for item in list["items"].as_array().expect("items") {
        let id = item["id"].as_i64().expect("event id");
        let event = app.get_json(&format!("/api/events/{id}")).await;
        let mut urls: Vec<String> = event["articles"]
            .as_array()
            .expect("articles")
            .iter()
            .map(|a| text(&a["url"]))
            .collect();
        urls.sort();
        let mut facts: Vec<FactView> = event["facts"]
            .as_array()
            .expect("facts")
            .iter()
            .map(|f| {
                let mut by_source: BTreeMap<String, Vec<MemberView>> = BTreeMap::new();
                for m in f["members"].as_array().expect("members") {
                    by_source
                        .entry(text(&m["source"]))
                        .or_default()
                        .push(MemberView {
                            article_url: text(&m["article_url"]),
                            version: m["version"].as_i64().unwrap_or_default(),
                            quote: text(&m["quote"]),
                            value: m["value"].as_i64().unwrap_or_default(),
                            value_max: m["value_max"].as_i64(),
                            qualifier: text(&m["qualifier"]),
                            role: text(&m["role"]),
                            is_position: m["is_position"].as_bool().unwrap_or_default(),
                        });
                }
                let mut sources: Vec<Vec<MemberView>> = by_source.into_values().collect();
                for list in &mut sources {
                    list.sort();
                }
                sources.sort();
                let mut members: Vec<MemberView> = sources.concat();
                members.sort();
                let bound = |b: &Value| b["value"].as_i64();
                FactView {
                    measure: text(&f["measure"]),
                    group: text(&f["group"]),
                    is_conflict: f["is_conflict"].as_bool().unwrap_or_default(),
                    bounds: (bound(&f["low"]), bound(&f["best"]), bound(&f["high"])),
                    members,
                    sources,
                }
            })
            .collect();
        facts.sort();
        assert!(
            out.insert(urls.clone(), facts).is_none(),
            "two events with the articles {urls:?}"
        );
    }
    out
}

/// The events and their conflicts, one line each, for messages.
fn outline(s: &Snapshot) -> String {
    let mut out = String::new();
    for (urls, facts) in s {
        out.push_str(&format!("event {urls:?}\n"));
        for f in facts.iter().filter(|f| f.is_conflict) {
            out.push_str(&format!("    {}\n", f.summary()));
        }
    }
    out
}

/// Where two snapshots differ, in words (empty when they are equal).
fn differences(expected: &Snapshot, got: &Snapshot) -> String {
    let mut out = String::new();
    for (urls, facts) in expected {
        match got.get(urls) {
            None => out.push_str(&format!("missing event {urls:?}\n")),
            Some(other) if other != facts => {
                out.push_str(&format!("event {urls:?} has other facts:\n"));
                for f in facts.iter().filter(|f| !other.contains(f)) {
                    out.push_str(&format!("  expected {}\n", f.summary()));
                    match other
                        .iter()
                        .find(|o| (&o.measure, &o.group) == (&f.measure, &f.group))
                    {
                        None => out.push_str("  got no such fact\n"),
                        Some(o) => {
                            out.push_str(&format!("  got      {}\n", o.summary()));
                            if (o.is_conflict, o.bounds) != (f.is_conflict, f.bounds) {
                                out.push_str(&format!(
                                    "    conflict, bounds: expected {:?}, got {:?}\n",
                                    (f.is_conflict, f.bounds),
                                    (o.is_conflict, o.bounds)
                                ));
                            }
                            for m in f.members.iter().filter(|m| !o.members.contains(m)) {
                                out.push_str(&format!("    expected member {m:?}\n"));
                            }
                            for m in o.members.iter().filter(|m| !f.members.contains(m)) {
                                out.push_str(&format!("    got member      {m:?}\n"));
                            }
                            if o.sources != f.sources {
                                out.push_str("    the members are grouped into other sources\n");
                            }
                        }
                    }
                }
                for f in other.iter().filter(|o| {
                    !facts
                        .iter()
                        .any(|f| (&o.measure, &o.group) == (&f.measure, &f.group))
                }) {
                    out.push_str(&format!("  unexpected {}\n", f.summary()));
                }
            }
            Some(_) => {}
        }
    }
    for urls in got.keys().filter(|u| !expected.contains_key(*u)) {
        out.push_str(&format!("unexpected event {urls:?}\n"));
    }
    out
}

#[tokio::test]
async fn two_servers_ingesting_at_once_link_as_one_server_ingesting_serially() {
    let started = Instant::now();
    let serial = spawn_app().await;
    // Signed in: the second versions revise stored articles.
    serial.sign_in_editor().await;
    ingest_serially(&serial, false).await;
    let expected = snapshot(&serial).await;

    // The fixture means something: three events of two articles or more, a conflict in each.
    assert_eq!(expected.len(), 3, "events:\n{}", outline(&expected));
    assert!(
        expected.keys().all(|urls| urls.len() >= 2),
        "events:\n{}",
        outline(&expected)
    );
    assert!(
        expected
            .values()
            .all(|facts| facts.iter().any(|f| f.is_conflict)),
        "events:\n{}",
        outline(&expected)
    );
    // And it links the same in another order, so a concurrent ingest has one right answer.
    let reversed = spawn_app().await;
    reversed.sign_in_editor().await;
    ingest_serially(&reversed, true).await;
    let diff = differences(&expected, &snapshot(&reversed).await);
    assert!(
        diff.is_empty(),
        "the fixture links differently when reversed:\n{diff}"
    );
    eprintln!(
        "serial ingests (2 × {} posts): {:.1?}\n{}",
        FIRST_WAVE.len() + SECOND_WAVE.len(),
        started.elapsed(),
        outline(&expected)
    );

    for round in 1..=CONCURRENT_ROUNDS {
        let started = Instant::now();
        let (a, b) = spawn_pair().await;
        a.sign_in_editor().await;
        b.sign_in_editor().await;
        ingest_concurrently(&[&a, &b]).await;
        let ingested = started.elapsed();
        // Both servers read the same database.
        let (seen_by_a, seen_by_b) = (snapshot(&a).await, snapshot(&b).await);
        assert_eq!(seen_by_a, seen_by_b, "round {round}: the servers disagree");
        let diff = differences(&expected, &seen_by_a);
        assert!(
            diff.is_empty(),
            "round {round}: two servers at once linked otherwise than one serially:\n{diff}\n\
             serial:\n{}\nconcurrent:\n{}",
            outline(&expected),
            outline(&seen_by_a)
        );
        eprintln!(
            "concurrent round {round}: ingested in {ingested:.1?}, equal to the serial ingest"
        );
    }
}

#[tokio::test]
async fn a_session_opened_on_one_server_is_honoured_by_the_other() {
    let (a, b) = spawn_pair().await;
    a.add_user("rania", "a long enough password", "reviewer");
    let response = a
        .post_form(
            "/login",
            &[
                ("username", "rania"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .map(str::to_string)
        .filter(|c| c.starts_with("claimdb_session=") || c.starts_with("claimdb_csrf="))
        .collect();
    assert_eq!(cookies.len(), 2, "session and CSRF cookies: {cookies:?}");
    let cookie_header = cookies.join("; ");
    let csrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("claimdb_csrf="))
        .unwrap()
        .to_string();

    // A client that never spoke to A, carrying A's cookies, as a load balancer might route it.
    let elsewhere = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get_on = |app: &TestApp, path: &str| {
        elsewhere
            .get(app.url(path))
            .header("Cookie", &cookie_header)
            .send()
    };
    let home = get_on(&b, "/").await.unwrap().text().await.unwrap();
    assert!(
        home.contains("rania") && home.contains("Sign out"),
        "B does not know A's session"
    );
    // A reviewer-only page on B: the audit log, which shows the sign-in made on A.
    let audit = get_on(&b, "/audit").await.unwrap();
    assert_eq!(audit.status().as_u16(), 200, "the audit log on B");
    assert!(audit.text().await.unwrap().contains("rania"));
    // A form on B with the CSRF token A issued: the token is the cookie's value, nothing a
    // server keeps.
    let sign_out = elsewhere
        .post(b.url("/logout"))
        .header("Cookie", &cookie_header)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(sign_out.status().as_u16(), 303, "signing out on B");
    // Signing out on B ended the session on A too.
    let home = get_on(&a, "/").await.unwrap().text().await.unwrap();
    assert!(
        !home.contains("rania") && home.contains("Sign in"),
        "A still honours a session closed on B"
    );
    let audit = get_on(&a, "/audit").await.unwrap();
    assert_eq!(
        audit.status().as_u16(),
        401,
        "the audit log on A, signed out"
    );
}
