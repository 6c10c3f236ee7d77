//! Figures: digits in three scripts with separators and scale words, number words with their
//! compounds and clitics, Arabic duals, ranges; and the filters that set aside dates, ages,
//! distances, durations, page chrome and other numbers that are not claims.

use super::doc::Doc;
use super::lexicon::{Kind, Lexicon, Match};
use super::text::{digit_value, is_arabic_letter};
use super::tokens::TokKind;

#[derive(Debug, Clone)]
pub(crate) struct NumExpr {
    pub value: i64,
    pub value_max: Option<i64>,
    /// Token range of the figure.
    pub s: usize,
    pub e: usize,
    /// An Arabic dual noun ("جنديين"): the figure is its own noun.
    pub dual: bool,
    /// Joined to what precedes by a conjunction ("وتسعة", "and 43").
    pub conj: bool,
    pub valid: bool,
    digits: Option<String>,
    decimal: bool,
    /// Written with a thousands separator ("2,000"): never a year.
    grouped: bool,
    /// Digits with a letter glued after them ("20p", "3K").
    glued: bool,
}

const CAP: i64 = 1_000_000_000_000;

/// Digits read from a number token: the value, its digits, whether a decimal separator was
/// read, and whether a thousands separator was.
struct Digits {
    value: f64,
    digits: String,
    decimal: bool,
    grouped: bool,
}

/// Parses the digits of a number token: thousands separators, one decimal separator, or both
/// ("100,000.0", "6.700,54"). A decimal whose fraction is all zeros is whole.
fn parse_digits(raw: &str) -> Option<Digits> {
    if raw.contains(':') {
        return None;
    }
    let mut groups: Vec<String> = vec![String::new()];
    let mut seps: Vec<char> = Vec::new();
    for c in raw.chars() {
        if let Some(d) = digit_value(c) {
            if let Some(g) = groups.last_mut() {
                g.push(char::from(b'0' + d as u8));
            }
        } else {
            seps.push(c);
            groups.push(String::new());
        }
    }
    let all: String = groups.concat();
    if all.len() > 15 {
        return None;
    }
    let whole = |v: f64, digits: String, grouped: bool| Digits {
        value: v,
        digits,
        decimal: false,
        grouped,
    };
    if seps.is_empty() {
        return Some(whole(all.parse::<f64>().ok()?, all, false));
    }
    let thousands = |seps: &[char], groups: &[String]| {
        seps.iter().all(|c| *c == seps[0])
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
    };
    if thousands(&seps, &groups) && !(seps.len() == 1 && matches!(seps[0], '٫')) {
        return Some(whole(all.parse::<f64>().ok()?, all, true));
    }
    // A decimal part after the integer part (itself plain or grouped).
    let last = seps.len() - 1;
    let int_ok = last == 0 || (seps[last] != seps[0] && thousands(&seps[..last], &groups[..=last]));
    if !int_ok {
        return None;
    }
    let int: String = groups[..=last].concat();
    let frac = &groups[last + 1];
    let v: f64 = format!("{int}.{frac}").parse().ok()?;
    if frac.bytes().all(|b| b == b'0') {
        return Some(whole(v, int, last > 0));
    }
    Some(Digits {
        value: v,
        digits: all,
        decimal: true,
        grouped: last > 0,
    })
}

/// A number read word by word: `total` holds the parts closed by a multiplier of a thousand
/// or more, `cur` the part being read, `last` the last value or multiplier added.
#[derive(Debug, Default, Clone, Copy)]
struct Acc {
    total: i64,
    cur: i64,
    last: i64,
    started: bool,
    after_mult: bool,
}

impl Acc {
    fn value(&self) -> i64 {
        self.total.saturating_add(self.cur).min(CAP)
    }

    /// Whether value `v` continues the number read so far.
    fn continues(&self, v: i64, connected: bool) -> bool {
        let last = self.last;
        !self.started
            || connected
            || self.after_mult
            // twenty-one, ochenta y cinco after its connector, soixante-dix-sept
            || (last >= 20 && v < last && v < 10)
            // three hundred five, doscientos cuarenta
            || (last >= 100 && v < 100)
            // soixante-dix, quatre-vingt-onze
            || (matches!(last, 60 | 80) && (10..20).contains(&v))
            // dix-sept, soixante-dix-huit
            || (last == 10 && (7..10).contains(&v))
            // quatre-vingt
            || (last == 4 && v == 20)
    }

