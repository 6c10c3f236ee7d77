//! End-to-end tests in headless Chromium, driven over WebDriver (`chromedriver`).
//!
//! The story the project was founded on: the Arabic seed article goes in through the form and its
//! figures are highlighted; an English report of the same attack follows; the event's comparison
//! page shows the conflict between the Russian ministry's 4 dead Russians and the monitor's 9; a
//! reviewer signs in and resolves it with a note; the conflicts CSV is downloaded and read.
//!
//! Every page visited is saved as a PNG under `target/browser-screenshots/`.
//!
//! Needs `/usr/bin/chromium` (or `CHROMIUM`) and `chromedriver` on `PATH` (or `CHROMEDRIVER`);
//! Debian: `apt-get install chromium chromium-driver`. Without them the browser test is skipped
//! with a message, unless `CLAIMDB_BROWSER_TESTS=required` (as `.ci/run` sets), which makes a
//! missing browser a failure.

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod browser;

use fantoccini::Locator;
use serde_json::json;

use browser::Browser;
use helpers::spawn_app;

const AR_SEED: &str = include_str!("../fixtures/ar_mayadin_seed.txt");
const EN_MOSCOW: &str = include_str!("../fixtures/en_mayadin_moscow.txt");

const REVIEWER: &str = "reviewer1";
const PASSWORD: &str = "a long enough password";
const VERDICT_NOTE: &str =
    "The ministry's 4 are its own servicemen; the monitor's 9 include contractors.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_founding_story_in_a_browser() {
    let Some(browser) = Browser::start_or_skip("the_founding_story_in_a_browser").await else {
        return;
    };
    let app = spawn_app().await;
    app.add_user(REVIEWER, PASSWORD, "reviewer");
    let result = story(&browser, &app.address).await;
    // Keep the last page's picture when a step fails: it is the first thing to look at.
    if result.is_err() {
        let _ = browser.shot("zz-failure").await;
    }
    browser.stop().await;
    if let Err(e) = result {
        panic!("{e:#}");
    }
}

type Step = anyhow::Result<()>;

