//! Claim extraction: reads an article as pasted (headline first, page chrome included) and
//! returns every figure it gives for how many people or things an event affected, with its
//! qualifier, measure, group, source and the figure it is part of.
//!
//! The engine is language-neutral; languages are data (`lang/*.toml`), and so are the actor
//! groups (`subjects.toml`, loaded into the database and editable there). Pure: no database or
//! web types. Linear in the input: one tokenizer pass, one lexicon lookup per word (with its
//! Arabic clitic readings), then bounded windows around each figure.

mod attribution;
mod doc;
mod engine;
mod lexicon;
mod measures;
mod numbers;
#[cfg(test)]
mod numeral_tables;
mod subjects;
mod text;
mod tokens;

#[cfg(test)]
mod context_tests;
#[cfg(test)]
mod group_tests;
#[cfg(test)]
mod lexicon_tests;
#[cfg(test)]
mod tests;

pub use lexicon::SubjectKind;
pub use subjects::{default_subject_lexicon, SubjectAlias};
pub use text::normalize_alias;

use crate::domain::claim::ExtractedClaim;
use std::sync::LazyLock;

/// The language lexicons compiled once for the process.
pub(crate) static LEXICON: LazyLock<lexicon::Lexicon> =
    LazyLock::new(|| lexicon::Lexicon::build(&lexicon::LANGUAGES));

/// A claim extractor: the language lexicons plus a subject lexicon. Cheap to share (`Send +
/// Sync`); build a new one when the subject lexicon changes.
pub struct Extractor {
    lexicon: &'static lexicon::Lexicon,
    subjects: subjects::SubjectMatcher,
}

impl Extractor {
    /// The default language lexicons and the given subject lexicon.
    pub fn new(subjects: Vec<SubjectAlias>) -> Self {
        Extractor {
            lexicon: &LEXICON,
            subjects: subjects::SubjectMatcher::new(&subjects),
        }
    }

    /// The default language lexicons and the shipped subject lexicon.
    pub fn with_default_lexicons() -> Self {
        Self::new(default_subject_lexicon())
    }

    /// Every claim in `text`, in text order. Never panics; offsets are on char boundaries.
    pub fn extract(&self, text: &str) -> Vec<ExtractedClaim> {
        engine::extract(self.lexicon, &self.subjects, text)
    }

    /// What a claim's subject counts when it is not people: the last word of the subject that
    /// the lexicons name as a vehicle or a building (with the word's stem, so that "cars" and
    /// "vehicles" stay apart while "car" and "cars" meet), or an attacker ("terrorists", stem
    /// empty: all attackers are one kind). `None` for people and for nouns the lexicons don't know.
    pub fn subject_kind(&self, subject: &str) -> Option<(SubjectKind, String)> {
        let folded = text::fold(subject);
        folded
            .split(' ')
            .rev()
            .filter(|w| !w.is_empty())
            .find_map(|w| {
                if let Some(kind) = self.lexicon.thing_kind(w) {
                    return Some((kind, text::stem(w).to_string()));
                }
                matches!(
                    self.lexicon.noun_class(w),
                    Some(lexicon::NounClass::Hostile)
                )
                .then(|| (SubjectKind::Hostile, String::new()))
            })
    }

    /// The country (ISO code, lowercase) a text names first by a demonym or the country's name:
    /// "il ministro della Salute turco" → `tr`, «وزارة الصحة السورية» → `sy`.
    pub fn nation_of(&self, text: &str) -> Option<String> {
        let doc = doc::Doc::new(text, self.lexicon);
        (0..doc.len()).find_map(|i| {
            self.subjects
                .demonyms
                .match_at(&doc, i, true)
                .map(|(n, _, _)| n.code.to_lowercase())
        })
    }

    /// Every number the parser reads in `text` (digits in three scripts, number words, duals,
    /// ranges), claim or not, in text order — the first stage of [`Extractor::extract`].
    pub fn figures(&self, text: &str) -> Vec<Figure> {
        engine::figures(self.lexicon, text)
    }
}

/// A number read in a text: its byte span and value (`value_max` for a range), and whether the
/// filters kept it as a possible claim (dates, ages, distances and page chrome are not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub start: usize,
    pub end: usize,
    pub value: i64,
    pub value_max: Option<i64>,
    pub counted: bool,
}

impl std::fmt::Debug for Extractor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor")
            .field("groups", &self.subjects.groups)
            .finish()
    }
}
