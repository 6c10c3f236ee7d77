//! Facts and conflicts. Within one event, claims answering the same question (same measure and
//! actor group) form a fact. Each source's figures are reduced to the one it stands by (its
//! *position*): its latest figure, the largest one in its latest article; its other figures are
//! repeats (agreeing), parts of a larger figure or sums adding up to it (explained), or earlier
//! figures it has since revised (explained). Positions of different sources that no single count
//! can satisfy are disputed.
//!
//! Rules, in the order they apply:
//! 1. Sources are resolved per article version ([`SourceDirectory::resolve_article`]); a short
//!    reference its article leaves unresolved ("the civil defence") is the event's only source of
//!    that kind, if it has exactly one. A figure
//!    in the outlet's own voice (no source) that restates an attributed figure of its article
//!    (same value, or the sum of two or three figures of one source) is that source's; otherwise
//!    it is the outlet's own (`outlet:<name>`), so an outlet revising its own figure supersedes it.
//!    An unlisted source named in Latin script in one report and in Arabic in another is one
//!    source ([`SourceDirectory::same_name_across_scripts`]).
//! 2. A claim whose group is `unknown` joins the fact of a specific group when a claim of that
//!    group with the same measure and value comes from the same article or the same source.
//!    Otherwise an `unknown` figure of people joins `civilians` when at least two thirds of the
//!    event's figures of that measure that name a group name civilians.
//! 3. `part_of` pointing at a larger figure of the same fact explains the part (whoever said it),
//!    unless the part has a narrower scope than its whole ("100,000 children" among "300,000
//!    homeless"): then it is compared in rule 6 with other sources' figures of that scope.
//!    So do two or three figures of one article version that add up to another of its figures
//!    (an article's own breakdown, whoever gives each term; but a term for a narrower place that
//!    another source contradicts on the same day stays a rival, compared in rule 6), and a
//!    figure at most an eighth of another figure of its article ([`SHARE_RATIO`]: a share, not
//!    a rival count).
//!    A figure its report calls an earlier count ([`super::stage`]), and the same figure in other
//!    reports, is explained as superseded when the question has a current figure of another
//!    value ([`earlier_counts`]).
//! 4. Only claims of an article's latest version can be positions. A claim of an earlier version
//!    is a repeat of, or superseded by, its source's position; if its source has no figure left
//!    in the fact it is explained as withdrawn.
//! 5. A source's other figures: compatible with its position → agreeing (disputed if the position
//!    is); smaller and adding up with one or two of the source's other figures (of this group or
//!    a group it may include, e.g. 26 + 9 Russians = 35 pro-government) → explained as a sum;
//!    smaller in the same article → explained as a part; from an earlier article → superseded.
//! 6. Positions are compared through their intervals ([`Interval`]): a position that cannot hold
//!    together with another source's position is disputed; the fact is then a conflict. A
//!    provisional toll of harm reads as "at least" its figure. Two tolls of harm reported on
//!    different days ([`LinkClaim::day`]), the later one higher, are a toll that rose between
//!    the reports: the earlier is explained, not disputed ([`rose_between`]).
//! 7. A toll of everyone (`unknown`) below another source's toll of civilians, same measure and
//!    scope, disputes it; the civilians' figure joins the question of everyone ([`floors`]).
//!
//! Low / best / high (as UCDP does) come from the positions: low is the smallest lower bound,
//! high the largest stated figure, best the figure most positions agree with (ties: the latest).

use super::groups::includes;
use super::interval::{describe, Interval};
use super::scope::{describe as describe_scope, relation, Relation};
use super::sources::{normalize_name, SourceDirectory, SourceRef};
use crate::domain::{Measure, Qualifier, Stage, UNKNOWN_GROUP};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// The group of figures about civilians.
const CIVILIANS: &str = "civilians";

/// One stored claim, as the linker needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkClaim {
    pub claim_id: i64,
    pub article_id: i64,
    /// Version number of the article this claim was read from.
    pub version: i32,
    /// Whether that version is the article's latest.
    pub is_latest: bool,
    /// Byte offset of the claim in its article version's text.
    pub position: usize,
    /// Publication time of the article version, when known.
    pub published: Option<NaiveDateTime>,
    /// Ingest order of the article version (e.g. its row id): breaks ties and stands in for a
    /// missing publication time.
    pub ingest_seq: i64,
    /// The day the figure was reported, when the report tells: a weekday its sentence names
    /// ("the agency said Friday"), else the article's own day (its publication date, the day
    /// its address names, or the latest weekday its text names). Never the day it was stored.
    pub day: Option<chrono::NaiveDate>,
    /// Whether `day` is the day itself (named in the figure's sentence, or the version's own
    /// date) rather than the latest day its text names, before which it was not reported.
    pub day_exact: bool,
    pub outlet: String,
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: Qualifier,
    pub measure: Measure,
    pub group: String,
    /// Raw attribution text as extracted; `None` when the outlet says it in its own voice.
    pub source: Option<String>,
    /// Claim id of the figure this one is part of.
    pub part_of: Option<i64>,
    /// What narrows the figure's question (see [`super::scope`]): a place the article divides
    /// the toll by, a time, a rate, or a kind of thing.
    pub scope: Option<String>,
    /// Whether its sentence calls it provisional or an earlier count (see [`super::stage`]).
    pub stage: Option<Stage>,
}

