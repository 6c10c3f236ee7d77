//! Rules that read a figure's measure, qualifier and source from beyond the words beside it:
//! toll predicates, breakdowns, qualifiers after the noun, Arabic articles, quotations and
//! report nouns. Each rule is checked in several languages and phrasings.

use super::*;
use crate::domain::claim::{Measure, Qualifier, UNKNOWN_GROUP};

fn claims(text: &str) -> Vec<ExtractedClaim> {
    Extractor::with_default_lexicons().extract(text)
}

/// The one claim of `value` in `text`.
fn claim_of(text: &str, value: i64) -> ExtractedClaim {
    let found: Vec<_> = claims(text)
        .into_iter()
        .filter(|c| c.value == value)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one claim of {value} in {text:?}: {found:?}"
    );
    found.into_iter().next().unwrap_or_else(|| unreachable!())
}

#[test]
fn a_toll_predicate_takes_its_measure_from_a_long_subject() {
    let cases = [
        ("The death toll from Tuesday's explosion at the city's port has risen to 158.", 158, Measure::Killed, Qualifier::Exact),
        ("The number of people injured in the storms across the northern provinces stands at 5,273.", 5273, Measure::Wounded, Qualifier::Exact),
        ("The number of people killed after the earthquakes in the two countries has reached at least 23,831.", 23831, Measure::Killed, Qualifier::AtLeast),
        ("The death toll following the floods in the southern valleys has surpassed 25,000.", 25000, Measure::Killed, Qualifier::AtLeast),
        ("Le nombre de morts dans les villages touchés par le séisme de lundi s'élève à 1.498.", 1498, Measure::Killed, Qualifier::Exact),
        ("El número de heridos en los barrios afectados por el terremoto del lunes asciende a 320.", 320, Measure::Wounded, Qualifier::Exact),
        ("Il numero dei feriti nelle zone colpite dal terremoto di lunedì mattina ha superato i 400.", 400, Measure::Wounded, Qualifier::AtLeast),
        ("O número de desalojados nas cidades atingidas pelas cheias da semana passada ultrapassa os 900.", 900, Measure::Displaced, Qualifier::AtLeast),
        ("ارتفع عدد القتلى في المدن التي ضربها الزلزال فجر الإثنين إلى 2921.", 2921, Measure::Killed, Qualifier::Exact),
    ];
    for (text, value, measure, qualifier) in cases {
        let c = claim_of(text, value);
        assert_eq!((c.measure, c.qualifier), (measure, qualifier), "{text}");
    }
}

#[test]
fn a_toll_predicate_does_not_make_a_count_of_other_things() {
    let text =
        "The death toll in the region rose to 12, and the wounded were taken to 3 hospitals.";
    assert!(
        claims(text).iter().all(|c| c.value != 3),
        "{:?}",
        claims(text)
    );
}

#[test]
fn a_toll_subject_without_a_measure_counts_what_was_counted_before() {
    let text = "Reports differ on how many people died in the attack. A television channel reported that the total was 113.";
    assert_eq!(claim_of(text, 113).measure, Measure::Killed);
    let text = "El gobernador dijo que 39 personas murieron. Las autoridades habían calculado antes que la cifra era de unas 30 personas.";
    let c = claim_of(text, 30);
    assert_eq!(
        (c.measure, c.qualifier),
        (Measure::Killed, Qualifier::Approx)
    );
}

#[test]
fn a_bare_figure_in_a_breakdown_counts_what_the_figure_before_it_counted() {
    let text = "The number of injured people across the region stands at 5,273, with 2,326 in government-held areas and 2,950 in the rebel-held areas.";
    for v in [5273, 2326, 2950] {
        assert_eq!(claim_of(text, v).measure, Measure::Wounded, "{v}");
    }
    // A figure of other things is not part of the breakdown.
    let text = "At least 40 people were killed in 3 villages.";
    assert!(
        claims(text).iter().all(|c| c.value != 3),
        "{:?}",
        claims(text)
    );
}

#[test]
fn a_qualifier_may_follow_the_noun_of_the_figure() {
    for (text, value) in [
        ("وفي سوريا قتل 237 شخصا على الأقل في الزلزال.", 237),
        (
            "At least 3 people were hurt and 12 people died at least.",
            12,
        ),
    ] {
        assert_eq!(
            claim_of(text, value).qualifier,
            Qualifier::AtLeast,
            "{text}"
        );
    }
}

