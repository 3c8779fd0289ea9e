-- 0015 OCSP status versions (SQLite). Keep in step with sql/postgres/0015_ocsp_version.sql.
-- Every status change of a certificate (revoke, suspend, release) adds one to
-- certificates.status_version in its own transaction. A pre-signed OCSP answer
-- records the version of the status it was signed from; it is stored only while
-- that is still the certificate's version, and served only while they match
-- (docs/ca.md, "No stale good"). Answers stored before this migration carry no
-- version and may already be stale: they are dropped, the worker re-signs them.
ALTER TABLE certificates ADD COLUMN status_version INTEGER NOT NULL DEFAULT 0;
DELETE FROM ocsp_responses;
ALTER TABLE ocsp_responses ADD COLUMN status_version INTEGER NOT NULL DEFAULT 0;
