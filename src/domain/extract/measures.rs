//! What a figure counts: the nearest measure word in its clause ("killed 23", "23 were
//! killed", "33 قتيلاً"), unless a neutral word ("rescued") is nearer.

use super::doc::Doc;
use super::lexicon::Kind;
use crate::domain::claim::Measure;
use std::ops::Range;

const FORWARD: usize = 10;
const BACKWARD: usize = 8;

/// The longest measure entry starting at token `k` that ends by token `limit`, with the
/// number of tokens it covers.
fn measure_ending_by(doc: &Doc, k: usize, limit: usize) -> Option<(Measure, usize)> {
    doc.at(k)
        .iter()
        .filter(|m| matches!(m.kind, Kind::Measure(_)) && k + m.len as usize <= limit)
        .max_by_key(|m| m.len)
        .and_then(|m| match m.kind {
            Kind::Measure(me) => Some((me, m.len as usize)),
            _ => None,
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Found { measure: Measure, dist: usize },
    Neutral,
    Nothing,
}

/// The measure of the figure at tokens `lead..e` (lead includes its qualifier), searched in
/// the sentence `sent` without crossing another figure (`nums`).
pub(crate) fn find_cue(
    doc: &Doc,
    nums: &[bool],
    lead: usize,
    e: usize,
    sent: &Range<usize>,
) -> Cue {
    let mut best: Option<(usize, bool, Measure)> = None; // (dist, is_backward, measure)
    let mut neutral: Option<usize> = None;
    let mut j = e;
    let mut reach = e + FORWARD;
    while j < sent.end && j < reach {
        // A subset set off by commas sits between a figure and its predicate ("21 people,
        // including nine children, died"; «21 شخصاً، بينهم 9 أطفال، قتلوا»): read past it.
        if let Some(close) = subset_aside(doc, j, sent) {
            reach += close + 1 - j;
            j = close + 1;
            continue;
        }
        if nums[j] {
            // Figures joined by "and" share the predicate after them ("nine Russian
            // contractors and 26 pro-government fighters were killed").
            let joined = j > e
                && (doc.has(j - 1, |x| x == Kind::Conj) || doc.at(j).iter().any(|m| m.conj))
                && (e..j).all(|k| !doc.is_punct(k));
            if !joined {
                break;
            }
            let mut k = j;
            while k < sent.end && nums[k] {
                k += 1;
            }
            reach += k - j;
            j = k;
            continue;
        }
        if let Some(m) = doc.find(j, |k| matches!(k, Kind::Measure(_))) {
            if let Kind::Measure(me) = m.kind {
                // A measure opening the next clause ("وإصابة", "and wounding") binds less.
                let next_clause = m.conj || (e..j).any(|k| doc.has(k, |x| x == Kind::Conj));
                best = Some((j - e + if next_clause { 2 } else { 0 }, false, me));
                break;
            }
        }
        if neutral.is_none() && doc.has(j, |k| k == Kind::Neutral) {
            neutral = Some(j - e);
        }
        j += 1;
    }
    let mut j = lead;
    let mut back = BACKWARD;
    while j > sent.start && j + back > lead {
        let k = j - 1;
        // A relative clause set off by commas sits between a verb and its subject («وقتل في
        // الانفجارين، اللذين تبناهما داعش، 13 جنديا»; "killed in the blasts, which IS
        // claimed, were 13 soldiers"): read past it.
        if let Some(open) = relative_aside_before(doc, k, sent) {
            back += k + 1 - open;
            j = open;
            continue;
        }
        if nums[k] || doc.has(k, |x| x == Kind::Clause) {
            break;
        }
        // A measure noun right after another figure is that figure's ("33 bodies and 2,500").
        if k > 0 && nums[k - 1] && !doc.at(k).iter().any(|m| m.conj) {
            break;
        }
        if let Some((me, len)) = measure_ending_by(doc, k, lead) {
            let behind_conj = (k + len..lead).any(|q| doc.has(q, |x| x == Kind::Conj))
                || doc.at(lead).iter().any(|m| m.conj);
            let dist = lead - (k + len) + if behind_conj { 2 } else { 0 };
            if best.is_none_or(|(d, _, _)| dist < d) {
                best = Some((dist, true, me));
            }
            break;
        }
        if doc.has(k, |x| x == Kind::Neutral) {
            let dist = lead - j;
            if neutral.is_none_or(|d| dist < d) {
                neutral = Some(dist);
            }
        }
        j = k;
    }
    match (best, neutral) {
        (Some((d, _, _)), Some(n)) if n <= d => Cue::Neutral,
        (Some((dist, _, measure)), _) => Cue::Found { measure, dist },
        (None, Some(_)) => Cue::Neutral,
        (None, None) => Cue::Nothing,
    }
}

/// At a comma that opens a subset ("including", "dont", "بينهم", "tra cui"), the comma that
/// closes it, within the sentence. An aside running to the sentence's end is not skipped: the
/// predicate, if any, came before the figure.
fn subset_aside(doc: &Doc, j: usize, sent: &Range<usize>) -> Option<usize> {
    let comma = |k: usize| doc.is_punct(k) && matches!(doc.t.raw(k), "," | "،");
    if !comma(j) || j + 1 >= sent.end || doc.find(j + 1, |k| k == Kind::PartBefore).is_none() {
        return None;
    }
    (j + 2..sent.end).find(|&k| comma(k))
}

/// At a comma that closes a relative clause opened by a comma and a relative word ("، اللذين
/// …،", ", which …,"), the opening comma, within the sentence and a dozen words.
fn relative_aside_before(doc: &Doc, close: usize, sent: &Range<usize>) -> Option<usize> {
    let comma = |k: usize| doc.is_punct(k) && matches!(doc.t.raw(k), "," | "،");
    if !comma(close) {
        return None;
    }
    (close.saturating_sub(14).max(sent.start)..close)
        .rev()
        .find(|&k| comma(k))
        .filter(|&open| open + 1 < close && doc.has(open + 1, |k| k == Kind::Appositive))
}

/// How far back a toll predicate's subject is looked for: a subject may carry long modifiers
/// ("the number of people killed following Monday's earthquakes in Turkey and Syria has
/// reached"), but stays in its sentence.
const TOLL_SUBJECT: usize = 24;
/// How far back a measure-less toll subject ("the total was") looks for what was counted,
/// across sentences of the same paragraph.
const TOLL_ANTECEDENT: usize = 40;

/// A toll predicate just before a figure (its lead): where the predicate starts, and whether
/// it says the figure was passed ("surpassed 25,000") rather than reached. An article may sit
/// between them ("supera le 23mila", "ultrapassa os 12 mil").
pub(crate) fn toll_before(doc: &Doc, lead: usize, sent: &Range<usize>) -> Option<(usize, bool)> {
    let verb_at = |end: usize| {
        doc.ending_at(end, |k| matches!(k, Kind::TollVerb(_)))
            .filter(|(j, _)| *j >= sent.start)
            .and_then(|(j, m)| match m.kind {
                Kind::TollVerb(over) => Some((j, over)),
                _ => None,
            })
    };
    verb_at(lead).or_else(|| {
        (lead > sent.start && doc.has(lead - 1, |k| k == Kind::Function))
            .then(|| verb_at(lead - 1))
            .flatten()
    })
}

/// The measure of a toll predicate starting at `verb`: the nearest measure word of its
/// subject, in the same sentence and not past another figure; for a subject that names no
/// measure ("the total", "la cifra") the nearest measure word before it in its paragraph.
pub(crate) fn toll_subject_measure(
    doc: &Doc,
    nums: &[bool],
    verb: usize,
    sent: &Range<usize>,
) -> Option<Measure> {
    let measure_at = |k: usize| measure_ending_by(doc, k, verb).map(|(me, _)| me);
    let lo = sent.start.max(verb.saturating_sub(TOLL_SUBJECT));
    for k in (lo..verb).rev() {
        if nums[k] {
            return None;
        }
        if let Some(me) = measure_at(k) {
            return Some(me);
        }
        if doc.has(k, |x| x == Kind::TollNoun) {
            let line = doc.t.toks[k].line;
            return (k.saturating_sub(TOLL_ANTECEDENT)..k)
                .rev()
                .take_while(|&j| doc.t.toks[j].line == line)
                .find_map(measure_at);
        }
    }
    None
}