#[test]
fn arabic_measure_nouns_are_read_with_the_definite_article() {
    for (text, value, measure) in [
        ("وبلغ عدد الإصابات 150 في المدينة.", 150, Measure::Wounded),
        (
            "وسجلت المستشفيات الوفيات 40 حتى المساء.",
            40,
            Measure::Killed,
        ),
    ] {
        assert_eq!(claim_of(text, value).measure, measure, "{text}");
    }
    // With the article a number word is a day or an ordinal, never a figure.
    let text = "قتل 5 أشخاص يوم الإثنين وأصيب المسعفين.";
    assert!(
        claims(text).iter().all(|c| c.value != 2),
        "{:?}",
        claims(text)
    );
}

#[test]
fn digits_glued_to_an_arabic_word_are_a_figure() {
    let c = claim_of("وبلغ عدد الجرحى 150حالة.", 150);
    assert_eq!(c.measure, Measure::Wounded);
    // A Latin letter after digits is a code or an abbreviation, not a figure.
    assert!(claims("Some 300k people fled.")
        .iter()
        .all(|c| c.value != 300));
}

#[test]
fn a_quotation_of_several_sentences_is_attributed_to_its_speaker() {
    let text = "\"Some 12 of them died in the hospital. Some 38 people died right at the station. They must be punished,\" the regional governor said.";
    for v in [12, 38] {
        assert_eq!(
            claim_of(text, v).source.as_deref(),
            Some("the regional governor"),
            "{v}"
        );
    }
    let text = "Le maire a déclaré : « Onze personnes sont mortes. Au moins 40 personnes ont été blessées. »";
    assert_eq!(claim_of(text, 40).source.as_deref(), Some("Le maire"));
}

#[test]
fn a_report_noun_after_according_to_names_no_one() {
    for (text, value, source) in [
        (
            "Le séisme a fait 158 morts, selon un nouveau bilan samedi du ministère de la Santé.",
            158,
            "ministère de la Santé",
        ),
        (
            "El sismo dejó 40 muertos, según un balance del Ministerio de Salud.",
            40,
            "Ministerio de Salud",
        ),
        (
            "The quake killed 70 people, according to a new toll from the health ministry.",
            70,
            "the health ministry",
        ),
    ] {
        assert_eq!(
            claim_of(text, value).source.as_deref(),
            Some(source),
            "{text}"
        );
    }
}

#[test]
fn a_source_named_at_a_marker_beats_one_carried_over() {
    let text = "The quake killed 300 people, according to authorities.\nIn the north, the toll rose to 200 with 800 reported injured the regional disaster agency said on Friday.";
    assert_eq!(
        claim_of(text, 800).source.as_deref(),
        Some("the regional disaster agency")
    );
}

#[test]
fn only_a_harm_is_denied_as_zero() {
    let text = "Moscow denied carrying out the strike on the station.";
    assert!(claims(text).is_empty(), "{:?}", claims(text));
    let c = claim_of("The army denied that any civilians had been killed.", 0);
    assert_eq!(c.measure, Measure::Killed);
}

#[test]
fn a_copula_does_not_hide_the_noun_of_a_part() {
    let text = "Some 50 people were killed, five of them are children.";
    let c = claim_of(text, 5);
    assert_eq!(
        (c.measure, c.group.as_str()),
        (Measure::Killed, "civilians")
    );
    let text = "Of the 98 people wounded, some 16 were children, 46 women and 36 men.";
    assert_eq!(claim_of(text, 16).group, "civilians");
    for v in [16, 46, 36] {
        assert_eq!(claim_of(text, v).measure, Measure::Wounded, "{v}");
    }
}

#[test]
fn a_list_takes_the_measure_only_right_after_a_figure() {
    // A figure of people far from the last figure is no item of its list.
    let text = "An air strike killed 12 civilians on Monday in a town whose 3,000 residents had fled earlier in the year.";
    assert!(claims(text)
        .iter()
        .all(|c| c.value != 3000 || c.measure != Measure::Killed));
}

