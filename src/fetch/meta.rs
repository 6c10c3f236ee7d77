//! What a page says about its article besides the text: the date, language, direction, and a
//! headline without the site's name. Readability reads most of it; these are the fallbacks and
//! the normalisation to the forms claimdb stores.

use chrono::{DateTime, NaiveDate};
use dom_query::Document;

/// Languages written right to left.
const RTL_LANGUAGES: &[&str] = &["ar", "fa", "ur", "he", "yi", "ps", "sd", "ug", "ckb", "dv"];

/// A date in the forms pages use: RFC 3339 / ISO 8601 (`2024-03-01T10:00:00+02:00`,
/// `2024-03-01`), RFC 2822 (`Fri, 01 Mar 2024 10:00:00 GMT`), and `2024/03/01`. The date is the
/// one written, in the page's own time zone: that is the day the outlet says it published.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Some(at.date_naive());
    }
    if let Ok(at) = DateTime::parse_from_rfc2822(value) {
        return Some(at.date_naive());
    }
    let head = value.get(..10)?;
    let rest = &value[10..];
    // A date alone, or followed by a time (`T10:00`, ` 10:00:00`, `T10:00:00.000Z`).
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(head, "%Y/%m/%d"))
        .ok()
}

/// `ar-SY` → `ar`, `en_US` → `en`, `AR` → `ar`; `None` for what is not a language tag.
pub fn normalise_lang(value: &str) -> Option<String> {
    let primary = value.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let ok = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    ok.then_some(primary)
}

/// `rtl` or `ltr` from a `dir` attribute (`auto` says nothing).
pub fn normalise_dir(value: &str) -> Option<String> {
    match value.trim().to_ascii_lowercase().as_str() {
        d @ ("rtl" | "ltr") => Some(d.to_string()),
        _ => None,
    }
}

pub fn dir_of_lang(lang: &str) -> &'static str {
    if RTL_LANGUAGES.contains(&lang) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The language of `text` when the page does not say: from its script (Arabic, Persian, Urdu,
/// Hebrew) or, for Latin script, from its commonest words in the languages claimdb has lexicons
/// for. `None` when unsure.
pub fn lang_from_text(text: &str) -> Option<String> {
    let (mut arabic, mut hebrew, mut latin) = (0usize, 0usize, 0usize);
    let (mut persian, mut urdu) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => persian += 1,
            'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ے' | 'ھ' => urdu += 1,
            _ => {}
        }
        match c {
            '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' => arabic += 1,
            '\u{0590}'..='\u{05FF}' => hebrew += 1,
            c if c.is_alphabetic() && c.is_ascii() || ('À'..='ž').contains(&c) => latin += 1,
            _ => {}
        }
    }
    let letters = arabic + hebrew + latin;
    if letters < 20 {
        return None;
    }
    if arabic * 2 > letters {
        // Letters Arabic lacks but Persian or Urdu use everywhere; a stray one is a loanword.
        let lang = if urdu * 50 > arabic {
            "ur"
        } else if persian * 30 > arabic {
            "fa"
        } else {
            "ar"
        };
        return Some(lang.to_string());
    }
    if hebrew * 2 > letters {
        return Some("he".to_string());
    }
    if latin * 2 > letters {
        return latin_lang(text);
    }
    None
}

/// The Latin-script language whose common function words `text` uses most, if clearly so.
fn latin_lang(text: &str) -> Option<String> {
    const WORDS: &[(&str, &[&str])] = &[
        (
            "en",
            &["the", "and", "of", "to", "in", "was", "were", "said"],
        ),
        ("fr", &["le", "la", "les", "et", "des", "du", "est", "une"]),
        ("es", &["el", "los", "las", "y", "del", "que", "una", "por"]),
        (
            "pt",
            &["o", "os", "as", "e", "do", "da", "dos", "uma", "não"],
        ),
        (
            "it",
            &["il", "gli", "e", "della", "che", "di", "una", "sono"],
        ),
    ];
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut counts: Vec<(&str, usize)> = WORDS
        .iter()
        .map(|(lang, common)| {
            let n = words
                .iter()
                .filter(|w| common.contains(&w.as_str()))
                .count();
            (*lang, n)
        })
        .collect();
    counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let (best, n) = counts[0];
    let runner_up = counts[1].1;
    (n >= 3 && n >= runner_up * 3 / 2).then(|| best.to_string())
}

