//! Puts the pieces together: figures, qualifiers, parts, measures, groups, sources, denials.

use super::attribution::{resolve_markers, Marker};
use super::doc::Doc;
use super::lexicon::{Kind, Lexicon, NounClass};
use super::measures::{find_cue, toll_before, toll_subject_measure, Cue};
use super::numbers::{find_numbers, NumExpr};
use super::subjects::{Nation, SubjectMatcher};
use super::text::fold;
use super::tokens::TokKind;
use crate::domain::claim::{ExtractedClaim, Measure, Qualifier, UNKNOWN_GROUP};
use crate::domain::linking::SourceDirectory;
use std::ops::Range;

struct Draft {
    claim: ExtractedClaim,
    sent: usize,
    line: u32,
    tok_e: usize,
    expr: Option<usize>,
    parent: Option<usize>,
}

/// What the words after a figure say about whom it counts.
#[derive(Default)]
struct NounPhrase {
    alias: Option<String>,
    hostile: bool,
    /// The class of the first noun; `None` inside for a noun of no known class.
    head: Option<Option<NounClass>>,
    /// A measure noun stands in the phrase ("6 of the wounded").
    measure_noun: bool,
    /// The measure word counts incidents, not people ("150 injuries", «150 إصابة»).
    incident_noun: bool,
    /// The nation of a demonym in the phrase ("Russian soldiers", "soldats russes", "60 Afghans").
    nation: Option<&'static Nation>,
    /// The group of a side named in the phrase ("pro-Russian", "Iran-backed", "loyal to X").
    side: Option<String>,
    /// "four of its soldiers", "من مقاتليها": the speaker's own people.
    possessive: bool,
    text: Option<Range<usize>>,
}

/// The group of the side an affiliation phrase names at token `j` ("loyal to the government",
/// "on the Russian side", "الموالية لإيران"), and the tokens it covers.
fn affiliation_at(
    doc: &Doc,
    lx: &Lexicon,
    subj: &SubjectMatcher,
    j: usize,
    end: usize,
) -> Option<(String, usize)> {
    if !doc.is_word(j) {
        return None;
    }
    'phrases: for a in lx.affiliations(doc.t.norm(j)) {
        let mut k = j;
        for w in a.before.iter() {
            if k >= end || !doc.is_word(k) || doc.t.norm(k) != &**w {
                continue 'phrases;
            }
            k += 1;
        }
        while k < end && doc.has(k, |m| m == Kind::Function) {
            k += 1;
        }
        let side = match subj.match_at(doc, k) {
            Some((g, l)) if g != UNKNOWN_GROUP => Some((g.to_string(), l)),
            _ => subj
                .demonyms
                .match_at(doc, k, true)
                .map(|(n, _, l)| (n.armed.to_string(), l)),
        };
        let Some((group, l)) = side else { continue };
        k += l;
        for w in a.after.iter() {
            if k >= end || !doc.is_word(k) || doc.t.norm(k) != &**w {
                continue 'phrases;
            }
            k += 1;
        }
        return Some((group, k - j));
    }
    None
}

/// The side named by a word with an affiliation prefix or suffix glued on ("pro-russian",
/// "prorrusos", "iran-backed", "US-led").
fn glued_side(doc: &Doc, lx: &Lexicon, subj: &SubjectMatcher, j: usize) -> Option<String> {
    let w = doc.t.norm(j);
    let raw = doc.t.raw(j);
    let chars = |s: &str| s.chars().count();
    let mut parts: Vec<String> = Vec::new();
    for p in &lx.affiliation_prefixes {
        if let Some(rest) = w.strip_prefix(&**p) {
            if chars(rest) >= 3 {
                parts.push(rest.to_string());
                // "prorrusos": Spanish doubles the r after "pro".
                if let Some(r) = rest.strip_prefix("rr") {
                    parts.push(format!("r{r}"));
                }
            }
        }
    }
    for s in &lx.affiliation_suffixes {
        if w.ends_with(&**s) && chars(w) > chars(s) + 1 {
            let keep = chars(raw).saturating_sub(chars(s));
            parts.push(raw.chars().take(keep).collect());
        }
    }
    parts.iter().find_map(|p| {
        subj.word(p)
            .filter(|g| *g != UNKNOWN_GROUP)
            .map(str::to_string)
            .or_else(|| subj.demonyms.word(p).map(|n| n.armed.to_string()))
    })
}

