//! Text folding shared by the gazetteer, the source directory and the date reader.
//!
//! `fold` lowers case, strips diacritics and Arabic vowel marks, unifies alef forms (أ إ آ ٱ → ا),
//! ى → ي, ة → ه, ؤ → و, ئ → ي, maps Arabic-Indic digits to ASCII, removes tatweel, and turns
//! every other non-alphanumeric character into a single space. The result is a sequence of
//! words separated by single spaces, without leading or trailing space.

use std::sync::OnceLock;
use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// What one input character contributes to the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CharFold {
    /// Nothing (a combining mark, tatweel, a joiner or direction mark).
    Drop,
    /// A word break.
    Sep,
    /// One letter or digit (already lower-cased).
    One(char),
    /// Letters or digits (already lower-cased), possibly followed by more pieces of the
    /// compatibility decomposition (e.g. "ﷲ", "½").
    Pieces(Box<[Piece]>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Sep,
    Chars([char; 3], u8),
}

/// The mapping applied to each character of the NFKD decomposition.
fn fold_decomposed(c: char, pieces: &mut Vec<Piece>) {
    if is_combining_mark(c) || matches!(c, '\u{0640}' | '\u{200c}' | '\u{200d}' | '\u{200f}') {
        return;
    }
    let mapped = crate::domain::arabic::base_letter(c)
        .or_else(|| crate::domain::arabic::ascii_digit(c))
        .unwrap_or(c);
    if mapped.is_alphanumeric() {
        let mut buf = ['\0'; 3];
        let mut n = 0u8;
        for l in mapped.to_lowercase() {
            buf[n as usize] = l;
            n += 1;
        }
        pieces.push(Piece::Chars(buf, n));
    } else {
        pieces.push(Piece::Sep);
    }
}

/// How one character folds, computed through its compatibility decomposition (NFKD is
/// applied character by character; canonical reordering only moves combining marks, which
/// are dropped, so folding character by character equals folding the NFKD of the whole text).
fn fold_char_slow(c: char) -> CharFold {
    let mut pieces = Vec::new();
    decompose_compatible(c, |d| fold_decomposed(d, &mut pieces));
    if pieces.is_empty() {
        CharFold::Drop
    } else if pieces == [Piece::Sep] {
        CharFold::Sep
    } else if let [Piece::Chars([c, _, _], 1)] = pieces[..] {
        CharFold::One(c)
    } else {
        CharFold::Pieces(pieces.into_boxed_slice())
    }
}

/// Characters below this code point (ASCII, Latin, Greek, Cyrillic, Hebrew, Arabic and the
/// Arabic supplement) fold through a table built once.
const TABLE_END: u32 = 0x0800;

fn table() -> &'static [CharFold] {
    static TABLE: OnceLock<Vec<CharFold>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..TABLE_END)
            .map(|u| char::from_u32(u).map_or(CharFold::Sep, fold_char_slow))
            .collect()
    })
}

/// General punctuation (dashes, quotes, joiners, direction marks) also folds through a table.
const PUNCTUATION_START: u32 = 0x2000;
const PUNCTUATION_END: u32 = 0x2070;

fn punctuation_table() -> &'static [CharFold] {
    static TABLE: OnceLock<Vec<CharFold>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (PUNCTUATION_START..PUNCTUATION_END)
            .map(|u| char::from_u32(u).map_or(CharFold::Sep, fold_char_slow))
            .collect()
    })
}

struct Folder {
    out: String,
    pending_space: bool,
}

impl Folder {
    #[inline]
    fn sep(&mut self) {
        self.pending_space = true;
    }

    #[inline]
    fn open_word(&mut self) {
        if self.pending_space && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.pending_space = false;
    }

