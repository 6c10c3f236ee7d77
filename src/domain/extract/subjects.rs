//! The subject lexicon: aliases of actor groups in any language, and the matcher that finds
//! them in a text; and the demonyms of every country (`demonyms.tsv`, shipped with the crate),
//! which name a nation rather than a group: the group comes from the nation only for the few
//! that have one of their own, else from the person noun beside the demonym.

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

const DEMONYMS: &str = include_str!("demonyms.tsv");

/// The groups a nation's demonym gives: bare or with a non-armed person noun ("Americans",
/// "43 Syrians"), and with an armed noun ("Syrian soldiers").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Nation {
    /// ISO 3166-1 alpha-2 code.
    pub code: Box<str>,
    pub people: Box<str>,
    pub armed: Box<str>,
}

/// What a demonym entry is: a demonym proper, or the country's name (read only where a side is
/// named: "backed by Russia", "pro-Iran").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NationWord {
    Demonym,
    Name,
}

struct NationEntry {
    rest: Box<[Box<str>]>,
    nation: u16,
    word: NationWord,
}

/// Forms matched as written, by their first token: the tokens after it and the nation.
type ExactForms = FxMap<Box<str>, Vec<(Box<[Box<str>]>, u16)>>;

/// The shipped demonyms and country names, indexed like the subject aliases (by the stem of the
/// first word); forms in capitals ("US", "U.S.") by their tokens as written.
pub(crate) struct Demonyms {
    index: FxMap<Box<str>, Vec<NationEntry>>,
    exact: ExactForms,
    pub nations: Vec<Nation>,
    /// The groups of a country without a group of its own: (people, armed).
    pub default: Nation,
}

impl Demonyms {
    pub(crate) fn parse(src: &str) -> Result<Self, String> {
        let mut d = Demonyms {
            index: FxMap::default(),
            exact: ExactForms::default(),
            nations: Vec::new(),
            default: Nation {
                code: "*".into(),
                people: "civilians".into(),
                armed: crate::domain::claim::UNKNOWN_GROUP.into(),
            },
        };
        let mut by_code: FxMap<Box<str>, u16> = FxMap::default();
        let mut nation_of = |d: &mut Demonyms, code: &str| -> u16 {
            *by_code.entry(code.into()).or_insert_with(|| {
                d.nations.push(Nation {
                    code: code.into(),
                    people: d.default.people.clone(),
                    armed: d.default.armed.clone(),
                });
                (d.nations.len() - 1) as u16
            })
        };
        for (n, line) in src.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if let Some(code) = f[0].strip_prefix('=') {
                let &[_, people, armed] = &f[..] else {
                    return Err(format!("line {}: want =CODE, people, armed", n + 1));
                };
                if code == "*" {
                    d.default.people = people.into();
                    d.default.armed = armed.into();
                } else {
                    let i = nation_of(&mut d, code) as usize;
                    d.nations[i].people = people.into();
                    d.nations[i].armed = armed.into();
                }
                continue;
            }
            if f.len() < 3 {
                return Err(format!("line {}: want CODE, lang, forms", n + 1));
            }
            let word = if f.get(3) == Some(&"name") {
                NationWord::Name
            } else {
                NationWord::Demonym
            };
            let nation = nation_of(&mut d, f[0]);
            for form in f[2].split('|').filter(|w| !w.is_empty()) {
                if form.chars().any(char::is_uppercase) && !form.chars().any(char::is_lowercase) {
                    let t = super::tokens::tokenize(form);
                    let toks: Vec<Box<str>> = (0..t.len()).map(|i| Box::from(t.raw(i))).collect();
                    let Some((first, rest)) = toks.split_first() else {
                        continue;
                    };
                    d.exact
                        .entry(first.clone())
                        .or_default()
                        .push((rest.into(), nation));
                    continue;
                }
                let norm = normalize_alias(form);
                let mut words = norm
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(Box::<str>::from);
                let Some(first) = words.next() else { continue };
                let rest: Box<[Box<str>]> = words.collect();
                let list = d.index.entry(first).or_default();
                if !list.iter().any(|e| e.rest == rest && e.nation == nation) {
                    list.push(NationEntry { rest, nation, word });
                }
            }
        }
        Ok(d)
    }

    /// The longest demonym (or, with `names`, country name) starting at token `i`: its nation,
    /// what it is and its length in tokens.
    pub fn match_at(
        &self,
        doc: &Doc,
        i: usize,
        names: bool,
    ) -> Option<(&Nation, NationWord, usize)> {
        if i >= doc.len() {
            return None;
        }
        let mut best: Option<(u16, NationWord, usize)> = None;
        if let Some(list) = self.exact.get(doc.t.raw(i)) {
            for (rest, nation) in list {
                let ok = rest
                    .iter()
                    .enumerate()
                    .all(|(k, want)| i + 1 + k < doc.len() && doc.t.raw(i + 1 + k) == &**want);
                let len = rest.len() + 1;
                if ok && best.is_none_or(|(_, _, l)| len > l) {
                    best = Some((*nation, NationWord::Demonym, len));
                }
            }
        }
        if doc.is_word(i) {
            let w = doc.t.norm(i);
            let mut v = Vec::new();
            variants(w, &mut v);
            for (off, _) in v {
                let Some(list) = self.index.get(stem(&w[off..])) else {
                    continue;
                };
                for e in list {
                    if e.word == NationWord::Name && !names {
                        continue;
                    }
                    let ok = e.rest.iter().enumerate().all(|(k, want)| {
                        let j = i + 1 + k;
                        doc.is_word(j) && stem(doc.t.norm(j)) == &**want
                    });
                    let len = e.rest.len() + 1;
                    if ok && best.is_none_or(|(_, _, l)| len > l) {
                        best = Some((e.nation, e.word, len));
                    }
                }
            }
        }
        best.map(|(n, w, l)| (&self.nations[n as usize], w, l))
    }

    /// The nation of one word given as text (the part of "pro-russian" or "iran-backed" that
    /// names the side), demonym or country name.
    pub fn word(&self, raw: &str) -> Option<&Nation> {
        if let Some(list) = self.exact.get(raw) {
            if let Some((_, n)) = list.iter().find(|(rest, _)| rest.is_empty()) {
                return Some(&self.nations[*n as usize]);
            }
        }
        let folded = super::text::fold(raw);
        let mut v = Vec::new();
        variants(&folded, &mut v);
        v.iter().find_map(|&(off, _)| {
            self.index
                .get(stem(&folded[off..]))?
                .iter()
                .find(|e| e.rest.is_empty())
                .map(|e| &self.nations[e.nation as usize])
        })
    }
}

