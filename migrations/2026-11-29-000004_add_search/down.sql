DROP INDEX article_versions_search_idx;
ALTER TABLE article_versions DROP COLUMN search_document;