/// A member's role in its fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Disagrees with another source's figure.
    Disputed,
    /// Accounted for: part of, sum towards, or superseded by a figure of the fact.
    Explained,
    /// Consistent with the other sources.
    Agreeing,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Disputed => "disputed",
            Role::Explained => "explained",
            Role::Agreeing => "agreeing",
        }
    }
}

/// A claim inside a fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub claim_id: i64,
    pub role: Role,
    /// Canonical source key (see [`SourceRef::key`]; `outlet:<name>` for the outlet's own voice).
    pub source_key: String,
    pub source_name: String,
    /// Whether this claim is its source's position in the fact.
    pub position: bool,
    pub reason: String,
}

/// A bound of a fact, with the claim and source it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub value: i64,
    pub claim_id: i64,
    pub source_key: String,
    pub source_name: String,
}

/// The claims of one event that answer one question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fact {
    pub measure: Measure,
    pub group: String,
    pub conflict: bool,
    pub low: Estimate,
    pub best: Estimate,
    pub high: Estimate,
    pub members: Vec<Member>,
}

/// A claim with its resolved source and effective group.
#[derive(Debug, Clone)]
struct Resolved<'a> {
    c: &'a LinkClaim,
    source: SourceRef,
    group: String,
    /// How an outlet-voice figure was attributed, if it was.
    restates: Option<String>,
    /// Whether its source names nobody ([`SourceDirectory::is_anonymous`]).
    anonymous: bool,
}

fn doc_key(c: &LinkClaim) -> (i64, i32) {
    (c.article_id, c.version)
}

/// Whether `a`'s article version comes after `b`'s.
fn cmp_order(a: &LinkClaim, b: &LinkClaim) -> Ordering {
    match (a.published, b.published) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => a
            .ingest_seq
            .cmp(&b.ingest_seq)
            .then(a.version.cmp(&b.version)),
    }
}

/// The counts a figure allows. A provisional toll of harm allows any count from it up.
fn interval(c: &LinkClaim) -> Interval {
    let qualifier = match c.qualifier {
        Qualifier::Exact | Qualifier::Approx
            if c.measure.is_harm_toll() && c.value > 0 && c.stage == Some(Stage::Provisional) =>
        {
            Qualifier::AtLeast
        }
        q => q,
    };
    Interval::of(c.value, c.value_max, qualifier)
}

fn top(c: &LinkClaim) -> i64 {
    c.value_max.unwrap_or(c.value).max(c.value)
}

fn desc(c: &LinkClaim) -> String {
    describe(c.value, c.value_max, c.qualifier)
}

fn plain(c: &LinkClaim) -> bool {
    c.value > 0
        && c.value_max.is_none_or(|m| m == c.value)
        && matches!(c.qualifier, Qualifier::Exact | Qualifier::Approx)
}

/// Parts (one or two from `pool`, all plain) that with `first` add up to `target`.
fn sum_parts<'a>(
    target: i64,
    first: &LinkClaim,
    pool: &[&'a LinkClaim],
) -> Option<Vec<&'a LinkClaim>> {
    if !plain(first) || first.value >= target {
        return None;
    }
    parts_summing(first, pool, |sum| sum == target)
}

/// One or two figures of `pool` (plain, other than `first`) whose sum with `first` `fits`.
fn parts_summing<'a>(
    first: &LinkClaim,
    pool: &[&'a LinkClaim],
    fits: impl Fn(i64) -> bool,
) -> Option<Vec<&'a LinkClaim>> {
    let pool: Vec<&LinkClaim> = pool
        .iter()
        .copied()
        .filter(|p| plain(p) && p.claim_id != first.claim_id)
        .collect();
    for (i, a) in pool.iter().enumerate() {
        if fits(first.value + a.value) {
            return Some(vec![a]);
        }
        for b in &pool[i + 1..] {
            if fits(first.value + a.value + b.value) {
                return Some(vec![a, b]);
            }
        }
    }
    None
}

fn sum_reason(first: &LinkClaim, parts: &[&LinkClaim], total: &LinkClaim) -> String {
    let mut terms = vec![first.value.to_string()];
    terms.extend(parts.iter().map(|p| p.value.to_string()));
    format!("{} = {} (same source)", terms.join(" + "), total.value)
}

/// Links the claims of one event into facts (see the module docs for the rules).
pub fn link_event(claims: &[LinkClaim], sources: &SourceDirectory) -> Vec<Fact> {
    let resolved = resolve(claims, sources);
    let mut by_question: BTreeMap<(Measure, String), Vec<usize>> = BTreeMap::new();
    for (i, r) in resolved.iter().enumerate() {
        by_question
            .entry((r.c.measure, r.group.clone()))
            .or_default()
            .push(i);
    }
    let mut facts: Vec<Fact> = by_question
        .into_iter()
        .filter_map(|((measure, group), idx)| link_fact(measure, &group, &idx, &resolved))
        .collect();
    floors(&mut facts, &resolved);
    facts
}

