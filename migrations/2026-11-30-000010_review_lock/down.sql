ALTER TABLE facts DROP COLUMN review_version;