    /// Adds a value word; false when it cannot continue this number.
    fn add(&mut self, v: i64, connected: bool) -> bool {
        if !self.continues(v, connected) {
            return false;
        }
        if self.started && self.last == 4 && v == 20 && !connected && self.cur % 10 == 4 {
            // "quatre-vingt": four twenties.
            self.cur += 76;
            self.last = 80;
        } else {
            self.cur = self.cur.saturating_add(v).min(CAP);
            self.last = v;
        }
        self.started = true;
        self.after_mult = false;
        true
    }

    /// Applies a multiplier; false when it cannot apply here (a bare plural "thousands").
    fn mult(&mut self, mv: i64, plural: bool, connected: bool) -> bool {
        if plural && self.cur == 0 {
            return false;
        }
        if self.started && connected && self.cur == 0 && self.total == 0 {
            return false;
        }
        if mv >= 1000 {
            if self.cur == 0 && self.total > 0 {
                if mv <= self.total {
                    return false;
                }
                // "three thousand million"
                self.total = self.total.saturating_mul(mv).min(CAP);
            } else {
                self.total = self
                    .total
                    .saturating_add(self.cur.max(1).saturating_mul(mv))
                    .min(CAP);
                self.cur = 0;
            }
        } else {
            self.cur = self.cur.max(1).saturating_mul(mv).min(CAP);
        }
        self.last = mv;
        self.after_mult = true;
        self.started = true;
        true
    }

    /// Adds one piece of a hyphenated or joined number word.
    fn piece(&mut self, k: Kind, connected: bool) -> bool {
        match k {
            Kind::Value(v) | Kind::WeakValue(v, _) => self.add(v, connected),
            Kind::One => self.add(1, connected),
            Kind::Mult(mv) => self.mult(mv, false, connected),
            Kind::PluralMult(mv) => self.mult(mv, true, connected),
            _ => false,
        }
    }
}

/// The pieces of a word that is not itself in the lexicon: a hyphenated number
/// ("quatre-vingt-dix-neuf", "twenty-one") or one written joined ("ventuno"). False when it is
/// not made entirely of number pieces.
fn word_pieces(doc: &Doc, lx: &Lexicon, k: usize, out: &mut Vec<Kind>) -> bool {
    out.clear();
    if !doc.is_word(k) {
        return false;
    }
    let w = doc.t.norm(k);
    if w.contains('-') {
        for part in w.split('-') {
            match lx.number_piece(part) {
                Some(kind) => out.push(kind),
                None => {
                    if !lx.split_joined(part, out) {
                        out.clear();
                        return false;
                    }
                }
            }
        }
        return out.len() > 1;
    }
    lx.split_joined(w, out)
}

/// Reads the pieces into a copy of `acc`, which replaces it when all of them fit.
fn feed_pieces(acc: &mut Acc, pieces: &[Kind], mut connected: bool) -> bool {
    let mut a = *acc;
    for &k in pieces {
        if k == Kind::NumConn {
            if !a.started || connected {
                return false;
            }
            connected = true;
            continue;
        }
        if !a.piece(k, connected) {
            return false;
        }
        connected = false;
    }
    if connected || !a.started {
        return false;
    }
    *acc = a;
    true
}

fn is_number_kind(k: Kind) -> bool {
    matches!(
        k,
        Kind::Value(_)
            | Kind::TeenBase(_)
            | Kind::Mult(_)
            | Kind::PluralMult(_)
            | Kind::One
            | Kind::WeakValue(..)
    )
}

/// A number word (or a hyphenated or joined one) starts at token `k`.
fn starts_number(doc: &Doc, lx: &Lexicon, k: usize, scratch: &mut Vec<Kind>) -> bool {
    doc.at(k)
        .iter()
        .any(|m| m.len == 1 && is_number_kind(m.kind))
        || (doc.at(k).is_empty() && word_pieces(doc, lx, k, scratch))
}

