//! Sign-in attempt counters shared by every server (issue 17, point 3; see
//! `domain::auth::LoginLimits`).

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::{Array, Double, Integer, Text};

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Integer)]
    attempts: i32,
}

/// Counts one attempt under each key, in one statement, and returns each key's count within
/// the window (this attempt included), in the order given. Atomic per key: of any number of
/// concurrent attempts, each gets a different count.
pub fn reserve(conn: &mut PgConnection, keys: &[&str], window: Duration) -> QueryResult<Vec<i32>> {
    // Sorted, so that two statements never lock the same rows in opposite orders.
    let mut sorted: Vec<&str> = keys.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let rows: Vec<Counted> = diesel::sql_query(
        "INSERT INTO login_attempts AS a (key, attempts, window_start) \
         SELECT k, 1, now() FROM unnest($1::text[]) AS k \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN a.window_start < now() - make_interval(secs => $2) \
                      THEN 1 ELSE a.attempts + 1 END, \
           window_start = CASE WHEN a.window_start < now() - make_interval(secs => $2) \
                          THEN now() ELSE a.window_start END \
         RETURNING key, attempts",
    )
    .bind::<Array<Text>, _>(&sorted)
    .bind::<Double, _>(window.as_secs_f64())
    .load(conn)?;
    Ok(keys
        .iter()
        .map(|k| rows.iter().find(|r| r.key == *k).map_or(0, |r| r.attempts))
        .collect())
}

/// Gives back the attempt counted under `key` (it succeeded).
pub fn refund(conn: &mut PgConnection, key: &str) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE login_attempts SET attempts = GREATEST(attempts - 1, 0) WHERE key = $1",
    )
    .bind::<Text, _>(key)
    .execute(conn)?;
    Ok(())
}

/// Forgets `key`'s attempts, and every counter whose window has passed.
pub fn clear(conn: &mut PgConnection, key: &str, window: Duration) -> QueryResult<()> {
    diesel::sql_query(
        "DELETE FROM login_attempts \
         WHERE key = $1 OR window_start < now() - make_interval(secs => $2)",
    )
    .bind::<Text, _>(key)
    .bind::<Double, _>(window.as_secs_f64())
    .execute(conn)?;
    Ok(())
}
