//! Language detection for pasted articles: script first, then a stopword vote for Latin text.
//!
//! Only the first [`SAMPLE_BYTES`] of a text are looked at, so detection costs the same for any
//! size of input. Page chrome (menus, share buttons, footers) comes in short runs between line
//! breaks and separators (`|`, `•`, `·`, `›`), prose in long ones: letters count in proportion
//! to the length of their run, so an Arabic article under an English menu stays Arabic.

/// How much of a text is looked at.
pub const SAMPLE_BYTES: usize = 20_000;

/// ISO 639-1 code of the text's language: "ar", "fa", "ur", "ps", "ku" (Sorani), "he", "ru",
/// "uk", "el", "en", "fr", "es", "it", "pt", "de", "tr", "zh", "ja", "ko", "hi", …;
/// "und" when nothing can be said (no letters, or Latin text without any telling word).
pub fn detect_language(text: &str) -> &'static str {
    let sample = prefix(text, SAMPLE_BYTES);
    let counts = ScriptCounts::of(sample);
    let Some((script, _)) = counts.dominant() else {
        return "und";
    };
    match script {
        Script::Arabic => arabic_script_language(&counts),
        Script::Latin => latin_language(sample),
        Script::Cyrillic => {
            if counts.ukrainian > counts.russian {
                "uk"
            } else {
                "ru"
            }
        }
        Script::Hebrew => "he",
        Script::Greek => "el",
        Script::Armenian => "hy",
        Script::Georgian => "ka",
        Script::Devanagari => "hi",
        Script::Bengali => "bn",
        Script::Thai => "th",
        Script::Hangul => "ko",
        // Japanese writes kana between its kanji; Chinese has none.
        Script::Kana => "ja",
        Script::Han => {
            if counts.get(Script::Kana) > 0 {
                "ja"
            } else {
                "zh"
            }
        }
    }
}

/// Whether a language is written right to left. Accepts tags with a region or script
/// ("ar-SY", "fa_IR"), case-insensitively.
pub fn is_rtl(lang: &str) -> bool {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "arc"
            | "ckb"
            | "dv"
            | "fa"
            | "he"
            | "iw"
            | "ks"
            | "ku"
            | "pnb"
            | "prs"
            | "ps"
            | "sd"
            | "syr"
            | "ug"
            | "ur"
            | "yi"
    )
}

/// The longest prefix of `text` of at most `max` bytes ending on a char boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Arabic,
    Latin,
    Cyrillic,
    Hebrew,
    Greek,
    Armenian,
    Georgian,
    Devanagari,
    Bengali,
    Thai,
    Hangul,
    Kana,
    Han,
}

const SCRIPTS: [Script; 13] = [
    Script::Arabic,
    Script::Latin,
    Script::Cyrillic,
    Script::Hebrew,
    Script::Greek,
    Script::Armenian,
    Script::Georgian,
    Script::Devanagari,
    Script::Bengali,
    Script::Thai,
    Script::Hangul,
    Script::Kana,
    Script::Han,
];

fn script_of(c: char) -> Option<Script> {
    if !c.is_alphabetic() {
        return None;
    }
    let script = match c as u32 {
        0x0041..=0x024F | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF21..=0xFF5A => {
            Script::Latin
        }
        0x0370..=0x03FF | 0x1F00..=0x1FFF => Script::Greek,
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x0530..=0x058F => Script::Armenian,
        0x0590..=0x05FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x0870..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x0900..=0x097F => Script::Devanagari,
        0x0980..=0x09FF => Script::Bengali,
        0x0E00..=0x0E7F => Script::Thai,
        0x10A0..=0x10FF => Script::Georgian,
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => Script::Hangul,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => Script::Han,
        _ => return None,
    };
    Some(script)
}

/// Words in a run of text beyond which a run does not weigh more (a long sentence).
const RUN_WEIGHT_MAX: usize = 20;