#[test]
fn round_collective_numbers_are_approximate() {
    for (text, value, qualifier) in [
        (
            "Une centaine de morts ont été recensés.",
            100,
            Qualifier::Approx,
        ),
        (
            "Il y a eu plus d'un millier de blessés.",
            1000,
            Qualifier::AtLeast,
        ),
        (
            "Un centinaio di feriti sono stati ricoverati.",
            100,
            Qualifier::Approx,
        ),
        (
            "Un centenar de muertos fue contabilizado.",
            100,
            Qualifier::Approx,
        ),
        (
            "Uma centena de mortos foi confirmada.",
            100,
            Qualifier::Approx,
        ),
        ("A dozen people were killed.", 12, Qualifier::Approx),
    ] {
        assert_eq!(claim_of(text, value).qualifier, qualifier, "{text}");
    }
    // Plurals stay vague.
    assert!(claims("Des centaines de personnes ont été blessées.").is_empty());
}

#[test]
fn a_partitive_figure_takes_the_measure_of_its_whole() {
    let text = "The minister said at least 120 of the 5,000 people who were injured are in critical condition.";
    assert_eq!(claim_of(text, 120).measure, Measure::Wounded);
    // "are among the 300,000": an article between "among" and the whole
    let text = "The United Nations said up to 100,000 children are among the 300,000 people made homeless.";
    let c = claim_of(text, 100_000);
    assert_eq!(c.measure, Measure::Displaced);
    assert!(c.part_of.is_some());
}

#[test]
fn claimed_the_lives_of_is_a_death_toll() {
    for text in [
        "The double bombing claimed the lives of 60 people.",
        "El atentado cobró la vida de 60 personas.",
        "L'attentat a coûté la vie à 60 personnes.",
        "L'attentato è costato la vita a 60 persone.",
        "O atentado custou a vida de 60 pessoas.",
    ] {
        assert_eq!(claim_of(text, 60).measure, Measure::Killed, "{text}");
    }
}

#[test]
fn figures_joined_by_and_share_the_predicate_after_them() {
    let text = "Nine Russian contractors and 26 pro-government fighters were killed.";
    assert_eq!(claim_of(text, 9).measure, Measure::Killed);
    assert_eq!(claim_of(text, 9).group, "russia");
    assert_eq!(claim_of(text, 26).measure, Measure::Killed);
    // A measure right after a figure is its own, however the figures are joined.
    let text = "Sono morte 300 persone e 450mila feriti sono stati curati.";
    assert_eq!(claim_of(text, 450_000).measure, Measure::Wounded);
}

#[test]
fn a_subset_set_off_by_commas_does_not_hide_the_predicate_of_the_whole() {
    // invented sentences, one per language and phrasing
    let cases = [
        ("The monitor said 17 people, including four children, died in the basement.", 17, 4),
        ("Selon l'ONG, 23 personnes, dont cinq enfants, ont péri dans l'abri.", 23, 5),
        ("Según los rescatistas, 31 personas, entre ellas seis niños, murieron en el derrumbe.", 31, 6),
        ("Secondo i soccorritori, 14 persone, tra cui tre bambini, sono morte nel crollo.", 14, 3),
        ("Segundo a Defesa Civil, 26 pessoas, entre elas sete crianças, morreram no deslizamento.", 26, 7),
        ("وقال الدفاع المدني إن 19 شخصاً، بينهم 8 أطفال، قتلوا في القصف.", 19, 8),
    ];
    for (text, whole, part) in cases {
        let w = claim_of(text, whole);
        let p = claim_of(text, part);
        assert_eq!(w.measure, Measure::Killed, "{text}");
        assert_eq!(p.measure, Measure::Killed, "{text}");
        assert!(w.source.is_some(), "{text}: {w:?}");
    }
    // an aside that runs to the sentence's end has no predicate after it
    assert!(claims("Officials named 12 people, including two doctors.")
        .iter()
        .all(|c| c.value != 12 || c.measure != Measure::Killed));
}

#[test]
fn a_discourse_aside_between_a_name_and_its_verb_is_not_the_name() {
    let cases = [
        (
            "L'Observatoire a pour sa part indiqué que 17 personnes sont mortes.",
            17,
            "L'Observatoire",
        ),
        (
            "La ONG, por su parte, dijo que 12 personas murieron.",
            12,
            "La ONG",
        ),
        (
            "The monitor, for its part, said 14 people died.",
            14,
            "The monitor",
        ),
        (
            "L'agenzia aveva in precedenza riferito che 9 persone sono morte.",
            9,
            "L'agenzia",
        ),
        ("وقال المرصد من جانبه إن 11 شخصا قتلوا.", 11, "المرصد"),
        (
            "Le gouverneur avait plus tôt évoqué 30 morts.",
            30,
            "Le gouverneur",
        ),
    ];
    for (text, value, source) in cases {
        let c = claim_of(text, value);
        assert_eq!(c.source.as_deref(), Some(source), "{text}");
    }
}

