//! Event titles named after what happened: the place, the day and the main measure (and the kind
//! of incident when the reports name one), in English and in Arabic, e.g. "Mayadin, 27 May 2018:
//! attack, killed" and "الميادين، 27 مايو 2018: هجوم، قتلى". Never a headline: a headline may be
//! about something else, or carry a site's name ("| نبض الشمال").

use super::dates::DayMention;
use super::events::{kind_names, EventSignature};
use super::gazetteer::{Gazetteer, Level};
use super::normalize::is_arabic;
use crate::domain::Measure;
use chrono::{Datelike, NaiveDate};

/// An event's title in English and in Arabic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTitle {
    pub en: String,
    pub ar: String,
}

/// English month names, as dates are written on English pages and in titles.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// CLDR's month names for `ar` (the corpus writes "23 مايو").
pub const MONTHS_AR: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// The measures a title names, most telling first; a crowd's size (`count`) names nothing.
const MEASURE_ORDER: [(Measure, &str, &str); 7] = [
    (Measure::Killed, "killed", "قتلى"),
    (Measure::Casualties, "casualties", "ضحايا"),
    (Measure::Wounded, "wounded", "جرحى"),
    (Measure::Missing, "missing", "مفقودون"),
    (Measure::Captured, "captured", "أسرى"),
    (Measure::Displaced, "displaced", "نازحون"),
    (Measure::Destroyed, "destroyed", "دمار"),
];

/// The place a signature is most about: the most strongly weighted place; among equals, one the
/// headline names, then a town before a site, a province or a country, then a curated place
/// before a world one (a world name is likelier a chance match), then the first key (so the
/// choice does not depend on the order the articles arrived in).
pub fn title_place<'g>(
    sig: &EventSignature,
    headline: &str,
    gazetteer: &'g Gazetteer,
) -> Option<&'g str> {
    let rank = |level: Level| match level {
        Level::Locality => 0,
        Level::Site => 1,
        Level::Province | Level::Region => 2,
        Level::Country => 3,
    };
    let in_headline: Vec<String> = gazetteer
        .find(headline)
        .into_iter()
        .map(|m| m.key)
        .collect();
    let curated = |key: &str| gazetteer.places().iter().any(|p| p.key == key);
    sig.places
        .iter()
        .filter_map(|(k, w)| gazetteer.place(k).map(|p| (p, *w)))
        .min_by(|(a, wa), (b, wb)| {
            wb.total_cmp(wa)
                .then(
                    in_headline
                        .contains(&b.key)
                        .cmp(&in_headline.contains(&a.key)),
                )
                .then(rank(a.level).cmp(&rank(b.level)))
                .then(curated(&b.key).cmp(&curated(&a.key)))
                .then(a.key.cmp(&b.key))
        })
        .map(|(p, _)| p.key.as_str())
}

/// The day an article dates its event by, when it gives one: its publication day, else the
/// earliest full date its text names, else the day its address names (`address_day`, see
/// [`crate::domain::url_date`]). The text's dates come before the address's because they name
/// the incident's day, the address only the report's.
pub fn article_day(
    published: Option<NaiveDate>,
    sig: &EventSignature,
    address_day: Option<NaiveDate>,
) -> Option<NaiveDate> {
    published
        .or_else(|| earliest_full_date(sig.dates.iter()))
        .or(address_day)
}

fn earliest_full_date<'a>(days: impl Iterator<Item = &'a DayMention>) -> Option<NaiveDate> {
    days.filter_map(|d| NaiveDate::from_ymd_opt(d.year?, d.month, d.day))
        .min()
}

/// The title of an event whose first report has signature `sig` and `headline`, dated `day`.
pub fn event_title(
    sig: &EventSignature,
    headline: &str,
    day: Option<NaiveDate>,
    gazetteer: &Gazetteer,
) -> EventTitle {
    let place = title_place(sig, headline, gazetteer).and_then(|k| gazetteer.place(k));
    let latin = place.and_then(|p| p.names.iter().find(|n| !n.chars().any(is_arabic)));
    let arabic = place.and_then(|p| p.names.iter().find(|n| n.chars().any(is_arabic)));
    let kind = kind_names(&sig.kinds).into_iter().next();
    let measure = MEASURE_ORDER
        .iter()
        .find(|(m, _, _)| sig.measures.contains(m));
    let en_what: Vec<&str> = kind
        .map(|k| k.1)
        .into_iter()
        .chain(measure.map(|m| m.1))
        .collect();
    let ar_what: Vec<&str> = kind
        .map(|k| k.2)
        .into_iter()
        .chain(measure.map(|m| m.2))
        .collect();
    let en_where = join(
        latin.or(arabic).map(String::as_str),
        day.map(|d| long_date(d, &MONTHS_EN)),
        ", ",
    );
    let ar_where = join(
        arabic.or(latin).map(String::as_str),
        day.map(|d| long_date(d, &MONTHS_AR)),
        "، ",
    );
    EventTitle {
        en: compose(en_where, &en_what.join(", "), "Event"),
        ar: compose(ar_where, &ar_what.join("، "), "حدث"),
    }
}

