//! Part/whole cues: "12 civilians, including five children", "بينهم تسعة مقاتلين روس",
//! "two of them later died", "Sept enfants figurent parmi les blessés", "Entre los heridos hay
//! siete niños". Fills `part_of` where the extractor left it empty, so that a sub-count quoted
//! by another speaker is not taken for a competing total.
//!
//! Bounded work per claim, so that the cost stays linear in the text however dense its figures:
//! a part's whole is looked for only among the [`CLAIMS_AROUND`] claims on each side of it in
//! text order, in its own sentence or the [`SENTENCES_BACK`] sentences before it (blank lines
//! not counted); the cue check reads only the text between the neighbouring claims, found by
//! binary search in the claims sorted by offset.

use super::groups::includes;
use super::normalize::fold;
use crate::domain::ExtractedClaim;
use std::sync::OnceLock;

/// How many sentences before a part's own one its whole may stand in (blank lines not counted).
/// The furthest whole in the three evaluation corpora is six sentences back ("Some 12 of them
/// died in the hospital" after "some 50 people were killed").
pub const SENTENCES_BACK: usize = 8;

/// How many claims on each side of a part, in text order, are looked at as its whole.
pub const CLAIMS_AROUND: usize = 32;

/// Phrases that announce a part just before the figure.
const BEFORE: &[&str] = &[
    "including",
    "includes",
    "among them",
    "among whom",
    "among those",
    "among the dead",
    "among the killed",
    "among the wounded",
    "among the injured",
    "among the missing",
    "among the detained",
    "بينهم",
    "بينهن",
    "من بينهم",
    "من بينهن",
    "بمن فيهم",
    "منهم",
    "منهن",
    "dont",
    "parmi eux",
    "parmi elles",
    "parmi lesquels",
    "parmi lesquelles",
    "y compris",
    "parmi les morts",
    "parmi les blesses",
    "parmi les victimes",
    "entre ellos",
    "entre ellas",
    "incluidos",
    "incluidas",
    "incluyendo",
    "entre los heridos",
    "entre los fallecidos",
    "entre los muertos",
    "entre las victimas",
    "entre los detenidos",
    "entre los desaparecidos",
    "tra cui",
    "tra questi",
    "tra loro",
    "di cui",
    "tra i morti",
    "tra i feriti",
    "tra le vittime",
    "incluindo",
    "entre eles",
    "entre elas",
    "dos quais",
    "das quais",
    "entre os mortos",
    "entre os feridos",
];

/// Phrases that mark a part just after the figure.
const AFTER: &[&str] = &[
    "of them",
    "of whom",
    "of those",
    "were among",
    "are among",
    "was among",
    "among",
    "منهم",
    "منهن",
    "من القتلى",
    "من المصابين",
    "من الجرحى",
    "من الضحايا",
    "من المعتقلين",
    "من الموقوفين",
    "من المفقودين",
    "de ellos",
    "de ellas",
    "figuran entre",
    "d entre eux",
    "d entre elles",
    "figurent parmi",
    "figure parmi",
    "parmi",
    "di loro",
    "dei quali",
    "delle quali",
    "deles",
    "delas",
];

fn words(folded: &str) -> Vec<&str> {
    folded.split(' ').filter(|w| !w.is_empty()).collect()
}

/// Cue phrases split into words, once.
fn split_cues(cues: &'static [&'static str]) -> Vec<Vec<&'static str>> {
    cues.iter().map(|c| c.split(' ').collect()).collect()
}

fn before_cues() -> &'static [Vec<&'static str>] {
    static CUES: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    CUES.get_or_init(|| split_cues(BEFORE))
}

fn after_cues() -> &'static [Vec<&'static str>] {
    static CUES: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    CUES.get_or_init(|| split_cues(AFTER))
}

