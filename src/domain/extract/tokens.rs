//! Splits a text into words, numbers and punctuation with byte offsets, lines and sentences.

use super::text::{digit_value, fold_char_into, is_arabic_letter, is_arabic_mark};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    Word,
    Num,
    Punct,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
    norm: (u32, u32),
    pub line: u32,
    /// Whitespace (or the start of the text) comes right before the token.
    pub space_before: bool,
    /// A letter follows a number with no space ("1.2K", "20p", "3.40am").
    pub glued: bool,
    /// First token of its line.
    pub line_start: bool,
}

pub(crate) struct Tokens<'a> {
    pub text: &'a str,
    pub toks: Vec<Token>,
    norm: String,
    /// Token index ranges of the sentences, in order.
    pub sents: Vec<Range<usize>>,
}

impl<'a> Tokens<'a> {
    pub fn norm(&self, i: usize) -> &str {
        let (a, b) = self.toks[i].norm;
        &self.norm[a as usize..b as usize]
    }
    pub fn raw(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].start..self.toks[i].end]
    }
    pub fn len(&self) -> usize {
        self.toks.len()
    }
    /// The index of the sentence holding token `i` (sentences are in order).
    pub fn sentence_of(&self, i: usize) -> usize {
        self.sents.partition_point(|r| r.end <= i)
    }
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    if is_arabic_letter(c) || is_arabic_mark(c) {
        return true;
    }
    (c.is_alphabetic() || is_arabic_mark(c) || unicode_normalization::char::is_combining_mark(c))
        && digit_value(c).is_none()
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "no", "vs", "jr", "sr",
    "inc", "corp", "co", "prof", "gov", "sen", "rep", "mt", "ft", "sra", "sr", "m", "mme", "av",
];

/// The length of an initialism at the start of `bytes`: two or more single ASCII letters, each
/// followed by a dot ("U.S.", "U.N.", "E.U."), and no letter right after the last dot.
fn initialism_len(bytes: &[u8]) -> Option<usize> {
    let mut n = 0;
    while bytes.get(n).is_some_and(u8::is_ascii_alphabetic) && bytes.get(n + 1) == Some(&b'.') {
        n += 2;
    }
    (n >= 4 && !bytes.get(n).is_some_and(u8::is_ascii_alphanumeric)).then_some(n)
}