#[test]
fn a_part_may_follow_a_copula_after_among_them() {
    let cases = [
        (
            "More than 300,000 people have been left homeless. Among them are 100,000 children.",
            100000,
            Measure::Displaced,
        ),
        (
            "The blast killed 52 people. Among them were 5 children.",
            5,
            Measure::Killed,
        ),
        (
            "Más de 300.000 personas quedaron sin hogar. Entre ellos están 100.000 niños.",
            100000,
            Measure::Displaced,
        ),
    ];
    for (text, value, measure) in cases {
        let c = claim_of(text, value);
        assert_eq!(c.measure, measure, "{text}");
        assert!(c.part_of.is_some(), "{text}: {c:?}");
    }
}

#[test]
fn another_speakers_bare_toll_does_not_continue_the_last_group() {
    // "20 dead" after "13 American soldiers" continues their group only when the same speaker
    // gives it; another speaker's bare toll is its own count of everyone
    let cases = [
        ("The blast killed 13 US soldiers, the Pentagon said. The Taliban counted 20 dead.", 20),
        ("L'explosion a tué 13 soldats américains, selon le Pentagone. Le régime taliban a lui recensé jusqu'à 20 morts.", 20),
        ("La explosión mató a 13 soldados estadounidenses, según el Pentágono. Los talibanes informaron de 20 muertos.", 20),
        ("قتل 13 جنديا أمريكيا بحسب البنتاغون. وقالت حركة طالبان إن 20 قتيلا سقطوا.", 20),
    ];
    for (text, value) in cases {
        assert_eq!(claim_of(text, value).group, UNKNOWN_GROUP, "{text}");
    }
    // the same speaker, shortened, still continues it
    let c = claim_of(
        "The Syrian civil defence said 9 civilians were killed. The civil defence added that 6 of the dead were children.",
        9,
    );
    assert_eq!(c.group, "civilians");
    let c = claim_of(
        "قال الدفاع المدني السوري إن تسعة مدنيين قتلوا وأصيب نحو عشرين مدنيا. وأضاف الدفاع المدني أن ٦ من المصابين نقلوا إلى مستشفيات.",
        6,
    );
    assert_eq!(c.group, "civilians");
}

#[test]
fn an_emphatic_pronoun_between_a_name_and_its_verb_is_not_the_name() {
    for text in [
        "Le régime taliban a lui recensé jusqu'à 20 morts.",
        "Les talibans ont eux aussi recensé jusqu'à 20 morts.",
    ] {
        let c = claim_of(text, 20);
        assert!(
            c.source.as_deref().is_some_and(|s| s.contains("taliban")),
            "{text}: {:?}",
            c.source
        );
    }
}

#[test]
fn a_count_of_injuries_after_another_measure_counts_everyone() {
    // "13 US soldiers killed and more than 150 injuries": the injuries are not the soldiers'
    for (text, value) in [
        (
            "The blast killed 13 US soldiers and caused more than 150 injuries.",
            150,
        ),
        (
            "ارتفعت الحصيلة إلى مقتل 13 جنديا أمريكيا وتسجيل أكثر من 150 إصابة.",
            150,
        ),
        (
            "L'explosion a tué 13 soldats américains et fait 150 blessures graves.",
            150,
        ),
    ] {
        assert_eq!(claim_of(text, value).group, UNKNOWN_GROUP, "{text}");
    }
    // wounded people after the killed still share their group
    let c = claim_of(
        "Nineteen civilians were killed and 43 wounded in the market.",
        43,
    );
    assert_eq!(c.group, "civilians");
}