/// Readings of a folded word: its Arabic clitic readings, and without an elided article
/// ("l'iran", "dell'iran").
fn variants(w: &str, out: &mut Vec<(usize, bool)>) {
    clitic_variants(w, out);
    if let Some(p) = w.find('\'') {
        if p <= 5 && w.len() > p + 3 {
            out.push((p + 1, false));
        }
    }
}

static DEFAULT_DEMONYMS: LazyLock<Demonyms> = LazyLock::new(|| {
    Demonyms::parse(DEMONYMS).unwrap_or_else(|e| panic!("shipped demonyms.tsv is malformed: {e}"))
});

struct AliasEntry {
    rest: Box<[Box<str>]>,
    group: u16,
}

/// Aliases indexed by the stem of their first word.
pub(crate) struct SubjectMatcher {
    index: FxMap<Box<str>, Vec<AliasEntry>>,
    pub groups: Vec<String>,
    /// The shipped demonyms: data of the crate, not of the deployment's subject lexicon.
    pub demonyms: &'static Demonyms,
}

impl SubjectMatcher {
    pub fn new(aliases: &[SubjectAlias]) -> Self {
        let mut m = SubjectMatcher {
            index: FxMap::default(),
            groups: Vec::new(),
            demonyms: &DEFAULT_DEMONYMS,
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

    /// The group of one word given as text (the side named in "pro-government"), if it is a
    /// one-word alias.
    pub fn word(&self, raw: &str) -> Option<&str> {
        let folded = super::text::fold(raw);
        let mut v = Vec::new();
        clitic_variants(&folded, &mut v);
        v.iter().find_map(|&(off, _)| {
            self.index
                .get(stem(&folded[off..]))?
                .iter()
                .find(|e| e.rest.is_empty())
                .map(|e| self.groups[e.group as usize].as_str())
        })
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
    fn shipped_demonyms_parse_and_give_canonical_groups() {
        let d = Demonyms::parse(DEMONYMS).expect("demonyms.tsv parses");
        let canonical = [
            "russia",
            "us",
            "turkey",
            "israel",
            "iran",
            "syria_gov",
            "civilians",
            "unknown",
        ];
        assert!(d.nations.len() > 200);
        for n in d.nations.iter().chain([&d.default]) {
            for g in [&n.people, &n.armed] {
                assert!(canonical.contains(&&**g), "{}: group {g}", n.code);
            }
        }
        let russia = d.word("russes").expect("russes");
        assert_eq!((&*russia.people, &*russia.armed), ("russia", "russia"));
        let syria = d.word("سوريون").expect("سوريون");
        assert_eq!((&*syria.people, &*syria.armed), ("civilians", "syria_gov"));
        assert!(d.word("Iran").is_some(), "country names are read too");
    }

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
