//! What narrows a figure's question beyond event, measure and group: the thing it counts, the
//! time or rate it is about, or the place a text divides a toll by. Two figures of one question
//! dispute each other only when their scopes are comparable (see [`relation`]).
//!
//! Scopes, read from the figure's own clause (the text between its neighbouring figures, cut at
//! clause breaks: `,` `;` `:`, "and", "while", «و», "et", "y", "e", …):
//! - `of:<kind>[/<noun>]`: an `unknown`-group figure whose subject is a thing or an attacker in
//!   the lexicon's terms ("3 cars" → `of:vehicles/car`, "23 terrorists" → `of:hostile`), so that
//!   it is not compared with people or bodies, nor cars with vehicles.
//! - `sub:children`, `sub:women`: people counted within a wider toll ("5 children", «أطفال»,
//!   "bambini"): compared only with the same subset, and accounted for by a toll of everyone.
//! - `per:day`: a rate ("15,000 a day", «يومياً», "par jour"), not a toll.
//! - `before:<year>`: the figure's sentence names a year earlier than the latest year of the text
//!   (the 1999 earthquake's toll in a 2023 report; a war-wide toll "since 2011").
//! - `in:<path>`: a place after a locative word ("in Turkey", «في سوريا», "na Turquia",
//!   "Turkey's toll"), as the gazetteer path of the place (`tr/tr.hatay`). Kept only where the
//!   article divides one measure by place (two or more distinct places among its figures of that
//!   measure); a single place is the event's own and narrows nothing. An area held by one side
//!   ("rebel-held areas", «مناطق سيطرة الحكومة») is a place of its own: `in:~rebel`, `in:~gov`.
//!
//! Call order: after extraction and [`super::infer_part_of`], on the same text and claims.

use super::gazetteer::Gazetteer;
use super::normalize::fold;
use crate::domain::extract::{Extractor, SubjectKind};
use crate::domain::quote::sentence_around;
use crate::domain::{ExtractedClaim, Measure, UNKNOWN_GROUP};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

/// The folded forms of a word list (ta marbuta, alef forms and accents folded as in the text).
fn folded(list: &[&str]) -> HashSet<String> {
    list.iter().map(|w| fold(w).trim().to_string()).collect()
}

fn locatives() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| folded(LOCATIVE))
}

fn clause_words() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| folded(CLAUSE_WORDS))
}

fn area_words() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| folded(AREA_WORDS))
}

fn area_sides() -> &'static HashMap<String, &'static str> {
    static MAP: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        AREA_SIDES
            .iter()
            .map(|(w, side)| (fold(w).trim().to_string(), *side))
            .collect()
    })
}

fn per_day() -> &'static Vec<String> {
    static LIST: OnceLock<Vec<String>> = OnceLock::new();
    LIST.get_or_init(|| {
        PER_DAY
            .iter()
            .map(|w| format!(" {} ", fold(w).trim()))
            .collect()
    })
}

/// Words after which a place is where a figure happened (folded).
const LOCATIVE: &[&str] = &[
    "in",
    "across",
    "inside",
    "throughout",
    "at",
    "en",
    "au",
    "aux",
    "dans",
    // (French "à" and Italian "a" fold to the English article "a": left out)
    "nel",
    "nella",
    "nei",
    "negli",
    "nelle",
    "em",
    "no",
    "na",
    "nos",
    "nas",
    "في",
    "داخل",
    "وفي",
];

/// Words that join two clauses: a place on the other side belongs to another figure (folded).
const CLAUSE_WORDS: &[&str] = &[
    "and",
    "while",
    "whereas",
    "but",
    "و",
    "بينما",
    "فيما",
    "وفي",
    "et",
    "tandis",
    "alors",
    "mais",
    "y",
    "mientras",
    "pero",
    "e",
    "mentre",
    "ma",
    "enquanto",
    "mas",
];

/// Words naming an area ("areas", "rebel-held", «مناطق»), folded.
const AREA_WORDS: &[&str] = &[
    "held",
    "controlled",
    "area",
    "areas",
    "parts",
    "zone",
    "zones",
    "territory",
    "territories",
    "regions",
    "tenues",
    "controlees",
    "zonas",
    "controladas",
    "controlados",
    "regiones",
    "aree",
    "controllate",
    "territori",
    "regioni",
    "areas",
    "regioes",
    "مناطق",
    "المناطق",
    "منطقة",
    "الخاضعة",
    "سيطرة",
    "لسيطرة",
];

