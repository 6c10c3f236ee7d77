//! Fetching articles by address (issue 10) against a local site that answers as real news sites
//! do: the article read out of its chrome with the right figures, legacy Arabic encodings,
//! gzip, redirects, failures, limits, conditional requests, and private addresses refused.

mod fetch {
    pub mod site;
}

use std::time::Duration;

use claimdb::domain::extract::Extractor;
use claimdb::domain::pipeline::read_claims;
use claimdb::domain::{Measure, Qualifier};
use claimdb::fetch::{
    read_article, FetchError, FetchSettings, Fetched, FetchedPage, Fetcher, ReadError, Validators,
};
use fetch::site::{TestSite, ETAG, LAST_MODIFIED};

/// Settings for the local site: its address allowed, and short limits so failures come fast.
fn local_settings() -> FetchSettings {
    FetchSettings {
        allow_hosts: vec!["127.0.0.1".into()],
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        max_bytes: 256 * 1024,
        ..FetchSettings::default()
    }
}

fn fetcher(settings: FetchSettings) -> Fetcher {
    Fetcher::new(settings).expect("a fetcher")
}

async fn fetch_page(fetcher: &Fetcher, url: &str) -> FetchedPage {
    match fetcher.fetch(url, &Validators::default()).await {
        Ok(Fetched::Page(page)) => page,
        other => panic!("expected a page from {url}, got {other:?}"),
    }
}

async fn fetch_error(fetcher: &Fetcher, url: &str) -> FetchError {
    match fetcher.fetch(url, &Validators::default()).await {
        Err(error) => error,
        Ok(other) => panic!("expected {url} to fail, got {other:?}"),
    }
}

#[tokio::test]
async fn a_news_page_is_read_without_its_chrome_and_gives_the_right_figures() {
    let site = TestSite::start().await;
    let page = fetch_page(&fetcher(local_settings()), &site.url("/news/strike")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.charset, "UTF-8");
    assert_eq!(page.final_url, site.url("/news/strike"));

    let article = read_article(&page.html, &page.final_url).expect("an article");
    assert_eq!(
        article.title,
        "Air strike on Ariha market kills 27, civil defence says"
    );
    assert_eq!(article.site_name.as_deref(), Some("Example News"));
    assert_eq!(article.byline.as_deref(), Some("Jane Doe"));
    assert_eq!(
        article.published,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 5)
    );
    assert_eq!(article.lang.as_deref(), Some("en"));
    assert_eq!(article.dir.as_deref(), Some("ltr"));

    let text = &article.text;
    for sentence in [
        "At least 27 people were killed and 64 wounded when an air strike hit a crowded vegetable market in the town of Ariha on Tuesday morning, the Syrian Civil Defence said.",
        "Rescue workers were still digging through the rubble by nightfall",
        "called on all parties to protect civilians and civilian infrastructure, including markets and hospitals.",
    ] {
        assert!(text.contains(sentence), "missing {sentence:?} in {text:?}");
    }
    for chrome in [
        "We use cookies",
        "Accept all cookies",
        "Middle East",
        "Most read",
        "Floods kill 230",
        "Bus crash",
        "Share on Facebook",
        "Related articles",
        "Shelling of Idlib",
        "morning briefing",
        "All rights reserved",
        "Privacy policy",
        "Ceasefire talks",
        "Advertisement",
        "Rescuers search the rubble of the market. Photo",
    ] {
        assert!(!text.contains(chrome), "chrome {chrome:?} left in {text:?}");
    }
    // One paragraph per <p>, separated by a blank line.
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    assert!(paragraphs.len() >= 5, "{paragraphs:?}");
    assert!(paragraphs
        .iter()
        .any(|p| p.starts_with("At least 27 people") && p.ends_with("Civil Defence said.")));
    assert!(paragraphs
        .iter()
        .all(|p| !p.trim().is_empty() && !p.contains('\n')));

    let claims = read_claims(
        &Extractor::with_default_lexicons(),
        claimdb::domain::linking::Gazetteer::builtin(),
        text,
    );
    let figures: Vec<(i64, Measure)> = claims.iter().map(|c| (c.value, c.measure)).collect();
    assert!(figures.contains(&(27, Measure::Killed)), "{claims:#?}");
    assert!(figures.contains(&(64, Measure::Wounded)), "{claims:#?}");
    let killed = claims
        .iter()
        .find(|c| c.measure == Measure::Killed)
        .expect("a killed figure");
    assert_eq!(killed.qualifier, Qualifier::AtLeast);
    // The sidebar's and related articles' figures are not the article's.
    assert!(
        !figures.iter().any(|(v, _)| [230, 12, 40, 9].contains(v)),
        "{figures:?}"
    );
}

