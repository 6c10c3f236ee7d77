//! The audit log: who changed what, when, before and after.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{audit_log, users};

/// Records one change. `before`/`after` are JSON snapshots of what changed.
pub fn record(
    conn: &mut PgConnection,
    user_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::user_id.eq(user_id),
            audit_log::action.eq(action),
            audit_log::entity.eq(entity),
            audit_log::entity_id.eq(entity_id),
            audit_log::before.eq(before),
            audit_log::after.eq(after),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Filters of the audit list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub username: Option<String>,
    pub action: Option<String>,
}

pub fn entries(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.left_join(users::table).into_boxed();
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_log::entity.eq(entity.clone()));
    }
    if let Some(id) = filter.entity_id {
        query = query.filter(audit_log::entity_id.eq(id));
    }
    if let Some(name) = &filter.username {
        query = query.filter(users::username.eq(name.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    query
        .select((
            audit_log::id,
            audit_log::at,
            users::username.nullable(),
            audit_log::action,
            audit_log::entity,
            audit_log::entity_id,
            audit_log::before,
            audit_log::after,
        ))
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)
}
