//! Text as the search index sees it: Arabic spelling variants folded, so that a query with or
//! without diacritics, with any alef form or ta marbuta, or with Arabic-Indic digits finds the
//! same words.

use std::sync::OnceLock;

use crate::domain::arabic::{self, is_letter as is_arabic_letter};

/// Folds one character (see [`crate::domain::arabic`]); `None` drops it (diacritics, tatweel).
fn fold_char(c: char) -> Option<char> {
    if arabic::is_mark(c) {
        return None;
    }
    Some(
        arabic::base_letter(c)
            .or_else(|| arabic::ascii_digit(c))
            .unwrap_or(c),
    )
}

/// Prefixes (conjunction, preposition, article) an Arabic word may carry, longest first.
const ARABIC_PREFIXES: &[&str] = &[
    "وبال", "وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ف", "ل",
];

/// The word without its leading clitics, when what is left is still a word (3+ letters).
fn strip_arabic_prefix(word: &str) -> Option<&str> {
    ARABIC_PREFIXES.iter().find_map(|p| {
        let rest = word.strip_prefix(p)?;
        (rest.chars().count() >= 3).then_some(rest)
    })
}

/// What one character becomes in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folded {
    Drop,
    Space,
    Lower([char; 3], u8),
}

fn fold_one_slow(c: char) -> Folded {
    match fold_char(c) {
        Some(c) if c.is_alphanumeric() => {
            let mut buf = ['\0'; 3];
            let mut n = 0u8;
            for l in c.to_lowercase() {
                buf[n as usize] = l;
                n += 1;
            }
            Folded::Lower(buf, n)
        }
        Some(_) => Folded::Space,
        None => Folded::Drop,
    }
}

/// Characters below this code point (Latin, Greek, Cyrillic, Hebrew, Arabic) fold through a
/// table built once.
const TABLE_END: u32 = 0x0800;

fn table() -> &'static [Folded] {
    static TABLE: OnceLock<Vec<Folded>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..TABLE_END)
            .map(|u| char::from_u32(u).map_or(Folded::Space, fold_one_slow))
            .collect()
    })
}

/// Folds spelling variants and lower-cases; punctuation becomes space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let table = table();
    for c in text.chars() {
        if c.is_ascii() {
            out.push(if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            });
            continue;
        }
        let f = if (c as u32) < TABLE_END {
            table[c as usize]
        } else {
            fold_one_slow(c)
        };
        match f {
            Folded::Lower([l, _, _], 1) => out.push(l),
            Folded::Lower(buf, n) => out.extend(&buf[..n as usize]),
            Folded::Space => out.push(' '),
            Folded::Drop => {}
        }
    }
    out
}

