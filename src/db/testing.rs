//! Fresh databases for tests: one migrated template per test process, one copy per test.
//!
//! With `TEST_DATABASE_URL` or `DATABASE_URL` set, databases are created on that server; otherwise
//! a private, throw-away cluster is started under the system temp folder (never inside the
//! checkout, whose parent folders the `postgres` user may not reach). That cluster stops, and its
//! folder is removed, when the test process exits — however it exits.

use std::sync::{Mutex, OnceLock};

use super::embedded::{EmbeddedCluster, StartOptions};
use super::{create_database_if_missing, quote_ident, run_migrations, DbError};
use diesel::prelude::*;

/// Builds the URL of a database, by name, on the test server.
type UrlFor = Box<dyn Fn(&str) -> String + Send + Sync>;

struct TestServer {
    /// Connection URL for maintenance commands (CREATE DATABASE).
    maintenance_url: String,
    /// Builds the URL of database `name` on this server.
    url_for: UrlFor,
    template: String,
    _cluster: Option<Mutex<EmbeddedCluster>>,
}

static SERVER: OnceLock<Result<TestServer, String>> = OnceLock::new();

fn unique_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

fn replace_db_name(url: &str, name: &str) -> String {
    // postgres://user@host:port/dbname?params
    let (base, params) = match url.split_once('?') {
        Some((b, p)) => (b, Some(p)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(p) = params {
        out.push('?');
        out.push_str(p);
    }
    out
}

fn start_server() -> Result<TestServer, DbError> {
    let external = std::env::var("TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .ok()
        .filter(|u| !u.trim().is_empty());
    let (maintenance_url, url_for, cluster): (String, UrlFor, _) = match external {
        Some(url) => {
            let base = url.clone();
            (
                url,
                Box::new(move |name| replace_db_name(&base, name)),
                None,
            )
        }
        None => {
            let dir = std::env::temp_dir().join(format!("claimdb-test-{}", unique_suffix()));
            let cluster = EmbeddedCluster::start(
                &dir,
                &StartOptions {
                    ephemeral: true,
                    remove_on_stop: true,
                },
            )?;
            let paths = cluster.paths().clone();
            (
                cluster.connection_url("postgres"),
                Box::new(move |name| paths.connection_url(name)),
                Some(Mutex::new(cluster)),
            )
        }
    };
    let template = format!("claimdb_tmpl_{}", unique_suffix());
    create_database_if_missing(&maintenance_url, &template, None)?;
    {
        let mut conn = PgConnection::establish(&url_for(&template))?;
        run_migrations(&mut conn)?;
    }
    Ok(TestServer {
        maintenance_url,
        url_for,
        template,
        _cluster: cluster,
    })
}

/// Creates a new, migrated, empty database and returns its URL.
pub fn fresh_database() -> Result<String, String> {
    let server = SERVER
        .get_or_init(|| start_server().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)?;
    let name = format!("claimdb_test_{}", unique_suffix());
    let mut conn = PgConnection::establish(&server.maintenance_url).map_err(|e| e.to_string())?;
    let sql = format!(
        "CREATE DATABASE {} TEMPLATE {}",
        quote_ident(&name),
        quote_ident(&server.template)
    );
    // Cloning fails while another session is connected to the template; those are brief.
    let mut attempts = 0;
    loop {
        match diesel::sql_query(&sql).execute(&mut conn) {
            Ok(_) => break,
            Err(e) if attempts < 50 && e.to_string().contains("being accessed") => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok((server.url_for)(&name))
}

#[cfg(test)]
mod tests {
    use super::replace_db_name;

    #[test]
    fn the_database_name_is_replaced_and_parameters_kept() {
        let cases = [
            ("postgres://u:p@h:5432/app", "postgres://u:p@h:5432/t1"),
            (
                "postgres://u@h/app?sslmode=disable",
                "postgres://u@h/t1?sslmode=disable",
            ),
            ("postgres://u@h", "postgres://u@h/t1"),
        ];
        for (input, want) in cases {
            assert_eq!(replace_db_name(input, "t1"), want, "url {input}");
        }
    }
}
