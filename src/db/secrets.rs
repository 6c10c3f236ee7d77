//! Keys shared by every server (issue 17, point 7), made by the first one to need them.

use diesel::prelude::*;

use super::schema::server_secrets;

/// The key `name`: the stored one, or `fresh` stored now when there is none yet (concurrent
/// first starts agree on one: the insert that loses reads the winner's).
pub fn get_or_create(conn: &mut PgConnection, name: &str, fresh: &[u8]) -> QueryResult<Vec<u8>> {
    diesel::insert_into(server_secrets::table)
        .values((
            server_secrets::name.eq(name),
            server_secrets::value.eq(fresh),
        ))
        .on_conflict(server_secrets::name)
        .do_nothing()
        .execute(conn)?;
    server_secrets::table
        .find(name)
        .select(server_secrets::value)
        .first(conn)
}
