-- Keys every server shares (issue 17, point 7): 'csrf' signs the CSRF tokens the servers issue.
-- Made by the first server to start (INSERT ... ON CONFLICT DO NOTHING), read by the others.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    value      BYTEA NOT NULL CHECK (length(value) >= 32),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