fn scan_noun_phrase(
    doc: &Doc,
    lx: &Lexicon,
    subj: &SubjectMatcher,
    from: usize,
    sent: &Range<usize>,
    nums: &[bool],
    skip_num: usize,
) -> NounPhrase {
    let mut np = NounPhrase::default();
    let mut j = from;
    let mut words = 0;
    // The token after the last person noun, where a noun-adjective demonym may stand
    // ("soldats russes", "جنديا أمريكيا").
    let mut after_noun = usize::MAX;
    while j < sent.end && words < 6 {
        if nums[j] && j != skip_num {
            break;
        }
        if doc.is_word(j) && lx.is_possessive(doc.t.norm(j)) {
            np.possessive = true;
            words += 1;
            j += 1;
            continue;
        }
        if np.side.is_none() {
            if let Some((g, len)) = affiliation_at(doc, lx, subj, j, sent.end) {
                np.side = Some(g);
                np.text.get_or_insert(j..j + len);
                words += 1;
                j += len;
                continue;
            }
        }
        if np.nation.is_none()
            && (!matches!(np.head, Some(Some(_))) || j == after_noun)
            && doc.t.toks[j].kind != TokKind::Num
        {
            if let Some((n, _, len)) = subj.demonyms.match_at(doc, j, false) {
                let alias_len = subj.match_at(doc, j).map_or(0, |(_, l)| l);
                if len >= alias_len {
                    np.nation = Some(n);
                    np.text.get_or_insert(j..j + len);
                    words += 1;
                    j += len;
                    continue;
                }
            }
        }
        if doc.is_punct(j) {
            if matches!(doc.t.raw(j), "«" | "»" | "“" | "”" | "\"") {
                j += 1;
                continue;
            }
            break;
        }
        if let Some(m) = doc.find(j, |k| k == Kind::PartAfter) {
            j += m.len as usize;
            continue;
        }
        // A copula before the noun of a part or a list ("five of them are children", "16
        // were children, 46 women"): the noun is still the figure's.
        if words == 0
            && doc.has(j, |k| k == Kind::Aux)
            && j + 1 < sent.end
            && !nums[j + 1]
            && (subj
                .match_at(doc, j + 1)
                .is_some_and(|(g, _)| g != UNKNOWN_GROUP)
                || lx.noun_class(doc.t.norm(j + 1)).is_some())
        {
            j += 1;
            continue;
        }
        if doc.has(j, |k| {
            matches!(
                k,
                Kind::Stop
                    | Kind::Clause
                    | Kind::Conj
                    | Kind::Attr(_)
                    | Kind::Neutral
                    | Kind::PartBefore
                    | Kind::PartAmong
                    | Kind::Majority
            )
        }) && j != skip_num
        {
            break;
        }
        words += 1;
        if let Some((g, len)) = subj.match_at(doc, j) {
            let r = j..j + len;
            if g != UNKNOWN_GROUP {
                np.alias = Some(g.to_string());
                np.text = Some(r);
                return np;
            }
            np.head.get_or_insert(None);
            np.text.get_or_insert(r);
            j += len;
            continue;
        }
        if np.side.is_none() && doc.is_word(j) {
            if let Some(g) = glued_side(doc, lx, subj, j) {
                np.side = Some(g);
                np.text.get_or_insert(j..j + 1);
                j += 1;
                continue;
            }
        }
        let is_measure = doc.has(j, |k| matches!(k, Kind::Measure(_)));
        np.measure_noun |= is_measure;
        np.incident_noun |= is_measure && lx.is_incident_noun(doc.t.norm(j));
        match lx.noun_class_possessed(doc.t.norm(j)) {
            Some((c, possessed)) if !is_measure || c != NounClass::Generic => {
                np.hostile |= c == NounClass::Hostile;
                np.possessive |= possessed;
                if !matches!(np.head, Some(Some(_))) {
                    np.head = Some(Some(c));
                }
                np.text.get_or_insert(j..j + 1);
                after_noun = j + 1;
            }
            _ => {
                let function = is_measure
                    || doc.has(j, |k| {
                        matches!(
                            k,
                            Kind::Function | Kind::Qual(_) | Kind::QualAfter(_) | Kind::Aux
                        )
                    });
                // a dual of a thing ("لمنزلين": two houses) is its own noun
                let own_noun = j == skip_num && lx.thing_kind(doc.t.norm(j)).is_some();
                if !function && (j != skip_num || own_noun) {
                    np.head.get_or_insert(None);
                    np.text.get_or_insert(j..j + 1);
                }
            }
        }
        j += 1;
    }
    np
}