/// Rule 7: a toll of everyone (group `unknown`) is at least the toll of civilians of the same
/// measure and scope. A source whose toll of everyone stays below another source's toll of
/// civilians ("up to 20 dead" against "60 Afghan civilians") disputes it: the civilians' figure
/// joins the question of everyone as a disputed member (it stays a member of its own question
/// too). Armed sides are left out: reports often count them apart from the toll ("90 people,
/// in addition to 13 US soldiers").
fn floors(facts: &mut [Fact], resolved: &[Resolved]) {
    let by_id: HashMap<i64, &Resolved> = resolved.iter().map(|r| (r.c.claim_id, r)).collect();
    let standing = |m: &Member| m.position && m.role != Role::Explained;
    // (fact of everyone, its member below the floor, the floor's member, the floor's group)
    let mut found: Vec<(usize, i64, Member, String)> = Vec::new();
    for (ui, everyone) in facts.iter().enumerate() {
        if everyone.group != UNKNOWN_GROUP {
            continue;
        }
        let groups = facts
            .iter()
            .filter(|g| g.measure == everyone.measure && g.group == CIVILIANS);
        for g in groups {
            for floor in g.members.iter().filter(|m| standing(m)) {
                let Some(fc) = by_id.get(&floor.claim_id).map(|r| r.c) else {
                    continue;
                };
                for below in everyone.members.iter().filter(|m| standing(m)) {
                    let Some(bc) = by_id.get(&below.claim_id).map(|r| r.c) else {
                        continue;
                    };
                    let comparable = below.source_key != floor.source_key
                        && relation(bc.scope.as_deref(), fc.scope.as_deref()) == Relation::Same;
                    if comparable && interval(bc).hi < interval(fc).lo {
                        found.push((ui, below.claim_id, floor.clone(), g.group.clone()));
                    }
                }
            }
        }
    }
    for (ui, below_id, floor, group) in found {
        let floor_fig = by_id
            .get(&floor.claim_id)
            .map(|r| desc(r.c))
            .unwrap_or_default();
        let fact = &mut facts[ui];
        let mut below_fig = String::new();
        if let Some(m) = fact.members.iter_mut().find(|m| m.claim_id == below_id) {
            below_fig = by_id
                .get(&m.claim_id)
                .map(|r| format!("{} ({})", desc(r.c), m.source_name))
                .unwrap_or_default();
            let why = format!("fewer than {floor_fig} {group} ({})", floor.source_name);
            m.reason = if m.role == Role::Disputed {
                format!("{}; {why}", m.reason)
            } else {
                why
            };
            m.role = Role::Disputed;
        }
        fact.conflict = true;
        match fact
            .members
            .iter_mut()
            .find(|m| m.claim_id == floor.claim_id)
        {
            Some(m) => m.reason = format!("{}; more than everyone's {below_fig}", m.reason),
            None => fact.members.push(Member {
                role: Role::Disputed,
                position: false,
                reason: format!("{group} alone: more than everyone's {below_fig}"),
                ..floor
            }),
        }
        fact.members.sort_by_key(|m| m.claim_id);
    }
}

