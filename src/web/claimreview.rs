//! schema.org `ClaimReview` for resolved conflicts: `GET /events/{id}/claimreview.json` and the
//! `<script type="application/ld+json">` block of the event page.
//!
//! One `ClaimReview` per resolved conflict (a fact with `is_conflict` and status `resolved`).
//! The verdict maps to a rating this way:
//!
//! * with a preferred figure, the claim reviewed is that figure as its source gave it, rated
//!   **5 of 5, "True"**; the other disputed figures are listed as disputed in `reviewBody`;
//! * without one, the claim reviewed is the largest disputed figure, rated **3 of 5,
//!   "Disputed"** (the reviewer settled the conflict without preferring any figure).
//!
//! `worstRating` is 1 ("False"), which no verdict produces yet.

use actix_web::{web, HttpResponse};
use chrono::SecondsFormat;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::articles::parse_id;
use super::{ApiError, AppState};
use crate::db::events as db_events;
use crate::db::export::{self, ExportFilter, FactRow, MemberRow, Window};

/// Most resolved conflicts described for one event.
const MAX_REVIEWS: i64 = 1000;

pub const RATING_TRUE: i64 = 5;
pub const RATING_DISPUTED: i64 = 3;
pub const BEST_RATING: i64 = 5;
pub const WORST_RATING: i64 = 1;

/// The site's public URL (`CLAIMDB_PUBLIC_URL`), the prefix of every absolute URL. Never
/// taken from the request (Host, X-Forwarded-Host, Forwarded): pages are cached and shared.
pub fn base_url(state: &AppState) -> String {
    state.settings.public_url.clone().unwrap_or_default()
}

/// A figure as words: "12", "at least 15", "about 40", "10–20".
pub fn figure_text(m: &MemberRow) -> String {
    let n = match m.value_max {
        Some(max) => format!("{}–{max}", m.value),
        None => m.value.to_string(),
    };
    match m.qualifier.as_str() {
        "at_least" => format!("at least {n}"),
        "at_most" => format!("at most {n}"),
        "approx" => format!("about {n}"),
        _ => n,
    }
}

fn same_figure(a: &MemberRow, b: &MemberRow) -> bool {
    a.value == b.value && a.value_max == b.value_max && a.qualifier == b.qualifier
}