/// The document indexed for `text`: every folded word, and for Arabic words also the word
/// without its prefixes ("والقصف" is found by "قصف").
pub fn index_document(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len() + folded.len() / 4);
    // folded text separates words by ASCII spaces only
    for word in folded.split(' ').filter(|w| !w.is_empty()) {
        out.push_str(word);
        out.push(' ');
        if word.chars().next().is_some_and(is_arabic_letter) {
            if let Some(stem) = strip_arabic_prefix(word) {
                out.push_str(stem);
                out.push(' ');
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// The words of a query, folded, Arabic ones without prefixes (which the index also holds).
pub fn query_terms(query: &str) -> Vec<String> {
    fold(query)
        .split_whitespace()
        .map(|w| {
            if w.chars().next().is_some_and(is_arabic_letter) {
                strip_arabic_prefix(w).unwrap_or(w).to_string()
            } else {
                w.to_string()
            }
        })
        .take(32)
        .collect()
}

/// English words too common to index (PostgreSQL's `english` stop list, from Snowball).
const ENGLISH_STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "did",
    "do",
    "does",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "s",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// PostgreSQL's limits: positions above this are stored as this; a lexeme keeps at most
/// `MAX_POSITIONS` of them.
const MAX_POSITION: usize = 16_383;
const MAX_POSITIONS: usize = 256;
/// Longer "words" (a pasted hash, a URL run together) are not worth indexing.
const MAX_LEXEME_BYTES: usize = 200;

/// The index form of one folded word: English words stemmed (Snowball English, as PostgreSQL's
/// `english` configuration does), stop words dropped (`None`), other words as they are.
pub fn lexeme(word: &str) -> Option<String> {
    if word.is_empty() || word.len() > MAX_LEXEME_BYTES {
        return None;
    }
    if word.bytes().all(|b| b.is_ascii_lowercase()) {
        if ENGLISH_STOP_WORDS.binary_search(&word).is_ok() {
            return None;
        }
        return Some(english_stemmer().stem(word).into_owned());
    }
    Some(word.to_string())
}

fn english_stemmer() -> &'static rust_stemmers::Stemmer {
    static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

/// The `tsvector` of a text, in PostgreSQL's input syntax (`'lexeme':1,5 'other':2`): built
/// here rather than by `to_tsvector`, whose parser was most of the cost of storing an article,
/// and so that the index and the queries ([`tsquery`]) share one tokenizer by construction.
/// Words are those of [`index_document`] (Arabic ones also without their prefixes).
pub fn tsvector(text: &str) -> String {
    let document = index_document(text);
    let mut lexemes: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, word) in document.split(' ').enumerate() {
        if let Some(lexeme) = lexeme(word) {
            let positions = lexemes.entry(lexeme).or_default();
            if positions.len() < MAX_POSITIONS {
                positions.push((i + 1).min(MAX_POSITION));
            }
        }
    }
    let mut out = String::with_capacity(document.len() + lexemes.len() * 6);
    for (lexeme, positions) in &lexemes {
        if !out.is_empty() {
            out.push(' ');
        }
        // Folded words hold only letters and digits, but quote defensively all the same.
        out.push('\'');
        for c in lexeme.chars() {
            if c == '\'' || c == '\\' {
                out.push(c);
            }
            out.push(c);
        }
        out.push_str("':");
        let mut last = 0;
        for (n, p) in positions.iter().enumerate() {
            // PostgreSQL drops duplicate positions; capped ones would repeat MAX_POSITION.
            if *p == last {
                continue;
            }
            if n > 0 {
                out.push(',');
            }
            out.push_str(&p.to_string());
            last = *p;
        }
    }
    out
}

/// The `tsquery` (PostgreSQL input syntax) for folded query terms: every term must occur, as a
/// prefix of an indexed lexeme. `None` when no term is left (only stop words).
pub fn tsquery(terms: &[String]) -> Option<String> {
    let parts: Vec<String> = terms
        .iter()
        .filter_map(|t| lexeme(t))
        .map(|l| format!("'{}':*", l.replace('\'', "''").replace('\\', "\\\\")))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" & "))
}