/// A qualifier after the figure, right after it or after its noun ("237 people at least",
/// "170 قتيلا على الأقل"), in the same clause.
fn qualifier_after(doc: &Doc, nums: &[bool], e: usize, sent: &Range<usize>) -> Option<Qualifier> {
    let mut k = e;
    while k < sent.end && k <= e + 2 {
        if let Some(Kind::QualAfter(q)) = doc
            .find(k, |k| matches!(k, Kind::QualAfter(_)))
            .map(|m| m.kind)
        {
            return Some(q);
        }
        if nums[k]
            || !doc.is_word(k)
            || doc.has(k, |k| matches!(k, Kind::Stop | Kind::Clause | Kind::Conj))
        {
            return None;
        }
        k += 1;
    }
    None
}

/// The group a demonym gives with the noun it stands with: the nation's armed group with an
/// armed noun ("Syrian soldiers" → syria_gov, "Afghan fighters" → unknown), its people group
/// bare or with a generic noun ("Americans" → us, "43 Syrians" → civilians), civilians with a
/// civilian noun ("Russian nationals").
fn nation_group(np: &NounPhrase, subj: &SubjectMatcher) -> Option<String> {
    let n = np.nation?;
    let g: &str = match np.head {
        Some(Some(NounClass::Member | NounClass::Hostile)) => &n.armed,
        Some(Some(NounClass::Civilian)) => &subj.demonyms.default.people,
        Some(None) if n.people != n.armed => UNKNOWN_GROUP,
        _ => &n.people,
    };
    Some(g.to_string())
}

fn context_group(doc: &Doc, lx: &Lexicon) -> Option<String> {
    let mut counts = vec![(0usize, false); lx.context_groups.len()];
    for i in 0..doc.len() {
        for m in doc.at(i) {
            if let Kind::Context(g) = m.kind {
                let c = &mut counts[g as usize];
                c.0 += 1;
                c.1 |= doc.t.toks[i].line == doc.t.toks[0].line;
            }
        }
    }
    counts
        .iter()
        .enumerate()
        .filter(|(_, (n, head))| *head || *n >= 2)
        .max_by_key(|(_, (n, _))| *n)
        .map(|(g, _)| lx.context_groups[g].clone())
}

/// Whether two attributions name one speaker: one is the other, shortened or not ("the Syrian
/// civil defence" and "the civil defence", "the Russian Defence Ministry" and "the ministry"):
/// the words of the shorter, filler aside, are all in the longer. An attribution that names no one ("an official", «مسؤول») is one speaker with another only
/// when worded the same: "A Taliban official" is not the "official" quoted before.
fn same_speaker(a: &str, b: &str) -> bool {
    if fold(a).trim() == fold(b).trim() {
        return true;
    }
    let directory = SourceDirectory::builtin();
    let (wa, wb) = (directory.key_words(a), directory.key_words(b));
    let (short, long) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    !short.is_empty() && short.iter().all(|w| long.contains(w))
}

/// The source for a figure at token `at`: the nearest marker in its sentence, else the last
/// one earlier in the same paragraph (line).
fn source_for(doc: &Doc, markers: &Markers, sent: usize, at: usize) -> Option<String> {
    let first = markers.list.partition_point(|m| m.sent < sent);
    // A marker naming its source beats one that carries an earlier source over.
    let here = markers
        .nearest(&markers.named, sent, at)
        .or_else(|| markers.nearest(&markers.carried, sent, at));
    if let Some(k) = here {
        return markers.list[k].source.clone();
    }
    // Inside a quotation of several sentences, the speaker is named after it closes ('"… 38
    // people died at the station. …," the governor said') or just before it opens.
    let q = markers.quotes.partition_point(|q| q.end <= at);
    if let Some(q) = markers.quotes.get(q).filter(|q| q.contains(&at)) {
        let after = markers.list.partition_point(|m| m.tok < q.end);
        let close_sent = doc.t.sentence_of(q.end.saturating_sub(1));
        if let Some(m) = markers.list[after..]
            .iter()
            .take_while(|m| m.sent <= close_sent + 1 && m.tok <= q.end + 12)
            .find(|m| m.source.is_some())
        {
            return m.source.clone();
        }
        let before = markers.list.partition_point(|m| m.tok < q.start);
        if let Some(m) = before
            .checked_sub(1)
            .map(|b| &markers.list[b])
            .filter(|m| m.tok + 12 >= q.start && doc.t.toks[m.tok].line == doc.t.toks[at].line)
        {
            return m.source.clone();
        }
    }
    let line = doc.t.toks[at].line;
    let prev = markers.last_sourced_before[first]?;
    let m = &markers.list[prev];
    (doc.t.toks[m.tok].line == line)
        .then(|| m.source.clone())
        .flatten()
}

