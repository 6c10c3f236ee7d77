//! `GET /feeds/changes.atom`: the feed of changes, for feed readers: new versions whose figures
//! changed (with the claim-level diff) and conflicts, newest first.
//!
//! The feed's own labels follow the interface language (`?lang=ar`, the cookie,
//! `Accept-Language`); article and event titles are as stored. Entry ids are stable tags, so a
//! reader shows each change once; a conflict's entry is updated when the fact changes.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, Utc};

use super::articles::{claim_summary, ClaimChangeRow};
use super::claimreview::base_url;
use super::i18n::{Lang, Messages, UiLang};
use super::{AppError, AppResult, AppState};
use crate::db::events::{self, ConflictSummary};
use crate::db::export::ConflictFilter;
use crate::db::feed::{self, ChangedVersion, ConflictMember};
use crate::db::models::{extracted_claims, Claim};
use crate::domain::diff::{describe_change, diff_claims, figure_text, ClaimChange};

/// At most this many entries (the newest).
pub const FEED_ENTRIES: i64 = 50;
/// Versions looked at for figure changes: the newest later versions, so that many text-only
/// edits in a row cannot make one request read the whole archive.
const VERSION_WINDOW: i64 = 1_000;
/// Entry ids: `tag:` URIs (RFC 4151), stable whatever the host the feed is read through.
const TAG_PREFIX: &str = "tag:claimdb,2026:";

/// One entry, before it becomes Atom.
#[derive(Debug, Clone)]
pub struct ChangeEntry {
    pub id: String,
    pub updated: DateTime<Utc>,
    pub title: String,
    /// Path on this site (made absolute with the request's base URL).
    pub path: String,
    pub lines: Vec<String>,
}

/// The body of an entry: its lines as an HTML list (escaped by askama).
#[derive(Template)]
#[template(path = "watches/feed_entry.html")]
struct EntryContent<'a> {
    lines: &'a [String],
}

/// The claim-level diff of two versions' claims: changed figures ("killed · civilians · White
/// Helmets: 15 → 19"), added and removed claims; empty when the figures are the same.
pub fn figure_changes(old: &[Claim], new: &[Claim]) -> Vec<ClaimChangeRow> {
    let (old, new) = (extracted_claims(old), extracted_claims(new));
    diff_claims(&old, &new)
        .into_iter()
        .filter_map(|change| match change {
            ClaimChange::Added(i) => Some(ClaimChangeRow {
                kind: "added",
                text: claim_summary(&new[i]),
            }),
            ClaimChange::Removed(i) => Some(ClaimChangeRow {
                kind: "removed",
                text: claim_summary(&old[i]),
            }),
            ClaimChange::Changed { old: o, new: n } => Some(ClaimChangeRow {
                kind: "changed",
                text: describe_change(&old[o], &new[n]),
            }),
            ClaimChange::Unchanged { .. } => None,
        })
        .collect()
}

/// The entry of a version whose figures changed; `None` when, diffed, they did not.
pub fn version_entry(
    t: &Messages,
    version: &ChangedVersion,
    old: &[Claim],
    new: &[Claim],
) -> Option<ChangeEntry> {
    let changes = figure_changes(old, new);
    if changes.is_empty() {
        return None;
    }
    let lines = changes
        .into_iter()
        .map(|row| match row.kind {
            "changed" => row.text,
            kind => format!("{}: {}", t.get(&format!("feed.{kind}")), row.text),
        })
        .collect();
    Some(ChangeEntry {
        id: format!("{TAG_PREFIX}version/{}", version.version_id),
        updated: version.created_at,
        title: t
            .get("feed.version_title")
            .replace("{title}", &version.title)
            .replace("{number}", &version.number.to_string())
            .replace(
                "{origin}",
                t.get(&super::articles::origin_key(&version.origin)),
            ),
        path: format!(
            "/articles/{}/diff?from={}&to={}",
            version.article_id,
            version.number - 1,
            version.number
        ),
        lines,
    })
}

/// The entry of a conflict: the event, the question, and each distinct figure with who gave it.
pub fn conflict_entry(
    t: &Messages,
    conflict: &ConflictSummary,
    members: &[&ConflictMember],
) -> ChangeEntry {
    let question = format!(
        "{} · {}",
        t.get(&format!("measure.{}", conflict.measure)),
        conflict.group_key
    );
    // The figures that disagree: the disputed members when the linker marked any, else all.
    let disputed: Vec<&&ConflictMember> = members.iter().filter(|m| m.role == "disputed").collect();
    let shown: Vec<&&ConflictMember> = if disputed.is_empty() {
        members.iter().collect()
    } else {
        disputed
    };
    let mut lines: Vec<String> = Vec::new();
    for m in shown {
        let figure = figure_text(&m.claim.to_extracted(|_| None));
        let who = m
            .claim
            .source_text
            .clone()
            .or_else(|| m.outlet.clone())
            .unwrap_or_else(|| t.get("feed.unknown_source").to_string());
        // The question is in the title; each line is one figure and who gave it.
        let line = format!("{figure} ({who})");
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines.push(format!(
        "{}: {}",
        t.get("feed.status"),
        t.get(&format!("status.{}", conflict.status))
    ));
    ChangeEntry {
        id: format!("{TAG_PREFIX}conflict/{}", conflict.fact_id),
        updated: conflict.updated_at,
        title: t
            .get("feed.conflict_title")
            .replace("{event}", &conflict.event_title)
            .replace("{question}", &question),
        path: format!("/conflicts/{}", conflict.fact_id),
        lines,
    }
}

/// Version and conflict entries together, newest first, at most `limit`.
pub fn newest_first(mut entries: Vec<ChangeEntry>, limit: usize) -> Vec<ChangeEntry> {
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| b.id.cmp(&a.id)));
    entries.truncate(limit);
    entries
}

