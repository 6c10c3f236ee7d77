//! Dates mentioned in a text: "6 March", "March 6, 2023", "6 آذار/مارس", "18 mars", "14 de
//! octubre", and, when the publication date is known, relative words ("yesterday", "أمس",
//! "hier", "ayer", "ieri", "ontem", "today") and weekday names (the latest such day on or before
//! publication).
//!
//! A full date (with its year) that follows "since" within a few words ("the largest since the
//! earthquake of 17 August 1999", «منذ زلزال 17 أغسطس 1999», "depuis le 17 août 1999") is a
//! point of comparison in the past, not a day the text reports on, and is left out.

use super::normalize::fold;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A day named in a text; the year is unknown when neither the text nor the publication date
/// gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DayMention {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl DayMention {
    pub fn from_date(d: NaiveDate) -> Self {
        DayMention {
            year: Some(d.year()),
            month: d.month(),
            day: d.day(),
        }
    }

    fn as_date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, self.month, self.day)
    }

    /// Days between two mentions; without both years, the distance within a year (wrapping
    /// around New Year).
    pub fn distance(&self, other: &DayMention) -> Option<i64> {
        if let (Some(a), Some(b)) = (self.as_date(), other.as_date()) {
            return Some((a - b).num_days().abs());
        }
        let a = NaiveDate::from_ymd_opt(2000, self.month, self.day)?.ordinal() as i64;
        let b = NaiveDate::from_ymd_opt(2000, other.month, other.day)?.ordinal() as i64;
        let d = (a - b).abs();
        Some(d.min(366 - d))
    }
}

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("janvier", 1),
    ("janv", 1),
    ("enero", 1),
    ("ene", 1),
    ("gennaio", 1),
    ("janeiro", 1),
    ("يناير", 1),
    ("كانون الثاني", 1),
    ("جانفي", 1),
    ("february", 2),
    ("feb", 2),
    ("fevrier", 2),
    ("fevr", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("fevereiro", 2),
    ("فبراير", 2),
    ("شباط", 2),
    ("فيفري", 2),
    ("march", 3),
    ("mar", 3),
    ("mars", 3),
    ("marzo", 3),
    ("marco", 3),
    ("مارس", 3),
    ("اذار", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("abr", 4),
    ("aprile", 4),
    ("ابريل", 4),
    ("نيسان", 4),
    ("افريل", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("maio", 5),
    ("مايو", 5),
    ("ايار", 5),
    ("ماي", 5),
    ("june", 6),
    ("jun", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("junho", 6),
    ("يونيو", 6),
    ("حزيران", 6),
    ("جوان", 6),
    ("july", 7),
    ("jul", 7),
    ("juillet", 7),
    ("julio", 7),
    ("luglio", 7),
    ("julho", 7),
    ("يوليو", 7),
    ("تموز", 7),
    ("جويليه", 7),
    ("august", 8),
    ("aug", 8),
    ("aout", 8),
    ("agosto", 8),
    ("ago", 8),
    ("اغسطس", 8),
    ("اب", 8),
    ("اوت", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("settembre", 9),
    ("setembro", 9),
    ("سبتمبر", 9),
    ("ايلول", 9),
    ("october", 10),
    ("oct", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("outubro", 10),
    ("اكتوبر", 10),
    ("تشرين الاول", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("نوفمبر", 11),
    ("تشرين الثاني", 11),
    ("december", 12),
    ("dec", 12),
    ("decembre", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dicembre", 12),
    ("dezembro", 12),
    ("ديسمبر", 12),
    ("كانون الاول", 12),
];

/// Relative day words: offset from the publication date.
const RELATIVE: &[(&str, i64)] = &[
    ("yesterday", -1),
    ("امس", -1),
    ("بالامس", -1),
    ("hier", -1),
    ("ayer", -1),
    ("ieri", -1),
    ("ontem", -1),
    ("today", 0),
    ("اليوم", 0),
    ("aujourd hui", 0),
    ("hoy", 0),
    ("oggi", 0),
    ("hoje", 0),
];

/// Weekday names (0 = Monday).
const WEEKDAYS: &[(&str, u32)] = &[
    ("monday", 0),
    ("lundi", 0),
    ("lunes", 0),
    ("lunedi", 0),
    ("segunda feira", 0),
    ("الاثنين", 0),
    ("tuesday", 1),
    ("mardi", 1),
    ("martes", 1),
    ("martedi", 1),
    ("terca feira", 1),
    ("الثلاثاء", 1),
    ("wednesday", 2),
    ("mercredi", 2),
    ("miercoles", 2),
    ("mercoledi", 2),
    ("quarta feira", 2),
    ("الاربعاء", 2),
    ("thursday", 3),
    ("jeudi", 3),
    ("jueves", 3),
    ("giovedi", 3),
    ("quinta feira", 3),
    ("الخميس", 3),
    ("friday", 4),
    ("vendredi", 4),
    ("viernes", 4),
    ("venerdi", 4),
    ("sexta feira", 4),
    ("الجمعه", 4),
    ("saturday", 5),
    ("samedi", 5),
    ("sabado", 5),
    ("sabato", 5),
    ("السبت", 5),
    ("sunday", 6),
    ("dimanche", 6),
    ("domingo", 6),
    ("domenica", 6),
    ("الاحد", 6),
];

/// FNV-1a: day words are short, so a simple hash beats SipHash here.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

const MONTH_TABLE: usize = 0;
const RELATIVE_TABLE: usize = 1;
const WEEKDAY_TABLE: usize = 2;

/// What one word may start, in each of the three tables.
#[derive(Default)]
struct DayWord {
    /// The value of the one-word entry.
    one: [Option<i64>; 3],
    /// Two-word entries starting with this word: second word and value.
    two: [Vec<(&'static str, i64)>; 3],
}

impl DayWord {
    /// The entry of `table` at word `i` (two-word entries first), with the number of words it
    /// spans; the first entry of a key wins, as in a scan of the table.
    fn lookup(&self, table: usize, words: &[&str], i: usize) -> Option<(i64, usize)> {
        if let Some(next) = words.get(i + 1) {
            if let Some((_, v)) = self.two[table].iter().find(|(k, _)| k == next) {
                return Some((*v, 2));
            }
        }
        self.one[table].map(|v| (v, 1))
    }
}

/// Month names, relative day words and weekday names, indexed by their (first) word.
type DayWords = HashMap<&'static str, DayWord, BuildHasherDefault<Fnv>>;

fn day_words() -> &'static DayWords {
    static WORDS: OnceLock<DayWords> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut map = DayWords::default();
        let mut add = |table: usize, entries: &mut dyn Iterator<Item = (&'static str, i64)>| {
            for (k, v) in entries {
                // folded words hold no spaces, so an entry of two words matches a word pair
                match k.split_once(' ') {
                    Some((first, rest)) => map.entry(first).or_default().two[table].push((rest, v)),
                    None => {
                        map.entry(k).or_default().one[table].get_or_insert(v);
                    }
                }
            }
        };
        add(
            MONTH_TABLE,
            &mut MONTHS.iter().map(|&(k, v)| (k, i64::from(v))),
        );
        add(RELATIVE_TABLE, &mut RELATIVE.iter().copied());
        add(
            WEEKDAY_TABLE,
            &mut WEEKDAYS.iter().map(|&(k, v)| (k, i64::from(v))),
        );
        map
    })
}

fn day_number(w: &str) -> Option<u32> {
    if w.len() > 2 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    w.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_number(w: &str) -> Option<i32> {
    if w.len() != 4 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    w.parse().ok().filter(|y| (1900..=2100).contains(y))
}

/// Words for "since" (folded), before a past point of comparison.
const SINCE: &[&str] = &["since", "depuis", "desde", "dal", "dalla", "dallo", "منذ"];

/// How many words may stand between "since" and the date ("the earthquake of").
const SINCE_REACH: usize = 4;

/// Whether "since" stands within [`SINCE_REACH`] words before word `i`.
fn after_since(words: &[&str], i: usize) -> bool {
    words[i.saturating_sub(SINCE_REACH)..i.min(words.len())]
        .iter()
        .any(|w| SINCE.contains(w))
}

fn year_after(words: &[&str], mut j: usize) -> Option<i32> {
    if j < words.len() && matches!(words[j], "de" | "del" | "di") {
        j += 1;
    }
    words.get(j).and_then(|w| year_number(w))
}

fn complete(
    year: Option<i32>,
    month: u32,
    day: u32,
    published: Option<NaiveDate>,
) -> Option<DayMention> {
    NaiveDate::from_ymd_opt(2000, month, day)?;
    let year = year.or_else(|| {
        let p = published?;
        let this = NaiveDate::from_ymd_opt(p.year(), month, day)?;
        Some(if this > p + Duration::days(7) {
            p.year() - 1
        } else {
            p.year()
        })
    });
    Some(DayMention { year, month, day })
}

/// Days mentioned in `text` (deduplicated, in order of appearance).
pub fn find_dates(text: &str, published: Option<NaiveDate>) -> Vec<DayMention> {
    let mut out: Vec<DayMention> = Vec::new();
    for line in text.lines() {
        for m in find_dates_in_line(line, published) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

fn find_dates_in_line(text: &str, published: Option<NaiveDate>) -> Vec<DayMention> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<DayMention> = Vec::new();
    fn push(m: Option<DayMention>, out: &mut Vec<DayMention>) {
        if let Some(m) = m {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    let day_words = day_words();
    // past a second name of the same month, as Arabic gives two ("6 آذار/مارس 2023")
    let past_other_name = |j: usize| -> usize {
        words
            .get(j)
            .and_then(|w| day_words.get(w))
            .and_then(|e| e.lookup(MONTH_TABLE, &words, j))
            .map_or(j, |(_, n)| j + n)
    };
    let mut i = 0;
    while i < words.len() {
        let Some(entry) = day_words.get(words[i]) else {
            i += 1;
            continue;
        };
        if let Some((month, n)) = entry.lookup(MONTH_TABLE, &words, i) {
            let month = month as u32;
            // DAY [de] MONTH [de] [YEAR]
            let before = if i >= 1 && matches!(words[i - 1], "de" | "del") && i >= 2 {
                i - 2
            } else {
                i.wrapping_sub(1)
            };
            let day_before = words.get(before).and_then(|w| day_number(w));
            if let Some(day) = day_before {
                let year = year_after(&words, past_other_name(i + n));
                if !(year.is_some() && after_since(&words, before)) {
                    push(complete(year, month, day, published), &mut out);
                }
            } else if let Some(day) = words.get(i + n).and_then(|w| day_number(w)) {
                // MONTH DAY [YEAR]
                let year = year_after(&words, i + n + 1);
                if !(year.is_some() && after_since(&words, i)) {
                    push(complete(year, month, day, published), &mut out);
                }
            }
            i = past_other_name(i + n);
            continue;
        }
        if let Some(p) = published {
            if let Some((off, n)) = entry.lookup(RELATIVE_TABLE, &words, i) {
                push(
                    Some(DayMention::from_date(p + Duration::days(off))),
                    &mut out,
                );
                i += n;
                continue;
            }
            if let Some((wd, n)) = entry.lookup(WEEKDAY_TABLE, &words, i) {
                push(
                    Some(DayMention::from_date(weekday_on_or_before(p, wd as u32))),
                    &mut out,
                );
                i += n;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The latest day on or before `day` that falls on weekday `wd` (0 = Monday).
fn weekday_on_or_before(day: NaiveDate, wd: u32) -> NaiveDate {
    let back = (day.weekday().num_days_from_monday() + 7 - wd) % 7;
    day - Duration::days(i64::from(back))
}

/// The days the weekdays named in `text` stand for ("said Friday", «يوم السبت», "samedi"): the
/// latest such day on or before `reported` (the article's own day), else, for an undated
/// article, the first such day on or after `event_start` (reports name the days after an
/// incident, within its week).
pub fn weekdays_named(
    text: &str,
    reported: Option<NaiveDate>,
    event_start: Option<NaiveDate>,
) -> Vec<NaiveDate> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let day_words = day_words();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let Some((wd, n)) = day_words
            .get(words[i])
            .and_then(|e| e.lookup(WEEKDAY_TABLE, &words, i))
        else {
            i += 1;
            continue;
        };
        let wd = wd as u32;
        let day = if let Some(p) = reported {
            Some(weekday_on_or_before(p, wd))
        } else {
            event_start.map(|s| {
                let ahead = (wd + 7 - s.weekday().num_days_from_monday()) % 7;
                s + Duration::days(ahead as i64)
            })
        };
        out.extend(day);
        i += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(m: u32, d: u32) -> DayMention {
        DayMention {
            year: None,
            month: m,
            day: d,
        }
    }

    #[test]
    fn explicit_dates_are_read_in_every_language() {
        assert_eq!(
            find_dates("ظهر يوم الإثنين 6 آذار/مارس", None),
            vec![md(3, 6)]
        );
        assert_eq!(
            find_dates("IDLIB, Syria, March 6 (Meridian News)", None),
            vec![md(3, 6)]
        );
        assert_eq!(find_dates("BEYROUTH, 18 mars (AFP)", None), vec![md(3, 18)]);
        assert_eq!(
            find_dates("Santiago de Chile, 14 oct (EFE)", None),
            vec![md(10, 14)]
        );
        assert_eq!(
            find_dates("el 14 de octubre de 2019", None),
            vec![DayMention {
                year: Some(2019),
                month: 10,
                day: 14
            }]
        );
        // a month's two Arabic names before its year
        let y = |year, month, day| DayMention {
            year: Some(year),
            month,
            day,
        };
        assert_eq!(
            find_dates("زلزال 17 أغسطس/آب 1999 في تركيا", None),
            vec![y(1999, 8, 17)]
        );
        assert_eq!(
            find_dates("يوم 6 شباط/فبراير 2023", None),
            vec![y(2023, 2, 6)]
        );
        // a past point of comparison after "since" is not a reported day; a day without a year
        // after it may be the start of what is reported
        for text in [
            "وتعد هذه الهزة الأكبر في تركيا منذ زلزال 17 أغسطس/آب 1999 الذي تسبب في مقتل 17 ألف شخص",
            "the strongest quake to hit Turkey since the earthquake of August 17, 1999",
            "le plus meurtrier depuis le séisme du 17 août 1999",
            "el peor desde el terremoto del 17 de agosto de 1999",
            "il più forte dal terremoto del 17 agosto 1999",
        ] {
            assert_eq!(find_dates(text, None), vec![], "{text}");
        }
        assert_eq!(
            find_dates("depuis le 6 février, les secours cherchent", None),
            vec![md(2, 6)]
        );
        assert_eq!(
            find_dates("الأحد 12 مارس 2023", None),
            vec![DayMention {
                year: Some(2023),
                month: 3,
                day: 12
            }]
        );
        assert_eq!(find_dates("ceasefire in March 2020", None), vec![]);
    }

    #[test]
    fn relative_days_need_a_publication_date() {
        let p = NaiveDate::from_ymd_opt(2018, 5, 27).unwrap(); // a Sunday
        assert!(find_dates("أعلنت مصادر، أمس", None).is_empty());
        assert_eq!(
            find_dates("أعلنت مصادر، أمس", Some(p)),
            vec![DayMention::from_date(p - Duration::days(1))]
        );
        let wed = NaiveDate::from_ymd_opt(2018, 5, 23).unwrap();
        assert_eq!(
            find_dates("attacked on Wednesday", Some(p)),
            vec![DayMention::from_date(wed)]
        );
        assert_eq!(
            find_dates("بتاريخ 23 مايو", Some(p)),
            vec![DayMention::from_date(wed)]
        );
    }

    /// The scan the indexed tables replace.
    fn lookup_scan<T: Copy>(table: &[(&str, T)], words: &[&str], i: usize) -> Option<(T, usize)> {
        if i + 1 < words.len() {
            let two = format!("{} {}", words[i], words[i + 1]);
            if let Some((_, v)) = table.iter().find(|(k, _)| *k == two) {
                return Some((*v, 2));
            }
        }
        table
            .iter()
            .find(|(k, _)| *k == words[i])
            .map(|(_, v)| (*v, 1))
    }

    #[test]
    fn indexed_tables_answer_like_a_scan() {
        let mut text: Vec<&str> = vec!["de", "12", "x", "ال", "feira", "hui"];
        let keys = MONTHS
            .iter()
            .map(|(k, _)| *k)
            .chain(RELATIVE.iter().map(|(k, _)| *k))
            .chain(WEEKDAYS.iter().map(|(k, _)| *k));
        for k in keys {
            text.extend(k.split(' '));
            text.push("x");
        }
        let indexed = |table: usize, words: &[&str], at: usize| {
            day_words()
                .get(words[at])
                .and_then(|e| e.lookup(table, words, at))
        };
        let widen = |r: Option<(u32, usize)>| r.map(|(v, n)| (i64::from(v), n));
        for i in 0..text.len() {
            for j in [i, (i + 1) % text.len(), (i + 7) % text.len()] {
                let words = [text[i], text[j], "x"];
                for at in 0..2 {
                    assert_eq!(
                        indexed(MONTH_TABLE, &words, at),
                        widen(lookup_scan(MONTHS, &words, at))
                    );
                    assert_eq!(
                        indexed(RELATIVE_TABLE, &words, at),
                        lookup_scan(RELATIVE, &words, at)
                    );
                    assert_eq!(
                        indexed(WEEKDAY_TABLE, &words, at),
                        widen(lookup_scan(WEEKDAYS, &words, at))
                    );
                }
            }
        }
        assert_eq!(indexed(MONTH_TABLE, &["كانون", "الثاني"], 0), Some((1, 2)));
        assert_eq!(indexed(RELATIVE_TABLE, &["aujourd"], 0), None);
    }

    #[test]
    fn weekdays_are_read_against_the_report_else_the_week_after_the_incident() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        // 6 Feb 2023 was a Monday
        let start = Some(day(2023, 2, 6));
        assert_eq!(
            weekdays_named("the agency said Friday", None, start),
            vec![day(2023, 2, 10)]
        );
        assert_eq!(
            weekdays_named("Speaking on Saturday, Erdogan added", None, start),
            vec![day(2023, 2, 11)]
        );
        assert_eq!(
            weekdays_named("أعلنت الوكالة يوم السبت", None, start),
            vec![day(2023, 2, 11)]
        );
        assert_eq!(
            weekdays_named("a déclaré vendredi", Some(day(2023, 2, 12)), start),
            vec![day(2023, 2, 10)]
        );
        assert!(weekdays_named("the agency said", None, start).is_empty());
        assert!(weekdays_named("said Friday", None, None).is_empty());
    }

    #[test]
    fn distances_wrap_around_the_year_without_years() {
        assert_eq!(md(3, 6).distance(&md(3, 13)), Some(7));
        assert_eq!(md(12, 30).distance(&md(1, 2)), Some(3));
    }
}
