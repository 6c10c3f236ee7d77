DROP TABLE pending_versions;
ALTER TABLE article_versions DROP COLUMN origin;
