//! The same articles give the same answer: `claimdb import` with 1, 2 or 4 workers, run
//! several times into fresh databases, leaves identical events, facts, roles and conflicts.
//!
//! The corpus is built here (the repository's fixtures and generated-style reports), rich enough
//! that arrival order matters: several outlets report the same incidents, towns have incidents a
//! few days apart (an article can join one or the other), some reports are revised, some have no
//! date, and articles about one incident name different sets of places.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

struct DataDir(PathBuf);

impl DataDir {
    fn new() -> Self {
        DataDir(std::env::temp_dir().join(format!(
            "claimdb-order-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..10]
        )))
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = claimdb(&self.0, None, &["db", "stop"]);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn claimdb(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_claimdb"));
    command
        .args(args)
        .env("CLAIMDB_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn");
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    command.output().expect("cannot run claimdb")
}

/// The connection URL of database `name` on a data directory's cluster (wherever it was placed).
fn cluster_url(data_dir: &Path, name: &str) -> String {
    let root = std::fs::read_to_string(data_dir.join("cluster-location"))
        .ok()
        .map(|s| PathBuf::from(s.trim()))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| data_dir.to_path_buf());
    format!(
        "postgres://postgres@{}:5432/{name}",
        root.join("run").display().to_string().replace('/', "%2F")
    )
}

/// One import line (the .jsonl format).
fn line(url: &str, outlet: &str, lang: &str, published: Option<&str>, text: &str) -> String {
    let mut item = serde_json::json!({ "url": url, "outlet": outlet, "lang": lang, "text": text });
    if let Some(day) = published {
        item["published"] = day.into();
    }
    item.to_string()
}

const SOURCES: &[&str] = &[
    "the Syrian Observatory for Human Rights",
    "the White Helmets",
    "a local health official",
    "the UN humanitarian office OCHA",
];
const OUTLETS: &[&str] = &["Northern Courier", "Levant Wire", "Daily Monitor"];
const ATTACKS: &[&str] = &["an airstrike", "shelling", "a car bomb"];

/// A wire-style report: a headline, a byline and one attributed figure per cited source.
fn report(place: &str, attack: &str, day: &str, figures: &[(usize, i64, i64)]) -> String {
    let mut text = format!(
        "{} killed in {attack} on {place}\nBy staff | {day}\n\n",
        figures[0].1
    );
    for &(source, killed, wounded) in figures {
        text.push_str(&format!(
            "{killed} civilians were killed and {wounded} wounded in {attack} on {place}, {} said.\n",
            SOURCES[source]
        ));
    }
    text.push_str(
        "\nRoads leading to the town were blocked for several hours while rescue teams \
         searched the rubble. Aid groups have warned that hospitals in the region are running \
         short of fuel and medicine.\n",
    );
    text
}

/// The corpus, one .jsonl line per article version, in an order unlike the articles' own.
fn corpus() -> Vec<String> {
    // (town as written, day of the month in May 2018): incidents days apart in the same towns,
    // so which event an article joins depends on which came first.
    let incidents: &[(&str, u32)] = &[
        ("Mayadin", 3),
        ("Mayadin, Deir ez-Zor province", 8),
        ("al-Mayadin", 13),
        ("Hajin", 4),
        ("Hajin, Deir ez-Zor", 6),
        ("Albu Kamal", 5),
        ("Abu Kamal, Deir ez-Zor", 16),
        ("Mayadin", 19),
    ];
    let mut lines = Vec::new();
    for (n, &(place, day)) in incidents.iter().enumerate() {
        let attack = ATTACKS[n % ATTACKS.len()];
        let base = 5 + 4 * n as i64;
        for article in 0..4 {
            let outlet = OUTLETS[(n + article) % OUTLETS.len()];
            // Sources disagree: each has its own toll for the incident.
            let figures: Vec<(usize, i64, i64)> = (0..1 + (n + article) % 3)
                .map(|k| {
                    let s = (n + article + k) % SOURCES.len();
                    (s, base + s as i64 * 2, 10 + s as i64)
                })
                .collect();
            // Some reports name another day, some have none; all of one incident's reports
            // name its place, but not always the same way.
            let published = match article {
                0 | 1 => Some(format!("2018-05-{day:02}")),
                2 => Some(format!("2018-05-{:02}", day + 1)),
                _ => None,
            };
            let url = format!("https://{}.example/{n}/{article}", outlet.len());
            let date = format!("May {day}, 2018");
            let text = report(place, attack, &date, &figures);
            lines.push((
                false,
                n * 7 + article * 3,
                line(&url, outlet, "en", published.as_deref(), &text),
            ));
            if article % 2 == 1 {
                // A revision a day later, with the tolls raised.
                let raised: Vec<(usize, i64, i64)> =
                    figures.iter().map(|&(s, k, w)| (s, k + 3, w)).collect();
                let later = published
                    .as_ref()
                    .map(|_| format!("2018-05-{:02}", day + 1));
                lines.push((
                    true,
                    n * 7 + article * 3,
                    line(
                        &url,
                        outlet,
                        "en",
                        later.as_deref(),
                        &report(place, attack, &date, &raised),
                    ),
                ));
            }
        }
    }
    // The repository's two fixtures about one incident near Mayadin, one of them revised.
    let moscow = include_str!("fixtures/en_mayadin_moscow.txt");
    let seed = include_str!("fixtures/ar_mayadin_seed.txt");
    lines.push((
        false,
        1,
        line(
            "https://courier.example/moscow",
            "Northern Courier",
            "en",
            Some("2018-06-10"),
            moscow,
        ),
    ));
    lines.push((
        false,
        2,
        line(
            "https://seed.example/mayadin",
            "الشرق اليوم",
            "ar",
            Some("2018-06-10"),
            seed,
        ),
    ));
    lines.push((
        true,
        3,
        line(
            "https://courier.example/moscow",
            "Northern Courier",
            "en",
            Some("2018-06-11"),
            &moscow.replace("nine Russians", "eleven Russians"),
        ),
    ));
    // Shuffled (deterministically): the input order is neither by date nor by place; every
    // revision comes after all first versions.
    lines.sort_by_key(|(revision, k, _)| (*revision, (k * 37) % 101));
    lines.into_iter().map(|(_, _, l)| l).collect()
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

/// Everything linking decided, with ids replaced by stable keys: an article is its url, a
/// claim its url, version and span, an event the sorted urls of its articles, a source its key.
const CANONICAL: &str = "
WITH ak AS (
  SELECT a.id, a.event_id, a.url AS k FROM articles a),
ek AS (
  SELECT event_id AS id, string_agg(k, ' ' ORDER BY k) AS k FROM ak
  WHERE event_id IS NOT NULL GROUP BY event_id),
ck AS (
  SELECT c.id, ak.k || '#v' || v.number || '@' || c.span_start || '-' || c.span_end AS k,
         c.event_id, c.source_id, c.value, c.measure, c.group_key, c.part_of_id, c.status
  FROM claims c JOIN article_versions v ON v.id = c.article_version_id
  JOIN ak ON ak.id = v.article_id)
SELECT 'event ' || ek.k || ' | ' || e.title || ' | ' || coalesce(e.date_from::text, '-')
       || ' | ' || coalesce(e.date_to::text, '-') || ' | ' || coalesce(e.place_key, '-') AS line
FROM events e JOIN ek ON ek.id = e.id
UNION ALL
SELECT 'claim ' || ck.k || ' | event ' || coalesce(ek.k, '-') || ' | ' || ck.measure || ' '
       || ck.group_key || ' ' || ck.value || ' | ' || ck.status || ' | source '
       || coalesce(s.source_key, '-') || ' | part of ' || coalesce(p.k, '-')
FROM ck LEFT JOIN ek ON ek.id = ck.event_id LEFT JOIN sources s ON s.id = ck.source_id
LEFT JOIN ck p ON p.id = ck.part_of_id
UNION ALL
SELECT 'fact ' || ek.k || ' | ' || f.measure || ' ' || f.group_key
       || ' | low ' || coalesce(f.low::text, '-') || ' ' || coalesce(l.k, '-')
       || ' | best ' || coalesce(f.best::text, '-') || ' ' || coalesce(b.k, '-')
       || ' | high ' || coalesce(f.high::text, '-') || ' ' || coalesce(h.k, '-')
       || ' | conflict ' || f.is_conflict || ' | ' || f.status
FROM facts f JOIN ek ON ek.id = f.event_id LEFT JOIN ck l ON l.id = f.low_claim_id
LEFT JOIN ck b ON b.id = f.best_claim_id LEFT JOIN ck h ON h.id = f.high_claim_id
UNION ALL
SELECT 'member ' || ek.k || ' | ' || f.measure || ' ' || f.group_key || ' | ' || ck.k
       || ' | ' || m.role || ' | ' || m.reason || ' | ' || coalesce(s.source_key, '-')
       || ' | position ' || m.is_position
FROM fact_members m JOIN facts f ON f.id = m.fact_id JOIN ek ON ek.id = f.event_id
JOIN ck ON ck.id = m.claim_id LEFT JOIN sources s ON s.id = m.source_id
";

fn canonical(url: &str) -> Vec<String> {
    let mut conn = PgConnection::establish(url).unwrap();
    let mut lines: Vec<String> = diesel::sql_query(CANONICAL)
        .load::<Line>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|l| l.line)
        .collect();
    lines.sort();
    lines
}

/// The lines only one side has, for the failure message.
fn difference(a: &[String], b: &[String]) -> String {
    let only = |x: &[String], y: &[String]| -> Vec<String> {
        x.iter()
            .filter(|l| !y.contains(l))
            .take(12)
            .cloned()
            .collect()
    };
    format!(
        "only in the first run:\n  {}\nonly in this run:\n  {}",
        only(a, b).join("\n  "),
        only(b, a).join("\n  ")
    )
}

#[test]
fn imports_with_any_number_of_workers_give_the_same_events_facts_and_conflicts() {
    let dir = DataDir::new();
    std::fs::create_dir_all(&dir.0).unwrap();
    let corpus_file = dir.0.join("corpus.jsonl");
    std::fs::write(&corpus_file, corpus().join("\n") + "\n").unwrap();
    let corpus_arg = corpus_file.display().to_string();
    let start = claimdb(&dir.0, None, &["db", "start"]);
    assert!(start.status.success(), "{start:?}");
    let mut admin = PgConnection::establish(&cluster_url(&dir.0, "postgres")).unwrap();

    let mut first: Option<(String, Vec<String>)> = None;
    for round in 0..3 {
        for jobs in ["1", "2", "4"] {
            let name = format!("order_{round}_{jobs}");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .unwrap();
            let url = cluster_url(&dir.0, &name);
            let import = claimdb(&dir.0, Some(&url), &["import", "--jobs", jobs, &corpus_arg]);
            assert!(import.status.success(), "{import:?}");
            let got = canonical(&url);
            let run = format!("round {round}, --jobs {jobs}");
            match &first {
                None => {
                    // The corpus is what the test says it is: several events, conflicts,
                    // revisions.
                    let count = |p: &str| got.iter().filter(|l| l.starts_with(p)).count();
                    assert!(count("event ") >= 4, "{got:#?}");
                    assert!(
                        got.iter()
                            .any(|l| l.starts_with("fact ") && l.contains("conflict true")),
                        "{got:#?}"
                    );
                    assert!(got.iter().any(|l| l.contains("#v2@")), "{got:#?}");
                    first = Some((run, got));
                }
                Some((first_run, want)) => assert!(
                    &got == want,
                    "{run} differs from {first_run}:\n{}",
                    difference(want, &got)
                ),
            }
        }
    }
}
