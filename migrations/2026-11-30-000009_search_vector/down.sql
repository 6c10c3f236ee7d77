DROP INDEX IF EXISTS article_versions_search_idx;
ALTER TABLE article_versions DROP COLUMN search_vector;
-- An empty document is refilled by claimdb at start-up.
ALTER TABLE article_versions ADD COLUMN search_document TEXT NOT NULL DEFAULT '';
CREATE INDEX article_versions_search_idx
    ON article_versions USING GIN (to_tsvector('english'::regconfig, search_document));
