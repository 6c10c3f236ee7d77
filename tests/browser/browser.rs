//! A headless Chromium behind its own `chromedriver`, with the few steps the tests need: waits
//! that poll instead of sleeping, screenshots under `target/browser-screenshots/`, and downloads
//! into a folder of their own.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long a step may wait for the page.
const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 1000;

pub struct Browser {
    pub client: Client,
    driver: Child,
    /// Profile and downloads of this run, removed at the end.
    scratch: PathBuf,
    downloads: PathBuf,
    shots: PathBuf,
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// The browser and driver binaries, if both are installed.
fn binaries() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        return Err(format!("no Chromium at {}", chromium.display()));
    }
    let driver = std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .or_else(|| on_path("chromedriver"))
        .ok_or_else(|| "no chromedriver on PATH".to_string())?;
    Ok((chromium, driver))
}

/// A line on the real standard error: the test harness captures `eprintln!` of passing tests,
/// and a skip must be seen.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

impl Browser {
    /// A fresh browser, or `None` (with a message) when Chromium or chromedriver is missing and
    /// `CLAIMDB_BROWSER_TESTS` is not `required`.
    pub async fn start_or_skip(test: &str) -> Option<Browser> {
        let mode = std::env::var("CLAIMDB_BROWSER_TESTS").unwrap_or_default();
        if mode == "skip" {
            say(&format!("SKIPPED {test}: CLAIMDB_BROWSER_TESTS=skip"));
            return None;
        }
        let (chromium, driver) = match binaries() {
            Ok(found) => found,
            Err(why) if mode != "required" => {
                say(&format!(
                    "SKIPPED {test}: {why} (install the Debian packages chromium and \
                     chromium-driver; CLAIMDB_BROWSER_TESTS=required makes this a failure)"
                ));
                return None;
            }
            Err(why) => panic!("{test}: {why}, and CLAIMDB_BROWSER_TESTS=required"),
        };
        Some(
            Browser::start(&chromium, &driver)
                .await
                .unwrap_or_else(|e| panic!("{test}: cannot start the browser: {e:#}")),
        )
    }

    async fn start(chromium: &Path, driver: &Path) -> anyhow::Result<Browser> {
        let target = target_dir();
        let scratch = target
            .join("browser-scratch")
            .join(std::process::id().to_string());
        let profile = scratch.join("profile");
        let downloads = scratch.join("downloads");
        let shots = target.join("browser-screenshots");
        for dir in [&profile, &downloads, &shots] {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        // Only this run's pictures.
        for entry in std::fs::read_dir(&shots)?.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == "png" || x == "csv") {
                std::fs::remove_file(path)?;
            }
        }
        let port = free_port();
        let log = std::fs::File::create(scratch.join("chromedriver.log"))?;
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", driver.display()))?;
        let browser = Browser {
            client: connect(chromium, &profile, &downloads, driver_ready(port).await).await?,
            driver,
            scratch,
            downloads,
            shots,
        };
        browser.client.set_window_size(WIDTH, HEIGHT).await?;
        browser
            .client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(Duration::from_secs(30)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await?;
        Ok(browser)
    }

