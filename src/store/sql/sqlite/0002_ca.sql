-- 0002 CA (SQLite). Keep in step with sql/postgres/0002_ca.sql.
-- Issued certificates, the serials handed out (reserved before signing so that
-- a serial is never used twice, even if storing the certificate fails), CRLs
-- and the pre-signed OCSP responses.

CREATE TABLE cert_serials (
  serial      TEXT PRIMARY KEY,          -- upper-case hex
  created_at  INTEGER NOT NULL
);

CREATE TABLE certificates (
  id             INTEGER PRIMARY KEY,
  serial         TEXT NOT NULL UNIQUE REFERENCES cert_serials (serial),
  kind           TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'ocsp')),
  subject        TEXT NOT NULL,            -- RFC 2253, for display
  common_name    TEXT NOT NULL DEFAULT '',
  email          TEXT NOT NULL DEFAULT '', -- for the public directory only
  id_number      TEXT NOT NULL DEFAULT '', -- subject serialNumber: PNOTR-... / PAS..-...
  institution_id INTEGER REFERENCES institutions (id),
  order_id       INTEGER REFERENCES orders (id),
  not_before     INTEGER NOT NULL,
  not_after      INTEGER NOT NULL,
  status         TEXT NOT NULL DEFAULT 'good' CHECK (status IN ('good', 'revoked', 'hold')),
  revoked_at     INTEGER NOT NULL DEFAULT 0,
  reason         INTEGER NOT NULL DEFAULT 0,   -- RFC 5280 CRLReason
  publish        INTEGER NOT NULL DEFAULT 0 CHECK (publish IN (0, 1)),
  der            BLOB NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX certificates_revoked_ix ON certificates (status) WHERE status <> 'good';
CREATE INDEX certificates_order_ix ON certificates (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX certificates_id_number_ix ON certificates (id_number);
CREATE INDEX certificates_publish_ix ON certificates (common_name) WHERE publish = 1;

CREATE TABLE crls (
  crl_number   INTEGER PRIMARY KEY,
  this_update  INTEGER NOT NULL,
  next_update  INTEGER NOT NULL,
  entries      INTEGER NOT NULL,
  der          BLOB NOT NULL
);

-- Responses for SHA-1 CertIDs without a nonce (RFC 5019 clients), refreshed by
-- the OCSP worker before next_update; anything else is signed live.
CREATE TABLE ocsp_responses (
  serial       TEXT PRIMARY KEY REFERENCES cert_serials (serial),
  this_update  INTEGER NOT NULL,
  next_update  INTEGER NOT NULL,
  der          BLOB NOT NULL
);
CREATE INDEX ocsp_responses_next_ix ON ocsp_responses (next_update);
