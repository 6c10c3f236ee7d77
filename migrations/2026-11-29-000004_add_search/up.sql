-- Full-text search over article versions. The document is the body normalised by claimdb
-- (Arabic diacritics, tatweel, alef forms, ta marbuta, Arabic-Indic digits; Arabic words also
-- without their article and conjunction prefixes) so the index and the query agree; the
-- 'english' configuration stems English words and leaves Arabic tokens as they are.
ALTER TABLE article_versions ADD COLUMN search_document TEXT NOT NULL DEFAULT '';
CREATE INDEX article_versions_search_idx
    ON article_versions USING GIN (to_tsvector('english'::regconfig, search_document));
