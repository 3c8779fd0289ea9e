-- 0007 esign (SQLite). Keep in step with sql/postgres/0007_esign.sql.
-- Electronic signing (SPEC §5, §6; docs/esign.md): the 15-digit verification
-- codes, the signatures kept as evidence, the versioned e-Onay consent texts
-- and the persons' consent choices.

-- One row per verification code. Only a keyed hash of the code is kept
-- (nl_keyed_hash, context "esign"). A code belongs to the browser session
-- that asked for it (session_hash = the session row's id_hash) and to one
-- purpose; `text` is exactly what the signing application is given to sign.
-- status: 'active' until a signature is accepted ('used'), or too many bad
-- signatures were sent ('burnt'). last_error is the reason of the last
-- refusal, shown on the waiting page.
CREATE TABLE esign_codes (
  id               INTEGER PRIMARY KEY,
  code_hash        TEXT NOT NULL UNIQUE,
  session_hash     BLOB NOT NULL,
  purpose          TEXT NOT NULL
                   CHECK (purpose IN ('approve', 'login', 'econsent')),
  id_number        TEXT NOT NULL,
  person_id        INTEGER REFERENCES persons (id),
  order_id         INTEGER REFERENCES orders (id),
  form_version_id  INTEGER REFERENCES form_versions (id),
  consent_text_id  INTEGER,
  consent_choice   TEXT NOT NULL DEFAULT '',
  text             TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  tries            INTEGER NOT NULL DEFAULT 0,
  status           TEXT NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'used', 'burnt')),
  last_error       TEXT NOT NULL DEFAULT '',
  used_at          INTEGER,
  signature_id     INTEGER
);
CREATE INDEX esign_codes_session_ix ON esign_codes (session_hash, created_at);

-- Accepted signatures: the CMS as sent, the signer's certificate, and the
-- status evidence (an OCSP response, or a CRL) that was checked.
CREATE TABLE esign_signatures (
  id               INTEGER PRIMARY KEY,
  code_id          INTEGER NOT NULL REFERENCES esign_codes (id),
  purpose          TEXT NOT NULL,
  person_id        INTEGER REFERENCES persons (id),
  order_id         INTEGER REFERENCES orders (id),
  form_version_id  INTEGER REFERENCES form_versions (id),
  cms              BLOB NOT NULL,
  cert_der         BLOB NOT NULL,
  cert_serial      TEXT NOT NULL,
  cert_issuer      TEXT NOT NULL,
  evidence_kind    TEXT NOT NULL CHECK (evidence_kind IN ('ocsp', 'crl', 'store')),
  evidence         BLOB NOT NULL,
  signing_time     INTEGER NOT NULL,
  verified_at      INTEGER NOT NULL
);
CREATE INDEX esign_signatures_order_ix ON esign_signatures (order_id);

-- e-Onay consent texts in versions: the one in force at time t is the one
-- with the greatest valid_from <= t.
CREATE TABLE econsent_texts (
  id               INTEGER PRIMARY KEY,
  version          INTEGER NOT NULL UNIQUE,
  valid_from       INTEGER NOT NULL,
  intro            TEXT NOT NULL,
  accept_text      TEXT NOT NULL,
  decline_text     TEXT NOT NULL
);
INSERT INTO econsent_texts (version, valid_from, intro, accept_text, decline_text) VALUES (1, 0,
 'E-Onay sayesinde, elektronik imzalı onayınızın alınması koşuluyla, bundan sonra yapacağınız NES başvurularında, imzalı başvuru formu göndermenize gerek kalmaksızın E-imzanızı daha hızlı temin edebilirsiniz. Sertifika hizmet sağlayıcısı başvuru formu ve taahhütnamede değişiklik yapma hakkını saklı tutar. Başvuru yapan kişi, başvuru formu ve taahhütnamenin, elektronik olarak onayladığı tarihteki halini kabul, beyan ve taahhüt eder.',
 'Sistemler üzerinden güvenilir bir şekilde elektronik onayımın alınması kaydıyla bundan sonra yapacağım NES başvurularımın, imzalı başvuru formu göndermeme gerek kalmaksızın işleme alınmasını KABUL EDİYORUM.',
 'Sistemler üzerinden güvenilir bir şekilde elektronik onayımın alınması kaydıyla bundan sonra yapacağım NES başvurularımın, imzalı başvuru formu göndermeme gerek kalmaksızın işleme alınmasını KABUL ETMİYORUM.');

-- Every signed choice of a person; the newest one decides whether consent is
-- in force ('accept') or not ('decline', which also withdraws).
CREATE TABLE econsents (
  id               INTEGER PRIMARY KEY,
  person_id        INTEGER NOT NULL REFERENCES persons (id),
  text_id          INTEGER NOT NULL REFERENCES econsent_texts (id),
  choice           TEXT NOT NULL CHECK (choice IN ('accept', 'decline')),
  signature_id     INTEGER NOT NULL REFERENCES esign_signatures (id),
  created_at       INTEGER NOT NULL
);
CREATE INDEX econsents_person_ix ON econsents (person_id, id);