async fn story(b: &Browser, base: &str) -> Step {
    use anyhow::{ensure, Context};

    // 1. The browser asks for Arabic: the interface is Arabic and right-to-left.
    b.goto(&format!("{base}/")).await?;
    b.expect_lang("ar", "rtl").await?;
    b.expect_no_horizontal_scroll().await?;
    b.shot("01-home-ar").await?;

    // Keyboard: the first Tab lands on the skip link, which leads to the content.
    b.press(fantoccini::key::Key::Tab).await?;
    let focused = b.eval("return document.activeElement.className").await?;
    ensure!(
        focused.as_str() == Some("skip"),
        "the first Tab should focus the skip link, focused {focused}"
    );

    // 2. Submit the seed article through the form (nav link → form).
    b.click(Locator::Css("header.site nav a[href='/articles/new']"))
        .await?;
    b.wait_path("/articles/new").await?;
    b.expect_lang("ar", "rtl").await?;
    // Every visible field has a label.
    let unlabelled = b
        .eval(
            "return [...document.querySelectorAll('form.stacked input:not([type=hidden]), form.stacked textarea')]\
             .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name)",
        )
        .await?;
    ensure!(
        unlabelled.as_array().is_some_and(Vec::is_empty),
        "fields without a label: {unlabelled}"
    );
    // An empty submission (neither a text nor an address to fetch it from): the server's
    // error is tied to the text field.
    b.click(Locator::Css("form.stacked button[type=submit]"))
        .await?;
    b.wait_until("the text error", || async {
        Ok(b.count(Locator::Css("#text-error")).await? == 1)
    })
    .await?;
    let invalid = b.attr(Locator::Css("#text"), "aria-invalid").await?;
    ensure!(
        invalid.as_deref() == Some("true"),
        "an empty text should be marked invalid, aria-invalid={invalid:?}"
    );
    b.fill("#text", AR_SEED).await?;
    b.fill("#outlet", "صحيفة عربية (المقال المؤسس)").await?;
    // A date the server refuses: the form comes back with the text kept and the error tied to
    // the field.
    b.fill("#published", "27/05/2018").await?;
    b.click(Locator::Css("form.stacked button[type=submit]"))
        .await?;
    b.wait_until("the date error", || async {
        Ok(b.count(Locator::Css("#published-error")).await? == 1)
    })
    .await?;
    let described = b
        .attr(Locator::Css("#published"), "aria-describedby")
        .await?
        .unwrap_or_default();
    ensure!(
        described.split(' ').any(|id| id == "published-error"),
        "the date field should name its error, aria-describedby={described:?}"
    );
    let invalid = b.attr(Locator::Css("#published"), "aria-invalid").await?;
    ensure!(
        invalid.as_deref() == Some("true"),
        "aria-invalid={invalid:?}"
    );
    let kept = b
        .eval("return document.getElementById('text').value.length")
        .await?;
    ensure!(
        kept.as_u64().unwrap_or(0) > 1000,
        "the article text should survive the error, length {kept}"
    );
    b.scroll_to("published").await?;
    b.shot("02-form-error-ar").await?;
    b.fill("#published", "2018-05-27").await?;
    b.click(Locator::Css("form.stacked button[type=submit]"))
        .await?;
    b.wait_numbered("/articles/").await?;
    b.expect_lang("ar", "rtl").await?;
    let seed_path = b.path().await?;

    // 3. Its figures are highlighted, in the text's own direction.
    let text_dir = b
        .attr(Locator::Css(".article-text"), "dir")
        .await?
        .unwrap_or_default();
    ensure!(
        text_dir == "rtl",
        "the Arabic text should be rtl, is {text_dir:?}"
    );
    let marks = b.texts(Locator::Css(".article-text mark.claim")).await?;
    ensure!(
        marks.len() >= 8,
        "expected the seed's figures highlighted, got {marks:?}"
    );
    for figure in ["26", "35", "43", "أربعة"] {
        ensure!(
            marks.iter().any(|m| m.contains(figure)),
            "no highlighted figure with {figure:?} in {marks:?}"
        );
    }
    let colour = b
        .css(Locator::Css(".article-text mark.claim"), "background-color")
        .await?;
    ensure!(
        colour != "rgba(0, 0, 0, 0)",
        "a highlighted figure has no background"
    );
    // Dates are written in the interface language.
    let meta = b.text(Locator::Css("dl.meta")).await?;
    ensure!(
        meta.contains("27 مايو 2018"),
        "published date in Arabic: {meta:?}"
    );
    b.shot("03-article-ar-highlighted").await?;

    // 4. Switch to English: the choice is remembered in a cookie, for pages without `?lang=`.
    b.click(Locator::Css("a.lang-switch")).await?;
    b.expect_lang("en", "ltr").await?;
    let cookie = b
        .client
        .get_named_cookie("lang")
        .await
        .context("no lang cookie after switching")?;
    ensure!(
        cookie.value() == "en",
        "lang cookie is {:?}",
        cookie.value()
    );
    b.click(Locator::Css("header.site nav a[href='/articles/new']"))
        .await?;
    b.wait_path("/articles/new").await?;
    b.expect_lang("en", "ltr").await?;

    // 5. The English report of the same attack.
    b.fill("#text", EN_MOSCOW).await?;
    b.fill("#url", "https://northerncourier.example/russia-four-killed")
        .await?;
    b.fill("#outlet", "Northern Courier").await?;
    b.fill("#published", "2018-05-27").await?;
    b.click(Locator::Css("form.stacked button[type=submit]"))
        .await?;
    b.wait_numbered("/articles/").await?;
    ensure!(
        b.path().await? != seed_path,
        "the English article was not stored separately"
    );
    let marks = b.texts(Locator::Css(".article-text mark.claim")).await?;
    ensure!(
        marks.iter().any(|m| m.contains("Four")) && marks.iter().any(|m| m.contains("nine")),
        "English figures not highlighted: {marks:?}"
    );
    b.shot("04-article-en-highlighted").await?;

    // 6. The event list → the event's comparison page.
    b.click(Locator::Css("header.site nav a[href='/events']"))
        .await?;
    b.wait_path("/events").await?;
    b.shot("05-events-en").await?;
    let event_links = b
        .texts(Locator::Css("table tbody td a[href^='/events/']"))
        .await?;
    ensure!(
        event_links.len() == 1,
        "both articles should be on one event, events: {event_links:?}"
    );
    b.click(Locator::Css("table tbody td a[href^='/events/']"))
        .await?;
    b.wait_numbered("/events/").await?;
    let event_path = b.path().await?;
    let russians = russian_dead_section(b).await?;
    let figures = b
        .texts(Locator::Css(&format!("#{russians} td.num")))
        .await?;
    ensure!(
        figures.iter().any(|f| f.trim() == "4") && figures.iter().any(|f| f.trim() == "9"),
        "the Russian dead should conflict 4 against 9: {figures:?}"
    );
    b.scroll_to(&russians).await?;
    b.shot("06-event-conflict-en").await?;

    // The same page in Arabic, and at phone width.
    b.goto(&format!("{base}{event_path}?lang=ar")).await?;
    b.expect_lang("ar", "rtl").await?;
    b.scroll_to(&russians).await?;
    b.shot("07-event-conflict-ar").await?;
    b.client.set_window_size(390, 844).await?;
    b.expect_no_horizontal_scroll().await?;
    b.eval("window.scrollTo(0, 0)").await?;
    b.shot("08-event-phone-ar").await?;
    b.client.set_window_size(1280, 1000).await?;
    b.goto(&format!("{base}{event_path}?lang=en")).await?;

    // 7. Sign in (the link brings the reviewer back to the event).
    b.click(Locator::Css("header.site .account a[href^='/login']"))
        .await?;
    b.wait_path("/login").await?;
    b.fill("#username", REVIEWER).await?;
    b.fill("#password", PASSWORD).await?;
    b.shot("09-sign-in-en").await?;
    b.click(Locator::Css("form.stacked button[type=submit]"))
        .await?;
    b.wait_path(&event_path).await?;
    let account = b.text(Locator::Css("header.site .account")).await?;
    ensure!(account.contains(REVIEWER), "not signed in: {account:?}");

    // 8. Resolve the conflict with a note.
    resolve(b, &russians).await?;
    b.shot("10-event-resolved-en").await?;

    // 9. Download the conflicts CSV of the event and read it.
    let csv = b
        .download(
            Locator::Css("p.exports a[href^='/export/conflicts.csv']"),
            "conflicts",
        )
        .await?;
    check_conflicts_csv(&csv)?;

    // 10. The English article is revised (the monitor's 9 becomes 11) and the reviewer prefers
    //     the ministry's figure: the seed event's page after a revision and a verdict.
    revise_and_prefer(b, base, &event_path, &russians).await?;
    Ok(())
}

