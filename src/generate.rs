//! `claimdb generate`: a synthetic corpus in the import format (.jsonl), for benchmarks.
//!
//! Events happen in places drawn from the shipped gazetteer's localities; each event is reported by several outlets in
//! Arabic and English, each article citing sources with figures that differ (so linking finds
//! conflicts) and some revised in later versions of the same url. Bodies are padded with
//! background paragraphs to realistic lengths (1–10 KB). The output depends only on the seed
//! and the start date.
//!
//! Time runs as in a real archive: a desk files about [`ARTICLES_PER_DAY`] article versions a
//! day, so a bigger corpus covers a longer period from its start date instead of packing more
//! reports into the same weeks. (An earlier generator spread every corpus over the same eight
//! years, so each 10,000 more articles made every week's events denser and bigger, and an import
//! slower for that reason alone.) Corpora meant to follow one another start where the previous
//! one ends: [`period_days`].

use std::io::{self, Write};

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::domain::linking::gazetteer::{Level, Place as GazetteerPlace};
use crate::domain::linking::Gazetteer;

/// A town and its province, named in English and Arabic.
struct Place {
    en: String,
    ar: String,
    province_en: String,
    province_ar: String,
}

fn is_arabic(name: &str) -> bool {
    name.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Every locality of the shipped gazetteer that has an English and an Arabic name, with its
/// parent's names: hundreds of places, so that events spread as in a real archive rather than
/// piling up in a handful of towns.
fn places() -> Vec<Place> {
    let gazetteer = Gazetteer::builtin();
    let names = |p: &GazetteerPlace| {
        let en = p.names.first().filter(|n| !is_arabic(n))?.clone();
        let ar = p.names.iter().find(|n| is_arabic(n))?.clone();
        Some((en, ar))
    };
    gazetteer
        .places()
        .iter()
        .filter(|p| p.level == Level::Locality)
        .filter_map(|p| {
            let parent = gazetteer.place(p.parent.as_deref()?)?;
            let (en, ar) = names(p)?;
            let (province_en, province_ar) = names(parent)?;
            Some(Place {
                en,
                ar,
                province_en,
                province_ar,
            })
        })
        .collect()
}

struct Source {
    en: &'static str,
    ar: &'static str,
}

const SOURCES: &[Source] = &[
    Source {
        en: "the Syrian Observatory for Human Rights",
        ar: "المرصد السوري لحقوق الإنسان",
    },
    Source {
        en: "the White Helmets",
        ar: "الدفاع المدني السوري",
    },
    Source {
        en: "the Russian Defence Ministry",
        ar: "وزارة الدفاع الروسية",
    },
    Source {
        en: "state news agency SANA",
        ar: "وكالة الأنباء السورية سانا",
    },
    Source {
        en: "a local health official",
        ar: "مسؤول صحي محلي",
    },
    Source {
        en: "the UN humanitarian office OCHA",
        ar: "مكتب الأمم المتحدة لتنسيق الشؤون الإنسانية",
    },
];

struct Victims {
    en: &'static str,
    ar: &'static str,
}

const VICTIMS: &[Victims] = &[
    Victims {
        en: "civilians",
        ar: "مدنياً",
    },
    Victims {
        en: "government soldiers",
        ar: "عنصراً من قوات النظام",
    },
    Victims {
        en: "opposition fighters",
        ar: "مقاتلاً من فصائل المعارضة",
    },
    Victims {
        en: "Islamic State militants",
        ar: "عنصراً من تنظيم داعش",
    },
];

const ATTACKS_EN: &[&str] = &[
    "an airstrike",
    "shelling",
    "a car bomb",
    "a drone strike",
    "an attack",
];
const ATTACKS_AR: &[&str] = &[
    "غارة جوية",
    "قصف مدفعي",
    "انفجار سيارة مفخخة",
    "هجوم بطائرة مسيرة",
    "هجوم",
];

const NUMBER_WORDS_EN: &[&str] = &[
    "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];
const NUMBER_WORDS_AR: &[&str] = &[
    "",
    "واحد",
    "اثنين",
    "ثلاثة",
    "أربعة",
    "خمسة",
    "ستة",
    "سبعة",
    "ثمانية",
    "تسعة",
    "عشرة",
];

const FILLER_EN: &[&str] = &[
    "The area has seen repeated clashes over the past months, and residents say basic services have collapsed.",
    "Aid groups have warned that hospitals in the region are running short of fuel and medicine.",
    "The conflict, now in its second decade, has displaced millions of people inside the country and abroad.",
    "Local councils said schools would remain closed until further notice as families sheltered at home.",
    "Roads leading to the town were blocked for several hours while rescue teams searched the rubble.",
    "Diplomats in Geneva said talks on a ceasefire had stalled over the future of the northern provinces.",
];
const FILLER_AR: &[&str] = &[
    "وتشهد المنطقة اشتباكات متكررة منذ أشهر، ويقول السكان إن الخدمات الأساسية انهارت.",
    "وحذرت منظمات إغاثية من نقص حاد في الوقود والأدوية في مستشفيات المنطقة.",
    "وأدى النزاع المستمر منذ أكثر من عقد إلى تهجير ملايين الأشخاص داخل البلاد وخارجها.",
    "وأعلنت المجالس المحلية تعليق الدوام في المدارس حتى إشعار آخر مع بقاء العائلات في منازلها.",
    "وأغلقت الطرق المؤدية إلى البلدة لساعات بينما بحثت فرق الإنقاذ تحت الأنقاض.",
    "وقال دبلوماسيون في جنيف إن محادثات وقف إطلاق النار تعثرت بسبب مستقبل المحافظات الشمالية.",
];

const OUTLETS_EN: &[&str] = &[
    "Northern Courier",
    "Levant Wire",
    "Daily Monitor",
    "Frontline News",
];
const OUTLETS_AR: &[&str] = &["الشرق اليوم", "عنب بلدي", "صوت الفرات", "أخبار الساحل"];

/// One line of the generated .jsonl file.
#[derive(Debug, Serialize)]
pub struct GeneratedArticle {
    pub url: String,
    pub outlet: String,
    pub lang: &'static str,
    pub published: String,
    pub text: String,
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

fn figure_en(rng: &mut fastrand::Rng, n: i64) -> String {
    match (n, rng.u8(..3)) {
        (1..=12, 0) => NUMBER_WORDS_EN[n as usize].to_string(),
        (_, 1) => format!("at least {n}"),
        _ => n.to_string(),
    }
}

fn figure_ar(rng: &mut fastrand::Rng, n: i64) -> String {
    match (n, rng.u8(..3)) {
        (3..=10, 0) => NUMBER_WORDS_AR[n as usize].to_string(),
        (_, 1) => format!("ما لا يقل عن {n}"),
        _ => n.to_string(),
    }
}

/// The body of one article about an event, with `figures[i]` attributed to `SOURCES[i]`.
fn body(
    rng: &mut fastrand::Rng,
    lang: &str,
    place: &Place,
    victims: &Victims,
    attack: usize,
    figures: &[(usize, i64, i64)],
    date: NaiveDate,
) -> String {
    let mut out = String::new();
    let (source, killed, wounded) = figures[0];
    if lang == "ar" {
        out.push_str(&format!(
            "مقتل {killed} {} في {} على {} بريف {}\n",
            victims.ar, ATTACKS_AR[attack], place.ar, place.province_ar
        ));
        out.push_str(&format!(
            "{} | آخر تحديث {}\n\n",
            *pick(rng, OUTLETS_AR),
            date.format("%Y-%m-%d")
        ));
        for &(s, k, w) in figures {
            out.push_str(&format!(
                "قال {} إن {} {} قتلوا وأصيب {} آخرون جراء {} استهدف {}.\n",
                SOURCES[s].ar,
                figure_ar(rng, k),
                victims.ar,
                w,
                ATTACKS_AR[attack],
                place.ar
            ));
        }
        let _ = (source, wounded);
    } else {
        out.push_str(&format!(
            "{} killed in {} on {}, {}\n",
            killed, ATTACKS_EN[attack], place.en, place.province_en
        ));
        out.push_str(&format!("By staff | {}\n\n", date.format("%B %-d, %Y")));
        for &(s, k, w) in figures {
            out.push_str(&format!(
                "{} {} were killed and {} wounded in {} on {}, {} said.\n",
                capitalise(&figure_en(rng, k)),
                victims.en,
                w,
                ATTACKS_EN[attack],
                place.en,
                SOURCES[s].en
            ));
        }
    }
    let target = rng.usize(1_000..10_000);
    let filler = if lang == "ar" { FILLER_AR } else { FILLER_EN };
    while out.len() < target {
        out.push('\n');
        for _ in 0..3 {
            let sentence: &&str = pick(rng, filler);
            out.push_str(sentence);
            out.push(' ');
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Article versions a generated desk files per day (in both languages, all places together).
pub const ARTICLES_PER_DAY: usize = 30;

/// The first day of a corpus when none is given.
pub fn default_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, 1, 1).unwrap_or_default()
}

/// Days a corpus of `articles` versions covers (events happen on one of them).
pub fn period_days(articles: usize) -> i64 {
    (articles / ARTICLES_PER_DAY).max(1) as i64
}

/// Writes `articles` lines of .jsonl (article versions) to `out`, starting on
/// [`default_start`]; returns how many.
pub fn generate(articles: usize, seed: u64, out: impl Write) -> io::Result<usize> {
    generate_from(articles, seed, default_start(), out)
}

/// As [`generate`], with events from `start` on, over [`period_days`]`(articles)` days.
pub fn generate_from(
    articles: usize,
    seed: u64,
    start: NaiveDate,
    mut out: impl Write,
) -> io::Result<usize> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let days = period_days(articles);
    let mut written = 0;
    let mut event = 0usize;
    let places = places();
    while written < articles {
        event += 1;
        let place = pick(&mut rng, &places);
        let victims = pick(&mut rng, VICTIMS);
        let attack = rng.usize(..ATTACKS_EN.len());
        let date = start + Duration::days(rng.i64(0..days));
        // Each source has its own toll; sources disagree, and tolls rise over versions.
        let base = rng.i64(2..60);
        let tolls: Vec<(i64, i64)> = (0..SOURCES.len())
            .map(|_| (base + rng.i64(0..base / 2 + 2), rng.i64(0..80)))
            .collect();
        for _article in 0..rng.usize(2..7) {
            let lang = if rng.bool() { "ar" } else { "en" };
            let outlet = if lang == "ar" {
                pick(&mut rng, OUTLETS_AR)
            } else {
                pick(&mut rng, OUTLETS_EN)
            };
            // The seed and start are in the address: corpora generated to follow one another
            // never revise each other's articles.
            let url = format!(
                "https://{}.example/{start}/{seed}/{event}-{written}",
                outlet.len()
            );
            let cited: Vec<usize> = (0..rng.usize(1..4))
                .map(|_| rng.usize(..SOURCES.len()))
                .collect();
            for version in 0..rng.usize(1..3) {
                if written == articles {
                    break;
                }
                let figures: Vec<(usize, i64, i64)> = cited
                    .iter()
                    .map(|&s| (s, tolls[s].0 + version as i64 * 3, tolls[s].1))
                    .collect();
                let text = body(&mut rng, lang, place, victims, attack, &figures, date);
                let line = GeneratedArticle {
                    url: url.clone(),
                    outlet: outlet.to_string(),
                    lang,
                    published: (date + Duration::days(version as i64)).to_string(),
                    text,
                };
                serde_json::to_writer(&mut out, &line)?;
                out.write_all(b"\n")?;
                written += 1;
            }
        }
    }
    out.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus_and_another_seed_another() {
        let run = |seed| {
            let mut buf = Vec::new();
            generate(40, seed, &mut buf).unwrap();
            buf
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn a_bigger_corpus_covers_a_longer_period_from_its_start() {
        let dates = |articles, start| {
            let mut buf = Vec::new();
            generate_from(articles, 5, start, &mut buf).unwrap();
            std::str::from_utf8(&buf)
                .unwrap()
                .lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).unwrap();
                    NaiveDate::parse_from_str(v["published"].as_str().unwrap(), "%Y-%m-%d").unwrap()
                })
                .collect::<Vec<_>>()
        };
        let start = NaiveDate::from_ymd_opt(2001, 3, 1).unwrap();
        let small = dates(300, start);
        let big = dates(3000, start);
        let span = |d: &[NaiveDate]| (*d.iter().max().unwrap() - start).num_days();
        assert!(small.iter().chain(&big).all(|d| *d >= start));
        // Events fall within the period (a revision is published a day later at most).
        assert!(span(&small) <= period_days(300) + 1, "{}", span(&small));
        assert!(span(&big) <= period_days(3000) + 1);
        assert!(span(&big) > 2 * period_days(300), "{}", span(&big));
    }

    #[test]
    fn lines_are_import_objects_of_realistic_length_in_both_languages() {
        let mut buf = Vec::new();
        assert_eq!(generate(60, 1, &mut buf).unwrap(), 60);
        let lines: Vec<serde_json::Value> = std::str::from_utf8(&buf)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 60);
        for l in &lines {
            let len = l["text"].as_str().unwrap().len();
            assert!((1_000..=11_000).contains(&len), "length {len}");
            assert!(l["url"].as_str().unwrap().starts_with("https://"));
        }
        assert!(lines.iter().any(|l| l["lang"] == "ar"));
        assert!(lines.iter().any(|l| l["lang"] == "en"));
    }

    #[test]
    fn generated_articles_carry_claims_the_extractor_reads() {
        let mut buf = Vec::new();
        generate(10, 3, &mut buf).unwrap();
        let extractor = crate::domain::extract::Extractor::with_default_lexicons();
        let first: serde_json::Value =
            serde_json::from_str(std::str::from_utf8(&buf).unwrap().lines().next().unwrap())
                .unwrap();
        let claims = extractor.extract(first["text"].as_str().unwrap());
        assert!(claims
            .iter()
            .any(|c| c.measure == crate::domain::Measure::Killed));
    }
}