/// Rules 1 and 2: sources per article version, outlet-voice restatements, unknown groups.
fn resolve<'a>(claims: &'a [LinkClaim], sources: &SourceDirectory) -> Vec<Resolved<'a>> {
    // sources, per article version in text order
    let mut docs: BTreeMap<(i64, i32), Vec<&LinkClaim>> = BTreeMap::new();
    for c in claims {
        docs.entry(doc_key(c)).or_default().push(c);
    }
    let mut src: HashMap<i64, Option<SourceRef>> = HashMap::new();
    for list in docs.values_mut() {
        list.sort_by_key(|c| (c.position, c.claim_id));
        let raws: Vec<Option<&str>> = list
            .iter()
            .map(|c| c.source.as_deref().filter(|s| !s.trim().is_empty()))
            .collect();
        for (c, r) in list.iter().zip(sources.resolve_article(&raws)) {
            src.insert(c.claim_id, r);
        }
    }
    // rule 1b: a short reference its article could not resolve ("the civil defence", "la
    // ministère") is the event's only source of that kind, when there is exactly one
    let mut of_kind: BTreeMap<String, BTreeMap<String, SourceRef>> = BTreeMap::new();
    for r in src.values().flatten() {
        if r.key.starts_with("kind:") {
            continue;
        }
        for k in sources.kinds_of(r) {
            of_kind
                .entry(k)
                .or_default()
                .entry(r.key.clone())
                .or_insert_with(|| r.clone());
        }
    }
    for r in src.values_mut().flatten() {
        if let Some(kind) = r.key.strip_prefix("kind:") {
            if let Some(only) = of_kind.get(kind).filter(|m| m.len() == 1) {
                if let Some(only) = only.values().next() {
                    *r = only.clone();
                }
            }
        }
    }
    // rule 1c: an unlisted source named in Latin script in one report and in Arabic in another
    // ("Rudaw", «شبكة "رووداو" الكردية») is one source, keyed by the first of its keys
    let unlisted: BTreeMap<String, SourceRef> = src
        .values()
        .flatten()
        .filter(|r| r.key.starts_with("x:"))
        .map(|r| (r.key.clone(), r.clone()))
        .collect();
    let mut same_as: HashMap<String, SourceRef> = HashMap::new();
    for (i, (ka, a)) in unlisted.iter().enumerate() {
        for (kb, b) in unlisted.iter().skip(i + 1) {
            if !same_as.contains_key(kb) && sources.same_name_across_scripts(a, b) {
                let canonical = same_as.get(ka).unwrap_or(a).clone();
                same_as.insert(kb.clone(), canonical);
            }
        }
    }
    for r in src.values_mut().flatten() {
        if let Some(canonical) = same_as.get(&r.key) {
            *r = canonical.clone();
        }
    }
    let source_of = |c: &LinkClaim| src.get(&c.claim_id).cloned().flatten();
    // rule 2: unknown group joins a specific group on the same value from the same article or source
    let group_of = |c: &LinkClaim| -> String {
        if c.group != UNKNOWN_GROUP {
            return c.group.clone();
        }
        let mine = source_of(c).map(|s| s.key);
        let mut groups: Vec<&str> = claims
            .iter()
            .filter(|d| {
                d.group != UNKNOWN_GROUP
                    && d.measure == c.measure
                    && d.value == c.value
                    && d.value_max == c.value_max
                    && (doc_key(d) == doc_key(c)
                        || (mine.is_some() && source_of(d).map(|s| s.key) == mine))
            })
            .map(|d| d.group.as_str())
            .collect();
        groups.sort_unstable();
        groups.dedup();
        if let [g] = groups.as_slice() {
            return g.to_string();
        }
        // rule 2b: people of no named side, in an event whose named victims of this measure
        // are mostly civilians, are counted with them ("105 civilians" against "200 people")
        let people = c.scope.as_deref().is_none_or(|s| !s.starts_with("of:"));
        let (civilian, named) = claims
            .iter()
            .filter(|d| d.measure == c.measure && d.group != UNKNOWN_GROUP)
            .fold((0usize, 0usize), |(civ, all), d| {
                (civ + usize::from(d.group == CIVILIANS), all + 1)
            });
        if people && civilian * 3 >= named * 2 && civilian > 0 {
            CIVILIANS.to_string()
        } else {
            c.group.clone()
        }
    };
    let groups: HashMap<i64, String> = claims.iter().map(|c| (c.claim_id, group_of(c))).collect();
    // rule 1: outlet voice
    claims
        .iter()
        .map(|c| {
            let group = groups[&c.claim_id].clone();
            if let Some(s) = source_of(c) {
                return Resolved {
                    c,
                    anonymous: sources.is_anonymous(&s),
                    source: s,
                    group,
                    restates: None,
                };
            }
            let attributed: Vec<(&LinkClaim, SourceRef)> = docs[&doc_key(c)]
                .iter()
                .filter(|d| d.measure == c.measure)
                .filter_map(|d| source_of(d).map(|s| (*d, s)))
                .collect();
            let same = attributed
                .iter()
                .filter(|(d, _)| {
                    groups[&d.claim_id] == group && d.value == c.value && d.value_max == c.value_max
                })
                .min_by_key(|(d, _)| d.position.abs_diff(c.position));
            if let Some((_, s)) = same {
                return Resolved {
                    c,
                    anonymous: sources.is_anonymous(s),
                    source: s.clone(),
                    group,
                    restates: Some(format!("restates {}'s figure", s.name)),
                };
            }
            let mut by_source: BTreeMap<&str, Vec<&LinkClaim>> = BTreeMap::new();
            for (d, s) in &attributed {
                if includes(&group, &groups[&d.claim_id]) {
                    by_source.entry(s.key.as_str()).or_default().push(d);
                }
            }
            for (key, list) in &by_source {
                for (i, first) in list.iter().enumerate() {
                    if let Some(parts) = sum_parts(c.value, first, &list[i + 1..]) {
                        if !plain(c) {
                            break;
                        }
                        let s = attributed
                            .iter()
                            .find(|(_, s)| s.key == *key)
                            .map(|(_, s)| s.clone());
                        if let Some(s) = s {
                            let mut terms = vec![first.value.to_string()];
                            terms.extend(parts.iter().map(|p| p.value.to_string()));
                            let why = format!(
                                "restates {}'s {} = {}",
                                s.name,
                                terms.join(" + "),
                                c.value
                            );
                            return Resolved {
                                c,
                                anonymous: sources.is_anonymous(&s),
                                source: s,
                                group,
                                restates: Some(why),
                            };
                        }
                    }
                }
            }
            let outlet = SourceRef {
                key: format!("outlet:{}", normalize_name(&c.outlet)),
                name: c.outlet.clone(),
            };
            Resolved {
                c,
                source: outlet,
                group,
                restates: None,
                anonymous: true,
            }
        })
        .collect()
}

