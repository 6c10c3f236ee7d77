//! Where a figure stands in its source's count, as its own sentence says.
//!
//! - *Provisional*: the count is still under way ("a preliminary toll", "selon un bilan
//!   provisoire", «حصيلة غير نهائية», «الإحصاءات الأولية», "could rise"). A provisional toll bounds
//!   the final one from below, so linking reads it as "at least" (see `facts`).
//! - *Earlier*: the report itself says the figure has since been revised ("an earlier toll",
//!   "had earlier said", "avait plus tôt évoqué", "habían calculado anteriormente",
//!   «في وقت سابق», "up from"). Linking takes it, and the same figure in other reports of the
//!   question, as a superseded count rather than a rival (see `facts`).
//! - *Risen*: the report says the toll has risen to the figure ("rose to 13", "s'est alourdi
//!   à", "è salito a", «ارتفعت الحصيلة إلى»). Lower counts of the question given without a named
//!   source date from before the rise (see `facts`).
//!
//! Rules (cues folded as the text is, matched as whole words):
//! 1. A provisional cue anywhere in a figure's sentence marks every figure of that sentence: the
//!    cue qualifies the toll the sentence gives, whichever side of the figures it stands.
//! 2. An earlier cue marks the figures after it in its sentence, up to a word of the present
//!    ("now", "désormais", «الآن»), which starts the revised count.
//! 3. Earlier wins over provisional ("un premier bilan provisoire"), and both over risen.
//! 4. A figure with no cue of its own (or a rise cue only) that gives the same count as a
//!    provisional figure of its text (same measure and value: a headline restating the body) is
//!    provisional too.
//! 5. A rise cue marks the first figure after it in its sentence: the count it rose to ("rose
//!    to 20,318, with 80,052 injured" marks 20,318 only).
//!
//! Call order: after extraction, on the same text and claims (see `domain::pipeline`).

use super::normalize::fold;
use crate::domain::quote::sentence_around;
use crate::domain::{ExtractedClaim, Stage};
use aho_corasick::AhoCorasick;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Words and phrases that call a count provisional, in the six languages.
const PROVISIONAL: &[&str] = &[
    // en
    "preliminary",
    "provisional",
    "initial toll",
    "initial count",
    "initial figures",
    "initial tally",
    "not final",
    "could rise",
    "may rise",
    "likely to rise",
    "expected to rise",
    // fr
    "provisoire",
    "provisoires",
    "preliminaire",
    "preliminaires",
    "non definitif",
    "pas definitif",
    "pourrait s alourdir",
    "risque de s alourdir",
    "pourrait augmenter",
    // es, pt
    "provisional",
    "provisionales",
    "preliminar",
    "preliminares",
    "podria aumentar",
    "no definitivo",
    "provisorio",
    "provisorios",
    "pode aumentar",
    "nao definitivo",
    // it
    "provvisorio",
    "provvisori",
    "preliminare",
    "destinato a salire",
    "potrebbe salire",
    "non definitivo",
    // ar
    "الأولية",
    "أولية",
    "مبدئية",
    "غير نهائية",
    "غير نهائي",
    "قابلة للزيادة",
    "قابلة للارتفاع",
    "مرشحة للارتفاع",
    "مرشح للارتفاع",
];

/// Words and phrases that say the figures after them were reported before the current count.
const EARLIER: &[&str] = &[
    // en
    "had earlier",
    "had previously",
    "had initially",
    "earlier said",
    "earlier reported",
    "previously said",
    "previously reported",
    "initially",
    "earlier toll",
    "previous toll",
    "earlier count",
    "previous count",
    "earlier figure",
    "previous figure",
    "earlier tally",
    "previous tally",
    "up from",
    // fr
    "plus tot",
    "precedent bilan",
    "bilan precedent",
    "premier bilan",
    "auparavant",
    "precedemment",
    "initialement",
    // es, pt
    "anteriormente",
    "previamente",
    "inicialmente",
    "en un principio",
    "balance anterior",
    "cifra anterior",
    "primer balance",
    "balanco anterior",
    "primeiro balanco",
    // it
    "in precedenza",
    "precedentemente",
    "inizialmente",
    "bilancio precedente",
    "precedente bilancio",
    "primo bilancio",
    // ar
    "في وقت سابق",
    "سابقا",
    "الحصيلة السابقة",
    "حصيلة سابقة",
    "بعد أن كانت",
    "بعد أن كان",
    "في البداية",
];

