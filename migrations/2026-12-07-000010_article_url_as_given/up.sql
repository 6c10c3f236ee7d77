-- The address as its submitter wrote it (Arabic letters or percent-escapes), for display and
-- exports; `url` stays the normalised form that identifies the article.
ALTER TABLE articles ADD COLUMN url_as_given TEXT;