/// The `ClaimReview` of one resolved conflict; `members` are the fact's, largest figure first.
pub fn claim_review(fact: &FactRow, members: &[&MemberRow], event_url: &str) -> Value {
    let disputed: Vec<&MemberRow> = {
        let d: Vec<&MemberRow> = members
            .iter()
            .copied()
            .filter(|m| m.role == "disputed")
            .collect();
        if d.is_empty() {
            members.to_vec()
        } else {
            d
        }
    };
    let preferred = fact
        .preferred_claim_id
        .and_then(|id| members.iter().copied().find(|m| m.claim_id == id));
    let subject = preferred.or_else(|| disputed.first().copied());
    let (rating, verdict) = if preferred.is_some() {
        (RATING_TRUE, "True")
    } else {
        (RATING_DISPUTED, "Disputed")
    };
    let question = format!("{} ({})", fact.measure, fact.group_key);
    let claim_reviewed = match subject {
        Some(s) => format!("{} {question} in {}", figure_text(s), fact.event_title),
        None => format!("{question} in {}", fact.event_title),
    };

    let mut body: Vec<String> = Vec::new();
    if let Some(note) = fact.resolution_note.as_deref().filter(|n| !n.is_empty()) {
        body.push(note.to_string());
    }
    if let (Some(p), Some(reason)) = (preferred, fact.preferred_reason.as_deref()) {
        body.push(format!(
            "Preferred: {} from {} ({reason}).",
            figure_text(p),
            p.source_label()
        ));
    }
    if let (Some(value), crate::db::estimate::ChosenBy::Reviewer) =
        (fact.best, fact.best_chosen_by())
    {
        let from = preferred.map_or(String::new(), |p| format!(" from {}", p.source_label()));
        let why = fact
            .best_reason()
            .map_or(String::new(), |r| format!(" ({r})"));
        body.push(format!(
            "Best estimate: {value}{from}, the reviewer's choice{why}."
        ));
    }
    let others: Vec<String> = disputed
        .iter()
        .filter(|m| subject.is_none_or(|s| !same_figure(m, s)))
        .map(|m| format!("{} ({})", figure_text(m), m.source_label()))
        .collect();
    if !others.is_empty() {
        body.push(format!("Disputed: {}.", others.join("; ")));
    }

    let mut item = json!({ "@type": "Claim" });
    if let Some(s) = subject {
        item["author"] = json!({ "@type": "Organization", "name": s.source_label() });
        if let Some(published) = s.published_at {
            item["datePublished"] = json!(published.format("%Y-%m-%d").to_string());
        }
        let mut appearance: Vec<Value> = Vec::new();
        let mut seen: Vec<i64> = Vec::new();
        for m in members.iter().filter(|m| same_figure(m, s)) {
            if seen.contains(&m.article_id) {
                continue;
            }
            seen.push(m.article_id);
            let mut work = json!({ "@type": "CreativeWork", "headline": m.article_title });
            if let Some(url) = &m.article_url {
                work["url"] = json!(url);
            }
            appearance.push(work);
        }
        item["appearance"] = Value::Array(appearance);
    }

    let published = fact.resolved_at.unwrap_or(fact.updated_at);
    json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": format!("{event_url}#fact-{}", fact.id),
        "datePublished": published.to_rfc3339_opts(SecondsFormat::Secs, true),
        "claimReviewed": claim_reviewed,
        "itemReviewed": item,
        "author": { "@type": "Organization", "name": "claimdb" },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": rating,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": verdict,
        },
        "reviewBody": body.join(" "),
    })
}

/// The reviews of an event's resolved conflicts (`NotFound` when there is no such event).
pub fn reviews_of(conn: &mut PgConnection, event_id: i64, base: &str) -> QueryResult<Vec<Value>> {
    db_events::find(conn, event_id)?;
    reviews_of_found(conn, event_id, base)
}

/// The reviews of an event known to exist.
pub fn reviews_of_found(
    conn: &mut PgConnection,
    event_id: i64,
    base: &str,
) -> QueryResult<Vec<Value>> {
    let filter = ExportFilter {
        event_id: Some(event_id),
        status: Some("resolved".into()),
        ..Default::default()
    };
    let facts = export::fact_rows(conn, &filter, true, Window::Offset(0), MAX_REVIEWS)?;
    let ids: Vec<i64> = facts.iter().map(|f| f.id).collect();
    let members = export::members_of(conn, &ids)?;
    let event_url = format!("{base}/events/{event_id}");
    Ok(facts
        .iter()
        .map(|f| {
            let mine: Vec<&MemberRow> = members.iter().filter(|m| m.fact_id == f.id).collect();
            claim_review(f, &mine, &event_url)
        })
        .collect())
}