/// Markers in text order, with the last marker naming a source before each position, and the
/// quotations (token ranges inside their quote marks) that span more than one sentence.
struct Markers {
    list: Vec<Marker>,
    last_sourced_before: Vec<Option<usize>>,
    quotes: Vec<Range<usize>>,
    /// Indices of the markers that name their source, and of those that carry one over.
    named: Vec<usize>,
    carried: Vec<usize>,
}

/// Quotations that run over a sentence boundary, within one paragraph: “…”, «…», "…".
fn long_quotes(doc: &Doc) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for i in 0..doc.len() {
        if let Some((o, _)) = open {
            if doc.t.toks[i].line != doc.t.toks[o].line {
                open = None;
            }
        }
        if !doc.is_punct(i) {
            continue;
        }
        let Some(c) = doc.t.raw(i).chars().next() else {
            continue;
        };
        match (open, c) {
            (None, '“' | '«' | '"') => open = Some((i, c)),
            (Some((o, oc)), '”' | '»' | '"')
                if matches!((oc, c), ('“', '”') | ('«', '»') | ('"', '"')) =>
            {
                if doc.t.sentence_of(o + 1) != doc.t.sentence_of(i.saturating_sub(1)) {
                    out.push(o + 1..i);
                }
                open = None;
            }
            _ => {}
        }
    }
    out
}

impl Markers {
    fn new(doc: &Doc, list: Vec<Marker>) -> Self {
        let mut last_sourced_before = Vec::with_capacity(list.len() + 1);
        let mut last = None;
        for (i, m) in list.iter().enumerate() {
            last_sourced_before.push(last);
            if m.source.is_some() {
                last = Some(i);
            }
        }
        last_sourced_before.push(last);
        let sourced = |named: bool| {
            (0..list.len())
                .filter(|&k| list[k].source.is_some() && list[k].named == named)
                .collect::<Vec<_>>()
        };
        let (named, carried) = (sourced(true), sourced(false));
        Markers {
            list,
            last_sourced_before,
            quotes: long_quotes(doc),
            named,
            carried,
        }
    }

    /// The marker of `among` (indices in text order) in sentence `sent` nearest to token
    /// `at`, the earlier on a tie; a binary search, so a long sentence costs no more.
    fn nearest(&self, among: &[usize], sent: usize, at: usize) -> Option<usize> {
        let p = among.partition_point(|&k| self.list[k].tok < at);
        [p.checked_sub(1), Some(p)]
            .into_iter()
            .flatten()
            .filter_map(|i| among.get(i).copied())
            .filter(|&k| self.list[k].sent == sent)
            .min_by_key(|&k| self.list[k].tok.abs_diff(at))
    }
}

/// The group of the source of the figure at token `at`: the first group alias, demonym or
/// country name in it ("the Russian defence ministry", "Turkey's army", "Syrian state media").
fn source_group<'a>(
    doc: &Doc,
    subj: &'a SubjectMatcher,
    markers: &Markers,
    sent: usize,
    at: usize,
) -> Option<&'a str> {
    let src = source_for(doc, markers, sent, at)?;
    let sdoc_lx = &*super::LEXICON;
    let sdoc = Doc::new(&src, sdoc_lx);
    let mut i = 0;
    while i < sdoc.len() {
        if let Some((g, l)) = subj.match_at(&sdoc, i) {
            if g != UNKNOWN_GROUP {
                return Some(g);
            }
            i += l;
            continue;
        }
        if let Some((n, _, _)) = subj.demonyms.match_at(&sdoc, i, true) {
            return Some(&*n.armed);
        }
        i += 1;
    }
    None
}

/// The group a toll predicate's subject names beside its measure word ("civiles muertos",
/// "Syrians killed", «القتلى السوريين»), within the subject's reach and not past another
/// figure. A group further off is something else ("the toll of the Turkey quake").
fn toll_subject_group(
    doc: &Doc,
    subj: &SubjectMatcher,
    nums: &[bool],
    verb: usize,
    sent: &Range<usize>,
) -> Option<String> {
    let lo = sent.start.max(verb.saturating_sub(24));
    let measure = (lo..verb)
        .rev()
        .take_while(|&k| !nums[k])
        .find(|&k| doc.has(k, |x| matches!(x, Kind::Measure(_))))?;
    (measure.saturating_sub(1).max(lo)..(measure + 2).min(verb))
        .filter(|&k| !nums[k])
        .filter_map(|k| subj.match_at(doc, k))
        .find(|(g, _)| *g != UNKNOWN_GROUP)
        .map(|(g, _)| g.to_string())
}