/// A word that is a number in one language only (es "once", it "due") reads as one when
/// a number word, or a noun or measure of that language, follows, or when that language's
/// toll preposition ("a") comes before it.
fn weak_value_holds(doc: &Doc, lx: &Lexicon, k: usize, li: u8, scratch: &mut Vec<Kind>) -> bool {
    let line = doc.t.toks[k].line;
    let next = k + 1;
    if next < doc.len() && doc.t.toks[next].line == line {
        if starts_number(doc, lx, next, scratch) {
            return true;
        }
        if doc.is_word(next) && lx.is_word_of(doc.t.norm(next), li) {
            return true;
        }
    }
    k > 0 && doc.has(k - 1, |kind| kind == Kind::TollTo(li))
}

/// A number read from words.
struct WordsRead {
    value: i64,
    end: usize,
    /// Joined to what precedes by a conjunction clitic.
    conj: bool,
    /// A claim figure may be read from it (not a lone article "un", not a decimal).
    counted: bool,
    decimal: bool,
}

/// Reads a run of number words starting at `i`.
fn parse_words(doc: &Doc, lx: &Lexicon, i: usize) -> Option<WordsRead> {
    let n = doc.len();
    let line = doc.t.toks[i].line;
    let mut acc = Acc::default();
    let mut j = i;
    let mut end = i;
    let mut conj_first = false;
    let mut ones = 0;
    let mut words = 0;
    let mut pieces: Vec<Kind> = Vec::new();
    let article = doc.at(i).iter().any(|m| match m.kind {
        Kind::Article(li) => doc.is_word(i + 1) && lx.is_word_of(doc.t.norm(i + 1), li),
        Kind::One => true,
        _ => false,
    });
    if article && doc.has(i + 1, |k| matches!(k, Kind::Mult(_))) {
        acc.cur = 1;
        j = i + 1;
    }
    while j < n && doc.t.toks[j].line == line && doc.t.toks[j].kind == TokKind::Word {
        let mut connected = false;
        let mut k = j;
        if acc.started
            && doc.has(j, |k| k == Kind::NumConn)
            && starts_number(doc, lx, j + 1, &mut pieces)
        {
            connected = true;
            k = j + 1;
        }
        let ms = doc.at(k);
        let single =
            |f: &dyn Fn(Kind) -> bool| ms.iter().find(|m| m.len == 1 && f(m.kind)).copied();
        if let Some(m) = single(&|k| is_number_kind(k) || k == Kind::TeenSuffix) {
            if m.conj && acc.started {
                connected = true;
            }
            if m.conj && !acc.started {
                conj_first = true;
            }
        }
        let teen_next = doc
            .at(k + 1)
            .iter()
            .any(|m| m.len == 1 && m.kind == Kind::TeenSuffix && !m.conj);
        let teen_base = single(&|k| matches!(k, Kind::TeenBase(_))).filter(|_| teen_next);
        // A multiplier word that is also a value ("ألفا") multiplies what precedes it.
        let mult_first = acc.started
            && acc.cur > 0
            && !acc.after_mult
            && single(&|k| matches!(k, Kind::Mult(_))).is_some();
        if let Some(m) = teen_base {
            let Kind::TeenBase(b) = m.kind else { break };
            if acc.started && !connected && !acc.after_mult {
                break;
            }
            acc.cur += b + 10;
            acc.last = b + 10;
            acc.started = true;
            acc.after_mult = false;
            j = k + 2;
        } else if let Some(m) = single(&|k| matches!(k, Kind::Value(_))).filter(|_| !mult_first) {
            let Kind::Value(v) = m.kind else { break };
            if !acc.continues(v, connected) {
                break;
            }
            if v < 10 && teen_next {
                acc.cur += v + 10;
                acc.last = v + 10;
                acc.started = true;
                acc.after_mult = false;
                j = k + 2;
            } else {
                acc.add(v, connected);
                j = k + 1;
            }
        } else if let Some(m) = single(&|k| matches!(k, Kind::Mult(_) | Kind::PluralMult(_))) {
            let (Kind::Mult(mv) | Kind::PluralMult(mv)) = m.kind else {
                break;
            };
            if !acc.mult(mv, matches!(m.kind, Kind::PluralMult(_)), connected) {
                break;
            }
            j = k + 1;
        } else if single(&|k| k == Kind::One).is_some() {
            if !acc.add(1, connected) {
                break;
            }
            ones += 1;
            j = k + 1;
        } else if let Some(m) = single(&|k| matches!(k, Kind::WeakValue(..))) {
            let Kind::WeakValue(v, li) = m.kind else {
                break;
            };
            if !acc.started && !weak_value_holds(doc, lx, k, li, &mut pieces) {
                break;
            }
            if !acc.add(v, connected) {
                break;
            }
            j = k + 1;
        } else if acc.started
            && !acc.after_mult
            && acc.total == 0
            && single(&|k| k == Kind::DecimalPoint).is_some()
        {
            // "two point two million"
            let mut frac = String::new();
            let mut m = k + 1;
            while m < n && doc.t.toks[m].line == line {
                match doc.find(m, |k| matches!(k, Kind::Value(_))) {
                    Some(Match {
                        kind: Kind::Value(d),
                        len: 1,
                        ..
                    }) if d < 10 => {
                        frac.push(char::from(b'0' + d as u8));
                        m += 1;
                    }
                    _ => break,
                }
            }
            if frac.is_empty() {
                break;
            }
            let v: f64 = format!("{}.{frac}", acc.cur).parse().unwrap_or(0.0);
            let scale = doc
                .find(m, |k| matches!(k, Kind::Mult(_) | Kind::PluralMult(_)))
                .filter(|x| x.len == 1)
                .and_then(|x| match x.kind {
                    Kind::Mult(mv) | Kind::PluralMult(mv) if mv >= 1000 => Some(mv),
                    _ => None,
                });
            let scaled = scale.map(|mv| v * mv as f64);
            return Some(match scaled {
                Some(x) if x.fract() == 0.0 && x < CAP as f64 => WordsRead {
                    value: x as i64,
                    end: m + 1,
                    conj: conj_first,
                    counted: true,
                    decimal: false,
                },
                _ => WordsRead {
                    value: 0,
                    end: m + usize::from(scale.is_some()),
                    conj: conj_first,
                    counted: false,
                    decimal: true,
                },
            });
        } else if ms
            .iter()
            .all(|m| m.len > 1 || !matches!(m.kind, Kind::NumConn))
            && word_pieces(doc, lx, k, &mut pieces)
        {
            if !feed_pieces(&mut acc, &pieces, connected) {
                break;
            }
            j = k + 1;
        } else {
            break;
        }
        words += 1;
        end = j;
    }
    if !acc.started {
        return None;
    }
    // "trente 3", "treinta y 3": tens in words, units in a digit.
    if (20..100).contains(&acc.last) && acc.last % 10 == 0 && !acc.after_mult {
        let mut k = end;
        let conn = doc.has(k, |k| k == Kind::NumConn);
        if conn {
            k += 1;
        }
        if k < n
            && doc.t.toks[k].line == line
            && doc.t.toks[k].kind == TokKind::Num
            && !doc.t.toks[k].glued
            && doc.t.raw(k).len() == 1
            && !(k + 1 < n && doc.t.toks[k + 1].kind == TokKind::Num)
        {
            if let Some(d) = doc.t.raw(k).chars().next().and_then(digit_value) {
                if d > 0 {
                    acc.cur += i64::from(d);
                    end = k + 1;
                }
            }
        }
    }
    Some(WordsRead {
        value: acc.value(),
        end,
        conj: conj_first,
        counted: !(ones == 1 && words == 1 && acc.total == 0 && acc.cur == 1),
        decimal: false,
    })
}