/// The first stretch of `text` around a word matching one of `terms` (by folded prefix), as
/// (before, match, after), each a slice of the original text.
pub fn snippet<'a>(
    text: &'a str,
    terms: &[String],
    radius: usize,
) -> Option<(&'a str, &'a str, &'a str)> {
    let mut word_start: Option<usize> = None;
    let mut found: Option<(usize, usize)> = None;
    let check = |start: usize, end: usize| {
        let folded = fold(&text[start..end]);
        let folded = folded.trim();
        let stem = if folded.chars().next().is_some_and(is_arabic_letter) {
            strip_arabic_prefix(folded).unwrap_or(folded)
        } else {
            folded
        };
        terms.iter().any(|t| {
            !t.is_empty()
                && (stem.starts_with(t.as_str())
                    || folded.starts_with(t.as_str())
                    || t.starts_with(stem) && stem.chars().count() >= 4)
        })
    };
    for (i, c) in text.char_indices() {
        let is_word = c.is_alphanumeric() || fold_char(c).is_none();
        match (is_word, word_start) {
            (true, None) => word_start = Some(i),
            (false, Some(s)) => {
                if check(s, i) {
                    found = Some((s, i));
                    break;
                }
                word_start = None;
            }
            _ => {}
        }
    }
    if found.is_none() {
        if let Some(s) = word_start {
            if check(s, text.len()) {
                found = Some((s, text.len()));
            }
        }
    }
    let (s, e) = found?;
    let mut from = s.saturating_sub(radius);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (e + radius).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    Some((&text[from..s], &text[s..e], &text[e..to]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(ENGLISH_STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn tsvector_stems_english_drops_stop_words_and_keeps_arabic_with_and_without_prefixes() {
        let v = tsvector("The shelling killed 12 civilians; والقصف أدّى إلى مقتل");
        assert!(v.contains("'kill':3"), "{v}");
        assert!(v.contains("'civilian':5"), "{v}");
        assert!(v.contains("'12':4"), "{v}");
        assert!(!v.contains("'the'"), "{v}");
        assert!(v.contains("'والقصف':6"), "{v}");
        assert!(v.contains("'قصف':7"), "{v}");
        assert!(v.contains("'ادي'"), "{v}");
    }

    #[test]
    fn tsvector_lists_each_lexeme_once_with_its_positions() {
        assert_eq!(tsvector("killed, killing; kills"), "'kill':1,2,3");
        assert_eq!(tsvector(""), "");
        let long = "word ".repeat(20_000);
        let v = tsvector(&long);
        assert_eq!(v.matches(',').count(), MAX_POSITIONS - 1);
    }

    #[test]
    fn tsquery_stems_like_the_index_and_needs_every_term() {
        let terms = query_terms("Killed the Civilians");
        assert_eq!(tsquery(&terms).unwrap(), "'kill':* & 'civilian':*");
        assert_eq!(tsquery(&query_terms("the of")), None);
        assert_eq!(tsquery(&query_terms("بالقصف")).unwrap(), "'قصف':*");
    }

    #[test]
    fn diacritics_alef_forms_ta_marbuta_and_digits_fold_alike() {
        let cases = [
            ("قُتِلَ", "قتل"),
            ("إصابة", "اصابه"),
            ("آلاف", "الاف"),
            ("مستشفى", "مستشفي"),
            ("الـقصف", "القصف"),
            ("١٥", "15"),
            ("Killed, 15", "killed 15"),
        ];
        for (input, want) in cases {
            assert_eq!(
                fold(input).split_whitespace().collect::<Vec<_>>().join(" "),
                want,
                "input {input}"
            );
        }
    }

    #[test]
    fn table_folding_equals_folding_each_character() {
        let slow = |t: &str| -> String {
            let mut out = String::new();
            for c in t.chars() {
                match fold_char(c) {
                    Some(c) if c.is_alphanumeric() => out.extend(c.to_lowercase()),
                    Some(_) => out.push(' '),
                    None => {}
                }
            }
            out
        };
        for t in [
            "Killed, 15 — Déir ez-Zôr; İstanbul ΣΑΣ Москва",
            "قُتِلَ ١٥ شخصاً في الـقصف على إدلب ۰۹ آلاف مستشفى ٱ",
            "mixed ﷲ ½ ｆｕｌｌ 日本語 \u{200c}\u{a0}",
        ] {
            assert_eq!(fold(t), slow(t), "{t:?}");
        }
        for u in (0..0x3000).chain(0xfb00..0x10000) {
            if let Some(c) = char::from_u32(u) {
                let t = format!("a{c}b");
                assert_eq!(fold(&t), slow(&t), "U+{u:04X}");
            }
        }
    }

    #[test]
    fn arabic_words_are_indexed_with_and_without_their_prefixes() {
        let doc = index_document("والقصفُ على المدينة");
        assert!(doc.split(' ').any(|w| w == "والقصف"));
        assert!(doc.split(' ').any(|w| w == "قصف"));
        assert!(doc.split(' ').any(|w| w == "مدينه"));
    }

    #[test]
    fn a_query_is_folded_the_same_way() {
        assert_eq!(query_terms("القَصْف  Killed"), vec!["قصف", "killed"]);
        assert_eq!(query_terms("بِغارة"), vec!["غاره"]);
    }

    #[test]
    fn a_snippet_marks_the_original_word_with_its_diacritics() {
        let text = "قال المرصد إنّ القصفَ أسفر عن مقتل 15 مدنياً";
        let (before, hit, after) = snippet(text, &query_terms("القصف"), 20).unwrap();
        assert_eq!(hit, "القصفَ");
        assert!(before.ends_with("إنّ "));
        assert!(after.starts_with(" أسفر"));
        assert!(snippet("nothing here", &query_terms("flood"), 5).is_none());
    }

    #[test]
    fn english_snippets_match_inflected_words_by_prefix() {
        let (_, hit, _) = snippet("Nine people were killed.", &query_terms("kill"), 10).unwrap();
        assert_eq!(hit, "killed");
    }
}