#[test]
fn members_counted_by_another_named_speaker_are_not_the_group_named_before() {
    // soldiers of an unnamed side, counted by a speaker other than the one who named the last
    // group, are that speaker's people; an unnamed "official" is not the same speaker as
    // "a Taliban official"
    let cases = [
        "An official said 13 US soldiers died. A Taliban official told Reuters that at least 28 of the movement's members were killed.",
        "Un responsable a indiqué que 13 soldats américains sont morts. Un responsable taliban a déclaré à Reuters qu'au moins 28 membres du mouvement ont été tués.",
        "وقال مسؤول إن 13 جنديا أمريكيا قتلوا. وذكر مسؤول من طالبان طلب عدم نشر اسمه، لوكالة رويترز أن ما لا يقل عن 28 من عناصر الحركة لقوا مصرعهم.",
    ];
    for text in cases {
        assert_eq!(claim_of(text, 28).group, UNKNOWN_GROUP, "{text}");
        assert_eq!(claim_of(text, 13).group, "us", "{text}");
    }
    // the same speaker, shortened, keeps the group, and so does the press reporting on it
    let c = claim_of(
        "Four Russian servicemen were killed, the Russian Defence Ministry said. Two military advisers died at the scene, the ministry said.",
        2,
    );
    assert_eq!(c.group, "russia");
    let c = claim_of(
        "أعلنت وزارة الدفاع الروسية مقتل خمسة جنود روس. وتحدثت صحيفة محلية عن جنازات أقيمت لأربعة جنود قالت إنهم قتلوا في سورية.",
        4,
    );
    assert_eq!(c.group, "russia");
}

#[test]
fn a_reporting_word_after_not_names_what_was_withheld() {
    // «طلب عدم نشر اسمه»: asked that his name not be published; "نشر" is no marker there
    let text = "وذكر مسؤول من طالبان طلب عدم نشر اسمه، لوكالة رويترز أن 28 مقاتلا قتلوا.";
    let source = claim_of(text, 28).source.unwrap_or_default();
    assert!(source.contains("مسؤول من طالبان"), "{source}");
    // «دون ذكر أسمائهم»: without naming them; the dead are the outlet's own figure
    let text = "قتل 12 شخصا في القصف دون ذكر أسمائهم.";
    assert_eq!(claim_of(text, 12).source, None);
}

#[test]
fn an_auxiliary_opening_the_clause_is_not_part_of_the_name() {
    // «وكانت شبكة رووداو قد ذكرت»: "Rudaw had reported"
    let text = "وكانت شبكة رووداو الكردية قد ذكرت أن 230 مدنيا قتلوا.";
    assert_eq!(
        claim_of(text, 230).source.as_deref(),
        Some("شبكة رووداو الكردية")
    );
    // an adverb between the name and its verb is not the name
    let text = "Rudaw first reported on March 23 that 130 people were killed in one house.";
    assert_eq!(claim_of(text, 130).source.as_deref(), Some("Rudaw"));
    // an article that is an auxiliary in another language stays ("a" is French "has")
    let text = "A Britain-based war monitor said that 35 fighters were killed.";
    assert_eq!(
        claim_of(text, 35).source.as_deref(),
        Some("A Britain-based war monitor")
    );
}

#[test]
fn a_named_sources_bare_toll_after_the_outlets_own_figure_is_its_own_count() {
    // the outlet counts US soldiers in its own voice; NBC's total is of everyone
    let text = "At least 13 U.S. service members were killed in the bombings. \
                NBC News reported that the total was 113, citing a Health Ministry official.";
    assert_eq!(claim_of(text, 13).group, "us");
    assert_eq!(claim_of(text, 113).group, UNKNOWN_GROUP);
    // the outlet's own bare toll after its own figure still continues it
    let text = "Four Russian soldiers were killed on Sunday. Two died at the scene.";
    assert_eq!(claim_of(text, 2).group, "russia");
}

#[test]
fn a_relative_clause_between_a_verb_and_its_subject_is_read_past() {
    // verb first, then an aside set off by commas, then the figure
    for text in [
        "وقتل في الانفجارين، اللذين تبناهما تنظيم داعش الإرهابي، 13 جنديا أميركيا.",
        "Murieron en los dos atentados, que reivindicó el Estado Islámico, 13 soldados estadounidenses.",
    ] {
        let c = claim_of(text, 13);
        assert_eq!((c.measure, c.group.as_str()), (Measure::Killed, "us"), "{text}");
    }
    // a count of attacks is no count of harm
    let text = "Two blasts killed 13 American soldiers.";
    assert!(claims(text).iter().all(|c| c.value != 2), "{text}");
}