/// Words naming the side that holds an area, folded, with the side's key.
const AREA_SIDES: &[(&str, &str)] = &[
    ("government", "gov"),
    ("regime", "gov"),
    ("state", "gov"),
    ("gouvernement", "gov"),
    ("gouvernementales", "gov"),
    ("gobierno", "gov"),
    ("regimen", "gov"),
    ("governo", "gov"),
    ("governative", "gov"),
    ("الحكومة", "gov"),
    ("النظام", "gov"),
    ("الحكومية", "gov"),
    ("الدولة", "gov"),
    ("rebel", "rebel"),
    ("rebels", "rebel"),
    ("opposition", "rebel"),
    ("insurgent", "rebel"),
    ("insurgents", "rebel"),
    ("rebelles", "rebel"),
    ("rebeldes", "rebel"),
    ("rebelde", "rebel"),
    ("oposicion", "rebel"),
    ("ribelli", "rebel"),
    ("opposizione", "rebel"),
    ("oposicao", "rebel"),
    ("المعارضة", "rebel"),
    ("الفصائل", "rebel"),
    ("المتمردين", "rebel"),
    ("الثوار", "rebel"),
];

/// A rate, right after a figure (folded).
const PER_DAY: &[&str] = &[
    "per day",
    "a day",
    "each day",
    "every day",
    "daily",
    "يوميا",
    "في اليوم",
    "كل يوم",
    "par jour",
    "chaque jour",
    "quotidiennement",
    "al dia",
    "por dia",
    "cada dia",
    "diariamente",
    "al giorno",
    "ogni giorno",
    "quotidianamente",
];

/// How one figure's scope stands to another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Same scope (or neither has one): the figures answer one question.
    Same,
    /// The first figure's scope lies inside the second's (a province inside the country, a
    /// country inside the event): it is a part, not a rival figure.
    Inside,
    /// The second's scope lies inside the first's.
    Encloses,
    /// Different things, times or places: never compared.
    Apart,
}

/// How scope `a` stands to scope `b` (see [`Relation`]).
pub fn relation(a: Option<&str>, b: Option<&str>) -> Relation {
    match (a, b) {
        (None, None) => Relation::Same,
        (Some(x), Some(y)) if x == y => Relation::Same,
        (Some(x), None) if x.starts_with("in:") || x.starts_with("sub:") => Relation::Inside,
        (None, Some(y)) if y.starts_with("in:") || y.starts_with("sub:") => Relation::Encloses,
        (Some(x), Some(y)) if x.starts_with("in:") && y.starts_with("in:") => {
            let (px, py) = (&x[3..], &y[3..]);
            if px.starts_with(py) && px[py.len()..].starts_with('/') {
                Relation::Inside
            } else if py.starts_with(px) && py[px.len()..].starts_with('/') {
                Relation::Encloses
            } else {
                Relation::Apart
            }
        }
        _ => Relation::Apart,
    }
}

/// How a scope reads in a reason ("in tr", "per day", "before 1999", "of vehicles").
pub fn describe(scope: &str) -> String {
    match scope.split_once(':') {
        Some(("in", "~gov")) => "in government-held areas".to_string(),
        Some(("in", "~rebel")) => "in opposition-held areas".to_string(),
        Some(("in", path)) => format!("in {}", place_label(path)),
        Some(("before", year)) => format!("in {year}"),
        Some(("of", what)) => format!("of {}", what.rsplit('/').next().unwrap_or(what)),
        Some(("per", unit)) => format!("per {unit}"),
        Some(("sub", who)) => format!("{who} only"),
        Some((kind, what)) => format!("{kind} {what}"),
        None => scope.to_string(),
    }
}

