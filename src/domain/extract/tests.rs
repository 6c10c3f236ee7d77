//! Table-driven tests of each construct in both first-class languages (and the other shipped
//! ones), and a property test: never panics, spans on char boundaries.

use super::*;
use crate::domain::claim::{Measure, Qualifier};
use proptest::prelude::*;

fn ex() -> &'static Extractor {
    static EX: LazyLock<Extractor> = LazyLock::new(Extractor::with_default_lexicons);
    &EX
}

/// (text, expected claims as (value, value_max, qualifier, measure, group), why)
type Case = (
    &'static str,
    &'static [(i64, Option<i64>, Qualifier, Measure, &'static str)],
    &'static str,
);

use Measure::*;
use Qualifier::*;

const CASES: &[Case] = &[
    // numbers
    (
        "Police arrested 40,000 people.",
        &[(40000, None, Exact, Captured, "unknown")],
        "comma thousands",
    ),
    (
        "أوقفت الشرطة ١٬٢٠٠ شخص.",
        &[(1200, None, Exact, Captured, "unknown")],
        "arabic-indic digits with separator",
    ),
    (
        "قتل ۳۵ مدنياً.",
        &[(35, None, Exact, Killed, "civilians")],
        "extended arabic-indic digits",
    ),
    (
        "Some 1.28 million people were displaced.",
        &[(1280000, None, Approx, Displaced, "unknown")],
        "decimal with scale",
    ),
    (
        "نزح 3.5 مليون شخص.",
        &[(3500000, None, Exact, Displaced, "unknown")],
        "arabic decimal with scale",
    ),
    (
        "نزح 40 ألف شخص.",
        &[(40000, None, Exact, Displaced, "unknown")],
        "digit plus thousand",
    ),
    (
        "About 3 thousand people fled.",
        &[(3000, None, Approx, Displaced, "unknown")],
        "digit plus english scale",
    ),
    (
        "قتل ثلاثة وثلاثين شخصاً.",
        &[(33, None, Exact, Killed, "unknown")],
        "arabic compound",
    ),
    (
        "أصيب خمسة عشر مدنياً.",
        &[(15, None, Exact, Wounded, "civilians")],
        "arabic teen",
    ),
    (
        "أصيب ستة عشر مدنياً.",
        &[(16, None, Exact, Wounded, "civilians")],
        "arabic teen sixteen",
    ),
    (
        "فر أحد عشر سجيناً.",
        &[(11, None, Exact, Missing, "unknown")],
        "arabic eleven",
    ),
    (
        "قتل ثلاثمائة شخص.",
        &[(300, None, Exact, Killed, "unknown")],
        "arabic hundreds",
    ),
    (
        "نزح ثلاثة آلاف شخص.",
        &[(3000, None, Exact, Displaced, "unknown")],
        "arabic thousands",
    ),
    (
        "أجلت الفرق نحو ألفي عائلة.",
        &[(2000, None, Approx, Displaced, "unknown")],
        "arabic construct dual thousand",
    ),
    (
        "وقتل اثنان من الجنود.",
        &[(2, None, Exact, Killed, "unknown")],
        "arabic two",
    ),
    (
        "قتل 26 من قوات النظام وتسعة مقاتلين روس.",
        &[
            (26, None, Exact, Killed, "syria_gov"),
            (9, None, Exact, Killed, "russia"),
        ],
        "conjunction clitic",
    ),
    (
        "جنازات أقيمت لأربعة جنود روس قتلوا.",
        &[(4, None, Exact, Killed, "russia")],
        "preposition clitic",
    ),
    (
        "قتل جنديان روسيان.",
        &[(2, None, Exact, Killed, "russia")],
        "dual noun",
    ),
    (
        "دمرت القوات آليتين.",
        &[(2, None, Exact, Destroyed, "unknown")],
        "feminine dual",
    ),
    (
        "Twenty-one civilians were killed.",
        &[(21, None, Exact, Killed, "civilians")],
        "english hyphen compound",
    ),
    (
        "A dozen soldiers were wounded.",
        &[(12, None, Approx, Wounded, "unknown")],
        "a dozen is about twelve",
    ),
    (
        "Three hundred people were evacuated.",
        &[(300, None, Exact, Displaced, "unknown")],
        "english hundreds",
    ),
    // qualifiers and ranges
    (
        "More than 40,000 people joined the rally.",
        &[(40000, None, AtLeast, Count, "protesters")],
        "more than",
    ),
    (
        "Up to 45 migrants are missing.",
        &[(45, None, AtMost, Missing, "unknown")],
        "up to",
    ),
    (
        "أحصت اللجنة ما لا يقل عن 64 موقوفاً.",
        &[(64, None, AtLeast, Captured, "unknown")],
        "ma la yaqill",
    ),
    (
        "قتل قرابة 20 شخصاً.",
        &[(20, None, Approx, Killed, "unknown")],
        "qaraba",
    ),
    (
        "Between 20 and 30 people were killed.",
        &[(20, Some(30), Exact, Killed, "unknown")],
        "between and",
    ),
    (
        "Officials said 80 to 100 people were arrested.",
        &[(80, Some(100), Exact, Captured, "unknown")],
        "to range",
    ),
    (
        "Some 20-30 homes were destroyed.",
        &[(20, Some(30), Approx, Destroyed, "unknown")],
        "hyphen range",
    ),
    (
        "دمرت ما بين 5 و7 آليات.",
        &[(5, Some(7), Exact, Destroyed, "unknown")],
        "arabic between",
    ),
    (
        "اعتقل من 20 إلى 30 شخصاً.",
        &[(20, Some(30), Exact, Captured, "unknown")],
        "arabic from to",
    ),
    // measures, active and passive
    (
        "The attack killed 43.",
        &[(43, None, Exact, Killed, "unknown")],
        "active",
    ),
    (
        "43 were killed in the attack.",
        &[(43, None, Exact, Killed, "unknown")],
        "passive",
    ),
    (
        "The death toll rose to 19.",
        &[(19, None, Exact, Killed, "unknown")],
        "death toll",
    ),
    (
        "Rescuers recovered 33 bodies.",
        &[(33, None, Exact, Killed, "unknown")],
        "bodies",
    ),
    (
        "300 killed or wounded in the clashes.",
        &[(300, None, Exact, Casualties, "unknown")],
        "casualties phrase",
    ),
    (
        "لقي ثلاثة أشخاص حتفهم.",
        &[(3, None, Exact, Killed, "unknown")],
        "laqiya hatfahum",
    ),
    (
        "لا يزال سبعة أشخاص في عداد المفقودين.",
        &[(7, None, Exact, Missing, "unknown")],
        "among the missing",
    ),
    (
        "نزحت 200 عائلة.",
        &[(200, None, Exact, Displaced, "unknown")],
        "nazahat",
    ),
    // denials and vague quantities
    (
        "The source denied that any civilians had been killed.",
        &[(0, None, Exact, Killed, "civilians")],
        "english denial",
    ),
    (
        "A spokesman for the Russian military denied that any civilians had been killed.",
        &[(0, None, Exact, Killed, "civilians")],
        "a denial about civilians by a named military speaker",
    ),
    (
        "نقلت سانا عن مصدر عسكري نافياً سقوط أي قتلى مدنيين.",
        &[(0, None, Exact, Killed, "civilians")],
        "arabic denial",
    ),
    (
        "Dozens were killed and hundreds wounded.",
        &[],
        "vague english",
    ),
    ("قتل عشرات المدنيين وأصيب المئات.", &[], "vague arabic"),
    // not claims
    (
        "A 19-year-old student came from Tripoli, 85 km to the north, in 2019.",
        &[],
        "age distance year",
    ),
    (
        "وتقع البلدة على بعد 12 كيلومتراً، واستمرت المواجهات قرابة الساعة.",
        &[],
        "arabic distance duration",
    ),
    (
        "Rainfall of 80 mm was recorded in six hours; 15% of homes flooded.",
        &[],
        "rainfall duration percent",
    ),
    ("18 − ستة عشر =", &[], "captcha"),
    (
        "Call 01632 960 444 or see https://x.example/killed/12 for 34 comments.",
        &[],
        "phone url counter",
    ),
    // parts
    (
        "The monitor put the toll at 12 civilians, including five children.",
        &[
            (12, None, Exact, Killed, "civilians"),
            (5, None, Exact, Killed, "civilians"),
        ],
        "including",
    ),
    (
        "قتل 35 مقاتلاً من قوات النظام بينهم تسعة مقاتلين روس.",
        &[
            (35, None, Exact, Killed, "syria_gov"),
            (9, None, Exact, Killed, "russia"),
        ],
        "baynahum",
    ),
    (
        "Five soldiers were wounded, two of them later died.",
        &[
            (5, None, Exact, Wounded, "unknown"),
            (2, None, Exact, Killed, "unknown"),
        ],
        "of them",
    ),
    // other languages
    (
        "Quatorze civils ont été tués et 31 autres blessés.",
        &[
            (14, None, Exact, Killed, "civilians"),
            (31, None, Exact, Wounded, "civilians"),
        ],
        "french",
    ),
    (
        "Al menos 14 muertos y treinta y uno heridos.",
        &[
            (14, None, AtLeast, Killed, "unknown"),
            (31, None, Exact, Wounded, "unknown"),
        ],
        "spanish",
    ),
    (
        "Almeno 12 morti e 30 feriti.",
        &[
            (12, None, AtLeast, Killed, "unknown"),
            (30, None, Exact, Wounded, "unknown"),
        ],
        "italian",
    ),
    (
        "Pelo menos 8 mortos e 20 feridos.",
        &[
            (8, None, AtLeast, Killed, "unknown"),
            (20, None, Exact, Wounded, "unknown"),
        ],
        "portuguese",
    ),
    // munitions and dates are no counts of harm
    (
        "The railway company said two Russian rockets struck the station, killing at least 35 people.",
        &[(35, None, AtLeast, Killed, "unknown")],
        "rockets after a modifier",
    ),
    (
        "سقطت ثلاثة صواريخ على المحطة ما أدى إلى مقتل 35 شخصا.",
        &[(35, None, Exact, Killed, "unknown")],
        "arabic munitions",
    ),
    (
        "Un bombardeo el pasado 17 de marzo mató a 105 civiles.",
        &[(105, None, Exact, Killed, "civilians")],
        "day of month with a preposition",
    ),
    (
        "O ataque de 17 de março matou 105 civis.",
        &[(105, None, Exact, Killed, "civilians")],
        "day of month with a preposition (pt)",
    ),
    (
        "أسفر انفجار العنبر 12 في مرفأ بيروت عن مقتل 200 شخص.",
        &[(200, None, Exact, Killed, "unknown")],
        "a numbered place is no count",
    ),
    (
        "The blast at Hangar 12 killed 200 people.",
        &[(200, None, Exact, Killed, "unknown")],
        "a numbered place is no count (en)",
    ),
];

