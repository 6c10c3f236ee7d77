-- An event's generated title in Arabic (its English one is events.title). NULL once a reviewer
-- renames the event (the new title is then shown in both languages) and for older events.
ALTER TABLE events ADD COLUMN title_ar TEXT;