/// The headline without the site's name that pages append or prepend to it
/// (`Title - Site`, `Title | Site`, `Site: Title`), when that part is the site's name.
pub fn clean_title(title: &str, site_name: Option<&str>) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(site) = site_name.map(str::trim).filter(|s| !s.is_empty()) else {
        return title;
    };
    let same = |part: &str| part.trim().to_lowercase() == site.to_lowercase();
    for separator in [" - ", " | ", " – ", " — ", " :: ", " · ", " » "] {
        if let Some((head, tail)) = title.rsplit_once(separator) {
            if same(tail) && !head.trim().is_empty() {
                return head.trim().to_string();
            }
        }
        if let Some((head, tail)) = title.split_once(separator) {
            if same(head) && !tail.trim().is_empty() {
                return tail.trim().to_string();
            }
        }
    }
    if let Some((head, tail)) = title.split_once(": ") {
        if same(head) && !tail.trim().is_empty() {
            return tail.trim().to_string();
        }
    }
    title
}

/// What the page's own document says, read where readability does not look.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PageMeta {
    pub published: Option<NaiveDate>,
    pub lang: Option<String>,
    pub dir: Option<String>,
}

impl PageMeta {
    pub fn read(html: &str) -> Self {
        let doc = Document::from(html);
        let attr = |selector: &str, name: &str| -> Vec<String> {
            doc.select(selector)
                .nodes()
                .iter()
                .filter_map(|n| n.attr(name).map(|v| v.to_string()))
                .collect()
        };
        let published = [
            ("meta[itemprop='datePublished']", "content"),
            ("meta[name='date' i]", "content"),
            ("meta[name='pubdate' i]", "content"),
            ("meta[name='publishdate' i]", "content"),
            ("meta[name='publish-date' i]", "content"),
            ("meta[name='dc.date.issued' i]", "content"),
            ("meta[name='dc.date' i]", "content"),
            ("meta[property='og:published_time']", "content"),
            ("time[itemprop='datePublished']", "datetime"),
            ("time[pubdate]", "datetime"),
            ("article time[datetime]", "datetime"),
            ("time[datetime]", "datetime"),
        ]
        .iter()
        .flat_map(|(selector, name)| attr(selector, name))
        .find_map(|value| parse_date(&value));
        let lang = ["html[lang]", "html[xml\\:lang]", "body[lang]"]
            .iter()
            .zip(["lang", "xml:lang", "lang"])
            .flat_map(|(selector, name)| attr(selector, name))
            .chain(attr("meta[http-equiv='content-language' i]", "content"))
            .chain(attr("meta[property='og:locale']", "content"))
            .find_map(|value| normalise_lang(&value));
        let dir = attr("html[dir]", "dir")
            .into_iter()
            .chain(attr("body[dir]", "dir"))
            .find_map(|value| normalise_dir(&value));
        PageMeta {
            published,
            lang,
            dir,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn dates_are_read_in_the_forms_pages_use() {
        assert_eq!(parse_date("2024-03-01T10:15:00+02:00"), date(2024, 3, 1));
        assert_eq!(parse_date("2024-03-01T10:15:00.000Z"), date(2024, 3, 1));
        assert_eq!(parse_date("2024-03-01T10:15:00"), date(2024, 3, 1));
        assert_eq!(parse_date("2024-03-01 10:15:00"), date(2024, 3, 1));
        assert_eq!(parse_date(" 2024-03-01 "), date(2024, 3, 1));
        assert_eq!(parse_date("2024/03/01"), date(2024, 3, 1));
        assert_eq!(
            parse_date("Fri, 01 Mar 2024 10:15:00 GMT"),
            date(2024, 3, 1)
        );
    }

    #[test]
    fn the_date_is_the_one_written_in_the_pages_time_zone() {
        assert_eq!(parse_date("2024-03-01T23:30:00-05:00"), date(2024, 3, 1));
        assert_eq!(parse_date("2024-03-02T00:30:00+03:00"), date(2024, 3, 2));
    }

    #[test]
    fn what_is_not_a_date_gives_none() {
        for value in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30",
            "2024-03-01x",
            "3 hours ago",
        ] {
            assert_eq!(parse_date(value), None, "{value}");
        }
    }

    #[test]
    fn language_tags_are_reduced_to_their_language() {
        assert_eq!(normalise_lang("ar-SY").as_deref(), Some("ar"));
        assert_eq!(normalise_lang("en_US").as_deref(), Some("en"));
        assert_eq!(normalise_lang("AR").as_deref(), Some("ar"));
        assert_eq!(normalise_lang("ckb").as_deref(), Some("ckb"));
        assert_eq!(normalise_lang(""), None);
        assert_eq!(normalise_lang("english"), None);
    }

    #[test]
    fn right_to_left_languages_get_rtl() {
        for lang in ["ar", "fa", "ur", "he"] {
            assert_eq!(dir_of_lang(lang), "rtl");
        }
        assert_eq!(dir_of_lang("en"), "ltr");
        assert_eq!(normalise_dir(" RTL ").as_deref(), Some("rtl"));
        assert_eq!(normalise_dir("auto"), None);
    }

    #[test]
    fn the_language_of_unlabelled_text_is_guessed_from_its_script_and_words() {
        let arabic = "قال الدفاع المدني إن خمسة عشر شخصاً قتلوا في الغارة على المدينة";
        assert_eq!(lang_from_text(arabic).as_deref(), Some("ar"));
        let persian = "گزارش‌ها می‌گویند که پانزده نفر در این حمله کشته شدند و چند نفر زخمی شدند";
        assert_eq!(lang_from_text(persian).as_deref(), Some("fa"));
        let english =
            "The civil defence said that fifteen people were killed in the strike on the town";
        assert_eq!(lang_from_text(english).as_deref(), Some("en"));
        let french = "La défense civile a dit que quinze personnes sont mortes dans la frappe sur la ville et les environs";
        assert_eq!(lang_from_text(french).as_deref(), Some("fr"));
        assert_eq!(lang_from_text("12 345"), None);
    }

    #[test]
    fn the_site_name_is_cut_from_the_headline() {
        let site = Some("Example News");
        assert_eq!(
            clean_title("Strike kills 15 - Example News", site),
            "Strike kills 15"
        );
        assert_eq!(
            clean_title("Strike kills 15 | example news", site),
            "Strike kills 15"
        );
        assert_eq!(
            clean_title("Example News: Strike kills 15", site),
            "Strike kills 15"
        );
        assert_eq!(
            clean_title("Example News — Strike kills 15", site),
            "Strike kills 15"
        );
    }

    #[test]
    fn a_headline_part_that_is_not_the_site_name_is_kept() {
        assert_eq!(
            clean_title("Gaza - Strike kills 15", Some("Example News")),
            "Gaza - Strike kills 15"
        );
        assert_eq!(
            clean_title("Strike kills 15 - Example News", None),
            "Strike kills 15 - Example News"
        );
        assert_eq!(
            clean_title("Example News", Some("Example News")),
            "Example News"
        );
    }

    #[test]
    fn the_documents_own_metadata_fills_the_gaps() {
        let meta = PageMeta::read(
            r#"<html lang="ar-SY" dir="RTL"><head><meta name="Date" content="2024-05-06"></head>
            <body><time datetime="2020-01-01">old</time></body></html>"#,
        );
        assert_eq!(
            meta,
            PageMeta {
                published: date(2024, 5, 6),
                lang: Some("ar".into()),
                dir: Some("rtl".into()),
            }
        );
        let meta = PageMeta::read(
            r#"<html><body><article><time datetime="2023-11-02T08:00:00Z">2 Nov</time></article></body></html>"#,
        );
        assert_eq!(meta.published, date(2023, 11, 2));
        assert_eq!(meta.lang, None);
    }
}