/// Rules 3 to 6 for one question.
fn link_fact(measure: Measure, group: &str, idx: &[usize], all: &[Resolved]) -> Option<Fact> {
    let members: Vec<&Resolved> = idx.iter().map(|&i| &all[i]).collect();
    let by_id: HashMap<i64, &Resolved> = members.iter().map(|r| (r.c.claim_id, *r)).collect();
    let mut role: HashMap<i64, (Role, String)> = HashMap::new();
    // rule 3: part_of within the fact; a part of narrower scope than its whole (the children
    // among the homeless) stays its source's figure for that scope, compared in rule 6 with
    // other sources' figures of it and accounted for by the whole only if none gives one
    for r in &members {
        if let Some(w) = r.c.part_of.and_then(|w| by_id.get(&w)) {
            let narrower = relation(r.c.scope.as_deref(), w.c.scope.as_deref()) == Relation::Inside;
            if w.c.claim_id != r.c.claim_id
                && !narrower
                && interval(r.c).hi <= interval(w.c).hi
                && r.c.value <= top(w.c)
            {
                let whose = if w.source.key == r.source.key {
                    "same source".to_string()
                } else {
                    w.source.name.clone()
                };
                role.insert(
                    r.c.claim_id,
                    (Role::Explained, format!("part of {} ({whose})", desc(w.c))),
                );
            }
        }
    }
    // rule 3b: an article's own breakdown, whoever gives each term
    for (part, why) in article_sums(&members) {
        role.entry(part).or_insert((Role::Explained, why));
    }
    // rule 3c: a figure dwarfed by a figure of its own article is a share of it
    for (part, why) in dwarfed(&members) {
        role.entry(part).or_insert((Role::Explained, why));
    }
    // rule 3d: a count its report calls earlier, here or in another report, is superseded
    for (earlier, why) in earlier_counts(&members) {
        role.entry(earlier).or_insert((Role::Explained, why));
    }
    // rule 3e: a lower count without a named source dates from before a reported rise
    for (before, why) in before_a_rise(&members) {
        role.entry(before).or_insert((Role::Explained, why));
    }
    // group the rest by source and scope: a source has one position per scope
    let mut by_source: BTreeMap<(&str, Option<&str>), Vec<&Resolved>> = BTreeMap::new();
    for r in &members {
        if !role.contains_key(&r.c.claim_id) {
            by_source
                .entry((r.source.key.as_str(), r.c.scope.as_deref()))
                .or_default()
                .push(r);
        }
    }
    let mut positions: Vec<&Resolved> = Vec::new();
    for list in by_source.values() {
        let current: Vec<&&Resolved> = list.iter().filter(|r| r.c.is_latest).collect();
        let Some(latest) = current.iter().map(|r| r.c).max_by(|a, b| cmp_order(a, b)) else {
            for r in list {
                role.insert(
                    r.c.claim_id,
                    (
                        Role::Explained,
                        "from an earlier version of its article; withdrawn since".into(),
                    ),
                );
            }
            continue;
        };
        let latest_doc = doc_key(latest);
        let Some(pos) = current
            .iter()
            .filter(|r| doc_key(r.c) == latest_doc)
            .max_by(|a, b| {
                top(a.c)
                    .cmp(&top(b.c))
                    .then(
                        (a.c.qualifier == Qualifier::Exact)
                            .cmp(&(b.c.qualifier == Qualifier::Exact)),
                    )
                    .then(b.c.position.cmp(&a.c.position))
            })
            .map(|r| **r)
        else {
            continue;
        };
        positions.push(pos);
        for r in list {
            if r.c.claim_id == pos.c.claim_id {
                continue;
            }
            let (rl, why) = explain_same_source(r, pos, group, all);
            role.insert(r.c.claim_id, (rl, why));
        }
    }
    // rule 6: positions of different sources, where their scopes can be compared
    let mut against: Vec<Vec<usize>> = vec![Vec::new(); positions.len()];
    // other sources' positions of the same scope that can hold together with this one
    let mut fits: Vec<Vec<usize>> = vec![Vec::new(); positions.len()];
    let mut others: Vec<Vec<String>> = vec![Vec::new(); positions.len()];
    let mut within: Vec<Option<String>> = vec![None; positions.len()];
    // a higher toll another source reported on a later day than this one
    let mut risen_since: Vec<Option<usize>> = vec![None; positions.len()];
    for (i, p) in positions.iter().enumerate() {
        for (j, q) in positions.iter().enumerate() {
            if q.source.key == p.source.key {
                continue;
            }
            let (ip, iq) = (interval(p.c), interval(q.c));
            match relation(p.c.scope.as_deref(), q.c.scope.as_deref()) {
                Relation::Same => {
                    if ip.overlaps(&iq) {
                        fits[i].push(j);
                    } else if rose_between(p.c, q.c) {
                        risen_since[i].get_or_insert(j);
                    } else if !rose_between(q.c, p.c) {
                        against[i].push(j);
                    }
                    others[i].push(named(q));
                }
                // a figure for part of the place: accounted for by a figure of the whole (an
                // unscoped figure may itself be another part, so size proves nothing)
                Relation::Inside if ip.lo <= iq.hi + 1e-9 => {
                    within[i].get_or_insert_with(|| named(q));
                }
                Relation::Inside | Relation::Encloses | Relation::Apart => {}
            }
        }
    }
    let sides = dispute_sides(&positions, &against, &fits);
    let mut disputed_positions: Vec<i64> = Vec::new();
    for (i, p) in positions.iter().enumerate() {
        let lead = p
            .restates
            .as_ref()
            .map(|r| format!("{r}; "))
            .unwrap_or_default();
        let scoped =
            p.c.scope
                .as_deref()
                .map(|s| format!("{}: ", describe_scope(s)))
                .unwrap_or_default();
        if let Some(side) = sides[i] {
            let q = positions[side];
            role.insert(
                p.c.claim_id,
                (
                    Role::Agreeing,
                    format!(
                        "{lead}{scoped}consistent with {}, which stands for it in the dispute",
                        named(q)
                    ),
                ),
            );
        } else if let (true, Some(j)) = (against[i].is_empty(), risen_since[i]) {
            let q = positions[j];
            let when = q.c.day.map(|d| d.to_string()).unwrap_or_default();
            role.insert(
                p.c.claim_id,
                (
                    Role::Explained,
                    format!(
                        "{lead}{scoped}reported on an earlier day; the toll had risen to {} by {when}",
                        named(q)
                    ),
                ),
            );
        } else if !against[i].is_empty() {
            disputed_positions.push(p.c.claim_id);
            let rivals: Vec<String> = against[i].iter().map(|&j| named(positions[j])).collect();
            role.insert(
                p.c.claim_id,
                (
                    Role::Disputed,
                    format!("{lead}{scoped}conflicts with {}", rivals.join(", ")),
                ),
            );
        } else if let (Some(whole), true) = (within[i].take(), others[i].is_empty()) {
            role.insert(
                p.c.claim_id,
                (Role::Explained, format!("{lead}{scoped}part of {whole}")),
            );
        } else {
            let why = if others[i].is_empty() {
                "only source for this figure".to_string()
            } else {
                format!("consistent with {}", others[i].join(", "))
            };
            role.insert(
                p.c.claim_id,
                (Role::Agreeing, format!("{lead}{scoped}{why}")),
            );
        }
    }
    // repeats of a disputed position (the same figure again) are disputed too; a compatible
    // figure of the same source ("at least 20" beside its 35) agrees with it and disputes nothing
    for r in &members {
        if let Some((Role::Agreeing, why)) = role.get(&r.c.claim_id) {
            if r.c.is_latest && !positions.iter().any(|p| p.c.claim_id == r.c.claim_id) {
                if let Some(p) = positions
                    .iter()
                    .find(|p| p.source.key == r.source.key && p.c.scope == r.c.scope)
                {
                    let same_figure = (r.c.value, r.c.value_max, r.c.qualifier)
                        == (p.c.value, p.c.value_max, p.c.qualifier);
                    if same_figure && disputed_positions.contains(&p.c.claim_id) {
                        let why = format!("{why}; that figure is disputed");
                        role.insert(r.c.claim_id, (Role::Disputed, why));
                    }
                }
            }
        }
    }
    let (low, best, high) = bounds(&positions, &members)?;
    let conflict = against.iter().any(|a| !a.is_empty());
    let mut out: Vec<Member> = members
        .iter()
        .map(|r| {
            let (rl, why) = role
                .remove(&r.c.claim_id)
                .unwrap_or((Role::Agreeing, String::new()));
            Member {
                claim_id: r.c.claim_id,
                role: rl,
                source_key: r.source.key.clone(),
                source_name: r.source.name.clone(),
                position: positions.iter().any(|p| p.c.claim_id == r.c.claim_id),
                reason: why,
            }
        })
        .collect();
    out.sort_by_key(|m| m.claim_id);
    Some(Fact {
        measure,
        group: group.to_string(),
        conflict,
        low,
        best,
        high,
        members: out,
    })
}

