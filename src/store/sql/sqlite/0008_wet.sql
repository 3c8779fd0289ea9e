-- 0008 wet (SQLite). Keep in step with sql/postgres/0008_wet.sql.
-- The wet-signature path (SPEC §4 step 2 "Islak İmza", issue 6 item 6).
--
-- form_barcodes: the unique code printed as a Code 128 barcode on the PDF of
-- one form version ("NF" + 12 random base32 characters, not guessable). One
-- code per version, made when its PDF is first asked for; a newer version gets
-- its own code, and the old code is refused because its version is superseded.
-- status: 'issued' until the registration officer decides, then 'accepted' or
-- 'rejected' (reject_reason says why; the person makes a new version).
CREATE TABLE form_barcodes (
  id               INTEGER PRIMARY KEY,
  form_version_id  INTEGER NOT NULL UNIQUE REFERENCES form_versions (id),
  order_id         INTEGER NOT NULL REFERENCES orders (id),
  code             TEXT NOT NULL UNIQUE,
  status           TEXT NOT NULL DEFAULT 'issued'
                   CHECK (status IN ('issued', 'accepted', 'rejected')),
  created_at       INTEGER NOT NULL,
  decided_at       INTEGER,
  decided_by       INTEGER REFERENCES users (id),
  reject_reason    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX form_barcodes_order_ix ON form_barcodes (order_id);

-- ra_decisions: every decision of a registration officer on an arriving paper
-- form (the audit trail has the same, this table is for the RA's own lists).
CREATE TABLE ra_decisions (
  id               INTEGER PRIMARY KEY,
  barcode_id       INTEGER NOT NULL REFERENCES form_barcodes (id),
  user_id          INTEGER NOT NULL REFERENCES users (id),
  decision         TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
  reason           TEXT NOT NULL DEFAULT '',
  decided_at       INTEGER NOT NULL
);
CREATE INDEX ra_decisions_barcode_ix ON ra_decisions (barcode_id);