#[test]
fn a_report_noun_with_no_one_after_it_names_no_source() {
    // "according to operational data" inside a quotation: the quotation's speaker gave it
    for (text, value, source) in [
        (
            "“Stando ai dati operativi, oltre 30 persone sono morte”, ha scritto Kamychin su Telegram.",
            30,
            "Kamychin",
        ),
        (
            "\"According to the latest figures, more than 30 people died,\" the governor said.",
            30,
            "the governor",
        ),
    ] {
        assert_eq!(
            claim_of(text, value).source.as_deref(),
            Some(source),
            "{text}"
        );
    }
    // Italian: "a renderlo noto X" names X
    let text = "È di almeno 50 vittime il bilancio: a renderlo noto il responsabile delle ferrovie ucraine.";
    assert_eq!(
        claim_of(text, 50).source.as_deref(),
        Some("il responsabile delle ferrovie ucraine")
    );
}

#[test]
fn a_toll_subject_names_the_group_beside_its_measure_word() {
    for text in [
        "La cifra total de civiles muertos es de 141, según la BBC.",
        "Il numero dei civili uccisi è salito a 141.",
        "O número de civis mortos subiu para 141.",
        "وارتفع عدد القتلى المدنيين إلى 141.",
    ] {
        assert_eq!(claim_of(text, 141).group, "civilians", "{text}");
    }
    // a place further from the measure word frames the event, it is not whom the toll counts
    let text = "حصيلة قتلى زلزال تركيا وسوريا ترتفع إلى أكثر من 4300";
    assert_eq!(claim_of(text, 4300).group, "unknown");
}

#[test]
fn reporting_words_of_the_romance_languages_name_the_speaker() {
    for (text, source) in [
        (
            "Al menos 20 personas murieron, precisó el ministerio.",
            "el ministerio",
        ),
        (
            "Almeno 20 persone sono morte, indicano i soccorritori.",
            "i soccorritori",
        ),
        (
            "Pelo menos 20 pessoas morreram, indicam os bombeiros.",
            "os bombeiros",
        ),
        (
            "Au moins 20 personnes sont mortes, précisent les secours.",
            "les secours",
        ),
    ] {
        assert_eq!(claim_of(text, 20).source.as_deref(), Some(source), "{text}");
    }
}

#[test]
fn a_description_between_commas_after_a_name_is_read_past() {
    for (text, name) in [
        (
            "In Syria, the so-called White Helmets, the civil defence group that operates in rebel-held areas, announced that the toll had risen to 2,166 dead.",
            "White Helmets",
        ),
        (
            "In Siria, i cosiddetti “caschi bianchi”, l’organizzazione di protezione civile che opera nelle zone terremotate, ha annunciato che il bilancio è salito a 2.166 morti.",
            "caschi bianchi",
        ),
        (
            "En Siria, los llamados Cascos Blancos, la organización de defensa civil que opera en las zonas rebeldes, anunció que el balance ha subido a 2.166 muertos.",
            "Cascos Blancos",
        ),
        (
            "En Syrie, les Casques blancs, l'organisation de défense civile active dans les zones rebelles, ont annoncé que le bilan s'élevait à 2166 morts.",
            "Casques blancs",
        ),
    ] {
        let source = claim_of(text, 2166).source.unwrap_or_default();
        assert!(source.contains(name), "{text}: {source}");
    }
}

#[test]
fn a_title_before_a_name_between_commas_is_part_of_the_speaker() {
    for (text, source) in [
        (
            "In una conferenza stampa, il ministro della Salute turco, Fahrettin Koca, ha annunciato che il bilancio è salito a 20.213 morti.",
            "il ministro della Salute turco, Fahrettin Koca",
        ),
        (
            "At a news conference, the Turkish health minister, Fahrettin Koca, said the toll had risen to 20,213.",
            "the Turkish health minister, Fahrettin Koca",
        ),
        (
            "Lors d'une conférence de presse, le ministre turc de la Santé, Fahrettin Koca, a annoncé que le bilan s'élevait à 20213 morts.",
            "le ministre turc de la Santé, Fahrettin Koca",
        ),
    ] {
        assert_eq!(claim_of(text, 20213).source.as_deref(), Some(source), "{text}");
    }
    // a clause before the name that opens with no article is not its title
    let text = "In the north, Fahrettin Koca, said 20,213 died.";
    assert_eq!(
        claim_of(text, 20213).source.as_deref(),
        Some("Fahrettin Koca")
    );
}