fn named(r: &Resolved) -> String {
    format!("{} ({})", desc(r.c), r.source.name)
}

/// Rule 6b: one figure stands for each side of a dispute. A disputed position that is compatible
/// with another source's disputed position, and whose every rival is also that position's rival,
/// adds nothing to the dispute ("at least 500" beside "at least 1,000", both against a denial):
/// it agrees with that position, which stands for it. Where two positions have the same rivals,
/// the one that says more stands: an exact figure over a bound, then the larger figure.
/// Returns, per position, the position that stands for it.
fn dispute_sides(
    positions: &[&Resolved],
    against: &[Vec<usize>],
    fits: &[Vec<usize>],
) -> Vec<Option<usize>> {
    let rank = |i: usize| {
        let c = positions[i].c;
        (
            against[i].len(),
            c.qualifier == Qualifier::Exact,
            top(c),
            std::cmp::Reverse(c.claim_id),
        )
    };
    (0..positions.len())
        .map(|i| {
            if against[i].is_empty() {
                return None;
            }
            fits[i]
                .iter()
                .copied()
                .filter(|&j| {
                    !against[j].is_empty()
                        && against[i].iter().all(|k| against[j].contains(k))
                        && rank(j) > rank(i)
                })
                .max_by_key(|&j| rank(j))
        })
        .collect()
}

/// Largest number of a fact's figures in one article version that [`article_sums`] looks at:
/// the search is cubic in it.
const SUM_SEARCH_LIMIT: usize = 40;

/// Rule 6b: whether a toll of harm rose from `earlier` to `later`, two sources' figures
/// reported on different days, the later one higher (bodies are found, the wounded die): no
/// disagreement. False when either day is unknown.
fn rose_between(earlier: &LinkClaim, later: &LinkClaim) -> bool {
    earlier.measure.is_harm_toll()
        && matches!((earlier.day, later.day), (Some(a), Some(b)) if a < b)
        && interval(earlier).hi < interval(later).lo
}

/// Whether `sum` is what `whole` states: the same count, or, for "more than N", a count a
/// little above N (a sum of 2,308 for "more than 2,300").
fn sum_matches(sum: i64, whole: &LinkClaim) -> bool {
    match whole.qualifier {
        Qualifier::AtLeast => sum >= whole.value && (sum as f64) <= whole.value as f64 * 1.1,
        _ => whole.value_max.is_none_or(|m| m == whole.value) && sum == whole.value,
    }
}