/// Digit groups written with spaces ("100 000", "3 000 000"): a token of one to three plain
/// digits followed by tokens of exactly three, each after a single space. Returns the end
/// token and the digits.
fn space_grouped(doc: &Doc, i: usize) -> Option<(usize, String)> {
    let toks = &doc.t.toks;
    let plain = |k: usize| doc.t.raw(k).chars().all(|c| digit_value(c).is_some());
    let first = doc.t.raw(i);
    if !plain(i) || first.chars().count() > 3 || toks[i].glued {
        return None;
    }
    let mut digits: String = first
        .chars()
        .filter_map(digit_value)
        .map(|d| char::from(b'0' + d as u8))
        .collect();
    let mut j = i + 1;
    while j < doc.len()
        && toks[j].kind == TokKind::Num
        && toks[j].line == toks[i].line
        && plain(j)
        && doc.t.raw(j).chars().count() == 3
        && matches!(
            &doc.t.text[toks[j - 1].end..toks[j].start],
            " " | "\u{00A0}" | "\u{202F}" | "\u{2009}"
        )
    {
        digits.extend(
            doc.t
                .raw(j)
                .chars()
                .filter_map(digit_value)
                .map(|d| char::from(b'0' + d as u8)),
        );
        j += 1;
    }
    // A date ("May 5 300") is not a number; nor is a run longer than the figures read here.
    if j == i + 1 || digits.len() > 12 || (i > 0 && doc.has(i - 1, |k| k == Kind::Month)) {
        return None;
    }
    Some((j, digits))
}