#[derive(Default)]
struct ScriptCounts {
    /// Letters per script.
    letters: [usize; SCRIPTS.len()],
    /// Letters per script, each weighted by the number of words of its run.
    weighted: [usize; SCRIPTS.len()],
    /// Letters only Arabic uses among the Arabic-script languages: ة ي ك ى.
    arabic_only: usize,
    /// Persian letters: پ چ ژ گ ک ی (Persian writes ی and ک where Arabic writes ي and ك).
    persian: usize,
    /// Urdu letters: ٹ ڈ ڑ ں ھ ہ ے.
    urdu: usize,
    /// Sorani Kurdish letters: ڕ ڵ ۆ ێ ە.
    sorani: usize,
    /// Pashto letters: ټ ډ ړ ږ ښ ګ ڼ ې ۍ.
    pashto: usize,
    /// Ukrainian letters: і ї є ґ.
    ukrainian: usize,
    /// Russian letters: ы э ъ ё.
    russian: usize,
}

impl ScriptCounts {
    fn of(sample: &str) -> Self {
        let mut counts = ScriptCounts::default();
        // Page chrome comes in short runs (menu items, share buttons), the article in long
        // sentences: a run's letters weigh as much as its word count (capped).
        for run in sample.split(['\n', '|', '•', '·', '›']) {
            let weight = run.split_whitespace().count().min(RUN_WEIGHT_MAX);
            let mut letters = [0usize; SCRIPTS.len()];
            for c in run.chars() {
                let Some(script) = script_of(c) else { continue };
                letters[script as usize] += 1;
                match c {
                    'ة' | 'ي' | 'ك' | 'ى' => counts.arabic_only += 1,
                    'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => counts.persian += 1,
                    'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ھ' | 'ہ' | 'ے' => counts.urdu += 1,
                    'ڕ' | 'ڵ' | 'ۆ' | 'ێ' | 'ە' => counts.sorani += 1,
                    'ټ' | 'ډ' | 'ړ' | 'ږ' | 'ښ' | 'ګ' | 'ڼ' | 'ې' | 'ۍ' => {
                        counts.pashto += 1
                    }
                    'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ' => counts.ukrainian += 1,
                    'ы' | 'э' | 'ъ' | 'ё' | 'Ы' | 'Э' | 'Ъ' | 'Ё' => counts.russian += 1,
                    _ => {}
                }
            }
            for (k, n) in letters.into_iter().enumerate() {
                counts.letters[k] += n;
                counts.weighted[k] += n * weight;
            }
        }
        counts
    }

    fn get(&self, script: Script) -> usize {
        self.letters[script as usize]
    }

    /// The script with the most letters, weighted by run length (the first listed on a tie),
    /// if any letter was seen.
    fn dominant(&self) -> Option<(Script, usize)> {
        SCRIPTS
            .iter()
            .map(|&s| (s, self.weighted[s as usize]))
            .filter(|&(_, n)| n > 0)
            .fold(None, |best: Option<(Script, usize)>, (s, n)| match best {
                Some((_, m)) if m >= n => best,
                _ => Some((s, n)),
            })
    }
}

/// Arabic, unless letters specific to another Arabic-script language outnumber the letters
/// only Arabic uses (Arabic text borrows پ or گ for foreign names, rarely more).
fn arabic_script_language(counts: &ScriptCounts) -> &'static str {
    let candidates = [
        ("ur", counts.urdu),
        ("ku", counts.sorani),
        ("ps", counts.pashto),
        ("fa", counts.persian),
    ];
    // Urdu, Sorani and Pashto also use the Persian letters; their own letters decide first.
    let total = counts.get(Script::Arabic).max(1);
    for (lang, n) in candidates {
        if n > counts.arabic_only && n * 50 >= total {
            return lang;
        }
    }
    "ar"
}