/// Reads the entries: four statements whatever their number.
fn load_entries(conn: &mut crate::db::DbConn, t: &Messages) -> AppResult<Vec<ChangeEntry>> {
    let versions = feed::changed_versions(conn, VERSION_WINDOW, FEED_ENTRIES)?;
    let ids: Vec<i64> = versions
        .iter()
        .flat_map(|v| [v.version_id, v.previous_id])
        .collect();
    let mut claims_by_version: HashMap<i64, Vec<Claim>> = HashMap::new();
    for claim in feed::claims_of_versions(conn, &ids)? {
        claims_by_version
            .entry(claim.article_version_id)
            .or_default()
            .push(claim);
    }
    let conflicts = events::conflicts(conn, &ConflictFilter::default(), FEED_ENTRIES, 0)?;
    let fact_ids: Vec<i64> = conflicts.iter().map(|c| c.fact_id).collect();
    let members = feed::members_of_facts(conn, &fact_ids)?;

    let none = Vec::new();
    let mut entries: Vec<ChangeEntry> = versions
        .iter()
        .filter_map(|v| {
            let old = claims_by_version.get(&v.previous_id).unwrap_or(&none);
            let new = claims_by_version.get(&v.version_id).unwrap_or(&none);
            version_entry(t, v, old, new)
        })
        .collect();
    entries.extend(conflicts.iter().map(|c| {
        let of_fact: Vec<&ConflictMember> =
            members.iter().filter(|m| m.fact_id == c.fact_id).collect();
        conflict_entry(t, c, &of_fact)
    }));
    Ok(newest_first(entries, FEED_ENTRIES as usize))
}

/// The Atom document of `entries`; links are made absolute with `base` (`https://host`).
pub fn atom_feed(lang: Lang, base: &str, entries: &[ChangeEntry]) -> Result<Feed, askama::Error> {
    let t = lang.messages();
    let atom_entries = entries
        .iter()
        .map(|e| {
            let content = EntryContent { lines: &e.lines }.render()?;
            Ok(Entry {
                id: e.id.clone(),
                title: Text::plain(e.title.clone()),
                updated: e.updated.fixed_offset(),
                links: vec![Link {
                    href: format!("{base}{}", e.path),
                    rel: "alternate".into(),
                    mime_type: Some("text/html".into()),
                    ..Link::default()
                }],
                summary: Some(Text::plain(e.lines.join("\n"))),
                content: Some(Content {
                    value: Some(content),
                    content_type: Some("html".into()),
                    ..Content::default()
                }),
                ..Entry::default()
            })
        })
        .collect::<Result<Vec<Entry>, askama::Error>>()?;
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(Utc::now);
    Ok(Feed {
        title: Text::plain(t.get("feed.title")),
        subtitle: Some(Text::plain(t.get("feed.subtitle"))),
        id: format!("{TAG_PREFIX}changes"),
        updated: updated.fixed_offset(),
        authors: vec![Person {
            name: t.get("app_name").to_string(),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: format!("{base}/feeds/changes.atom?lang={}", lang.code()),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: format!("{base}/?lang={}", lang.code()),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Link::default()
            },
        ],
        lang: Some(lang.code().to_string()),
        entries: atom_entries,
        ..Feed::default()
    })
}