/// Words and phrases that say a toll has risen to the figure after them.
const RISEN: &[&str] = &[
    // en
    "rose to",
    "risen to",
    "rises to",
    "rising to",
    "climbed to",
    "climbs to",
    "increased to",
    "jumped to",
    // fr
    "s est alourdi a",
    "s est alourdi",
    "est passe a",
    "a grimpe a",
    "grimpe a",
    "s eleve desormais a",
    // es
    "ascendio a",
    "asciende a",
    "aumento a",
    "subio a",
    "sube a",
    "se elevo a",
    "se eleva a",
    // it
    "salito a",
    "salita a",
    "sale a",
    "salgono a",
    "aumentato a",
    "cresciuto a",
    // pt
    "subiu para",
    "sobe para",
    "aumentou para",
    "elevou para",
    "eleva para",
    // ar
    "ارتفع",
    "ارتفعت",
    "يرتفع",
    "ترتفع",
    "ليرتفع",
    "لترتفع",
    "وارتفع",
    "وارتفعت",
    "ارتفاع",
];

/// Words of the present that end an earlier cue's reach: the revised count follows them.
const PRESENT: &[&str] = &[
    "now",
    "desormais",
    "actuellement",
    "ahora",
    "actualmente",
    "ora",
    "adesso",
    "agora",
    "الآن",
    "حاليا",
];

/// A cue list folded as text is, each with a space on both sides, as one automaton.
fn automaton(list: &[&str], cell: &'static OnceLock<AhoCorasick>) -> &'static AhoCorasick {
    cell.get_or_init(|| {
        let cues: Vec<String> = list
            .iter()
            .map(|w| format!(" {} ", fold(w).trim()))
            .collect();
        AhoCorasick::new(cues).unwrap_or_else(|e| panic!("stage cues: {e}"))
    })
}

fn provisional() -> &'static AhoCorasick {
    static CELL: OnceLock<AhoCorasick> = OnceLock::new();
    automaton(PROVISIONAL, &CELL)
}

fn earlier() -> &'static AhoCorasick {
    static CELL: OnceLock<AhoCorasick> = OnceLock::new();
    automaton(EARLIER, &CELL)
}

fn risen() -> &'static AhoCorasick {
    static CELL: OnceLock<AhoCorasick> = OnceLock::new();
    automaton(RISEN, &CELL)
}

fn present() -> &'static AhoCorasick {
    static CELL: OnceLock<AhoCorasick> = OnceLock::new();
    automaton(PRESENT, &CELL)
}

/// The folded text with a space on both sides, so that cues match whole words.
fn padded(text: &str) -> String {
    format!(" {} ", fold(text).trim())
}

/// Which kinds of cue a sentence holds, read once per sentence.
#[derive(Clone, Copy)]
struct SentenceCues {
    provisional: bool,
    earlier: bool,
    risen: bool,
}

