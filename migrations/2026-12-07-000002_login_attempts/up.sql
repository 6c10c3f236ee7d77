-- Sign-in attempts (issue 17, point 3), shared by every server. One row per key: an account
-- ('user:NAME'), an address ('ip:ADDR') or both ('pair:NAME|ADDR'). An attempt is counted here
-- (one INSERT ... ON CONFLICT ... RETURNING) before the password is verified, and given back
-- when it succeeds; the window restarts when its first attempt is older than the window.
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    attempts     INTEGER NOT NULL CHECK (attempts >= 0),
    window_start TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_window_idx ON login_attempts (window_start);
