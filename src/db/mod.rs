//! The database layer: connection pool, migrations, the embedded cluster, and queries.

pub mod articles;
pub mod audit;
pub mod csv_out;
pub mod embedded;
pub mod estimate;
pub mod events;
pub mod export;
pub mod feed;
pub mod ingest;
pub mod lexicon;
pub mod lexicon_edit;
pub mod linking;
pub mod login_attempts;
pub mod models;
pub mod pending;
pub mod review;
pub mod schema;
pub mod search;
pub mod secrets;
pub mod sources;
pub mod testing;
pub mod users;
pub mod watch;
pub mod watch_pages;

use std::path::Path;

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use embedded::{EmbeddedCluster, EmbeddedError, StartOptions};

pub type DbPool = Pool<ConnectionManager<PgConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<PgConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The database claimdb keeps its data in, inside the embedded cluster.
pub const EMBEDDED_DB_NAME: &str = "claimdb";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("cannot build the connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migrations failed: {0}")]
    Migrate(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// An open database: the pool, and the embedded cluster when claimdb provisioned it (dropping
/// the `Database` stops a cluster this process started).
pub struct Database {
    pub pool: DbPool,
    pub url: String,
    cluster: Option<EmbeddedCluster>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("embedded", &self.cluster.is_some())
            .finish()
    }
}

impl Database {
    /// Opens `database_url`, or — when it is `None` — the private cluster in `data_dir`
    /// (initialising and starting it as needed), then runs pending migrations.
    pub fn open(
        database_url: Option<&str>,
        data_dir: &Path,
        pool_size: u32,
    ) -> Result<Self, DbError> {
        let (url, cluster) = match database_url {
            Some(url) => (url.to_string(), None),
            None => {
                let cluster = EmbeddedCluster::start(data_dir, &StartOptions::default())?;
                create_database_if_missing(
                    &cluster.connection_url("postgres"),
                    EMBEDDED_DB_NAME,
                    None,
                )?;
                (cluster.connection_url(EMBEDDED_DB_NAME), Some(cluster))
            }
        };
        let pool = build_pool(&url, pool_size)?;
        let mut conn = pool.get()?;
        run_migrations(&mut conn)?;
        search::backfill(&mut conn)?;
        Ok(Database { pool, url, cluster })
    }

    pub fn cluster(&self) -> Option<&EmbeddedCluster> {
        self.cluster.as_ref()
    }
}

/// How long `pool.get()` waits for a connection before giving up (a 503 in the web app): short,
/// so that with the database down requests fail fast instead of hanging for r2d2's default 30 s.
/// The pool retries a failed connection at most every half of this, so it also bounds how soon
/// claimdb finds a restarted database.
pub const CONNECTION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// The connection pool. Every checkout tests the connection (`SELECT 1`) and drops a dead one,
/// so after the database restarts the pool reconnects by itself. The pool opens its
/// connections in the background: the first `get` says whether the database answers.
pub fn build_pool(url: &str, size: u32) -> Result<DbPool, DbError> {
    let manager = ConnectionManager::<PgConnection>::new(url);
    Ok(Pool::builder()
        .max_size(size)
        .connection_timeout(CONNECTION_TIMEOUT)
        .test_on_check_out(true)
        .build_unchecked(manager))
}

/// Applies every embedded migration not yet applied; returns how many ran.
pub fn run_migrations(conn: &mut PgConnection) -> Result<usize, DbError> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| DbError::Migrate(e.to_string()))?;
    Ok(applied.len())
}

/// Quotes an identifier for SQL (database names cannot be bound as parameters).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `CREATE DATABASE name [TEMPLATE template]` unless it exists. Safe against a concurrent
/// creator: a duplicate-database error is treated as success.
pub fn create_database_if_missing(
    maintenance_url: &str,
    name: &str,
    template: Option<&str>,
) -> Result<bool, DbError> {
    use diesel::sql_types::{Bool, Text};
    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = Bool)]
        exists: bool,
    }
    let mut conn = PgConnection::establish(maintenance_url)?;
    let found =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<Text, _>(name)
            .get_result::<Exists>(&mut conn)?;
    if found.exists {
        return Ok(false);
    }
    let mut sql = format!("CREATE DATABASE {}", quote_ident(name));
    if let Some(template) = template {
        sql.push_str(&format!(" TEMPLATE {}", quote_ident(template)));
    }
    match diesel::sql_query(sql).execute(&mut conn) {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("already exists") =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether the database answers a trivial query (for `/healthz`).
pub fn ping(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}
