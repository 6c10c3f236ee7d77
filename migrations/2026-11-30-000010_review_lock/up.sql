-- Optimistic locking of a fact's review (issue 9): every reviewer edit of a fact (verdict, status,
-- preferred figure, a member's role) increments `review_version`; a review form carries the
-- version it was read at and is refused when the fact has been reviewed since. Relinks, which
-- rewrite a fact's figures at every ingest, leave it alone.
ALTER TABLE facts ADD COLUMN review_version INTEGER NOT NULL DEFAULT 0;
