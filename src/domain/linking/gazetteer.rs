//! Place names: a gazetteer of place keys with aliases in Arabic, English, French, Spanish,
//! Italian and Portuguese, and a matcher that finds them in text.
//!
//! Two layers:
//! - the curated places, `places.toml` (hand-made, with provinces, sites and many spellings);
//!   a database layer may store them (they serialise), let reviewers edit them, and rebuild a
//!   [`Gazetteer`] from its own copy with [`Gazetteer::from_places`];
//! - beneath them, the world: every country and every city of 15,000 people or more, with
//!   their names in Arabic and in Latin script, generated from GeoNames and the Unicode CLDR by
//!   `world_places_gen.py` into `world_places.tsv` (see `GEONAMES-LICENSE`), attached with
//!   [`Gazetteer::with_world`].
//!
//! The curated layer is on top: a place's key, level, parent and capital flag are the curated
//! layer's when it has the key (the world layer only adds GeoNames' other names of a curated
//! town), and where a curated name and a world name match the same words, the curated place is
//! found. The generator leaves out of the world layer every name the curated layer has, so a
//! name a reviewer deletes from a curated place does not come back from beneath.
//!
//! A word written all in capitals inside running text ("SANA", "AFP", "WAFA") is an acronym or a
//! credit, never a place name: [`Gazetteer::find`] skips it (see [`mask_acronyms`]).

use super::matcher::{MatchOptions, PhraseMatcher};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// How large a place is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Country,
    /// A governorate or province.
    Province,
    /// A river, sea or area that spans several places.
    Region,
    /// A city, town, village or camp.
    Locality,
    /// A square, prison, district or field inside a locality.
    Site,
}

/// One gazetteer entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub key: String,
    pub level: Level,
    #[serde(default)]
    pub parent: Option<String>,
    /// A national capital, often named for its government ("Moscow said").
    #[serde(default)]
    pub capital: bool,
    pub names: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PlacesFile {
    places: Vec<Place>,
}

/// Errors reading gazetteer data.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("gazetteer data is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("place {0:?} is listed twice")]
    Duplicate(String),
    #[error("place {place:?} has unknown parent {parent:?}")]
    UnknownParent { place: String, parent: String },
}

/// The curated gazetteer shipped with the crate (TOML text).
pub const BUILTIN_PLACES: &str = include_str!("places.toml");

/// The world layer shipped with the crate (generated TSV: key, level, parent, capital, names).
pub const WORLD_PLACES: &str = include_str!("world_places.tsv");

/// A place found in a text: its key and the byte range in the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMention {
    pub key: String,
    pub start: usize,
    pub end: usize,
}

/// Places with an index by key and a matcher over all their names.
#[derive(Debug, Clone)]
struct Layer {
    places: Vec<Place>,
    index: HashMap<String, usize>,
    matcher: PhraseMatcher,
}

impl Layer {
    fn new(places: Vec<Place>, index: HashMap<String, usize>) -> Layer {
        let matcher = PhraseMatcher::new(
            places
                .iter()
                .enumerate()
                .flat_map(|(i, p)| p.names.iter().map(move |n| (n.as_str(), i))),
            MatchOptions::default(),
        );
        Layer {
            places,
            index,
            matcher,
        }
    }

    fn place(&self, key: &str) -> Option<&Place> {
        self.index.get(key).map(|&i| &self.places[i])
    }
}

/// The world layer, parsed once and shared by every gazetteer that has it.
fn world() -> &'static Arc<Layer> {
    static WORLD: OnceLock<Arc<Layer>> = OnceLock::new();
    WORLD.get_or_init(|| {
        let places = parse_world(WORLD_PLACES);
        let mut index = HashMap::with_capacity(places.len());
        for (i, p) in places.iter().enumerate() {
            index.entry(p.key.clone()).or_insert(i);
        }
        Arc::new(Layer::new(places, index))
    })
}

/// Reads the world layer's TSV (lines starting with `#` are comments; malformed lines are
/// skipped, which the `world_layer_parses` test would show).
fn parse_world(text: &str) -> Vec<Place> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let mut f = line.split('\t');
            let key = f.next()?.to_string();
            let level = match f.next()? {
                "country" => Level::Country,
                "province" => Level::Province,
                "region" => Level::Region,
                "site" => Level::Site,
                _ => Level::Locality,
            };
            let parent = Some(f.next()?)
                .filter(|p| !p.is_empty())
                .map(str::to_string);
            let capital = f.next()? == "1";
            let names: Vec<String> = f.next()?.split('|').map(str::to_string).collect();
            Some(Place {
                key,
                level,
                parent,
                capital,
                names,
            })
        })
        .collect()
}