/// Digits written against the Arabic noun they count ("150شهيدا"): a count, not a unit or
/// code like "20p" or "3K".
fn arabic_noun_glued(doc: &Doc, lx: &Lexicon, k: usize) -> bool {
    doc.is_word(k)
        && doc.t.norm(k).chars().next().is_some_and(is_arabic_letter)
        && (doc.has(k, |k| matches!(k, Kind::Measure(_))) || lx.noun_class(doc.t.norm(k)).is_some())
}

pub(crate) fn find_numbers(doc: &Doc, lx: &Lexicon) -> Vec<NumExpr> {
    let n = doc.len();
    let mut out: Vec<NumExpr> = Vec::new();
    let mut i = 0;
    while i < n {
        let tk = &doc.t.toks[i];
        let mut expr = None;
        match tk.kind {
            TokKind::Num => {
                let raw = doc.t.raw(i);
                let read = match space_grouped(doc, i) {
                    Some((e, digits)) => digits.parse::<f64>().ok().map(|v| {
                        (
                            Digits {
                                value: v,
                                digits,
                                decimal: false,
                                grouped: true,
                            },
                            e,
                        )
                    }),
                    None => parse_digits(raw).map(|d| (d, i + 1)),
                };
                match read {
                    Some((d, e)) => {
                        let mut val = d.value;
                        let mut j = e;
                        let mut scaled = false;
                        // A multiplier after the digits, or glued to them ("450mila").
                        let glued = doc.t.toks[e - 1].glued && !arabic_noun_glued(doc, lx, e);
                        while j < n && (!glued || j == e) {
                            let Some(m) =
                                doc.find(j, |k| matches!(k, Kind::Mult(_) | Kind::PluralMult(_)))
                            else {
                                break;
                            };
                            let (Kind::Mult(mv) | Kind::PluralMult(mv)) = m.kind else {
                                break;
                            };
                            if m.len != 1 {
                                break;
                            }
                            val *= mv as f64;
                            scaled = true;
                            j += 1;
                        }
                        let valid = (scaled || !d.decimal) && val.is_finite() && val < CAP as f64;
                        expr = Some(NumExpr {
                            value: if valid { val.round() as i64 } else { 0 },
                            value_max: None,
                            s: i,
                            e: j,
                            dual: false,
                            conj: false,
                            valid,
                            digits: Some(d.digits),
                            decimal: d.decimal && !scaled,
                            grouped: d.grouped,
                            glued: glued && !scaled,
                        });
                    }
                    None => {
                        expr = Some(NumExpr {
                            value: 0,
                            value_max: None,
                            s: i,
                            e: i + 1,
                            dual: false,
                            conj: false,
                            valid: false,
                            digits: None,
                            decimal: false,
                            grouped: false,
                            glued: tk.glued,
                        });
                    }
                }
            }
            TokKind::Word
                if doc.at(i).is_empty()
                    && !doc.t.norm(i).contains('-')
                    && !lx.may_be_joined(doc.t.norm(i)) => {}
            TokKind::Word => {
                if let Some(w) = parse_words(doc, lx, i) {
                    expr = Some(NumExpr {
                        value: w.value,
                        value_max: None,
                        s: i,
                        e: w.end,
                        dual: false,
                        conj: w.conj,
                        valid: w.counted,
                        digits: None,
                        decimal: w.decimal,
                        grouped: false,
                        glued: false,
                    });
                } else if let Some(m) = doc.find(i, |k| k == Kind::Dual) {
                    expr = Some(NumExpr {
                        value: 2,
                        value_max: None,
                        s: i,
                        e: i + 1,
                        dual: true,
                        conj: m.conj,
                        valid: true,
                        digits: None,
                        decimal: false,
                        grouped: false,
                        glued: false,
                    });
                }
            }
            TokKind::Punct => {}
        }
        match expr {
            Some(x) => {
                i = x.e.max(i + 1);
                out.push(x);
            }
            None => i += 1,
        }
    }
    for x in out.iter_mut() {
        if doc
            .ending_at(x.s, |k| k == Kind::Conj || k == Kind::NumConn)
            .is_some()
        {
            x.conj = true;
        }
    }
    merge_ranges(doc, &mut out);
    for idx in 0..out.len() {
        if out[idx].valid && !is_claim_number(doc, lx, &out, idx) {
            out[idx].valid = false;
        }
    }
    out
}