/// The stage of each claim (same order as `claims`), read from its sentence (see the rules).
pub fn infer_stages(text: &str, claims: &[ExtractedClaim]) -> Vec<Option<Stage>> {
    let mut by_sentence: HashMap<usize, SentenceCues> = HashMap::new();
    let mut stages: Vec<Option<Stage>> = claims
        .iter()
        .map(|c| {
            let sentence = sentence_around(text, c.start, c.end);
            let from = sentence.as_ptr() as usize - text.as_ptr() as usize;
            let cues = *by_sentence.entry(from).or_insert_with(|| {
                let folded = padded(sentence);
                SentenceCues {
                    provisional: provisional().is_match(&folded),
                    earlier: earlier().is_match(&folded),
                    risen: risen().is_match(&folded),
                }
            });
            let start = c.start.clamp(from, from + sentence.len());
            if cues.earlier && earlier_reaches(&text[from..start]) {
                Some(Stage::Earlier)
            } else if cues.provisional {
                Some(Stage::Provisional)
            } else if cues.risen {
                // only the first figure after the cue is the count it rose to
                let since = claims
                    .iter()
                    .filter(|d| d.end <= c.start && d.start >= from)
                    .map(|d| d.end)
                    .max()
                    .unwrap_or(from);
                risen()
                    .is_match(&padded(&text[since..start]))
                    .then_some(Stage::Risen)
            } else {
                None
            }
        })
        .collect();
    let count = |c: &ExtractedClaim| (c.measure, c.value, c.value_max);
    let provisional: Vec<_> = claims
        .iter()
        .zip(&stages)
        .filter(|(_, s)| **s == Some(Stage::Provisional))
        .map(|(c, _)| count(c))
        .collect();
    for (c, s) in claims.iter().zip(stages.iter_mut()) {
        if matches!(s, None | Some(Stage::Risen)) && provisional.contains(&count(c)) {
            *s = Some(Stage::Provisional);
        }
    }
    stages
}

