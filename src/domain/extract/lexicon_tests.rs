//! Lexicon coverage: invented wire-style sentences in every shipped language, one construct
//! each (verb forms and agreement of the measures, qualifiers before and after the figure,
//! reported speech before and after the source, parts, denials), plus checks that a word of
//! one language does not misfire in another that shares the index.

use super::*;
use crate::domain::claim::{Measure, Qualifier};

fn ex() -> &'static Extractor {
    static EX: LazyLock<Extractor> = LazyLock::new(Extractor::with_default_lexicons);
    &EX
}

use Measure::*;
use Qualifier::*;

/// (text, first claim's (value, qualifier, measure), a substring of its source or None)
type Case = (
    &'static str,
    (i64, Qualifier, Measure),
    Option<&'static str>,
);

fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for (text, (value, qualifier, measure), source) in cases {
        let got = ex().extract(text);
        let Some(c) = got.first() else {
            failures.push(format!("no claim: {text}"));
            continue;
        };
        let src_ok = match (source, &c.source) {
            (None, None) => true,
            (Some(want), Some(got)) => got.contains(want),
            _ => false,
        };
        if (c.value, c.qualifier, c.measure) != (*value, *qualifier, *measure) || !src_ok {
            failures.push(format!(
                "{text}\n   got  {:?} {:?} {:?} source {:?}\n   want {value} {qualifier:?} {measure:?} source {source:?}",
                c.value, c.qualifier, c.measure, c.source
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn italian_wire_forms() {
    check(&[
        (
            "Almeno 12 persone sono morte nell'esplosione, ha detto il ministro.",
            (12, AtLeast, Killed),
            Some("il ministro"),
        ),
        (
            "Sono 9 le persone decedute in ospedale.",
            (9, Exact, Killed),
            None,
        ),
        (
            "Nel crollo hanno perso la vita 7 operai.",
            (7, Exact, Killed),
            None,
        ),
        (
            "Il bilancio è salito a 40 morti, secondo la protezione civile.",
            (40, Exact, Killed),
            Some("la protezione civile"),
        ),
        (
            "Oltre 100 persone sono rimaste ferite.",
            (100, AtLeast, Wounded),
            None,
        ),
        (
            "Sono stati ricoverati 45 feriti.",
            (45, Exact, Wounded),
            None,
        ),
        (
            "Sono 25 i dispersi dopo l'alluvione, ha reso noto la prefettura.",
            (25, Exact, Missing),
            Some("la prefettura"),
        ),
        (
            "La polizia ha arrestato 14 persone.",
            (14, Exact, Captured),
            None,
        ),
        (
            "Circa 3.000 persone sono rimaste senzatetto.",
            (3000, Approx, Displaced),
            None,
        ),
        (
            "Quasi 800 abitanti costretti a lasciare le loro case.",
            (800, Approx, Displaced),
            None,
        ),
        (
            "Almeno 60 edifici sono crollati.",
            (60, AtLeast, Destroyed),
            None,
        ),
        (
            "Una notte di scontri: 30 auto bruciate.",
            (30, Exact, Destroyed),
            None,
        ),
        (
            "Lo ha riferito il portavoce dei vigili del fuoco: 7 persone hanno perso la vita.",
            (7, Exact, Killed),
            Some("il portavoce"),
        ),
        (
            "Fino a 50 persone potrebbero essere state uccise.",
            (50, AtMost, Killed),
            None,
        ),
        (
            "Il bilancio supera i 200 morti.",
            (200, AtLeast, Killed),
            None,
        ),
        (
            "I medici hanno registrato 120 casi di soffocamento.",
            (120, Exact, Wounded),
            None,
        ),
        (
            "Stando alla polizia, 4 persone sono state rapite.",
            (4, Exact, Captured),
            Some("polizia"),
        ),
    ]);
}

#[test]
fn portuguese_wire_forms() {
    check(&[
        (
            "Pelo menos 35 pessoas morreram no desabamento, disse o governador.",
            (35, AtLeast, Killed),
            Some("o governador"),
        ),
        (
            "O número de mortos subiu para 48, informou o ministério.",
            (48, Exact, Killed),
            Some("o ministério"),
        ),
        (
            "Faleceram 6 pacientes no incêndio do hospital.",
            (6, Exact, Killed),
            None,
        ),
        (
            "Segundo a Defesa Civil, mais de 200 pessoas ficaram desabrigadas.",
            (200, AtLeast, Displaced),
            Some("Defesa Civil"),
        ),
        (
            "Cerca de 1.500 pessoas foram forçadas a deixar as suas casas.",
            (1500, Approx, Displaced),
            None,
        ),
        (
            "A polícia prendeu 22 suspeitos.",
            (22, Exact, Captured),
            None,
        ),
        (
            "Quase 90 feridos foram levados para o hospital.",
            (90, Approx, Wounded),
            None,
        ),
        (
            "Outras 40 pessoas foram internadas.",
            (40, Exact, Wounded),
            None,
        ),
        (
            "Pelo menos 12 prédios desabaram.",
            (12, AtLeast, Destroyed),
            None,
        ),
        (
            "Ao todo, 17 carros incendiados.",
            (17, Exact, Destroyed),
            None,
        ),
        (
            "Perto de 30 pessoas estão desaparecidas, de acordo com os bombeiros.",
            (30, Approx, Missing),
            Some("os bombeiros"),
        ),
        (
            "Foram registrados 150 casos de asfixia.",
            (150, Exact, Wounded),
            None,
        ),
        (
            "O balanço ultrapassa os 1.000 mortos.",
            (1000, AtLeast, Killed),
            None,
        ),
    ]);
}

#[test]
fn spanish_wire_forms() {
    check(&[
        (
            "Al menos 27 personas fallecieron en el incendio, informó la fiscalía.",
            (27, AtLeast, Killed),
            Some("la fiscalía"),
        ),
        (
            "Según la Cruz Roja, unas 4.000 personas se quedaron sin hogar.",
            (4000, Approx, Displaced),
            Some("la Cruz Roja"),
        ),
        (
            "La cifra de muertos se elevó a 61, precisó el alcalde.",
            (61, Exact, Killed),
            Some("el alcalde"),
        ),
        (
            "Más de 300 familias fueron obligadas a abandonar sus viviendas.",
            (300, AtLeast, Displaced),
            None,
        ),
        (
            "Casi 50 heridos fueron trasladados al hospital.",
            (50, Approx, Wounded),
            None,
        ),
        (
            "Unos 80 edificios se derrumbaron.",
            (80, Approx, Destroyed),
            None,
        ),
        (
            "Hay 19 desaparecidos, de acuerdo con los bomberos.",
            (19, Exact, Missing),
            Some("los bomberos"),
        ),
        (
            "Los médicos atendieron 200 casos de asfixia.",
            (200, Exact, Wounded),
            None,
        ),
        ("Murieron casi 30 personas.", (30, Approx, Killed), None),
        (
            "Más de 40 viviendas quemadas.",
            (40, AtLeast, Destroyed),
            None,
        ),
        (
            "Hombres armados secuestraron a 25 estudiantes.",
            (25, Exact, Captured),
            None,
        ),
    ]);
}

#[test]
fn french_wire_forms() {
    check(&[
        (
            "Au moins 18 personnes ont trouvé la mort dans l'explosion, a indiqué la préfecture.",
            (18, AtLeast, Killed),
            Some("la préfecture"),
        ),
        (
            "Le ministère a précisé qu’au moins 25 soldats ont été tués.",
            (25, AtLeast, Killed),
            Some("Le ministère"),
        ),
        (
            "Le ministère a précisé qu'au moins 25 soldats ont été tués.",
            (25, AtLeast, Killed),
            Some("Le ministère"),
        ),
        (
            "Le bilan s'élève à 43 morts, selon les autorités.",
            (43, Exact, Killed),
            Some("les autorités"),
        ),
        (
            "Quelque 700 habitants ont été contraints de quitter leurs foyers.",
            (700, Approx, Displaced),
            None,
        ),
        (
            "La police a interpellé 31 personnes.",
            (31, Exact, Captured),
            None,
        ),
        (
            "Environ 60 blessés ont été transportés à l'hôpital.",
            (60, Approx, Wounded),
            None,
        ),
        (
            "Ce soir, 15 immeubles effondrés.",
            (15, Exact, Destroyed),
            None,
        ),
        (
            "On compte 12 disparus, d'après les secours.",
            (12, Exact, Missing),
            Some("les secours"),
        ),
        (
            "Les médecins ont recensé 500 cas de suffocation.",
            (500, Exact, Wounded),
            Some("médecins"),
        ),
        (
            "L’attaque a fait jusqu’à 20 morts.",
            (20, AtMost, Killed),
            None,
        ),
        ("Un bilan d'au moins 33 morts.", (33, AtLeast, Killed), None),
        (
            "Dans la nuit, 40 voitures brûlées.",
            (40, Exact, Destroyed),
            None,
        ),
        (
            "Plus de 90 personnes sont sans domicile.",
            (90, AtLeast, Displaced),
            None,
        ),
    ]);
}

#[test]
fn english_and_arabic_gaps() {
    check(&[
        (
            "More than 500 people were left homeless by the floods.",
            (500, AtLeast, Displaced),
            None,
        ),
        (
            "At least 40 buildings collapsed in the city centre.",
            (40, AtLeast, Destroyed),
            None,
        ),
        (
            "Some 70 cars were torched overnight.",
            (70, Approx, Destroyed),
            None,
        ),
        (
            "Medics treated 90 cases of suffocation.",
            (90, Exact, Wounded),
            None,
        ),
        (
            "About 300 refugees crossed the border.",
            (300, Approx, Displaced),
            None,
        ),
        ("Gunmen abducted 25 students.", (25, Exact, Captured), None),
        (
            "The death toll has surpassed 1,200, officials said.",
            (1200, AtLeast, Killed),
            Some("officials"),
        ),
        (
            "Nearly 60 people were taken to hospital.",
            (60, Approx, Wounded),
            None,
        ),
        (
            "Eight people suffocated in the tunnel.",
            (8, Exact, Killed),
            None,
        ),
        (
            "أعلنت الوزارة أن حصيلة الوفيات بلغت 120 حالة وفاة.",
            (120, Exact, Killed),
            Some("الوزارة"),
        ),
        (
            "سجلت المستشفيات 150 حالة اختناق.",
            (150, Exact, Wounded),
            Some("المستشفيات"),
        ),
        ("انهارت 40 بناية في المدينة.", (40, Exact, Destroyed), None),
        (
            "بات أكثر من 3000 شخص بلا مأوى.",
            (3000, AtLeast, Displaced),
            None,
        ),
        ("أحرقت 25 سيارة.", (25, Exact, Destroyed), None),
    ]);
}

#[test]
fn parts_in_every_language() {
    let cases = [
        "Tra le vittime, 30 morti, di cui 8 bambini.",
        "O ataque deixou 40 mortos, dos quais 9 crianças.",
        "El bombardeo dejó 33 muertos, entre ellos 11 niños.",
        "L'attaque a fait 29 morts, dont 7 enfants.",
        "قتل 50 شخصا منهم 10 أطفال.",
    ];
    for text in cases {
        let c = ex().extract(text);
        assert_eq!(c.len(), 2, "{text}: {c:?}");
        assert_eq!(c[1].part_of, Some(0), "{text}: {c:?}");
        assert_eq!(c[1].measure, Killed, "{text}: {c:?}");
        assert_eq!(c[1].group, "civilians", "{text}: {c:?}");
    }
}

#[test]
fn denials_in_every_language() {
    let cases = [
        (
            "Nessun civile è morto nell'attacco, ha affermato il comando.",
            Killed,
        ),
        ("Non c'è stato alcun ferito.", Wounded),
        ("Nenhum soldado morreu, afirmou o exército.", Killed),
        ("Nadie murió en el ataque, aseguró el ejército.", Killed),
        ("Aucun civil n'a été tué, a affirmé l'armée.", Killed),
        ("No one was killed in the strike, the army said.", Killed),
    ];
    for (text, measure) in cases {
        let c = ex().extract(text);
        assert!(
            c.iter().any(|c| c.value == 0 && c.measure == measure),
            "{text}: {c:?}"
        );
    }
}

#[test]
fn words_shared_across_languages_keep_their_role() {
    // Spanish "casi" (almost) stays a qualifier; Italian "casi di" is a measure only as a phrase.
    let c = ex().extract("Murieron casi 200 personas.");
    assert_eq!((c[0].qualifier, c[0].measure), (Approx, Killed), "{c:?}");
    // English "come", "once", Italian "come" add no claims.
    assert!(ex().extract("Come and see the 3 new exhibits.").is_empty());
    assert!(ex()
        .extract("Come ogni anno, 3 concerti in piazza.")
        .is_empty());
    // Times, ages, weekdays and months are not claims in any language.
    for text in [
        "Il ragazzo aveva 17 anni.",
        "O jovem tinha 17 anos.",
        "El joven tenía 17 años.",
        "Le jeune avait 17 ans.",
        "Lunedì 12 marzo, in città.",
        "Na segunda-feira 12 de março.",
        "El lunes 12 de marzo.",
        "Le lundi 12 mars.",
    ] {
        assert!(ex().extract(text).is_empty(), "{text}");
    }
}
