//! Figures: digits in three scripts with separators and scale words, number words with their
//! compounds and clitics, Arabic duals, ranges; and the filters that set aside dates, ages,
//! distances, durations, page chrome and other numbers that are not claims.

use super::doc::Doc;
use super::lexicon::Kind;
use super::text::digit_value;
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
}

const CAP: i64 = 1_000_000_000_000;

/// Parses the digits of a number token: thousands separators, or one decimal separator.
fn parse_digits(raw: &str) -> Option<(f64, String, bool)> {
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
    if seps.is_empty() {
        return Some((all.parse::<f64>().ok()?, all, false));
    }
    let same = seps.iter().all(|c| *c == seps[0]);
    let thousands = same && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    if thousands && !(seps.len() == 1 && matches!(seps[0], '٫')) {
        return Some((all.parse::<f64>().ok()?, all, false));
    }
    if seps.len() == 1 {
        let v: f64 = format!("{}.{}", groups[0], groups[1]).parse().ok()?;
        return Some((v, all, true));
    }
    None
}

fn is_value_word(k: Kind) -> bool {
    matches!(
        k,
        Kind::Value(_) | Kind::TeenBase(_) | Kind::Mult(_) | Kind::Dual
    )
}

/// Reads a run of number words starting at `i`; returns the value and the end token.
fn parse_words(doc: &Doc, i: usize) -> Option<(i64, usize, bool)> {
    let n = doc.len();
    let line = doc.t.toks[i].line;
    let mut total: i64 = 0;
    let mut cur: i64 = 0;
    let mut last: i64 = 0;
    let mut started = false;
    let mut after_mult = false;
    let mut j = i;
    let mut end = i;
    let mut conj_first = false;
    if doc.has(i, |k| k == Kind::Article) && doc.has(i + 1, |k| matches!(k, Kind::Mult(_))) {
        cur = 1;
        j = i + 1;
    }
    while j < n && doc.t.toks[j].line == line && doc.t.toks[j].kind == TokKind::Word {
        let mut connected = false;
        let mut k = j;
        if started
            && doc.has(j, |k| k == Kind::NumConn)
            && doc
                .at(j + 1)
                .iter()
                .any(|m| is_value_word(m.kind) && m.kind != Kind::Dual)
        {
            connected = true;
            k = j + 1;
        }
        let ms = doc.at(k);
        let single =
            |f: &dyn Fn(Kind) -> bool| ms.iter().find(|m| m.len == 1 && f(m.kind)).copied();
        if let Some(m) = single(&|k| {
            matches!(
                k,
                Kind::Value(_)
                    | Kind::TeenBase(_)
                    | Kind::Mult(_)
                    | Kind::PluralMult(_)
                    | Kind::TeenSuffix
            )
        }) {
            if m.conj && started {
                connected = true;
            }
            if m.conj && !started {
                conj_first = true;
            }
        }
        let teen_next = doc
            .at(k + 1)
            .iter()
            .any(|m| m.len == 1 && m.kind == Kind::TeenSuffix && !m.conj);
        let teen_base = single(&|k| matches!(k, Kind::TeenBase(_))).filter(|_| teen_next);
        if let Some(m) = teen_base {
            let Kind::TeenBase(b) = m.kind else { break };
            if started && !connected && !after_mult {
                break;
            }
            cur += b + 10;
            last = b + 10;
            j = k + 2;
        } else if let Some(m) = single(&|k| matches!(k, Kind::Value(_))) {
            let Kind::Value(v) = m.kind else { break };
            let continues = !started
                || connected
                || after_mult
                || (last >= 20 && v < last && v < 10)
                || (last >= 100 && v < 100);
            if !continues {
                break;
            }
            if v < 10 && teen_next {
                cur += v + 10;
                last = v + 10;
                j = k + 2;
            } else {
                cur += v;
                last = v;
                j = k + 1;
            }
        } else if let Some(m) = single(&|k| matches!(k, Kind::Mult(_) | Kind::PluralMult(_))) {
            let (Kind::Mult(mv) | Kind::PluralMult(mv)) = m.kind else {
                break;
            };
            if matches!(m.kind, Kind::PluralMult(_)) && cur == 0 {
                break;
            }
            if started && connected && cur == 0 && total == 0 {
                break;
            }
            if mv >= 1000 {
                total = total.saturating_add(cur.max(1).saturating_mul(mv)).min(CAP);
                cur = 0;
            } else {
                cur = cur.max(1).saturating_mul(mv).min(CAP);
            }
            last = mv;
            j = k + 1;
            after_mult = true;
            started = true;
            end = j;
            continue;
        } else {
            break;
        }
        after_mult = false;
        started = true;
        end = j;
    }
    if !started {
        return None;
    }
    Some(((total + cur).min(CAP), end, conj_first))
}