    pub async fn stop(self) {
        let Browser {
            client,
            mut driver,
            scratch,
            ..
        } = self;
        let _ = client.close().await;
        let _ = driver.kill();
        let _ = driver.wait();
        let _ = std::fs::remove_dir_all(&scratch);
    }

    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))?;
        self.wait_loaded().await
    }

    pub async fn path(&self) -> anyhow::Result<String> {
        Ok(self.client.current_url().await?.path().to_string())
    }

    async fn wait_loaded(&self) -> anyhow::Result<()> {
        self.wait_until("the page to load", || async {
            Ok(self.eval("return document.readyState").await?.as_str() == Some("complete"))
        })
        .await
    }

    /// Polls `ready` until it says yes, for at most `WAIT`.
    pub async fn wait_until<F, Fut>(&self, what: &str, mut ready: F) -> anyhow::Result<()>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<bool>>,
    {
        let start = Instant::now();
        loop {
            // A page in the middle of navigating may refuse a script; that is "not yet".
            if let Ok(true) = ready().await {
                return Ok(());
            }
            if start.elapsed() > WAIT {
                let url = self.client.current_url().await.map(|u| u.to_string());
                bail!("timed out waiting for {what} (at {url:?})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn wait_path(&self, want: &str) -> anyhow::Result<()> {
        self.wait_path_matching(want, |p| p == want).await
    }

    /// Waits for a path like `/articles/12`: the prefix and a number.
    pub async fn wait_numbered(&self, prefix: &str) -> anyhow::Result<()> {
        self.wait_path_matching(prefix, |p| {
            p.strip_prefix(prefix)
                .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
        })
        .await
    }

    async fn wait_path_matching(
        &self,
        what: &str,
        ok: impl Fn(&str) -> bool,
    ) -> anyhow::Result<()> {
        self.wait_until(&format!("the page {what}"), || async {
            Ok(ok(&self.path().await?))
        })
        .await?;
        self.wait_loaded().await
    }

    /// Waits until the document is in `lang` with direction `dir`.
    pub async fn expect_lang(&self, lang: &str, dir: &str) -> anyhow::Result<()> {
        let want = json!([lang, dir]);
        let script = "return [document.documentElement.lang, document.documentElement.dir]";
        let waited = self
            .wait_until(&format!("a page in {lang}/{dir}"), || async {
                Ok(self.eval(script).await? == want)
            })
            .await;
        match waited {
            Ok(()) => Ok(()),
            Err(e) => Err(e.context(format!("the page is {:?}", self.eval(script).await.ok()))),
        }
    }

    pub async fn eval(&self, script: &str) -> anyhow::Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Runs `script` with `arguments[0]` = `arg`.
    pub async fn eval_with(&self, script: &str, arg: Value) -> anyhow::Result<Value> {
        Ok(self.client.execute(script, vec![arg]).await?)
    }

    pub async fn find(
        &self,
        locator: Locator<'_>,
    ) -> anyhow::Result<fantoccini::elements::Element> {
        let shown = format!("{locator:?}");
        let start = Instant::now();
        loop {
            match self.client.find(locator).await {
                Ok(element) => return Ok(element),
                Err(e) if start.elapsed() > WAIT => {
                    return Err(anyhow!(e).context(format!("finding {shown}")))
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    pub async fn click(&self, locator: Locator<'_>) -> anyhow::Result<()> {
        let shown = format!("{locator:?}");
        self.find(locator)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking {shown}"))?;
        Ok(())
    }

    /// Types `text` into the field `css` (after clearing it), as a person would.
    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let field = self.find(Locator::Css(css)).await?;
        field.clear().await?;
        field
            .send_keys(text)
            .await
            .with_context(|| format!("typing into {css}"))?;
        Ok(())
    }

    pub async fn select(&self, css: &str, value: &str) -> anyhow::Result<()> {
        self.find(Locator::Css(css))
            .await?
            .select_by_value(value)
            .await
            .with_context(|| format!("choosing {value} in {css}"))?;
        Ok(())
    }

    pub async fn text(&self, locator: Locator<'_>) -> anyhow::Result<String> {
        Ok(self.find(locator).await?.text().await?)
    }

    pub async fn texts(&self, locator: Locator<'_>) -> anyhow::Result<Vec<String>> {
        let mut out = Vec::new();
        for element in self.client.find_all(locator).await? {
            out.push(element.text().await?);
        }
        Ok(out)
    }

    pub async fn count(&self, locator: Locator<'_>) -> anyhow::Result<usize> {
        Ok(self.client.find_all(locator).await?.len())
    }

    pub async fn attr(&self, locator: Locator<'_>, name: &str) -> anyhow::Result<Option<String>> {
        Ok(self.find(locator).await?.attr(name).await?)
    }

    pub async fn css(&self, locator: Locator<'_>, property: &str) -> anyhow::Result<String> {
        Ok(self.find(locator).await?.css_value(property).await?)
    }

    /// Presses one key (no element targeted: focus moves as it would for a person).
    pub async fn press(&self, key: fantoccini::key::Key) -> anyhow::Result<()> {
        let key: char = key.into();
        let actions = KeyActions::new("keyboard".to_string())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.client.perform_actions(actions).await?;
        self.client.release_actions().await?;
        Ok(())
    }

    pub async fn scroll_to(&self, id: &str) -> anyhow::Result<()> {
        self.client
            .execute(
                "document.getElementById(arguments[0]).scrollIntoView({block: 'start'})",
                vec![json!(id)],
            )
            .await?;
        Ok(())
    }

    pub async fn wait_for_text(&self, css: &str, text: &str) -> anyhow::Result<()> {
        self.wait_until(&format!("{text:?} in {css}"), || async {
            Ok(self.text(Locator::Css(css)).await?.contains(text))
        })
        .await
    }

    /// Nothing sticks out sideways: the page fits the window's width.
    pub async fn expect_no_horizontal_scroll(&self) -> anyhow::Result<()> {
        let sizes = self
            .eval("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await?;
        let (scroll, inner) = (sizes[0].as_f64(), sizes[1].as_f64());
        match (scroll, inner) {
            (Some(s), Some(w)) if s <= w + 1.0 => Ok(()),
            _ => {
                let wide = self
                    .eval(
                        "return [...document.querySelectorAll('body *')]\
                         .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)\
                         .slice(0, 5).map(e => e.tagName + '.' + e.className)",
                    )
                    .await
                    .unwrap_or_default();
                bail!("the page scrolls sideways (scroll width, window width: {sizes}); too wide: {wide}")
            }
        }
    }

    /// Saves the window as `target/browser-screenshots/NAME.png`.
    pub async fn shot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let png = self.client.screenshot().await?;
        let path = self.shots.join(format!("{name}.png"));
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// Clicks a download link and returns the downloaded file's text; the file is kept as
    /// `target/browser-screenshots/NAME.csv` beside the pictures.
    pub async fn download(&self, link: Locator<'_>, name: &str) -> anyhow::Result<String> {
        for entry in std::fs::read_dir(&self.downloads)? {
            std::fs::remove_file(entry?.path())?;
        }
        self.click(link).await?;
        let start = Instant::now();
        loop {
            let done: Vec<PathBuf> = std::fs::read_dir(&self.downloads)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|x| x != "crdownload" && x != "tmp")
                })
                .collect();
            if let Some(file) = done.first() {
                let text = std::fs::read_to_string(file)?;
                std::fs::write(self.shots.join(format!("{name}.csv")), &text)?;
                return Ok(text);
            }
            if start.elapsed() > WAIT {
                bail!("no download appeared in {}", self.downloads.display());
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// Waits for chromedriver to answer on `port`.
async fn driver_ready(port: u16) -> String {
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while start.elapsed() < WAIT {
        if let Ok(r) = reqwest::get(format!("{url}/status")).await {
            if r.status().is_success() {
                break;
            }
        }
        tokio::time::sleep(POLL).await;
    }
    url
}

async fn connect(
    chromium: &Path,
    profile: &Path,
    downloads: &Path,
    driver_url: String,
) -> anyhow::Result<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--hide-scrollbars",
                "--lang=ar",
                format!("--window-size={WIDTH},{HEIGHT}"),
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                // The Accept-Language the app sees first: an Arabic reader.
                "intl.accept_languages": "ar,en;q=0.5",
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false,
            },
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver_url)
        .await
        .with_context(|| format!("opening a session on chromedriver at {driver_url}"))
}
