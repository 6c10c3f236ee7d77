//! Who said it: reported-speech markers ("said", "according to", "قال", "بحسب", "نقلت عن")
//! and the noun phrase naming the source; continuations ("added", "وأضاف") keep the
//! previous source.

use super::doc::Doc;
use super::lexicon::{AttrKind, Kind};
use std::ops::Range;

/// A reported-speech marker with the source it names (resolved in document order).
#[derive(Debug, Clone)]
pub(crate) struct Marker {
    pub tok: usize,
    pub sent: usize,
    pub source: Option<String>,
    /// The source is named at this marker, not carried over from an earlier one.
    pub named: bool,
}

/// Punctuation that may sit inside a name: apostrophes, brackets, quotes.
fn inner_punct(doc: &Doc, i: usize) -> bool {
    doc.t.raw(i).chars().next().is_some_and(|c| {
        matches!(
            c,
            '\'' | '’' | '(' | ')' | '"' | '“' | '”' | '«' | '»' | '&'
        )
    })
}

/// An appositive or relative opener ("a", "una", "que"), matched without accent folding so
/// that "à" is not "a".
fn is_appositive(doc: &Doc, i: usize) -> bool {
    doc.has(i, |k| k == Kind::Appositive) && doc.t.raw(i).to_lowercase() == doc.t.norm(i)
}

fn is_comma(doc: &Doc, i: usize) -> bool {
    doc.is_punct(i) && matches!(doc.t.raw(i), "," | "،")
}

fn blocks_np(doc: &Doc, i: usize, nums: &[bool]) -> bool {
    nums[i]
        || doc.has(i, |k| {
            matches!(
                k,
                Kind::Measure(_) | Kind::Attr(_) | Kind::Qual(_) | Kind::DenyVerb
            )
        })
}

/// A segment read backwards from `end` (exclusive) to a boundary. `None` when it runs into a
/// figure or another marker (then it is a clause, not a name). The flag says it opens with
/// an appositive or relative word right after a comma ("a Britain-based monitor", "que …").
fn back_segment(
    doc: &Doc,
    end: usize,
    start: usize,
    nums: &[bool],
    loose: bool,
) -> Option<(usize, bool)> {
    let mut j = end;
    let mut count = 0;
    while j > start {
        let k = j - 1;
        if doc.is_punct(k) && !inner_punct(doc, k) {
            break;
        }
        if blocks_np(doc, k, nums) {
            // "… 80,052 reported injured the country's disaster agency said": a name that
            // opens with an article or a capital right after the figure's clause.
            let opens_name = j < end
                && !doc.has(j, |x| x == Kind::SourceOf)
                && (doc.has(j, |x| x == Kind::Function)
                    || doc
                        .t
                        .raw(j)
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_uppercase()));
            return (!loose && opens_name && doc.has(k, |x| matches!(x, Kind::Measure(_))))
                .then_some((j, false));
        }
        if is_appositive(doc, k) && (k == start || is_comma(doc, k - 1)) {
            return Some((k, true));
        }
        if doc.has(k, |x| x == Kind::Discourse)
            || (!loose && doc.has(k, |x| x == Kind::Clause))
            || (!loose && doc.has(k, |x| x == Kind::Conj))
        {
            break;
        }
        count += 1;
        if count > 20 {
            return None;
        }
        j = k;
    }
    Some((j, false))
}

