-- 0012 selfservice (SQLite). Keep in step with sql/postgres/0012_selfservice.sql.
-- The holder's self-service (SPEC §11; docs/selfservice.md): Kilit Çözme
-- codes, the contact data a holder changed himself, and the SMS codes that
-- confirm a new mobile number.

-- One-time unblock codes for a blocked card. Only a keyed hash of the code is
-- kept (nl_keyed_hash, context "unblock"). A code is tied to one person and
-- one certificate (the card's); status 'active' until nitelik-imza used it
-- ('used') or too many wrong tries burnt it ('burnt'). A new code replaces the
-- person's active ones ('replaced').
CREATE TABLE unblock_codes (
  id               INTEGER PRIMARY KEY,
  person_id        INTEGER NOT NULL REFERENCES persons (id),
  cert_serial      TEXT NOT NULL,
  code_hash        TEXT NOT NULL UNIQUE,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  status           TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'used', 'replaced')),
  used_at          INTEGER
);
CREATE INDEX unblock_codes_person_ix ON unblock_codes (person_id, status);

-- The contact data a holder keeps himself (Online İşlemler: İletişim
-- Bilgilerim). When a row exists it is newer than what his forms say; the
-- e-mail and mobile are also written to persons.
CREATE TABLE holder_contacts (
  person_id        INTEGER PRIMARY KEY REFERENCES persons (id),
  email            TEXT NOT NULL,
  mobile           TEXT NOT NULL,
  info_channel     TEXT NOT NULL CHECK (info_channel IN ('email', 'sms', 'both')),
  updated_at       INTEGER NOT NULL
);

-- A pending change of contact data: the new values and the keyed hash
-- (context "contact") of the 6-digit SMS code sent to the NEW mobile number.
-- status: 'active' until confirmed ('used'), replaced by a newer request, or
-- locked after too many wrong tries.
CREATE TABLE contact_changes (
  id               INTEGER PRIMARY KEY,
  person_id        INTEGER NOT NULL REFERENCES persons (id),
  email            TEXT NOT NULL,
  mobile           TEXT NOT NULL,
  info_channel     TEXT NOT NULL,
  code_hash        TEXT NOT NULL,
  sent_at          INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  tries            INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'used', 'replaced', 'locked'))
);
CREATE INDEX contact_changes_person_ix ON contact_changes (person_id, sent_at);
