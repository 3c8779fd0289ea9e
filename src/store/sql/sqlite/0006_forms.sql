-- 0006 forms (SQLite). Keep in step with sql/postgres/0006_forms.sql.
-- The application form of an order (SPEC §4) in versions, and the SMS codes
-- that confirm a version (store_forms.c).
--
-- A form version is 'draft' while the person is still typing (at most one per
-- order, version 0, any field may be empty), 'submitted' once step 1 passed
-- validation (it gets the next version number), 'sms_confirmed' after the SMS
-- code, 'approved' after e-Onay / e-İmza / the wet signature (issue 6), and
-- 'superseded' when a newer version replaced it: a superseded version stays in
-- the history but can never be confirmed or approved again.
-- The security word is kept only as an argon2id hash.

CREATE TABLE form_versions (
  id               INTEGER PRIMARY KEY,
  order_id         INTEGER NOT NULL REFERENCES orders (id),
  version          INTEGER NOT NULL,
  status           TEXT NOT NULL
                   CHECK (status IN ('draft', 'submitted', 'sms_confirmed', 'superseded', 'approved')),
  period_years     INTEGER NOT NULL DEFAULT 0,
  card_reader      TEXT NOT NULL DEFAULT '',
  publish          TEXT NOT NULL DEFAULT '',
  reason           TEXT NOT NULL DEFAULT '',
  security_word_hash TEXT NOT NULL DEFAULT '',
  email            TEXT NOT NULL DEFAULT '',
  mobile           TEXT NOT NULL DEFAULT '',
  operator         TEXT NOT NULL DEFAULT '',
  home_phone       TEXT NOT NULL DEFAULT '',
  info_channel     TEXT NOT NULL DEFAULT '',
  inst_registry_no TEXT NOT NULL DEFAULT '',
  unit             TEXT NOT NULL DEFAULT '',
  title            TEXT NOT NULL DEFAULT '',
  work_phone       TEXT NOT NULL DEFAULT '',
  extension        TEXT NOT NULL DEFAULT '',
  address_type     TEXT NOT NULL DEFAULT '',
  address          TEXT NOT NULL DEFAULT '',
  province         INTEGER NOT NULL DEFAULT 0,
  district         TEXT NOT NULL DEFAULT '',
  postal_code      TEXT NOT NULL DEFAULT '',
  delivery_method  TEXT NOT NULL DEFAULT '',
  approval_method  TEXT NOT NULL DEFAULT ''
                   CHECK (approval_method IN ('', 'e_onay', 'e_imza', 'islak')),
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  sms_confirmed_at INTEGER
);
CREATE UNIQUE INDEX form_versions_no_ux ON form_versions (order_id, version) WHERE version > 0;
CREATE UNIQUE INDEX form_versions_draft_ux ON form_versions (order_id) WHERE status = 'draft';

-- One row per SMS code sent. Only a keyed hash of the code is kept
-- (nl_keyed_hash, context "sms", over "<order id>:<code>"). status: 'active'
-- until used, replaced by a newer code, or locked after too many wrong tries.
-- The rows also count sends per order and per mobile number for the limits.
CREATE TABLE sms_codes (
  id               INTEGER PRIMARY KEY,
  order_id         INTEGER NOT NULL REFERENCES orders (id),
  form_version_id  INTEGER NOT NULL REFERENCES form_versions (id),
  mobile           TEXT NOT NULL,
  code_hash        TEXT NOT NULL,
  sent_at          INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  tries            INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'used', 'replaced', 'locked')),
  used_at          INTEGER
);
CREATE INDEX sms_codes_order_ix ON sms_codes (order_id, sent_at);
CREATE INDEX sms_codes_mobile_ix ON sms_codes (mobile, sent_at);
