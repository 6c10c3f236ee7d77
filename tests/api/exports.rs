//! CSV exports: `/export/claims.csv`, `/export/conflicts.csv`, `/export/events.csv` and
//! `claimdb export …`: headers, RFC 4180 escaping, the byte-order mark, row counts, filters,
//! paging in bounded pages, and the command line with the same filters as flags.

use claimdb::db::export::{self, ExportFilter, Kind};
use diesel::prelude::*;
use serde_json::json;

use crate::helpers::TestApp;

/// Shortened from the development corpus: one shelling, reported in English and in Arabic with
/// different tolls from different sources.
pub const EN_WADI: &str = "Shelling kills at least 15 civilians in Syrian market town\n\nBEIRUT (Levant Wire) — At least 15 civilians were killed and dozens wounded when artillery shells struck a crowded market in the town of Wadi al-Zein in northern Hama province on Tuesday, local medics said.\nThe Syrian Observatory for Human Rights, a Britain-based monitor, put the toll at 12 civilians, including five children.\nThe town, which lies 12 km from the front line, has been repeatedly shelled since January.";
pub const AR_WADI: &str = "قصف مدفعي على سوق وادي الزين يوقع 17 قتيلاً مدنياً\n\nحماة – خاص: قال الدفاع المدني السوري إن سبعة عشر مدنياً قتلوا وأصيب أربعون آخرون بجروح، بينهم ثمانية أطفال، جراء قصف مدفعي استهدف سوق بلدة وادي الزين في ريف حماة الشمالي صباح الثلاثاء.\nمن جهته، أفاد المرصد السوري لحقوق الإنسان بمقتل 12 مدنياً بينهم خمسة أطفال، وقال إن القصف مصدره مواقع لقوات النظام في محيط مدينة محردة.";
pub const EN_BEIRUT: &str = "Police arrest 27 at Beirut fuel protest\n\nBEIRUT (Cedar Daily) — Lebanese police arrested 27 protesters on Saturday as about 3,000 people marched on parliament in Beirut over fuel prices, the Internal Security Forces said.";
/// A title with everything CSV must quote: a comma, double quotes and a line break.
pub const TRICKY_TITLE: &str = "Shelling, \"market\" town\nsecond line";
/// The event's title: named after what happened, never after the first article's headline.
pub const WADI_EVENT_TITLE: &str = "Wadi al-Zein, 12 March 2024: shelling, killed";

pub struct Posted {
    pub article_id: i64,
    pub event_id: i64,
}

pub async fn post(app: &TestApp, body: serde_json::Value) -> Posted {
    let response = app.post_article_json(&body).await;
    assert_eq!(response.status().as_u16(), 201, "posting {body}");
    let created: serde_json::Value = response.json().await.unwrap();
    let article_id = created["article_id"].as_i64().unwrap();
    let article = app.get_json(&format!("/api/articles/{article_id}")).await;
    Posted {
        article_id,
        event_id: article["event_id"].as_i64().expect("an event"),
    }
}

/// The Wadi al-Zein pair (one event with a killed/civilians conflict) and a Beirut article.
pub async fn fixture(app: &TestApp) -> (Posted, Posted, Posted) {
    let en = post(
        app,
        json!({"text": EN_WADI, "title": TRICKY_TITLE, "url": "https://levantwire.example/wadi",
               "outlet": "Levant Wire", "published": "2024-03-12"}),
    )
    .await;
    let ar = post(
        app,
        json!({"text": AR_WADI, "url": "https://arabic.example/wadi", "outlet": "صحيفة الشام",
               "published": "2024-03-12"}),
    )
    .await;
    let beirut = post(
        app,
        json!({"text": EN_BEIRUT, "url": "https://cedar.example/fuel", "outlet": "Cedar Daily",
               "published": "2024-03-16"}),
    )
    .await;
    assert_eq!(en.event_id, ar.event_id);
    assert_ne!(en.event_id, beirut.event_id);
    (en, ar, beirut)
}