/// Very common function words; a word may vote for several languages.
const STOPWORDS: [(&str, &[&str]); 7] = [
    (
        "en",
        &[
            "the", "and", "of", "to", "in", "is", "was", "were", "that", "for", "on", "with", "as",
            "by", "at", "from", "it", "he", "she", "they", "his", "her", "their", "said", "have",
            "has", "had", "been", "are", "be", "an", "this", "which", "who", "not", "but", "or",
            "after", "would", "will", "when", "what",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "des", "du", "de", "et", "est", "une", "un", "dans", "pour", "par",
            "sur", "avec", "qui", "que", "pas", "au", "aux", "ont", "été", "sont", "selon",
            "cette", "ces", "il", "elle", "ils", "ne", "se", "l", "d", "qu", "plus", "mais", "ou",
            "leur", "où", "après", "a", "été", "lors", "c",
        ],
    ),
    (
        "es",
        &[
            "el", "la", "los", "las", "del", "y", "en", "que", "por", "con", "para", "una", "un",
            "es", "se", "al", "fue", "son", "sus", "su", "como", "más", "pero", "según", "este",
            "esta", "han", "ha", "sido", "lo", "les", "entre", "sin", "desde", "tras", "de",
            "muertos", "dijo", "también", "hay",
        ],
    ),
    (
        "it",
        &[
            "il", "lo", "gli", "della", "delle", "dei", "degli", "del", "e", "è", "di", "che",
            "per", "con", "una", "non", "sono", "nel", "nella", "alla", "al", "dal", "dalla",
            "anche", "come", "ma", "più", "ha", "hanno", "stato", "stati", "questo", "secondo",
            "tra", "fra", "sul", "sulla", "l", "un", "da",
        ],
    ),
    (
        "pt",
        &[
            "o", "os", "as", "da", "das", "do", "dos", "e", "em", "no", "na", "nos", "nas", "que",
            "um", "uma", "para", "com", "não", "por", "foi", "são", "ao", "à", "pelo", "pela",
            "mais", "seu", "sua", "como", "segundo", "também", "entre", "após", "está", "foram",
            "de", "ele", "disse", "mortos",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "den", "dem", "des",
            "mit", "von", "im", "auf", "für", "sich", "sie", "es", "wurde", "wurden", "auch",
            "bei", "nach", "aus", "dass", "wie", "oder", "sind", "hat", "haben", "am", "zum",
            "zur", "einen", "einem", "einer", "werden", "nur",
        ],
    ),
    (
        "tr",
        &[
            "ve",
            "bir",
            "bu",
            "da",
            "de",
            "için",
            "ile",
            "olarak",
            "olan",
            "çok",
            "daha",
            "en",
            "gibi",
            "ama",
            "değil",
            "sonra",
            "kadar",
            "göre",
            "ancak",
            "her",
            "şu",
            "ki",
            "mi",
            "ise",
            "tarafından",
            "oldu",
            "olduğu",
            "edildi",
            "dedi",
            "yılında",
            "veya",
            "ayrıca",
            "üzere",
            "büyük",
            "ilk",
            "iki",
            "sırasında",
        ],
    ),
];

