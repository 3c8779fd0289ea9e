-- 0005 throttle (SQLite). Keep in step with sql/postgres/0005_throttle.sql.
-- Counters of failed logins per (door, kind, subject), shared by every node
-- (store_throttle.c). subject is a keyed hash chosen by the caller, so no ID
-- number or client address is stored in the clear. A row whose window and
-- lock have both ended counts for nothing and may be purged.

CREATE TABLE login_throttle (
  door         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('id', 'addr')),
  subject      TEXT NOT NULL,
  failures     INTEGER NOT NULL DEFAULT 0,
  window_end   INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (door, kind, subject)
);
CREATE INDEX login_throttle_end_ix ON login_throttle (window_end);

-- Keys the servers share, drawn once by the first node that needs one
-- (store_keys.c): e.g. the key of the keyed hashes of captcha answers, short
-- codes and throttle subjects. Every node of a cluster must use the same key,
-- and the database is the one thing they share.
CREATE TABLE server_keys (
  name       TEXT PRIMARY KEY,
  key_hex    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