/// The killed/civilians conflict of an event and its members' (claim id, value, source name).
pub fn wadi_conflict(app: &TestApp, event_id: i64) -> (i64, Vec<(i64, i64, Option<String>)>) {
    use claimdb::db::schema::{claims, fact_members, facts, sources};
    let mut conn = app.pool.get().unwrap();
    let fact: i64 = facts::table
        .filter(facts::event_id.eq(event_id))
        .filter(facts::measure.eq("killed"))
        .filter(facts::group_key.eq("civilians"))
        .filter(facts::is_conflict.eq(true))
        .select(facts::id)
        .first(&mut conn)
        .unwrap();
    let members = fact_members::table
        .inner_join(claims::table)
        .left_join(sources::table.on(fact_members::source_id.eq(sources::id.nullable())))
        .filter(fact_members::fact_id.eq(fact))
        .select((claims::id, claims::value, sources::name.nullable()))
        .order(claims::value)
        .load(&mut conn)
        .unwrap();
    (fact, members)
}

/// Resolves a conflict directly in the database, as the review form would.
pub fn resolve(app: &TestApp, fact: i64, preferred: Option<i64>, note: &str) {
    use claimdb::db::schema::facts;
    let mut conn = app.pool.get().unwrap();
    diesel::update(facts::table.find(fact))
        .set((
            facts::status.eq("resolved"),
            facts::resolution_note.eq(note),
            facts::resolved_at.eq(chrono::Utc::now()),
            facts::preferred_claim_id.eq(preferred),
            facts::preferred_reason.eq(preferred.map(|_| "named list of the dead")),
        ))
        .execute(&mut conn)
        .unwrap();
}

fn count(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(sql).get_result::<N>(&mut conn).unwrap().n
}

struct Csv {
    status: u16,
    header: Vec<String>,
    rows: Vec<csv::StringRecord>,
    raw: Vec<u8>,
}

impl Csv {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    fn column(&self, name: &str) -> Vec<String> {
        let i = self.col(name);
        self.rows.iter().map(|r| r[i].to_string()).collect()
    }
}

async fn get_csv(app: &TestApp, path: &str) -> Csv {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let raw = response.bytes().await.unwrap().to_vec();
    if status != 200 {
        return Csv {
            status,
            header: Vec::new(),
            rows: Vec::new(),
            raw,
        };
    }
    let body = raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&raw);
    let mut reader = csv::Reader::from_reader(body);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader.records().map(|r| r.unwrap()).collect();
    Csv {
        status,
        header,
        rows,
        raw,
    }
}

#[tokio::test]
async fn the_claims_csv_round_trips_awkward_text_and_takes_the_list_filters() {
    let app = crate::helpers::spawn_app().await;
    let (en, _, beirut) = fixture(&app).await;

    let response = app.get("/export/claims.csv").await;
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"claims.csv\""
    );
    assert!(
        response.headers().get("content-length").is_none(),
        "streamed, not sized in advance"
    );
    let all = get_csv(&app, "/export/claims.csv").await;
    assert_eq!(all.header, export::CLAIMS_HEADER);
    assert_eq!(
        all.rows.len() as i64,
        count(&app, "SELECT count(*) AS n FROM claims")
    );
    // RFC 4180: the comma, the quotes and the line break come back as they went in.
    let titles = all.column("article_title");
    assert!(titles.iter().any(|t| t == TRICKY_TITLE), "{titles:?}");
    assert!(String::from_utf8_lossy(&all.raw)
        .contains("\"Shelling, \"\"market\"\" town\nsecond line\""));
    // Labels and ids, each in their own columns; Arabic as UTF-8.
    assert!(all
        .column("event_title")
        .iter()
        .any(|t| t == WADI_EVENT_TITLE));
    assert!(all.column("outlet").iter().any(|o| o == "صحيفة الشام"));
    assert!(all
        .column("published")
        .iter()
        .all(|p| p == "2024-03-12" || p == "2024-03-16"));

    // The byte-order mark, and nothing else changes.
    let bom = get_csv(&app, "/export/claims.csv?bom=1").await;
    assert_eq!(&bom.raw[..3], b"\xEF\xBB\xBF");
    assert_eq!(&bom.raw[3..], &all.raw[..]);
    assert_eq!(all.raw[0], b'c');

    // Filters.
    let article = get_csv(
        &app,
        &format!("/export/claims.csv?article={}", beirut.article_id),
    )
    .await;
    assert!(!article.rows.is_empty());
    assert!(article
        .column("article_id")
        .iter()
        .all(|a| *a == beirut.article_id.to_string()));
    let event = get_csv(&app, &format!("/export/claims.csv?event={}", en.event_id)).await;
    assert!(event
        .column("event_id")
        .iter()
        .all(|e| *e == en.event_id.to_string()));
    assert!(event.rows.len() < all.rows.len());
    let wounded = get_csv(&app, "/export/claims.csv?measure=wounded").await;
    assert!(!wounded.rows.is_empty());
    assert!(wounded.column("measure").iter().all(|m| m == "wounded"));
    let observatory = get_csv(&app, "/export/claims.csv?source=OBSERVATORY").await;
    assert!(!observatory.rows.is_empty() && observatory.rows.len() < all.rows.len());
    let (s, c) = (
        observatory.col("source"),
        observatory.col("canonical_source"),
    );
    assert!(observatory.rows.iter().all(|r| {
        format!("{} {}", &r[s], &r[c])
            .to_lowercase()
            .contains("observatory")
    }));
    let in_march_12 = get_csv(&app, "/export/claims.csv?from=2024-03-12&to=2024-03-12").await;
    assert_eq!(
        in_march_12.rows.len(),
        all.rows.len() - article.rows.len(),
        "only the Beirut article is from another day"
    );
    let later = get_csv(&app, "/export/claims.csv?from=2024-03-13").await;
    assert_eq!(later.rows.len(), article.rows.len());
    let none = get_csv(&app, "/export/claims.csv?status=confirmed").await;
    assert_eq!((none.status, none.rows.len()), (200, 0));
    assert_eq!(
        none.header,
        export::CLAIMS_HEADER,
        "an empty export keeps its header"
    );
    let unreviewed = get_csv(&app, "/export/claims.csv?status=unreviewed").await;
    assert_eq!(unreviewed.rows.len(), all.rows.len());

    for bad in [
        "status=open",
        "measure=eaten",
        "group=%3Cscript%3E",
        "event=abc",
        "article=-1",
        "from=2024-02-30",
        "to=tomorrow",
        "from=2024-03-13&to=2024-03-12",
        "bom=perhaps",
    ] {
        let response = app.get(&format!("/export/claims.csv?{bad}")).await;
        assert_eq!(response.status().as_u16(), 400, "{bad}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script>"), "{bad}");
    }
    let response = app.get("/export/claims.csv?from=2024-02-30").await;
    assert!(response.text().await.unwrap().contains("YYYY-MM-DD"));
}

