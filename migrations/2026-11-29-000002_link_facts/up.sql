-- Candidate events for a new article are found by the places they share.
CREATE INDEX events_signature_places_idx ON events USING GIN ((signature -> 'places'));

-- Who a fact member's figure is attributed to, and whether it is that source's position.
ALTER TABLE fact_members
    ADD COLUMN source_id   BIGINT REFERENCES sources (id) ON DELETE SET NULL,
    ADD COLUMN is_position BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX fact_members_source_id_idx ON fact_members (source_id);