pub(crate) fn figures(lx: &Lexicon, text: &str) -> Vec<super::Figure> {
    let doc = Doc::new(text, lx);
    if doc.len() == 0 {
        return Vec::new();
    }
    let toks = &doc.t.toks;
    find_numbers(&doc, lx)
        .into_iter()
        .filter(|x| x.s < x.e && x.e <= toks.len())
        .map(|x| super::Figure {
            start: toks[x.s].start,
            end: toks[x.e - 1].end,
            value: x.value,
            value_max: x.value_max,
            counted: x.valid,
        })
        .collect()
}

pub(crate) fn extract(lx: &Lexicon, subj: &SubjectMatcher, text: &str) -> Vec<ExtractedClaim> {
    let doc = Doc::new(text, lx);
    let n = doc.len();
    if n == 0 {
        return Vec::new();
    }
    let exprs = find_numbers(&doc, lx);
    let mut nums = vec![false; n];
    let mut expr_at = vec![usize::MAX; n];
    for (xi, x) in exprs.iter().enumerate() {
        if x.valid {
            for (k, slot) in nums.iter_mut().enumerate().take(x.e).skip(x.s) {
                *slot = true;
                expr_at[k] = xi;
            }
        }
    }
    let mut sent_of = vec![0usize; n];
    for (si, r) in doc.t.sents.iter().enumerate() {
        for s in &mut sent_of[r.clone()] {
            *s = si;
        }
    }
    let markers = Markers::new(&doc, resolve_markers(&doc, &nums));
    let context = context_group(&doc, lx);
    let mut drafts: Vec<Draft> = Vec::new();
    let mut fwd_parents: Vec<(usize, usize)> = Vec::new();
    // the last group a figure named, with who gave that figure
    let mut last_explicit: Option<(String, Option<String>)> = None;
    // the last group read per measure, with the source that gave it
    let mut last_by_measure: Vec<Option<(String, Option<String>)>> = vec![None; Measure::ALL.len()];
    let mut draft_of_expr = vec![usize::MAX; exprs.len()];

    for (xi, x) in exprs.iter().enumerate() {
        if !x.valid {
            continue;
        }
        let sent = sent_of[x.s];
        let srange = doc.t.sents[sent].clone();
        let line = doc.t.toks[x.s].line;
        let (lead, mut qualifier) = match doc.ending_at(x.s, |k| matches!(k, Kind::Qual(_))) {
            Some((j, m)) if j >= srange.start => (
                j,
                if let Kind::Qual(q) = m.kind {
                    q
                } else {
                    Qualifier::Exact
                },
            ),
            _ => (x.s, Qualifier::Exact),
        };
        if qualifier == Qualifier::Exact {
            if let Some(q) = qualifier_after(&doc, &nums, x.e, &srange) {
                qualifier = q;
            }
        }
        if qualifier == Qualifier::Exact
            && (x.s..x.e).any(|k| doc.has(k, |k| k == Kind::RoundNumber))
        {
            qualifier = Qualifier::Approx;
        }
        // The toll verb may itself be the qualifier ("has surpassed 25,000", "supera i").
        let toll = toll_before(&doc, lead, &srange).or_else(|| toll_before(&doc, x.s, &srange));
        if toll.is_some_and(|(_, over)| over) && qualifier == Qualifier::Exact {
            qualifier = Qualifier::AtLeast;
        }
        // "including 5 children", and with a copula between: "Among them are 100,000
        // children", "entre ellos están 20 niños"
        let part_ends = |end: usize| {
            doc.ending_at(end, |k| k == Kind::PartBefore)
                .is_some_and(|(j, _)| j >= srange.start)
        };
        let part_before = part_ends(lead)
            || (lead > srange.start
                && doc.has(lead - 1, |k| k == Kind::Aux)
                && part_ends(lead - 1));
        let part_after = doc.find(x.e, |k| k == Kind::PartAfter).is_some();
        let mut fwd_parent = None;
        for k in x.e..(x.e + 4).min(srange.end) {
            if doc.is_punct(k) {
                break;
            }
            if let Some(m) = doc.find(k, |k| k == Kind::PartAmong) {
                let mut after = k + m.len as usize;
                // "among the 300,000": an article may stand before the whole
                if after + 1 < n && !nums[after] && doc.is_word(after) && nums[after + 1] {
                    after += 1;
                }
                if after < n && nums[after] && expr_at[after] != xi {
                    fwd_parent = Some(expr_at[after]);
                }
                break;
            }
        }
        let parent = if part_before || part_after {
            // Drafts are in text order: the whole is the figure before, in the same paragraph.
            drafts
                .len()
                .checked_sub(1)
                .filter(|&p| drafts[p].line == line)
        } else {
            None
        };
        // "as well as", "إضافة إلى": an additive phrase may follow a comma.
        let additive = doc
            .ending_at(lead, |k| k == Kind::Conj)
            .is_some_and(|(_, m)| m.len >= 2);
        let coordinated = drafts.last().filter(|d| {
            d.sent == sent
                && d.expr.is_some()
                && x.conj
                && (d.tok_e..lead).all(|k| {
                    !doc.has(k, |k| {
                        matches!(k, Kind::Measure(_) | Kind::Clause | Kind::Attr(_))
                    }) && (!doc.is_punct(k)
                        || matches!(doc.t.raw(k), "«" | "»" | "“" | "”" | "\"")
                        || (additive && matches!(doc.t.raw(k), "," | "،")))
                })
        });
        let (coord_measure, coord_parent) = match coordinated {
            Some(d) => (Some(d.claim.measure), d.parent),
            None => (None, None),
        };
        let parent = parent.or(coord_parent);
        let own = find_cue(&doc, &nums, lead, x.e, &srange);
        let own_measure = match own {
            Cue::Found { measure, .. } => Some(measure),
            _ => None,
        };
        let np = scan_noun_phrase(
            &doc,
            lx,
            subj,
            if x.dual { x.s } else { x.e },
            &srange,
            &nums,
            if x.dual { x.s } else { usize::MAX },
        );
        // A bare figure, or one of people or of a measure noun, may take its measure from a
        // toll predicate's subject ("the death toll … has risen to 158"); a figure of other
        // things may not ("brought to 3 hospitals").
        let counts_people = np.alias.is_some()
            || np.measure_noun
            || matches!(np.head, None | Some(Some(NounClass::Generic)));
        let toll_measure = toll
            .filter(|_| counts_people && !matches!(own, Cue::Found { dist: 0..=1, .. }))
            .and_then(|(verb, _)| toll_subject_measure(&doc, &nums, verb, &srange));
        // ... and its group from a group the subject names ("la cifra total de civiles
        // muertos es de 141", "the number of Syrians killed has risen to 43")
        let toll_group = toll
            .filter(|_| toll_measure.is_some())
            .and_then(|(verb, _)| toll_subject_group(&doc, subj, &nums, verb, &srange));
        // Ellipsis: a bare figure in a breakdown counts what the figure before it in the
        // sentence counted ("stands at 5,273, with 2,326 in government areas and 2,950 in …").
        // So does a figure of people in a list right after it ("16 were children, 46 women
        // and 36 men").
        let listed = |d: &Draft| {
            (np.alias.is_some() || matches!(np.head, Some(Some(_))))
                && lead.saturating_sub(d.tok_e) <= 4
                && (d.tok_e..lead)
                    .any(|k| doc.has(k, |x| x == Kind::Conj) || matches!(doc.t.raw(k), "," | "،"))
                && (d.tok_e..lead).all(|k| {
                    !doc.has(k, |x| x == Kind::Stop)
                        || doc.has(k, |x| matches!(x, Kind::Conj | Kind::Aux))
                })
        };
        let elided = (own == Cue::Nothing && !x.dual)
            .then(|| {
                drafts
                    .last()
                    .filter(|d| d.sent == sent && d.expr.is_some())
                    .filter(|d| (np.head.is_none() && np.alias.is_none()) || listed(d))
                    .map(|d| d.claim.measure)
            })
            .flatten();
        let measure: Option<Measure> =
            if let (true, Some(p)) = (part_before && coord_parent.is_none(), parent) {
                Some(drafts[p].claim.measure)
            } else if let (true, Some(p)) = (part_after, parent) {
                // "two of them later died", "توفي اثنان منهم": only the partitive's own clause.
                let mut near = lead.saturating_sub(3).max(srange.start);
                while let Some(k) = (near..lead).find(|&k| doc.is_punct(k)) {
                    near = k + 1;
                }
                match find_cue(&doc, &nums, lead, x.e, &(near..srange.end)) {
                    Cue::Found { measure, dist } if dist <= 6 => Some(measure),
                    _ => Some(drafts[p].claim.measure),
                }
            } else if let Some(pi) = fwd_parent {
                let px: &NumExpr = &exprs[pi];
                let plead = doc
                    .ending_at(px.s, |k| matches!(k, Kind::Qual(_)))
                    .map_or(px.s, |(j, _)| j);
                match find_cue(&doc, &nums, plead, px.e, &srange) {
                    Cue::Found { measure, .. } => Some(measure),
                    _ => own_measure,
                }
            } else if coord_measure.is_some() && !matches!(own, Cue::Found { dist: 0, .. }) {
                // A measure right after the figure is its own ("3 milioni di morti e 450mila
                // feriti").
                coord_measure
            } else if toll_measure.is_some() {
                toll_measure
            } else if own == Cue::Neutral {
                None
            } else {
                own_measure.or(elided)
            };
        let Some(measure) = measure else { continue };
        // The object of a preposition that names other things ("killed in 3 villages",
        // "taken to 3 hospitals") is not a count of the measure; things are counted only as
        // destroyed.
        let after_preposition = lead > srange.start
            && doc.has(lead - 1, |k| k == Kind::Stop)
            && !doc.has(lead - 1, |k| {
                matches!(k, Kind::Conj | Kind::Aux | Kind::Clause)
            });
        if after_preposition
            && measure != Measure::Destroyed
            && np.head == Some(None)
            && np.alias.is_none()
            && !np.measure_noun
            && parent.is_none()
        {
            continue;
        }

        let source = source_for(&doc, &markers, sent, x.s);
        let parent_group = parent.map(|p| drafts[p].claim.group.clone());
        // a count of incidents ("more than 150 injuries") after a figure of another measure
        // ("13 US soldiers killed") counts them over everyone, not over that figure's group
        let prev_in_sentence = drafts
            .last()
            .filter(|d| d.sent == sent)
            .filter(|d| !np.incident_noun || d.claim.measure == measure)
            .map(|d| d.claim.group.clone());
        let mut explicit = false;
        let own_people = np.possessive
            && !matches!(
                np.head,
                Some(Some(
                    NounClass::Civilian | NounClass::Others | NounClass::Hostile
                ))
            );
        let group: String = if let Some(g) = &np.alias {
            explicit = true;
            g.clone()
        } else if let Some(g) = np.side.clone().or_else(|| nation_group(&np, subj)) {
            explicit = true;
            g
        } else if np.hostile {
            UNKNOWN_GROUP.to_string()
        } else if np.head == Some(Some(NounClass::Civilian)) {
            explicit = true;
            subj.demonyms.default.people.to_string()
        } else if np.head == Some(Some(NounClass::Member)) || own_people {
            explicit = true;
            source_group(&doc, subj, &markers, sent, x.s)
                .map(str::to_string)
                .or(parent_group)
                // "28 of its members", said by another speaker than the last named group's
                // figure, are that speaker's people, not the group named before; the press
                // has no people of its own and reports on that group's
                .or_else(|| {
                    last_explicit
                        .clone()
                        .filter(|(_, by)| match (by, &source) {
                            (Some(by), Some(now)) => {
                                same_speaker(by, now) || SourceDirectory::builtin().is_press(now)
                            }
                            _ => true,
                        })
                        .map(|(g, _)| g)
                })
                .unwrap_or_else(|| UNKNOWN_GROUP.to_string())
        } else if np.head == Some(Some(NounClass::Others)) {
            parent_group
                .or(prev_in_sentence)
                .or_else(|| drafts.last().map(|d| d.claim.group.clone()))
                .or_else(|| context.clone())
                .unwrap_or_else(|| UNKNOWN_GROUP.to_string())
        } else if np.head == Some(None) {
            parent_group.unwrap_or_else(|| UNKNOWN_GROUP.to_string())
        } else if np.head == Some(Some(NounClass::Generic)) {
            context.clone().unwrap_or_else(|| UNKNOWN_GROUP.to_string())
        } else {
            // a bare toll continues the last group of its measure ("13 soldiers killed … 20
            // dead"), unless another source gives it: that source's toll is its own count,
            // also after a figure in the outlet's own voice ("13 US soldiers were killed …
            // NBC reported that the total was 113")
            let same_measure = || {
                last_by_measure[measure as usize]
                    .clone()
                    .filter(|(_, by)| match (by, &source) {
                        (Some(by), Some(now)) => same_speaker(by, now),
                        (None, Some(_)) => false,
                        _ => true,
                    })
                    .map(|(g, _)| g)
            };
            parent_group
                .or(toll_group)
                .or_else(|| {
                    if np.measure_noun {
                        same_measure()
                    } else {
                        None
                    }
                })
                .or_else(|| context.clone())
                .or(prev_in_sentence)
                .or_else(same_measure)
                .unwrap_or_else(|| UNKNOWN_GROUP.to_string())
        };
        let subject = np
            .text
            .as_ref()
            .map(|r| doc.span_text(r.start, r.end).to_string());
        if explicit && group != UNKNOWN_GROUP {
            last_explicit = Some((group.clone(), source.clone()));
        }
        last_by_measure[measure as usize] = Some((group.clone(), source.clone()));
        if let Some(slot) = draft_of_expr.get_mut(xi) {
            *slot = drafts.len();
        }
        let toks = &doc.t.toks;
        if fwd_parent.is_some() {
            fwd_parents.push((drafts.len(), fwd_parent.unwrap_or(usize::MAX)));
        }
        drafts.push(Draft {
            claim: ExtractedClaim {
                value: x.value,
                value_max: x.value_max,
                qualifier,
                measure,
                group,
                subject,
                source,
                part_of: None,
                start: toks[x.s].start,
                end: toks[x.e - 1].end,
                scope: None,
                stage: None,
            },
            sent,
            line,
            tok_e: x.e,
            expr: Some(xi),
            parent,
        });
    }
    for (d, pe) in fwd_parents {
        drafts[d].parent = draft_of_expr.get(pe).copied().filter(|&p| p != usize::MAX);
    }
    denials(&doc, subj, &nums, &markers, &sent_of, &mut drafts);

    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&i| (drafts[i].claim.start, drafts[i].claim.end));
    let mut new_index = vec![0usize; drafts.len()];
    for (pos, &i) in order.iter().enumerate() {
        new_index[i] = pos;
    }
    order
        .iter()
        .map(|&i| {
            let mut c = drafts[i].claim.clone();
            c.part_of = drafts[i].parent.map(|p| new_index[p]);
            c
        })
        .collect()
}