/// A readable label for the innermost place of a scope path: a country's code in capitals
/// ("TR"), else the key's last part in title case ("sy.deir_ez_zor.mayadin" → "Mayadin").
fn place_label(path: &str) -> String {
    let key = path.rsplit('/').next().unwrap_or(path);
    match key.rsplit_once('.') {
        None => key.to_uppercase(),
        Some((_, last)) => last
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The scope of each claim (see the module docs), in the claims' order.
pub fn infer_scopes(
    text: &str,
    claims: &[ExtractedClaim],
    extractor: &Extractor,
    gazetteer: &Gazetteer,
) -> Vec<Option<String>> {
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by_key(|&i| (claims[i].start, claims[i].end));
    let spans: Vec<(usize, usize)> = order
        .iter()
        .map(|&i| (claims[i].start, claims[i].end))
        .collect();
    let years = years_in(text, &spans);
    let latest_year = years.iter().map(|&(_, y)| y).max();
    let mut places: Vec<Option<String>> = vec![None; claims.len()];
    let mut other: Vec<Option<String>> = vec![None; claims.len()];
    for (k, &i) in order.iter().enumerate() {
        let c = &claims[i];
        let sentence = sentence_around(text, c.start, c.end);
        let s_from = sentence.as_ptr() as usize - text.as_ptr() as usize;
        let s_to = s_from + sentence.len();
        let prev_end = k
            .checked_sub(1)
            .map(|j| claims[order[j]].end)
            .filter(|&e| e > s_from && e <= c.start);
        let next_start = order
            .get(k + 1)
            .map(|&j| claims[j].start)
            .filter(|&s| s < s_to && s >= c.end);
        let before = &text[prev_end.unwrap_or(s_from).min(c.start)..c.start];
        let after = &text[c.end..next_start.unwrap_or(s_to).max(c.end)];
        other[i] = kind_scope(c, extractor)
            .or_else(|| rate_scope(after))
            .or_else(|| time_scope(&years, s_from, s_to, latest_year));
        places[i] = place_scope(before, after, gazetteer)
            .or_else(|| opening_place(&text[s_from..c.start], gazetteer));
    }
    // a national authority's toll of people of no named side, with no place of its own ("the
    // Turkish health minister said 20,213 died"), is its country's
    let nations: Vec<Option<String>> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let eligible = places[i].is_none()
                && other[i].is_none()
                && c.measure.is_harm_toll()
                && (c.group == UNKNOWN_GROUP || c.group == "civilians");
            eligible
                .then(|| c.source.as_deref().and_then(|s| extractor.nation_of(s)))
                .flatten()
                .map(|cc| format!("in:{cc}"))
        })
        .collect();
    // a place narrows a figure only where the article divides that measure (or another toll of
    // harm) by place
    let mut by_measure: HashMap<Measure, BTreeSet<&str>> = HashMap::new();
    for (c, p) in claims.iter().zip(places.iter().zip(&nations)) {
        if let Some(p) = p.0.as_ref().or(p.1.as_ref()) {
            by_measure.entry(c.measure).or_default().insert(p.as_str());
        }
    }
    // two places of which neither holds the other ("in Turkey" and "in Syria"; not "in Syria"
    // and "in Deir ez-Zor", which is one place named at two levels)
    let divided: BTreeSet<Measure> = by_measure
        .into_iter()
        .filter(|(_, s)| {
            s.iter().any(|a| {
                s.iter()
                    .any(|b| relation(Some(a), Some(b)) == Relation::Apart)
            })
        })
        .map(|(m, _)| m)
        .collect();
    // tolls of harm go together: an article that divides the dead by country ("20,318 in
    // Turkey", "3,513 in Syria") divides the injured by it too, even where it gives one
    // country's injured only
    let harm_divided = divided.iter().any(|m| m.is_harm_toll());
    let narrows = |m: Measure| divided.contains(&m) || (harm_divided && m.is_harm_toll());
    // ... where the article divides the toll by country
    if harm_divided {
        for (p, n) in places.iter_mut().zip(nations) {
            if p.is_none() {
                *p = n;
            }
        }
    }
    claims
        .iter()
        .zip(other)
        .zip(places)
        .map(|((c, o), p)| o.or_else(|| p.filter(|_| narrows(c.measure))))
        .collect()
}

fn kind_scope(c: &ExtractedClaim, extractor: &Extractor) -> Option<String> {
    let (kind, noun) = extractor.subject_kind(c.subject.as_deref()?)?;
    // a subset of people (children, women) is one whatever the group; things and attackers
    // only narrow figures of no named group
    if matches!(kind, SubjectKind::Children | SubjectKind::Women) {
        return Some(format!("sub:{}", kind.as_str()));
    }
    if c.group != UNKNOWN_GROUP {
        return None;
    }
    Some(if noun.is_empty() {
        format!("of:{}", kind.as_str())
    } else {
        format!("of:{}/{noun}", kind.as_str())
    })
}

