-- The feed of changes (/feeds/changes.atom) reads the newest revised versions (number 2 and
-- later). Without this index PostgreSQL walks the primary key backwards past every first
-- version, which in an archive of few revisions is most of the table.
CREATE INDEX article_versions_revisions ON article_versions (id) WHERE number >= 2;