fn trim_np(doc: &Doc, r: Range<usize>) -> Option<Range<usize>> {
    let (mut a, mut b) = (r.start, r.end);
    // leading punctuation, and an auxiliary opening the clause ("وكانت شبكة رووداو قد ذكرت");
    // not a capitalised word ("São Paulo"), nor one that is also an article in another
    // language (the French "a" is the English "A")
    let opening_aux = |i: usize| {
        doc.has(i, |k| k == Kind::Aux)
            && !doc.has(i, |k| matches!(k, Kind::Pronoun | Kind::Appositive))
            && !doc.t.raw(i).chars().next().is_some_and(char::is_uppercase)
    };
    while a < b
        && ((doc.is_punct(a) && !matches!(doc.t.raw(a), "(" | "«" | "“" | "\"")) || opening_aux(a))
    {
        a += 1;
    }
    while a < b && doc.is_punct(b - 1) && !matches!(doc.t.raw(b - 1), ")" | "»" | "”" | "\"") {
        b -= 1;
    }
    // An opening quote mark whose closing one lies outside the span is not part of the name.
    let opens = |i: usize| matches!(doc.t.raw(i), "«" | "“" | "\"");
    let closes = |i: usize| matches!(doc.t.raw(i), "»" | "”" | "\"");
    if a < b && opens(a) && !(a + 1..b).any(closes) {
        a += 1;
    }
    if a < b && closes(b - 1) && !(a..b - 1).any(opens) {
        b -= 1;
    }
    if a >= b {
        return None;
    }
    if b - a == 1
        && doc.has(a, |k| {
            matches!(k, Kind::Pronoun | Kind::Function | Kind::Stop)
        })
    {
        return None;
    }
    if (a..b).all(|i| {
        !doc.is_word(i)
            || doc.has(i, |k| {
                matches!(k, Kind::Pronoun | Kind::Aux | Kind::Function)
            })
    }) {
        return None;
    }
    Some(a..b)
}

/// Every word in `a..b` is capitalised (a person's or an organisation's name), and there are
/// one to four of them.
fn is_name(doc: &Doc, a: usize, b: usize) -> bool {
    let words = (a..b).filter(|&i| doc.is_word(i)).count();
    (1..=4).contains(&words)
        && (a..b).all(|i| {
            !doc.is_word(i)
                || doc
                    .t
                    .raw(i)
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase())
        })
}

/// A word that opens with an elided article ("l'organizzazione", "l’ONG", "un'agenzia").
fn elided_article(doc: &Doc, i: usize) -> bool {
    let norm = doc.t.norm(i);
    ["l'", "l’", "un'", "un’"]
        .iter()
        .any(|a| norm.starts_with(a) && norm.len() > a.len())
}

/// The name before a verb: "the Ministry of Local Administration said", "X, a monitor, said".
fn backward_np(doc: &Doc, verb: usize, sent: &Range<usize>, nums: &[bool]) -> Option<Range<usize>> {
    let mut j = verb;
    loop {
        while j > sent.start
            && doc.has(j - 1, |k| k == Kind::Aux)
            && !doc.has(j - 1, |k| k == Kind::Pronoun)
        {
            j -= 1;
        }
        // "L'OSDH a pour sa part indiqué", "la ONG, por su parte, dijo", «المرصد من جهته قال»:
        // a discourse aside between the name and its verb is not the name.
        if let Some((a, _)) = doc
            .ending_at(j, |k| k == Kind::Discourse)
            .filter(|&(a, _)| a > sent.start && a < j)
        {
            j = a;
            continue;
        }
        let aside = (j > sent.start + 1 && is_comma(doc, j - 1))
            .then(|| doc.ending_at(j - 1, |k| k == Kind::Discourse))
            .flatten()
            .filter(|&(a, _)| a > sent.start + 1 && is_comma(doc, a - 1));
        match aside {
            Some((a, _)) => j = a - 1,
            None => break,
        }
    }
    if j > sent.start && doc.has(j - 1, |k| k == Kind::Pronoun) {
        return None;
    }
    // "X — an aside between dashes — said": the name stands before the aside.
    if j > sent.start && matches!(doc.t.raw(j - 1), "—" | "–") {
        if let Some(open) = (j.saturating_sub(24).max(sent.start)..j - 1)
            .rev()
            .find(|&k| matches!(doc.t.raw(k), "—" | "–"))
        {
            j = open;
        }
    }
    let comma_skipped = j > sent.start && is_comma(doc, j - 1);
    let end = if comma_skipped { j - 1 } else { j };
    let (seg, appositive) = back_segment(doc, end, sent.start, nums, comma_skipped)?;
    // "the White Helmets, the civil defence group that works in rebel areas, said": a
    // description opening with an article, between commas, after a short name
    if comma_skipped
        && !appositive
        && seg > sent.start + 1
        && is_comma(doc, seg - 1)
        && (doc.has(seg, |k| k == Kind::Function) || elided_article(doc, seg))
        && !is_name(doc, seg, end)
    {
        let head = back_segment(doc, seg - 1, sent.start, nums, false)
            .filter(|&(h, _)| h < seg - 1)
            .and_then(|(h, _)| trim_np(doc, h..seg - 1))
            .filter(|h| (h.start..h.end).filter(|&i| doc.is_word(i)).count() <= 5);
        if let Some(head) = head {
            return trim_np(doc, head.start..end);
        }
    }
    // "…, Fahrettin Koca, ha annunciato": a name closing an appositive chain may be followed by
    // a comma; any other segment before a comma is a clause of its own.
    if comma_skipped && !appositive && !is_name(doc, seg, end) {
        return None;
    }
    if appositive && seg > sent.start && is_comma(doc, seg - 1) {
        if let Some((head, _)) = back_segment(doc, seg - 1, sent.start, nums, false) {
            return trim_np(doc, head..end);
        }
    }
    // "il ministro della Salute turco, Fahrettin Koca, ha annunciato": the title before the
    // name, opening with an article, tells who the speaker is
    if comma_skipped && !appositive && seg > sent.start + 1 && is_comma(doc, seg - 1) {
        let title = back_segment(doc, seg - 1, sent.start, nums, false).filter(|&(t, _)| {
            t < seg - 1
                && (doc.has(t, |k| k == Kind::Function) || elided_article(doc, t))
                && (t..seg - 1).filter(|&i| doc.is_word(i)).count() <= 8
        });
        if let Some((t, _)) = title {
            return trim_np(doc, t..end);
        }
    }
    trim_np(doc, seg..end)
}