pub(crate) fn tokenize(text: &str) -> Tokens<'_> {
    let bytes = text.as_bytes();
    let mut toks: Vec<Token> = Vec::with_capacity(text.len() / 5 + 1);
    let mut norm = String::with_capacity(text.len());
    let mut sents = Vec::new();
    let mut sent_start = 0usize;
    let mut line = 0u32;
    let mut space = true;
    let mut line_start = true;
    let mut i = 0usize;

    let char_at = |i: usize| text[i..].chars().next();
    macro_rules! end_sentence {
        () => {
            if toks.len() > sent_start {
                sents.push(sent_start..toks.len());
                #[allow(unused_assignments)]
                {
                    sent_start = toks.len();
                }
            }
        };
    }

    while i < text.len() {
        let Some(c) = char_at(i) else { break };
        let cl = c.len_utf8();
        if c.is_whitespace() {
            if c == '\n' {
                end_sentence!();
                line += 1;
                line_start = true;
            }
            space = true;
            i += cl;
            continue;
        }
        let start = i;
        let norm_start = norm.len() as u32;
        let kind;
        let mut glued = false;
        if (bytes[i] == b'h'
            && (text[i..].starts_with("http://") || text[i..].starts_with("https://")))
            || text[i..].starts_with("www.")
        {
            // A URL is skipped whole: nothing in it is a claim.
            while let Some(c) = char_at(i) {
                if c.is_whitespace() {
                    break;
                }
                i += c.len_utf8();
            }
            space = false;
            continue;
        } else if digit_value(c).is_some() {
            i += cl;
            while let Some(d) = char_at(i) {
                if digit_value(d).is_some() {
                    i += d.len_utf8();
                    continue;
                }
                if matches!(d, ',' | '.' | '٬' | '٫' | ':' | '\u{00A0}' | '\u{202F}') {
                    let after = i + d.len_utf8();
                    if char_at(after).and_then(digit_value).is_some() {
                        i = after;
                        continue;
                    }
                }
                break;
            }
            // "F16", "3k" are codes; Arabic script after digits is a missing space ("150حالة").
            glued = char_at(i)
                .is_some_and(|d| d.is_alphabetic() && !('\u{0600}'..='\u{06FF}').contains(&d));
            kind = TokKind::Num;
        } else if let Some(len) = initialism_len(&bytes[i..]) {
            // "U.S.", "U.N.": one word, dots and all, so that it ends no sentence and counts as
            // one word in the windows around a figure
            for ch in text[i..i + len].chars() {
                fold_char_into(ch, &mut norm);
            }
            i += len;
            kind = TokKind::Word;
        } else if is_word_char(c) {
            i += cl;
            while let Some(d) = char_at(i) {
                if is_word_char(d) {
                    i += d.len_utf8();
                    continue;
                }
                if matches!(d, '\'' | '’' | '-' | '\u{2010}' | '\u{2011}') {
                    let after = i + d.len_utf8();
                    if char_at(after).is_some_and(is_word_char) {
                        i = after;
                        continue;
                    }
                }
                break;
            }
            for ch in text[start..i].chars() {
                fold_char_into(ch, &mut norm);
            }
            kind = TokKind::Word;
        } else {
            i += cl;
            norm.push(c);
            kind = TokKind::Punct;
        }
        toks.push(Token {
            start,
            end: i,
            kind,
            norm: (norm_start, norm.len() as u32),
            line,
            space_before: space,
            glued,
            line_start,
        });
        space = false;
        line_start = false;
        if kind == TokKind::Punct && matches!(c, '.' | '!' | '?' | '؟' | ';' | '…' | '|') {
            let is_boundary = c != '.' || {
                let prev_word = toks.len() >= 2
                    && toks[toks.len() - 2].kind == TokKind::Word
                    && !toks[toks.len() - 1].space_before;
                let abbrev = prev_word && {
                    let (a, b) = toks[toks.len() - 2].norm;
                    let w = &norm[a as usize..b as usize];
                    w.chars().count() == 1 || ABBREVIATIONS.contains(&w)
                };
                let next = text[i..].trim_start_matches([' ', '\t']).chars().next();
                let continues =
                    next.is_some_and(|n| n.is_lowercase() || n == ',' || digit_value(n).is_some());
                let lower_next = next.is_some_and(|n| n.is_lowercase());
                !(continues && (abbrev || (prev_word && lower_next)))
            };
            if is_boundary {
                end_sentence!();
            }
        }
    }
    end_sentence!();
    Tokens {
        text,
        toks,
        norm,
        sents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_separators_and_words_keep_hyphens() {
        let t = tokenize("More than 40,000 pro-government fighters; ١٬٢٠٠ قتيل. 3.40am");
        let raws: Vec<&str> = (0..t.len()).map(|i| t.raw(i)).collect();
        assert_eq!(
            raws,
            [
                "More",
                "than",
                "40,000",
                "pro-government",
                "fighters",
                ";",
                "١٬٢٠٠",
                "قتيل",
                ".",
                "3.40",
                "am"
            ]
        );
        assert_eq!(t.sents.len(), 3);
        assert!(t.toks[9].glued);
    }

    #[test]
    fn urls_are_skipped_and_lines_split_sentences() {
        let t = tokenize("see https://x.example/a?b=1 now\nnext line");
        let raws: Vec<&str> = (0..t.len()).map(|i| t.raw(i)).collect();
        assert_eq!(raws, ["see", "now", "next", "line"]);
        assert_eq!(t.toks[2].line, 1);
        assert_eq!(t.sents.len(), 2);
    }

    #[test]
    fn an_initialism_is_one_word_and_ends_no_sentence() {
        let t = tokenize("13 U.S. Service Members killed. Officials said so.");
        let raws: Vec<&str> = (0..t.len()).map(|i| t.raw(i)).collect();
        assert_eq!(raws[..5], ["13", "U.S.", "Service", "Members", "killed"]);
        assert_eq!(t.sents.len(), 2, "{raws:?}");
        // a single initial is not one
        let t = tokenize("A. Smith said so.");
        assert_eq!(t.raw(0), "A");
    }
}