/// Whether an earlier cue in `before` (the sentence up to the figure) still holds at its end:
/// no word of the present comes after the last cue.
fn earlier_reaches(before: &str) -> bool {
    let text = padded(before);
    let last = |cues: &AhoCorasick| cues.find_overlapping_iter(&text).map(|m| m.start()).max();
    match (last(earlier()), last(present())) {
        (Some(cue), Some(now)) => cue > now,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Measure, Qualifier};

    /// A claim on the first occurrence of `figure` in `text`.
    fn at(text: &str, figure: &str) -> ExtractedClaim {
        let start = text.find(figure).expect("figure in text");
        ExtractedClaim {
            value: 1,
            value_max: None,
            qualifier: Qualifier::Exact,
            measure: Measure::Killed,
            group: "unknown".into(),
            subject: None,
            source: None,
            part_of: None,
            start,
            end: start + figure.len(),
            scope: None,
            stage: None,
        }
    }

    /// A claim on the last occurrence of `figure` in `text` (value 1, as [`at`] gives).
    fn at_last(text: &str, figure: &str) -> ExtractedClaim {
        let start = text.rfind(figure).expect("figure in text");
        ExtractedClaim {
            start,
            end: start + figure.len(),
            ..at(text, figure)
        }
    }

    fn stage(text: &str, figure: &str) -> Option<Stage> {
        infer_stages(text, &[at(text, figure)])[0]
    }

    #[test]
    fn a_provisional_toll_is_marked_whichever_side_its_cue_stands() {
        let cases = [
            (
                "The preliminary toll is 70 dead and 3,700 wounded.",
                "3,700",
            ),
            (
                "Selon un bilan provisoire du ministère, 430 personnes ont été tuées.",
                "430",
            ),
            (
                "قالت السفارة إن حصيلة القتلى بلغت 43 شخصاً، في حصيلة غير نهائية.",
                "43",
            ),
            (
                "أعلن الوزير أن الإحصاءات الأولية تشير إلى سقوط 70 قتيلاً.",
                "70",
            ),
            ("Según cifras preliminares, murieron 25 personas.", "25"),
            ("Il bilancio provvisorio è di 12 morti.", "12"),
            ("O balanço provisório aponta 9 mortos.", "9"),
            (
                "At least 40 people were killed, and the toll could rise.",
                "40",
            ),
        ];
        for (text, figure) in cases {
            assert_eq!(stage(text, figure), Some(Stage::Provisional), "{text}");
        }
    }

    #[test]
    fn a_figure_its_report_calls_earlier_is_marked_earlier() {
        let cases = [
            ("Un précédent bilan faisait état de 154 morts.", "154"),
            (
                "Le patron, Kamychine, avait plus tôt évoqué 30 morts.",
                "30",
            ),
            (
                "Las autoridades habían calculado anteriormente unas 30 personas.",
                "30",
            ),
            (
                "وكان الدفاع المدني أفاد في وقت سابق، بأنه سجل 40 قتيلا.",
                "40",
            ),
            ("The toll rose to 158, up from 154.", "154"),
            ("Officials had earlier said 12 service members died.", "12"),
            (
                "In precedenza le autorità avevano parlato di 30 morti.",
                "30",
            ),
            ("O governo tinha inicialmente indicado 20 mortos.", "20"),
        ];
        for (text, figure) in cases {
            assert_eq!(stage(text, figure), Some(Stage::Earlier), "{text}");
        }
    }

    #[test]
    fn the_revised_figure_after_an_earlier_cue_is_current() {
        // the cue stands after the current figure, or a word of the present starts the new count
        assert_eq!(
            stage("The toll rose to 158, up from 154.", "158"),
            Some(Stage::Risen)
        );
        assert_eq!(
            stage(
                "The governor had earlier said 30 but now says 39 died.",
                "39"
            ),
            None
        );
        assert_eq!(
            stage(
                "Le ministère, qui évoquait auparavant 60 disparus, en compte désormais 21.",
                "21"
            ),
            None
        );
    }

    #[test]
    fn an_ordinary_toll_has_no_stage() {
        for (text, figure) in [
            ("Earthquake kills 20,000 in Turkey.", "20,000"),
            ("قتل 237 شخصا على الأقل.", "237"),
            (
                "Le séisme a fait au moins 1.498 morts selon un dernier bilan.",
                "1.498",
            ),
        ] {
            assert_eq!(stage(text, figure), None, "{text}");
        }
    }

    #[test]
    fn a_headline_restating_a_provisional_figure_is_provisional() {
        let text = "Blast kills 70\n\nThe minister said preliminary figures show 70 dead. \
                    Separately, 12 were killed in Tyre.";
        let with_value = |c: ExtractedClaim, value: i64| ExtractedClaim { value, ..c };
        let claims = [
            with_value(at(text, "70"), 70),
            with_value(at_last(text, "70"), 70),
            with_value(at(text, "12"), 12),
        ];
        assert_eq!(
            infer_stages(text, &claims),
            vec![Some(Stage::Provisional), Some(Stage::Provisional), None]
        );
    }

    #[test]
    fn earlier_wins_over_provisional() {
        assert_eq!(
            stage(
                "Un premier bilan provisoire faisait état de 30 morts.",
                "30"
            ),
            Some(Stage::Earlier)
        );
    }

    #[test]
    fn the_count_a_toll_rose_to_is_marked_risen_and_the_figures_after_it_are_not() {
        for (text, figure) in [
            ("The death toll has risen to 158, the ministry said.", "158"),
            ("Le bilan s'est alourdi à 52 morts.", "52"),
            ("El balance ascendió a 39 muertos.", "39"),
            (
                "Il bilancio delle vittime è salito a 20.213 morti.",
                "20.213",
            ),
            ("O número de mortos subiu para 170.", "170"),
            (
                "وارتفع عدد قتلى التفجيرين بين العسكريين الأمريكيين إلى 13 عسكريا.",
                "13",
            ),
        ] {
            assert_eq!(stage(text, figure), Some(Stage::Risen), "{text}");
        }
        let text = "In Turkey, the death toll rose to 20,318 with 80,052 reported injured.";
        let claims = [at(text, "20,318"), at(text, "80,052")];
        assert_eq!(infer_stages(text, &claims), vec![Some(Stage::Risen), None]);
    }
}