const REVISED_FIGURE: &str = "11 Russians";
const PREFERRED_REASON: &str = "The ministry names its own dead.";

async fn revise_and_prefer(b: &Browser, base: &str, event_path: &str, russians: &str) -> Step {
    use anyhow::{ensure, Context};
    b.goto(&format!("{base}/articles/new?lang=en")).await?;
    b.fill("#text", &EN_MOSCOW.replace("nine Russians", REVISED_FIGURE))
        .await?;
    b.fill("#url", "https://northerncourier.example/russia-four-killed")
        .await?;
    b.fill("#outlet", "Northern Courier").await?;
    b.fill("#published", "2018-05-27").await?;
    b.click(Locator::Css("form.stacked button[type=submit]"))
        .await?;
    b.wait_numbered("/articles/").await?;
    b.goto(&format!("{base}{event_path}?lang=en")).await?;
    let figures = b
        .texts(Locator::Css(&format!("#{russians} td.num")))
        .await?;
    ensure!(
        figures.iter().any(|f| f.trim() == "11"),
        "the monitor's revised 11 should be its current figure: {figures:?}"
    );
    let history = b
        .texts(Locator::Css(&format!("#{russians} td.history")))
        .await?;
    ensure!(
        history.iter().any(|h| h.contains("9 → 11")),
        "the monitor's 9 should be its history: {history:?}"
    );
    let bars = b
        .count(Locator::Css(&format!("#{russians} svg.chart g.bar")))
        .await?;
    let rows = b
        .count(Locator::Css(&format!("#{russians} tbody.source")))
        .await?;
    ensure!(
        bars == rows,
        "one bar per source: {bars} bars, {rows} sources"
    );

    // The verdict prefers the ministry's 4.
    let form = format!("#{russians} form[action$='/status']");
    let four = b
        .eval_with(
            "return [...document.querySelectorAll(arguments[0] + ' select[name=preferred] option')]\
             .filter(o => o.textContent.trim().startsWith('4 ·')).map(o => o.value)[0] || null",
            json!(form),
        )
        .await?;
    let four = four
        .as_str()
        .context("no option for the ministry's 4 in the preferred-figure menu")?
        .to_string();
    b.select(&format!("{form} select[name=status]"), "resolved")
        .await?;
    b.select(&format!("{form} select[name=preferred]"), &four)
        .await?;
    b.fill(&format!("{form} input[name=reason]"), PREFERRED_REASON)
        .await?;
    b.click(Locator::Css(&format!("{form} button[type=submit]")))
        .await?;
    b.wait_for_text(&format!("#{russians} dl.bounds"), PREFERRED_REASON)
        .await?;
    b.eval_with(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'start'})",
        json!(russians),
    )
    .await?;
    let en = b.shot("11-event-revised-verdict-en").await?;
    b.goto(&format!("{base}{event_path}?lang=ar")).await?;
    b.expect_lang("ar", "rtl").await?;
    b.wait_for_text(&format!("#{russians} dl.bounds"), "اختيار المراجِع")
        .await?;
    b.eval_with(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'start'})",
        json!(russians),
    )
    .await?;
    let ar = b.shot("12-event-revised-verdict-ar").await?;
    println!(
        "screenshots of the seed event after a revision and a verdict: {} and {}",
        en.display(),
        ar.display()
    );
    Ok(())
}