/// The name after a verb or preposition: "قال الدفاع المدني السوري إن", "according to X".
/// Also returns where it stopped at a "via" word ("نقلت X عن Y").
fn forward_np(
    doc: &Doc,
    from: usize,
    sent: &Range<usize>,
    nums: &[bool],
) -> (Option<Range<usize>>, Option<usize>) {
    let mut a = from;
    while a < sent.end && !nums[a] && doc.has(a, |k| matches!(k, Kind::Attr(_) | Kind::Aux)) {
        a += doc
            .find(a, |k| matches!(k, Kind::Attr(_) | Kind::Aux))
            .map_or(1, |m| m.len as usize);
    }
    // "according to the latest toll from the ministry", "selon un nouveau bilan du ministère":
    // a report noun names no one; its source follows the next "of/from" word ([tolls] of).
    if let Some(r) = (a..(a + 4).min(sent.end))
        .find(|&k| doc.has(k, |x| matches!(x, Kind::Measure(_) | Kind::TollNoun)))
        .and_then(|k| {
            (k + 1..(k + 4).min(sent.end))
                .take_while(|&j| !nums[j] && (!doc.is_punct(j) || inner_punct(doc, j)))
                .find(|&j| doc.has(j, |x| x == Kind::SourceOf))
        })
        .filter(|&j| (a..j).all(|k| !nums[k]))
    {
        let (np, via) = forward_np(doc, r + 1, sent, nums);
        if np.is_some() {
            return (np, via);
        }
    }
    let mut j = a;
    let mut via = None;
    while j < sent.end && j - a < 12 {
        if doc.is_punct(j) && !inner_punct(doc, j) {
            break;
        }
        if doc.has(j, |k| k == Kind::QuoteVia) {
            via = Some(j);
            break;
        }
        if blocks_np(doc, j, nums)
            || doc.has(j, |k| {
                matches!(
                    k,
                    Kind::Stop
                        | Kind::Clause
                        | Kind::Conj
                        | Kind::Discourse
                        | Kind::Month
                        | Kind::Label
                        | Kind::DenyVerb
                )
            })
        {
            break;
        }
        j += 1;
    }
    // "stando ai dati operativi", "according to the latest figures": a report noun with no
    // "of X" after it names no one
    let np = trim_np(doc, a..j).filter(|r| {
        let head =
            (r.start..r.end).find(|&k| doc.is_word(k) && !doc.has(k, |x| x == Kind::Function));
        let bare_report_noun = head.is_some_and(|k| doc.has(k, |x| x == Kind::TollNoun))
            && !(r.start..r.end).any(|k| doc.has(k, |x| x == Kind::SourceOf));
        !bare_report_noun
    });
    (np, via)
}