/// Rule 3b: in one article version, two or three figures of a fact that add up to another figure
/// of it are its parts, whoever gives each term ("2,166 in rebel-held areas … and 1,347 in
/// government-controlled parts" under "3,513"; "38 adults and 12 children" under "50").
/// Returns each part with its reason.
fn article_sums(members: &[&Resolved]) -> Vec<(i64, String)> {
    let mut docs: BTreeMap<(i64, i32), Vec<&LinkClaim>> = BTreeMap::new();
    for r in members {
        docs.entry(doc_key(r.c)).or_default().push(r.c);
    }
    let mut out = Vec::new();
    for list in docs.values() {
        if list.len() < 3 || list.len() > SUM_SEARCH_LIMIT {
            continue;
        }
        for whole in list {
            let terms: Vec<&LinkClaim> = list
                .iter()
                .copied()
                .filter(|t| plain(t) && t.value < whole.value && t.claim_id != whole.claim_id)
                .collect();
            // the first term with one or two later ones; the same figure is never two terms
            let found = terms.iter().enumerate().find_map(|(i, a)| {
                let rest: Vec<&LinkClaim> = terms[i + 1..]
                    .iter()
                    .copied()
                    .filter(|b| !(b.value == a.value && b.position == a.position))
                    .collect();
                parts_summing(a, &rest, |sum| sum_matches(sum, whole)).map(|mut parts| {
                    parts.insert(0, *a);
                    parts
                })
            });
            if let Some(parts) = found {
                // a term for a narrower place that another source contradicts on the same
                // day is that source's rival, compared in rule 6, not just a share of the total
                let parts: Vec<&LinkClaim> = parts
                    .into_iter()
                    .filter(|p| {
                        relation(p.scope.as_deref(), whole.scope.as_deref()) != Relation::Inside
                            || !contradicted_same_day(p, members)
                    })
                    .collect();
                let terms: Vec<String> = parts.iter().map(|p| p.value.to_string()).collect();
                let why = format!(
                    "{} = {} (this article's breakdown)",
                    terms.join(" + "),
                    desc(whole)
                );
                out.extend(parts.iter().map(|p| (p.claim_id, why.clone())));
            }
        }
    }
    out
}

/// Whether another source gives a figure of `c`'s scope, reported the same (known) day, that
/// cannot hold together with it.
fn contradicted_same_day(c: &LinkClaim, members: &[&Resolved]) -> bool {
    let Some(day) = c.day.filter(|_| c.day_exact) else {
        return false;
    };
    let Some(own) = members.iter().find(|r| r.c.claim_id == c.claim_id) else {
        return false;
    };
    members.iter().any(|r| {
        r.source.key != own.source.key
            && r.c.day == Some(day)
            && r.c.day_exact
            && r.c.scope == c.scope
            && r.c.is_latest
            && !interval(r.c).overlaps(&interval(c))
    })
}

/// How many times larger than a figure another figure of the same article and question must
/// be for the smaller one to be read as a share of it (one area, one hospital, one nationality)
/// rather than a rival count: rival tolls in reporting differ by less (21 against 70, 61 against
/// 278), shares by more (1,262 of 12,000; 120 critical of 5,000).
pub const SHARE_RATIO: i64 = 8;

/// Rule 3c: a positive toll of killed, wounded or casualties at most 1/[`SHARE_RATIO`] of another
/// figure of the same scope in its own article version is a share of it.
/// Denials (0) stay rivals, and so do crowd sizes.
fn dwarfed(members: &[&Resolved]) -> Vec<(i64, String)> {
    let mut largest: HashMap<(i64, i32), Vec<&LinkClaim>> = HashMap::new();
    for r in members {
        largest.entry(doc_key(r.c)).or_default().push(r.c);
    }
    let mut out = Vec::new();
    for r in members {
        let c = r.c;
        // crowd sizes and arrests are disputed by orders of magnitude (police 3,000, organisers
        // 40,000); only tolls of harm break down into shares
        if c.value <= 0 || !c.measure.is_harm_toll() {
            continue;
        }
        let whole = largest[&doc_key(c)]
            .iter()
            .filter(|w| {
                // a narrower scope (a place, children) is already accounted for by its whole
                w.claim_id != c.claim_id
                    && relation(c.scope.as_deref(), w.scope.as_deref()) == Relation::Same
            })
            .max_by_key(|w| w.value);
        if let Some(w) = whole.filter(|w| w.value >= c.value.saturating_mul(SHARE_RATIO)) {
            out.push((
                c.claim_id,
                format!("a share of {} in the same report", desc(w)),
            ));
        }
    }
    out
}

/// Rule 3d: a figure its own report calls an earlier count ("un précédent bilan", «في وقت
/// سابق», "had earlier said") has been revised since. So has the same figure (same value, same
/// scope) given without a named source in another report ("the official told AFP", or the
/// outlet's own voice): that report carries the count from before the revision. A named
/// source's own figure is left alone: it stands by it until it says otherwise. Both are
/// explained as superseded, provided the question has a figure of another value that no report
/// calls earlier: the current count they were revised to.
fn earlier_counts(members: &[&Resolved]) -> Vec<(i64, String)> {
    let marked: Vec<&LinkClaim> = members
        .iter()
        .map(|r| r.c)
        .filter(|c| c.stage == Some(Stage::Earlier))
        .collect();
    let same_count = |c: &LinkClaim, e: &LinkClaim| {
        (c.value, c.value_max, c.scope.as_deref()) == (e.value, e.value_max, e.scope.as_deref())
    };
    let current_exists = members
        .iter()
        .any(|r| r.c.stage != Some(Stage::Earlier) && !marked.iter().any(|e| same_count(r.c, e)));
    if marked.is_empty() || !current_exists {
        return Vec::new();
    }
    members
        .iter()
        .filter_map(|r| {
            let c = r.c;
            if c.stage == Some(Stage::Earlier) {
                return Some((
                    c.claim_id,
                    "an earlier count, as its report says; revised since".to_string(),
                ));
            }
            let e = marked
                .iter()
                .filter(|_| r.anonymous)
                .find(|e| doc_key(e) != doc_key(c) && same_count(c, e))?;
            Some((
                c.claim_id,
                format!(
                    "the count {} calls earlier ({}); revised since",
                    e.outlet,
                    desc(e)
                ),
            ))
        })
        .collect()
}

