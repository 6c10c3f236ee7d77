//! Rule tests on plain values (facts) and on short texts (events).

use super::events::{match_event, signature, EventSignature};
use super::facts::{link_event, Fact, LinkClaim, Role};
use super::gazetteer::Gazetteer;
use super::parts::infer_part_of;
use super::sources::SourceDirectory;
use crate::domain::{ExtractedClaim, Measure, Qualifier, Stage, UNKNOWN_GROUP};

struct B {
    next: i64,
    claims: Vec<LinkClaim>,
}

impl B {
    fn new() -> Self {
        B {
            next: 1,
            claims: Vec::new(),
        }
    }

    /// Adds a claim: article, version, value, qualifier, group, source; returns its id.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        article: i64,
        version: i32,
        value: i64,
        q: Qualifier,
        measure: Measure,
        group: &str,
        source: Option<&str>,
    ) -> i64 {
        let id = self.next;
        self.next += 1;
        self.claims.push(LinkClaim {
            claim_id: id,
            article_id: article,
            version,
            is_latest: true,
            position: id as usize * 10,
            published: None,
            ingest_seq: article * 10 + version as i64,
            day: None,
            day_exact: false,
            outlet: format!("outlet {article}"),
            value,
            value_max: None,
            qualifier: q,
            measure,
            group: group.into(),
            source: source.map(str::to_string),
            part_of: None,
            scope: None,
            stage: None,
        });
        id
    }

    fn killed(&mut self, article: i64, value: i64, source: Option<&str>) -> i64 {
        self.add(
            article,
            1,
            value,
            Qualifier::Exact,
            Measure::Killed,
            "civilians",
            source,
        )
    }

    fn get(&mut self, id: i64) -> &mut LinkClaim {
        let i = self
            .claims
            .iter()
            .position(|c| c.claim_id == id)
            .unwrap_or(0);
        &mut self.claims[i]
    }

    fn link(&mut self) -> Vec<Fact> {
        // only an article's highest version is latest
        let latest: Vec<(i64, i32)> = self
            .claims
            .iter()
            .map(|c| (c.article_id, c.version))
            .collect();
        for c in &mut self.claims {
            c.is_latest = !latest
                .iter()
                .any(|(a, v)| *a == c.article_id && *v > c.version);
        }
        link_event(&self.claims, SourceDirectory::builtin())
    }
}

/// Noon on a day of August 2021.
fn day(d: u32) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2021, 8, d)
        .and_then(|x| x.and_hms_opt(12, 0, 0))
        .unwrap_or_default()
}

fn fact<'a>(facts: &'a [Fact], measure: Measure, group: &str) -> &'a Fact {
    facts
        .iter()
        .find(|f| f.measure == measure && f.group == group)
        .unwrap_or_else(|| panic!("no fact {measure} {group}"))
}

fn role(f: &Fact, id: i64) -> Role {
    f.members
        .iter()
        .find(|m| m.claim_id == id)
        .map(|m| m.role)
        .unwrap_or(Role::Agreeing)
}

fn reason(f: &Fact, id: i64) -> String {
    f.members
        .iter()
        .find(|m| m.claim_id == id)
        .map(|m| m.reason.clone())
        .unwrap_or_default()
}

