//! The day an article's address says it was published, for articles that give no published
//! date of their own: news sites put it in the path ("/2021/08/27/terrorismo-golpea-kabul",
//! "/news/2018-04-11", "/2018/04/09/60067/").
//!
//! Used to order figures in time (which of a source's figures is its latest), to give a year to
//! the text's dates that have none ("6 February"), and to date an event when neither a published
//! date nor the text does. Not used to choose which events an article may join: an
//! address-dated article beside undated ones (dated by the day they were stored) would look
//! years apart.
//!
//! Rules: a year (1990–2100), a month and a day, in that order, as three path segments or joined
//! by `-` or `_` inside one segment; all three must make a real date. A year and month alone
//! ("/2021/08/") name no day, and digit runs without separators ("/20210827") are left alone:
//! they are as often article numbers.

use chrono::{DateTime, NaiveDate, Utc};

/// When an article was reported, for dating its figures and its event: its own published
/// time, else the day its address names (at noon UTC, the hour being unknown).
pub fn reported_time(published: Option<DateTime<Utc>>, url: Option<&str>) -> Option<DateTime<Utc>> {
    published.or_else(|| {
        url.and_then(date_in_url)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .map(|t| t.and_utc())
    })
}

/// The date in `url`'s path, if it names one (see the module rules).
pub fn date_in_url(url: &str) -> Option<NaiveDate> {
    let path = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
    let path = path.split(['?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = path
        .split(['/', '-', '_', '.'])
        .filter(|p| !p.is_empty())
        .collect();
    parts.windows(3).find_map(|w| {
        let year = number(w[0], 4).filter(|y| (1990..=2100).contains(y))?;
        let month = number(w[1], 2)?;
        let day = number(w[2], 2)?;
        NaiveDate::from_ymd_opt(year as i32, month, day)
    })
}

/// `s` as a number written with `max` digits at most (and at least `max - 1`, so that "7" is a
/// month but "2" is not a year).
fn number(s: &str, max: usize) -> Option<u32> {
    let ok = s.bytes().all(|b| b.is_ascii_digit())
        && (max.saturating_sub(1).max(1)..=max).contains(&s.len());
    ok.then(|| s.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn a_date_in_the_path_is_read() {
        assert_eq!(
            date_in_url("https://www.example.net/portal/2021/08/27/terrorismo-golpea-kabul"),
            d(2021, 8, 27)
        );
        assert_eq!(
            date_in_url("https://media.example.org/blog/2018/04/09/60067/"),
            d(2018, 4, 9)
        );
        assert_eq!(
            date_in_url("https://www.example.it/news/mondo/attacco/3758903/news/2018-04-11"),
            d(2018, 4, 11)
        );
        assert_eq!(
            date_in_url("https://example.com/2017_05_26_eeuu-mato-civiles.html"),
            d(2017, 5, 26)
        );
    }

    #[test]
    fn a_published_time_beats_the_address() {
        let published = d(2021, 8, 28)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .map(|t| t.and_utc());
        let url = Some("https://example.net/2021/08/27/kabul");
        assert_eq!(reported_time(published, url), published);
        assert_eq!(
            reported_time(None, url).map(|t| t.date_naive()),
            d(2021, 8, 27)
        );
        assert_eq!(reported_time(None, Some("https://example.net/kabul")), None);
    }

    #[test]
    fn no_day_no_date() {
        for url in [
            "https://journaldupays.example/2021/page/36",
            "https://example.com/2021/08/",
            "https://tihamahnews.example/?p=125539",
            "https://example.com/news/20210827",
            "https://example.com/2021/13/45/not-a-date",
            "https://example.com/article?date=2021-08-27",
            "https://example.com/",
        ] {
            assert_eq!(date_in_url(url), None, "{url}");
        }
    }
}