fn punct_char(doc: &Doc, i: usize) -> Option<char> {
    if doc.is_punct(i) {
        doc.t.raw(i).chars().next()
    } else {
        None
    }
}

fn merge_ranges(doc: &Doc, xs: &mut Vec<NumExpr>) {
    let mut k = 0;
    while k + 1 < xs.len() {
        let (a, b) = (&xs[k], &xs[k + 1]);
        let gap = b.s.saturating_sub(a.e);
        let same_line = doc.t.toks[a.s].line == doc.t.toks[b.s].line;
        let mut range = false;
        let mut score = false;
        if same_line && a.valid && b.valid && !a.dual && !b.dual {
            let between_before = doc.ending_at(a.s, |k| k == Kind::Between).is_some();
            let change_before =
                (a.s.saturating_sub(4)..a.s).any(|j| doc.has(j, |k| k == Kind::Change));
            if gap == 1 {
                let mid = a.e;
                if let Some(c) = punct_char(doc, mid) {
                    if matches!(c, '-' | '–' | '—') {
                        let tight = !doc.t.toks[mid].space_before && !doc.t.toks[b.s].space_before;
                        range = b.value > a.value && (tight || c != '-');
                        score = !range && tight;
                    }
                } else if (between_before
                    && doc.has(mid, |k| k == Kind::RangeAnd || k == Kind::NumConn))
                    || (doc.has(mid, |k| k == Kind::RangeTo) && !change_before)
                {
                    range = b.value > a.value;
                }
            } else if gap == 0 && between_before && b.conj {
                range = b.value > a.value;
            }
        }
        if score {
            xs[k].valid = false;
            xs[k + 1].valid = false;
            k += 2;
            continue;
        }
        if range {
            let b = xs.remove(k + 1);
            xs[k].value_max = Some(b.value);
            xs[k].e = b.e;
        }
        k += 1;
    }
}

fn is_year_like(x: &NumExpr) -> bool {
    !x.grouped
        && x.e == x.s + 1
        && x.digits
            .as_deref()
            .is_some_and(|d| d.len() == 4 && (1800..=2100).contains(&d.parse::<i64>().unwrap_or(0)))
}

/// A figure that looks like a year is a count when a casualty noun or measure follows it
/// ("2000 killed", "1950 people") or when it follows a toll preposition with a measure word
/// just before ("the death toll rose to 2000"), in the same sentence.
fn counted_year(doc: &Doc, lx: &Lexicon, x: &NumExpr) -> bool {
    let n = doc.len();
    if x.e < n
        && (doc.has(x.e, |k| matches!(k, Kind::Measure(_)))
            || (doc.is_word(x.e) && lx.noun_class(doc.t.norm(x.e)).is_some()))
    {
        return true;
    }
    let Some(p) = x.s.checked_sub(1) else {
        return false;
    };
    if !doc.has(p, |k| matches!(k, Kind::TollTo(_))) {
        return false;
    }
    let line = doc.t.toks[x.s].line;
    (p.saturating_sub(5)..p).any(|j| {
        doc.t.toks[j].line == line
            && !doc.is_punct(j)
            && doc.has(j, |k| matches!(k, Kind::Measure(_)))
            && !(j + 1..p).any(|m| doc.t.toks[m].kind == TokKind::Num || doc.is_punct(m))
    })
}

