//! Whom a figure counts, read from its context in each language: demonyms with person nouns (in
//! either order), bare demonyms, affiliation phrases ("pro-X", "X-backed", "loyal to X"), and
//! possessives that refer back to the speaker ("four of its soldiers"). Invented sentences.

use super::*;

fn ex() -> &'static Extractor {
    static EX: LazyLock<Extractor> = LazyLock::new(Extractor::with_default_lexicons);
    &EX
}

/// (text, the figure, the group it must get, why)
type Case = (&'static str, i64, &'static str, &'static str);

fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for (text, value, want, why) in cases {
        let claims = ex().extract(text);
        match claims.iter().find(|c| c.value == *value) {
            Some(c) if c.group == *want => {}
            Some(c) => failures.push(format!("{why}: {text}\n   got {} want {want}", c.group)),
            None => failures.push(format!("{why}: {text}\n   no claim of {value}: {claims:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_demonym_with_an_armed_noun_gives_the_nation_of_a_group_or_unknown() {
    check(&[
        (
            "Four Russian servicemen were killed.",
            4,
            "russia",
            "en russia",
        ),
        ("13 US soldiers were killed.", 13, "us", "en US in capitals"),
        (
            "Seven Syrian mercenaries were wounded.",
            7,
            "syria_gov",
            "en syrian armed",
        ),
        (
            "Twelve Turkish contractors were killed.",
            12,
            "turkey",
            "en turkey",
        ),
        (
            "Three Israeli reservists were wounded.",
            3,
            "israel",
            "en israel",
        ),
        ("Two Iranian advisers were killed.", 2, "iran", "en iran"),
        (
            "Russian officials said 9 Ukrainian soldiers were killed.",
            9,
            "unknown",
            "en other nation: not the speaker's side",
        ),
        (
            "Trois soldats russes ont été tués.",
            3,
            "russia",
            "fr noun-adjective",
        ),
        (
            "Deux militaires syriens ont été tués.",
            2,
            "syria_gov",
            "fr syrian",
        ),
        (
            "Cinq combattants afghans ont été tués.",
            5,
            "unknown",
            "fr other nation",
        ),
        (
            "Murieron tres militares estadounidenses.",
            3,
            "us",
            "es noun-adjective",
        ),
        (
            "Cinco soldados ucranianos murieron.",
            5,
            "unknown",
            "es other nation",
        ),
        (
            "Sono morti tre mercenari russi.",
            3,
            "russia",
            "it noun-adjective",
        ),
        (
            "Quattro soldati siriani sono stati uccisi.",
            4,
            "syria_gov",
            "it syrian",
        ),
        (
            "Sono morti sei soldati turchi.",
            6,
            "turkey",
            "it -chi plural",
        ),
        (
            "Morreram três soldados norte-americanos.",
            3,
            "us",
            "pt noun-adjective",
        ),
        (
            "Quatro militares turcos morreram.",
            4,
            "turkey",
            "pt turkey",
        ),
        ("قتل 13 عسكريا أمريكيا.", 13, "us", "ar noun-adjective"),
        ("قتل 5 جنود روس.", 5, "russia", "ar broken plural demonym"),
        ("قتل 6 مقاتلين أفغان.", 6, "unknown", "ar other nation"),
    ]);
}

#[test]
fn a_demonym_with_a_civilian_noun_or_alone_counts_people() {
    check(&[
        (
            "Forty Pakistani nationals were killed.",
            40,
            "civilians",
            "en nationals",
        ),
        (
            "Sixty Afghans were killed.",
            60,
            "civilians",
            "en bare demonym",
        ),
        (
            "Five Ukrainian civilians were killed.",
            5,
            "civilians",
            "en civilians alias",
        ),
        (
            "Three Americans were killed.",
            3,
            "us",
            "en bare demonym with a group",
        ),
        (
            "Cinq ressortissants français ont été tués.",
            5,
            "civilians",
            "fr nationals",
        ),
        (
            "Dos ciudadanos argentinos murieron.",
            2,
            "civilians",
            "es citizens",
        ),
        (
            "Sono morti tre cittadini italiani.",
            3,
            "civilians",
            "it citizens",
        ),
        (
            "Dois cidadãos brasileiros morreram.",
            2,
            "civilians",
            "pt citizens",
        ),
        ("قتل 7 مواطنين أفغان.", 7, "civilians", "ar citizens"),
    ]);
}

#[test]
fn an_affiliation_names_the_side() {
    check(&[
        (
            "Nine pro-Russian fighters were killed.",
            9,
            "russia",
            "en pro-X",
        ),
        (
            "Six Iran-backed militiamen were killed.",
            6,
            "iran",
            "en X-backed",
        ),
        (
            "Eleven fighters loyal to Iran were killed.",
            11,
            "iran",
            "en loyal to X",
        ),
        (
            "Two men fighting on behalf of Russia were killed.",
            2,
            "russia",
            "en fighting on behalf of X",
        ),
        (
            "Eight soldiers on the Russian side were killed.",
            8,
            "russia",
            "en on the X side",
        ),
        (
            "Six combattants prorusses ont été tués.",
            6,
            "russia",
            "fr pro glued",
        ),
        (
            "Quatre miliciens fidèles à l'Iran ont été tués.",
            4,
            "iran",
            "fr fidèles à X",
        ),
        (
            "Murieron cuatro combatientes prorrusos.",
            4,
            "russia",
            "es pro glued, rr",
        ),
        (
            "Sono morti cinque miliziani filorussi.",
            5,
            "russia",
            "it filo glued",
        ),
        (
            "Morreram dois milicianos pró-iranianos.",
            2,
            "iran",
            "pt pró- glued",
        ),
        ("قتل 4 مقاتلين موالين لإيران.", 4, "iran", "ar موالين لـ X"),
        (
            "قتل 3 عناصر في صفوف قوات النظام.",
            3,
            "syria_gov",
            "ar in the ranks of X",
        ),
    ]);
}

#[test]
fn a_possessive_refers_back_to_the_speaker() {
    check(&[
        (
            "The Russian defence ministry said four of its soldiers were killed.",
            4,
            "russia",
            "en its",
        ),
        (
            "Turkey's defence ministry said three of its soldiers were killed.",
            3,
            "turkey",
            "en source named by the country",
        ),
        (
            "قالت وزارة الدفاع التركية إن 28 من مقاتليها قتلوا.",
            28,
            "turkey",
            "ar possessive suffix",
        ),
        (
            "أعلن الجيش الروسي مقتل 5 من عناصره.",
            5,
            "russia",
            "ar possessive suffix on a broken plural",
        ),
    ]);
}

#[test]
fn a_demonym_is_not_read_across_a_clause_or_as_a_pronoun() {
    check(&[
        (
            "Four soldiers were killed near the base where American troops are stationed.",
            4,
            "unknown",
            "en other clause",
        ),
        ("Four of us were wounded.", 4, "unknown", "en pronoun us"),
        (
            "Quatre soldats ont été tués dans une frappe, selon l'armée russe.",
            4,
            "russia",
            "fr: the source's side, not a demonym of the figure",
        ),
    ]);
}

#[test]
fn every_country_has_demonyms_in_every_language() {
    let d = &ex().subjects.demonyms;
    assert!(d.nations.len() > 200, "{} nations", d.nations.len());
    for (word, code) in [
        ("Afghans", "AF"),
        ("afghans", "AF"),
        ("nigérians", "NG"),
        ("colombianos", "CO"),
        ("tedeschi", "DE"),
        ("ucranianos", "UA"),
        ("سودانيون", "SD"),
        ("إثيوبيين", "ET"),
    ] {
        assert_eq!(
            d.word(word).map(|n| &*n.code),
            Some(code),
            "{word} names {code}"
        );
    }
    assert!(d.word("us").is_none(), "the pronoun is no demonym");
}