/// Place keys with their aliases, parents and a matcher over all aliases: the curated (or
/// stored) places, and beneath them, when attached, the world layer.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    own: Layer,
    world: Option<Arc<Layer>>,
}

impl Gazetteer {
    /// Parses gazetteer TOML (the format of `places.toml`).
    pub fn from_toml(text: &str) -> Result<Self, GazetteerError> {
        let file: PlacesFile = toml::from_str(text)?;
        Self::from_places(file.places)
    }

    /// Builds a gazetteer from places (e.g. as stored and edited in the database).
    pub fn from_places(places: Vec<Place>) -> Result<Self, GazetteerError> {
        let mut index = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            if index.insert(p.key.clone(), i).is_some() {
                return Err(GazetteerError::Duplicate(p.key.clone()));
            }
        }
        for p in &places {
            if let Some(parent) = &p.parent {
                if !index.contains_key(parent) {
                    return Err(GazetteerError::UnknownParent {
                        place: p.key.clone(),
                        parent: parent.clone(),
                    });
                }
            }
        }
        Ok(Gazetteer {
            own: Layer::new(places, index),
            world: None,
        })
    }

    /// This gazetteer with the world layer beneath its places.
    pub fn with_world(mut self) -> Gazetteer {
        self.world = Some(world().clone());
        self
    }

    /// The curated places shipped with the crate (`places.toml`), without the world layer:
    /// what a database seeds its editable place aliases from.
    pub fn curated() -> &'static Gazetteer {
        static CURATED: OnceLock<Gazetteer> = OnceLock::new();
        // The embedded data is checked by the `builtin_gazetteer_parses` test.
        CURATED.get_or_init(|| {
            Gazetteer::from_toml(BUILTIN_PLACES).expect("embedded places.toml is valid")
        })
    }

    /// The shipped gazetteer: the curated places over the world layer, built once.
    pub fn builtin() -> &'static Gazetteer {
        static BUILTIN: OnceLock<Gazetteer> = OnceLock::new();
        BUILTIN.get_or_init(|| Gazetteer::curated().clone().with_world())
    }

    /// The curated (or stored) places, in file order; the world layer's are not listed.
    pub fn places(&self) -> &[Place] {
        &self.own.places
    }

    /// The place with this key (a curated place before a world one).
    pub fn place(&self, key: &str) -> Option<&Place> {
        self.own
            .place(key)
            .or_else(|| self.world.as_ref().and_then(|w| w.place(key)))
    }

    /// The keys of a place's ancestors, nearest first.
    pub fn ancestors(&self, key: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = self.place(key).and_then(|p| p.parent.as_deref());
        while let Some(k) = cur {
            if out.contains(&k) {
                break;
            }
            out.push(k);
            cur = self.place(k).and_then(|p| p.parent.as_deref());
        }
        out
    }

    /// The province (or nearest non-locality ancestor) a place belongs to, or the place itself.
    pub fn province_of<'a>(&'a self, key: &'a str) -> &'a str {
        let mut cur = key;
        loop {
            match self.place(cur) {
                Some(p) if matches!(p.level, Level::Locality | Level::Site) => {
                    match p.parent.as_deref() {
                        Some(parent) => cur = parent,
                        None => return cur,
                    }
                }
                _ => return cur,
            }
        }
    }

    /// Places mentioned in already folded text (case is gone: prefer [`Gazetteer::find`]).
    ///
    /// Both layers are matched; the longest match wins, and of two matches of the same words
    /// the curated one.
    pub fn find_folded(&self, folded: &str) -> Vec<PlaceMention> {
        // (start, end, curated?, key)
        let mut found: Vec<(usize, usize, bool, &str)> = self
            .own
            .matcher
            .find_folded(folded)
            .into_iter()
            .map(|m| {
                (
                    m.start,
                    m.end,
                    true,
                    self.own.places[m.payload].key.as_str(),
                )
            })
            .collect();
        if let Some(world) = &self.world {
            found.extend(
                world
                    .matcher
                    .find_folded(folded)
                    .into_iter()
                    .map(|m| (m.start, m.end, false, world.places[m.payload].key.as_str())),
            );
            found.sort_by(|a, b| {
                (b.1 - b.0)
                    .cmp(&(a.1 - a.0))
                    .then(b.2.cmp(&a.2))
                    .then(a.0.cmp(&b.0))
            });
            let mut kept: Vec<(usize, usize, bool, &str)> = Vec::new();
            for m in found {
                if kept.iter().all(|k| m.1 <= k.0 || m.0 >= k.1) {
                    kept.push(m);
                }
            }
            kept.sort_by_key(|m| m.0);
            found = kept;
        }
        found
            .into_iter()
            .map(|(start, end, _, key)| PlaceMention {
                key: key.to_string(),
                start,
                end,
            })
            .collect()
    }

    /// Places mentioned in a text, acronyms and credits in capitals left out (see
    /// [`mask_acronyms`]). Byte ranges are in the folded text.
    pub fn find(&self, text: &str) -> Vec<PlaceMention> {
        self.find_folded(&super::normalize::fold(&mask_acronyms(text)))
    }
}

