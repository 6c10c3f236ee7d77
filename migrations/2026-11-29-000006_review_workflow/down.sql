DROP INDEX IF EXISTS audit_log_user_idx;
ALTER TABLE place_aliases DROP COLUMN capital, DROP COLUMN level;
