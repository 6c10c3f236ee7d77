//! The command line: `claimdb serve|migrate|db|import|extract|export|user`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::{
    AppSettings, DatabaseSettings, DEFAULT_MAX_BODY_BYTES, DEFAULT_PAGE_CACHE_SECONDS,
};
use crate::db::{self, embedded, Database};
use crate::startup::Application;
use crate::telemetry;

#[derive(Debug, Parser)]
#[command(
    name = "claimdb",
    version,
    about = "Claim-tracking and fact-check database"
)]
pub struct Cli {
    /// Home of the private PostgreSQL cluster, used when DATABASE_URL is unset.
    #[arg(
        long,
        global = true,
        env = "CLAIMDB_DATA_DIR",
        default_value = "./claimdb-data"
    )]
    pub data_dir: PathBuf,

    /// PostgreSQL connection URL; when set, no private cluster is provisioned.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web application.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CLAIMDB_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Largest accepted request body, in bytes.
        #[arg(long, env = "CLAIMDB_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
        max_body_bytes: usize,
        /// Only signed-in users may submit articles.
        #[arg(long, env = "CLAIMDB_SUBMIT_REQUIRES_LOGIN")]
        submit_requires_login: bool,
        /// Seconds an anonymous reader may be served a copy of a reading page (0: always fresh).
        #[arg(long, env = "CLAIMDB_PAGE_CACHE_SECONDS", default_value_t = DEFAULT_PAGE_CACHE_SECONDS)]
        page_cache_seconds: u64,
        /// Do not re-fetch watched addresses in this process (also CLAIMDB_WATCH=false), e.g.
        /// when a separate `claimdb watch` worker does.
        #[arg(long)]
        no_watch: bool,
        /// The address readers reach this site at (absolute links in JSON-LD and the feed);
        /// default: http:// and the bound address.
        #[arg(long, env = "CLAIMDB_PUBLIC_URL", value_parser = crate::config::parse_public_url)]
        public_url: Option<String>,
    },
    /// Re-fetch watched addresses as they come due (a worker; several may run at once).
    Watch {
        /// Run what is due now, print a summary and exit (for cron and tests).
        #[arg(long)]
        once: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Manage the private PostgreSQL cluster.
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// Import .txt files (with optional NAME.json sidecars), folders of them, and .jsonl files.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print a line for every item, not only for failures.
        #[arg(long, short)]
        verbose: bool,
        /// Threads preparing articles (extraction) at once (default: one per core, at most four);
        /// one connection stores them, in the articles' own order, so the result is the same.
        #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=32))]
        jobs: Option<u16>,
    },
    /// Extract the claims of one article file (with the shipped lexicons; no database needed).
    Extract {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        file: PathBuf,
    },
    /// Export data as CSV on stdout (streamed from the database a page at a time).
    Export {
        #[arg(value_enum)]
        what: ExportKind,
        #[command(flatten)]
        filter: ExportFlags,
        /// Start with a UTF-8 byte-order mark (so spreadsheet programs read Arabic right).
        #[arg(long)]
        bom: bool,
    },
    /// Write a synthetic corpus in the import format (.jsonl), for benchmarks.
    Generate {
        /// Number of article versions to write.
        #[arg(long)]
        articles: usize,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// First day of the corpus (YYYY-MM-DD; default 2018-01-01). It covers one day per
        /// 30 articles from there, so corpora meant to follow one another start where the last ended.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbAction {
    /// Start the cluster and keep it running after this command ends.
    Start,
    /// Stop a cluster started with `db start` (or any server on this data directory).
    Stop,
    /// Tell whether the cluster is running.
    Status,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportKind {
    Claims,
    Conflicts,
    Events,
}

/// The filters of `claimdb export` (those of the list pages and `/export/*.csv`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ExportFlags {
    /// Only this event (its number).
    #[arg(long)]
    pub event: Option<String>,
    /// Only claims of this article (for conflicts and events: facts with a figure from it).
    #[arg(long)]
    pub article: Option<String>,
    /// killed, wounded, casualties, captured, missing, displaced, destroyed or count.
    #[arg(long)]
    pub measure: Option<String>,
    /// An actor group key, such as civilians.
    #[arg(long)]
    pub group: Option<String>,
    /// A part of the source's name or of the attribution as written (any case).
    #[arg(long)]
    pub source: Option<String>,
    /// First day (YYYY-MM-DD) of the article's published date, else its version's date.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub to: Option<String>,
    /// A fact's status (open, resolved, unresolvable); for claims, a claim's (unreviewed,
    /// confirmed, corrected, rejected).
    #[arg(long)]
    pub status: Option<String>,
}