pub async fn changes_feed(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let lang = UiLang::of(&req);
    let t = lang.messages();
    let result = async {
        let entries = state.with_conn(move |conn| load_entries(conn, t)).await?;
        let feed = atom_feed(lang, &base_url(&state), &entries)?;
        let body = feed
            .write_to(Vec::new())
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!("cannot write the feed: {e}")))?;
        Ok::<_, AppError>(body)
    }
    .await;
    match result {
        Ok(body) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"))
            .insert_header((header::VARY, "Accept-Language, Cookie"))
            .body(body),
        Err(e) => e.respond(&req),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 11, 30, 12, minute, 0).unwrap()
    }

    fn claim(id: i64, version: i64, value: i64, group: &str) -> Claim {
        Claim {
            id,
            article_version_id: version,
            event_id: None,
            position: (id % 100) as i32,
            value,
            value_max: None,
            qualifier: "exact".into(),
            measure: "killed".into(),
            group_key: group.into(),
            subject: None,
            source_text: Some("White Helmets".into()),
            source_id: None,
            span_start: 10,
            span_end: 12,
            quote: String::new(),
            part_of_id: None,
            status: "unreviewed".into(),
            origin: "extracted".into(),
            created_at: at(0),
            updated_at: at(0),
            scope: None,
            stage: None,
        }
    }

    fn version() -> ChangedVersion {
        ChangedVersion {
            version_id: 8,
            previous_id: 7,
            article_id: 3,
            number: 2,
            title: "Kafr Nabl".into(),
            language: "en".into(),
            created_at: at(5),
            origin: "fetched".into(),
        }
    }

    #[test]
    fn a_changed_figure_is_one_line_with_old_and_new() {
        let t = Lang::En.messages();
        let entry = version_entry(
            t,
            &version(),
            &[claim(1, 7, 15, "civilians")],
            &[claim(2, 8, 19, "civilians")],
        )
        .expect("an entry");
        assert_eq!(entry.lines, ["killed · civilians · White Helmets: 15 → 19"]);
        assert_eq!(entry.id, "tag:claimdb,2026:version/8");
        assert_eq!(entry.path, "/articles/3/diff?from=1&to=2");
        assert_eq!(
            entry.title,
            "Figures changed: Kafr Nabl (version 2, fetched from the outlet)"
        );
    }

    #[test]
    fn added_and_removed_claims_are_labelled_in_the_feed_language() {
        let t = Lang::Ar.messages();
        let entry = version_entry(
            t,
            &version(),
            &[claim(1, 7, 15, "civilians")],
            &[claim(2, 8, 4, "children")],
        )
        .expect("an entry");
        assert!(entry
            .lines
            .contains(&"أُضيف: killed · children · White Helmets: 4".to_string()));
        assert!(entry
            .lines
            .contains(&"حُذف: killed · civilians · White Helmets: 15".to_string()));
    }

    #[test]
    fn a_version_with_the_same_figures_has_no_entry() {
        let same = version_entry(
            Lang::En.messages(),
            &version(),
            &[claim(1, 7, 15, "civilians")],
            &[claim(2, 8, 15, "civilians")],
        );
        assert!(same.is_none());
    }

    #[test]
    fn a_conflict_lists_each_disputed_figure_once_with_who_gave_it() {
        let member = |id, value, source: Option<&str>, role: &str| ConflictMember {
            fact_id: 4,
            role: role.into(),
            claim: Claim {
                source_text: source.map(str::to_string),
                ..claim(id, 1, value, "civilians")
            },
            outlet: Some("Levant Wire".into()),
        };
        let members = [
            member(1, 12, Some("SOHR"), "disputed"),
            member(2, 12, Some("SOHR"), "disputed"),
            member(3, 15, None, "disputed"),
            member(4, 40, Some("UN"), "explained"),
        ];
        let conflict = ConflictSummary {
            fact_id: 4,
            event_id: 2,
            event_title: "Wadi al-Zein shelling".into(),
            measure: "killed".into(),
            group_key: "civilians".into(),
            low: Some(12),
            best: None,
            high: Some(15),
            status: "open".into(),
            updated_at: at(7),
            members: 4,
            preferred_claim_id: None,
            preferred_value: None,
        };
        let entry = conflict_entry(
            Lang::En.messages(),
            &conflict,
            &members.iter().collect::<Vec<_>>(),
        );
        assert_eq!(
            entry.title,
            "Conflict: Wadi al-Zein shelling — killed · civilians"
        );
        assert_eq!(
            entry.lines,
            ["12 (SOHR)", "15 (Levant Wire)", "status: open"],
            "the explained figure is not a disagreement"
        );
        assert_eq!(entry.id, "tag:claimdb,2026:conflict/4");
        assert_eq!(entry.updated, at(7));
    }

    #[test]
    fn entries_are_newest_first_and_bounded() {
        let entry = |id: &str, minute| ChangeEntry {
            id: id.into(),
            updated: at(minute),
            title: String::new(),
            path: "/".into(),
            lines: Vec::new(),
        };
        let sorted = newest_first(vec![entry("a", 1), entry("b", 9), entry("c", 5)], 2);
        let ids: Vec<&str> = sorted.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
    }

    #[test]
    fn the_document_has_absolute_links_and_escapes_text() {
        let entries = [ChangeEntry {
            id: "tag:claimdb,2026:version/1".into(),
            updated: at(3),
            title: "<script>".into(),
            path: "/articles/1/diff?from=1&to=2".into(),
            lines: vec!["a <b> & c".into()],
        }];
        let feed = atom_feed(Lang::En, "https://claimdb.example", &entries).unwrap();
        let xml = String::from_utf8(feed.write_to(Vec::new()).unwrap()).unwrap();
        assert!(!xml.contains("<script>") && !xml.contains("<b>"), "{xml}");
        let back: Feed = xml.parse().unwrap();
        assert_eq!(back.entries()[0].title().value, "<script>");
        assert_eq!(
            back.entries()[0].links()[0].href(),
            "https://claimdb.example/articles/1/diff?from=1&to=2"
        );
        let content = back.entries()[0].content().and_then(|c| c.value()).unwrap();
        assert_eq!(content.trim(), "<ul><li>a &#60;b&#62; &#38; c</li></ul>");
        assert_eq!(back.updated(), &at(3).fixed_offset());
    }
}