    #[inline(always)]
    fn apply(&mut self, f: &CharFold) {
        match f {
            CharFold::Drop => {}
            CharFold::Sep => self.sep(),
            CharFold::One(c) => {
                self.open_word();
                self.out.push(*c);
            }
            CharFold::Pieces(pieces) => {
                for p in pieces.iter() {
                    match p {
                        Piece::Sep => self.sep(),
                        Piece::Chars(buf, n) => {
                            self.open_word();
                            for &l in &buf[..*n as usize] {
                                self.out.push(l);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Folds text for matching (see the module docs).
pub fn fold(text: &str) -> String {
    let mut f = Folder {
        out: String::with_capacity(text.len()),
        pending_space: false,
    };
    let table = table();
    let punctuation = punctuation_table();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            // a run of ASCII letters and digits is copied, then lower-cased in place
            let run = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len(), |n| i + n);
            f.open_word();
            let from = f.out.len();
            f.out.push_str(&text[i..run]);
            f.out[from..].make_ascii_lowercase();
            i = run;
        } else if b < 0x80 {
            f.sep();
            i += 1;
        } else if (0xc2..0xe0).contains(&b) {
            // two-byte sequences are exactly the code points 0x80..0x800, all in the table
            let u = (u32::from(b & 0x1f) << 6) | u32::from(bytes[i + 1] & 0x3f);
            f.apply(&table[u as usize]);
            i += 2;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            match (c as u32).checked_sub(PUNCTUATION_START) {
                Some(k) if (k as usize) < punctuation.len() => f.apply(&punctuation[k as usize]),
                _ => f.apply(&fold_char_slow(c)),
            }
            i += c.len_utf8();
        }
    }
    f.out
}

/// The reference folding: NFKD over the whole text, then the character mapping.
#[cfg(test)]
fn fold_nfkd(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut pieces = Vec::new();
    for c in text.nfkd() {
        fold_decomposed(c, &mut pieces);
    }
    let mut f = Folder {
        out: String::new(),
        pending_space: false,
    };
    f.apply(&CharFold::Pieces(pieces.into_boxed_slice()));
    f.out
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
    fn fast_folding_equals_the_nfkd_folding() {
        let cases = [
            "",
            "   ",
            "Plain ASCII, with punctuation: 12-3 (x) & Y_z!",
            "المرصد السوري لحقوق الإنسان",
            "إدلب أإآٱ ى ة ؤ ئ ٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹ مُستشفى الـقصف شخصاً",
            "\u{0675}\u{0676}\u{0677}\u{0678} ۀ ۂ ۓ ، ؛ ؟ ٪ ٫ ٬ ۔ \u{200c}\u{200d}\u{200f}\u{200e}",
            "L'Observatoire syrien (OSDH) — Idleb, Déir ez-Zôr; Kafr Nabil",
            "a unos 35 kilómetros; São Paulo; Çà et là; Straße; Œuvre; ǅ ǈ ǋ; İstanbul",
            "ﷲ ﻻ ﻷ ﺍﻟﻤﺮﺻﺪ ½ ² ™ ﬁ ｆｕｌｌ ①",
            "Ἀθῆναι Москва́ עִבְרִית ܣܘܪܝܝܐ ޓާނަ 한국어 日本語 ΣΑΣ",
            "mixed: قُتل 15 civils à Idleb ٢٣ شخصاً — e\u{0301} a\u{0308}\u{0323}",
            "\u{0301}leading mark, tab\tnew\nline\r\u{a0}nbsp\u{2009}thin",
        ];
        for s in cases {
            assert_eq!(fold(s), fold_nfkd(s), "{s:?}");
        }
        // folding character by character is sound: every character that canonical reordering
        // can move is a combining mark, which folding drops
        for u in 0..=0x10ffff {
            if let Some(c) = char::from_u32(u) {
                if unicode_normalization::char::canonical_combining_class(c) != 0 {
                    assert!(is_combining_mark(c), "U+{u:04X}");
                }
            }
        }
        // every character on its own, and after a letter
        for u in (0..0x3400).chain(0xa000..0x11000) {
            let Some(c) = char::from_u32(u) else {
                continue;
            };
            let s = format!("a{c}b {c}");
            assert_eq!(fold(&s), fold_nfkd(&s), "U+{u:04X}");
        }
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
