//! Version diffs: what changed between two versions of an article, paragraph by paragraph,
//! word by word, and claim by claim.
//!
//! Text diffs work on *lines* (one paragraph per line, blank lines dropped) and, inside a pair
//! of lines that replace each other, on *tokens*: words (maximal runs of letters, digits and
//! combining marks, so Arabic clitics and diacritics stay with their word), single punctuation
//! characters, and runs of whitespace. Tokens are compared by a key that ignores what a reader
//! does not see as an edit: Unicode normalisation form, Arabic diacritics and tatweel,
//! Arabic-Indic versus Western digits, and the amount or kind of whitespace.
//!
//! Every [`Segment`] holds original text, so the old side of a [`VersionDiff`] reproduces the
//! old text's non-blank lines exactly and the new side the new text's (see
//! [`VersionDiff::old_text`]).

use crate::domain::claim::{ExtractedClaim, Measure, Qualifier};
use serde::Serialize;
use similar::{capture_diff_slices_deadline, Algorithm, DiffOp};
use std::collections::HashMap;
use std::ops::Range;
use std::time::{Duration, Instant};
use unicode_normalization::UnicodeNormalization;

/// When less than half of the words are unchanged (`similarity < 0.5`), a word-by-word diff is
/// mostly `<del>`/`<ins>` noise: the version was rewritten rather than edited, and the two
/// versions read better shown before/after, side by side.
pub const SIDE_BY_SIDE_THRESHOLD: f32 = 0.5;

/// Two lines of a replaced block are diffed word by word only when at least this share of
/// their words is common (Dice coefficient); otherwise the old one is shown deleted and the new
/// one inserted.
const LINE_PAIR_THRESHOLD: f32 = 0.3;

/// Largest replaced block (old lines × new lines) paired by the quadratic alignment; larger
/// blocks pair lines by position.
const PAIRING_CELLS_MAX: usize = 10_000;

/// Time after which the diff algorithms stop looking for a minimal diff and settle for a
/// coarser, still correct one.
const DIFF_TIME_BUDGET: Duration = Duration::from_secs(1);

/// What changed between two versions of a text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionDiff {
    /// Share of words left unchanged, 0..=1: `2 × unchanged / (old words + new words)`;
    /// 1 when both texts have no words.
    pub similarity: f32,
    /// `similarity < SIDE_BY_SIDE_THRESHOLD`: show the versions side by side rather than as a
    /// word diff.
    pub side_by_side: bool,
    /// The non-blank lines of both versions, in reading order.
    pub lines: Vec<DiffLine>,
    pub stats: DiffStats,
}

/// Word counts (punctuation and whitespace are not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiffStats {
    pub words_inserted: usize,
    pub words_deleted: usize,
    pub words_unchanged: usize,
}

/// One line of the diff.
///
/// For `Changed`, `old` holds `Same` and `Deleted` segments and `new` holds `Same` and
/// `Inserted` segments; the k-th `Same` segment of `old` corresponds to the k-th of `new`
/// (their texts differ at most invisibly). Concatenating `old` gives the old line exactly, and
/// `new` the new line. For a single-column rendering use [`DiffLine::inline`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DiffLine {
    /// The same line in both versions up to invisible differences (whitespace, Arabic
    /// diacritics and tatweel, Unicode normalisation, Arabic-Indic digits): the new line.
    Unchanged(String),
    /// A line only in the new version.
    Inserted(String),
    /// A line only in the old version.
    Deleted(String),
    /// An old line edited into a new one.
    Changed {
        old: Vec<Segment>,
        new: Vec<Segment>,
    },
}

/// A run of text inside a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub kind: SegmentKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    Same,
    /// Wrap in `<ins>`.
    Inserted,
    /// Wrap in `<del>`.
    Deleted,
}

impl SegmentKind {
    /// "same" | "inserted" | "deleted".
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Same => "same",
            SegmentKind::Inserted => "inserted",
            SegmentKind::Deleted => "deleted",
        }
    }
}

impl Segment {
    fn new(text: impl Into<String>, kind: SegmentKind) -> Self {
        Segment {
            text: text.into(),
            kind,
        }
    }

    pub fn is_same(&self) -> bool {
        self.kind == SegmentKind::Same
    }

    pub fn is_inserted(&self) -> bool {
        self.kind == SegmentKind::Inserted
    }

    pub fn is_deleted(&self) -> bool {
        self.kind == SegmentKind::Deleted
    }
}

impl DiffLine {
    /// "unchanged" | "inserted" | "deleted" | "changed" (handy as a CSS class).
    pub fn kind(&self) -> &'static str {
        match self {
            DiffLine::Unchanged(_) => "unchanged",
            DiffLine::Inserted(_) => "inserted",
            DiffLine::Deleted(_) => "deleted",
            DiffLine::Changed { .. } => "changed",
        }
    }

    pub fn is_changed(&self) -> bool {
        !matches!(self, DiffLine::Unchanged(_))
    }

    /// The old line (for an `Unchanged` line, the new wording, which differs from the old at
    /// most invisibly), or `None` for an inserted line.
    pub fn old_text(&self) -> Option<String> {
        match self {
            DiffLine::Unchanged(text) | DiffLine::Deleted(text) => Some(text.clone()),
            DiffLine::Inserted(_) => None,
            DiffLine::Changed { old, .. } => Some(concat(old)),
        }
    }

    /// The new line, or `None` for a deleted line.
    pub fn new_text(&self) -> Option<String> {
        match self {
            DiffLine::Unchanged(text) | DiffLine::Inserted(text) => Some(text.clone()),
            DiffLine::Deleted(_) => None,
            DiffLine::Changed { new, .. } => Some(concat(new)),
        }
    }

    /// The line as one stream of segments for a single-column rendering: `Same` segments with
    /// the new text, each change as its `Deleted` segment followed by its `Inserted` one. An
    /// unchanged line is one `Same` segment, an inserted one one `Inserted`, a deleted one one
    /// `Deleted`.
    pub fn inline(&self) -> Vec<Segment> {
        let (old, new) = match self {
            DiffLine::Unchanged(text) => {
                return vec![Segment::new(text.clone(), SegmentKind::Same)]
            }
            DiffLine::Inserted(text) => {
                return vec![Segment::new(text.clone(), SegmentKind::Inserted)]
            }
            DiffLine::Deleted(text) => {
                return vec![Segment::new(text.clone(), SegmentKind::Deleted)]
            }
            DiffLine::Changed { old, new } => (old, new),
        };
        let mut out = Vec::with_capacity(old.len() + new.len());
        let (mut i, mut j) = (0, 0);
        loop {
            while i < old.len() && !old[i].is_same() {
                out.push(old[i].clone());
                i += 1;
            }
            while j < new.len() && !new[j].is_same() {
                out.push(new[j].clone());
                j += 1;
            }
            match (old.get(i), new.get(j)) {
                (Some(_), Some(same)) => {
                    out.push(same.clone());
                    i += 1;
                    j += 1;
                }
                // Unreachable by construction (Same segments pair up); keep all text anyway.
                (Some(same), None) => {
                    out.push(same.clone());
                    i += 1;
                }
                (None, Some(same)) => {
                    out.push(same.clone());
                    j += 1;
                }
                (None, None) => break,
            }
        }
        out
    }
}