#[tokio::test]
async fn the_conflicts_csv_keeps_its_contract_and_filters_whole_conflicts() {
    let app = crate::helpers::spawn_app().await;
    let (en, _, _) = fixture(&app).await;
    let (fact, members) = wadi_conflict(&app, en.event_id);

    let all = get_csv(&app, "/export/conflicts.csv").await;
    // The columns `score_conflicts.py` and newsroom tools read keep their order; new ones
    // are appended.
    assert_eq!(all.header, export::CONFLICTS_HEADER);
    assert_eq!(
        &all.header[..20].join(","),
        "conflict_id,event_id,event_title,measure,group,value,value_max,qualifier,source,canonical_source,outlet,article_url,article_title,article_id,version,quote,role,reason,status,claim_id"
    );
    assert_eq!(
        all.rows.len() as i64,
        count(
            &app,
            "SELECT count(*) AS n FROM fact_members m JOIN facts f ON f.id = m.fact_id WHERE f.is_conflict"
        )
    );
    assert!(all
        .column("event_title")
        .iter()
        .any(|t| t == WADI_EVENT_TITLE));
    assert!(all.column("preferred").iter().all(|p| p == "false"));

    // Resolve with a preferred figure and a note that needs quoting.
    let sohr = members.iter().find(|m| m.1 == 12).unwrap().0;
    let note = "Checked, \"named\" list;\nsecond line";
    resolve(&app, fact, Some(sohr), note);
    let resolved = get_csv(&app, "/export/conflicts.csv?status=resolved").await;
    assert_eq!(resolved.rows.len(), members.len());
    assert!(resolved
        .column("conflict_id")
        .iter()
        .all(|c| *c == fact.to_string()));
    assert!(resolved.column("resolution_note").iter().all(|n| n == note));
    let preferred: Vec<String> = resolved
        .rows
        .iter()
        .filter(|r| &r[resolved.col("preferred")] == "true")
        .map(|r| r[resolved.col("claim_id")].to_string())
        .collect();
    assert_eq!(preferred, vec![sohr.to_string()]);
    let open = get_csv(&app, "/export/conflicts.csv?status=open").await;
    assert_eq!(open.rows.len() + resolved.rows.len(), all.rows.len());

    // A source filter chooses conflicts with a figure from that source, with all their members.
    let civil = get_csv(
        &app,
        "/export/conflicts.csv?source=%D8%A7%D9%84%D8%AF%D9%81%D8%A7%D8%B9",
    )
    .await;
    assert!(civil.column("conflict_id").contains(&fact.to_string()));
    assert!(
        civil.column("value").contains(&"12".to_string()),
        "the other side too"
    );
    let nobody = get_csv(&app, "/export/conflicts.csv?source=nobody%25").await;
    assert_eq!((nobody.status, nobody.rows.len()), (200, 0));
    let later = get_csv(&app, "/export/conflicts.csv?from=2024-03-13").await;
    assert_eq!(later.rows.len(), 0);
    let killed = get_csv(
        &app,
        &format!(
            "/export/conflicts.csv?event={}&measure=killed&group=civilians",
            en.event_id
        ),
    )
    .await;
    assert_eq!(killed.rows.len(), members.len());
    for bad in [
        "status=closed",
        "measure=eaten",
        "from=12-03-2024",
        "event=0",
    ] {
        let response = app.get(&format!("/export/conflicts.csv?{bad}")).await;
        assert_eq!(response.status().as_u16(), 400, "{bad}");
    }
}

