//! A tokenized text with every lexicon match found once, in one pass.

use super::lexicon::{Kind, Lexicon, Match};
use super::tokens::{tokenize, TokKind, Tokens};

pub(crate) struct Doc<'a> {
    pub t: Tokens<'a>,
    starts: Vec<u32>,
    matches: Vec<Match>,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, lx: &Lexicon) -> Self {
        let t = tokenize(text);
        let mut starts = Vec::with_capacity(t.len() + 1);
        let mut matches = Vec::with_capacity(t.len() / 2);
        let mut variants = Vec::with_capacity(6);
        for i in 0..t.len() {
            starts.push(matches.len() as u32);
            lx.matches_at(&t, i, &mut variants, &mut matches);
        }
        starts.push(matches.len() as u32);
        Doc { t, starts, matches }
    }

    pub fn len(&self) -> usize {
        self.t.len()
    }

    /// The entries starting at token `i`.
    pub fn at(&self, i: usize) -> &[Match] {
        if i >= self.t.len() {
            return &[];
        }
        &self.matches[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// The longest entry at `i` whose kind passes `f`.
    pub fn find(&self, i: usize, f: impl Fn(Kind) -> bool) -> Option<Match> {
        self.at(i)
            .iter()
            .filter(|m| f(m.kind))
            .max_by_key(|m| m.len)
            .copied()
    }

    pub fn has(&self, i: usize, f: impl Fn(Kind) -> bool) -> bool {
        self.at(i).iter().any(|m| f(m.kind))
    }

    /// An entry passing `f` that ends exactly before token `end` (searching a few tokens back).
    pub fn ending_at(&self, end: usize, f: impl Fn(Kind) -> bool) -> Option<(usize, Match)> {
        (end.saturating_sub(6)..end).find_map(|j| {
            self.at(j)
                .iter()
                .filter(|m| f(m.kind) && j + m.len as usize == end)
                .max_by_key(|m| m.len)
                .map(|m| (j, *m))
        })
    }

    pub fn is_punct(&self, i: usize) -> bool {
        i < self.t.len() && self.t.toks[i].kind == TokKind::Punct
    }

    pub fn is_word(&self, i: usize) -> bool {
        i < self.t.len() && self.t.toks[i].kind == TokKind::Word
    }

    /// Raw text from the start of token `a` to the end of token `b - 1`.
    pub fn span_text(&self, a: usize, b: usize) -> &'a str {
        if a >= b || b > self.t.len() {
            return "";
        }
        &self.t.text[self.t.toks[a].start..self.t.toks[b - 1].end]
    }
}