#[test]
fn a_source_repeating_its_figure_agrees_with_itself() {
    let mut b = B::new();
    let a = b.killed(1, 12, Some("the Syrian Observatory for Human Rights"));
    let c = b.killed(2, 12, Some("المرصد السوري لحقوق الإنسان"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(!f.conflict);
    assert_eq!(role(f, a), Role::Agreeing);
    assert_eq!(role(f, c), Role::Agreeing);
}

#[test]
fn a_sources_later_figure_supersedes_its_earlier_one_across_articles() {
    let mut b = B::new();
    let early = b.killed(1, 17, Some("الدفاع المدني السوري"));
    let late = b.killed(2, 19, Some("the White Helmets rescue group"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(!f.conflict);
    assert_eq!(role(f, early), Role::Explained);
    assert!(reason(f, early).contains("superseded by this source's later figure 19"));
    assert_eq!(role(f, late), Role::Agreeing);
}

#[test]
fn a_revised_toll_in_a_later_version_of_one_article_is_not_a_conflict() {
    let mut b = B::new();
    let v1 = b.add(
        1,
        1,
        9,
        Qualifier::Exact,
        Measure::Killed,
        "civilians",
        Some("الدفاع المدني السوري"),
    );
    let v2 = b.add(
        1,
        2,
        14,
        Qualifier::Exact,
        Measure::Killed,
        "civilians",
        Some("الدفاع المدني السوري"),
    );
    let other = b.add(
        2,
        1,
        12,
        Qualifier::Exact,
        Measure::Killed,
        "civilians",
        Some("SOHR"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!(role(f, v1), Role::Explained);
    assert!(reason(f, v1).contains("earlier version"));
    assert_eq!(role(f, v2), Role::Disputed);
    assert_eq!(role(f, other), Role::Disputed);
}

#[test]
fn an_earlier_versions_claim_never_disputes() {
    let mut b = B::new();
    let gone = b.add(
        1,
        1,
        40,
        Qualifier::Exact,
        Measure::Killed,
        "civilians",
        Some("local medics"),
    );
    b.add(
        1,
        2,
        12,
        Qualifier::Exact,
        Measure::Killed,
        "civilians",
        Some("SOHR"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(!f.conflict);
    assert_eq!(role(f, gone), Role::Explained);
}

#[test]
fn an_outlets_own_figures_supersede_each_other_across_its_articles() {
    let mut b = B::new();
    let first = b.killed(1, 5, None);
    let second = b.killed(1, 8, None);
    // same outlet name on both: article 1 twice would be one article; use two articles of one outlet
    b.get(second).article_id = 2;
    b.get(second).ingest_seq = 20;
    b.get(second).outlet = "outlet 1".into();
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(!f.conflict);
    assert_eq!(role(f, first), Role::Explained);
}

#[test]
fn a_short_reference_resolves_to_the_fuller_source_in_the_same_article() {
    let mut b = B::new();
    let full = b.add(
        1,
        1,
        4,
        Qualifier::Exact,
        Measure::Killed,
        "russia",
        Some("the Russian Defence Ministry"),
    );
    let short = b.add(
        1,
        1,
        4,
        Qualifier::Exact,
        Measure::Killed,
        "russia",
        Some("the ministry"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "russia");
    let keys: Vec<&str> = f.members.iter().map(|m| m.source_key.as_str()).collect();
    assert_eq!(keys, vec!["ru_mod", "ru_mod"]);
    assert_eq!(role(f, full), Role::Agreeing);
    assert_eq!(role(f, short), Role::Agreeing);
}

#[test]
fn a_part_of_another_figure_is_explained_even_from_another_speaker() {
    let mut b = B::new();
    let whole = b.add(
        1,
        1,
        31,
        Qualifier::Exact,
        Measure::Wounded,
        "civilians",
        Some("les Casques blancs"),
    );
    let part = b.add(
        1,
        1,
        7,
        Qualifier::Exact,
        Measure::Wounded,
        "civilians",
        Some("Moustafa Haj Youssef"),
    );
    b.get(part).part_of = Some(whole);
    let facts = b.link();
    let f = fact(&facts, Measure::Wounded, "civilians");
    assert!(!f.conflict);
    assert_eq!(role(f, part), Role::Explained);
    assert!(reason(f, part).starts_with("part of 31"));
}

#[test]
fn two_killed_on_the_spot_and_two_who_died_later_make_the_ministrys_four() {
    let mut b = B::new();
    let four = b.add(
        1,
        1,
        4,
        Qualifier::Exact,
        Measure::Killed,
        "russia",
        Some("the Russian Defence Ministry"),
    );
    let a = b.add(
        1,
        1,
        2,
        Qualifier::Exact,
        Measure::Killed,
        "russia",
        Some("the ministry"),
    );
    let c = b.add(
        1,
        1,
        2,
        Qualifier::Exact,
        Measure::Killed,
        "russia",
        Some("the ministry"),
    );
    let nine = b.add(
        2,
        1,
        9,
        Qualifier::Exact,
        Measure::Killed,
        "russia",
        Some("A Britain-based war monitor"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "russia");
    assert!(f.conflict);
    assert_eq!(role(f, four), Role::Disputed);
    assert_eq!(role(f, nine), Role::Disputed);
    assert_eq!(role(f, a), Role::Explained);
    assert_eq!(role(f, c), Role::Explained);
    assert!(reason(f, a).contains("2 + 2 = 4"));
}

#[test]
fn twenty_six_syrians_and_nine_russians_make_thirty_five_pro_government_dead() {
    let mut b = B::new();
    let t26 = b.add(
        1,
        1,
        26,
        Qualifier::Exact,
        Measure::Killed,
        "syria_gov",
        Some("المرصد السوري لحقوق الانسان"),
    );
    b.add(
        1,
        1,
        9,
        Qualifier::Exact,
        Measure::Killed,
        "russia",
        Some("المرصد السوري لحقوق الانسان"),
    );
    let t35 = b.add(
        2,
        1,
        35,
        Qualifier::Exact,
        Measure::Killed,
        "syria_gov",
        Some("A Britain-based war monitor"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "syria_gov");
    assert!(!f.conflict);
    assert_eq!(role(f, t26), Role::Explained);
    assert!(reason(f, t26).contains("26 + 9 = 35"));
    assert_eq!(role(f, t35), Role::Agreeing);
}

#[test]
fn a_headline_in_the_outlets_voice_that_sums_a_sources_figures_is_that_sources() {
    let mut b = B::new();
    let total = b.add(
        1,
        1,
        35,
        Qualifier::Exact,
        Measure::Killed,
        "syria_gov",
        None,
    );
    b.add(
        1,
        1,
        26,
        Qualifier::Exact,
        Measure::Killed,
        "syria_gov",
        Some("SOHR"),
    );
    b.add(
        1,
        1,
        9,
        Qualifier::Exact,
        Measure::Killed,
        "russia",
        Some("SOHR"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "syria_gov");
    assert!(!f.conflict);
    let m = f
        .members
        .iter()
        .find(|m| m.claim_id == total)
        .map(|m| m.source_key.clone());
    assert_eq!(m.as_deref(), Some("sohr"));
}

#[test]
fn a_headline_restating_the_bodys_attributed_figure_creates_no_conflict() {
    let mut b = B::new();
    let head = b.killed(1, 14, None);
    let body = b.killed(1, 14, Some("los Cascos Blancos"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(!f.conflict);
    assert_eq!(
        f.members
            .iter()
            .filter(|m| m.source_key == "white_helmets")
            .count(),
        2
    );
    assert_eq!(role(f, head), Role::Agreeing);
    assert_eq!(role(f, body), Role::Agreeing);
}

#[test]
fn at_least_15_is_compatible_with_19_but_conflicts_with_12() {
    let mut b = B::new();
    let a15 = b.add(
        1,
        1,
        15,
        Qualifier::AtLeast,
        Measure::Killed,
        "civilians",
        Some("local medics"),
    );
    let e19 = b.killed(1, 19, Some("White Helmets"));
    let facts = b.link();
    assert!(!fact(&facts, Measure::Killed, "civilians").conflict);
    let mut b2 = B::new();
    b2.add(
        1,
        1,
        15,
        Qualifier::AtLeast,
        Measure::Killed,
        "civilians",
        Some("local medics"),
    );
    b2.killed(1, 12, Some("SOHR"));
    assert!(fact(&b2.link(), Measure::Killed, "civilians").conflict);
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!(role(f, a15), Role::Agreeing);
    assert_eq!(role(f, e19), Role::Agreeing);
}

#[test]
fn approximate_figures_agree_within_the_tolerance_only() {
    let mut b = B::new();
    b.add(
        1,
        1,
        20,
        Qualifier::Approx,
        Measure::Wounded,
        "civilians",
        Some("White Helmets"),
    );
    b.add(
        2,
        1,
        21,
        Qualifier::Exact,
        Measure::Wounded,
        "civilians",
        Some("SOHR"),
    );
    assert!(!fact(&b.link(), Measure::Wounded, "civilians").conflict);
    let mut b = B::new();
    b.add(
        1,
        1,
        3000,
        Qualifier::Approx,
        Measure::Count,
        "protesters",
        Some("the Internal Security Forces"),
    );
    b.add(
        1,
        1,
        40000,
        Qualifier::AtLeast,
        Measure::Count,
        "protesters",
        Some("organisers"),
    );
    assert!(fact(&b.link(), Measure::Count, "protesters").conflict);
}

#[test]
fn a_range_conflicts_with_figures_outside_it() {
    let mut b = B::new();
    let eleven = b.add(
        1,
        1,
        11,
        Qualifier::Exact,
        Measure::Missing,
        "unknown",
        Some("Iraq's Justice Ministry"),
    );
    let range = b.add(
        2,
        1,
        30,
        Qualifier::Exact,
        Measure::Missing,
        "unknown",
        Some("مصدر أمني في إدارة السجن"),
    );
    b.get(range).value_max = Some(40);
    let forty = b.add(
        3,
        1,
        40,
        Qualifier::AtLeast,
        Measure::Missing,
        "unknown",
        Some("Haider al-Mansouri"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Missing, "unknown");
    assert!(f.conflict);
    assert_eq!(role(f, eleven), Role::Disputed);
    assert_eq!(role(f, range), Role::Disputed);
    // "at least 40" fits the range and has no rival the range lacks: the range stands for it
    assert_eq!(role(f, forty), Role::Agreeing);
    assert_eq!((f.low.value, f.high.value), (11, 40));
}

#[test]
fn one_figure_stands_for_each_side_of_a_dispute() {
    let mut b = B::new();
    let zero = b.killed(1, 0, Some("the defence ministry"));
    let five_hundred = b.add(
        2,
        1,
        500,
        Qualifier::AtLeast,
        Measure::Killed,
        "civilians",
        Some("a medical charity"),
    );
    let thousand = b.add(
        3,
        1,
        1000,
        Qualifier::AtLeast,
        Measure::Killed,
        "civilians",
        Some("the civil defence"),
    );
    let seventy = b.killed(4, 70, Some("the monitor"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(f.conflict);
    assert_eq!(role(f, zero), Role::Disputed);
    assert_eq!(role(f, seventy), Role::Disputed);
    assert_eq!(role(f, thousand), Role::Disputed);
    // compatible with 1,000 and disputed by nothing that does not dispute 1,000
    assert_eq!(role(f, five_hundred), Role::Agreeing);
    let why = &f
        .members
        .iter()
        .find(|m| m.claim_id == five_hundred)
        .unwrap()
        .reason;
    assert!(why.contains("at least 1000 (the civil defence)"), "{why}");
}

#[test]
fn a_figure_with_a_rival_of_its_own_keeps_its_dispute() {
    // 60 fits 50-70, but 65 disputes 60 and not the range: no other figure stands for 60
    let mut b = B::new();
    let sixty = b.killed(1, 60, Some("the monitor"));
    let range = b.add(
        2,
        1,
        50,
        Qualifier::Exact,
        Measure::Killed,
        "civilians",
        Some("the rescuers"),
    );
    b.get(range).value_max = Some(70);
    let twenty = b.killed(3, 20, Some("the governor"));
    let sixty_five = b.killed(4, 65, Some("the hospital"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    // the range's only rival (20) is also a rival of 65, which fits the range: 65 stands for it
    assert_eq!(role(f, sixty), Role::Disputed);
    assert_eq!(role(f, sixty_five), Role::Disputed);
    assert_eq!(role(f, twenty), Role::Disputed);
    assert_eq!(role(f, range), Role::Agreeing);
}

#[test]
fn a_sources_compatible_figure_beside_its_disputed_one_is_not_disputed() {
    let mut b = B::new();
    let c = b.add(
        1,
        1,
        20,
        Qualifier::AtLeast,
        Measure::Killed,
        "civilians",
        Some("the railway company"),
    );
    let d = b.killed(1, 35, Some("the railway company"));
    let e = b.killed(2, 52, Some("the governor"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!(role(f, d), Role::Disputed);
    assert_eq!(role(f, e), Role::Disputed);
    assert_ne!(role(f, c), Role::Disputed);
}

#[test]
fn a_denial_conflicts_with_any_positive_figure() {
    let mut b = B::new();
    let zero = b.killed(1, 0, Some("a military source"));
    let three = b.killed(2, 3, Some("SOHR"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(f.conflict);
    assert_eq!(role(f, zero), Role::Disputed);
    assert_eq!(role(f, three), Role::Disputed);
}

#[test]
fn low_best_and_high_come_from_the_sources_positions() {
    let mut b = B::new();
    let zero = b.killed(1, 0, Some("a military source"));
    let twelve = b.killed(2, 12, Some("SOHR"));
    let fourteen = b.killed(3, 14, Some("White Helmets"));
    b.killed(4, 14, Some("los Cascos Blancos"));
    b.add(
        5,
        1,
        13,
        Qualifier::AtLeast,
        Measure::Killed,
        "civilians",
        Some("local medics"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!((f.low.value, f.low.claim_id), (0, zero));
    assert_eq!(f.high.value, 14);
    assert_eq!(f.best.value, 14);
    assert_eq!(f.best.source_key, "white_helmets");
    assert_ne!(f.best.claim_id, twelve);
    let _ = fourteen;
}

#[test]
fn an_unknown_group_figure_joins_the_group_its_source_gives_the_same_figure() {
    let mut b = B::new();
    let unk = b.add(
        1,
        1,
        14,
        Qualifier::Exact,
        Measure::Killed,
        "unknown",
        Some("The White Helmets"),
    );
    b.add(
        2,
        1,
        14,
        Qualifier::Exact,
        Measure::Killed,
        "civilians",
        Some("الدفاع المدني السوري"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(f.members.iter().any(|m| m.claim_id == unk));
}

// ------------------------------------------------------------------ parts

#[test]
fn inferred_part_of_feeds_the_linker() {
    let text = "Quatorze civils ont été tués et 31 autres blessés, ont annoncé les Casques blancs. Sept enfants figurent parmi les blessés, a raconté un secouriste.";
    let mk = |quote: &str, value: i64, measure: Measure, source: &str| {
        let start = text.find(quote).unwrap_or(0);
        ExtractedClaim {
            value,
            value_max: None,
            qualifier: Qualifier::Exact,
            measure,
            group: "civilians".into(),
            subject: None,
            source: Some(source.into()),
            part_of: None,
            start,
            end: start + quote.len(),
            scope: None,
            stage: None,
        }
    };
    let mut claims = vec![
        mk("Quatorze", 14, Measure::Killed, "les Casques blancs"),
        mk("31", 31, Measure::Wounded, "les Casques blancs"),
        mk("Sept", 7, Measure::Wounded, "Moustafa Haj Youssef"),
    ];
    infer_part_of(text, &mut claims);
    assert_eq!(claims[2].part_of, Some(1));
}

// ------------------------------------------------------------------ events

fn sig(text: &str, claims_at: &[(&str, i64, Measure, &str)]) -> EventSignature {
    let claims: Vec<ExtractedClaim> = claims_at
        .iter()
        .map(|(q, v, m, g)| {
            let start = text.find(q).unwrap_or(0);
            ExtractedClaim {
                value: *v,
                value_max: None,
                qualifier: Qualifier::Exact,
                measure: *m,
                group: (*g).into(),
                subject: None,
                source: None,
                part_of: None,
                start,
                end: start + q.len(),
                scope: None,
                stage: None,
            }
        })
        .collect();
    signature(text, "", None, &claims, Gazetteer::builtin())
}

#[test]
fn the_same_incident_in_arabic_and_english_lands_in_one_event() {
    let ar = sig(
        "مقتل تسعة مدنيين بغارة جوية على مستشفى في كفر نبيل جنوبي إدلب\n\nإدلب – «صدى الشمال»: قال الدفاع المدني السوري إن تسعة مدنيين قتلوا جراء غارة جوية استهدفت مستشفى في بلدة كفر نبيل بريف إدلب الجنوبي يوم الإثنين 6 آذار/مارس.\n",
        &[("تسعة مدنيين قتلوا", 9, Measure::Killed, "civilians")],
    );
    let en = sig(
        "Air strike on Syrian hospital kills 12 civilians, monitor says\n\nIDLIB, Syria, March 6 (Meridian News) - An air strike hit a hospital in the rebel-held town of Kafr Nabil in Syria's northwestern Idlib province on Monday, killing 12 civilians, a war monitor said.\n",
        &[("killing 12 civilians", 12, Measure::Killed, "civilians")],
    );
    let g = Gazetteer::builtin();
    let mut event = EventSignature::default();
    event.merge(&ar);
    assert_eq!(match_event(&en, &[(7, event.clone())], g), Some(7));
    // round-trips through JSON as the database stores it
    let json = serde_json::to_string(&event).unwrap_or_default();
    let back: EventSignature = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(back, event);
}

#[test]
fn a_disaster_named_by_its_countries_joins_one_event_and_an_attack_does_not() {
    let quake_en = sig(
        "Earthquake toll in Turkey and Syria passes 9,000\n\nThe number of people killed by the earthquake in Turkey and Syria rose to 9,100 on Wednesday, officials said.\n",
        &[("killed by the earthquake in Turkey and Syria rose to 9,100", 9100, Measure::Killed, "unknown")],
    );
    let quake_fr = sig(
        "Séisme en Turquie et en Syrie : plus de 11 000 morts\n\nLe séisme a fait plus de 11 000 morts en Turquie et en Syrie, selon les autorités.\n",
        &[("plus de 11 000 morts", 11000, Measure::Killed, "unknown")],
    );
    // a report from one struck town and one from another are still the same quake
    let quake_town = sig(
        "Earthquake in Turkey: 1,200 dead in Gaziantep\n\nThe earthquake killed 1,200 people in Gaziantep, Turkey, the governor said.\n",
        &[("killed 1,200 people in Gaziantep, Turkey", 1200, Measure::Killed, "unknown")],
    );
    let quake_other_town = sig(
        "Earthquake in Turkey: rescuers search rubble in Malatya\n\nThe earthquake killed 800 people in Malatya, Turkey, officials said.\n",
        &[("killed 800 people in Malatya, Turkey", 800, Measure::Killed, "unknown")],
    );
    let g = Gazetteer::builtin();
    let mut event = EventSignature::default();
    event.merge(&quake_en);
    assert_eq!(match_event(&quake_fr, &[(3, event.clone())], g), Some(3));
    let mut towns = EventSignature::default();
    towns.merge(&quake_town);
    assert_eq!(match_event(&quake_other_town, &[(5, towns)], g), Some(5));
    // attacks are local: two attacks named only by their country stay apart
    let attack_a = sig(
        "Attack in Syria kills 12\n\nAn attack in Syria killed 12 people, a monitor said.\n",
        &[("killed 12 people", 12, Measure::Killed, "unknown")],
    );
    let attack_b = sig(
        "Attack in Syria kills 7\n\nAn attack in Syria killed 7 people, a monitor said.\n",
        &[("killed 7 people", 7, Measure::Killed, "unknown")],
    );
    let mut event = EventSignature::default();
    event.merge(&attack_a);
    assert_eq!(match_event(&attack_b, &[(4, event)], g), None);
}

#[test]
fn two_incidents_in_the_same_province_stay_apart() {
    let strike = sig(
        "مقتل تسعة مدنيين بغارة جوية على مستشفى في كفر نبيل جنوبي إدلب\n\nإدلب – «صدى الشمال»: قال الدفاع المدني السوري إن تسعة مدنيين قتلوا جراء غارة جوية استهدفت مستشفى في بلدة كفر نبيل بريف إدلب الجنوبي يوم الإثنين 6 آذار/مارس.\n",
        &[("تسعة مدنيين قتلوا", 9, Measure::Killed, "civilians")],
    );
    let fire = sig(
        "مقتل شخصين وإصابة ستة في حريق ضخم بسوق تل الورد شرقي إدلب\n\nإدلب – «صدى الشمال»: قال الدفاع المدني السوري إن شخصين لقيا حتفهما جراء حريق ضخم اندلع فجر الإثنين 13 آذار/مارس في السوق الشعبي وسط بلدة تل الورد بريف إدلب الشرقي.\nويقع السوق على بعد نحو 30 كيلومتراً من بلدة كفر نبيل، التي تعرض مستشفاها لغارة جوية الأسبوع الماضي.\n",
        &[("شخصين لقيا حتفهما", 2, Measure::Killed, "civilians")],
    );
    let mut event = EventSignature::default();
    event.merge(&strike);
    assert_eq!(
        match_event(&fire, &[(1, event)], Gazetteer::builtin()),
        None
    );
}

#[test]
fn a_wire_dateline_does_not_pull_an_article_into_a_protest_in_that_city() {
    let protest = sig(
        "Tens of thousands rally in Beirut over fuel prices\n\nBEIRUT, Oct 12 (Cedar Daily) - More than 40,000 people joined Saturday's rally in Martyrs' Square in Beirut, organisers said.\n",
        &[("More than 40,000 people", 40000, Measure::Count, "protesters")],
    );
    let shelling = sig(
        "Shelling kills at least 15 civilians in Syrian market town\n\nBEIRUT (Levant Wire) - At least 15 civilians were killed when artillery shells struck a market in the town of Wadi al-Zein in northern Hama province on Tuesday.\n",
        &[("At least 15 civilians", 15, Measure::Killed, "civilians")],
    );
    let mut event = EventSignature::default();
    event.merge(&protest);
    assert_eq!(
        match_event(&shelling, &[(1, event)], Gazetteer::builtin()),
        None
    );
}

#[test]
fn builtin_incident_kinds_parse() {
    let s = sig(
        "Flash floods kill 23 in Deir ez-Zor\n",
        &[("kill 23", 23, Measure::Killed, "unknown")],
    );
    assert!(s.kinds.contains("flood"));
}

#[test]
fn an_articles_breakdown_by_different_sources_explains_its_terms() {
    // "3,513 dead in Syria: 2,166 in rebel areas (White Helmets), 1,347 in government areas
    // (state media)", each term from another source
    let mut b = B::new();
    let total = b.killed(1, 3513, None);
    let rebel = b.killed(1, 2166, Some("the White Helmets"));
    let gov = b.killed(1, 1347, Some("SANA"));
    let other = b.killed(2, 3900, Some("the United Nations"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!(role(f, rebel), Role::Explained, "{}", reason(f, rebel));
    assert_eq!(role(f, gov), Role::Explained, "{}", reason(f, gov));
    assert!(
        reason(f, gov).contains("2166 + 1347 = 3513"),
        "{}",
        reason(f, gov)
    );
    // the whole itself is still compared with another source's whole
    assert_eq!(role(f, total), Role::Disputed);
    assert_eq!(role(f, other), Role::Disputed);
}

#[test]
fn figures_of_different_scopes_are_not_compared() {
    let mut b = B::new();
    let turkey = b.killed(1, 20318, Some("AFAD"));
    let syria = b.killed(1, 3513, Some("SANA"));
    b.get(turkey).scope = Some("in:tr".into());
    b.get(syria).scope = Some("in:sy".into());
    let total = b.killed(2, 23831, Some("the United Nations"));
    let bodies = b.killed(3, 5, Some("rescuers"));
    let attackers = b.killed(4, 23, Some("the army"));
    b.get(attackers).scope = Some("of:hostile".into());
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!(role(f, turkey), Role::Explained, "{}", reason(f, turkey));
    assert!(
        reason(f, turkey).contains("part of 23831"),
        "{}",
        reason(f, turkey)
    );
    assert_eq!(role(f, syria), Role::Explained);
    assert_ne!(
        role(f, attackers),
        Role::Disputed,
        "{}",
        reason(f, attackers)
    );
    // the unscoped figures still dispute each other
    assert_eq!(role(f, total), Role::Disputed);
    assert_eq!(role(f, bodies), Role::Disputed);
}

#[test]
fn a_short_reference_is_the_events_only_source_of_its_kind() {
    // one article names the White Helmets; another only says "the civil defence": the same
    // rescuers, so its earlier, smaller figure is a revision, not a rival
    let mut b = B::new();
    let early = b.killed(1, 40, Some("الدفاع المدني"));
    let late = b.killed(2, 70, Some("the White Helmets"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(!f.conflict, "{:?}", f.members);
    assert_eq!(role(f, early), Role::Explained, "{}", reason(f, early));
    assert_eq!(role(f, late), Role::Agreeing);
}

#[test]
fn a_toll_dwarfed_by_another_of_its_article_is_a_share_but_a_crowd_size_is_not() {
    let mut b = B::new();
    let total = b.killed(1, 12000, None);
    let share = b.killed(1, 1262, Some("the White Helmets"));
    let rival = b.killed(2, 9000, Some("the United Nations"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!(role(f, share), Role::Explained, "{}", reason(f, share));
    assert_eq!(role(f, total), Role::Disputed);
    assert_eq!(role(f, rival), Role::Disputed);
}

#[test]
fn children_are_compared_with_children_and_are_a_share_of_the_toll() {
    let mut b = B::new();
    let total = b.killed(1, 52, Some("the governor"));
    let five = b.killed(1, 5, Some("the governor"));
    let ten = b.killed(2, 10, Some("the railway company"));
    let total2 = b.killed(2, 50, Some("the railway company"));
    b.get(five).scope = Some("sub:children".into());
    b.get(ten).scope = Some("sub:children".into());
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!(role(f, five), Role::Disputed, "{}", reason(f, five));
    assert_eq!(role(f, ten), Role::Disputed, "{}", reason(f, ten));
    assert!(
        reason(f, ten).contains("children only"),
        "{}",
        reason(f, ten)
    );
    // the tolls of everyone (52 and 50, read as rounded) agree
    assert_ne!(role(f, total), Role::Disputed, "{}", reason(f, total));
    assert_ne!(role(f, total2), Role::Disputed, "{}", reason(f, total2));
}

#[test]
fn people_of_no_side_join_civilians_where_most_named_victims_are_civilians() {
    let mut b = B::new();
    b.killed(1, 101, Some("the Pentagon"));
    let civilians = b.killed(4, 105, Some("the Pentagon"));
    let people = b.add(
        2,
        1,
        200,
        Qualifier::AtLeast,
        Measure::Killed,
        UNKNOWN_GROUP,
        Some("local reports"),
    );
    // one stray figure of another side does not keep them apart
    b.add(3, 1, 2, Qualifier::Exact, Measure::Killed, "russia", None);
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(f.members.iter().any(|m| m.claim_id == people), "{facts:?}");
    assert_eq!(role(f, people), Role::Disputed);
    assert_eq!(role(f, civilians), Role::Disputed);
}

#[test]
fn a_provisional_toll_is_a_floor_not_a_rival() {
    let mut b = B::new();
    let early = b.killed(1, 70, Some("Lebanese Health Ministry"));
    b.get(early).stage = Some(Stage::Provisional);
    let later = b.killed(2, 158, Some("Al Arabiya"));
    let f = &b.link()[0];
    assert!(!f.conflict, "{f:?}");
    assert_ne!(role(f, early), Role::Disputed);
    assert_ne!(role(f, later), Role::Disputed);
}

#[test]
fn a_provisional_toll_above_a_rival_figure_is_still_disputed() {
    // "at least" from a provisional figure cannot agree with a smaller figure
    let mut b = B::new();
    let high = b.killed(1, 70, Some("the civil defence"));
    b.get(high).stage = Some(Stage::Provisional);
    let low = b.killed(2, 21, Some("the Syrian Observatory for Human Rights"));
    let f = &b.link()[0];
    assert!(f.conflict);
    assert_eq!(role(f, high), Role::Disputed);
    assert_eq!(role(f, low), Role::Disputed);
}

#[test]
fn a_figure_its_report_calls_earlier_is_superseded_not_disputed() {
    let mut b = B::new();
    let earlier = b.killed(1, 30, Some("the head of the railway company"));
    b.get(earlier).stage = Some(Stage::Earlier);
    let current = b.killed(1, 52, None);
    let other = b.killed(2, 50, Some("the regional governor"));
    let f = &b.link()[0];
    assert_eq!(role(f, earlier), Role::Explained);
    assert!(
        reason(f, earlier).contains("earlier count"),
        "{}",
        reason(f, earlier)
    );
    assert_ne!(role(f, current), Role::Explained);
    assert_ne!(role(f, other), Role::Explained);
}

#[test]
fn an_unnamed_report_of_an_earlier_count_is_superseded_and_a_named_one_stands() {
    let mut b = B::new();
    // one report: "a previous toll gave 154"; the ministry now says 158
    let marked = b.killed(1, 154, None);
    b.get(marked).stage = Some(Stage::Earlier);
    b.killed(1, 158, Some("Lebanese Health Ministry"));
    // another report gives 154 from an unnamed official
    let unnamed = b.killed(2, 154, Some("the official"));
    let f = &b.link()[0];
    assert_eq!(role(f, unnamed), Role::Explained, "{f:?}");
    assert!(reason(f, unnamed).contains("calls earlier"));
    assert!(!f.conflict);

    // a named source's own 23 stands even if another report says it was given earlier
    let mut b = B::new();
    let marked = b.killed(1, 23, Some("Ministry of Local Administration"));
    b.get(marked).stage = Some(Stage::Earlier);
    let rival = b.killed(1, 33, Some("Syrian Arab Red Crescent"));
    let named = b.killed(2, 23, Some("the Ministry of Local Administration"));
    let f = &b.link()[0];
    assert_eq!(role(f, named), Role::Disputed, "{f:?}");
    assert_eq!(role(f, rival), Role::Disputed);
}

#[test]
fn a_lower_unnamed_count_dates_from_before_a_reported_rise() {
    // "the US toll rose to 13" in one report; another gives 12 in its own voice
    let mut b = B::new();
    let risen = b.killed(1, 13, None);
    b.get(risen).stage = Some(Stage::Risen);
    let unnamed = b.killed(2, 12, None);
    let f = &b.link()[0];
    assert_eq!(role(f, unnamed), Role::Explained, "{f:?}");
    assert!(reason(f, unnamed).contains("before the rise"));
    assert!(!f.conflict);

    // a named source's lower figure is its own position, and stays disputed
    let mut b = B::new();
    let risen = b.killed(1, 20318, Some("the country's disaster agency"));
    b.get(risen).stage = Some(Stage::Risen);
    let named = b.killed(2, 20213, Some("Fahrettin Koca"));
    let f = &b.link()[0];
    assert_eq!(role(f, named), Role::Disputed, "{f:?}");

    // a lower count reported after the rise is no earlier stage of it
    let mut b = B::new();
    let risen = b.killed(1, 13, None);
    b.get(risen).stage = Some(Stage::Risen);
    b.get(risen).published = Some(day(27));
    let later = b.killed(2, 12, None);
    b.get(later).published = Some(day(29));
    let f = &b.link()[0];
    assert_eq!(role(f, later), Role::Disputed, "{f:?}");
}

#[test]
fn an_earlier_count_with_no_current_figure_is_left_alone() {
    let mut b = B::new();
    let only = b.killed(1, 40, Some("the civil defence"));
    b.get(only).stage = Some(Stage::Earlier);
    b.killed(2, 40, None);
    let f = &b.link()[0];
    assert_ne!(role(f, only), Role::Explained);
}

#[test]
fn a_part_of_narrower_scope_is_still_compared_with_other_sources_of_that_scope() {
    let mut b = B::new();
    let displaced = |b: &mut B, article: i64, value: i64, q: Qualifier, source: &str| {
        b.add(
            article,
            1,
            value,
            q,
            Measure::Displaced,
            "civilians",
            Some(source),
        )
    };
    // "300,000 homeless, among them 100,000 children" in one report; UNICEF: about 80,000 children
    let whole = displaced(&mut b, 1, 300_000, Qualifier::AtLeast, "the governor");
    let part = displaced(&mut b, 1, 100_000, Qualifier::Exact, "the governor");
    b.get(part).part_of = Some(whole);
    b.get(part).scope = Some("sub:children".into());
    let unicef = displaced(&mut b, 2, 80_000, Qualifier::Exact, "UNICEF");
    b.get(unicef).scope = Some("sub:children".into());
    let f = &b.link()[0];
    assert_eq!(role(f, part), Role::Disputed, "{f:?}");
    assert_eq!(role(f, unicef), Role::Disputed);
    assert_ne!(role(f, whole), Role::Disputed);

    // with no other figure of children, the part is accounted for by its whole
    let mut b = B::new();
    let whole = displaced(&mut b, 1, 300_000, Qualifier::AtLeast, "the governor");
    let part = displaced(&mut b, 1, 100_000, Qualifier::Exact, "the governor");
    b.get(part).part_of = Some(whole);
    b.get(part).scope = Some("sub:children".into());
    displaced(&mut b, 2, 320_000, Qualifier::Approx, "UNICEF");
    let f = &b.link()[0];
    assert_eq!(role(f, part), Role::Explained, "{f:?}");
    assert!(!f.conflict);
}

#[test]
fn a_toll_of_everyone_below_another_sources_toll_of_civilians_disputes_it() {
    let mut b = B::new();
    // the event also counts an armed side, so people of no side stay a question of their own
    b.add(
        3,
        1,
        13,
        Qualifier::Exact,
        Measure::Killed,
        "us",
        Some("the Pentagon"),
    );
    let civilians = b.killed(1, 60, None);
    let everyone = b.add(
        2,
        1,
        20,
        Qualifier::AtMost,
        Measure::Killed,
        UNKNOWN_GROUP,
        Some("the Taliban"),
    );
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, UNKNOWN_GROUP);
    assert!(f.conflict, "{f:?}");
    assert_eq!(role(f, everyone), Role::Disputed);
    assert_eq!(role(f, civilians), Role::Disputed);
    assert!(reason(f, everyone).contains("fewer than 60 civilians"));
    // the civilians' figure is still a member of its own question
    let own = fact(&facts, Measure::Killed, "civilians");
    assert!(own.members.iter().any(|m| m.claim_id == civilians));
}

#[test]
fn a_toll_of_everyone_above_civilians_or_below_an_armed_side_is_no_dispute() {
    let mut b = B::new();
    // the event also counts an armed side, so people of no side stay a question of their own
    b.add(
        3,
        1,
        13,
        Qualifier::Exact,
        Measure::Killed,
        "us",
        Some("the Pentagon"),
    );
    b.killed(1, 60, None);
    let everyone = b.add(
        2,
        1,
        90,
        Qualifier::Exact,
        Measure::Killed,
        UNKNOWN_GROUP,
        None,
    );
    let facts = b.link();
    assert!(!fact(&facts, Measure::Killed, UNKNOWN_GROUP).conflict);
    assert_ne!(
        role(fact(&facts, Measure::Killed, UNKNOWN_GROUP), everyone),
        Role::Disputed
    );

    // "90 people, in addition to 13 US soldiers": armed sides are often counted apart
    let mut b = B::new();
    b.add(
        1,
        1,
        28,
        Qualifier::AtLeast,
        Measure::Killed,
        "us",
        Some("the Pentagon"),
    );
    b.add(
        2,
        1,
        20,
        Qualifier::Exact,
        Measure::Killed,
        UNKNOWN_GROUP,
        Some("the Taliban"),
    );
    let facts = b.link();
    assert!(!fact(&facts, Measure::Killed, UNKNOWN_GROUP).conflict);
}

#[test]
fn another_sources_higher_toll_on_a_later_day_is_a_rise_not_a_dispute() {
    let on = |d: u32| Some(day(d).date());
    // Friday's 80,052 from the disaster agency, Saturday's 80,104 from the president
    let mut b = B::new();
    let friday = b.killed(1, 80052, Some("the disaster agency"));
    let saturday = b.killed(2, 80104, Some("the president"));
    b.get(friday).day = on(10);
    b.get(saturday).day = on(11);
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(!f.conflict);
    assert_eq!(role(f, friday), Role::Explained);
    assert!(
        reason(f, friday).contains("risen to 80104"),
        "{}",
        reason(f, friday)
    );
    assert_eq!(role(f, saturday), Role::Agreeing);

    // on the same day, the two figures disagree
    b.get(saturday).day = on(10);
    let facts = b.link();
    assert!(fact(&facts, Measure::Killed, "civilians").conflict);

    // a lower toll on the later day is no rise
    b.get(friday).day = on(12);
    let facts = b.link();
    assert!(fact(&facts, Measure::Killed, "civilians").conflict);

    // without both days nothing is known of the order
    b.get(friday).day = None;
    let facts = b.link();
    assert!(fact(&facts, Measure::Killed, "civilians").conflict);
}

#[test]
fn one_unlisted_source_named_in_two_scripts_is_one_source() {
    // Rudaw's 130 in English; in Arabic, Rudaw's 130 from one house and 100 from two others
    let mut b = B::new();
    let en = b.killed(1, 130, Some("Rudaw"));
    let part = b.killed(2, 130, Some("شبكة \"رووداو\" الكردية"));
    let rest = b.killed(2, 100, Some("شبكة \"رووداو\" الكردية"));
    let whole = b.killed(2, 230, Some("شبكة \"رووداو\" الكردية"));
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(!f.conflict, "{:?}", f.members);
    let key = |id: i64| {
        f.members
            .iter()
            .find(|m| m.claim_id == id)
            .map(|m| m.source_key.clone())
    };
    assert_eq!(key(en), key(whole));
    assert_eq!(key(part), key(rest));
    assert_ne!(role(f, en), Role::Disputed);
}

#[test]
fn a_breakdown_term_another_source_contradicts_the_same_day_is_disputed() {
    let on = |d: u32| Some(day(d).date());
    // article 1: the minister's 20,213 in Turkey + 3,553 in Syria = 23,766 in all;
    // article 2: the disaster agency's 20,318 in Turkey, the same day
    let mut b = B::new();
    let minister = b.killed(1, 20213, Some("the health minister"));
    let syria = b.killed(1, 3553, Some("the White Helmets"));
    let total = b.killed(1, 23766, None);
    let agency = b.killed(2, 20318, Some("the disaster agency"));
    for (id, scope) in [(minister, "in:tr"), (syria, "in:sy"), (agency, "in:tr")] {
        b.get(id).scope = Some(scope.into());
    }
    for id in [minister, syria, total, agency] {
        b.get(id).day = on(10);
        b.get(id).day_exact = true;
    }
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert!(f.conflict, "{:?}", f.members);
    assert_eq!(role(f, minister), Role::Disputed);
    assert_eq!(role(f, agency), Role::Disputed);
    assert_eq!(role(f, syria), Role::Explained);

    // a day apart, the toll rose; with no exact days, the term is the total's share
    b.get(agency).day = on(11);
    let facts = b.link();
    assert!(!fact(&facts, Measure::Killed, "civilians").conflict);
    b.get(agency).day = on(10);
    b.get(agency).day_exact = false;
    let facts = b.link();
    let f = fact(&facts, Measure::Killed, "civilians");
    assert_eq!(role(f, minister), Role::Explained, "{:?}", f.members);
}