/// JSON for a `<script>` element: `<`, `>` and `&` (and the JavaScript line separators) are
/// written as `\uXXXX` escapes, so no text inside can close the element or open a comment.
pub fn script_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "[]".into());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The event page's JSON-LD, given the event's facts as its page loaded them: `None` (and no
/// statement issued) when the event has no resolved conflict.
pub fn script_for_event(
    conn: &mut PgConnection,
    event_id: i64,
    facts: &[(db_events::FactRecord, Vec<db_events::MemberRecord>)],
    base: &str,
) -> QueryResult<Option<String>> {
    if !facts
        .iter()
        .any(|(f, _)| f.is_conflict && f.status == "resolved")
    {
        return Ok(None);
    }
    let reviews = reviews_of_found(conn, event_id, base)?;
    Ok((!reviews.is_empty()).then(|| script_json(&Value::Array(reviews))))
}

/// `GET /events/{id}/claimreview.json`.
pub async fn event_claimreview(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_id(&path)?;
    let base = base_url(&state);
    let reviews = state
        .with_conn(move |conn| Ok(reviews_of(conn, id, &base)?))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .body(serde_json::to_string(&reviews).map_err(anyhow::Error::from)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn fact(preferred: Option<i64>, note: &str) -> FactRow {
        FactRow {
            id: 4,
            event_id: 2,
            event_title: "Shelling of Wadi al-Zein market".into(),
            place: None,
            date_from: None,
            date_to: None,
            measure: "killed".into(),
            group_key: "civilians".into(),
            low: Some(12),
            low_claim_id: Some(3),
            best: None,
            best_claim_id: None,
            high: Some(17),
            high_claim_id: Some(1),
            is_conflict: true,
            status: "resolved".into(),
            resolution_note: Some(note.into()),
            resolved_at: Some(Utc::now()),
            preferred_claim_id: preferred,
            preferred_reason: preferred.map(|_| "named list of the dead".into()),
            updated_at: Utc::now(),
            preferred_value: None,
        }
    }

    fn member(claim_id: i64, source: &str, value: i64, qualifier: &str) -> MemberRow {
        MemberRow {
            fact_id: 4,
            claim_id,
            role: "disputed".into(),
            reason: String::new(),
            is_position: true,
            source_name: Some(source.into()),
            credibility: None,
            source_text: None,
            outlet: None,
            value,
            value_max: None,
            qualifier: qualifier.into(),
            quote: "q".into(),
            position: 0,
            article_id: claim_id * 10,
            article_url: Some(format!("https://example.org/{claim_id}")),
            article_title: format!("Article {claim_id}"),
            language: "en".into(),
            published_at: None,
            version: 1,
        }
    }

    #[test]
    fn the_preferred_figure_is_rated_true_and_the_others_disputed() {
        let ms = [
            member(1, "Civil Defence", 17, "exact"),
            member(2, "medics", 15, "at_least"),
            member(3, "SOHR", 12, "exact"),
        ];
        let refs: Vec<&MemberRow> = ms.iter().collect();
        let r = claim_review(
            &fact(Some(3), "Names checked."),
            &refs,
            "https://x/events/2",
        );
        assert_eq!(r["@type"], "ClaimReview");
        assert_eq!(r["url"], "https://x/events/2#fact-4");
        assert_eq!(
            r["claimReviewed"],
            "12 killed (civilians) in Shelling of Wadi al-Zein market"
        );
        assert_eq!(r["itemReviewed"]["author"]["name"], "SOHR");
        assert_eq!(
            r["itemReviewed"]["appearance"][0]["url"],
            "https://example.org/3"
        );
        assert_eq!(r["reviewRating"]["ratingValue"], RATING_TRUE);
        assert_eq!(r["reviewRating"]["alternateName"], "True");
        let body = r["reviewBody"].as_str().unwrap();
        assert!(body.starts_with("Names checked."), "{body}");
        assert!(
            body.contains("17 (Civil Defence); at least 15 (medics)"),
            "{body}"
        );
    }

    #[test]
    fn without_a_preferred_figure_the_largest_is_disputed() {
        let ms = [
            member(1, "Civil Defence", 17, "exact"),
            member(3, "SOHR", 12, "exact"),
        ];
        let refs: Vec<&MemberRow> = ms.iter().collect();
        let r = claim_review(&fact(None, "Counts differ in time."), &refs, "u");
        assert_eq!(r["itemReviewed"]["author"]["name"], "Civil Defence");
        assert_eq!(r["reviewRating"]["ratingValue"], RATING_DISPUTED);
        assert_eq!(r["reviewRating"]["alternateName"], "Disputed");
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let v = json!({"note": "</script><script>alert(1)</script> & <!-- \u{2028}"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(s.contains("\\u003c/script\\u003e"));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
