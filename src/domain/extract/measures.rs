//! What a figure counts: the nearest measure word in its clause ("killed 23", "23 were
//! killed", "33 قتيلاً"), unless a neutral word ("rescued") is nearer.

use super::doc::Doc;
use super::lexicon::Kind;
use crate::domain::claim::Measure;
use std::ops::Range;

const FORWARD: usize = 10;
const BACKWARD: usize = 8;

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
    while j < sent.end && j < e + FORWARD {
        if nums[j] {
            break;
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
    while j > sent.start && j + BACKWARD > lead {
        let k = j - 1;
        if nums[k] || doc.has(k, |x| x == Kind::Clause) {
            break;
        }
        // A measure noun right after another figure is that figure's ("33 bodies and 2,500").
        if k > 0 && nums[k - 1] && !doc.at(k).iter().any(|m| m.conj) {
            break;
        }
        let found = doc
            .at(k)
            .iter()
            .filter(|m| matches!(m.kind, Kind::Measure(_)) && k + m.len as usize <= lead)
            .max_by_key(|m| m.len);
        if let Some(m) = found {
            if let Kind::Measure(me) = m.kind {
                let behind_conj = (k + m.len as usize..lead)
                    .any(|q| doc.has(q, |x| x == Kind::Conj))
                    || doc.at(lead).iter().any(|m| m.conj);
                let dist = lead - (k + m.len as usize) + if behind_conj { 2 } else { 0 };
                if best.is_none_or(|(d, _, _)| dist < d) {
                    best = Some((dist, true, me));
                }
                break;
            }
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
