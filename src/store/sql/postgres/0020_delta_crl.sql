-- 0020 delta CRLs (PostgreSQL). Keep in step with sql/sqlite/0020_delta_crl.sql.
-- A delta CRL (RFC 5280 5.2.4) shares the complete CRLs' cRLNumber sequence
-- and names the complete CRL it is based on; NULL for a complete CRL
-- (app/ca_crl.c, docs/ca.md "CRLs").

ALTER TABLE crls ADD COLUMN base_number BIGINT;