/// Sets aside numbers that are not claims, from their neighbours.
fn is_claim_number(doc: &Doc, lx: &Lexicon, xs: &[NumExpr], idx: usize) -> bool {
    let x = &xs[idx];
    let n = doc.len();
    let toks = &doc.t.toks;
    if x.decimal || x.glued {
        return false;
    }
    if let Some(d) = &x.digits {
        if d.len() > 1 && d.starts_with('0') {
            return false;
        }
    }
    // Phone numbers and digit groups: two digit tokens side by side.
    let digit_tok = |i: usize| i < n && toks[i].kind == TokKind::Num;
    if (x.s > 0 && digit_tok(x.s - 1)) || digit_tok(x.e) {
        return false;
    }
    // The word after: a unit ("12 km", "19-year-old", "six hours", "%").
    let mut after = x.e;
    if punct_char(doc, after).is_some_and(|c| c == '-') && !toks[after].space_before {
        after += 1;
    }
    if doc.has(after, |k| matches!(k, Kind::Unit | Kind::Month)) {
        return false;
    }
    // "two Russian rockets", "three ballistic missiles": one modifier, then a unit (an
    // adjective before its noun: Latin script only; Arabic puts it after)
    if after + 1 < n
        && doc.is_word(after)
        && doc.t.raw(after).chars().all(|c| c < '\u{0250}')
        && !doc.has(after, |k| matches!(k, Kind::Measure(_)))
        && lx.noun_class(doc.t.norm(after)).is_none()
        && doc.is_word(after + 1)
        && doc.has(after + 1, |k| k == Kind::Unit)
    {
        return false;
    }
    // "17 de marzo", "17 de março", "the 17th of March": a short preposition, then a month
    if after + 1 < n
        && doc.is_word(after)
        && doc.t.raw(after).chars().count() <= 3
        && doc.has(after + 1, |k| k == Kind::Month)
    {
        return false;
    }
    // The word before: a date, a label, a currency, a month, "no one".
    let before = x.s.checked_sub(1);
    if let Some(b) = before {
        if doc.has(b, |k| {
            matches!(k, Kind::Label | Kind::Month | Kind::DenyNone)
        }) {
            return false;
        }
        if b > 0
            && doc
                .ending_at(x.s, |k| matches!(k, Kind::Label | Kind::Month))
                .is_some()
        {
            return false;
        }
    }
    // A numbered list item at the start of a line ("1.", "٢.").
    if toks[x.s].line_start && punct_char(doc, x.e).is_some_and(|c| matches!(c, '.' | ')')) {
        return false;
    }
    // Arithmetic: a captcha or a sum.
    let op = |c: char| matches!(c, '−' | '+' | '=' | '×' | '÷' | '*');
    if punct_char(doc, x.e).is_some_and(op)
        || before.and_then(|b| punct_char(doc, b)).is_some_and(op)
    {
        return false;
    }
    let line = toks[x.s].line;
    if (x.e..(x.e + 4).min(n)).any(|j| toks[j].line == line && punct_char(doc, j) == Some('=')) {
        return false;
    }
    if is_year_like(x) && x.value_max.is_none() && !counted_year(doc, lx, x) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_read_separators_in_three_scripts() {
        let cases = [
            ("40,000", Some(40000.0), "comma thousands"),
            ("200.000", Some(200000.0), "dot thousands"),
            ("١٬٢٠٠", Some(1200.0), "arabic thousands"),
            ("۳۵", Some(35.0), "extended digits"),
            ("1.28", Some(1.28), "decimal"),
            ("1,8", Some(1.8), "decimal comma"),
            ("11:05", None, "time"),
            ("100,000.0", Some(100000.0), "thousands and a zero decimal"),
            ("6.700,54", Some(6700.54), "dot thousands, decimal comma"),
            ("١٠٠٬٠٠٠٫٠", Some(100000.0), "arabic thousands and decimal"),
            ("1.2.3,4.5", None, "no pattern"),
        ];
        for (raw, want, why) in cases {
            assert_eq!(parse_digits(raw).map(|p| p.value), want, "{why}");
        }
    }
}