fn rate_scope(after: &str) -> Option<String> {
    // the figure's own clause only: "a day" in the next clause is someone else's rate
    let f = fold(raw_clauses(after).into_iter().next().unwrap_or(""));
    let head: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).take(8).collect();
    let head = format!(" {} ", head.join(" "));
    per_day()
        .iter()
        .any(|p| head.contains(p.as_str()))
        .then(|| "per:day".to_string())
}

/// Four-digit years (1900–2099) standing alone in `text`, outside the claims' own spans (given
/// sorted by start), with their byte offsets, in text order.
fn years_in(text: &str, spans: &[(usize, usize)]) -> Vec<(usize, i32)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run == 0 {
            i += 1;
            continue;
        }
        let glued = |j: Option<&u8>| {
            j.is_some_and(|b| matches!(b, b',' | b'.') || b.is_ascii_alphanumeric())
        };
        let before_ok = i == 0
            || !glued(bytes.get(i - 1))
            || bytes[i - 1] == b'.' && i >= 2 && !bytes[i - 2].is_ascii_digit();
        let after = bytes.get(i + run);
        // "2023" ends a year; "2023rd", "2,023" or "2023.5" go on as something else
        let goes_on = after.is_some_and(u8::is_ascii_alphanumeric)
            || (matches!(after, Some(b',' | b'.'))
                && bytes.get(i + run + 1).is_some_and(u8::is_ascii_digit));
        if run == 4 && before_ok && !goes_on {
            // the last claim starting at or before i, if its span covers i
            let k = spans.partition_point(|&(st, _)| st <= i);
            let inside_claim = k > 0 && i < spans[k - 1].1.max(spans[k - 1].0 + 1);
            if let Ok(y) = text[i..i + 4].parse::<i32>() {
                if (1900..2100).contains(&y) && !inside_claim {
                    out.push((i, y));
                }
            }
        }
        i += run;
    }
    out
}

/// `before:<year>` when the sentence `from..to` names a year earlier than the text's latest.
fn time_scope(
    years: &[(usize, i32)],
    from: usize,
    to: usize,
    latest: Option<i32>,
) -> Option<String> {
    let latest = latest?;
    let a = years.partition_point(|&(p, _)| p < from);
    let b = years.partition_point(|&(p, _)| p < to);
    let year = years[a..b].iter().map(|&(_, y)| y).max()?;
    (year < latest).then(|| format!("before:{year}"))
}

/// Splits folded text into clauses at clause words (the word itself dropped).
fn clauses(folded: &str) -> Vec<Vec<&str>> {
    let mut out = vec![Vec::new()];
    for w in folded.split(' ').filter(|w| !w.is_empty()) {
        if clause_words().contains(w) {
            out.push(Vec::new());
            if w == fold("وفي").trim() {
                if let Some(last) = out.last_mut() {
                    last.push("في");
                }
            }
        } else if let Some(last) = out.last_mut() {
            last.push(w);
        }
    }
    out
}

