ALTER TABLE articles DROP COLUMN url_as_given;