/// Denials are claims of zero: "denied that any civilians had been killed", "نافياً سقوط أي
/// قتلى", "no civilians were killed", "الأنباء عن سقوط قتلى ... عارية عن الصحة".
fn denials(
    doc: &Doc,
    subj: &SubjectMatcher,
    nums: &[bool],
    markers: &Markers,
    sent_of: &[usize],
    drafts: &mut Vec<Draft>,
) {
    let n = doc.len();
    let mut used_cue = vec![false; n];
    let mut zero_seen = std::collections::HashSet::new();
    for i in 0..n {
        let Some(m) = doc.find(i, |k| {
            matches!(k, Kind::DenyVerb | Kind::DenyAfter | Kind::DenyNone)
        }) else {
            continue;
        };
        let sent = sent_of[i];
        let srange = doc.t.sents[sent].clone();
        let len = m.len as usize;
        let cue = match m.kind {
            Kind::DenyAfter => (srange.start.max(i.saturating_sub(12))..i)
                .rev()
                .take_while(|&j| !nums[j])
                .find(|&j| doc.has(j, |k| matches!(k, Kind::Measure(_)))),
            _ => {
                let reach = if m.kind == Kind::DenyNone { 5 } else { 10 };
                (i + len..(i + len + reach).min(srange.end))
                    .take_while(|&j| !nums[j])
                    .find(|&j| doc.has(j, |k| matches!(k, Kind::Measure(_))))
            }
        };
        let Some(c) = cue else { continue };
        if used_cue[c] {
            continue;
        }
        let Some(Kind::Measure(measure)) = doc
            .find(c, |k| matches!(k, Kind::Measure(_)))
            .map(|m| m.kind)
        else {
            continue;
        };
        // Denying a crowd's size or a load ("denied carrying out a strike") is no count of
        // harm: only harms can be denied as zero.
        if measure == Measure::Count {
            continue;
        }
        let clen = doc
            .find(c, |k| matches!(k, Kind::Measure(_)))
            .map_or(1, |m| m.len as usize);
        used_cue[c..(c + clen).min(n)]
            .iter_mut()
            .for_each(|u| *u = true);
        let (a, b) = if c < i { (c, i + len) } else { (i, c + clen) };
        let b = b.min(n);
        // Whom the denial is about sits between the cue and the measure ("denied that any
        // civilians had been killed"), else just after it; only then look just before, where
        // the speaker usually is ("the Russian military denied …").
        let group = subj
            .first_in(doc, a, b)
            .or_else(|| subj.first_in(doc, b, (b + 5).min(srange.end)))
            .or_else(|| subj.first_in(doc, a.saturating_sub(2), a))
            .unwrap_or(UNKNOWN_GROUP)
            .to_string();
        if !zero_seen.insert((sent, measure)) {
            continue;
        }
        let toks = &doc.t.toks;
        drafts.push(Draft {
            claim: ExtractedClaim {
                value: 0,
                value_max: None,
                qualifier: Qualifier::Exact,
                measure,
                group: String::new(),
                subject: None,
                source: source_for(doc, markers, sent, i),
                part_of: None,
                start: toks[a].start,
                end: toks[b - 1].end,
                scope: None,
                stage: None,
            },
            sent,
            line: toks[i].line,
            tok_e: b,
            expr: None,
            parent: None,
        });
        if let Some(d) = drafts.last_mut() {
            d.claim.group = group;
        }
    }
}
