//! Events: which incident an article version reports. An article's [`EventSignature`] holds the
//! places it names (weighted by where: headline and figure-bearing sentences count most, a
//! wire dateline least), the days it names, the kinds of incident, and the groups and measures of
//! its figures. [`match_event`] scores it against the stored signatures of existing events.
//!
//! Scoring rule ([`score`]):
//! - places: Σ over shared place keys of min(weight) × level factor (site 1.5, locality 1.0, a
//!   national capital 0.5, province or region 0.35, country 0); a town also counts for its
//!   province at half weight. When both name the same kind of disaster, on days not known to be
//!   more than 3 apart, countries both name in the headline or beside figures count 0.25 each
//!   and the veto below does not apply (a disaster's place is often only its country, and it
//!   strikes many towns; violence is local). Below [`MIN_PLACE_SCORE`] there is no match.
//! - veto: when both sides have *focus* localities (named in the headline or in sentences that
//!   carry figures) and none of the article's focus localities is named anywhere in the event, nor
//!   shared with its focus, the article reports another incident (e.g. same province, other town).
//! - days: nearest days within 3 → +1; all more than 10 apart → −1.
//! - incident kinds: a shared kind +1.5, a shared family +0.5, different families −1.
//! - shared actor groups (not `unknown`): +0.5 each (`civilians` +0.25), at most +1.5;
//!   measures: Jaccard × 0.5.
//!
//! The best candidate scoring at least [`MATCH_THRESHOLD`] wins; otherwise a new event is made.

use super::dates::{find_dates, DayMention};
use super::gazetteer::{Gazetteer, Level};
use super::matcher::{MatchOptions, PhraseMatcher};
use super::normalize::fold;
use super::parts::sentence_bounds;
use crate::domain::{ExtractedClaim, Measure, UNKNOWN_GROUP};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Minimum total score for an article to join an existing event.
pub const MATCH_THRESHOLD: f32 = 2.5;
/// The family of incident kinds that may span a whole country (`incidents.toml`).
const DISASTER: &str = "disaster";
/// Level factor of a country both sides name prominently, for a disaster only (see [`score`]).
const DISASTER_COUNTRY: f32 = 0.25;

/// Minimum place score for an article to join an existing event.
pub const MIN_PLACE_SCORE: f32 = 0.3;

const W_HEADLINE: f32 = 3.0;
const W_FIGURE: f32 = 3.0;
const W_LEAD: f32 = 2.0;
const W_BODY: f32 = 1.0;
const W_DATELINE: f32 = 0.5;

/// What an article (or, merged, an event) is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSignature {
    /// Place key → weight (highest weight of any mention).
    #[serde(default)]
    pub places: BTreeMap<String, f32>,
    /// Localities and sites named in the headline or in sentences with figures.
    #[serde(default)]
    pub focus: BTreeSet<String>,
    /// Days named in the text, and the publication day.
    #[serde(default)]
    pub dates: BTreeSet<DayMention>,
    /// Incident kinds named in the headline or in sentences with figures.
    #[serde(default)]
    pub kinds: BTreeSet<String>,
    /// Actor groups of the figures (without `unknown`).
    #[serde(default)]
    pub groups: BTreeSet<String>,
    #[serde(default)]
    pub measures: BTreeSet<Measure>,
    /// How many article versions were merged into this signature.
    #[serde(default)]
    pub articles: u32,
    /// The days its articles date the event by ([`super::title::article_day`]); empty while
    /// none gives one, when the event is dated by the day it was stored.
    #[serde(default)]
    pub article_days: BTreeSet<NaiveDate>,
}