#[tokio::test]
async fn the_events_csv_has_one_row_per_fact_with_the_sources_of_its_bounds() {
    let app = crate::helpers::spawn_app().await;
    let (en, _, beirut) = fixture(&app).await;
    let (fact, _) = wadi_conflict(&app, en.event_id);

    let all = get_csv(&app, "/export/events.csv?bom=1").await;
    assert_eq!(&all.raw[..3], b"\xEF\xBB\xBF");
    assert_eq!(all.header, export::EVENTS_HEADER);
    assert_eq!(
        all.rows.len() as i64,
        count(&app, "SELECT count(*) AS n FROM facts")
    );
    let row = all
        .rows
        .iter()
        .find(|r| r[all.col("fact_id")] == fact.to_string())
        .unwrap();
    let at = |name: &str| row[all.col(name)].to_string();
    assert_eq!(at("event_id"), en.event_id.to_string());
    assert_eq!(at("event_title"), WADI_EVENT_TITLE);
    assert_eq!(
        (at("measure").as_str(), at("group").as_str()),
        ("killed", "civilians")
    );
    assert_eq!(at("low"), "12");
    assert_eq!(at("high"), "17");
    assert!(!at("low_source").is_empty() && !at("high_source").is_empty());
    assert_ne!(at("low_source"), at("high_source"));
    assert!(at("sources").contains("; "), "{}", at("sources"));
    assert_eq!(at("is_conflict"), "true");
    assert_eq!(at("status"), "open");
    let open_conflicts = count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM facts WHERE event_id = {} AND is_conflict AND status = 'open'",
            en.event_id
        ),
    );
    assert_eq!(at("open_conflicts"), open_conflicts.to_string());
    assert_eq!(at("articles"), "2");

    let beirut_rows = get_csv(
        &app,
        &format!("/export/events.csv?event={}", beirut.event_id),
    )
    .await;
    assert!(!beirut_rows.rows.is_empty());
    assert!(beirut_rows
        .column("event_id")
        .iter()
        .all(|e| *e == beirut.event_id.to_string()));
    let killed = get_csv(&app, "/export/events.csv?measure=killed&group=civilians").await;
    assert_eq!(killed.column("fact_id"), vec![fact.to_string()]);
    resolve(&app, fact, None, "Counted at different times.");
    let resolved = get_csv(&app, "/export/events.csv?status=resolved").await;
    assert_eq!(resolved.column("fact_id"), vec![fact.to_string()]);
    let march_16 = get_csv(&app, "/export/events.csv?from=2024-03-16&to=2024-03-16").await;
    assert_eq!(march_16.rows.len(), beirut_rows.rows.len());
    for bad in ["status=rejected", "to=2024-3-1x", "group=A"] {
        let response = app.get(&format!("/export/events.csv?{bad}")).await;
        assert_eq!(response.status().as_u16(), 400, "{bad}");
    }
}