/// The text with every acronym blanked out: a Latin word of two letters or more written all in
/// capitals ("SANA", "AFP", "AP", "WAFA", "U.N.") inside a line that is mostly not in capitals.
/// Such a word is an agency, an organisation or a credit, and never names a place, even when a
/// place has the same letters (Yemen's capital "Sana"). Kept are
/// - a line of three words or more, two thirds of them in capitals (a shouting headline names its
///   places in capitals);
/// - a dateline: the capitalised words a line opens with, up to a comma or a parenthesis
///   ("KABUL, Aug 26 (Reuters) -", "DAMASCUS (SANA) -": only "SANA" is blanked).
pub fn mask_acronyms(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&mask_line(line));
    }
    out
}

fn mask_line(line: &str) -> String {
    // words: maximal runs of letters (with inner dots, as in "U.N.")
    let words: Vec<(usize, usize)> = word_spans(line);
    let is_caps = |&(s, e): &(usize, usize)| {
        let w = &line[s..e];
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2
            && letters.iter().all(|c| c.is_uppercase())
            && letters.iter().all(|c| !super::normalize::is_arabic(*c))
    };
    let caps = words.iter().filter(|w| is_caps(w)).count();
    let cased = words
        .iter()
        .filter(|&&(s, e)| {
            line[s..e]
                .chars()
                .any(|c| c.is_uppercase() || c.is_lowercase())
        })
        .count();
    // a shouting line (three words or more, two thirds in capitals) is left as it is
    if caps == 0 || (cased >= 3 && caps * 3 > cased * 2) {
        return line.to_string();
    }
    // the dateline: leading capitalised words closed by a comma, a parenthesis or a dash
    let mut dateline_end = 0;
    let mut end = 0;
    for w in &words {
        if line[end..w.0].contains([',', '(', '-', '\u{2013}', '\u{2014}']) {
            dateline_end = end;
            break;
        }
        if !is_caps(w) {
            break;
        }
        end = w.1;
    }
    let mut out = String::with_capacity(line.len());
    let mut last = 0;
    for w in &words {
        if w.0 >= dateline_end && is_caps(w) {
            out.push_str(&line[last..w.0]);
            out.extend(std::iter::repeat_n(' ', line[w.0..w.1].chars().count()));
            last = w.1;
        }
    }
    out.push_str(&line[last..]);
    out
}

