-- The search index holds a tsvector that claimdb builds itself (domain::search_text::tsvector)
-- instead of an expression over `to_tsvector('english', search_document)`: PostgreSQL's text
-- parser was most of the cost of storing an article, and ranking no longer re-parses every hit.
-- Rows stored before this migration get their vector from claimdb at start-up (NULL = to do).
DROP INDEX IF EXISTS article_versions_search_idx;
ALTER TABLE article_versions DROP COLUMN search_document;
ALTER TABLE article_versions ADD COLUMN search_vector TSVECTOR;
CREATE INDEX article_versions_search_idx ON article_versions USING GIN (search_vector);
