//! Per-language data (numbers, qualifiers, measures, attribution, nouns, filters), parsed once
//! from the TOML files under `lang/` and compiled into one word-sequence index.

use super::text::{clitic_variants, stem, FxMap};
use super::tokens::{tokenize, TokKind, Tokens};
use crate::domain::claim::{Measure, Qualifier};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The shipped language files. Adding a language is adding a file here.
pub(crate) const LANGUAGE_FILES: &[(&str, &str)] = &[
    ("en", include_str!("lang/en.toml")),
    ("ar", include_str!("lang/ar.toml")),
    ("fr", include_str!("lang/fr.toml")),
    ("es", include_str!("lang/es.toml")),
    ("it", include_str!("lang/it.toml")),
    ("pt", include_str!("lang/pt.toml")),
];

type Words = Vec<String>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct NumbersSection {
    values: BTreeMap<String, i64>,
    teen_bases: BTreeMap<String, i64>,
    teen_suffix: Words,
    multipliers: BTreeMap<String, i64>,
    plural_multipliers: BTreeMap<String, i64>,
    connectors: Words,
    articles: Words,
    dual_stems: Words,
    /// Words for one that are also articles ("un", "una", "um"): one in a compound, before a
    /// multiplier, or after a connector; alone, a figure of one that is not counted.
    ones: Words,
    /// Number words of this language that are other words elsewhere (es "once", it "due"):
    /// numbers only before a number word, a noun or a measure, inside a number, or after
    /// this language's `toll_to`.
    weak_values: BTreeMap<String, i64>,
    /// Prepositions that introduce a toll's figure ("rose to", "stood at"): a year-like figure
    /// after one, with a measure word just before, is a count.
    toll_to: Words,
    /// "point" in "two point two million".
    decimal_point: Words,
    /// Pieces of number words written joined ("ventuno", "tremilacinquecento"): values and
    /// multipliers, recognized only inside a word made entirely of them.
    compound_values: BTreeMap<String, i64>,
    compound_multipliers: BTreeMap<String, i64>,
    /// Multipliers that give a round, approximate figure ("une centaine", "a dozen"): the
    /// figure is `approx` unless a qualifier says more.
    approximate: Words,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct QualifierSection {
    at_least: Words,
    at_most: Words,
    approx: Words,
    at_least_after: Words,
    approx_after: Words,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RangeSection {
    between: Words,
    and: Words,
    to: Words,
    from: Words,
    change: Words,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct AttributionSection {
    before: Words,
    after: Words,
    quote: Words,
    quote_via: Words,
    continuation: Words,
    participle: Words,
    /// Words after which a reporting word says what was withheld, not who spoke ("طلب عدم
    /// نشر اسمه": asked that his name not be published).
    withheld: Words,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct DenialSection {
    verbs: Words,
    after: Words,
    none: Words,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct PartsSection {
    before: Words,
    after: Words,
    among: Words,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct NounSection {
    generic: Words,
    member: Words,
    civilian: Words,
    others: Words,
    hostile: Words,
    /// "its", "their", "ses": the figure counts the speaker's own people ("four of its soldiers").
    possessive: Words,
    /// Phrases naming whose side people are on, with `*` where the side is named ("loyal to *",
    /// "on the * side", "الموالية *"); a phrase without `*` has it at its end.
    affiliation: Words,
    /// Glued to the side's name: "pro-" ("pro-russian", "prorrusos", "filorussi").
    affiliation_prefix: Words,
    /// Glued after it: "-backed", "-led" ("iran-backed").
    affiliation_suffix: Words,
    /// Things a figure may count instead of people: cars, trucks (linking keeps figures about
    /// different kinds of things apart).
    vehicles: Words,
    /// houses, buildings, shops, منازل.
    buildings: Words,
    /// children, أطفال: people counted within a wider toll of people.
    children: Words,
    /// women, نساء: the same.
    women: Words,
    /// Nouns that count incidents rather than people ("150 injuries", «150 إصابة», "cases"): such
    /// a count does not take the group of a figure of another measure before it.
    incidents: Words,
    /// "mostly", «غالبيتهم»: what follows describes most of the people counted, not who they
    /// all are ("100 people, mostly women and children").
    majority: Words,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct FilterSection {
    units: Words,
    /// Munitions and attacks ("two rockets", «ثلاثة صواريخ», "two blasts", «الانفجارين»): a
    /// count of them is no count of harm.
    munitions: Words,
    labels: Words,
    months: Words,
    neutral: Words,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SyntaxSection {
    stop: Words,
    function: Words,
    clause: Words,
    conjunctions: Words,
    appositive: Words,
    pronouns: Words,
    aux: Words,
    discourse: Words,
}

/// Toll predicates: the verb that links a toll's subject to its figure ("the death toll has
/// risen to 158", "حصيلة … بلغت 90", "le bilan s'élève à 52"), so the measure is read from the
/// subject, however long; `over` verbs also say the figure is a floor ("surpassed 25,000").
/// `nouns` are toll subjects that name no measure of their own ("the total was 113", "la
/// cifra era de 30"): they count what the text counted last.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct TollSection {
    to: Words,
    over: Words,
    nouns: Words,
    /// The words that name who gave a toll after its noun ("a new toll *from* the ministry").
    of: Words,
}

/// One language file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LanguageFile {
    pub lang: String,
    #[serde(default)]
    numbers: NumbersSection,
    #[serde(default)]
    qualifiers: QualifierSection,
    #[serde(default)]
    ranges: RangeSection,
    #[serde(default)]
    measures: BTreeMap<String, Words>,
    #[serde(default)]
    attribution: AttributionSection,
    #[serde(default)]
    denial: DenialSection,
    #[serde(default)]
    parts: PartsSection,
    #[serde(default)]
    nouns: NounSection,
    #[serde(default)]
    filters: FilterSection,
    #[serde(default)]
    syntax: SyntaxSection,
    #[serde(default)]
    tolls: TollSection,
    /// Event words that make a group the default for unnamed people ("rally" → protesters).
    #[serde(default)]
    context: BTreeMap<String, Words>,
}

pub(crate) fn parse_language(src: &str) -> Result<LanguageFile, toml::de::Error> {
    toml::from_str(src)
}

/// The shipped language files, parsed once. A malformed file is a bug caught by a unit test.
pub(crate) static LANGUAGES: LazyLock<Vec<LanguageFile>> = LazyLock::new(|| {
    LANGUAGE_FILES
        .iter()
        .map(|(name, src)| {
            parse_language(src)
                .unwrap_or_else(|e| panic!("shipped lexicon lang/{name}.toml is malformed: {e}"))
        })
        .collect()
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrKind {
    /// The source usually precedes the verb ("X said").
    Before,
    /// The source usually follows ("قال X", "according to X").
    After,
    /// "quoted X as saying", "نقلت X عن Y": the quoted source follows.
    Quote,
    /// "added": keeps the previous source unless it names a new one.
    Continuation,
    /// "saying", "مضيفاً": the source of the clause it hangs on.
    Participle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Value(i64),
    TeenBase(i64),
    TeenSuffix,
    Mult(i64),
    PluralMult(i64),
    NumConn,
    /// An article of one language (the index) that reads as one before a multiplier of the
    /// same language ("a thousand", but not the Spanish "a mil").
    Article(u8),
    /// An article that is also the number one ("un", "una").
    One,
    /// A number word of one language (the index) that is another word elsewhere.
    WeakValue(i64, u8),
    /// A preposition that introduces a toll's figure, of one language (the index).
    TollTo(u8),
    DecimalPoint,
    Dual,
    Qual(Qualifier),
    QualAfter(Qualifier),
    Between,
    RangeAnd,
    RangeTo,
    RangeFrom,
    Change,
    Measure(Measure),
    Attr(AttrKind),
    QuoteVia,
    /// "mostly", «غالبيتهم»: ends the noun phrase of a figure.
    Majority,
    /// "عدم" before a reporting word: it names what was withheld, and is no marker.
    Withheld,
    DenyVerb,
    DenyAfter,
    DenyNone,
    PartBefore,
    PartAfter,
    PartAmong,
    Unit,
    Label,
    Month,
    Neutral,
    Stop,
    Function,
    Clause,
    Conj,
    Appositive,
    Pronoun,
    Aux,
    Discourse,
    Context(u16),
    /// A toll predicate before a figure ("has risen to"); `true` for "surpassed".
    TollVerb(bool),
    /// A toll subject naming no measure ("the total").
    TollNoun,
    /// "from", "du", "من": who gave a toll follows.
    SourceOf,
    /// "centaine", "dozen": a multiplier that makes the figure approximate.
    RoundNumber,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NounClass {
    /// people, families, شخص: no group of their own.
    Generic,
    /// soldiers, officers, عنصر: members of whoever is speaking or was named before; with a
    /// demonym, the armed men of that nation.
    Member,
    /// citizens, nationals, tourists, workers: civilians, whatever their nationality.
    Civilian,
    /// others, more, آخرون: the same people as the previous figure.
    Others,
    /// attackers, assailants: not the speaker's side.
    Hostile,
}

/// What a subject counts, where it is not people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubjectKind {
    Vehicles,
    Buildings,
    /// attackers, terrorists: not to be compared with a count of victims or bodies.
    Hostile,
    /// children: a share of a toll of people, compared only with other counts of children.
    Children,
    /// women: the same.
    Women,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Vehicles => "vehicles",
            SubjectKind::Buildings => "buildings",
            SubjectKind::Hostile => "hostile",
            SubjectKind::Children => "children",
            SubjectKind::Women => "women",
        }
    }
}

struct Phrase {
    rest: Box<[Box<str>]>,
    kind: Kind,
}

/// A matched lexicon entry starting at a token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Match {
    pub kind: Kind,
    /// Tokens covered.
    pub len: u8,
    /// A conjunction clitic (و، ف) was peeled off the first word.
    pub conj: bool,
}

/// An affiliation phrase: the words before the side's name and the words after it.
pub(crate) struct Affiliation {
    pub before: Box<[Box<str>]>,
    pub after: Box<[Box<str>]>,
}

/// All language data compiled into lookup tables.
pub(crate) struct Lexicon {
    index: FxMap<Box<str>, Vec<Phrase>>,
    /// Pieces of joined number words, by folded form: `Kind::Value` or `Kind::Mult`.
    parts: FxMap<Box<str>, Kind>,
    /// The first two characters of every piece, to skip other words at once.
    part_heads: FxMap<Box<str>, ()>,
    /// Nouns, one-word measures and multipliers of each language (a bit per language), which
    /// make a weak number word or an article of that language a number.
    lang_words: FxMap<Box<str>, u64>,
    langs: u8,
    nouns: FxMap<Box<str>, NounClass>,
    /// Nouns naming things rather than people, with the kind they name.
    things: FxMap<Box<str>, SubjectKind>,
    possessives: FxMap<Box<str>, ()>,
    incidents: FxMap<Box<str>, ()>,
    /// Affiliation phrases by their first word.
    affiliations: FxMap<Box<str>, Vec<Affiliation>>,
    pub affiliation_prefixes: Vec<Box<str>>,
    pub affiliation_suffixes: Vec<Box<str>>,
    pub context_groups: Vec<String>,
}

fn phrase_words(entry: &str) -> Vec<Box<str>> {
    let t = tokenize(entry);
    (0..t.len()).map(|i| Box::from(t.norm(i))).collect()
}

impl Lexicon {
    pub fn build(langs: &[LanguageFile]) -> Self {
        let mut lx = Lexicon {
            index: FxMap::default(),
            parts: FxMap::default(),
            part_heads: FxMap::default(),
            lang_words: FxMap::default(),
            langs: 0,
            nouns: FxMap::default(),
            things: FxMap::default(),
            possessives: FxMap::default(),
            incidents: FxMap::default(),
            affiliations: FxMap::default(),
            affiliation_prefixes: Vec::new(),
            affiliation_suffixes: Vec::new(),
            context_groups: Vec::new(),
        };
        for l in langs {
            lx.add_language(l);
        }
        lx
    }

    fn add(&mut self, entry: &str, kind: Kind) {
        let mut words = phrase_words(entry);
        if words.is_empty() || words.len() > 8 {
            return;
        }
        let first = words.remove(0);
        let list = self.index.entry(first).or_default();
        let rest: Box<[Box<str>]> = words.into_boxed_slice();
        if !list.iter().any(|p| p.kind == kind && p.rest == rest) {
            list.push(Phrase { rest, kind });
        }
    }

    fn add_all(&mut self, words: &[String], kind: Kind) {
        for w in words {
            self.add(w, kind);
        }
    }

    fn add_language(&mut self, l: &LanguageFile) {
        let n = &l.numbers;
        for (w, v) in &n.values {
            self.add(w, Kind::Value(*v));
        }
        for (w, v) in &n.teen_bases {
            self.add(w, Kind::TeenBase(*v));
        }
        self.add_all(&n.teen_suffix, Kind::TeenSuffix);
        for (w, v) in &n.multipliers {
            self.add(w, Kind::Mult(*v));
        }
        for (w, v) in &n.plural_multipliers {
            self.add(w, Kind::PluralMult(*v));
        }
        self.add_all(&n.connectors, Kind::NumConn);
        let li = self.langs;
        self.langs = self.langs.saturating_add(1);
        self.add_all(&n.articles, Kind::Article(li));
        self.add_all(&n.ones, Kind::One);
        self.add_all(&n.approximate, Kind::RoundNumber);
        for (w, v) in &n.weak_values {
            self.add(w, Kind::WeakValue(*v, li));
        }
        self.add_all(&n.toll_to, Kind::TollTo(li));
        let nn = &l.nouns;
        let measure_words = l.measures.values().flatten();
        let mult_words = n.multipliers.keys().chain(n.plural_multipliers.keys());
        for w in [&nn.generic, &nn.member, &nn.others, &nn.hostile]
            .into_iter()
            .flatten()
            .chain(measure_words)
            .chain(mult_words)
        {
            let f = super::text::fold(w);
            if !f.contains(' ') && li < 64 {
                *self.lang_words.entry(f.into_boxed_str()).or_default() |= 1 << li;
            }
        }
        self.add_all(&n.decimal_point, Kind::DecimalPoint);
        for (map, kind) in [
            (&n.compound_values, Kind::Value as fn(i64) -> Kind),
            (&n.compound_multipliers, Kind::Mult as fn(i64) -> Kind),
        ] {
            for (w, v) in map {
                let f = super::text::fold(w);
                let head: String = f.chars().take(2).collect();
                self.part_heads.insert(head.into_boxed_str(), ());
                self.parts.insert(f.into_boxed_str(), kind(*v));
            }
        }
        for s in &n.dual_stems {
            let s = super::text::fold(s);
            let base = s
                .strip_suffix('ه')
                .map(|b| format!("{b}ت"))
                .unwrap_or_else(|| s.clone());
            for suf in ["ان", "ين"] {
                self.add(&format!("{base}{suf}"), Kind::Dual);
            }
        }
        let q = &l.qualifiers;
        self.add_all(&q.at_least, Kind::Qual(Qualifier::AtLeast));
        self.add_all(&q.at_most, Kind::Qual(Qualifier::AtMost));
        self.add_all(&q.approx, Kind::Qual(Qualifier::Approx));
        self.add_all(&q.at_least_after, Kind::QualAfter(Qualifier::AtLeast));
        self.add_all(&q.approx_after, Kind::QualAfter(Qualifier::Approx));
        let r = &l.ranges;
        self.add_all(&r.between, Kind::Between);
        self.add_all(&r.and, Kind::RangeAnd);
        self.add_all(&r.to, Kind::RangeTo);
        self.add_all(&r.from, Kind::RangeFrom);
        self.add_all(&r.change, Kind::Change);
        for (name, words) in &l.measures {
            let m: Measure = name
                .parse()
                .unwrap_or_else(|e| panic!("lang/{}.toml: {e}", l.lang));
            self.add_all(words, Kind::Measure(m));
        }
        let a = &l.attribution;
        self.add_all(&a.before, Kind::Attr(AttrKind::Before));
        self.add_all(&a.after, Kind::Attr(AttrKind::After));
        self.add_all(&a.quote, Kind::Attr(AttrKind::Quote));
        self.add_all(&a.continuation, Kind::Attr(AttrKind::Continuation));
        self.add_all(&a.participle, Kind::Attr(AttrKind::Participle));
        self.add_all(&a.quote_via, Kind::QuoteVia);
        self.add_all(&a.withheld, Kind::Withheld);
        let d = &l.denial;
        self.add_all(&d.verbs, Kind::DenyVerb);
        self.add_all(&d.after, Kind::DenyAfter);
        self.add_all(&d.none, Kind::DenyNone);
        let p = &l.parts;
        self.add_all(&p.before, Kind::PartBefore);
        self.add_all(&p.after, Kind::PartAfter);
        self.add_all(&p.among, Kind::PartAmong);
        let f = &l.filters;
        self.add_all(&f.units, Kind::Unit);
        self.add_all(&f.munitions, Kind::Unit);
        self.add_all(&f.labels, Kind::Label);
        self.add_all(&f.months, Kind::Month);
        self.add_all(&f.neutral, Kind::Neutral);
        let s = &l.syntax;
        self.add_all(&s.stop, Kind::Stop);
        self.add_all(&s.function, Kind::Function);
        self.add_all(&s.clause, Kind::Clause);
        self.add_all(&s.conjunctions, Kind::Conj);
        self.add_all(&s.appositive, Kind::Appositive);
        self.add_all(&s.pronouns, Kind::Pronoun);
        self.add_all(&s.aux, Kind::Aux);
        self.add_all(&s.discourse, Kind::Discourse);
        let t = &l.tolls;
        self.add_all(&t.to, Kind::TollVerb(false));
        self.add_all(&t.over, Kind::TollVerb(true));
        self.add_all(&t.nouns, Kind::TollNoun);
        self.add_all(&t.of, Kind::SourceOf);
        for (group, words) in &l.context {
            let gi = match self.context_groups.iter().position(|g| g == group) {
                Some(i) => i,
                None => {
                    self.context_groups.push(group.clone());
                    self.context_groups.len() - 1
                }
            };
            self.add_all(words, Kind::Context(gi as u16));
        }
        let nn = &l.nouns;
        for (words, class) in [
            (&nn.generic, NounClass::Generic),
            (&nn.member, NounClass::Member),
            (&nn.civilian, NounClass::Civilian),
            (&nn.others, NounClass::Others),
            (&nn.hostile, NounClass::Hostile),
        ] {
            for w in words {
                let key = super::text::normalize_alias(w);
                self.nouns.entry(key.into_boxed_str()).or_insert(class);
            }
        }
        for (words, kind) in [
            (&nn.vehicles, SubjectKind::Vehicles),
            (&nn.buildings, SubjectKind::Buildings),
            (&nn.children, SubjectKind::Children),
            (&nn.women, SubjectKind::Women),
        ] {
            for w in words {
                let key = super::text::normalize_alias(w);
                self.things.entry(key.into_boxed_str()).or_insert(kind);
            }
        }
        self.add_all(&nn.majority, Kind::Majority);
        for w in &nn.incidents {
            self.incidents
                .insert(super::text::fold(w).into_boxed_str(), ());
        }
        for w in &nn.possessive {
            self.possessives
                .insert(super::text::fold(w).into_boxed_str(), ());
        }
        for a in &nn.affiliation {
            let words = phrase_words(a);
            let star = words.iter().position(|w| &**w == "*");
            let (before, after) = match star {
                Some(k) => (words[..k].to_vec(), words[k + 1..].to_vec()),
                None => (words, Vec::new()),
            };
            let Some(first) = before.first().cloned() else {
                continue;
            };
            self.affiliations
                .entry(first)
                .or_default()
                .push(Affiliation {
                    before: before.into_boxed_slice(),
                    after: after.into_boxed_slice(),
                });
        }
        for (list, out) in [
            (&nn.affiliation_prefix, &mut self.affiliation_prefixes),
            (&nn.affiliation_suffix, &mut self.affiliation_suffixes),
        ] {
            for w in list {
                let f: Box<str> = super::text::fold(w).into_boxed_str();
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }

    /// Every entry that starts at token `i`, appended to `out`.
    pub fn matches_at(
        &self,
        t: &Tokens,
        i: usize,
        variants: &mut Vec<(usize, bool)>,
        out: &mut Vec<Match>,
    ) {
        let tk = &t.toks[i];
        if tk.kind == TokKind::Num {
            return;
        }
        let w = t.norm(i);
        clitic_variants(w, variants);
        for &(off, conj) in variants.iter() {
            let Some(list) = self.index.get(&w[off..]) else {
                continue;
            };
            // With the definite article a number word is a name or an ordinal ("الإثنين"
            // Monday, "الثلاثة"), and a dual ending is a plural's ("المسعفين").
            let article = w[..off].ends_with("ال") || w[..off].ends_with("لل");
            'phrases: for p in list {
                if article
                    && matches!(
                        p.kind,
                        Kind::Value(_)
                            | Kind::TeenBase(_)
                            | Kind::TeenSuffix
                            | Kind::Mult(_)
                            | Kind::PluralMult(_)
                            | Kind::Dual
                    )
                {
                    continue;
                }
                for (k, want) in p.rest.iter().enumerate() {
                    let j = i + 1 + k;
                    if j >= t.len() || t.norm(j) != &**want || t.toks[j].line != tk.line {
                        continue 'phrases;
                    }
                }
                out.push(Match {
                    kind: p.kind,
                    len: (p.rest.len() + 1) as u8,
                    conj,
                });
            }
        }
    }

    /// The kind of thing a folded word names ("cars" → vehicles), by its stem; `None` for people
    /// and for words the lexicons don't know.
    pub fn thing_kind(&self, folded: &str) -> Option<SubjectKind> {
        let mut v = Vec::new();
        clitic_variants(folded, &mut v);
        v.iter()
            .find_map(|&(off, _)| self.things.get(stem(&folded[off..])).copied())
    }

    /// The noun class of a folded word, by its stem.
    pub fn noun_class(&self, folded: &str) -> Option<NounClass> {
        let mut v = Vec::new();
        clitic_variants(folded, &mut v);
        v.iter()
            .find_map(|&(off, _)| self.nouns.get(stem(&folded[off..])).copied())
    }

    /// The noun class of a word that may carry an Arabic possessive suffix ("مقاتليها", "عناصرهم",
    /// "جنوده"), and whether it did.
    pub fn noun_class_possessed(&self, folded: &str) -> Option<(NounClass, bool)> {
        if let Some(c) = self.noun_class(folded) {
            return Some((c, false));
        }
        if !folded
            .chars()
            .next()
            .is_some_and(super::text::is_arabic_letter)
        {
            return None;
        }
        for suf in ["هما", "هم", "هن", "ها", "ه"] {
            let Some(base) = folded.strip_suffix(suf) else {
                continue;
            };
            if base.chars().count() < 3 {
                continue;
            }
            // The construct plural drops its nun: "مقاتلي" + "ها" is "مقاتلين" possessed.
            let construct = base.strip_suffix('ي').map(|b| format!("{b}ين"));
            let found = self
                .noun_class(base)
                .or_else(|| construct.as_deref().and_then(|c| self.noun_class(c)));
            if let Some(c) = found {
                return Some((c, true));
            }
        }
        None
    }

    /// A possessive determiner that refers back to the speaker: "its", "their", "ses", "sus".
    pub fn is_possessive(&self, folded: &str) -> bool {
        self.possessives.contains_key(folded)
    }

    /// Whether a folded word counts incidents rather than people ("injuries", «إصابات»).
    pub fn is_incident_noun(&self, folded: &str) -> bool {
        self.incidents.contains_key(folded)
    }

    /// The affiliation phrases starting with a folded word.
    pub fn affiliations(&self, folded: &str) -> &[Affiliation] {
        self.affiliations.get(folded).map_or(&[], |v| v.as_slice())
    }
}

impl Lexicon {
    /// The number kind of one folded word standing alone (a piece of a hyphenated number):
    /// a value, multiplier, connector or one, in that order of preference.
    pub fn number_piece(&self, folded: &str) -> Option<Kind> {
        let list = self.index.get(folded)?;
        let single = |f: &dyn Fn(Kind) -> bool| {
            list.iter()
                .find(|p| p.rest.is_empty() && f(p.kind))
                .map(|p| p.kind)
        };
        single(&|k| matches!(k, Kind::Value(_)))
            .or_else(|| single(&|k| matches!(k, Kind::Mult(_) | Kind::PluralMult(_))))
            .or_else(|| single(&|k| matches!(k, Kind::One | Kind::WeakValue(..))))
            .or_else(|| single(&|k| k == Kind::NumConn))
    }

    /// Whether a folded word is a noun, measure word or multiplier of language `li`.
    pub fn is_word_of(&self, folded: &str, li: u8) -> bool {
        li < 64
            && self
                .lang_words
                .get(folded)
                .is_some_and(|m| m & (1 << li) != 0)
    }

    /// A cheap test: the word starts like a piece of a joined number word.
    pub fn may_be_joined(&self, folded: &str) -> bool {
        let head_end = folded
            .char_indices()
            .nth(2)
            .map_or(folded.len(), |(i, _)| i);
        folded.len() >= 4 && self.part_heads.contains_key(&folded[..head_end])
    }

    /// Splits a folded word written as joined number pieces ("ventuno" → 20, 1;
    /// "tremilacinquecento" → 3, 1000, 5, 100) into `out`; false (and `out` as it was) when
    /// the word is not made entirely of pieces.
    pub fn split_joined(&self, folded: &str, out: &mut Vec<Kind>) -> bool {
        let head_end = folded
            .char_indices()
            .nth(2)
            .map_or(folded.len(), |(i, _)| i);
        if folded.len() < 4 || !self.part_heads.contains_key(&folded[..head_end]) {
            return false;
        }
        let mark = out.len();
        if self.split_from(folded, out, 0) {
            return true;
        }
        out.truncate(mark);
        false
    }

    fn split_from(&self, w: &str, out: &mut Vec<Kind>, depth: usize) -> bool {
        if w.is_empty() {
            return depth > 1;
        }
        if depth > 8 {
            return false;
        }
        // Longest piece first, then shorter ones.
        let ends: Vec<usize> = w.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        for &e in ends.iter().rev() {
            if let Some(&k) = self.parts.get(&w[..e]) {
                out.push(k);
                if self.split_from(&w[e..], out, depth + 1) {
                    return true;
                }
                out.pop();
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_language_file_parses_and_names_known_measures() {
        for (name, src) in LANGUAGE_FILES {
            let l = parse_language(src).unwrap_or_else(|e| panic!("lang/{name}.toml: {e}"));
            assert_eq!(&l.lang, name, "lang/{name}.toml declares its own code");
            for m in l.measures.keys() {
                assert!(
                    m.parse::<Measure>().is_ok(),
                    "lang/{name}.toml: unknown measure {m}"
                );
            }
        }
        let lx = Lexicon::build(&LANGUAGES);
        assert!(lx.context_groups.iter().all(|g| !g.is_empty()));
    }
}