/// The id of the fact section for Russians killed (`fact-N`), which must be a conflict.
async fn russian_dead_section(b: &Browser) -> anyhow::Result<String> {
    let sections = b
        .eval(
            "return [...document.querySelectorAll('section.fact')].map(s => \
             [s.id, s.classList.contains('is-conflict'), s.querySelector('h3').textContent])",
        )
        .await?;
    let found = sections.as_array().into_iter().flatten().find_map(|s| {
        let id = s[0].as_str()?;
        let conflict = s[1].as_bool()?;
        let heading = s[2].as_str()?.to_lowercase();
        (conflict && heading.contains("russia") && heading.contains("kill")).then(|| id.to_string())
    });
    found.ok_or_else(|| anyhow::anyhow!("no conflict for Russians killed among {sections}"))
}

/// Resolves the conflict in section `fact_id` through the verdict form under it.
async fn resolve(b: &Browser, fact_id: &str) -> Step {
    use anyhow::ensure;
    let form = format!("#{fact_id} form[action$='/status']");
    ensure!(
        b.count(Locator::Css(&form)).await? == 1,
        "no verdict form ({form}) for the signed-in reviewer"
    );
    b.select(&format!("{form} select[name=status]"), "resolved")
        .await?;
    b.fill(&format!("{form} textarea[name=note]"), VERDICT_NOTE)
        .await?;
    b.click(Locator::Css(&format!("{form} button[type=submit]")))
        .await?;
    // Back on the event page, the section shows the verdict and its note.
    b.wait_for_text(&format!("#{fact_id}"), VERDICT_NOTE)
        .await?;
    ensure!(
        b.count(Locator::Css(&format!("#{fact_id} .badge.status-resolved")))
            .await?
            > 0,
        "the conflict should show as resolved"
    );
    b.eval_with(
        "document.querySelector('#' + arguments[0] + ' .verdict').scrollIntoView({block: 'start'})",
        json!(fact_id),
    )
    .await?;
    Ok(())
}