/// "8 April 2022" / "8 أبريل 2022".
fn long_date(d: NaiveDate, months: &[&str; 12]) -> String {
    format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
}

fn join(a: Option<&str>, b: Option<String>, sep: &str) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{a}{sep}{b}"),
        (Some(a), None) => a.to_string(),
        (None, Some(b)) => b,
        (None, None) => String::new(),
    }
}

fn compose(place_day: String, what: &str, fallback: &str) -> String {
    match (place_day.is_empty(), what.is_empty()) {
        (false, false) => format!("{place_day}: {what}"),
        (false, true) => place_day,
        (true, false) => format!("{fallback}: {what}"),
        (true, true) => fallback.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::linking::signature;

    fn sig(text: &str, measures: &[Measure]) -> EventSignature {
        let mut s = signature(text, "", None, &[], Gazetteer::builtin());
        s.measures.extend(measures.iter().copied());
        s
    }

    #[test]
    fn titles_name_place_day_kind_and_measure() {
        let s = sig(
            "Attack on Mayadin\nAn attack in Mayadin, in Deir ez-Zor province, killed nine.",
            &[Measure::Wounded, Measure::Killed],
        );
        let t = event_title(
            &s,
            "Attack on Mayadin",
            NaiveDate::from_ymd_opt(2018, 5, 27),
            Gazetteer::builtin(),
        );
        assert_eq!(t.en, "Mayadin, 27 May 2018: attack, killed");
        assert_eq!(t.ar, "الميادين، 27 مايو 2018: هجوم، قتلى");
    }

    #[test]
    fn titles_never_carry_headline_chrome() {
        let s = sig(
            "انفجار في محطة كراماتورسك | نبض الشمال\nقتل 50 شخصا في انفجار بمحطة كراماتورسك.",
            &[Measure::Killed],
        );
        let t = event_title(
            &s,
            "انفجار في محطة كراماتورسك | نبض الشمال",
            NaiveDate::from_ymd_opt(2022, 4, 8),
            Gazetteer::builtin(),
        );
        assert_eq!(t.en, "Kramatorsk, 8 April 2022: explosion, killed");
        assert_eq!(t.ar, "كراماتورسك، 8 أبريل 2022: انفجار، قتلى");
        assert!(!t.ar.contains("نبض"));
        // nothing known: a plain fallback
        let empty = event_title(&EventSignature::default(), "", None, Gazetteer::builtin());
        assert_eq!((empty.en.as_str(), empty.ar.as_str()), ("Event", "حدث"));
    }

    #[test]
    fn the_headline_decides_between_equal_places() {
        let mut s = sig("", &[Measure::Killed]);
        // as if both were named with the same weight (a chance match of a person's name)
        s.places.insert("ru.kamyshin".into(), 3.0);
        s.places.insert("ua.kramatorsk".into(), 3.0);
        let g = Gazetteer::builtin();
        assert_eq!(title_place(&s, "", g), Some("ru.kamyshin"));
        assert_eq!(
            title_place(&s, "Strike on Kramatorsk station", g),
            Some("ua.kramatorsk")
        );
    }

    #[test]
    fn the_day_comes_from_publication_then_text() {
        let s = sig("On 8 April 2022 a missile hit Kramatorsk.", &[]);
        let published = NaiveDate::from_ymd_opt(2022, 4, 9);
        assert_eq!(article_day(published, &s, None), published);
        assert_eq!(
            article_day(None, &s, None),
            NaiveDate::from_ymd_opt(2022, 4, 8)
        );
        // nothing dates it: the caller dates the event by the day it was stored
        assert_eq!(article_day(None, &EventSignature::default(), None), None);
    }

    #[test]
    fn an_articles_day_falls_back_to_the_day_its_address_names() {
        let address = NaiveDate::from_ymd_opt(2022, 4, 9);
        let dated = sig("On 8 April 2022 a missile hit Kramatorsk.", &[]);
        assert_eq!(
            article_day(None, &dated, address),
            NaiveDate::from_ymd_opt(2022, 4, 8)
        );
        let undated = sig("A missile hit Kramatorsk.", &[]);
        assert_eq!(article_day(None, &undated, address), address);
        assert_eq!(article_day(None, &undated, None), None);
    }

    #[test]
    fn a_title_names_the_kind_that_caused_the_others() {
        let s = sig(
            "Earthquake: buildings collapse in Antakya\n\nThe earthquake killed 50 people as buildings collapsed in Antakya.",
            &[Measure::Killed],
        );
        let t = event_title(&s, "", None, Gazetteer::builtin());
        assert!(t.en.contains("earthquake"), "{}", t.en);
    }
}