impl VersionDiff {
    pub fn has_changes(&self) -> bool {
        self.lines.iter().any(DiffLine::is_changed)
    }

    /// The old version's non-blank lines joined by `\n`: `old.lines()` without the blank ones,
    /// exactly, except that lines reported unchanged carry the new wording (which differs
    /// from the old at most invisibly).
    pub fn old_text(&self) -> String {
        join_lines(self.lines.iter().filter_map(DiffLine::old_text))
    }

    /// The new version's non-blank lines joined by `\n`.
    pub fn new_text(&self) -> String {
        join_lines(self.lines.iter().filter_map(DiffLine::new_text))
    }
}

fn concat(segments: &[Segment]) -> String {
    segments.iter().map(|s| s.text.as_str()).collect()
}

fn join_lines(lines: impl Iterator<Item = String>) -> String {
    lines.collect::<Vec<_>>().join("\n")
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Word,
    Punct,
    Space,
}

#[derive(Debug, Clone)]
struct Token<'a> {
    text: &'a str,
    key: String,
    kind: TokenKind,
}

fn char_kind(c: char) -> TokenKind {
    if c.is_whitespace() {
        TokenKind::Space
    } else if is_punct(c) {
        TokenKind::Punct
    } else {
        TokenKind::Word
    }
}

/// Punctuation and symbols that separate words. Combining marks, letters, digits and format
/// characters (ZWNJ, ZWJ: part of Persian words) are word characters.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '¡' | '¢' | '£' | '¤' | '¥' | '¦' | '§' | '¨' | '©' | '«' | '¬' | '®' | '¯' | '°'
            | '±' | '´' | '¶' | '·' | '¸' | '»' | '¿' | '×' | '÷'
            // Arabic comma, semicolon, question mark, percent, full stop and friends
            | '\u{0609}'..='\u{060D}' | '\u{061B}' | '\u{061E}' | '\u{061F}' | '\u{066A}'
            | '\u{066D}' | '\u{06D4}' | '\u{06DD}' | '\u{06DE}' | '\u{06E9}' | '\u{FD3E}' | '\u{FD3F}'
            // Hebrew punctuation
            | '\u{05BE}' | '\u{05C0}' | '\u{05C3}' | '\u{05C6}' | '\u{05F3}' | '\u{05F4}'
            // General punctuation (dashes, quotes, bullets, ellipsis, ‹ › …), not the
            // zero-width and bidi format characters
            | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
            // Currency, letterlike, arrows, maths, technical, box drawing, shapes, dingbats
            | '\u{20A0}'..='\u{20CF}' | '\u{2100}'..='\u{214F}' | '\u{2190}'..='\u{2BFF}'
            | '\u{2E00}'..='\u{2E7F}' | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}'
            | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE4F}' | '\u{FE50}'..='\u{FE6B}'
            | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}'
        )
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{0660}'..='\u{0669}').contains(&c)
        || ('\u{06F0}'..='\u{06F9}').contains(&c)
}

/// Punctuation that stays inside a word: digit group and decimal separators between digits
/// ("1,500", "2.5", "١٬٥٠٠") and apostrophes between letters ("don't", "l'armée").
fn joins_word(prev: char, c: char, next: char) -> bool {
    match c {
        '.' | ',' | '\u{066B}' | '\u{066C}' => is_digit(prev) && is_digit(next),
        '\'' | '\u{2019}' => prev.is_alphabetic() && next.is_alphabetic(),
        _ => false,
    }
}

/// Comparison key of a word: NFC, without Arabic diacritics and tatweel, Arabic-Indic digits
/// folded to ASCII.
fn word_key(word: &str) -> String {
    if word.is_ascii() {
        return word.to_string();
    }
    word.nfc()
        .filter(|&c| !crate::domain::arabic::is_mark(c))
        .map(|c| crate::domain::arabic::ascii_digit(c).unwrap_or(c))
        .collect()
}

fn tokenize(line: &str) -> Vec<Token<'_>> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let end_of = |k: usize| chars.get(k).map_or(line.len(), |&(at, _)| at);
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let kind = char_kind(c);
        let mut j = i + 1;
        match kind {
            TokenKind::Space => {
                while j < chars.len() && char_kind(chars[j].1) == TokenKind::Space {
                    j += 1;
                }
            }
            TokenKind::Punct => {}
            TokenKind::Word => {
                while j < chars.len() {
                    let cj = chars[j].1;
                    match char_kind(cj) {
                        TokenKind::Word => j += 1,
                        TokenKind::Punct
                            if j + 1 < chars.len()
                                && char_kind(chars[j + 1].1) == TokenKind::Word
                                && joins_word(chars[j - 1].1, cj, chars[j + 1].1) =>
                        {
                            j += 2
                        }
                        _ => break,
                    }
                }
            }
        }
        let text = &line[start..end_of(j)];
        let key = match kind {
            TokenKind::Space => " ".to_string(),
            TokenKind::Punct => text.nfc().collect(),
            TokenKind::Word => word_key(text),
        };
        tokens.push(Token { text, key, kind });
        i = j;
    }
    tokens
}

struct Line<'a> {
    text: &'a str,
    tokens: Vec<Token<'a>>,
    /// Keys of the non-whitespace tokens, separated by U+001F.
    key: String,
    words: usize,
}

