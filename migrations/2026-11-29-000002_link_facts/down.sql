DROP INDEX fact_members_source_id_idx;
ALTER TABLE fact_members DROP COLUMN is_position, DROP COLUMN source_id;
DROP INDEX events_signature_places_idx;
