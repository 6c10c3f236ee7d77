DROP INDEX IF EXISTS events_period_idx;
