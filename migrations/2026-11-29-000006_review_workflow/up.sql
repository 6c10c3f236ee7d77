-- Review workflow: the gazetteer is edited in the database, so each alias row also carries the
-- place's level and whether it is a national capital (what `Gazetteer::from_places` needs).
ALTER TABLE place_aliases
    ADD COLUMN level   TEXT NOT NULL DEFAULT 'locality'
        CHECK (level IN ('country', 'province', 'region', 'locality', 'site')),
    ADD COLUMN capital BOOLEAN NOT NULL DEFAULT false;

-- The history of one thing (a claim, a fact, a source) is read newest first.
CREATE INDEX IF NOT EXISTS audit_log_user_idx ON audit_log (user_id, at DESC);
