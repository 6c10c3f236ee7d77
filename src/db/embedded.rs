//! The private PostgreSQL cluster used when `DATABASE_URL` is unset.
//!
//! The cluster lives in `<data dir>/pgdata`, listens only on a Unix socket in `<data dir>/run`
//! (no TCP port) and logs to `<data dir>/postgres.log`. It is built from the server binaries
//! installed on the machine. When claimdb runs as root the server runs as the `postgres` OS user,
//! because `initdb` and `postgres` refuse root.
//!
//! Lifetimes: a one-shot command starts the server under a tiny watchdog shell that stops it when
//! claimdb's end of a pipe closes — on normal exit, panic or SIGKILL alike — so a killed claimdb
//! never leaves an orphan server. `claimdb db start` instead starts a detached server (`pg_ctl`)
//! that keeps running until `claimdb db stop`; any claimdb finding a running server reuses it.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use nix::unistd::{Gid, Uid, User};
use sha2::Digest;

/// Unix socket paths are limited to 107 bytes; `/.s.PGSQL.5432` takes 15 of them.
const MAX_SOCKET_DIR_LEN: usize = 90;
const PORT: u16 = 5432;
const START_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(
        "no PostgreSQL server binaries (initdb, postgres) found: install the PostgreSQL server \
         package (Debian/Ubuntu: `apt-get install postgresql`, which provides postgresql-15 or newer) \
         or set DATABASE_URL to a running server"
    )]
    NoServerBinaries,
    #[error(
        "claimdb runs as root, and PostgreSQL refuses to run as root, but there is no `postgres` OS user \
         to run it as: create one (`useradd --system postgres`), or set DATABASE_URL"
    )]
    NoPostgresUser,
    #[error(
        "the PostgreSQL server user `postgres` cannot reach {path}: {why}. Choose a data directory \
         that user can reach (e.g. --data-dir /var/lib/claimdb), or set DATABASE_URL"
    )]
    Unreachable { path: PathBuf, why: String },
    #[error("data directory {0} is not usable: {1}")]
    DataDir(PathBuf, io::Error),
    #[error("{what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error(
        "the PostgreSQL server in {data_dir} did not become ready within {secs} s; see {log}",
        secs = START_TIMEOUT.as_secs()
    )]
    StartTimeout { data_dir: PathBuf, log: PathBuf },
    #[error(
        "another PostgreSQL server ({pid}) holds {data_dir} but is not accepting connections; \
         wait for it, or stop it with `claimdb db stop`"
    )]
    Busy { data_dir: PathBuf, pid: i32 },
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Where the cluster's files live, derived from the data directory.
#[derive(Debug, Clone)]
pub struct ClusterPaths {
    pub root: PathBuf,
    pub pgdata: PathBuf,
    pub socket_dir: PathBuf,
    pub log_file: PathBuf,
}

impl ClusterPaths {
    pub fn new(root: &Path) -> Self {
        ClusterPaths {
            root: root.to_path_buf(),
            pgdata: root.join("pgdata"),
            socket_dir: root.join("run"),
            log_file: root.join("postgres.log"),
        }
    }

    /// A libpq connection string for database `dbname` on this cluster's socket.
    pub fn connection_url(&self, dbname: &str) -> String {
        format!(
            "postgres://postgres@{}:{PORT}/{dbname}",
            percent_encode_path(&self.socket_dir)
        )
    }
}

