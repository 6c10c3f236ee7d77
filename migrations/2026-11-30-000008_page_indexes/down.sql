DROP INDEX IF EXISTS facts_conflict_event_idx;
DROP INDEX IF EXISTS facts_conflict_group_idx;
DROP INDEX IF EXISTS facts_conflict_recent_idx;
DROP INDEX IF EXISTS events_recent_idx;