/// Splits raw text at punctuation that ends a clause (a comma inside a number does not).
fn raw_clauses(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    for (i, ch) in text.char_indices() {
        let cut = match ch {
            ';' | ':' | '(' | ')' | '—' | '–' | '؛' | '،' => true,
            ',' => {
                !(i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
            }
            _ => false,
        };
        if cut {
            out.push(&text[from..i]);
            from = i + ch.len_utf8();
        }
    }
    out.push(&text[from..]);
    out
}

/// The place a clause puts a figure in: a gazetteer place right after a locative word (or an
/// Arabic "ب" glued to it), or right before "'s".
fn locative_place(words: &[&str], gazetteer: &Gazetteer) -> Option<String> {
    let folded = words.join(" ");
    let padded_starts: Vec<usize> = std::iter::once(0)
        .chain(folded.match_indices(' ').map(|(i, _)| i + 1))
        .collect();
    let mentions = gazetteer.find_folded(&folded);
    mentions.iter().find_map(|m| {
        let word_index = padded_starts.iter().rposition(|&s| s <= m.start)?;
        let word_start = padded_starts[word_index];
        let glued = &folded[word_start..m.start];
        let prev = word_index.checked_sub(1).map(|j| words[j]);
        let next = folded[m.end..].split(' ').find(|w| !w.is_empty());
        let locative = if glued.is_empty() {
            prev.is_some_and(|p| locatives().contains(p)) || next == Some("s")
        } else {
            glued.ends_with('ب')
        };
        locative.then(|| path_of(&m.key, gazetteer))
    })
}

/// An area held by one side ("rebel-held areas", «مناطق سيطرة الحكومة», "áreas controladas pelo
/// Governo"): `in:~gov` or `in:~rebel`. The side must stand within three words of the area word.
fn area_of(words: &[&str]) -> Option<String> {
    words.iter().enumerate().find_map(|(i, w)| {
        if !area_words().contains(*w) {
            return None;
        }
        let near = words[i.saturating_sub(3)..(i + 4).min(words.len())].iter();
        near.filter_map(|n| area_sides().get(*n))
            .map(|side| format!("in:~{side}"))
            .next()
    })
}

fn path_of(key: &str, gazetteer: &Gazetteer) -> String {
    let mut parts: Vec<&str> = gazetteer.ancestors(key);
    parts.reverse();
    parts.push(key);
    format!("in:{}", parts.join("/"))
}

fn place_scope(before: &str, after: &str, gazetteer: &Gazetteer) -> Option<String> {
    let raw_before = raw_clauses(before);
    let raw_after = raw_clauses(after);
    let own_before = fold(raw_before.last().copied().unwrap_or(""));
    let own_after = fold(raw_after.first().copied().unwrap_or(""));
    let before_clauses = clauses(&own_before);
    let after_clauses = clauses(&own_after);
    let own: Vec<&str> = before_clauses
        .last()
        .into_iter()
        .flatten()
        .chain(after_clauses.first().into_iter().flatten())
        .copied()
        .collect();
    area_of(&own).or_else(|| locative_place(&own, gazetteer))
}

/// "In Turkey, the toll rose to 20,318 with 80,052 injured": a short locative clause opening
/// the sentence (`prefix`, from the sentence's start to the figure) frames every figure of the
/// sentence that names no place of its own.
fn opening_place(prefix: &str, gazetteer: &Gazetteer) -> Option<String> {
    let raw = raw_clauses(prefix);
    if raw.len() < 2 {
        return None;
    }
    let lead = fold(raw[0]);
    let words: Vec<&str> = lead.split(' ').filter(|w| !w.is_empty()).collect();
    (words.len() <= 5)
        .then(|| area_of(&words).or_else(|| locative_place(&words, gazetteer)))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pipeline::read_claims;

    fn scopes(text: &str) -> Vec<(i64, Option<String>)> {
        let ex = Extractor::with_default_lexicons();
        let claims = read_claims(&ex, Gazetteer::builtin(), text);
        let s = infer_scopes(text, &claims, &ex, Gazetteer::builtin());
        claims.iter().map(|c| c.value).zip(s).collect()
    }

    fn scope_of(text: &str, value: i64) -> Option<String> {
        scopes(text)
            .into_iter()
            .find(|(v, _)| *v == value)
            .unwrap_or_else(|| panic!("no claim {value} in {:?}", scopes(text)))
            .1
    }

    #[test]
    fn a_toll_divided_by_country_scopes_each_part() {
        for text in [
            "The quake killed 20,318 people in Turkey and 3,513 in Syria, bringing the total to 23,831.",
            "Le séisme a fait 20318 morts en Turquie et 3513 morts en Syrie, soit 23831 morts au total.",
            "El terremoto dejó 20.318 muertos en Turquía y 3.513 muertos en Siria.",
            "أسفر الزلزال عن مقتل 20318 شخصا في تركيا و3513 شخصا في سوريا.",
            "O sismo matou 20318 pessoas na Turquia e 3513 pessoas na Síria.",
            "Il sisma ha ucciso 20318 persone in Turchia e 3513 persone in Siria.",
        ] {
            assert_eq!(scope_of(text, 20318).as_deref(), Some("in:tr"), "{text}");
            assert_eq!(scope_of(text, 3513).as_deref(), Some("in:sy"), "{text}");
        }
        assert_eq!(
            scope_of(
                "The quake killed 20,318 people in Turkey and 3,513 in Syria, bringing the total to 23,831.",
                23831
            ),
            None
        );
    }

    #[test]
    fn areas_held_by_one_side_divide_a_toll() {
        for text in [
            "The toll in Syria is 3,513, including 2,166 in rebel-held areas and 1,347 in government-controlled parts of the country.",
            "Nas áreas controladas pelo Governo, 1.262 pessoas morreram e outras 1.730 morreram em áreas rebeldes.",
            "قتل 711 شخصا في مناطق سيطرة الحكومة و733 شخصا في مناطق المعارضة.",
        ] {
            let s = scopes(text);
            let gov = s.iter().filter(|(_, x)| x.as_deref() == Some("in:~gov")).count();
            let rebel = s.iter().filter(|(_, x)| x.as_deref() == Some("in:~rebel")).count();
            assert_eq!((gov, rebel), (1, 1), "{text}: {s:?}");
        }
    }

    #[test]
    fn an_opening_place_clause_scopes_every_figure_of_its_sentence() {
        let text = "In Turkey, 20,318 people were killed. In Syria, 3,513 people died.";
        assert_eq!(scope_of(text, 20318).as_deref(), Some("in:tr"));
        assert_eq!(scope_of(text, 3513).as_deref(), Some("in:sy"));
        // the figures after the first take the opening place too, unless they name their own
        let text = "In Turkey, the death toll rose to 20,318 with 80,052 reported injured. \
                    In Syria, 3,513 people died and 5,273 were injured, 2,950 of them in rebel-held areas.";
        assert_eq!(scope_of(text, 80052).as_deref(), Some("in:tr"));
        assert_eq!(scope_of(text, 5273).as_deref(), Some("in:sy"));
        assert_eq!(scope_of(text, 2950).as_deref(), Some("in:~rebel"));
        let text = "وفي تركيا، ارتفعت الحصيلة إلى 20318 قتيلا و80052 جريحا. وفي سوريا، قتل 3513 شخصا وأصيب 5273 آخرون.";
        assert_eq!(scope_of(text, 80052).as_deref(), Some("in:tr"));
        assert_eq!(scope_of(text, 5273).as_deref(), Some("in:sy"));
        // a long opening clause is an aside, not a frame: where someone spoke
        let text = "In Syria, 3,513 died. Speaking in the southeastern city of Sanliurfa on Saturday, Erdogan added that 80,104 people had been injured in Turkey and 20 in Syria.";
        assert_ne!(scope_of(text, 80104).as_deref(), Some("in:tr/tr.sanliurfa"));
    }

    #[test]
    fn one_place_is_the_events_own_and_narrows_nothing() {
        let text = "An air strike killed 105 civilians in Mosul. Local reports said more than 200 people were killed in Mosul.";
        assert_eq!(scope_of(text, 105), None);
        assert_eq!(scope_of(text, 200), None);
    }

    #[test]
    fn a_place_named_at_two_levels_or_a_speakers_base_narrows_nothing() {
        let text = "Four Russian servicemen were killed in Syria's Deir ez-Zor. Two died in eastern Syria, the ministry said. A Britain-based war monitor said nine Russians were among 35 fighters killed.";
        for (value, scope) in scopes(text) {
            assert_eq!(scope, None, "{value}");
        }
    }

    #[test]
    fn things_and_attackers_are_their_own_kind() {
        assert_eq!(
            scope_of("The blast destroyed 3 cars and killed 5 people.", 3).as_deref(),
            Some("of:vehicles/car")
        );
        assert_eq!(
            scope_of("The army said 23 terrorists were killed.", 23).as_deref(),
            Some("of:hostile")
        );
        assert_eq!(scope_of("Rescuers recovered 5 bodies.", 5), None);
    }

    #[test]
    fn children_and_women_are_subsets_of_a_toll() {
        for (text, value) in [
            ("The strike killed 52 people, including 5 children.", 5),
            ("La frappe a fait 52 morts, dont cinq enfants.", 5),
            ("Il bilancio è di 50 vittime, di cui 10 bambini.", 10),
            ("قتل 52 شخصا بينهم 5 أطفال.", 5),
        ] {
            assert_eq!(
                scope_of(text, value).as_deref(),
                Some("sub:children"),
                "{text}"
            );
            assert_eq!(
                scope_of(text, if value == 10 { 50 } else { 52 }),
                None,
                "{text}"
            );
        }
    }

    #[test]
    fn a_national_authoritys_toll_is_its_countrys_where_the_article_divides_by_country() {
        let text = "In Syria, 3,513 people died. In Turkey, 20,318 people were killed. \
                    The Turkish health minister said 80,052 people were injured.";
        assert_eq!(scope_of(text, 80052).as_deref(), Some("in:tr"));
        let text = "وفي سوريا، قتل 3513 شخصا. وفي تركيا، قتل 20318 شخصا. وقالت وزارة الصحة التركية إن 80052 شخصا أصيبوا.";
        assert_eq!(scope_of(text, 80052).as_deref(), Some("in:tr"));
        // one country only: the speaker's nation narrows nothing
        let text = "In Syria, 26 soldiers died. The Russian Defence Ministry said 4 Russian soldiers were killed.";
        assert_eq!(scope_of(text, 4), None);
        let text = "In Syria, 26 people died. The Russian Defence Ministry said 4 Russian soldiers were killed.";
        assert_eq!(
            scope_of(text, 26),
            None,
            "a named side's toll divides nothing"
        );
        // the authority's nation is itself one of the places the toll is divided by
        for text in [
            "In Syria, 3,553 people died. The Turkish health minister said the toll had risen to 20,213.",
            "In Siria i morti sono 3.553. Il ministro della Salute turco ha annunciato che il bilancio è salito a 20.213 morti.",
        ] {
            assert_eq!(scope_of(text, 20213).as_deref(), Some("in:tr"), "{text}");
            assert_eq!(scope_of(text, 3553).as_deref(), Some("in:sy"), "{text}");
        }
    }

    #[test]
    fn people_mostly_women_and_children_are_everyone_not_a_subset() {
        for text in [
            "The strike killed 100 people, mostly women and children.",
            "قتل حوالي 100 شخص آخرين غالبيتهم من النساء والأطفال في القصف.",
            "La frappe a tué 100 personnes, pour la plupart des femmes et des enfants.",
            "El ataque mató a 100 personas, en su mayoría mujeres y niños.",
        ] {
            assert_eq!(scope_of(text, 100), None, "{text}");
        }
    }

    #[test]
    fn a_dual_of_a_thing_counts_that_thing() {
        // «قصف لمنزلين»: the bombing of two houses; the dual is its own noun
        let text = "وأن حوالي 100 شخص قُتلوا في قصف لمنزلين بالساحل الأيمن.";
        assert_eq!(
            scope_of(text, 2)
                .as_deref()
                .map(|s| s.starts_with("of:buildings")),
            Some(true)
        );
    }

    #[test]
    fn rates_and_earlier_years_are_not_tolls_of_the_event() {
        assert_eq!(
            scope_of(
                "Up to 15,000 people a day are fleeing the city, aid groups said in 2017.",
                15000
            )
            .as_deref(),
            Some("per:day")
        );
        assert_eq!(
            scope_of(
                "As many as 15,000 residents are fleeing the city daily, AFP reports.",
                15000
            )
            .as_deref(),
            Some("per:day")
        );
        let text =
            "The 2023 quake killed more than 500 people. The 1999 earthquake killed 17,000 people.";
        assert_eq!(scope_of(text, 17000).as_deref(), Some("before:1999"));
        assert_eq!(scope_of(text, 500), None);
    }

    #[test]
    fn scopes_read_as_words_in_reasons() {
        assert_eq!(describe("in:tr"), "in TR");
        assert_eq!(
            describe("in:sy/sy.deir_ez_zor/sy.deir_ez_zor.mayadin"),
            "in Mayadin"
        );
        assert_eq!(describe("in:~rebel"), "in opposition-held areas");
        assert_eq!(describe("before:1999"), "in 1999");
        assert_eq!(describe("of:vehicles/car"), "of car");
        assert_eq!(describe("per:day"), "per day");
    }

    #[test]
    fn scopes_relate_by_containment() {
        assert_eq!(relation(None, None), Relation::Same);
        assert_eq!(relation(Some("in:tr"), None), Relation::Inside);
        assert_eq!(relation(None, Some("in:tr")), Relation::Encloses);
        assert_eq!(
            relation(Some("in:tr/tr.hatay"), Some("in:tr")),
            Relation::Inside
        );
        assert_eq!(relation(Some("in:tr"), Some("in:sy")), Relation::Apart);
        assert_eq!(relation(Some("in:tr"), Some("in:trx")), Relation::Apart);
        assert_eq!(relation(Some("of:vehicles"), None), Relation::Apart);
        assert_eq!(relation(Some("per:day"), Some("per:day")), Relation::Same);
        assert_eq!(relation(Some("sub:children"), None), Relation::Inside);
        assert_eq!(
            relation(Some("sub:children"), Some("sub:women")),
            Relation::Apart
        );
    }
}