/// libpq accepts a socket directory as the URL host when percent-encoded.
fn percent_encode_path(path: &Path) -> String {
    let mut out = String::new();
    for b in path.as_os_str().as_encoded_bytes() {
        match *b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(*b as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// What `claimdb db status` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterStatus {
    NotInitialised,
    Stopped,
    Running {
        pid: i32,
    },
    /// A postmaster.pid exists and its process lives, but the server is not (yet) ready.
    Starting {
        pid: i32,
    },
}

/// The OS identity the server runs as.
#[derive(Debug, Clone, Copy)]
struct ServerUser {
    uid: Uid,
    gid: Gid,
}

impl ServerUser {
    fn resolve() -> Result<Option<Self>, EmbeddedError> {
        if !Uid::effective().is_root() {
            return Ok(None);
        }
        match User::from_name("postgres") {
            Ok(Some(user)) => Ok(Some(ServerUser {
                uid: user.uid,
                gid: user.gid,
            })),
            _ => Err(EmbeddedError::NoPostgresUser),
        }
    }
}

/// Locates the server binaries: `pg_config --bindir`, then `/usr/lib/postgresql/*/bin` (newest
/// first), then `PATH`.
pub fn find_server_binaries() -> Result<PathBuf, EmbeddedError> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if has_server(&dir) {
                return Ok(dir);
            }
        }
    }
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let version = e.file_name().to_str()?.parse::<u32>().ok()?;
                Some((version, e.path().join("bin")))
            })
            .filter(|(_, dir)| has_server(dir))
            .collect();
        versions.sort();
        if let Some((_, dir)) = versions.pop() {
            return Ok(dir);
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_server(&dir) {
                return Ok(dir);
            }
        }
    }
    Err(EmbeddedError::NoServerBinaries)
}

/// A cluster this process is using. Dropping it stops the server if this process started it.
#[derive(Debug)]
pub struct EmbeddedCluster {
    paths: ClusterPaths,
    /// Our end of the watchdog's pipe and the watchdog itself, when this process owns the server.
    watchdog: Option<(ChildStdin, Child)>,
}

/// Options for starting a cluster.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// Trade durability for speed (tests): `fsync=off` and friends.
    pub ephemeral: bool,
    /// Remove the whole data directory once the server has stopped (tests).
    pub remove_on_stop: bool,
}

impl EmbeddedCluster {
    /// Initialises the cluster if needed and starts it (or reuses one already running).
    pub fn start(root: &Path, options: &StartOptions) -> Result<Self, EmbeddedError> {
        let bin = find_server_binaries()?;
        let user = ServerUser::resolve()?;
        let paths = prepare_dirs(&locate(root, user)?, user)?;
        if options.remove_on_stop {
            if let Some(user) = user {
                // The watchdog runs as the server user and must be able to remove the folder.
                nix::unistd::chown(paths.root.as_path(), Some(user.uid), Some(user.gid))
                    .map_err(|e| EmbeddedError::DataDir(paths.root.clone(), io::Error::from(e)))?;
            }
        }
        if !paths.pgdata.join("PG_VERSION").is_file() {
            initdb(&bin, &paths, user)?;
        }
        match status(&paths) {
            ClusterStatus::Running { .. } => {
                tracing::info!(data_dir = %paths.root.display(), "reusing the running PostgreSQL server");
                return Ok(EmbeddedCluster {
                    paths,
                    watchdog: None,
                });
            }
            ClusterStatus::Starting { pid } => {
                wait_ready(&paths, Some(pid))?;
                return Ok(EmbeddedCluster {
                    paths,
                    watchdog: None,
                });
            }
            ClusterStatus::Stopped | ClusterStatus::NotInitialised => {}
        }
        let watchdog = spawn_watched_server(&bin, &paths, user, options)?;
        let mut cluster = EmbeddedCluster {
            paths,
            watchdog: Some(watchdog),
        };
        if let Err(e) = wait_ready(&cluster.paths, None) {
            // Another claimdb may have won the race to start the same cluster: ours exits at
            // once on the lock file, theirs becomes ready; reuse it.
            let ours_exited = cluster
                .watchdog
                .as_mut()
                .and_then(|(_, child)| child.try_wait().ok().flatten())
                .is_some();
            if ours_exited {
                cluster.watchdog = None;
                if let ClusterStatus::Running { .. } | ClusterStatus::Starting { .. } =
                    status(&cluster.paths)
                {
                    wait_ready(&cluster.paths, None)?;
                    return Ok(cluster);
                }
            }
            return Err(e);
        }
        Ok(cluster)
    }

    pub fn paths(&self) -> &ClusterPaths {
        &self.paths
    }

    pub fn connection_url(&self, dbname: &str) -> String {
        self.paths.connection_url(dbname)
    }

    /// Whether this process started the server (and will stop it).
    pub fn owns_server(&self) -> bool {
        self.watchdog.is_some()
    }

