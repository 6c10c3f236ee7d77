-- Watched addresses (issue 10). claimdb fetches an article by its address and re-fetches it on a
-- backing-off schedule; a changed text becomes a new version through the ingest path. The queue
-- lives here so that several workers or servers share it (`FOR UPDATE SKIP LOCKED`) and it
-- survives restarts. A watch exists before its article does: an address whose first fetch failed
-- is retried, and gets its article only when a fetch yields text (never an empty version).
CREATE TABLE watches (
    id              BIGSERIAL PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE CHECK (length(url) BETWEEN 1 AND 2048),
    article_id      BIGINT UNIQUE REFERENCES articles (id) ON DELETE CASCADE,
    -- What the submitter said, used when the page does not say it.
    outlet          TEXT,
    published       DATE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    -- Position in the backing-off schedule (0: the shortest interval).
    step            INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),
    next_check_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_checked_at TIMESTAMPTZ,
    last_changed_at TIMESTAMPTZ,
    -- Failed fetches in a row, and the reason of the last one.
    failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_error      TEXT,
    -- HTTP validators of the last page fetched, for a conditional request.
    etag            TEXT,
    last_modified   TEXT,
    created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX watches_due ON watches (next_check_at) WHERE active;

-- Every fetch and what came of it, with the raw HTML as received (gzip) kept as evidence beside
-- the version it produced.
CREATE TABLE fetches (
    id                 BIGSERIAL PRIMARY KEY,
    watch_id           BIGINT REFERENCES watches (id) ON DELETE SET NULL,
    article_id         BIGINT REFERENCES articles (id) ON DELETE CASCADE,
    article_version_id BIGINT REFERENCES article_versions (id) ON DELETE SET NULL,
    url                TEXT NOT NULL,
    final_url          TEXT,
    fetched_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    http_status        INTEGER,
    -- new_article | new_version | unchanged | not_modified | failed
    outcome            TEXT NOT NULL
        CHECK (outcome IN ('new_article', 'new_version', 'unchanged', 'not_modified', 'failed')),
    error              TEXT,
    content_type       TEXT,
    html_gzip          BYTEA
);
CREATE INDEX fetches_watch ON fetches (watch_id, fetched_at DESC);
CREATE INDEX fetches_article ON fetches (article_id, fetched_at DESC);
CREATE INDEX fetches_version ON fetches (article_version_id) WHERE article_version_id IS NOT NULL;
