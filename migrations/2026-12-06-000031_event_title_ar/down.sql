ALTER TABLE events DROP COLUMN title_ar;