/// Positions (in words) of every occurrence of each cue, with its length.
fn find_cue(ws: &[&str], cues: &[Vec<&str>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if ws.is_empty() {
        return out;
    }
    for c in cues {
        if c.len() > ws.len() {
            continue;
        }
        for i in 0..=ws.len() - c.len() {
            if ws[i..i + c.len()].iter().zip(c.iter()).all(|(a, b)| a == b) {
                out.push((i, c.len()));
            }
        }
    }
    out
}

/// Byte ranges of the sentences of a text.
pub fn sentence_bounds(text: &str) -> Vec<(usize, usize)> {
    /// Bytes that may end a sentence ("؟" is D8 9F).
    const CANDIDATE: [bool; 256] = {
        let mut t = [false; 256];
        t[b'\n' as usize] = true;
        t[b'.' as usize] = true;
        t[b'!' as usize] = true;
        t[b'?' as usize] = true;
        t[0xd8] = true;
        t
    };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i..].iter().position(|&b| CANDIDATE[usize::from(b)]) {
            Some(n) => i += n,
            None => break,
        }
        // every sentence end is ASCII or "؟" (D8 9F), so bytes can be scanned directly
        let end = match bytes[i] {
            b'\n' => i + 1,
            0xd8 if bytes.get(i + 1) == Some(&0x9f) => i + 2,
            b'.' | b'!' | b'?' => {
                let next = text[i + 1..].chars().next();
                if !next.is_none_or(char::is_whitespace) {
                    i += 1;
                    continue;
                }
                i + 1
            }
            _ => {
                i += 1;
                continue;
            }
        };
        if end > start {
            out.push((start, end));
        }
        start = end;
        i = end;
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// The index of the sentence holding byte `pos` (`bounds.len()` past the end). `bounds` are
/// contiguous and in order, as [`sentence_bounds`] returns them.
fn sentence_of(bounds: &[(usize, usize)], pos: usize) -> usize {
    let k = bounds.partition_point(|(_, e)| *e <= pos);
    match bounds.get(k) {
        Some((s, _)) if pos >= *s => k,
        _ => bounds.len(),
    }
}

fn clamp_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The claims sorted by offset and the sentences they stand in, built once per text.
struct Layout {
    bounds: Vec<(usize, usize)>,
    /// Claim indices by (start, index).
    order: Vec<usize>,
    /// `claims[order[k]].start`, ascending.
    starts: Vec<usize>,
    /// Every claim's end, ascending.
    ends: Vec<usize>,
    /// For each claim, the number of non-blank sentences before the one holding its start.
    sentence: Vec<usize>,
}

impl Layout {
    fn new(text: &str, claims: &[ExtractedClaim]) -> Self {
        let bounds = sentence_bounds(text);
        let mut order: Vec<usize> = (0..claims.len()).collect();
        order.sort_by_key(|&j| (claims[j].start, j));
        let starts = order.iter().map(|&j| claims[j].start).collect();
        let mut ends: Vec<usize> = claims.iter().map(|c| c.end).collect();
        ends.sort_unstable();
        // a sentence's rank among the non-blank ones ("\n" ends a sentence, so blank lines are some)
        let mut rank = Vec::with_capacity(bounds.len() + 1);
        let mut r = 0;
        for (s, e) in &bounds {
            rank.push(r);
            if !text[*s..*e].trim().is_empty() {
                r += 1;
            }
        }
        rank.push(r);
        let sentence = claims
            .iter()
            .map(|c| rank[sentence_of(&bounds, c.start)])
            .collect();
        Layout {
            bounds,
            order,
            starts,
            ends,
            sentence,
        }
    }
}

/// Whether the claim at `i` reads as a part of something by its cues.
fn has_part_cue(text: &str, claims: &[ExtractedClaim], i: usize, layout: &Layout) -> bool {
    let bounds = &layout.bounds;
    let c = &claims[i];
    let (start, end) = (
        clamp_char(text, c.start),
        clamp_char(text, c.end.max(c.start)),
    );
    let sent = bounds
        .get(sentence_of(bounds, start))
        .copied()
        .unwrap_or((0, text.len()));
    // the largest end of a claim ending by `start`
    let prev_end = match layout.ends.partition_point(|&e| e <= start) {
        0 => 0,
        k => layout.ends[k - 1],
    };
    // the smallest start of a claim starting after `start`, and not before `end`
    let from = end.max(start + 1);
    let next_start = layout
        .starts
        .get(layout.starts.partition_point(|&s| s < from))
        .copied()
        .unwrap_or(text.len());
    let lo = clamp_char(text, sent.0.max(prev_end));
    let hi = clamp_char(text, sent.1.min(next_start).max(end));
    let (before, inside, after) = (
        fold(&text[lo..start]),
        fold(&text[start..end]),
        fold(&text[end..hi]),
    );
    let (before, inside, after) = (words(&before), words(&inside), words(&after));
    // a cue just before the figure (at most two words between), or opening the span
    if find_cue(&before, before_cues())
        .iter()
        .any(|(p, n)| before.len() - (p + n) <= 2)
    {
        return true;
    }
    if find_cue(&inside, before_cues())
        .iter()
        .any(|(p, _)| *p <= 1)
    {
        return true;
    }
    // a cue just after the figure (at most two words between), or inside the span after its first word
    if find_cue(&after, after_cues()).iter().any(|(p, _)| *p <= 2) {
        return true;
    }
    find_cue(&inside, after_cues()).iter().any(|(p, _)| *p >= 1)
}

/// The claims starting before `start`, nearest first (claims starting at the same offset in
/// index order), at most [`CLAIMS_AROUND`] of them.
fn nearest_before(layout: &Layout, start: usize) -> impl Iterator<Item = usize> + '_ {
    let mut end = layout.starts.partition_point(|&s| s < start);
    let mut group = 0..0;
    std::iter::from_fn(move || {
        if group.is_empty() {
            if end == 0 {
                return None;
            }
            let s = layout.starts[end - 1];
            let mut first = end - 1;
            while first > 0 && layout.starts[first - 1] == s {
                first -= 1;
            }
            group = first..end;
            end = first;
        }
        group.next().map(|k| layout.order[k])
    })
    .take(CLAIMS_AROUND)
}

