-- Where a version's text came from (issue 17, point 5): fetched from the outlet by claimdb,
-- submitted by a signed-in user, brought by the trusted bulk import, or submitted anonymously.
-- Older versions: one whose fetch created it was fetched, one with a submitter was signed in,
-- and the rest cannot be told apart and are marked anonymous (not known to be trusted).
ALTER TABLE article_versions ADD COLUMN origin TEXT NOT NULL DEFAULT 'anonymous'
    CHECK (origin IN ('fetched', 'signed_in', 'imported', 'anonymous'));
UPDATE article_versions v SET origin = 'fetched'
    WHERE EXISTS (SELECT 1 FROM fetches f
                  WHERE f.article_version_id = v.id AND f.outcome IN ('new_article', 'new_version'));
UPDATE article_versions SET origin = 'signed_in'
    WHERE origin = 'anonymous' AND submitted_by IS NOT NULL;
ALTER TABLE article_versions ALTER COLUMN origin DROP DEFAULT;

-- Anonymous text for an address that is already stored: never a version by itself, but kept
-- here until a reviewer accepts it (then it becomes a version, still marked anonymous) or
-- rejects it.
CREATE TABLE pending_versions (
    id           BIGSERIAL PRIMARY KEY,
    article_id   BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    body         TEXT NOT NULL CHECK (length(body) >= 1),
    content_hash TEXT NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    title        TEXT NOT NULL,
    language     TEXT NOT NULL,
    outlet       TEXT,
    published_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    reviewed_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at  TIMESTAMPTZ,
    version_id   BIGINT REFERENCES article_versions (id) ON DELETE SET NULL,
    UNIQUE (article_id, content_hash)
);
CREATE INDEX pending_versions_open_idx ON pending_versions (created_at) WHERE status = 'pending';