/// Byte spans of the words of a line: runs of letters and digits, with dots and apostrophes
/// inside a word kept ("U.N.", "Sana'a").
fn word_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let inner = matches!(c, '.' | '\'' | '\u{2019}')
            && start.is_some()
            && chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            // a trailing dot of an abbreviation belongs to it ("U.N.")
            let e = if c == '.' && line[s..i].contains('.') {
                i + 1
            } else {
                i
            };
            spans.push((s, e));
        }
    }
    if let Some(s) = start {
        spans.push((s, line.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        Gazetteer::builtin()
            .find(text)
            .into_iter()
            .map(|m| m.key)
            .collect()
    }

    #[test]
    fn builtin_gazetteer_parses() {
        let g = Gazetteer::from_toml(BUILTIN_PLACES).unwrap();
        assert!(g.places().len() > 300);
        assert_eq!(
            g.place("sy.idlib.kafr_nabl").map(|p| p.level),
            Some(Level::Locality)
        );
    }

    #[test]
    fn places_are_found_in_arabic_with_clitics() {
        assert_eq!(
            keys("هجوم بدير الزور قرب مدينة الميادين"),
            vec!["sy.deir_ez_zor", "sy.deir_ez_zor.mayadin"]
        );
        assert_eq!(
            keys("في بلدة كفر نبيل بريف إدلب الجنوبي"),
            vec!["sy.idlib.kafr_nabl", "sy.idlib"]
        );
        assert_eq!(
            keys("وادي الزين في ريف حماة الشمالي"),
            vec!["sy.hama.wadi_al_zein", "sy.hama"]
        );
    }

    #[test]
    fn places_are_found_in_latin_languages() {
        assert_eq!(
            keys("l'hôpital de Kafr Nabil, dans la province d'Idleb"),
            vec!["sy.idlib.kafr_nabl", "sy.idlib"]
        );
        assert_eq!(
            keys("Shelling in Wadi al-Zein in northern Hama province"),
            vec!["sy.hama.wadi_al_zein", "sy.hama"]
        );
        assert_eq!(
            keys("a unos 35 kilómetros al sur de la ciudad de Idlib"),
            vec!["sy.idlib.city"]
        );
    }

    #[test]
    fn world_layer_parses() {
        let places = parse_world(WORLD_PLACES);
        assert!(places.len() > 20_000, "{}", places.len());
        assert!(places
            .iter()
            .all(|p| !p.key.is_empty() && !p.names.is_empty()));
        let g = Gazetteer::builtin();
        for key in ["ua.kramatorsk", "tr.antakya", "af.kabul", "ge", "de"] {
            assert!(g.place(key).is_some(), "{key}");
        }
        // a curated place keeps its level and parent; the world only adds names
        assert_eq!(
            g.ancestors("sy.deir_ez_zor.mayadin"),
            vec!["sy.deir_ez_zor", "sy"]
        );
        assert_eq!(g.ancestors("ua.kramatorsk"), vec!["ua"]);
    }

    #[test]
    fn places_outside_the_curated_list_are_found() {
        assert_eq!(
            keys("A missile struck the railway station in Kramatorsk"),
            vec!["ua.kramatorsk"]
        );
        assert_eq!(keys("صاروخ على محطة كراماتورسك"), vec!["ua.kramatorsk"]);
        assert_eq!(keys("Le séisme a frappé Antakya"), vec!["tr.antakya"]);
        assert_eq!(keys("الزلزال في أنطاكية"), vec!["tr.antakya"]);
        // Arabic with clitics, and the spelling GeoNames has in Persian letters
        assert_eq!(keys("انفجار في كابول"), vec!["af.kabul"]);
        assert_eq!(keys("انفجار بكابول"), vec!["af.kabul"]);
        assert_eq!(keys("وكابول"), vec!["af.kabul"]);
        // the curated layer only: no world places
        assert!(Gazetteer::curated().find("Kramatorsk").is_empty());
    }

    #[test]
    fn common_words_are_not_towns() {
        for text in [
            "una vida sana y la salud",
            "the lime and the nice reading",
            "como dijo el presidente",
            "السلام عليكم",
        ] {
            assert_eq!(keys(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn acronyms_and_credits_are_not_places() {
        // SANA, the Syrian news agency, is not Yemen's capital (Sana, Sanaa)
        assert_eq!(
            keys("Damascus, SANA - Seven people were killed"),
            vec!["sy.damascus"]
        );
        assert_eq!(keys("the toll rose, SANA reported."), Vec::<String>::new());
        assert_eq!(keys("(SANA)"), Vec::<String>::new());
        assert_eq!(keys("Houthi rebels in Sanaa said"), vec!["ye.sanaa"]);
        // a dateline in capitals is a place; the credit after it is not
        assert_eq!(
            keys("KABUL, Aug 26 (AP) - Two suicide bombers struck"),
            vec!["af.kabul"]
        );
        assert_eq!(
            mask_acronyms("DAMASCUS (SANA) - the U.N. said, AFP reports"),
            "DAMASCUS (    ) - the      said,     reports"
        );
        // a headline in capitals keeps its places
        assert_eq!(
            keys("EXPLOSION AT KRAMATORSK STATION KILLS 50"),
            vec!["ua.kramatorsk"]
        );
    }

    #[test]
    fn towns_know_their_province() {
        let g = Gazetteer::builtin();
        assert_eq!(g.province_of("sy.idlib.tal_al_ward"), "sy.idlib");
        assert_eq!(g.province_of("sy.idlib"), "sy.idlib");
        assert_eq!(
            g.ancestors("sy.deir_ez_zor.mayadin"),
            vec!["sy.deir_ez_zor", "sy"]
        );
    }
}