/// The subject at the start of a sentence, for participles ("X, a monitor, disputed …, saying").
fn sentence_subject(doc: &Doc, sent: &Range<usize>, nums: &[bool]) -> Option<Range<usize>> {
    let mut a = sent.start;
    while let Some(m) = doc.find(a, |k| k == Kind::Discourse) {
        a += m.len as usize;
        while a < sent.end && doc.is_punct(a) {
            a += 1;
        }
    }
    let mut j = a;
    while j < sent.end && !is_comma(doc, j) && j - a < 12 {
        if blocks_np(doc, j, nums) {
            return None;
        }
        j += 1;
    }
    let mut end = j;
    if j + 1 < sent.end && is_comma(doc, j) && is_appositive(doc, j + 1) {
        let mut k = j + 1;
        while k < sent.end && !is_comma(doc, k) && k - j < 16 {
            k += 1;
        }
        end = k;
    }
    trim_np(doc, a..end)
}

/// A reporting verb right after a comma whose clause closes with a comma within a few words:
/// a parenthetical with the speaker after the verb.
fn inverted(doc: &Doc, verb: usize, after: usize, sent: &Range<usize>) -> bool {
    verb > sent.start
        && is_comma(doc, verb - 1)
        && (after..(after + 8).min(sent.end))
            .take_while(|&k| !doc.is_punct(k) || is_comma(doc, k))
            .any(|k| is_comma(doc, k) && k > after)
}

/// Finds every marker in the text and resolves the source each names.
pub(crate) fn resolve_markers(doc: &Doc, nums: &[bool]) -> Vec<Marker> {
    let mut out: Vec<Marker> = Vec::new();
    let mut last: Option<String> = None;
    for (si, sent) in doc.t.sents.iter().enumerate() {
        let mut last_here: Option<String> = None;
        let mut i = sent.start;
        while i < sent.end {
            let Some(m) = doc.find(i, |k| matches!(k, Kind::Attr(_))) else {
                i += 1;
                continue;
            };
            let Kind::Attr(kind) = m.kind else { break };
            let after = i + m.len as usize;
            // "طلب عدم نشر اسمه": the reporting word is a noun of what was withheld
            if i > sent.start && doc.has(i - 1, |k| k == Kind::Withheld) {
                i = after;
                continue;
            }
            let prev_here = last_here.clone();
            let np = match kind {
                // ", affermano i russi,", ", said the minister,": a verb between commas has
                // its speaker after it.
                // A name with its appositive before the comma is still the speaker ("X, a
                // member of parliament, disputed the account, saying").
                AttrKind::Before => {
                    let back = backward_np(doc, i, sent, nums);
                    let appositive = back
                        .as_ref()
                        .is_some_and(|r| (r.start..r.end).any(|k| is_comma(doc, k)));
                    if inverted(doc, i, after, sent) && !appositive {
                        forward_np(doc, after, sent, nums).0.or(back)
                    } else {
                        back.or_else(|| forward_np(doc, after, sent, nums).0)
                    }
                }
                AttrKind::After => forward_np(doc, after, sent, nums)
                    .0
                    .or_else(|| backward_np(doc, i, sent, nums)),
                AttrKind::Quote => {
                    let (np, via) = forward_np(doc, after, sent, nums);
                    match via {
                        Some(v) => forward_np(doc, v + 1, sent, nums).0.or(np),
                        None => np,
                    }
                }
                AttrKind::Continuation => forward_np(doc, after, sent, nums)
                    .0
                    .or_else(|| backward_np(doc, i, sent, nums)),
                AttrKind::Participle => None,
            };
            let named = np.is_some();
            let source = match np {
                Some(r) => Some(doc.span_text(r.start, r.end).to_string()),
                None => match kind {
                    AttrKind::Participle => prev_here
                        .or_else(|| {
                            sentence_subject(doc, sent, nums)
                                .map(|r| doc.span_text(r.start, r.end).to_string())
                        })
                        .or_else(|| last.clone()),
                    _ => prev_here.or_else(|| last.clone()),
                },
            };
            if source.is_some() {
                last.clone_from(&source);
                last_here.clone_from(&source);
            }
            out.push(Marker {
                tok: i,
                sent: si,
                source,
                named,
            });
            i = after;
        }
    }
    out
}
