//! Text as the search index sees it: Arabic spelling variants folded, so that a query with or
//! without diacritics, with any alef form or ta marbuta, or with Arabic-Indic digits finds the
//! same words.

/// Folds one character; `None` drops it (diacritics, tatweel).
fn fold_char(c: char) -> Option<char> {
    match c {
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => None,
        'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
        'ة' => Some('ه'),
        'ى' => Some('ي'),
        '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10),
        '۰'..='۹' => char::from_digit(c as u32 - '۰' as u32, 10),
        _ => Some(c),
    }
}

fn is_arabic_letter(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) || ('\u{0671}'..='\u{06D3}').contains(&c)
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

/// Folds spelling variants and lower-cases; punctuation becomes space.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match fold_char(c) {
            Some(c) if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            Some(_) => out.push(' '),
            None => {}
        }
    }
    out
}

/// The document indexed for `text`: every folded word, and for Arabic words also the word
/// without its prefixes ("والقصف" is found by "قصف").
pub fn index_document(text: &str) -> String {
    let folded = fold(text);
    let mut out = String::with_capacity(folded.len() + folded.len() / 4);
    for word in folded.split_whitespace() {
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
