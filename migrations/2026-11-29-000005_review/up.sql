-- Review: conflicts are resolved or marked unresolvable with a verdict and a preferred figure;
-- reviewers may mark a member explained; sources carry an Airwars-style grade.
UPDATE facts SET status = 'unresolvable' WHERE status = 'dismissed';
ALTER TABLE facts DROP CONSTRAINT facts_status_check;
ALTER TABLE facts ADD CONSTRAINT facts_status_check CHECK (status IN ('open', 'resolved', 'unresolvable'));
ALTER TABLE facts
    ADD COLUMN preferred_claim_id BIGINT REFERENCES claims (id) ON DELETE SET NULL,
    ADD COLUMN preferred_reason   TEXT;

-- A reviewer's decision about one claim's role, applied every time its event is relinked.
CREATE TABLE member_overrides (
    claim_id   BIGINT PRIMARY KEY REFERENCES claims (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('disputed', 'explained', 'agreeing')),
    reason     TEXT NOT NULL CHECK (length(reason) >= 1),
    user_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

ALTER TABLE sources DROP CONSTRAINT sources_credibility_check;
ALTER TABLE sources ALTER COLUMN credibility TYPE TEXT;
UPDATE sources SET credibility = NULL;
ALTER TABLE sources ADD CONSTRAINT sources_credibility_check
    CHECK (credibility IN ('confirmed', 'fair', 'weak', 'contested', 'discounted'));
