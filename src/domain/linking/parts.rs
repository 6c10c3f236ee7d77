//! Part/whole cues: "12 civilians, including five children", "بينهم تسعة مقاتلين روس",
//! "two of them later died", "Sept enfants figurent parmi les blessés", "Entre los heridos hay
//! siete niños". Fills `part_of` where the extractor left it empty, so that a sub-count quoted
//! by another speaker is not taken for a competing total.

use super::groups::includes;
use super::normalize::fold;
use crate::domain::ExtractedClaim;
use std::sync::OnceLock;

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

fn sentence_of(bounds: &[(usize, usize)], pos: usize) -> usize {
    bounds
        .iter()
        .position(|(s, e)| pos >= *s && pos < *e)
        .unwrap_or(bounds.len())
}

fn clamp_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether the claim at `i` reads as a part of something by its cues.
fn has_part_cue(
    text: &str,
    claims: &[ExtractedClaim],
    i: usize,
    bounds: &[(usize, usize)],
) -> bool {
    let c = &claims[i];
    let (start, end) = (
        clamp_char(text, c.start),
        clamp_char(text, c.end.max(c.start)),
    );
    let sent = bounds
        .get(sentence_of(bounds, start))
        .copied()
        .unwrap_or((0, text.len()));
    let prev_end = claims
        .iter()
        .filter(|o| o.end <= start)
        .map(|o| o.end)
        .max()
        .unwrap_or(0);
    let next_start = claims
        .iter()
        .filter(|o| o.start >= end && o.start > start)
        .map(|o| o.start)
        .min()
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

/// Fills `part_of` for claims whose wording marks them as a part of another figure and whose
/// whole can be found: same measure, larger value, a group that may include the part's; looked
/// for first earlier in the same sentence, then later in it, then earlier in the text.
/// Claims that already have `part_of` are left alone. Claims must be in text order or not; both work.
pub fn infer_part_of(text: &str, claims: &mut [ExtractedClaim]) {
    let bounds = sentence_bounds(text);
    let n = claims.len();
    let mut found: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        if claims[i].part_of.is_some() || !has_part_cue(text, claims, i, &bounds) {
            continue;
        }
        let part = &claims[i];
        let sent = sentence_of(&bounds, part.start);
        let fits = |j: usize| {
            let w = &claims[j];
            j != i
                && w.measure == part.measure
                && w.value > part.value_max.unwrap_or(part.value)
                && includes(&w.group, &part.group)
                && w.part_of.is_none()
        };
        let mut earlier: Vec<usize> = (0..n)
            .filter(|&j| claims[j].start < part.start && fits(j))
            .collect();
        earlier.sort_by_key(|&j| std::cmp::Reverse(claims[j].start));
        let mut later: Vec<usize> = (0..n)
            .filter(|&j| claims[j].start > part.start && fits(j))
            .collect();
        later.sort_by_key(|&j| claims[j].start);
        let same = |j: &&usize| sentence_of(&bounds, claims[**j].start) == sent;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Measure, Qualifier};

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
}