#[tokio::test]
async fn exports_read_in_small_pages_give_the_same_csv_as_the_web() {
    let app = crate::helpers::spawn_app().await;
    let (en, _, _) = fixture(&app).await;
    let filters = [
        ExportFilter::default(),
        ExportFilter {
            event_id: Some(en.event_id),
            ..Default::default()
        },
    ];
    for kind in [Kind::Claims, Kind::Conflicts, Kind::Events] {
        for filter in &filters {
            let pool = app.pool.clone();
            let filter2 = filter.clone();
            let (small, large, rows) = tokio::task::spawn_blocking(move || {
                let mut conn = pool.get().unwrap();
                let mut small = Vec::new();
                let rows =
                    export::write_csv(&mut conn, kind, &filter2, false, 1, &mut small).unwrap();
                let mut large = Vec::new();
                export::write_csv(&mut conn, kind, &filter2, false, 1000, &mut large).unwrap();
                (small, large, rows)
            })
            .await
            .unwrap();
            assert!(rows >= 2, "{kind:?}: several pages of one row");
            assert_eq!(small, large, "{kind:?}");
            let query = match filter.event_id {
                Some(e) => format!("?event={e}"),
                None => String::new(),
            };
            let web = app
                .get(&format!("/export/{}{query}", kind.file_name()))
                .await
                .bytes()
                .await
                .unwrap();
            assert_eq!(&web[..], &large[..], "{kind:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_export_command_takes_the_same_filters_as_flags() {
    let (app, url) = crate::json_api::spawn_app_with_url().await;
    let (en, _, _) = fixture(&app).await;
    let claimdb = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .arg("--database-url")
            .arg(&url)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("cannot run claimdb")
    };
    let event = en.event_id.to_string();
    let cases: [(&[&str], String); 4] = [
        (
            &[
                "export",
                "conflicts",
                "--measure",
                "killed",
                "--group",
                "civilians",
                "--bom",
            ],
            "/export/conflicts.csv?measure=killed&group=civilians&bom=1".to_string(),
        ),
        (
            &[
                "export",
                "claims",
                "--event",
                &event,
                "--source",
                "observatory",
                "--status",
                "unreviewed",
            ],
            format!("/export/claims.csv?event={event}&source=observatory&status=unreviewed"),
        ),
        (
            &[
                "export",
                "events",
                "--from",
                "2024-03-12",
                "--to",
                "2024-03-12",
            ],
            "/export/events.csv?from=2024-03-12&to=2024-03-12".to_string(),
        ),
        (&["export", "events"], "/export/events.csv".to_string()),
    ];
    for (args, path) in cases {
        let out = tokio::task::block_in_place(|| claimdb(args));
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let web = app.get(&path).await.bytes().await.unwrap();
        assert_eq!(out.stdout, &web[..], "{args:?}");
        assert!(out.stdout.len() > 200, "{args:?}: rows, not just a header");
    }
    for bad in [
        &["export", "claims", "--status", "open"][..],
        &["export", "conflicts", "--from", "2024-02-30"],
        &["export", "events", "--measure", "eaten"],
        &[
            "export",
            "events",
            "--from",
            "2024-03-02",
            "--to",
            "2024-03-01",
        ],
        &["export", "everything"],
    ] {
        let out = tokio::task::block_in_place(|| claimdb(bad));
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(out.stdout.is_empty(), "{bad:?}");
        assert!(!out.stderr.is_empty(), "{bad:?}");
    }
    let out = tokio::task::block_in_place(|| claimdb(&["export", "claims", "--status", "open"]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unreviewed, confirmed"));
}

/// Columns that hold numbers (or booleans), never text.
const NUMERIC_COLUMNS: [&str; 18] = [
    "conflict_id",
    "event_id",
    "fact_id",
    "claim_id",
    "article_id",
    "version",
    "value",
    "value_max",
    "low",
    "best",
    "high",
    "open_conflicts",
    "articles",
    "preferred",
    "is_conflict",
    "part_of",
    "date_from",
    "date_to",
];

#[tokio::test(flavor = "multi_thread")]
async fn every_export_neutralises_text_that_starts_like_a_formula() {
    let (app, url) = crate::json_api::spawn_app_with_url().await;
    // Anonymous submissions: an outlet, a title and an attribution that are formulas.
    let en = post(
        &app,
        json!({"text": EN_WADI.replace("local medics said", "@SUM(1+1) said"),
               "title": "-2+3", "url": "https://levantwire.example/wadi",
               "outlet": "=1+1", "published": "2024-03-12"}),
    )
    .await;
    post(
        &app,
        json!({"text": AR_WADI, "url": "https://arabic.example/wadi", "outlet": "صحيفة الشام",
               "published": "2024-03-12"}),
    )
    .await;
    {
        use claimdb::db::schema::events;
        let mut conn = app.pool.get().unwrap();
        diesel::update(events::table.find(en.event_id))
            .set((
                events::title.eq("=cmd|' /C calc'!A0"),
                events::title_ar.eq(Some("+cmd")),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let (fact, _) = wadi_conflict(&app, en.event_id);
    resolve(&app, fact, None, "=HYPERLINK(\"https://evil.example\")");

    let starts_like_a_formula = |cell: &str| cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let claimdb = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .arg("--database-url")
            .arg(&url)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("cannot run claimdb")
    };
    for kind in [Kind::Claims, Kind::Conflicts, Kind::Events] {
        let web = get_csv(&app, &format!("/export/{}", kind.file_name())).await;
        assert_eq!(web.status, 200);
        assert!(!web.rows.is_empty(), "{kind:?}");
        for row in &web.rows {
            for (name, cell) in web.header.iter().zip(row.iter()) {
                assert!(
                    !starts_like_a_formula(cell),
                    "{kind:?} {name}: {cell:?} would run as a formula"
                );
                if NUMERIC_COLUMNS.contains(&name.as_str()) && !cell.is_empty() {
                    assert!(
                        !cell.starts_with('\''),
                        "{kind:?} {name}: a number written as text: {cell:?}"
                    );
                }
            }
        }
        assert!(
            web.column("event_title")
                .contains(&"'=cmd|' /C calc'!A0".to_string()),
            "{kind:?}"
        );
        // The command line writes the very same bytes.
        let name = kind.file_name().trim_end_matches(".csv");
        let out = tokio::task::block_in_place(|| claimdb(&["export", name]));
        assert!(out.status.success(), "{kind:?}");
        assert_eq!(out.stdout, web.raw, "{kind:?}");
    }
    let claims = get_csv(&app, "/export/claims.csv").await;
    assert!(claims.column("outlet").contains(&"'=1+1".to_string()));
    assert!(claims
        .column("article_title")
        .contains(&"'-2+3".to_string()));
    assert!(claims
        .column("value")
        .iter()
        .all(|v| v.parse::<i64>().is_ok()));
    let conflicts = get_csv(&app, "/export/conflicts.csv").await;
    let of_fact: Vec<&csv::StringRecord> = conflicts
        .rows
        .iter()
        .filter(|r| r[conflicts.col("conflict_id")] == fact.to_string())
        .collect();
    assert!(of_fact.len() >= 2);
    let at = |r: &csv::StringRecord, name: &str| r[conflicts.col(name)].to_string();
    for r in of_fact {
        assert_eq!(
            at(r, "resolution_note"),
            "'=HYPERLINK(\"https://evil.example\")"
        );
        // The columns the evaluation script compares verbatim are unchanged for ordinary data.
        assert_eq!(
            (at(r, "measure"), at(r, "group")),
            ("killed".into(), "civilians".into())
        );
        assert!(at(r, "article_url").starts_with("https://"));
        let role = at(r, "role");
        assert!(!role.is_empty() && role.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        assert!(at(r, "value").parse::<i64>().is_ok());
    }
}

#[tokio::test]
async fn an_address_is_exported_as_its_submitter_wrote_it() {
    let app = crate::helpers::spawn_app().await;
    let arabic = "https://arabic.example/2024/قصف-سوق-وادي-الزين";
    let escaped = "https://cedar.example/%D9%88%D9%82%D9%88%D8%AF";
    let a = post(
        &app,
        json!({"text": AR_WADI, "url": format!("{arabic}#comments"), "outlet": "صحيفة الشام"}),
    )
    .await;
    let b = post(
        &app,
        json!({"text": EN_BEIRUT, "url": escaped, "outlet": "Cedar Daily"}),
    )
    .await;
    let csv = get_csv(&app, "/export/claims.csv").await;
    let col = |name: &str| csv.header.iter().position(|h| h == name).unwrap();
    let url_of = |id: i64| {
        csv.rows
            .iter()
            .find(|r| r[col("article_id")] == id.to_string())
            .map(|r| r[col("article_url")].to_string())
    };
    // the fragment goes; the letters or escapes stay as written
    assert_eq!(url_of(a.article_id).as_deref(), Some(arabic));
    assert_eq!(url_of(b.article_id).as_deref(), Some(escaped));
    // and the article page shows it as written too
    let page = app
        .get(&format!("/articles/{}", a.article_id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("قصف-سوق-وادي-الزين"),
        "the address as written"
    );
}
