//! The subject lexicon: aliases of actor groups in any language, and the matcher that finds
//! them in a text.

use super::doc::Doc;
use super::text::{clitic_variants, normalize_alias, stem, FxMap};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One alias of a group: "قوات النظام" (ar) → `syria_gov`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectAlias {
    pub alias: String,
    pub lang: String,
    pub group_key: String,
}

const DEFAULT_SUBJECTS: &str = include_str!("subjects.toml");

pub(crate) fn parse_subjects(src: &str) -> Result<Vec<SubjectAlias>, toml::de::Error> {
    let groups: BTreeMap<String, BTreeMap<String, Vec<String>>> = toml::from_str(src)?;
    let mut out = Vec::new();
    for (group, langs) in groups {
        for (lang, aliases) in langs {
            for alias in aliases {
                out.push(SubjectAlias {
                    alias,
                    lang: lang.clone(),
                    group_key: group.clone(),
                });
            }
        }
    }
    Ok(out)
}

static DEFAULT: LazyLock<Vec<SubjectAlias>> = LazyLock::new(|| {
    parse_subjects(DEFAULT_SUBJECTS)
        .unwrap_or_else(|e| panic!("shipped subjects.toml is malformed: {e}"))
});

/// The subject lexicon shipped with the crate.
pub fn default_subject_lexicon() -> Vec<SubjectAlias> {
    DEFAULT.clone()
}

struct AliasEntry {
    rest: Box<[Box<str>]>,
    group: u16,
}

/// Aliases indexed by the stem of their first word.
pub(crate) struct SubjectMatcher {
    index: FxMap<Box<str>, Vec<AliasEntry>>,
    pub groups: Vec<String>,
}

impl SubjectMatcher {
    pub fn new(aliases: &[SubjectAlias]) -> Self {
        let mut m = SubjectMatcher {
            index: FxMap::default(),
            groups: Vec::new(),
        };
        for a in aliases {
            let norm = normalize_alias(&a.alias);
            let mut words = norm
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(Box::<str>::from);
            let Some(first) = words.next() else { continue };
            let rest: Box<[Box<str>]> = words.collect();
            let gi = match m.groups.iter().position(|g| *g == a.group_key) {
                Some(i) => i,
                None => {
                    m.groups.push(a.group_key.clone());
                    m.groups.len() - 1
                }
            };
            m.index.entry(first).or_default().push(AliasEntry {
                rest,
                group: gi as u16,
            });
        }
        m
    }

    fn word_stems<'s>(&self, doc: &'s Doc, i: usize, out: &mut Vec<&'s str>) {
        out.clear();
        if !doc.is_word(i) {
            return;
        }
        let w = doc.t.norm(i);
        let mut v = Vec::new();
        clitic_variants(w, &mut v);
        for (off, _) in v {
            out.push(stem(&w[off..]));
        }
    }

    /// The longest alias starting at token `i`: its group and length in tokens.
    pub fn match_at(&self, doc: &Doc, i: usize) -> Option<(&str, usize)> {
        let mut stems = Vec::new();
        self.word_stems(doc, i, &mut stems);
        let mut best: Option<(u16, usize)> = None;
        for s in &stems {
            let Some(list) = self.index.get(*s) else {
                continue;
            };
            for e in list {
                let ok = e.rest.iter().enumerate().all(|(k, want)| {
                    let j = i + 1 + k;
                    doc.is_word(j) && stem(doc.t.norm(j)) == &**want
                });
                let len = e.rest.len() + 1;
                if ok && best.is_none_or(|(_, l)| len > l) {
                    best = Some((e.group, len));
                }
            }
        }
        best.map(|(g, l)| (self.groups[g as usize].as_str(), l))
    }

    /// The first group named anywhere in tokens `a..b`.
    pub fn first_in(&self, doc: &Doc, a: usize, b: usize) -> Option<&str> {
        let mut i = a;
        while i < b.min(doc.len()) {
            if let Some((g, l)) = self.match_at(doc, i) {
                if g != crate::domain::claim::UNKNOWN_GROUP {
                    return Some(g);
                }
                i += l;
            } else {
                i += 1;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_subject_lexicon_parses_and_uses_canonical_keys() {
        let aliases = parse_subjects(DEFAULT_SUBJECTS).expect("subjects.toml parses");
        let canonical = [
            "russia",
            "syria_gov",
            "isis",
            "opposition",
            "civilians",
            "sdf",
            "us",
            "turkey",
            "israel",
            "iran",
            "hezbollah",
            "police",
            "protesters",
            "unknown",
        ];
        assert!(aliases.len() > 100);
        for a in &aliases {
            assert!(
                canonical.contains(&a.group_key.as_str()),
                "unexpected group {}",
                a.group_key
            );
            assert!(
                !normalize_alias(&a.alias).is_empty(),
                "alias {:?} normalises to nothing",
                a.alias
            );
        }
    }
}
