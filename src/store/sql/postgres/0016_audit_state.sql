-- 0016 audit state (PostgreSQL). Keep in step with sql/sqlite/0016_audit_state.sql.
-- Each audit record about an order, payment, certificate or consent holds the
-- SHA-256 digest of that row's state just after the change (docs/audit.md);
-- `nitelik audit verify` recomputes it from the row. NULL: the record binds
-- no row. Rows that exist when this migration runs get a "baseline" record
-- from the migration (src/store/migrate.c).
ALTER TABLE audit_log ADD COLUMN state_hash BYTEA;
