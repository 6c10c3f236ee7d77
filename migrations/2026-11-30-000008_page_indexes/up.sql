-- Indexes for the pages (issue 8): each read of the event page and the conflict list must touch
-- only the rows it shows, however large the archive grows.

-- The event list, the event page's merge/move suggestions and the conflict list's event filter
-- all show events most recently changed first (`db::events::recent_first`).
CREATE INDEX events_recent_idx ON events (updated_at DESC, created_at DESC, id DESC);

-- The conflict list without a status filter: conflicts most recently changed first.
CREATE INDEX facts_conflict_recent_idx ON facts (updated_at DESC, id DESC) WHERE is_conflict;

-- The conflict list's group filter: a loose index scan reads one entry per group.
CREATE INDEX facts_conflict_group_idx ON facts (group_key) WHERE is_conflict;

-- The conflict list's event filter: does this event have a conflict?
CREATE INDEX facts_conflict_event_idx ON facts (event_id) WHERE is_conflict;
