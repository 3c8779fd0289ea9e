-- 0017 addr_bounds (SQLite). Keep in step with sql/postgres/0017_addr_bounds.sql.
-- Bounds per client address (docs/web-server.md, "Limits under load and
-- faults"): anonymous sessions and e-İmza codes remember a keyed hash of the
-- client address that made them (nl_install_keyed_hash, context "addr", so the
-- table holds no address), and the live rows of one address are counted
-- before another is made. '' = not recorded (rows of before this migration,
-- logged-in sessions).
ALTER TABLE sessions ADD COLUMN addr_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_addr_ix ON sessions (addr_hash, last_seen);
ALTER TABLE esign_codes ADD COLUMN addr_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX esign_codes_addr_ix ON esign_codes (addr_hash, expires_at);
-- The purge of expired codes (the "esign_codes" worker) looks codes up by expiry.
CREATE INDEX esign_codes_expires_ix ON esign_codes (expires_at);
