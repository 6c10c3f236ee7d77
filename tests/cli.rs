//! The `claimdb` binary against its own private cluster: lifecycle, persistence, status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct DataDir(PathBuf);

impl DataDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "claimdb-cli-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..10]
        ));
        DataDir(dir)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = claimdb(&self.0, &["db", "stop"]);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn claimdb(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_claimdb"))
        .args(args)
        .env("CLAIMDB_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("cannot run claimdb")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_one_shot_command_provisions_the_cluster_and_stops_it_afterwards() {
    let dir = DataDir::new();

    let migrate = claimdb(&dir.0, &["migrate"]);
    let status = claimdb(&dir.0, &["db", "status"]);

    assert!(migrate.status.success(), "{:?}", migrate);
    assert!(dir.0.join("pgdata/PG_VERSION").exists() || dir.0.join("cluster-location").exists());
    assert_eq!(status.status.code(), Some(3), "{}", stdout(&status));
    assert!(stdout(&status).contains("stopped"));
}

#[test]
fn db_start_keeps_the_cluster_running_until_db_stop() {
    let dir = DataDir::new();

    let start = claimdb(&dir.0, &["db", "start"]);
    let running = claimdb(&dir.0, &["db", "status"]);
    // A one-shot command reuses the running server and leaves it running.
    let migrate = claimdb(&dir.0, &["migrate"]);
    let still_running = claimdb(&dir.0, &["db", "status"]);
    let stop = claimdb(&dir.0, &["db", "stop"]);
    let stopped = claimdb(&dir.0, &["db", "status"]);

    assert!(start.status.success(), "{:?}", start);
    assert_eq!(running.status.code(), Some(0), "{}", stdout(&running));
    assert!(stdout(&running).contains("running"));
    assert!(migrate.status.success(), "{:?}", migrate);
    assert_eq!(still_running.status.code(), Some(0));
    assert!(stop.status.success());
    assert_eq!(stopped.status.code(), Some(3));
}

#[test]
fn data_survives_a_restart_of_the_cluster() {
    let dir = DataDir::new();
    assert!(claimdb(&dir.0, &["db", "start"]).status.success());
    let url = format!(
        "postgres://postgres@{}:5432/claimdb",
        dir.0.join("run").display().to_string().replace('/', "%2F")
    );
    {
        use diesel::prelude::*;
        let mut conn = PgConnection::establish(&url).expect("connect");
        diesel::sql_query("INSERT INTO outlets (name, name_key) VALUES ('Kept', 'kept')")
            .execute(&mut conn)
            .unwrap();
    }
    assert!(claimdb(&dir.0, &["db", "stop"]).status.success());
    assert!(claimdb(&dir.0, &["db", "start"]).status.success());

    use diesel::prelude::*;
    let mut conn = PgConnection::establish(&url).expect("connect after restart");
    let count: i64 = claimdb_outlets_count(&mut conn);
    assert_eq!(count, 1);
}

fn claimdb_outlets_count(conn: &mut diesel::PgConnection) -> i64 {
    use claimdb::db::schema::outlets;
    use diesel::prelude::*;
    outlets::table.count().get_result(conn).unwrap()
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_duplicates() {
    use std::io::Write;
    let dir = DataDir::new();
    let add = |name: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimdb"))
            .args(["user", "add", name, "--role", "admin"])
            .env("CLAIMDB_DATA_DIR", &dir.0)
            .env_remove("DATABASE_URL")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"correct horse battery\n")
            .unwrap();
        child.wait_with_output().unwrap()
    };

    let first = add("layla");
    let second = add("layla");

    assert!(first.status.success(), "{first:?}");
    assert!(stdout(&first).contains("added layla (admin)"));
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already exists"));
}