/// The export has one row per figure per conflict (`conflict_id`, `measure`, `group`, `value`,
/// `canonical_source`, `article_id`, `status`, …).
fn check_conflicts_csv(csv: &str) -> Step {
    use anyhow::ensure;
    use std::collections::BTreeSet;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let need =
        |name: &str| col(name).ok_or_else(|| anyhow::anyhow!("no {name:?} column in {headers:?}"));
    let (conflict, measure, group, value) = (
        need("conflict_id")?,
        need("measure")?,
        need("group")?,
        need("value")?,
    );
    let (source, article, status) = (
        need("canonical_source")?,
        need("article_id")?,
        need("status")?,
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let russians: Vec<_> = rows
        .iter()
        .filter(|r| &r[measure] == "killed" && &r[group] == "russia")
        .collect();
    let conflicts: BTreeSet<&str> = russians.iter().map(|r| &r[conflict]).collect();
    ensure!(
        conflicts.len() == 1,
        "one Russians-killed conflict expected, found {conflicts:?} in:\n{csv}"
    );
    let articles: BTreeSet<&str> = russians.iter().map(|r| &r[article]).collect();
    ensure!(
        articles.len() == 2,
        "figures from both articles expected: {articles:?}"
    );
    ensure!(
        russians.iter().all(|r| &r[status] == "resolved"),
        "every row of the conflict should say resolved:\n{csv}"
    );
    let said = |figure: &str, who: &str| {
        russians
            .iter()
            .any(|r| &r[value] == figure && r[source].contains(who))
    };
    ensure!(
        said("4", "Defence Ministry") && said("9", "Observatory"),
        "the ministry's 4 and the monitor's 9 should both be rows:\n{csv}"
    );
    if let Some(note) = col("resolution_note").or_else(|| col("note")) {
        ensure!(
            russians.iter().all(|r| &r[note] == VERDICT_NOTE),
            "the verdict note should be exported with the conflict:\n{csv}"
        );
    }
    Ok(())
}

/// Without a browser, the language switch still has to be remembered: checked over plain HTTP.
#[tokio::test]
async fn a_language_switch_is_remembered_in_a_cookie() {
    let app = spawn_app().await;
    let response = app.get_in("/events?lang=ar", "en").await;
    let set_cookie: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .filter(|v| v.starts_with("lang="))
        .collect();
    assert_eq!(set_cookie.len(), 1, "{set_cookie:?}");
    assert!(set_cookie[0].contains("Path=/"), "{set_cookie:?}");
    assert!(
        !set_cookie[0].contains("Secure"),
        "plain http: {set_cookie:?}"
    );
    let vary = response
        .headers()
        .get("vary")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(vary.contains("Accept-Language"), "vary: {vary:?}");
    // A later page without `?lang=` (and an English browser) stays Arabic.
    let html = app.get_in("/conflicts", "en").await.text().await.unwrap();
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#));
    // Switching to the language already remembered sets nothing.
    let response = app.get("/?lang=ar").await;
    assert!(!response
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap_or("").starts_with("lang=")));
    // Behind a TLS-terminating proxy the cookie is Secure.
    let response = app
        .client
        .get(app.url("/?lang=en"))
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    let secure = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("lang=en") && v.contains("Secure"));
    assert!(secure, "lang cookie over https must be Secure");
}