#[test]
fn each_construct_reads_as_expected() {
    let mut failures = Vec::new();
    for (text, want, why) in CASES {
        let got: Vec<_> = ex()
            .extract(text)
            .into_iter()
            .map(|c| (c.value, c.value_max, c.qualifier, c.measure, c.group))
            .collect();
        let want: Vec<_> = want
            .iter()
            .map(|(v, m, q, me, g)| (*v, *m, *q, *me, g.to_string()))
            .collect();
        if got != want {
            failures.push(format!("{why}: {text}\n   got  {got:?}\n   want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn parts_point_at_their_whole() {
    let c = ex().extract("قال المرصد إن 12 مدنياً قتلوا بينهم خمسة أطفال.");
    assert_eq!(c.len(), 2, "{c:?}");
    assert_eq!(c[1].part_of, Some(0));
    let c = ex().extract("Police said 150 were treated, nine of whom were taken to hospital.");
    assert_eq!(c[1].part_of, Some(0), "{c:?}");
    assert_eq!(c[1].measure, Measure::Wounded);
}

#[test]
fn sources_follow_reported_speech_and_continuations() {
    let cases: &[(&str, &[Option<&str>], &str)] = &[
        ("At least 15 civilians were killed, local medics said.", &[Some("local medics")], "X said after"),
        ("Police said they had detained 27 people.", &[Some("Police")], "X said before"),
        ("SANA quoted a military source as saying the army killed four terrorists.", &[Some("military source")], "quoted X as saying"),
        ("قال الدفاع المدني السوري إن سبعة عشر مدنياً قتلوا.", &[Some("الدفاع المدني السوري")], "qala X inna"),
        ("وبحسب الهلال الأحمر، نزحت قرابة 2500 عائلة.", &[Some("الهلال الأحمر")], "bihasab"),
        ("نقلت وكالة الأنباء عن مصدر عسكري أن الوحدات قتلت ٤ إرهابيين.", &[Some("مصدر عسكري")], "naqalat an"),
        (
            "Flash floods killed 23 people, the ministry said, adding that seven others were missing.",
            &[Some("the ministry"), Some("the ministry")],
            "adding keeps the source",
        ),
        ("وذكرت الوزارة في بيان، أن اشتباكا اندلع، مضيفة إن اثنين من الجنود الروس قتلوا.", &[Some("الوزارة")], "participle"),
        ("Shelling kills 19 civilians in market town", &[None], "outlet's own voice"),
    ];
    for (text, want, why) in cases {
        let got: Vec<Option<String>> = ex().extract(text).into_iter().map(|c| c.source).collect();
        let want: Vec<Option<String>> = want.iter().map(|s| s.map(str::to_string)).collect();
        assert_eq!(got, want, "{why}: {text}");
    }
}

#[test]
fn a_custom_subject_lexicon_adds_groups() {
    let mut subjects = default_subject_lexicon();
    subjects.push(SubjectAlias {
        alias: "miners".into(),
        lang: "en".into(),
        group_key: "miners".into(),
    });
    let c = Extractor::new(subjects).extract("Twelve miners were killed.");
    assert_eq!(c[0].group, "miners");
    assert_eq!(c[0].subject.as_deref(), Some("miners"));
    let c = Extractor::with_default_lexicons().extract("Twelve miners were killed.");
    assert_eq!(
        c[0].group, "unknown",
        "unknown subjects keep their raw text"
    );
    assert_eq!(c[0].subject.as_deref(), Some("miners"));
}

#[test]
fn spans_hold_the_figure() {
    let text = "وقال المرصد إن ١٥٠ متظاهراً عولجوا.";
    let c = ex().extract(text);
    assert_eq!(&text[c[0].start..c[0].end], "١٥٠");
}

#[test]
fn serialises_to_the_scorer_contract() {
    let c = ex().extract("Police detained 27 people.");
    let json = serde_json::json!({ "claims": c });
    let claim = &json["claims"][0];
    for key in [
        "value",
        "value_max",
        "qualifier",
        "measure",
        "group",
        "subject",
        "source",
        "part_of",
        "start",
        "end",
    ] {
        assert!(claim.get(key).is_some(), "missing {key}");
    }
    assert_eq!(claim["qualifier"], "exact");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn never_panics_and_spans_are_on_char_boundaries(s in "\\PC{0,200}") {
        for c in ex().extract(&s) {
            prop_assert!(c.start <= c.end && c.end <= s.len());
            prop_assert!(s.is_char_boundary(c.start) && s.is_char_boundary(c.end));
        }
    }

    #[test]
    fn news_like_strings_never_panic(parts in proptest::collection::vec(prop_oneof![
        Just("قتل"), Just("٣٥"), Just("و"), Just("بينهم"), Just("ثلاثة"), Just("عشر"), Just("آلاف"), Just("ما بين"),
        Just("killed"), Just("40,000"), Just("at least"), Just("including"), Just("-"), Just("."), Just(","), Just("\n"),
        Just("said"), Just("denied"), Just("1.5"), Just("million"), Just("جنديين"), Just("منهم"), Just("«"),
    ], 0..40)) {
        let s = parts.join(" ");
        for c in ex().extract(&s) {
            prop_assert!(s.is_char_boundary(c.start) && s.is_char_boundary(c.end) && c.end <= s.len());
        }
    }
}

#[test]
fn figures_reads_numbers_in_every_script_and_form() {
    let ex = Extractor::with_default_lexicons();
    let text = "Twenty-six soldiers, ١٢ مدنياً, 1,500 families and 3-5 houses; on 14 July 2023.";
    let figures = ex.figures(text);
    let read: Vec<(&str, i64, Option<i64>)> = figures
        .iter()
        .map(|f| (&text[f.start..f.end], f.value, f.value_max))
        .collect();
    assert!(read.contains(&("Twenty-six", 26, None)), "{read:?}");
    assert!(read.contains(&("١٢", 12, None)), "{read:?}");
    assert!(read.contains(&("1,500", 1500, None)), "{read:?}");
    assert!(read.iter().any(|r| r.1 == 3 && r.2 == Some(5)), "{read:?}");
    // A date is read as a number but not counted as a possible claim.
    assert!(
        figures.iter().any(|f| f.value == 2023 && !f.counted),
        "{figures:?}"
    );
}
