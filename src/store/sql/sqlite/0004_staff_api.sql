-- 0004 staff_api (SQLite). Keep in step with sql/postgres/0004_staff_api.sql.
-- API tokens of institutions, and the server-side previews of CSV imports.

-- A token is shown once when it is made; only its SHA-256 is kept (the token
-- is 256 random bits, so a plain hash cannot be reversed by guessing).
CREATE TABLE api_tokens (
  id             INTEGER PRIMARY KEY,
  institution_id INTEGER NOT NULL REFERENCES institutions (id),
  name           TEXT NOT NULL DEFAULT '',
  token_hash     BLOB NOT NULL UNIQUE,
  prefix         TEXT NOT NULL,
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at     INTEGER NOT NULL,
  last_used_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_institution_ix ON api_tokens (institution_id);

-- The parsed preview of a CSV upload, keyed by a random id (hashed, like
-- sessions): confirming imports exactly what was previewed, never a copy the
-- browser sends back. consumed_at is set by the import, so a preview is
-- imported at most once.
CREATE TABLE preapply_batches (
  id_hash        BLOB PRIMARY KEY,
  user_id        INTEGER NOT NULL REFERENCES users (id),
  institution_id INTEGER NOT NULL REFERENCES institutions (id),
  payload        TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  consumed_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX preapply_batches_created_ix ON preapply_batches (created_at);