/// The claims starting after `start`, nearest first, at most [`CLAIMS_AROUND`] of them.
fn nearest_after(layout: &Layout, start: usize) -> impl Iterator<Item = usize> + '_ {
    let from = layout.starts.partition_point(|&s| s <= start);
    layout.order[from..].iter().copied().take(CLAIMS_AROUND)
}

/// Fills `part_of` for claims whose wording marks them as a part of another figure and whose
/// whole can be found: same measure, larger value, a group that may include the part's; looked
/// for first earlier in the same sentence, then later in it, then in the [`SENTENCES_BACK`]
/// sentences before (among the [`CLAIMS_AROUND`] nearest claims on each side).
/// Claims that already have `part_of` are left alone. Claims must be in text order or not; both work.
pub fn infer_part_of(text: &str, claims: &mut [ExtractedClaim]) {
    let layout = Layout::new(text, claims);
    let n = claims.len();
    let mut found: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        if claims[i].part_of.is_some() || !has_part_cue(text, claims, i, &layout) {
            continue;
        }
        let part = &claims[i];
        let sent = layout.sentence[i];
        let fits = |j: &usize| {
            let w = &claims[*j];
            *j != i
                && w.measure == part.measure
                && w.value > part.value_max.unwrap_or(part.value)
                && includes(&w.group, &part.group)
                && w.part_of.is_none()
        };
        // the nearest earlier whole within the window; sentences only go back as claims do
        let earlier = nearest_before(&layout, part.start)
            .take_while(|&j| layout.sentence[j] + SENTENCES_BACK >= sent)
            .find(fits);
        found[i] = match earlier {
            Some(j) if layout.sentence[j] == sent => Some(j),
            _ => nearest_after(&layout, part.start)
                .take_while(|&j| layout.sentence[j] == sent)
                .find(fits)
                .or(earlier),
        };
    }
    for (i, f) in found.into_iter().enumerate() {
        if f.is_some() {
            claims[i].part_of = f;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Measure, Qualifier, UNKNOWN_GROUP};

    fn claim(text: &str, quote: &str, value: i64, measure: Measure, group: &str) -> ExtractedClaim {
        let start = text.find(quote).unwrap_or(0);
        ExtractedClaim {
            value,
            value_max: None,
            qualifier: Qualifier::Exact,
            measure,
            group: group.into(),
            subject: None,
            source: None,
            part_of: None,
            start,
            end: start + quote.len(),
            scope: None,
            stage: None,
        }
    }

    /// The character scan the byte scan replaces.
    fn sentence_bounds_by_char(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            let next_is_space = it.peek().is_none_or(|(_, n)| n.is_whitespace());
            let ends = match c {
                '\n' | '؟' => true,
                '.' | '!' | '?' => next_is_space,
                _ => false,
            };
            if ends {
                let end = i + c.len_utf8();
                if end > start {
                    out.push((start, end));
                }
                start = end;
            }
        }
        if start < text.len() {
            out.push((start, text.len()));
        }
        out
    }

    #[test]
    fn byte_scan_finds_the_same_sentences() {
        for t in [
            "",
            ".",
            "\n\n",
            "One. Two!Three? Four.\u{a0}Five.\u{2009}six...\n",
            "3.5 km. ok?",
            "قتل 35 مقاتلاً. هل؟نعم؟ ولا.\nسطر ثانٍ!",
            "ؠ؟ ؟؟ a?؟.",
            "end.",
        ] {
            assert_eq!(sentence_bounds(t), sentence_bounds_by_char(t), "{t:?}");
        }
    }

    #[test]
    fn including_marks_a_part_of_the_preceding_total() {
        let t = "The monitor put the toll at 12 civilians, including five children.";
        let mut cs = vec![
            claim(t, "12", 12, Measure::Killed, "civilians"),
            claim(t, "five", 5, Measure::Killed, "civilians"),
        ];
        infer_part_of(t, &mut cs);
        assert_eq!(cs[0].part_of, None);
        assert_eq!(cs[1].part_of, Some(0));
    }

    #[test]
    fn among_marks_a_part_of_a_following_total_of_an_allied_group() {
        let t = "A monitor said nine Russians were among 35 pro-government fighters killed.";
        let mut cs = vec![
            claim(t, "nine", 9, Measure::Killed, "russia"),
            claim(t, "35", 35, Measure::Killed, "syria_gov"),
        ];
        infer_part_of(t, &mut cs);
        assert_eq!(cs[0].part_of, Some(1));
        assert_eq!(cs[1].part_of, None);
    }

    #[test]
    fn arabic_and_french_and_spanish_cues_work() {
        let t = "قتل 35 مقاتلاً بينهم تسعة مقاتلين روس. نقل تسعة منهم.";
        let mut cs = vec![
            claim(t, "35", 35, Measure::Killed, "syria_gov"),
            claim(t, "تسعة مقاتلين", 9, Measure::Killed, "russia"),
        ];
        infer_part_of(t, &mut cs);
        assert_eq!(cs[1].part_of, Some(0));
        let t =
            "Quatorze civils tués et 31 autres blessés. Sept enfants figurent parmi les blessés.";
        let mut cs = vec![
            claim(t, "31", 31, Measure::Wounded, "civilians"),
            claim(t, "Sept", 7, Measure::Wounded, "civilians"),
        ];
        infer_part_of(t, &mut cs);
        assert_eq!(cs[1].part_of, Some(0));
        let t = "treinta y uno resultaron heridos. Entre los heridos hay siete niños.";
        let mut cs = vec![
            claim(t, "treinta y uno", 31, Measure::Wounded, "civilians"),
            claim(t, "siete", 7, Measure::Wounded, "civilians"),
        ];
        infer_part_of(t, &mut cs);
        assert_eq!(cs[1].part_of, Some(0));
    }

    #[test]
    fn a_total_followed_by_its_parts_is_not_a_part() {
        let t = "Nine people were killed, two of them children.";
        let mut cs = vec![
            claim(t, "Nine", 9, Measure::Killed, "civilians"),
            claim(t, "two", 2, Measure::Killed, "civilians"),
        ];
        infer_part_of(t, &mut cs);
        assert_eq!(cs[0].part_of, None);
        assert_eq!(cs[1].part_of, Some(0));
    }

    #[test]
    fn binary_search_finds_the_sentence_a_scan_finds() {
        let t = "One. Two!\n\nThree? Four.\nفيها؟ خمسة";
        let bounds = sentence_bounds(t);
        for pos in 0..=t.len() + 2 {
            let by_scan = bounds
                .iter()
                .position(|(s, e)| pos >= *s && pos < *e)
                .unwrap_or(bounds.len());
            assert_eq!(sentence_of(&bounds, pos), by_scan, "{pos}");
        }
    }

    /// The pairwise inference this module replaced, restricted to the same window: every
    /// claim against every other.
    fn infer_by_pairs(text: &str, claims: &mut [ExtractedClaim]) {
        let bounds = sentence_bounds(text);
        let sentence = |pos: usize| {
            let k = bounds
                .iter()
                .position(|(s, e)| pos >= *s && pos < *e)
                .unwrap_or(bounds.len());
            bounds[..k]
                .iter()
                .filter(|(s, e)| !text[*s..*e].trim().is_empty())
                .count()
        };
        let layout = Layout::new(text, claims);
        let n = claims.len();
        let mut found = vec![None; n];
        for i in 0..n {
            if claims[i].part_of.is_some() || !has_part_cue(text, claims, i, &layout) {
                continue;
            }
            let part = &claims[i];
            let sent = sentence(part.start);
            let fits = |j: usize| {
                let w = &claims[j];
                j != i
                    && w.measure == part.measure
                    && w.value > part.value_max.unwrap_or(part.value)
                    && includes(&w.group, &part.group)
                    && w.part_of.is_none()
            };
            let mut earlier: Vec<usize> =
                (0..n).filter(|&j| claims[j].start < part.start).collect();
            earlier.sort_by_key(|&j| std::cmp::Reverse(claims[j].start));
            earlier.truncate(CLAIMS_AROUND);
            earlier.retain(|&j| fits(j) && sentence(claims[j].start) + SENTENCES_BACK >= sent);
            let mut later: Vec<usize> = (0..n).filter(|&j| claims[j].start > part.start).collect();
            later.sort_by_key(|&j| claims[j].start);
            later.truncate(CLAIMS_AROUND);
            later.retain(|&j| fits(j));
            let same = |j: &&usize| sentence(claims[**j].start) == sent;
            found[i] = earlier
                .iter()
                .find(same)
                .or_else(|| later.iter().find(same))
                .or_else(|| earlier.first())
                .copied();
        }
        for (i, f) in found.into_iter().enumerate() {
            if f.is_some() {
                claims[i].part_of = f;
            }
        }
    }

    #[test]
    fn sorted_search_links_as_the_pairwise_one_did() {
        let mut seed: u64 = 11;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let forms = [
            "{a} were killed, including {b} children.",
            "{b} of them were wounded",
            "and {a} people died;",
            "\n\n",
            "Among the dead were {b} women. ",
            "{a} wounded, among them {b} police",
            "nothing here. ",
        ];
        let groups = ["civilians", "police", UNKNOWN_GROUP];
        for _ in 0..20 {
            let mut text = String::new();
            let mut claims = Vec::new();
            for _ in 0..120 {
                let form = forms[next(forms.len() as u64) as usize];
                let mut rest = form;
                while let Some(k) = rest.find('{') {
                    text.push_str(&rest[..k]);
                    let value = 1 + next(60) as i64;
                    let start = text.len();
                    text.push_str(&value.to_string());
                    let measure = if next(3) == 0 {
                        Measure::Wounded
                    } else {
                        Measure::Killed
                    };
                    let mut c = claim(&text, "", value, measure, groups[next(3) as usize]);
                    (c.start, c.end) = (start, text.len());
                    if next(8) == 0 {
                        claims.push(c.clone()); // two readings of one figure
                    }
                    claims.push(c);
                    rest = &rest[k + 3..];
                }
                text.push_str(rest);
                text.push(' ');
            }
            // in no particular order
            for k in (1..claims.len()).rev() {
                claims.swap(k, next(k as u64 + 1) as usize);
            }
            let mut expected = claims.clone();
            infer_by_pairs(&text, &mut expected);
            infer_part_of(&text, &mut claims);
            assert!(expected.iter().any(|c| c.part_of.is_some()));
            assert_eq!(claims, expected, "{text}");
        }
    }

    #[test]
    fn a_whole_further_back_than_the_window_is_not_looked_for() {
        let t =
            "Twelve people were killed. A. B. C. D. E. F. G. H. Among the dead were five children.";
        let mut cs = vec![
            claim(t, "Twelve", 12, Measure::Killed, "civilians"),
            claim(t, "five", 5, Measure::Killed, "civilians"),
        ];
        infer_part_of(t, &mut cs);
        assert_eq!(cs[1].part_of, None);
        // blank lines are not sentences
        let t = "Twelve people were killed. A. B. C. D. E. F. G.\n\n\n\nAmong the dead were five children.";
        let mut cs = vec![
            claim(t, "Twelve", 12, Measure::Killed, "civilians"),
            claim(t, "five", 5, Measure::Killed, "civilians"),
        ];
        infer_part_of(t, &mut cs);
        assert_eq!(cs[1].part_of, Some(0));
    }
}