#[tokio::test]
async fn an_arabic_page_in_windows_1256_is_decoded_by_its_meta_charset() {
    let site = TestSite::start().await;
    let page = fetch_page(&fetcher(local_settings()), &site.url("/ar/strike")).await;
    assert_eq!(page.content_type.as_deref(), Some("text/html"));
    assert_eq!(page.charset, "windows-1256");
    // The evidence is the bytes as sent, not re-encoded.
    assert!(std::str::from_utf8(&page.raw).is_err());
    assert!(page.html.contains("قال الدفاع المدني السوري"));

    let article = read_article(&page.html, &page.final_url).expect("an article");
    assert_eq!(article.title, "مقتل 15 مدنياً في قصف على ريف إدلب");
    assert_eq!(article.site_name.as_deref(), Some("شبكة الأخبار"));
    assert_eq!(article.lang.as_deref(), Some("ar"));
    assert_eq!(article.dir.as_deref(), Some("rtl"));
    assert_eq!(
        article.published,
        chrono::NaiveDate::from_ymd_opt(2024, 3, 6)
    );
    assert!(
        article.text.contains(
            "قال الدفاع المدني السوري إن 15 مدنياً قتلوا وأصيب 40 آخرون في قصف استهدف سوقاً شعبية"
        ),
        "{}",
        article.text
    );
    assert!(!article.text.contains("الأكثر قراءة"), "{}", article.text);
    assert!(
        !article.text.contains("جميع الحقوق محفوظة"),
        "{}",
        article.text
    );

    let claims = read_claims(
        &Extractor::with_default_lexicons(),
        claimdb::domain::linking::Gazetteer::builtin(),
        &article.text,
    );
    let figures: Vec<(i64, Measure)> = claims.iter().map(|c| (c.value, c.measure)).collect();
    assert!(figures.contains(&(15, Measure::Killed)), "{claims:#?}");
    assert!(figures.contains(&(40, Measure::Wounded)), "{claims:#?}");
}

#[tokio::test]
async fn a_gzip_encoded_page_is_kept_and_read_decompressed() {
    let site = TestSite::start().await;
    let page = fetch_page(&fetcher(local_settings()), &site.url("/gzip/strike")).await;
    assert_eq!(page.raw, fetch::site::NEWS_PAGE.as_bytes());
    let article = read_article(&page.html, &page.final_url).expect("an article");
    assert!(article.text.contains("At least 27 people were killed"));
}

#[tokio::test]
async fn a_redirect_chain_is_followed_to_the_article() {
    let site = TestSite::start().await;
    // 301 to a relative address, then 302 to an absolute one.
    let page = fetch_page(&fetcher(local_settings()), &site.url("/old/strike")).await;
    assert_eq!(page.final_url, site.url("/news/strike"));
    assert!(page.html.contains("Ariha"));
}

#[tokio::test]
async fn a_redirect_loop_stops_at_the_limit() {
    let site = TestSite::start().await;
    let settings = FetchSettings {
        max_redirects: 3,
        ..local_settings()
    };
    assert_eq!(
        fetch_error(&fetcher(settings), &site.url("/loop")).await,
        FetchError::TooManyRedirects(3)
    );
    // A chain of two is within a limit of two, and beyond a limit of one.
    let two = FetchSettings {
        max_redirects: 2,
        ..local_settings()
    };
    fetch_page(&fetcher(two), &site.url("/old/strike")).await;
    let one = FetchSettings {
        max_redirects: 1,
        ..local_settings()
    };
    assert_eq!(
        fetch_error(&fetcher(one), &site.url("/old/strike")).await,
        FetchError::TooManyRedirects(1)
    );
}

#[tokio::test]
async fn error_statuses_are_failures_worth_retrying() {
    let site = TestSite::start().await;
    let fetcher = fetcher(local_settings());
    let missing = fetch_error(&fetcher, &site.url("/no/such/article")).await;
    assert_eq!(missing, FetchError::Status(404));
    assert_eq!(missing.to_string(), "the site answered HTTP 404");
    let broken = fetch_error(&fetcher, &site.url("/broken")).await;
    assert_eq!(broken, FetchError::Status(500));
    assert!(!missing.is_permanent() && !broken.is_permanent());
}