/// Stopword vote on lowercase words; each distinctive letter (ñ, ß, ã, ı, ğ, ş, …) adds a half
/// vote. "und" when nothing voted.
fn latin_language(sample: &str) -> &'static str {
    let mut votes = [0usize; STOPWORDS.len()];
    let index = |code: &str| STOPWORDS.iter().position(|(c, _)| *c == code).unwrap_or(0);
    let mut letter_votes = [0usize; STOPWORDS.len()];
    for word in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        let lower = word.to_lowercase();
        for (k, (_, words)) in STOPWORDS.iter().enumerate() {
            if words.contains(&lower.as_str()) {
                votes[k] += 2;
            }
        }
        for c in lower.chars() {
            let lang = match c {
                'ñ' | '¿' | '¡' => "es",
                'ß' => "de",
                'ã' | 'õ' => "pt",
                'ı' | 'ğ' | 'ş' => "tr",
                'œ' | 'ë' | 'ï' | 'ÿ' => "fr",
                _ => continue,
            };
            letter_votes[index(lang)] += 1;
        }
    }
    let mut best: Option<(usize, usize)> = None;
    for k in 0..STOPWORDS.len() {
        let score = votes[k] + letter_votes[k];
        if score > 0 && best.is_none_or(|(_, b)| score > b) {
            best = Some((k, score));
        }
    }
    best.map_or("und", |(k, _)| STOPWORDS[k].0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_are_detected_in_their_language() {
        let cases = [
            ("ar", "قال الدفاع المدني السوري إن تسعة مدنيين قتلوا، بينهم طفلان، وأصيب نحو عشرين آخرين بجروح، جراء غارة جوية استهدفت مستشفى الرحمة في بلدة كفر نبيل."),
            ("en", "Two people were killed and three firefighters were injured when fire tore through a furniture warehouse on the industrial estate, the fire service said."),
            ("fr", "Neuf corps ont été repêchés et 41 personnes secourues après le chavirement d'une embarcation de migrants dans la nuit, ont annoncé les garde-côtes italiens."),
            ("es", "La Guardia Costera italiana ha elevado este domingo a nueve el número de muertos y ha cifrado en 28 los desaparecidos tras el naufragio de una embarcación."),
            ("it", "La Guardia costiera ha recuperato nove corpi e sono state salvate 41 persone dopo il naufragio di un barchino, secondo quanto riferito dalle autorità della zona."),
            ("pt", "A Guarda Costeira italiana elevou para nove o número de mortos e disse que 28 pessoas estão desaparecidas após o naufrágio de uma embarcação com migrantes."),
            ("de", "Bei dem Brand in einer Lagerhalle sind zwei Menschen ums Leben gekommen und drei Feuerwehrleute wurden verletzt, wie die Feuerwehr mitteilte."),
            ("tr", "İdlib'de bir hastaneye düzenlenen hava saldırısında ölenlerin sayısı 14'e yükseldi, yaralılar ise yakındaki hastanelere kaldırıldı ve kurtarma çalışmaları sürüyor."),
            ("fa", "به گزارش خبرگزاری‌ها، در پی حمله هوایی به یک بیمارستان در استان ادلب چهارده غیرنظامی کشته شدند و سی و یک نفر زخمی شدند."),
            ("ur", "ادلب میں ایک ہسپتال پر فضائی حملے میں چودہ شہری ہلاک ہو گئے ہیں اور اکتیس افراد زخمی ہوئے ہیں، امدادی کارکنوں نے بتایا۔"),
            ("ru", "В результате авиаудара по больнице в провинции Идлиб погибли четырнадцать мирных жителей, сообщили спасатели."),
            ("he", "ארבעה עשר אזרחים נהרגו בתקיפה אווירית על בית חולים במחוז אידליב, כך מסרו כוחות ההצלה."),
        ];
        for (expected, text) in cases {
            assert_eq!(detect_language(text), expected, "{text}");
        }
    }

    #[test]
    fn an_arabic_article_with_english_page_chrome_is_arabic() {
        let page = "Home | News | Sport | Business | Sign in | Subscribe | Cookie settings | Accept all cookies\n\
                    Share on Facebook | Share on Twitter | Copy link | Advertisement\n\
                    انهيار مبنى سكني في بلدة تل الريحان العكارية\n\
                    عكار – «نبض الشمال»: قضى ثلاثة أشخاص، بينهم امرأة مسنة، وأصيب خمسة آخرون بجروح متفاوتة، إثر انهيار مبنى سكني قديم مؤلف من أربع طبقات في بلدة تل الريحان فجر اليوم.\n\
                    Related: Most read | Newsletter | Terms of use | Privacy policy | © 2023 All rights reserved";

        assert_eq!(detect_language(page), "ar");
        assert!(is_rtl(detect_language(page)));
    }

    #[test]
    fn nothing_can_be_said_about_text_without_letters_or_telling_words() {
        for text in [
            "",
            "   \n\t",
            "15 19 2023-03-12 ٢٣",
            "| — · 12:05 |",
            "Kessington Hollins",
        ] {
            assert_eq!(detect_language(text), "und", "{text:?}");
        }
    }

    #[test]
    fn only_the_start_of_a_huge_text_is_read() {
        let arabic = "قال الدفاع المدني إن تسعة مدنيين قتلوا في الغارة. ".repeat(400);
        let english =
            "The civil defence said nine civilians were killed in the strike. ".repeat(20_000);
        assert!(arabic.len() > SAMPLE_BYTES);

        assert_eq!(detect_language(&(arabic + &english)), "ar");
        assert_eq!(prefix("ééé", 3), "é", "cut on a char boundary");
    }

    #[test]
    fn right_to_left_languages_are_known() {
        let cases = [
            ("ar", true),
            ("fa", true),
            ("ur", true),
            ("he", true),
            ("ps", true),
            ("ckb", true),
            ("ar-SY", true),
            ("FA_ir", true),
            ("en", false),
            ("fr", false),
            ("tr", false),
            ("und", false),
            ("", false),
        ];
        for (lang, rtl) in cases {
            assert_eq!(is_rtl(lang), rtl, "{lang}");
        }
    }
}