    /// Stops the server if this process started it, and waits until it has.
    pub fn stop(&mut self) {
        if let Some((stdin, mut child)) = self.watchdog.take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

impl Drop for EmbeddedCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Makes the data directory (and its run folder) exist and be usable by the server user.
fn prepare_dirs(root: &Path, user: Option<ServerUser>) -> Result<ClusterPaths, EmbeddedError> {
    fs::create_dir_all(root).map_err(|e| EmbeddedError::DataDir(root.to_path_buf(), e))?;
    let root = root
        .canonicalize()
        .map_err(|e| EmbeddedError::DataDir(root.to_path_buf(), e))?;
    let paths = ClusterPaths::new(&root);
    if paths.socket_dir.as_os_str().len() > MAX_SOCKET_DIR_LEN {
        return Err(EmbeddedError::DataDir(
            root.clone(),
            io::Error::other(format!(
                "the path is too long for a Unix socket ({} bytes; at most {MAX_SOCKET_DIR_LEN}): \
                 choose a shorter --data-dir",
                paths.socket_dir.as_os_str().len()
            )),
        ));
    }
    for dir in [&paths.pgdata, &paths.socket_dir] {
        fs::create_dir_all(dir).map_err(|e| EmbeddedError::DataDir(dir.clone(), e))?;
    }
    // The cluster's own folders are private to the server user (initdb insists on 0700 for pgdata).
    for dir in [&paths.pgdata, &paths.socket_dir] {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    if let Some(user) = user {
        for dir in [&paths.pgdata, &paths.socket_dir] {
            nix::unistd::chown(dir.as_path(), Some(user.uid), Some(user.gid))
                .map_err(|e| EmbeddedError::DataDir(dir.clone(), io::Error::from(e)))?;
        }
        touch_owned(&paths.log_file, user)?;
        check_reachable(&root, user)?;
    }
    Ok(paths)
}

fn touch_owned(file: &Path, user: ServerUser) -> Result<(), EmbeddedError> {
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .map_err(|e| EmbeddedError::DataDir(file.to_path_buf(), e))?;
    nix::unistd::chown(file, Some(user.uid), Some(user.gid))
        .map_err(|e| EmbeddedError::DataDir(file.to_path_buf(), io::Error::from(e)))?;
    Ok(())
}

/// Every folder from `/` down to `dir` must be searchable by the server user, or initdb fails
/// deep inside with an obscure message; say what to do instead.
fn check_reachable(dir: &Path, user: ServerUser) -> Result<(), EmbeddedError> {
    for ancestor in dir.ancestors() {
        let meta = fs::metadata(ancestor)?;
        let mode = meta.mode();
        let searchable = if meta.uid() == user.uid.as_raw() {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid.as_raw() {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !searchable {
            return Err(EmbeddedError::Unreachable {
                path: dir.to_path_buf(),
                why: format!(
                    "{} (mode {:o}) is not searchable by that user",
                    ancestor.display(),
                    mode & 0o777
                ),
            });
        }
    }
    Ok(())
}

fn server_command(program: &Path, user: Option<ServerUser>) -> Command {
    let mut cmd = Command::new(program);
    if let Some(user) = user {
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        // HOME of root is unreadable for postgres; some tools look there.
        cmd.env("HOME", "/tmp");
    }
    cmd.env_remove("PGDATA")
        .env_remove("PGHOST")
        .env_remove("PGPORT");
    cmd.current_dir("/");
    cmd
}

fn initdb(bin: &Path, paths: &ClusterPaths, user: Option<ServerUser>) -> Result<(), EmbeddedError> {
    tracing::info!(data_dir = %paths.pgdata.display(), "initialising a new PostgreSQL cluster");
    let out = server_command(&bin.join("initdb"), user)
        .arg("-D")
        .arg(&paths.pgdata)
        .args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "-N",
        ])
        .output()?;
    if !out.status.success() {
        // A half-made cluster would be mistaken for a good one next time.
        let _ = fs::remove_file(paths.pgdata.join("PG_VERSION"));
        return Err(EmbeddedError::Command {
            what: "initdb".into(),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(())
}

fn server_args(paths: &ClusterPaths, options: &StartOptions) -> Vec<String> {
    let mut args = vec![
        "-D".to_string(),
        paths.pgdata.display().to_string(),
        "-k".to_string(),
        paths.socket_dir.display().to_string(),
        "-p".to_string(),
        PORT.to_string(),
        "-c".to_string(),
        "listen_addresses=".to_string(),
        "-c".to_string(),
        "unix_socket_permissions=0700".to_string(),
    ];
    if options.ephemeral {
        for setting in [
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "max_connections=200",
        ] {
            args.push("-c".into());
            args.push(setting.into());
        }
    } else {
        for setting in archive_settings(memory_bytes()) {
            args.push("-c".into());
            args.push(setting);
        }
    }
    args
}

/// Server settings for a kept archive, instead of PostgreSQL's defaults for a small machine.
/// Why: at a few hundred thousand articles the indexes outgrow the default 128 MB of shared
/// buffers, and backends spent their time writing out dirty pages themselves (seen in
/// `pg_stat_bgwriter.buffers_backend`: 7 GB while importing 200,000 articles), while the
/// default 1 GB of WAL forced a checkpoint every few minutes, each followed by a burst of
/// full-page images. An eighth of the memory (between 128 MB and 2 GB) for shared buffers, a
/// quarter-hour between checkpoints and compressed full-page images keep the import rate from
/// falling as the archive grows. Durability is unchanged (fsync and full-page writes stay on).
fn archive_settings(memory: Option<u64>) -> Vec<String> {
    const MB: u64 = 1024 * 1024;
    let shared_buffers = memory.map_or(128 * MB, |m| (m / 8).clamp(128 * MB, 2048 * MB));
    vec![
        format!("shared_buffers={}MB", shared_buffers / MB),
        format!("effective_cache_size={}MB", (shared_buffers * 3) / MB),
        "max_wal_size=8GB".into(),
        "checkpoint_timeout=15min".into(),
        "checkpoint_completion_target=0.9".into(),
        "wal_compression=on".into(),
    ]
}

/// The machine's memory, from /proc/meminfo (Linux); `None` elsewhere.
fn memory_bytes() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Quotes a string for a POSIX shell.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Starts `postgres` under a watchdog shell that stops it (SIGINT = fast shutdown) when our end
/// of its stdin pipe closes.
fn spawn_watched_server(
    bin: &Path,
    paths: &ClusterPaths,
    user: Option<ServerUser>,
    options: &StartOptions,
) -> Result<(ChildStdin, Child), EmbeddedError> {
    let postgres = bin.join("postgres");
    let mut line = sh_quote(&postgres.display().to_string());
    for arg in server_args(paths, options) {
        line.push(' ');
        line.push_str(&sh_quote(&arg));
    }
    let log = sh_quote(&paths.log_file.display().to_string());
    let cleanup = if options.remove_on_stop {
        format!("rm -rf {}", sh_quote(&paths.root.display().to_string()))
    } else {
        String::from(":")
    };
    let script = format!(
        "{line} </dev/null >>{log} 2>&1 & pid=$!\n\
         cat >/dev/null\n\
         kill -INT $pid 2>/dev/null\n\
         wait $pid\n\
         {cleanup}\n"
    );
    let mut cmd = server_command(Path::new("/bin/sh"), user);
    cmd.arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // Own process group: a Ctrl-C on the terminal reaches claimdb, which then stops the server
    // in order, instead of reaching the server directly.
    cmd.process_group(0);
    let mut child = cmd.spawn()?;
    let stdin = child.stdin.take().ok_or_else(|| EmbeddedError::Command {
        what: "starting postgres".into(),
        detail: "no pipe to the watchdog".into(),
    })?;
    Ok((stdin, child))
}

/// Reads `postmaster.pid`: the pid on line 1 and the status on line 8 (`ready` once accepting).
fn read_pid_file(paths: &ClusterPaths) -> Option<(i32, String)> {
    let mut text = String::new();
    fs::File::open(paths.pgdata.join("postmaster.pid"))
        .ok()?
        .read_to_string(&mut text)
        .ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let pid = lines.first()?.trim().parse::<i32>().ok()?;
    let state = lines
        .get(7)
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    Some((pid, state))
}

fn process_alive(pid: i32) -> bool {
    use nix::errno::Errno;
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) => true,
        Err(Errno::EPERM) => true,
        Err(_) => false,
    }
}

/// The cluster's state, read from its files (no connection needed).
pub fn status(paths: &ClusterPaths) -> ClusterStatus {
    if !paths.pgdata.join("PG_VERSION").is_file() {
        return ClusterStatus::NotInitialised;
    }
    match read_pid_file(paths) {
        Some((pid, state)) if process_alive(pid) => {
            if state == "ready" {
                ClusterStatus::Running { pid }
            } else {
                ClusterStatus::Starting { pid }
            }
        }
        _ => ClusterStatus::Stopped,
    }
}

fn wait_ready(paths: &ClusterPaths, expected_pid: Option<i32>) -> Result<(), EmbeddedError> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        match status(paths) {
            ClusterStatus::Running { .. } if paths.socket_dir.join(".s.PGSQL.5432").exists() => {
                return Ok(())
            }
            ClusterStatus::Running { pid } | ClusterStatus::Starting { pid }
                if Instant::now() > deadline =>
            {
                return Err(match expected_pid {
                    Some(_) => EmbeddedError::Busy {
                        data_dir: paths.root.clone(),
                        pid,
                    },
                    None => EmbeddedError::StartTimeout {
                        data_dir: paths.root.clone(),
                        log: paths.log_file.clone(),
                    },
                });
            }
            _ if Instant::now() > deadline => {
                return Err(EmbeddedError::StartTimeout {
                    data_dir: paths.root.clone(),
                    log: paths.log_file.clone(),
                })
            }
            ClusterStatus::Stopped if expected_pid.is_some() => {
                return Err(EmbeddedError::Command {
                    what: "waiting for PostgreSQL".into(),
                    detail: format!("the server stopped; see {}", paths.log_file.display()),
                })
            }
            _ => std::thread::sleep(Duration::from_millis(25)),
        }
    }
}

/// `claimdb db start`: a detached server that outlives this process.
pub fn start_detached(root: &Path) -> Result<ClusterPaths, EmbeddedError> {
    let bin = find_server_binaries()?;
    let user = ServerUser::resolve()?;
    let paths = prepare_dirs(&locate(root, user)?, user)?;
    if !paths.pgdata.join("PG_VERSION").is_file() {
        initdb(&bin, &paths, user)?;
    }
    if let ClusterStatus::Running { .. } = status(&paths) {
        return Ok(paths);
    }
    let options = server_args(&paths, &StartOptions::default())
        .into_iter()
        .skip(2) // -D is given to pg_ctl itself
        .map(|a| sh_quote(&a))
        .collect::<Vec<_>>()
        .join(" ");
    let out = server_command(&bin.join("pg_ctl"), user)
        .arg("start")
        .arg("-w")
        .arg("-D")
        .arg(&paths.pgdata)
        .arg("-l")
        .arg(&paths.log_file)
        .arg("-o")
        .arg(options)
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(EmbeddedError::Command {
            what: "pg_ctl start".into(),
            detail: format!(
                "{}; see {}",
                String::from_utf8_lossy(&out.stderr).trim(),
                paths.log_file.display()
            ),
        });
    }
    wait_ready(&paths, None)?;
    Ok(paths)
}

/// `claimdb db stop`: stops whatever server runs on this data directory.
pub fn stop_server(root: &Path) -> Result<bool, EmbeddedError> {
    let paths = ClusterPaths::new(&located_root(root));
    match status(&paths) {
        ClusterStatus::Running { .. } | ClusterStatus::Starting { .. } => {
            let bin = find_server_binaries()?;
            let user = ServerUser::resolve()?;
            let out = server_command(&bin.join("pg_ctl"), user)
                .args(["stop", "-w", "-m", "fast", "-D"])
                .arg(&paths.pgdata)
                .output()?;
            if !out.status.success() {
                return Err(EmbeddedError::Command {
                    what: "pg_ctl stop".into(),
                    detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
                });
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// `claimdb db status` without touching anything.
pub fn status_of(root: &Path) -> ClusterStatus {
    status(&ClusterPaths::new(&located_root(root)))
}

/// Name of the file in a data directory that records where its cluster was placed instead.
const LOCATION_FILE: &str = "cluster-location";
/// Where clusters go whose data directory the server user cannot reach (e.g. a checkout in /root).
const FALLBACK_BASE: &str = "/var/lib/claimdb/clusters";

/// Where the cluster of `data_dir` lives, without creating anything.
fn located_root(data_dir: &Path) -> PathBuf {
    let data_dir = data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_path_buf());
    match fs::read_to_string(data_dir.join(LOCATION_FILE)) {
        Ok(text) if !text.trim().is_empty() => PathBuf::from(text.trim()),
        _ => data_dir,
    }
}

/// Creates the data directory and decides where its cluster lives: in the data directory itself,
/// or — when the server user cannot reach it or its socket path would be too long — in a folder
/// of its own under /var/lib/claimdb, recorded in the data directory so every later command
/// finds the same cluster.
fn locate(data_dir: &Path, user: Option<ServerUser>) -> Result<PathBuf, EmbeddedError> {
    fs::create_dir_all(data_dir).map_err(|e| EmbeddedError::DataDir(data_dir.to_path_buf(), e))?;
    let data_dir = data_dir
        .canonicalize()
        .map_err(|e| EmbeddedError::DataDir(data_dir.to_path_buf(), e))?;
    let recorded = located_root(&data_dir);
    if recorded != data_dir {
        return Ok(recorded);
    }
    let socket_too_long =
        ClusterPaths::new(&data_dir).socket_dir.as_os_str().len() > MAX_SOCKET_DIR_LEN;
    let problem = match user {
        Some(user) => check_reachable(&data_dir, user).err(),
        None => None,
    };
    if problem.is_none() && (!socket_too_long || user.is_none()) {
        return Ok(data_dir);
    }
    let Some(user) = user else {
        return Ok(data_dir);
    };
    let digest = sha2::Sha256::digest(data_dir.as_os_str().as_encoded_bytes());
    let fallback = Path::new(FALLBACK_BASE).join(&hex::encode(digest)[..16]);
    fs::create_dir_all(&fallback).map_err(|e| {
        EmbeddedError::DataDir(
            fallback.clone(),
            io::Error::other(format!(
                "{e} (needed because: {})",
                problem
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "the socket path is too long".into())
            )),
        )
    })?;
    for dir in fallback.ancestors().take(3) {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755))?;
    }
    check_reachable(&fallback, user)?;
    fs::write(
        data_dir.join(LOCATION_FILE),
        format!("{}\n", fallback.display()),
    )?;
    tracing::warn!(
        data_dir = %data_dir.display(),
        cluster = %fallback.display(),
        "the PostgreSQL server user cannot reach the data directory; its cluster lives in {} instead (recorded in {}/{LOCATION_FILE})",
        fallback.display(),
        data_dir.display()
    );
    Ok(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_dirs_are_percent_encoded_in_the_url() {
        let paths = ClusterPaths::new(Path::new("/tmp/my data"));
        assert_eq!(
            paths.connection_url("claimdb"),
            "postgres://postgres@%2Ftmp%2Fmy%20data%2Frun:5432/claimdb"
        );
    }

    #[test]
    fn shell_quoting_survives_single_quotes() {
        assert_eq!(sh_quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn a_folder_without_a_cluster_reports_not_initialised() {
        let dir = std::env::temp_dir().join(format!("claimdb-status-{}", std::process::id()));
        assert_eq!(status_of(&dir), ClusterStatus::NotInitialised);
    }
}

#[cfg(test)]
mod archive_settings_tests {
    use super::archive_settings;

    #[test]
    fn shared_buffers_take_an_eighth_of_memory_within_bounds() {
        const GB: u64 = 1024 * 1024 * 1024;
        let buffers = |m| archive_settings(m)[0].clone();
        assert_eq!(buffers(Some(24 * GB)), "shared_buffers=2048MB");
        assert_eq!(buffers(Some(4 * GB)), "shared_buffers=512MB");
        assert_eq!(buffers(Some(GB / 2)), "shared_buffers=128MB");
        assert_eq!(buffers(None), "shared_buffers=128MB");
        assert!(archive_settings(None).contains(&"wal_compression=on".to_string()));
    }
}
