//! Text folding shared by the gazetteer, the source directory and the date reader.
//!
//! `fold` lowers case, strips diacritics and Arabic vowel marks, unifies alef forms (أ إ آ ٱ → ا),
//! ى → ي, ة → ه, ؤ → و, ئ → ي, maps Arabic-Indic digits to ASCII, removes tatweel, and turns
//! every other non-alphanumeric character into a single space. The result is a sequence of
//! words separated by single spaces, without leading or trailing space.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds text for matching (see the module docs).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkd() {
        if is_combining_mark(c)
            || c == '\u{0640}'
            || c == '\u{200c}'
            || c == '\u{200d}'
            || c == '\u{200f}'
        {
            continue;
        }
        let mapped = match c {
            'ٱ' => 'ا',
            'ى' => 'ي',
            'ة' => 'ه',
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            _ => c,
        };
        if mapped.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for l in mapped.to_lowercase() {
                out.push(l);
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// True for letters of the Arabic block.
pub fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06ff}').contains(&c) || ('\u{0750}'..='\u{077f}').contains(&c)
}

/// True when the folded word or phrase is written in Arabic script.
pub fn is_arabic_text(s: &str) -> bool {
    s.chars().any(is_arabic)
}

/// Arabic proclitics that may be glued to a word: wa-, fa-, bi-, li-, ka-.
const CLITICS: [char; 5] = ['و', 'ف', 'ب', 'ل', 'ك'];

/// Whether `prefix` (the letters glued before a match inside one word) is a valid run of Arabic
/// proclitics. `article_dropped` says the matched alias lost its leading "ال" (as in لل+ميادين),
/// so the prefix must end in the lam that remains of the article. `allow_article` lets a
/// definite article "ال" stand between the clitics and the match (used for common nouns).
pub fn valid_clitic_prefix(prefix: &str, article_dropped: bool, allow_article: bool) -> bool {
    if prefix.is_empty() {
        return !article_dropped;
    }
    let chars: Vec<char> = prefix.chars().collect();
    if article_dropped {
        // [و|ف]? ل ل   (the second lam is the article's)
        let n = chars.len();
        return n >= 2
            && chars[n - 1] == 'ل'
            && chars[n - 2] == 'ل'
            && chars[..n - 2].iter().all(|c| *c == 'و' || *c == 'ف')
            && n <= 3;
    }
    let mut body: &[char] = &chars;
    if allow_article {
        let n = body.len();
        if n >= 2 && body[n - 2] == 'ا' && body[n - 1] == 'ل' {
            body = &body[..n - 2];
        } else if n >= 2 && body[n - 2] == 'ل' && body[n - 1] == 'ل' {
            body = &body[..n - 1];
        }
    }
    body.len() <= 2 && body.iter().all(|c| CLITICS.contains(c))
}

/// Strips a leading Arabic definite article from one folded word when what remains is long
/// enough to be a word of its own.
pub fn strip_arabic_article(word: &str) -> &str {
    match word.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 2 => rest,
        _ => word,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_unifies_alef_forms_and_ta_marbuta() {
        assert_eq!(
            fold("المرصد السوري لحقوق الإنسان"),
            "المرصد السوري لحقوق الانسان"
        );
        assert_eq!(fold("حماة"), "حماه");
        assert_eq!(fold("مُستشفى"), "مستشفي");
        assert_eq!(fold("٢٣ شخصاً"), "23 شخصا");
    }

    #[test]
    fn folding_strips_latin_diacritics_and_punctuation() {
        assert_eq!(
            fold("L'Observatoire syrien (OSDH) — Idleb"),
            "l observatoire syrien osdh idleb"
        );
        assert_eq!(fold("Deir ez-Zor"), "deir ez zor");
        assert_eq!(fold("Beyrouth, 18 mars"), "beyrouth 18 mars");
    }

    #[test]
    fn clitic_prefixes_are_recognised() {
        assert!(valid_clitic_prefix("", false, false));
        assert!(valid_clitic_prefix("و", false, false));
        assert!(valid_clitic_prefix("وب", false, false));
        assert!(!valid_clitic_prefix("ت", false, false));
        assert!(valid_clitic_prefix("لل", true, false));
        assert!(valid_clitic_prefix("ولل", true, false));
        assert!(!valid_clitic_prefix("ل", true, false));
        assert!(valid_clitic_prefix("وال", false, true));
        assert!(!valid_clitic_prefix("وال", false, false));
    }
}