/// Rule 3e: a report that says the toll has risen to a figure ("rose to 13", «ارتفع عدد القتلى
/// إلى 13») tells that lower counts were given before. A lower count of the same scope given
/// without a named source in another report (the outlet's own voice, "an official") is one of
/// them: explained as superseded by the rise. A named source's lower figure stays its own
/// position, and so does a lower count whose report is dated after the rise's.
fn before_a_rise(members: &[&Resolved]) -> Vec<(i64, String)> {
    let rises: Vec<&LinkClaim> = members
        .iter()
        .map(|r| r.c)
        .filter(|c| c.stage == Some(Stage::Risen))
        .collect();
    if rises.is_empty() {
        return Vec::new();
    }
    members
        .iter()
        .filter(|r| r.anonymous && r.c.stage != Some(Stage::Risen))
        .filter_map(|r| {
            let c = r.c;
            let rise = rises.iter().find(|h| {
                doc_key(h) != doc_key(c)
                    && h.scope == c.scope
                    && interval(c).hi < interval(h).lo
                    && match (c.published, h.published) {
                        (Some(lower), Some(risen)) => lower <= risen,
                        _ => true,
                    }
            })?;
            Some((
                c.claim_id,
                format!(
                    "from before the rise {} reports (to {}); superseded",
                    rise.outlet,
                    desc(rise)
                ),
            ))
        })
        .collect()
}

/// Rule 5: a source's figure other than its position.
fn explain_same_source(
    r: &Resolved,
    pos: &Resolved,
    group: &str,
    all: &[Resolved],
) -> (Role, String) {
    let c = r.c;
    let p = pos.c;
    let lead = r
        .restates
        .as_ref()
        .map(|x| format!("{x}; "))
        .unwrap_or_default();
    if interval(c).overlaps(&interval(p)) {
        let how = if doc_key(c) == doc_key(p) {
            "repeats"
        } else if !c.is_latest {
            "earlier version of its article; same as"
        } else {
            "same as"
        };
        return (
            Role::Agreeing,
            format!("{lead}{how} this source's figure {}", desc(p)),
        );
    }
    if c.value < p.value {
        // same source, same measure, a group this fact may include, in c's or p's article version
        let pool: Vec<&LinkClaim> = all
            .iter()
            .filter(|o| {
                o.source.key == r.source.key
                    && o.c.measure == c.measure
                    && includes(group, &o.group)
                    && o.c.claim_id != p.claim_id
                    && (doc_key(o.c) == doc_key(c) || doc_key(o.c) == doc_key(p))
                    && o.c.value < p.value
                    // a restatement in the outlet's voice is not a further part
                    && o.restates.is_none()
            })
            .map(|o| o.c)
            .collect();
        if let Some(parts) = sum_parts(p.value, c, &pool) {
            return (
                Role::Explained,
                format!("{lead}{}", sum_reason(c, &parts, p)),
            );
        }
        if doc_key(c) == doc_key(p) {
            return (
                Role::Explained,
                format!("{lead}part of {} (same source)", desc(p)),
            );
        }
    }
    if !c.is_latest {
        return (
            Role::Explained,
            format!(
                "{lead}earlier version of its article; superseded by this source's later figure {}",
                desc(p)
            ),
        );
    }
    if doc_key(c) == doc_key(p) {
        // larger than the position is impossible (the position is the largest); kept for safety
        return (
            Role::Explained,
            format!("{lead}revised in the same article to {}", desc(p)),
        );
    }
    (
        Role::Explained,
        format!("{lead}superseded by this source's later figure {}", desc(p)),
    )
}

fn estimate(r: &Resolved, value: i64) -> Estimate {
    Estimate {
        value,
        claim_id: r.c.claim_id,
        source_key: r.source.key.clone(),
        source_name: r.source.name.clone(),
    }
}

/// Low / best / high over the positions. Best: the position most other positions agree with;
/// ties go to a positive figure over a denial, then to the figure carried by more article
/// versions, then to the latest.
fn bounds(
    positions: &[&Resolved],
    members: &[&Resolved],
) -> Option<(Estimate, Estimate, Estimate)> {
    // figures of the whole question, when there are any; parts and other scopes otherwise
    let whole: Vec<&Resolved> = positions
        .iter()
        .copied()
        .filter(|r| r.c.scope.is_none())
        .collect();
    let positions: &[&Resolved] = if whole.is_empty() { positions } else { &whole };
    let low = positions.iter().min_by_key(|r| (r.c.value, r.c.claim_id))?;
    let high = positions
        .iter()
        .max_by_key(|r| (top(r.c), std::cmp::Reverse(r.c.claim_id)))?;
    let support = |r: &Resolved| {
        let point = Interval::of(r.c.value, None, Qualifier::Exact);
        let agreeing = positions
            .iter()
            .filter(|q| interval(q.c).overlaps(&point))
            .count();
        let mut docs: Vec<(i64, i32)> = members
            .iter()
            .filter(|m| m.c.is_latest && m.source.key == r.source.key)
            .map(|m| doc_key(m.c))
            .collect();
        docs.sort_unstable();
        docs.dedup();
        (agreeing, r.c.value > 0, docs.len())
    };
    let best = positions.iter().max_by(|a, b| {
        support(a)
            .cmp(&support(b))
            .then(cmp_order(a.c, b.c))
            .then(a.c.value.cmp(&b.c.value))
    })?;
    Some((
        estimate(low, low.c.value),
        estimate(best, best.c.value),
        estimate(high, top(high.c)),
    ))
}