fn prepare(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let tokens = tokenize(l);
            let mut key = String::with_capacity(l.len());
            for t in tokens.iter().filter(|t| t.kind != TokenKind::Space) {
                if !key.is_empty() {
                    key.push('\u{1F}');
                }
                key.push_str(&t.key);
            }
            let words = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
            Line {
                text: l,
                tokens,
                key,
                words,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Text diff

/// Diffs two versions of a text: lines first, then words inside lines that replace each other.
/// Never panics; close to linear for usual edits, and time-bounded (about a second of search)
/// for pathological inputs.
pub fn diff_versions(old: &str, new: &str) -> VersionDiff {
    let deadline = Instant::now() + DIFF_TIME_BUDGET;
    let old_lines = prepare(old);
    let new_lines = prepare(new);
    let old_keys: Vec<&str> = old_lines.iter().map(|l| l.key.as_str()).collect();
    let new_keys: Vec<&str> = new_lines.iter().map(|l| l.key.as_str()).collect();
    let ops =
        capture_diff_slices_deadline(Algorithm::Patience, &old_keys, &new_keys, Some(deadline));

    let mut out = Builder::default();
    let mut block: Option<(Range<usize>, Range<usize>)> = None;
    for op in ops {
        let (o, n) = (op.old_range(), op.new_range());
        if let DiffOp::Equal { .. } = op {
            if let Some((bo, bn)) = block.take() {
                out.block(&old_lines[bo], &new_lines[bn], deadline);
            }
            new_lines[n].iter().for_each(|l| out.unchanged(l));
        } else {
            block = Some(match block {
                Some((bo, bn)) => (bo.start..o.end, bn.start..n.end),
                None => (o, n),
            });
        }
    }
    if let Some((bo, bn)) = block {
        out.block(&old_lines[bo], &new_lines[bn], deadline);
    }

    let stats = out.stats;
    let total = stats.words_deleted + stats.words_inserted + 2 * stats.words_unchanged;
    let similarity = if total == 0 {
        1.0
    } else {
        (2 * stats.words_unchanged) as f32 / total as f32
    };
    VersionDiff {
        similarity,
        side_by_side: similarity < SIDE_BY_SIDE_THRESHOLD,
        lines: out.lines,
        stats,
    }
}

#[derive(Default)]
struct Builder {
    lines: Vec<DiffLine>,
    stats: DiffStats,
}

impl Builder {
    fn unchanged(&mut self, new: &Line) {
        self.stats.words_unchanged += new.words;
        self.lines.push(DiffLine::Unchanged(new.text.to_string()));
    }

    fn deleted(&mut self, old: &Line) {
        self.stats.words_deleted += old.words;
        self.lines.push(DiffLine::Deleted(old.text.to_string()));
    }

    fn inserted(&mut self, new: &Line) {
        self.stats.words_inserted += new.words;
        self.lines.push(DiffLine::Inserted(new.text.to_string()));
    }

    /// A block of old lines replaced by a block of new lines.
    fn block(&mut self, old: &[Line], new: &[Line], deadline: Instant) {
        let mut next_old = 0;
        let mut next_new = 0;
        for (i, j) in pair_lines(old, new) {
            // Unpaired lines before this pair: deletions first, then insertions.
            old[next_old..i].iter().for_each(|l| self.deleted(l));
            new[next_new..j].iter().for_each(|l| self.inserted(l));
            self.changed(&old[i], &new[j], deadline);
            next_old = i + 1;
            next_new = j + 1;
        }
        old[next_old..].iter().for_each(|l| self.deleted(l));
        new[next_new..].iter().for_each(|l| self.inserted(l));
    }

    fn changed(&mut self, old: &Line, new: &Line, deadline: Instant) {
        let chunks = word_chunks(&old.tokens, &new.tokens, deadline);
        if chunks.iter().all(|c| !c.changed) {
            return self.unchanged(new);
        }
        let text = |tokens: &[Token], r: &Range<usize>| -> String {
            tokens[r.clone()].iter().map(|t| t.text).collect()
        };
        let words = |tokens: &[Token], r: &Range<usize>| {
            tokens[r.clone()]
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .count()
        };
        let (mut old_segments, mut new_segments) = (Vec::new(), Vec::new());
        for c in &chunks {
            if c.changed {
                if !c.old.is_empty() {
                    old_segments.push(Segment::new(
                        text(&old.tokens, &c.old),
                        SegmentKind::Deleted,
                    ));
                    self.stats.words_deleted += words(&old.tokens, &c.old);
                }
                if !c.new.is_empty() {
                    new_segments.push(Segment::new(
                        text(&new.tokens, &c.new),
                        SegmentKind::Inserted,
                    ));
                    self.stats.words_inserted += words(&new.tokens, &c.new);
                }
            } else {
                old_segments.push(Segment::new(text(&old.tokens, &c.old), SegmentKind::Same));
                new_segments.push(Segment::new(text(&new.tokens, &c.new), SegmentKind::Same));
                self.stats.words_unchanged += words(&new.tokens, &c.new);
            }
        }
        self.lines.push(DiffLine::Changed {
            old: old_segments,
            new: new_segments,
        });
    }
}

/// Pairs the lines of a replaced block that are edits of each other: a monotone alignment
/// maximising the summed word similarity of the pairs, pairs below `LINE_PAIR_THRESHOLD`
/// excluded. Returns (old index, new index) pairs in order.
fn pair_lines(old: &[Line], new: &[Line]) -> Vec<(usize, usize)> {
    if old.is_empty() || new.is_empty() {
        return Vec::new();
    }
    let bags_old: Vec<HashMap<&str, u32>> = old.iter().map(word_bag).collect();
    let bags_new: Vec<HashMap<&str, u32>> = new.iter().map(word_bag).collect();
    let sim = |i: usize, j: usize| dice(&bags_old[i], &bags_new[j]);

    if old.len().saturating_mul(new.len()) > PAIRING_CELLS_MAX {
        return (0..old.len().min(new.len()))
            .filter(|&k| sim(k, k) >= LINE_PAIR_THRESHOLD)
            .map(|k| (k, k))
            .collect();
    }

    let (m, n) = (old.len(), new.len());
    let width = n + 1;
    let mut score = vec![0f32; (m + 1) * width];
    let mut pair_sim = vec![0f32; m * n];
    for i in 1..=m {
        for j in 1..=n {
            let s = sim(i - 1, j - 1);
            pair_sim[(i - 1) * n + (j - 1)] = s;
            let mut best = score[(i - 1) * width + j].max(score[i * width + j - 1]);
            if s >= LINE_PAIR_THRESHOLD {
                best = best.max(score[(i - 1) * width + j - 1] + s);
            }
            score[i * width + j] = best;
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (m, n);
    while i > 0 && j > 0 {
        let here = score[i * width + j];
        let s = pair_sim[(i - 1) * n + (j - 1)];
        if s >= LINE_PAIR_THRESHOLD && here == score[(i - 1) * width + j - 1] + s {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if here == score[(i - 1) * width + j] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs
}

fn word_bag<'a>(line: &'a Line) -> HashMap<&'a str, u32> {
    let mut bag = HashMap::new();
    for t in line.tokens.iter().filter(|t| t.kind == TokenKind::Word) {
        *bag.entry(t.key.as_str()).or_insert(0) += 1;
    }
    bag
}

/// Dice coefficient of two word multisets; two lines without words (punctuation only) count
/// as half similar.
fn dice(a: &HashMap<&str, u32>, b: &HashMap<&str, u32>) -> f32 {
    let total: u32 = a.values().sum::<u32>() + b.values().sum::<u32>();
    if total == 0 {
        return 0.5;
    }
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let common: u32 = small
        .iter()
        .map(|(k, &c)| c.min(large.get(k).copied().unwrap_or(0)))
        .sum();
    (2 * common) as f32 / total as f32
}

/// A run of tokens: equal on both sides, or changed (old tokens replaced by new ones).
#[derive(Debug, Clone)]
struct Chunk {
    old: Range<usize>,
    new: Range<usize>,
    changed: bool,
}

fn all_space(tokens: &[Token], r: &Range<usize>) -> bool {
    tokens[r.clone()].iter().all(|t| t.kind == TokenKind::Space)
}

/// Word-level diff of two lines, cleaned up for reading:
/// whitespace-only changes count as equal; whitespace between two changes joins them into one
/// (`<del>at least 15</del><ins>19</ins>` rather than interleaved fragments); whitespace at both
/// ends of both sides of a change is moved out of it.
fn word_chunks(old: &[Token], new: &[Token], deadline: Instant) -> Vec<Chunk> {
    let old_keys: Vec<&str> = old.iter().map(|t| t.key.as_str()).collect();
    let new_keys: Vec<&str> = new.iter().map(|t| t.key.as_str()).collect();
    let ops = capture_diff_slices_deadline(Algorithm::Myers, &old_keys, &new_keys, Some(deadline));

    // Raw chunks, adjacent changes merged; whitespace-only changes are equal.
    let mut raw: Vec<Chunk> = Vec::new();
    for op in ops {
        let (o, n) = (op.old_range(), op.new_range());
        let changed = !matches!(op, DiffOp::Equal { .. });
        push_chunk(
            &mut raw,
            Chunk {
                old: o,
                new: n,
                changed,
            },
        );
    }
    let mut chunks: Vec<Chunk> = Vec::with_capacity(raw.len());
    for mut c in raw {
        if c.changed && all_space(old, &c.old) && all_space(new, &c.new) {
            c.changed = false;
        }
        push_chunk(&mut chunks, c);
    }

    // Whitespace-only equal chunks between two changes join them.
    let mut joined: Vec<Chunk> = Vec::with_capacity(chunks.len());
    let mut k = 0;
    while k < chunks.len() {
        let c = chunks[k].clone();
        let between_changes = !c.changed
            && k > 0
            && k + 1 < chunks.len()
            && chunks[k + 1].changed
            && joined.last().is_some_and(|p| p.changed)
            && all_space(old, &c.old);
        if between_changes {
            push_chunk(&mut joined, Chunk { changed: true, ..c });
        } else {
            push_chunk(&mut joined, c);
        }
        k += 1;
    }

    // Move whitespace present at the same end of both sides of a change out of it.
    let mut out: Vec<Chunk> = Vec::with_capacity(joined.len() + 2);
    for c in joined {
        if !c.changed {
            push_chunk(&mut out, c);
            continue;
        }
        let (mut o, mut n) = (c.old.clone(), c.new.clone());
        let mut lead = (o.start..o.start, n.start..n.start);
        while o.start < o.end
            && n.start < n.end
            && old[o.start].kind == TokenKind::Space
            && new[n.start].kind == TokenKind::Space
        {
            o.start += 1;
            n.start += 1;
            lead = (lead.0.start..o.start, lead.1.start..n.start);
        }
        let mut trail = (o.end..o.end, n.end..n.end);
        while o.start < o.end
            && n.start < n.end
            && old[o.end - 1].kind == TokenKind::Space
            && new[n.end - 1].kind == TokenKind::Space
        {
            o.end -= 1;
            n.end -= 1;
            trail = (o.end..trail.0.end, n.end..trail.1.end);
        }
        for piece in [
            Chunk {
                old: lead.0,
                new: lead.1,
                changed: false,
            },
            Chunk {
                old: o,
                new: n,
                changed: true,
            },
            Chunk {
                old: trail.0,
                new: trail.1,
                changed: false,
            },
        ] {
            if !piece.old.is_empty() || !piece.new.is_empty() {
                push_chunk(&mut out, piece);
            }
        }
    }
    out
}

/// Appends a chunk, merging it into the previous one when both are equal or both changed.
fn push_chunk(chunks: &mut Vec<Chunk>, c: Chunk) {
    if let Some(last) = chunks.last_mut() {
        if last.changed == c.changed && last.old.end == c.old.start && last.new.end == c.new.start {
            last.old.end = c.old.end;
            last.new.end = c.new.end;
            return;
        }
    }
    chunks.push(c);
}

// ---------------------------------------------------------------------------------------------
// Claim diff

/// What happened to a claim between two versions of a text. Indices point into the claim
/// lists given to [`diff_claims`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ClaimChange {
    /// Only in the new version (index in new).
    Added(usize),
    /// Only in the old version (index in old).
    Removed(usize),
    /// The same claim with a different figure (value, range or qualifier).
    Changed {
        old: usize,
        new: usize,
    },
    Unchanged {
        old: usize,
        new: usize,
    },
}

impl ClaimChange {
    /// "added" | "removed" | "changed" | "unchanged".
    pub fn kind(&self) -> &'static str {
        match self {
            ClaimChange::Added(_) => "added",
            ClaimChange::Removed(_) => "removed",
            ClaimChange::Changed { .. } => "changed",
            ClaimChange::Unchanged { .. } => "unchanged",
        }
    }

    pub fn old_index(&self) -> Option<usize> {
        match *self {
            ClaimChange::Added(_) => None,
            ClaimChange::Removed(old)
            | ClaimChange::Changed { old, .. }
            | ClaimChange::Unchanged { old, .. } => Some(old),
        }
    }

    pub fn new_index(&self) -> Option<usize> {
        match *self {
            ClaimChange::Removed(_) => None,
            ClaimChange::Added(new)
            | ClaimChange::Changed { new, .. }
            | ClaimChange::Unchanged { new, .. } => Some(new),
        }
    }
}

/// Source attribution folded for matching: lowercase, whitespace collapsed; `""` is the
/// outlet's own voice.
fn source_key(source: Option<&str>) -> String {
    source
        .map(|s| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .unwrap_or_default()
}

fn same_figure(a: &ExtractedClaim, b: &ExtractedClaim) -> bool {
    a.value == b.value && a.value_max == b.value_max && a.qualifier == b.qualifier
}

/// Matches the claims of two versions of a text.
///
/// Claims match only with the same measure, group and source (case- and whitespace-folded;
/// no source = the outlet's own voice). Within such a key, claims are aligned in text order
/// (a monotone assignment): as many pairs as possible, preferring pairs with equal figures,
/// then pairs alike in being a part (`part_of`) or not and in subject, then pairs at close
/// relative positions (offset / extent of the claims in each text). A matched pair whose value, range or qualifier
/// differs is `Changed`.
///
/// The result follows the new text; a removed claim comes right after the matched claim
/// that preceded it in the old text (at the start when none did).
pub fn diff_claims(old: &[ExtractedClaim], new: &[ExtractedClaim]) -> Vec<ClaimChange> {
    type Key = (Measure, String, String);
    let mut groups: HashMap<Key, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for (i, c) in old.iter().enumerate() {
        groups
            .entry((c.measure, c.group.clone(), source_key(c.source.as_deref())))
            .or_default()
            .0
            .push(i);
    }
    for (j, c) in new.iter().enumerate() {
        groups
            .entry((c.measure, c.group.clone(), source_key(c.source.as_deref())))
            .or_default()
            .1
            .push(j);
    }
    let extent = |claims: &[ExtractedClaim]| {
        claims.iter().map(|c| c.end.max(c.start)).max().unwrap_or(0) as f64 + 1.0
    };
    let (old_extent, new_extent) = (extent(old), extent(new));

    let mut matched: Vec<(usize, usize)> = Vec::new();
    for (_, (mut os, mut ns)) in groups {
        os.sort_by_key(|&i| (old[i].start, i));
        ns.sort_by_key(|&j| (new[j].start, j));
        let score = |i: usize, j: usize| -> i64 {
            let (a, b) = (&old[i], &new[j]);
            let mut s = 1_000_000;
            if a.value == b.value && a.value_max == b.value_max {
                s += 1_500;
                if a.qualifier == b.qualifier {
                    s += 500;
                }
            }
            // A total matches a total, a part ("including five children") a part.
            if a.part_of.is_some() == b.part_of.is_some() {
                s += 1_000;
            }
            if let (Some(x), Some(y)) = (&a.subject, &b.subject) {
                if source_key(Some(x)) == source_key(Some(y)) {
                    s += 400;
                }
            }
            let distance = (a.start as f64 / old_extent - b.start as f64 / new_extent).abs();
            s - (distance.min(1.0) * 1_000.0) as i64
        };
        matched.extend(align(&os, &ns, score));
    }

    let mut is_matched_old = vec![false; old.len()];
    let mut is_matched_new = vec![false; new.len()];
    for &(i, j) in &matched {
        is_matched_old[i] = true;
        is_matched_new[j] = true;
    }

    // Sort keys: (tier, position in new, after-anchor flag, position in old, index).
    type SortKey = (u8, usize, u8, usize, usize);
    let mut entries: Vec<(SortKey, ClaimChange)> = Vec::with_capacity(old.len() + new.len());
    for &(i, j) in &matched {
        let change = if same_figure(&old[i], &new[j]) {
            ClaimChange::Unchanged { old: i, new: j }
        } else {
            ClaimChange::Changed { old: i, new: j }
        };
        entries.push(((1, new[j].start, 0, 0, j), change));
    }
    for (j, c) in new.iter().enumerate().filter(|(j, _)| !is_matched_new[*j]) {
        entries.push(((1, c.start, 0, 0, j), ClaimChange::Added(j)));
    }
    for (i, c) in old.iter().enumerate().filter(|(i, _)| !is_matched_old[*i]) {
        let anchor = matched
            .iter()
            .filter(|&&(mi, _)| (old[mi].start, mi) <= (c.start, i))
            .max_by_key(|&&(mi, _)| (old[mi].start, mi));
        let key = match anchor {
            Some(&(_, mj)) => (1, new[mj].start, 1, c.start, i),
            None => (0, 0, 0, c.start, i),
        };
        entries.push((key, ClaimChange::Removed(i)));
    }
    entries.sort_by_key(|(key, _)| *key);
    entries.into_iter().map(|(_, change)| change).collect()
}

/// Monotone alignment of two ordered lists maximising the summed score of the pairs (each
/// score positive, so as many pairs as possible). Large groups fall back to k-th with k-th.
fn align(os: &[usize], ns: &[usize], score: impl Fn(usize, usize) -> i64) -> Vec<(usize, usize)> {
    let (m, n) = (os.len(), ns.len());
    if m == 0 || n == 0 {
        return Vec::new();
    }
    if m.saturating_mul(n) > 250_000 {
        return os.iter().copied().zip(ns.iter().copied()).collect();
    }
    let width = n + 1;
    let mut dp = vec![0i64; (m + 1) * width];
    for i in 1..=m {
        for j in 1..=n {
            let pair = dp[(i - 1) * width + j - 1] + score(os[i - 1], ns[j - 1]);
            dp[i * width + j] = pair.max(dp[(i - 1) * width + j]).max(dp[i * width + j - 1]);
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (m, n);
    while i > 0 && j > 0 {
        let here = dp[i * width + j];
        if here == dp[(i - 1) * width + j - 1] + score(os[i - 1], ns[j - 1]) {
            pairs.push((os[i - 1], ns[j - 1]));
            i -= 1;
            j -= 1;
        } else if here == dp[(i - 1) * width + j] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs
}

/// A claim's figure as a reader says it: "19", "at least 15", "about 80–100", "up to 40".
pub fn figure_text(claim: &ExtractedClaim) -> String {
    let prefix = match claim.qualifier {
        Qualifier::Exact => "",
        Qualifier::AtLeast => "at least ",
        Qualifier::AtMost => "up to ",
        Qualifier::Approx => "about ",
    };
    match claim.value_max {
        Some(max) if max != claim.value => format!("{prefix}{}–{max}", claim.value),
        _ => format!("{prefix}{}", claim.value),
    }
}

/// One line describing a claim's change: "killed · civilians · White Helmets: 15 → 19",
/// "wounded · civilians: at least 15 → 19" (no source: the outlet's own voice),
/// "killed · civilians: 80–100 → about 120". The label is the new claim's measure, group and
/// source; identical figures are shown once ("killed · civilians: 15").
pub fn describe_change(old: &ExtractedClaim, new: &ExtractedClaim) -> String {
    let mut label = format!("{} · {}", new.measure.as_str(), new.group);
    if let Some(source) = new
        .source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        label.push_str(" · ");
        label.push_str(&source.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let (before, after) = (figure_text(old), figure_text(new));
    if before == after {
        format!("{label}: {after}")
    } else {
        format!("{label}: {before} → {after}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(text: &str) -> Segment {
        Segment::new(text, SegmentKind::Same)
    }
    fn ins(text: &str) -> Segment {
        Segment::new(text, SegmentKind::Inserted)
    }
    fn del(text: &str) -> Segment {
        Segment::new(text, SegmentKind::Deleted)
    }

    /// The line rendered as `same[-deleted-]{+inserted+}`.
    fn marked(line: &DiffLine) -> String {
        line.inline()
            .iter()
            .map(|s| match s.kind {
                SegmentKind::Same => s.text.clone(),
                SegmentKind::Inserted => format!("{{+{}+}}", s.text),
                SegmentKind::Deleted => format!("[-{}-]", s.text),
            })
            .collect()
    }

    fn non_blank_lines(text: &str) -> String {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .into_iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(|t| t.text)
            .collect()
    }

    fn claim(
        measure: Measure,
        group: &str,
        source: Option<&str>,
        value: i64,
        start: usize,
    ) -> ExtractedClaim {
        ExtractedClaim {
            value,
            value_max: None,
            qualifier: Qualifier::Exact,
            measure,
            group: group.to_string(),
            subject: None,
            source: source.map(str::to_string),
            part_of: None,
            start,
            end: start + 2,
            scope: None,
            stage: None,
        }
    }

    #[test]
    fn a_changed_figure_in_arabic_is_the_only_marked_word() {
        let diff = diff_versions("قتل 15 مدنياً في القصف", "قتل 19 مدنياً في القصف");

        assert_eq!(
            diff.lines,
            vec![DiffLine::Changed {
                old: vec![same("قتل "), del("15"), same(" مدنياً في القصف")],
                new: vec![same("قتل "), ins("19"), same(" مدنياً في القصف")],
            }]
        );
        assert_eq!(
            diff.stats,
            DiffStats {
                words_inserted: 1,
                words_deleted: 1,
                words_unchanged: 4
            }
        );
        assert!(!diff.side_by_side);
    }

    #[test]
    fn an_english_revision_marks_whole_phrases_not_interleaved_fragments() {
        let cases = [
            (
                "Shelling kills at least 15 civilians in Syrian market town",
                "Shelling kills 19 civilians in Syrian market town, rescuers say",
                "Shelling kills [-at least 15-]{+19+} civilians in Syrian market town{+, rescuers say+}",
            ),
            (
                "At least 15 civilians were killed and dozens wounded, local medics said.",
                "Nineteen civilians were killed and 43 wounded, the White Helmets said.",
                "[-At least 15-]{+Nineteen+} civilians were killed and [-dozens-]{+43+} wounded, [-local medics-]{+the White Helmets+} said.",
            ),
            ("The toll rose to 1,500 on Monday.", "The toll rose to 1,700 on Monday.", "The toll rose to [-1,500-]{+1,700+} on Monday."),
        ];
        for (old, new, expected) in cases {
            let diff = diff_versions(old, new);

            assert_eq!(diff.lines.len(), 1, "{old}");
            assert_eq!(marked(&diff.lines[0]), expected);
        }
    }

    #[test]
    fn a_diacritics_only_change_is_not_a_change() {
        let cases = [
            (
                "قتل خمسة عشر مدنيا في القصف",
                "قُتِلَ خمسةَ عشرَ مدنيّاً في القصف",
                "harakat and shadda added",
            ),
            ("الدفاع المدني", "الدفـــاع المدني", "tatweel"),
            (
                "أصيب ٦ من المسعفين",
                "أصيب 6 من المسعفين",
                "Arabic-Indic digits",
            ),
            (
                "Caf\u{e9} d\u{e9}truit",
                "Cafe\u{301} de\u{301}truit",
                "NFC versus NFD",
            ),
        ];
        for (old, new, why) in cases {
            let diff = diff_versions(old, new);

            assert_eq!(
                diff.lines,
                vec![DiffLine::Unchanged(new.to_string())],
                "{why}"
            );
            assert!(!diff.has_changes(), "{why}");
            assert_eq!(diff.similarity, 1.0, "{why}");
        }
    }

    #[test]
    fn a_diacritics_change_next_to_a_real_change_shows_the_new_wording_as_unchanged() {
        let diff = diff_versions("قتل 15 مدنيا", "قُتِلَ 19 مدنياً");

        assert_eq!(
            diff.lines,
            vec![DiffLine::Changed {
                old: vec![same("قتل "), del("15"), same(" مدنيا")],
                new: vec![same("قُتِلَ "), ins("19"), same(" مدنياً")],
            }]
        );
    }

    #[test]
    fn arabic_clitics_stay_with_their_word() {
        let cases: [(&str, &[&str]); 4] = [
            (
                "وقال مراسل «صدى الشمال»، إن",
                &["وقال", "مراسل", "صدى", "الشمال", "إن"],
            ),
            (
                "قُتِلَ بالقصفِ؛ وللمرة الثانية؟",
                &["قُتِلَ", "بالقصفِ", "وللمرة", "الثانية"],
            ),
            (
                "لـ«صدى الشمال»: ١٬٥٠٠ نازح",
                &["لـ", "صدى", "الشمال", "١٬٥٠٠", "نازح"],
            ),
            (
                "don't stop (at 2.5 km), l'armée!",
                &["don't", "stop", "at", "2.5", "km", "l'armée"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(words(text), expected, "{text}");
        }

        let diff = diff_versions(
            "وقال الدفاع المدني إن القصف",
            "وأضاف الدفاع المدني إن بالقصف",
        );
        assert_eq!(
            marked(&diff.lines[0]),
            "[-وقال-]{+وأضاف+} الدفاع المدني إن [-القصف-]{+بالقصف+}"
        );
    }

    #[test]
    fn a_digit_change_is_a_change() {
        let cases = [
            ("killed 15 people", "killed 19 people"),
            ("قتل ١٥ شخصاً", "قتل ١٩ شخصاً"),
            ("on 6 March", "on 7 March"),
        ];
        for (old, new) in cases {
            let diff = diff_versions(old, new);

            assert!(diff.has_changes(), "{old}");
            assert_eq!(diff.stats.words_deleted, 1, "{old}");
            assert_eq!(diff.stats.words_inserted, 1, "{old}");
        }
    }

    #[test]
    fn whitespace_only_changes_are_not_changes() {
        let cases = [
            (
                "Two people were killed.",
                "Two  people   were killed.",
                "runs of spaces",
            ),
            (
                "Two people were killed.",
                "  Two people were killed.  ",
                "leading and trailing spaces",
            ),
            (
                "Two people were killed.",
                "Two\u{a0}people were killed.",
                "no-break space",
            ),
            (
                "Title\nBody text.",
                "Title\r\n\r\n\r\nBody text.\n\n",
                "CRLF and blank lines",
            ),
            (
                "Title\n\nBody text.",
                "Title\nBody text.",
                "blank line removed",
            ),
            (
                "قتل 15 ، وأصيب 20",
                "قتل 15، وأصيب 20",
                "space before a comma",
            ),
            ("a\tb", "a b", "tab"),
        ];
        for (old, new, why) in cases {
            let diff = diff_versions(old, new);

            assert!(!diff.has_changes(), "{why}: {:?}", diff.lines);
            assert_eq!(diff.similarity, 1.0, "{why}");
        }
    }

    #[test]
    fn a_mostly_rewritten_text_is_shown_side_by_side() {
        let old = "مقتل تسعة مدنيين بغارة جوية على مستشفى في كفر نبيل\nقال الدفاع المدني إن تسعة مدنيين قتلوا.";
        let new = "وحدات الجيش تدمر مقرات للإرهابيين في ريف إدلب الجنوبي\nأكد مصدر عسكري أن الضربات استهدفت مستودعات أسلحة.";

        let diff = diff_versions(old, new);

        assert!(
            diff.similarity < SIDE_BY_SIDE_THRESHOLD,
            "{}",
            diff.similarity
        );
        assert!(diff.side_by_side);
    }

    #[test]
    fn a_lightly_edited_text_is_shown_as_a_word_diff() {
        let old = "Shelling kills at least 15 civilians in Syrian market town\n\nThe Syrian Observatory put the toll at 12 civilians, including five children.\nThe town has been repeatedly shelled since January.";
        let new = "Shelling kills 19 civilians in Syrian market town\n\nThe Syrian Observatory put the toll at 12 civilians, including five children.\nThe town has been repeatedly shelled since January.";

        let diff = diff_versions(old, new);

        assert!(diff.similarity > 0.9, "{}", diff.similarity);
        assert!(!diff.side_by_side);
        assert_eq!(diff.lines.iter().filter(|l| l.is_changed()).count(), 1);
    }

    #[test]
    fn similarity_is_the_share_of_unchanged_words() {
        let cases = [
            ("", "", 1.0),
            ("", "new words", 0.0),
            ("old words", "", 0.0),
            ("a b c d", "a b c d", 1.0),
            ("a b c d", "a b x y", 0.5),
            ("a b", "a b c d", 4.0 / 6.0),
        ];
        for (old, new, expected) in cases {
            let diff = diff_versions(old, new);

            assert!(
                (diff.similarity - expected).abs() < 1e-6,
                "{old:?} → {new:?}: {}",
                diff.similarity
            );
            assert_eq!(diff.side_by_side, expected < 0.5, "{old:?} → {new:?}");
        }
    }

    #[test]
    fn added_and_removed_paragraphs_are_whole_line_changes() {
        let old = "Headline\nFirst paragraph stays.\nA paragraph that goes away entirely.\nLast paragraph stays.";
        let new = "Headline\nFirst paragraph stays.\nLast paragraph stays.\nAn update was added at the end.";

        let diff = diff_versions(old, new);

        assert_eq!(
            diff.lines,
            vec![
                DiffLine::Unchanged("Headline".into()),
                DiffLine::Unchanged("First paragraph stays.".into()),
                DiffLine::Deleted("A paragraph that goes away entirely.".into()),
                DiffLine::Unchanged("Last paragraph stays.".into()),
                DiffLine::Inserted("An update was added at the end.".into()),
            ]
        );
    }

    #[test]
    fn lines_of_a_replaced_block_are_paired_by_their_words() {
        let old = "Intro.\nNine civilians were killed in the strike on the hospital.\nRescuers are still searching the rubble.\nEnd.";
        let new = "Intro.\nThe toll has risen sharply overnight.\nFourteen civilians were killed in the strike on the hospital.\nRescuers recovered five more bodies from the rubble.\nEnd.";

        let diff = diff_versions(old, new);
        let kinds: Vec<&str> = diff.lines.iter().map(DiffLine::kind).collect();

        assert_eq!(
            kinds,
            ["unchanged", "inserted", "changed", "changed", "unchanged"]
        );
        assert_eq!(
            marked(&diff.lines[2]),
            "[-Nine-]{+Fourteen+} civilians were killed in the strike on the hospital."
        );
    }

    #[test]
    fn the_old_and_new_texts_are_recoverable_from_the_diff() {
        let cases = [
            ("", "", "empty"),
            ("one line", "", "all deleted"),
            ("", "one line\nand another", "all inserted"),
            ("قتل 15 مدنياً في القصف", "قتل 19 مدنياً في القصف", "Arabic figure"),
            ("a  b ,c", "a b, d", "whitespace inside a changed line"),
            (
                "Shelling kills at least 15 civilians\n\nBEIRUT — At least 15 civilians were killed.\nSANA denied it.",
                "Shelling kills 19 civilians, rescuers say\r\nBEIRUT — Nineteen civilians were killed and 43 wounded.\r\nA new paragraph.\r\nSANA denied it.",
                "English revision with CRLF",
            ),
            (
                "إدلب – «صدى الشمال»: قال الدفاع المدني إن تسعة مدنيين قتلوا، بينهم طفلان.\nوأضاف أن فرقه ما زالت تبحث عن عالقين.",
                "إدلب – «صدى الشمال»: قال الدفاع المدني إن أربعة عشر مدنياً قتلوا، بينهم ثلاثة من الكادر الطبي وطفلان.\nوكانت الحصيلة الأولية قد بلغت تسعة قتلى.",
                "Arabic revision",
            ),
            ("x y z", "completely different words here", "rewrite"),
        ];
        for (old, new, why) in cases {
            let diff = diff_versions(old, new);

            assert_eq!(diff.old_text(), non_blank_lines(old), "{why}");
            assert_eq!(diff.new_text(), non_blank_lines(new), "{why}");
            for line in &diff.lines {
                let inline: String = line
                    .inline()
                    .iter()
                    .filter(|s| !s.is_deleted())
                    .map(|s| s.text.as_str())
                    .collect();
                assert_eq!(
                    inline,
                    line.new_text().unwrap_or_default(),
                    "{why}: inline stream without deletions is the new line"
                );
            }
        }
    }

    #[test]
    fn the_diff_serialises_for_templates_and_apis() {
        let diff = diff_versions("killed 15", "killed 19");

        let json = serde_json::to_value(&diff).expect("serialisable");

        assert_eq!(json["stats"]["words_unchanged"], 1);
        assert_eq!(
            json["lines"][0]["Changed"]["new"][1],
            serde_json::json!({"text": "19", "kind": "inserted"})
        );
    }

    #[test]
    fn random_edits_never_panic_and_round_trip() {
        let alphabet = [
            "قتل",
            "مدنياً",
            "قُتِلَ",
            "15",
            "١٩",
            "1,500",
            "،",
            "؛",
            "«",
            "»",
            "the",
            "killed",
            " ",
            "  ",
            "\n",
            "\r\n",
            "\n\n",
            "\u{a0}",
            ".",
            ",",
            "-",
            "l'armée",
            "e\u{301}",
            "ـ",
            "\u{200c}",
            "—",
            "(",
            ")",
            "?",
            "ً",
            "x",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..300 {
            let old: String = (0..next(40))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let mut new = String::new();
            for piece in old.split_inclusive(' ') {
                match next(6) {
                    0 => {}
                    1 => new.push_str(alphabet[next(alphabet.len())]),
                    _ => new.push_str(piece),
                }
            }

            let diff = diff_versions(&old, &new);

            assert_eq!(diff.new_text(), non_blank_lines(&new), "{old:?} → {new:?}");
            assert_eq!(diff_versions(&old, &old).similarity, 1.0, "{old:?}");
            assert!((0.0..=1.0).contains(&diff.similarity));
            let keys = |text: &str| prepare(text).into_iter().map(|l| l.key).collect::<Vec<_>>();
            assert_eq!(
                keys(&diff.old_text()),
                keys(&old),
                "{old:?} → {new:?}: old recoverable up to invisible changes"
            );
        }
    }

    #[test]
    fn a_large_text_is_diffed_quickly() {
        let paragraph = |k: usize| {
            format!(
                "Paragraph {k} says that {} people were killed and {} wounded.",
                k % 97,
                k % 89
            )
        };
        let old: Vec<String> = (0..5_000).map(paragraph).collect();
        let mut new = old.clone();
        for k in (0..new.len()).step_by(7) {
            new[k] = new[k].replace("killed", "slain");
        }
        let started = Instant::now();

        let diff = diff_versions(&old.join("\n"), &new.join("\n"));

        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(diff.lines.len(), 5_000);
        assert!(diff.similarity > 0.9);
    }

    #[test]
    fn a_toll_revision_is_a_changed_claim() {
        let old = [claim(
            Measure::Killed,
            "civilians",
            Some("White Helmets"),
            15,
            40,
        )];
        let new = [claim(
            Measure::Killed,
            "civilians",
            Some("white  helmets"),
            19,
            52,
        )];

        let changes = diff_claims(&old, &new);

        assert_eq!(changes, vec![ClaimChange::Changed { old: 0, new: 0 }]);
        assert_eq!(
            describe_change(&old[0], &new[0]),
            "killed · civilians · white helmets: 15 → 19"
        );
    }

    #[test]
    fn claims_are_added_removed_changed_or_unchanged() {
        use Measure::{Killed, Wounded};
        let old = [
            claim(Killed, "civilians", None, 15, 10),
            claim(Killed, "civilians", Some("SOHR"), 12, 100),
            claim(Killed, "opposition", Some("SANA"), 4, 200),
        ];
        let new = [
            claim(Killed, "civilians", None, 19, 10),
            claim(Wounded, "civilians", None, 43, 30),
            claim(Killed, "civilians", Some("sohr"), 12, 120),
        ];

        let changes = diff_claims(&old, &new);

        assert_eq!(
            changes,
            vec![
                ClaimChange::Changed { old: 0, new: 0 },
                ClaimChange::Added(1),
                ClaimChange::Unchanged { old: 1, new: 2 },
                ClaimChange::Removed(2),
            ]
        );
        let kinds: Vec<&str> = changes.iter().map(ClaimChange::kind).collect();
        assert_eq!(kinds, ["changed", "added", "unchanged", "removed"]);
    }

    #[test]
    fn claims_match_only_with_the_same_measure_group_and_source() {
        use Measure::{Killed, Wounded};
        let cases = [
            (
                claim(Killed, "civilians", Some("SOHR"), 5, 0),
                claim(Wounded, "civilians", Some("SOHR"), 5, 0),
                "measure",
            ),
            (
                claim(Killed, "civilians", Some("SOHR"), 5, 0),
                claim(Killed, "police", Some("SOHR"), 5, 0),
                "group",
            ),
            (
                claim(Killed, "civilians", Some("SOHR"), 5, 0),
                claim(Killed, "civilians", None, 5, 0),
                "source",
            ),
        ];
        for (old, new, why) in cases {
            let changes = diff_claims(&[old], &[new]);

            assert_eq!(
                changes,
                vec![ClaimChange::Removed(0), ClaimChange::Added(0)],
                "{why}"
            );
        }
    }

    #[test]
    fn a_claim_keeps_its_match_when_a_new_figure_is_added_before_it() {
        use Measure::Killed;
        let old = [
            claim(Killed, "civilians", None, 15, 10),
            claim(Killed, "civilians", None, 12, 100),
        ];
        let new = [
            claim(Killed, "civilians", None, 19, 10),
            claim(Killed, "civilians", None, 15, 60),
            claim(Killed, "civilians", None, 12, 150),
        ];

        let changes = diff_claims(&old, &new);

        assert_eq!(
            changes,
            vec![
                ClaimChange::Added(0),
                ClaimChange::Unchanged { old: 0, new: 1 },
                ClaimChange::Unchanged { old: 1, new: 2 }
            ]
        );
    }

    #[test]
    fn a_total_is_matched_with_a_total_rather_than_a_nearer_part() {
        use Measure::Killed;
        let old = [
            claim(Killed, "civilians", None, 9, 10),
            claim(Measure::Missing, "civilians", None, 2, 100),
        ];
        let part = ExtractedClaim {
            part_of: Some(1),
            ..claim(Killed, "civilians", None, 3, 12)
        };
        let new = [
            part,
            claim(Killed, "civilians", None, 14, 60),
            claim(Measure::Missing, "civilians", None, 2, 100),
        ];

        let changes = diff_claims(&old, &new);

        assert_eq!(
            changes,
            vec![
                ClaimChange::Added(0),
                ClaimChange::Changed { old: 0, new: 1 },
                ClaimChange::Unchanged { old: 1, new: 2 }
            ]
        );
    }

    #[test]
    fn a_removed_claim_is_listed_after_the_claim_that_preceded_it() {
        use Measure::{Killed, Missing, Wounded};
        let old = [
            claim(Killed, "civilians", None, 9, 10),
            claim(Missing, "civilians", None, 3, 50),
            claim(Wounded, "civilians", None, 20, 90),
        ];
        let new = [
            claim(Killed, "civilians", None, 14, 10),
            claim(Wounded, "civilians", None, 31, 70),
        ];

        let changes = diff_claims(&old, &new);

        assert_eq!(
            changes,
            vec![
                ClaimChange::Changed { old: 0, new: 0 },
                ClaimChange::Removed(1),
                ClaimChange::Changed { old: 2, new: 1 }
            ]
        );
        assert!(diff_claims(&[], &[]).is_empty());
    }

    #[test]
    fn a_qualifier_or_range_change_is_a_change() {
        let base = claim(Measure::Killed, "civilians", None, 15, 0);
        let at_least = ExtractedClaim {
            qualifier: Qualifier::AtLeast,
            ..base.clone()
        };
        let range = ExtractedClaim {
            value_max: Some(20),
            ..base.clone()
        };
        for new in [at_least, range] {
            assert_eq!(
                diff_claims(std::slice::from_ref(&base), &[new]),
                vec![ClaimChange::Changed { old: 0, new: 0 }]
            );
        }
    }

    #[test]
    fn a_change_is_described_with_qualifiers_and_ranges() {
        let base = claim(Measure::Killed, "civilians", None, 15, 0);
        let with = |value: i64, value_max: Option<i64>, qualifier: Qualifier| ExtractedClaim {
            value,
            value_max,
            qualifier,
            ..base.clone()
        };
        let cases = [
            (
                with(15, None, Qualifier::AtLeast),
                with(19, None, Qualifier::Exact),
                "killed · civilians: at least 15 → 19",
            ),
            (
                with(80, Some(100), Qualifier::Exact),
                with(120, None, Qualifier::Approx),
                "killed · civilians: 80–100 → about 120",
            ),
            (
                with(40, None, Qualifier::AtMost),
                with(40, None, Qualifier::Exact),
                "killed · civilians: up to 40 → 40",
            ),
            (
                with(9, None, Qualifier::Exact),
                with(9, None, Qualifier::Exact),
                "killed · civilians: 9",
            ),
        ];
        for (old, new, expected) in cases {
            assert_eq!(describe_change(&old, &new), expected);
        }
        let attributed = ExtractedClaim {
            measure: Measure::Wounded,
            source: Some(" the White Helmets ".into()),
            ..with(31, None, Qualifier::Exact)
        };
        assert_eq!(
            describe_change(&with(20, None, Qualifier::Approx), &attributed),
            "wounded · civilians · the White Helmets: about 20 → 31"
        );
    }
}