impl ExportFlags {
    fn input(&self) -> db::export::FilterInput {
        db::export::FilterInput {
            event: self.event.clone(),
            article: self.article.clone(),
            measure: self.measure.clone(),
            group: self.group.clone(),
            source: self.source.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            status: self.status.clone(),
        }
    }
}

impl ExportKind {
    fn kind(self) -> db::export::Kind {
        match self {
            ExportKind::Claims => db::export::Kind::Claims,
            ExportKind::Conflicts => db::export::Kind::Conflicts,
            ExportKind::Events => db::export::Kind::Events,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user (password prompted, or read from stdin).
    Add {
        name: String,
        #[arg(long, value_parser = ["admin", "reviewer"], default_value = "reviewer")]
        role: String,
    },
}

impl Cli {
    fn database(&self) -> DatabaseSettings {
        DatabaseSettings {
            url: self.database_url.clone().filter(|u| !u.trim().is_empty()),
            data_dir: self.data_dir.clone(),
            pool_size: 10,
        }
    }
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init_tracing("info,actix_server=warn");
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("claimdb: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn open(settings: &DatabaseSettings) -> anyhow::Result<Database> {
    Ok(Database::open(
        settings.url.as_deref(),
        &settings.data_dir,
        settings.pool_size,
    )?)
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = cli.database();
    match cli.command {
        Command::Serve {
            bind,
            max_body_bytes,
            submit_requires_login,
            page_cache_seconds,
            no_watch,
            public_url,
        } => {
            let database = open(&settings)?;
            let app_settings = AppSettings {
                bind,
                max_body_bytes,
                submit_requires_login,
                page_cache_ttl: std::time::Duration::from_secs(page_cache_seconds),
                fetch: crate::fetch::FetchSettings::from_env(),
                watch: crate::watch::WatchSettings::from_env()?,
                public_url,
            };
            let watching = !no_watch && watch_enabled_by_env();
            actix_web::rt::System::new().block_on(async {
                let app = Application::build(&app_settings, database.pool.clone())?;
                if watching {
                    // Here rather than in `Application`, so the HTTP tests' apps do not watch.
                    // Several servers may watch at once: they share the queue (SKIP LOCKED).
                    let fetcher = crate::fetch::Fetcher::new(app_settings.fetch.clone())?;
                    actix_web::rt::spawn(crate::watch::worker::run_forever(
                        database.pool.clone(),
                        fetcher,
                        app_settings.watch.clone(),
                    ));
                }
                tracing::info!(
                    port = app.port(),
                    "claimdb listening on {}",
                    app_settings.bind
                );
                app.run_until_stopped().await?;
                Ok::<(), anyhow::Error>(())
            })?;
            drop(database);
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            // Opening runs pending migrations; say how many were left.
            let database = open(&settings)?;
            let mut conn = database.pool.get()?;
            let pending = db::run_migrations(&mut conn)?;
            println!("migrations are up to date ({pending} applied now)");
            Ok(ExitCode::SUCCESS)
        }
        Command::Watch { once } => watch_command(&settings, once),
        Command::Db { action } => db_command(&settings, action),
        Command::Import {
            paths,
            verbose,
            jobs,
        } => {
            let database = open(&settings)?;
            // The place names reviewers edited link imported articles too.
            let extractor = db::lexicon_edit::load_lexicons(&mut *database.pool.get()?)?;
            let summary = crate::import::run(
                &database.pool,
                std::sync::Arc::new(extractor),
                &paths,
                DEFAULT_MAX_BODY_BYTES,
                verbose,
                jobs.map_or_else(crate::import::default_workers, usize::from),
                &crate::fetch::FetchSettings::from_env(),
            )?;
            println!("{summary}");
            Ok(if summary.failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Extract { json, file } => extract_command(&file, json),
        Command::Generate {
            articles,
            out,
            seed,
            from,
        } => {
            let file = std::fs::File::create(&out)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
            let written = crate::generate::generate_from(
                articles,
                seed,
                from.unwrap_or_else(crate::generate::default_start),
                std::io::BufWriter::new(file),
            )?;
            println!("wrote {written} articles to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { what, filter, bom } => export_command(&settings, what, &filter, bom),
        Command::User {
            action: UserAction::Add { name, role },
        } => {
            crate::domain::auth::validate_username(&name)?;
            let password = read_new_password()?;
            let hash = crate::domain::auth::hash_password(&password)?;
            let database = open(&settings)?;
            let mut conn = database.pool.get()?;
            if db::users::find_by_name(&mut conn, &name)?.is_some() {
                anyhow::bail!("a user named {name:?} already exists");
            }
            let user = db::users::create(&mut conn, &name, &hash, &role)?;
            db::audit::record(
                &mut conn,
                None,
                "create",
                "user",
                Some(user.id),
                None,
                Some(
                    serde_json::json!({"username": user.username, "role": user.role, "via": "cli"}),
                ),
            )?;
            println!("added {} ({})", user.username, user.role);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `CLAIMDB_WATCH=false` (or 0, no, off) turns the watcher inside `serve` off.
fn watch_enabled_by_env() -> bool {
    std::env::var("CLAIMDB_WATCH").map_or(true, |v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "false" | "0" | "no" | "off"
        )
    })
}

/// `claimdb watch [--once]`: the watcher on its own.
fn watch_command(settings: &DatabaseSettings, once: bool) -> anyhow::Result<ExitCode> {
    let database = open(settings)?;
    let watch_settings = crate::watch::WatchSettings::from_env()?;
    let fetcher = crate::fetch::Fetcher::new(crate::fetch::FetchSettings::from_env())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        if once {
            let summary =
                crate::watch::worker::run_once(&database.pool, &fetcher, &watch_settings).await?;
            println!("{summary}");
        } else {
            tracing::info!("claimdb watch: re-fetching watched addresses as they come due");
            crate::watch::worker::run_forever(database.pool.clone(), fetcher, watch_settings).await;
        }
        Ok::<(), anyhow::Error>(())
    })?;
    drop(database);
    Ok(ExitCode::SUCCESS)
}

/// `claimdb export`: a refused filter exits with 2 before the database is opened.
fn export_command(
    settings: &DatabaseSettings,
    what: ExportKind,
    flags: &ExportFlags,
    bom: bool,
) -> anyhow::Result<ExitCode> {
    let kind = what.kind();
    let filter = match db::export::parse_filter(&flags.input(), kind.statuses()) {
        Ok(filter) => filter,
        Err(e) => {
            let t = crate::web::i18n::Lang::En.messages();
            eprintln!("claimdb: {} ({:?})", t.get(e.key), e.value);
            return Ok(ExitCode::from(2));
        }
    };
    let database = open(settings)?;
    let mut conn = database.pool.get()?;
    let stdout = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let page = db::export::PAGE_ROWS;
    match db::export::write_csv(&mut conn, kind, &filter, bom, page, stdout) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        // The reader stopped early (`| head`): not an error of ours.
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

fn is_broken_pipe(e: &db::export::ExportError) -> bool {
    use db::export::ExportError;
    let io = match e {
        ExportError::Io(io) => io,
        ExportError::Csv(e) => match e.kind() {
            csv::ErrorKind::Io(io) => io,
            _ => return false,
        },
        ExportError::Db(_) | ExportError::Row(_) => return false,
    };
    io.kind() == std::io::ErrorKind::BrokenPipe
}

fn extract_command(file: &std::path::Path, json: bool) -> anyhow::Result<ExitCode> {
    use crate::domain::extract::Extractor;
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} is not valid UTF-8 text", file.display()))?;
    let claims = crate::domain::pipeline::read_claims(
        &Extractor::with_default_lexicons(),
        crate::domain::linking::Gazetteer::builtin(),
        &text,
    );
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let written = write_claims(&mut stdout, &text, &claims, json).and_then(|()| {
        use std::io::Write;
        stdout.flush()
    });
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // The reader stopped early (`| head`): not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}

/// The claims as `claimdb extract` prints them: one JSON object, or a table.
fn write_claims(
    out: &mut impl std::io::Write,
    text: &str,
    claims: &[crate::domain::ExtractedClaim],
    json: bool,
) -> std::io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, &serde_json::json!({ "claims": claims }))?;
        return writeln!(out);
    }
    if claims.is_empty() {
        return writeln!(out, "no claims found");
    }
    writeln!(
        out,
        "{:>3}  {:>12}  {:<9} {:<10} {:<11} {:<6} {:<30} figure",
        "#", "value", "qualifier", "measure", "group", "partof", "source"
    )?;
    for (i, c) in claims.iter().enumerate() {
        let value = match c.value_max {
            Some(max) => format!("{}-{}", c.value, max),
            None => c.value.to_string(),
        };
        let figure = text.get(c.start..c.end).unwrap_or("").replace('\n', " ");
        let source: String = c
            .source
            .as_deref()
            .unwrap_or("-")
            .chars()
            .take(30)
            .collect();
        writeln!(
            out,
            "{:>3}  {:>12}  {:<9} {:<10} {:<11} {:<6} {:<30} {}",
            i,
            value,
            c.qualifier.as_str(),
            c.measure.as_str(),
            c.group,
            c.part_of
                .map(|p| p.to_string())
                .unwrap_or_else(|| "-".into()),
            source,
            figure
        )?;
    }
    Ok(())
}

/// The new password: prompted twice on a terminal, else the first line of stdin.
fn read_new_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Again: ")?;
        anyhow::ensure!(first == second, "the passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

fn db_command(settings: &DatabaseSettings, action: DbAction) -> anyhow::Result<ExitCode> {
    if let Some(url) = &settings.url {
        // With DATABASE_URL the server is someone else's: only report on it.
        return match action {
            DbAction::Status => match db::build_pool(url, 1).and_then(|pool| {
                let mut conn = pool.get()?;
                db::ping(&mut conn)?;
                Ok(())
            }) {
                Ok(()) => {
                    println!("DATABASE_URL is set: the server answers");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!("DATABASE_URL is set: the server does not answer ({e})");
                    Ok(ExitCode::from(3))
                }
            },
            DbAction::Start | DbAction::Stop => {
                anyhow::bail!("DATABASE_URL is set: claimdb does not manage that server; unset it to use the private cluster")
            }
        };
    }
    let data_dir = &settings.data_dir;
    match action {
        DbAction::Start => {
            let paths = embedded::start_detached(data_dir)?;
            // Create the database and apply migrations now, so the first command finds them.
            drop(open(settings)?);
            println!(
                "PostgreSQL is running for {} (socket in {}, log {})",
                data_dir.display(),
                paths.socket_dir.display(),
                paths.log_file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        DbAction::Stop => {
            if embedded::stop_server(data_dir)? {
                println!("PostgreSQL stopped for {}", data_dir.display());
            } else {
                println!("PostgreSQL was not running for {}", data_dir.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        DbAction::Status => {
            let (text, code) = match embedded::status_of(data_dir) {
                embedded::ClusterStatus::NotInitialised => ("not initialised".to_string(), 3),
                embedded::ClusterStatus::Stopped => ("stopped".to_string(), 3),
                embedded::ClusterStatus::Starting { pid } => (format!("starting (pid {pid})"), 3),
                embedded::ClusterStatus::Running { pid } => (format!("running (pid {pid})"), 0),
            };
            println!("PostgreSQL for {}: {text}", data_dir.display());
            Ok(ExitCode::from(code))
        }
    }
}