impl EventSignature {
    /// Folds another signature (an article joining the event) into this one.
    pub fn merge(&mut self, other: &EventSignature) {
        for (k, w) in &other.places {
            let e = self.places.entry(k.clone()).or_insert(0.0);
            *e = e.max(*w);
        }
        self.focus.extend(other.focus.iter().cloned());
        self.dates.extend(other.dates.iter().copied());
        self.kinds.extend(other.kinds.iter().cloned());
        self.groups.extend(other.groups.iter().cloned());
        self.measures.extend(other.measures.iter().copied());
        self.articles += other.articles.max(1);
        self.article_days.extend(other.article_days.iter().copied());
    }

    /// The first and last of the days its articles date the event by, if any gives one.
    pub fn article_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((*self.article_days.first()?, *self.article_days.last()?))
    }
}

#[derive(Debug, Deserialize)]
struct KindFile {
    kinds: Vec<KindEntry>,
}

#[derive(Debug, Deserialize)]
struct KindEntry {
    key: String,
    family: String,
    names: Vec<String>,
}

/// Incident kinds shipped with the crate (TOML text).
pub const BUILTIN_INCIDENTS: &str = include_str!("incidents.toml");

struct Kinds {
    entries: Vec<KindEntry>,
    matcher: PhraseMatcher,
}

fn kinds() -> &'static Kinds {
    static KINDS: OnceLock<Kinds> = OnceLock::new();
    KINDS.get_or_init(|| {
        // The embedded data is checked by the `builtin_incident_kinds_parse` test.
        let file: KindFile =
            toml::from_str(BUILTIN_INCIDENTS).expect("embedded incidents.toml is valid");
        let matcher = PhraseMatcher::new(
            file.kinds
                .iter()
                .enumerate()
                .flat_map(|(i, k)| k.names.iter().map(move |n| (n.as_str(), i))),
            MatchOptions {
                arabic_article: true,
                arabic_suffix: true,
            },
        );
        Kinds {
            entries: file.kinds,
            matcher,
        }
    })
}

fn family_of(kind: &str) -> Option<&'static str> {
    kinds()
        .entries
        .iter()
        .find(|k| k.key == kind)
        .map(|k| k.family.as_str())
}

