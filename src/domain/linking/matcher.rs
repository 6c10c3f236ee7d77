//! Whole-word phrase matching over folded text (see [`super::normalize::fold`]), with Arabic
//! proclitics (و ف ب ل ك, and لل for an alias that starts with the article) allowed before a match.

use super::normalize::{fold, is_arabic_text, valid_clitic_prefix};
use aho_corasick::{AhoCorasick, MatchKind};

/// Matching options for one matcher.
#[derive(Debug, Clone, Copy, Default)]
pub struct MatchOptions {
    /// Allow a definite article between proclitics and an Arabic match (common nouns: الغارة).
    pub arabic_article: bool,
    /// Allow an Arabic match to be followed by more letters of the same word (غارة → غارات).
    pub arabic_suffix: bool,
}

#[derive(Debug, Clone)]
struct Pattern {
    payload: usize,
    arabic: bool,
    article_dropped: bool,
}

/// A set of folded phrases, each carrying a payload index.
#[derive(Debug, Clone)]
pub struct PhraseMatcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    options: MatchOptions,
}

/// One accepted match: byte range in the folded text and the payload of its phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    pub start: usize,
    pub end: usize,
    pub payload: usize,
}

impl PhraseMatcher {
    /// Builds a matcher; phrases are folded here, empty ones are skipped.
    pub fn new<'a>(
        phrases: impl IntoIterator<Item = (&'a str, usize)>,
        options: MatchOptions,
    ) -> Self {
        let mut texts: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        for (phrase, payload) in phrases {
            let f = fold(phrase);
            if f.is_empty() {
                continue;
            }
            let arabic = is_arabic_text(&f);
            if arabic {
                if let Some(rest) = f.strip_prefix("ال") {
                    if rest.chars().count() >= 2 {
                        texts.push(rest.to_string());
                        patterns.push(Pattern {
                            payload,
                            arabic,
                            article_dropped: true,
                        });
                    }
                }
            }
            texts.push(f);
            patterns.push(Pattern {
                payload,
                arabic,
                article_dropped: false,
            });
        }
        let ac = if texts.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&texts)
                .ok()
        };
        PhraseMatcher {
            ac,
            patterns,
            options,
        }
    }

    /// Finds non-overlapping whole-word matches in already folded text, longest first.
    pub fn find_folded(&self, folded: &str) -> Vec<PhraseMatch> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut padded = String::with_capacity(folded.len() + 2);
        padded.push(' ');
        padded.push_str(folded);
        padded.push(' ');
        let bytes = padded.as_bytes();
        let mut found: Vec<PhraseMatch> = Vec::new();
        for m in ac.find_overlapping_iter(&padded) {
            let pat = &self.patterns[m.pattern().as_usize()];
            let (s, mut e) = (m.start(), m.end());
            // end boundary
            if bytes.get(e) != Some(&b' ') {
                if !(pat.arabic && self.options.arabic_suffix) {
                    continue;
                }
                match padded[e..].find(' ') {
                    Some(off) if off <= 8 => e += off,
                    _ => continue,
                }
            }
            // start boundary
            let word_start = padded[..s].rfind(' ').map_or(0, |i| i + 1);
            let prefix = &padded[word_start..s];
            let ok = if prefix.is_empty() {
                !pat.article_dropped
            } else {
                pat.arabic
                    && valid_clitic_prefix(prefix, pat.article_dropped, self.options.arabic_article)
            };
            if !ok {
                continue;
            }
            found.push(PhraseMatch {
                start: word_start.saturating_sub(1),
                end: e - 1,
                payload: pat.payload,
            });
        }
        found.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(a.start.cmp(&b.start))
        });
        let mut kept: Vec<PhraseMatch> = Vec::new();
        for m in found {
            if kept.iter().all(|k| m.end <= k.start || m.start >= k.end) {
                kept.push(m);
            }
        }
        kept.sort_by_key(|m| m.start);
        kept
    }

    /// Folds `text` and finds its matches.
    pub fn find(&self, text: &str) -> Vec<PhraseMatch> {
        self.find_folded(&fold(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_whole_word_match_wins() {
        let m = PhraseMatcher::new(
            [("Idlib", 0), ("city of Idlib", 1), ("Kafr Nabil", 2)],
            MatchOptions::default(),
        );
        let got: Vec<usize> = m
            .find("south of the city of Idlib, near Kafr Nabil")
            .iter()
            .map(|x| x.payload)
            .collect();
        assert_eq!(got, vec![1, 2]);
        assert!(m.find("Idlibian").is_empty());
    }

    #[test]
    fn arabic_clitics_and_dropped_article_are_accepted() {
        let m = PhraseMatcher::new(
            [("الميادين", 0), ("دير الزور", 1), ("بيروت", 2)],
            MatchOptions::default(),
        );
        let got: Vec<usize> = m
            .find("للميادين وبدير الزور وبيروت")
            .iter()
            .map(|x| x.payload)
            .collect();
        assert_eq!(got, vec![0, 1, 2]);
        assert!(m.find("تبيروت").is_empty());
    }

    #[test]
    fn common_nouns_take_article_and_suffixes_when_allowed() {
        let opts = MatchOptions {
            arabic_article: true,
            arabic_suffix: true,
        };
        let m = PhraseMatcher::new([("غارة", 0), ("هجوم", 1)], opts);
        assert_eq!(m.find("بالغارة").len(), 1);
        assert_eq!(m.find("هجومهم").len(), 1);
        let strict = PhraseMatcher::new([("هجوم", 1)], MatchOptions::default());
        assert!(strict.find("هجومهم").is_empty());
    }
}
