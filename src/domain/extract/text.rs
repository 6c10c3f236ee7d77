//! Character folding shared by the tokenizer, the lexicons and the subject matcher.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// A small, fast, non-cryptographic hasher for the lexicon maps (keys are short words).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(buf))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

pub(crate) use crate::domain::arabic::{
    digit_value, is_letter as is_arabic_letter, is_mark as is_arabic_mark,
};

/// Appends the folded form of `c`: lower case, no diacritics, one alef, ta marbuta as ha,
/// alef maqsura as ya, typographic apostrophes as `'`.
pub(crate) fn fold_char_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if let Some(base) = crate::domain::arabic::base_letter(c) {
        out.push(base);
        return;
    }
    match c {
        '’' | '‘' | 'ʼ' | '`' => out.push('\''),
        '\u{2010}' | '\u{2011}' => out.push('-'),
        _ if is_arabic_letter(c) => out.push(c),
        _ if is_arabic_mark(c) || is_combining_mark(c) => {}
        _ => {
            let mut pushed = false;
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    for l in d.to_lowercase() {
                        out.push(l);
                    }
                    pushed = true;
                }
            });
            if !pushed {
                out.extend(c.to_lowercase());
            }
        }
    }
}

pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char_into(c, &mut out);
    }
    out
}

fn strip_prefix_chars<'a>(s: &'a str, set: &[char]) -> Option<&'a str> {
    let c = s.chars().next()?;
    if set.contains(&c) {
        let rest = &s[c.len_utf8()..];
        if rest.chars().count() >= 2 {
            return Some(rest);
        }
    }
    None
}

/// Readings of a folded Arabic word with its attached clitics removed: the word itself, without
/// a conjunction (و، ف), without a preposition (ب، ل، ك) and without both. The flag says a
/// conjunction was removed.
pub(crate) fn clitic_variants(w: &str, out: &mut Vec<(usize, bool)>) {
    out.clear();
    out.push((0, false));
    if !w.chars().next().is_some_and(is_arabic_letter) {
        return;
    }
    const CONJ: [char; 2] = ['و', 'ف'];
    const PREP: [char; 3] = ['ب', 'ل', 'ك'];
    if let Some(r) = strip_prefix_chars(w, &CONJ) {
        out.push((w.len() - r.len(), true));
        if let Some(r2) = strip_prefix_chars(r, &PREP) {
            out.push((w.len() - r2.len(), true));
        }
    }
    if let Some(r) = strip_prefix_chars(w, &PREP) {
        out.push((w.len() - r.len(), false));
    }
    // The definite article, alone or after those clitics ("الإصابات", "والجرحى", "بالقتلى";
    // "لل" is li + al): lexicon entries are listed without it. Only words of three letters or
    // more remain, so "الى" stays itself.
    let n = out.len();
    for v in 0..n {
        let (off, conj) = out[v];
        let rest = &w[off..];
        let stripped = rest.strip_prefix("ال").or_else(|| {
            (off > 0 && rest.starts_with('ل'))
                .then(|| rest.strip_prefix("ل"))
                .flatten()
        });
        if let Some(r) = stripped {
            if r.chars().count() >= 3 && !out.contains(&(w.len() - r.len(), conj)) {
                out.push((w.len() - r.len(), conj));
            }
        }
    }
}

/// Light stem of a folded word used to match subject aliases and noun classes: no definite
/// article, no accusative alef, no sound plural or dual ending; English and Romance plurals
/// lose their `s`.
pub(crate) fn stem(w: &str) -> &str {
    let mut s = w;
    if s.chars().next().is_some_and(is_arabic_letter) {
        for art in ["وال", "فال", "بال", "كال", "لل", "ال"] {
            if let Some(r) = s.strip_prefix(art) {
                if r.chars().count() >= 2 {
                    s = r;
                    break;
                }
            }
        }
        let n = s.chars().count();
        if n >= 4 && s.ends_with('ا') {
            s = &s[..s.len() - 'ا'.len_utf8()];
        }
        let n = s.chars().count();
        if n >= 5 {
            for suf in ["ين", "ون", "ان", "ات"] {
                if let Some(r) = s.strip_suffix(suf) {
                    return r;
                }
            }
        }
        return s;
    }
    if let Some(r) = s.strip_suffix("'s") {
        s = r;
    }
    let n = s.len();
    if n > 3 && s.ends_with('s') && !s.ends_with("ss") {
        s = &s[..n - 1];
    }
    s
}

/// The normalisation used to match subject aliases: folded, each word stemmed, words joined
/// by one space.
pub fn normalize_alias(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    for w in folded.split(|c: char| {
        c.is_whitespace() || matches!(c, '(' | ')' | ',' | '،' | '"' | '«' | '»' | '“' | '”')
    }) {
        let w = w.trim_matches(|c: char| c == '.' || c == ':');
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(stem(w));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_normalise_diacritics_alef_article_and_plural() {
        let cases = [
            ("المدنيين", "مدني", "definite plural"),
            ("مدنياً", "مدني", "accusative tanween"),
            ("الإرهابيين", "ارهابي", "hamza alef and article"),
            ("قوات النظام", "قوات نظام", "phrase"),
            ("طفلان", "طفل", "dual"),
            ("Civilians", "civilian", "english plural"),
            ("Iraq's", "iraq", "possessive"),
            ("niños", "nino", "accent"),
        ];
        for (input, want, why) in cases {
            assert_eq!(normalize_alias(input), want, "{why}");
        }
    }

    #[test]
    fn clitics_are_peeled_in_order() {
        let mut v = Vec::new();
        clitic_variants("وبحسب", &mut v);
        let forms: Vec<&str> = v.iter().map(|(o, _)| &"وبحسب"[*o..]).collect();
        assert!(forms.contains(&"بحسب") && forms.contains(&"حسب"));
    }
}