/// The incident kinds of a signature in the order `incidents.toml` lists them (the most specific
/// first), each with its first English and first Arabic name.
pub fn kind_names(keys: &BTreeSet<String>) -> Vec<(&'static str, &'static str, &'static str)> {
    kinds()
        .entries
        .iter()
        .filter(|k| keys.contains(&k.key))
        .map(|k| {
            let en = k.names.first().map_or(k.key.as_str(), String::as_str);
            let ar = k
                .names
                .iter()
                .find(|n| n.chars().any(super::normalize::is_arabic))
                .map_or(en, String::as_str);
            (k.key.as_str(), en, ar)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Headline,
    Dateline,
    Figure,
    Lead,
    Body,
}

/// End (byte offset within the line) of a wire dateline opening the line, e.g. "BEIRUT, Oct 12
/// (Cedar Daily) -", "حماة-سانا:", "إدلب – «صدى الشمال»:".
fn dateline_end(line: &str) -> Option<usize> {
    let mut chars = 0;
    for (i, c) in line.char_indices() {
        chars += 1;
        if chars > 45 {
            return None;
        }
        let is_delim = matches!(c, '(' | '–' | '—' | ':' | '-') && {
            // a hyphen inside a word ("ez-Zor") is not a delimiter unless before an Arabic agency name
            c != '-'
                || line[..i].ends_with(' ')
                || line[i + 1..].starts_with(' ')
                || line[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(super::normalize::is_arabic)
        };
        if is_delim {
            let words = line[..i].split_whitespace().count();
            return (1..=6).contains(&words).then_some(i);
        }
    }
    None
}

/// Segments of the text with the role each plays.
fn segments(text: &str, claims: &[ExtractedClaim]) -> Vec<(usize, usize, Role)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut seen_headline = false;
    let mut seen_lead = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.trim().is_empty() {
            continue;
        }
        if !seen_headline {
            seen_headline = true;
            out.push((start, start + line.len(), Role::Headline));
            continue;
        }
        let mut body_start = start;
        if let Some(d) = dateline_end(line) {
            out.push((start, start + d, Role::Dateline));
            body_start = start + d;
        }
        let is_lead = !seen_lead && line.chars().count() >= 80;
        seen_lead |= is_lead;
        for (s, e) in sentence_bounds(&text[body_start..start + line.len()]) {
            let (s, e) = (body_start + s, body_start + e);
            let figure = claims.iter().any(|c| c.start >= s && c.start < e);
            let role = if figure {
                Role::Figure
            } else if is_lead {
                Role::Lead
            } else {
                Role::Body
            };
            out.push((s, e, role));
        }
    }
    out
}

/// Reads an article version's signature. `lang` is accepted for callers' symmetry; folding and
/// the gazetteer are language-independent. `published` anchors relative days and weekdays.
pub fn signature(
    text: &str,
    _lang: &str,
    published: Option<NaiveDate>,
    claims: &[ExtractedClaim],
    gazetteer: &Gazetteer,
) -> EventSignature {
    let mut sig = EventSignature {
        articles: 1,
        ..Default::default()
    };
    let mut focus_all: BTreeSet<String> = BTreeSet::new();
    for (s, e, role) in segments(text, claims) {
        let seg = &text[s..e];
        let folded = fold(seg);
        let w = match role {
            Role::Headline => W_HEADLINE,
            Role::Figure => W_FIGURE,
            Role::Lead => W_LEAD,
            Role::Body => W_BODY,
            Role::Dateline => W_DATELINE,
        };
        for m in gazetteer.find(seg) {
            let Some(place) = gazetteer.place(&m.key) else {
                continue;
            };
            let entry = sig.places.entry(m.key.clone()).or_insert(0.0);
            *entry = entry.max(w);
            if matches!(place.level, Level::Locality | Level::Site) {
                for anc in gazetteer.ancestors(&m.key) {
                    if let Some(a) = gazetteer.place(anc) {
                        if matches!(a.level, Level::Province | Level::Region) {
                            let e = sig.places.entry(anc.to_string()).or_insert(0.0);
                            *e = e.max(w * 0.5);
                        }
                    }
                }
                if matches!(role, Role::Headline | Role::Figure) {
                    focus_all.insert(m.key.clone());
                }
            }
        }
        if matches!(role, Role::Headline | Role::Figure) {
            for m in kinds().matcher.find_folded(&folded) {
                sig.kinds.insert(kinds().entries[m.payload].key.clone());
            }
        }
    }
    let non_capital: BTreeSet<String> = focus_all
        .iter()
        .filter(|k| gazetteer.place(k).is_some_and(|p| !p.capital))
        .cloned()
        .collect();
    sig.focus = if non_capital.is_empty() {
        focus_all
    } else {
        non_capital
    };
    sig.dates = find_dates(text, published).into_iter().collect();
    if let Some(p) = published {
        sig.dates.insert(DayMention::from_date(p));
    }
    for c in claims {
        if c.group != UNKNOWN_GROUP {
            sig.groups.insert(c.group.clone());
        }
        sig.measures.insert(c.measure);
    }
    sig
}

fn is_country(gazetteer: &Gazetteer, key: &str) -> bool {
    gazetteer
        .place(key)
        .is_some_and(|p| p.level == Level::Country)
}

fn level_factor(gazetteer: &Gazetteer, key: &str) -> f32 {
    match gazetteer.place(key) {
        Some(p) => match p.level {
            Level::Site => 1.5,
            Level::Locality if p.capital => 0.5,
            Level::Locality => 1.0,
            Level::Province | Level::Region => 0.35,
            Level::Country => 0.0,
        },
        None => 0.35,
    }
}

/// How well an article's signature fits an event's; `None` when it cannot be the same incident.
pub fn score(
    article: &EventSignature,
    event: &EventSignature,
    gazetteer: &Gazetteer,
) -> Option<f32> {
    let mut place = 0.0;
    for (k, wa) in &article.places {
        if let Some(we) = event.places.get(k) {
            place += wa.min(*we) * level_factor(gazetteer, k);
        }
    }
    let nearest_day = || {
        article
            .dates
            .iter()
            .flat_map(|a| event.dates.iter().filter_map(move |e| a.distance(e)))
            .min()
    };
    // A disaster's place is often only its country ("the earthquake in Turkey and Syria"), and
    // it strikes many towns: the same kind of disaster, in countries both name in the headline
    // or beside their figures, on days not known to be apart, counts those countries and is not
    // kept apart by different towns. Violence is local, and stays matched by town.
    let same_disaster = article
        .kinds
        .intersection(&event.kinds)
        .any(|k| family_of(k) == Some(DISASTER));
    let countries: f32 = if same_disaster {
        article
            .places
            .iter()
            .filter(|(k, _)| is_country(gazetteer, k))
            .filter_map(|(k, wa)| {
                let we = event.places.get(k)?;
                (*wa >= W_FIGURE && *we >= W_FIGURE).then_some(wa.min(*we) * DISASTER_COUNTRY)
            })
            .sum()
    } else {
        0.0
    };
    let by_country = countries >= MIN_PLACE_SCORE && nearest_day().is_none_or(|d| d <= 3);
    if by_country {
        place += countries;
    }
    if place < MIN_PLACE_SCORE {
        return None;
    }
    if !article.focus.is_empty()
        && !event.focus.is_empty()
        && !by_country
        && article.focus.is_disjoint(&event.focus)
        && article.focus.iter().all(|k| !event.places.contains_key(k))
    {
        return None;
    }
    let mut total = place;
    if !article.dates.is_empty() && !event.dates.is_empty() {
        match nearest_day() {
            Some(d) if d <= 3 => total += 1.0,
            Some(d) if d > 10 => total -= 1.0,
            _ => {}
        }
    }
    if !article.kinds.is_empty() && !event.kinds.is_empty() {
        if !article.kinds.is_disjoint(&event.kinds) {
            total += 1.5;
        } else {
            let fa: BTreeSet<&str> = article.kinds.iter().filter_map(|k| family_of(k)).collect();
            let fe: BTreeSet<&str> = event.kinds.iter().filter_map(|k| family_of(k)).collect();
            total += if fa.is_disjoint(&fe) { -1.0 } else { 0.5 };
        }
    }
    let groups: f32 = article
        .groups
        .intersection(&event.groups)
        .map(|g| if g == "civilians" { 0.25 } else { 0.5 })
        .sum();
    total += groups.min(1.5);
    let union = article.measures.union(&event.measures).count();
    if union > 0 {
        total += 0.5 * article.measures.intersection(&event.measures).count() as f32 / union as f32;
    }
    Some(total)
}

/// The place keys an event must share with this signature to be worth scoring: every named
/// place below a country, and the countries where the figures are when the article reports a
/// disaster (see [`score`]). Empty when nothing could match.
pub fn candidate_keys(sig: &EventSignature, gazetteer: &Gazetteer) -> Vec<String> {
    let disaster = sig.kinds.iter().any(|k| family_of(k) == Some(DISASTER));
    sig.places
        .iter()
        .filter(|(k, w)| !is_country(gazetteer, k) || (disaster && **w >= W_FIGURE))
        .map(|(k, _)| k.clone())
        .collect()
}

/// The best-fitting event among `candidates` (id, stored signature), if any reaches
/// [`MATCH_THRESHOLD`].
pub fn match_event(
    sig: &EventSignature,
    candidates: &[(i64, EventSignature)],
    gazetteer: &Gazetteer,
) -> Option<i64> {
    candidates
        .iter()
        .filter_map(|(id, e)| score(sig, e, gazetteer).map(|s| (*id, s)))
        .filter(|(_, s)| *s >= MATCH_THRESHOLD)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(id, _)| id)
}
