//! Place names: a gazetteer of place keys with aliases in Arabic, English, French, Spanish,
//! Italian and Portuguese, and a matcher that finds them in text.
//!
//! The shipped data is `places.toml`; a database layer may store the places (they serialise)
//! and rebuild a [`Gazetteer`] from its own, edited copy with [`Gazetteer::from_places`].

use super::matcher::{MatchOptions, PhraseMatcher};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

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

/// The gazetteer shipped with the crate (TOML text).
pub const BUILTIN_PLACES: &str = include_str!("places.toml");

/// A place found in a text: its key and the byte range in the folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMention {
    pub key: String,
    pub start: usize,
    pub end: usize,
}

/// Place keys with their aliases, parents and a matcher over all aliases.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    places: Vec<Place>,
    index: HashMap<String, usize>,
    matcher: PhraseMatcher,
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
        let matcher = PhraseMatcher::new(
            places
                .iter()
                .enumerate()
                .flat_map(|(i, p)| p.names.iter().map(move |n| (n.as_str(), i))),
            MatchOptions::default(),
        );
        Ok(Gazetteer {
            places,
            index,
            matcher,
        })
    }

    /// The shipped gazetteer, parsed once.
    pub fn builtin() -> &'static Gazetteer {
        static BUILTIN: OnceLock<Gazetteer> = OnceLock::new();
        // The embedded data is checked by the `builtin_gazetteer_parses` test.
        BUILTIN.get_or_init(|| {
            Gazetteer::from_toml(BUILTIN_PLACES).expect("embedded places.toml is valid")
        })
    }

    /// All places, in file order.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The place with this key.
    pub fn place(&self, key: &str) -> Option<&Place> {
        self.index.get(key).map(|&i| &self.places[i])
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

    /// Places mentioned in already folded text.
    pub fn find_folded(&self, folded: &str) -> Vec<PlaceMention> {
        self.matcher
            .find_folded(folded)
            .into_iter()
            .map(|m| PlaceMention {
                key: self.places[m.payload].key.clone(),
                start: m.start,
                end: m.end,
            })
            .collect()
    }

    /// Places mentioned in a text.
    pub fn find(&self, text: &str) -> Vec<PlaceMention> {
        self.find_folded(&super::normalize::fold(text))
    }
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
