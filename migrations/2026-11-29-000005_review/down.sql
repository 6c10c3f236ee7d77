ALTER TABLE sources DROP CONSTRAINT sources_credibility_check;
UPDATE sources SET credibility = NULL;
ALTER TABLE sources ALTER COLUMN credibility TYPE CHAR(1);
ALTER TABLE sources ADD CONSTRAINT sources_credibility_check
    CHECK (credibility IN ('A', 'B', 'C', 'D', 'E', 'F'));
DROP TABLE member_overrides;
ALTER TABLE facts DROP COLUMN preferred_reason, DROP COLUMN preferred_claim_id;
ALTER TABLE facts DROP CONSTRAINT facts_status_check;
UPDATE facts SET status = 'open' WHERE status = 'unresolvable';
ALTER TABLE facts ADD CONSTRAINT facts_status_check CHECK (status IN ('open', 'resolved', 'dismissed'));
