//! Users and their sessions.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{sessions, users};
use crate::domain::auth::token_hash;

/// How long a sign-in lasts.
pub const SESSION_DAYS: i64 = 14;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

pub fn create(
    conn: &mut PgConnection,
    username: &str,
    password_hash: &str,
    role: &str,
) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values((
            users::username.eq(username),
            users::password_hash.eq(password_hash),
            users::role.eq(role),
        ))
        .returning(User::as_returning())
        .get_result(conn)
}

pub fn find_by_name(conn: &mut PgConnection, username: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<User>> {
    users::table
        .order(users::username)
        .select(User::as_select())
        .load(conn)
}

pub fn set_role(conn: &mut PgConnection, id: i64, role: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::role.eq(role))
        .execute(conn)
}

/// Disables (or re-enables) an account; disabling also ends its sessions.
pub fn set_disabled(conn: &mut PgConnection, id: i64, disabled: bool) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let when = disabled.then(Utc::now);
        if disabled {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)?;
        }
        diesel::update(users::table.find(id))
            .set(users::disabled_at.eq(when))
            .execute(conn)
    })
}

/// Starts a session for `user_id` under `token` (only its hash is stored).
pub fn create_session(conn: &mut PgConnection, user_id: i64, token: &str) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(token)),
            sessions::user_id.eq(user_id),
            sessions::expires_at.eq(Utc::now() + Duration::days(SESSION_DAYS)),
        ))
        .execute(conn)?;
    // Expired sessions are removed as new ones start.
    diesel::delete(sessions::table.filter(sessions::expires_at.lt(Utc::now()))).execute(conn)?;
    Ok(())
}

/// The enabled user a live session token belongs to.
pub fn session_user(conn: &mut PgConnection, token: &str) -> QueryResult<Option<User>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash(token)))
        .filter(sessions::expires_at.gt(Utc::now()))
        .filter(users::disabled_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn delete_session(conn: &mut PgConnection, token: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash(token)))).execute(conn)
}