#[tokio::test]
async fn a_not_found_page_sent_as_a_success_has_no_article() {
    let site = TestSite::start().await;
    let page = fetch_page(&fetcher(local_settings()), &site.url("/soft-404")).await;
    assert!(page.html.contains("Page not found"));
    assert_eq!(
        read_article(&page.html, &page.final_url),
        Err(ReadError::NoArticle)
    );
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_a_dns_failure_worth_retrying() {
    let settings = FetchSettings {
        timeout: Duration::from_secs(10),
        ..local_settings()
    };
    let error = fetch_error(&fetcher(settings), "http://claimdb-test.invalid/news").await;
    assert_eq!(error, FetchError::Dns("claimdb-test.invalid".into()));
    assert!(!error.is_permanent());
}

#[tokio::test]
async fn a_site_slower_than_the_timeout_fails_with_a_timeout() {
    let site = TestSite::start().await;
    let started = std::time::Instant::now();
    let error = fetch_error(&fetcher(local_settings()), &site.url("/slow")).await;
    assert_eq!(error, FetchError::Timeout(1));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(!error.is_permanent());
}

#[tokio::test]
async fn bodies_beyond_the_size_limit_are_refused_while_streaming() {
    let site = TestSite::start().await;
    let fetcher = fetcher(local_settings());
    for path in ["/endless-chunked", "/endless-unframed", "/huge-declared"] {
        assert_eq!(
            fetch_error(&fetcher, &site.url(path)).await,
            FetchError::TooLarge(256 * 1024),
            "{path}"
        );
    }
}

#[tokio::test]
async fn validators_of_the_last_fetch_give_not_modified() {
    let site = TestSite::start().await;
    let fetcher = fetcher(local_settings());
    let url = site.url("/cached/strike");
    let page = fetch_page(&fetcher, &url).await;
    assert_eq!(page.etag.as_deref(), Some(ETAG));
    assert_eq!(page.last_modified.as_deref(), Some(LAST_MODIFIED));

    let by_etag = Validators {
        etag: page.etag.clone(),
        last_modified: None,
    };
    let by_date = Validators {
        etag: None,
        last_modified: page.last_modified.clone(),
    };
    for validators in [by_etag, by_date] {
        let fetched = fetcher.fetch(&url, &validators).await.expect("a response");
        assert!(matches!(fetched, Fetched::NotModified), "{fetched:?}");
    }
    let stale = Validators {
        etag: Some("\"v0\"".into()),
        last_modified: None,
    };
    let fetched = fetcher.fetch(&url, &stale).await.expect("a response");
    assert!(matches!(fetched, Fetched::Page(_)), "{fetched:?}");
}

#[tokio::test]
async fn loopback_addresses_are_refused_unless_allowed() {
    let site = TestSite::start().await;
    let port = site.addr.port();
    let strict = fetcher(FetchSettings {
        allow_hosts: Vec::new(),
        ..local_settings()
    });
    // A literal address, which no resolver sees.
    let error = fetch_error(&strict, &format!("http://127.0.0.1:{port}/news/strike")).await;
    assert_eq!(
        error,
        FetchError::PrivateAddress {
            host: "127.0.0.1".into(),
            address: "127.0.0.1".into()
        }
    );
    assert!(error.is_permanent());
    for literal in [
        "http://[::1]:9/",
        "http://[::ffff:127.0.0.1]:9/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
    ] {
        assert!(
            matches!(
                fetch_error(&strict, literal).await,
                FetchError::PrivateAddress { .. }
            ),
            "{literal}"
        );
    }
    // A name, refused by the resolver after it resolved to loopback.
    let error = fetch_error(&strict, &format!("http://localhost:{port}/news/strike")).await;
    assert!(
        matches!(&error, FetchError::PrivateAddress { host, .. } if host == "localhost"),
        "{error:?}"
    );

    // Allowed by name, the same address is fetched.
    let by_name = fetcher(FetchSettings {
        allow_hosts: vec!["localhost".into()],
        ..local_settings()
    });
    let page = fetch_page(&by_name, &format!("http://localhost:{port}/news/strike")).await;
    assert!(page.html.contains("Ariha"));
}

#[tokio::test]
async fn a_redirect_from_an_allowed_host_to_a_private_one_is_refused() {
    let site = TestSite::start().await;
    let fetcher = fetcher(local_settings());
    let error = fetch_error(&fetcher, &site.url("/to-loopback-literal")).await;
    assert_eq!(
        error,
        FetchError::PrivateAddress {
            host: "127.0.0.2".into(),
            address: "127.0.0.2".into()
        }
    );
    let error = fetch_error(&fetcher, &site.url("/to-localhost")).await;
    assert!(
        matches!(&error, FetchError::PrivateAddress { host, .. } if host == "localhost"),
        "{error:?}"
    );
}

#[tokio::test]
async fn only_http_and_https_addresses_are_fetched() {
    let site = TestSite::start().await;
    let fetcher = fetcher(local_settings());
    assert_eq!(
        fetch_error(&fetcher, "ftp://127.0.0.1/file").await,
        FetchError::Scheme
    );
    assert_eq!(
        fetch_error(&fetcher, "file:///etc/passwd").await,
        FetchError::Scheme
    );
    assert_eq!(
        fetch_error(&fetcher, &site.url("/ftp")).await,
        FetchError::Scheme
    );
    let error = fetch_error(&fetcher, "not an address").await;
    assert!(matches!(error, FetchError::BadUrl(_)), "{error:?}");
    assert!(error.is_permanent());
}

#[tokio::test]
async fn a_page_that_is_not_html_is_refused() {
    let site = TestSite::start().await;
    assert_eq!(
        fetch_error(&fetcher(local_settings()), &site.url("/report.pdf")).await,
        FetchError::NotHtml("application/pdf".into())
    );
}

#[tokio::test]
async fn the_configured_user_agent_is_sent() {
    let site = TestSite::start().await;
    let settings = FetchSettings {
        user_agent: "claimdb-test/1.0 (+https://claimdb.example)".into(),
        ..local_settings()
    };
    let page = fetch_page(&fetcher(settings), &site.url("/echo-user-agent")).await;
    assert!(
        page.html
            .contains("claimdb-test/1.0 (+https://claimdb.example)"),
        "{}",
        page.html
    );
}