/// A hyphenated number word ("twenty-one", "vingt-deux").
fn hyphen_compound(doc: &Doc, i: usize, lx: &super::lexicon::Lexicon) -> Option<i64> {
    let w = doc.t.norm(i);
    if !w.contains('-') {
        return None;
    }
    let mut sum = 0;
    for part in w.split('-') {
        sum += lx.single_value(part)?;
    }
    Some(sum)
}

pub(crate) fn find_numbers(doc: &Doc, lx: &super::lexicon::Lexicon) -> Vec<NumExpr> {
    let n = doc.len();
    let mut out: Vec<NumExpr> = Vec::new();
    let mut i = 0;
    while i < n {
        let tk = &doc.t.toks[i];
        let mut expr = None;
        match tk.kind {
            TokKind::Num => {
                let raw = doc.t.raw(i);
                match parse_digits(raw) {
                    Some((v, digits, decimal)) => {
                        let mut val = v;
                        let mut j = i + 1;
                        let mut scaled = false;
                        while j < n && !tk.glued {
                            let Some(m) =
                                doc.find(j, |k| matches!(k, Kind::Mult(_) | Kind::PluralMult(_)))
                            else {
                                break;
                            };
                            let (Kind::Mult(mv) | Kind::PluralMult(mv)) = m.kind else {
                                break;
                            };
                            if m.len != 1 || mv == 12 {
                                break;
                            }
                            val *= mv as f64;
                            scaled = true;
                            j += 1;
                        }
                        let valid = (scaled || !decimal) && val.is_finite() && val < CAP as f64;
                        expr = Some(NumExpr {
                            value: if valid { val.round() as i64 } else { 0 },
                            value_max: None,
                            s: i,
                            e: j,
                            dual: false,
                            conj: false,
                            valid,
                            digits: Some(digits),
                            decimal: decimal && !scaled,
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
                        });
                    }
                }
            }
            TokKind::Word if doc.at(i).is_empty() && !doc.t.norm(i).contains('-') => {}
            TokKind::Word => {
                if let Some((v, e, conj)) = parse_words(doc, i) {
                    expr = Some(NumExpr {
                        value: v,
                        value_max: None,
                        s: i,
                        e,
                        dual: false,
                        conj,
                        valid: true,
                        digits: None,
                        decimal: false,
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
                    });
                } else if let Some(v) = hyphen_compound(doc, i, lx) {
                    expr = Some(NumExpr {
                        value: v,
                        value_max: None,
                        s: i,
                        e: i + 1,
                        dual: false,
                        conj: false,
                        valid: true,
                        digits: None,
                        decimal: false,
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
        if out[idx].valid && !is_claim_number(doc, &out, idx) {
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
    x.digits
        .as_deref()
        .is_some_and(|d| d.len() == 4 && (1800..=2100).contains(&d.parse::<i64>().unwrap_or(0)))
}

/// Sets aside numbers that are not claims, from their neighbours.
fn is_claim_number(doc: &Doc, xs: &[NumExpr], idx: usize) -> bool {
    let x = &xs[idx];
    let n = doc.len();
    let toks = &doc.t.toks;
    if x.decimal || toks[x.s].glued || toks[x.e - 1].glued {
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
    if is_year_like(x) && x.value_max.is_none() {
        let noun_next = x.e < n && doc.has(x.e, |k| matches!(k, Kind::Measure(_)));
        if !noun_next {
            return false;
        }
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
        ];
        for (raw, want, why) in cases {
            assert_eq!(parse_digits(raw).map(|p| p.0), want, "{why}");
        }
    }
}
