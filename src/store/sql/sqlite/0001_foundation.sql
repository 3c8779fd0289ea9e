-- 0001 foundation (SQLite). Keep in step with sql/postgres/0001_foundation.sql:
-- same tables, columns and names; only types differ (INTEGER for BIGINT and
-- booleans 0/1, BLOB for bytea). Times are UTC epoch seconds, money is kuruş.

CREATE TABLE institutions (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  registry_no   TEXT NOT NULL DEFAULT '',
  address       TEXT NOT NULL DEFAULT '',
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX institutions_name_uq ON institutions (name);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,
  password_hash  TEXT NOT NULL,
  role           TEXT NOT NULL CHECK (role IN ('admin', 'kurum', 'ra', 'production', 'auditor')),
  institution_id INTEGER REFERENCES institutions (id),
  failed_logins  INTEGER NOT NULL DEFAULT 0,
  locked_until   INTEGER NOT NULL DEFAULT 0,
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX users_institution_ix ON users (institution_id);

CREATE TABLE persons (
  id               INTEGER PRIMARY KEY,
  id_kind          TEXT NOT NULL CHECK (id_kind IN ('tckn', 'passport')),
  id_number        TEXT NOT NULL,
  passport_country TEXT NOT NULL DEFAULT '',
  given_name       TEXT NOT NULL,
  surname          TEXT NOT NULL,
  email            TEXT NOT NULL DEFAULT '',
  mobile           TEXT NOT NULL DEFAULT '',
  birth_place      TEXT NOT NULL DEFAULT '',
  birth_date       TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (id_kind, id_number, passport_country)
);

-- Order numbers (SD-<n>) come from a counter row: UPDATE ... RETURNING hands
-- out each number once, whichever node asks.
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('order_no', 100000);

CREATE TABLE orders (
  id                   INTEGER PRIMARY KEY,
  order_no             INTEGER NOT NULL UNIQUE,
  person_id            INTEGER NOT NULL REFERENCES persons (id),
  institution_id       INTEGER REFERENCES institutions (id),
  reason               TEXT NOT NULL,
  payment_type         TEXT NOT NULL,
  backup_cert          INTEGER NOT NULL DEFAULT 0 CHECK (backup_cert IN (0, 1)),
  status               TEXT NOT NULL,
  access_password_hash TEXT NOT NULL DEFAULT '',
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  cancel_reason        TEXT
);
CREATE INDEX orders_institution_ix ON orders (institution_id, id);
CREATE INDEX orders_person_ix ON orders (person_id, id);
CREATE INDEX orders_status_ix ON orders (status);

CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  entity      TEXT NOT NULL,
  entity_id   INTEGER NOT NULL,
  action      TEXT NOT NULL,
  from_state  TEXT NOT NULL DEFAULT '',
  to_state    TEXT NOT NULL DEFAULT '',
  reason      TEXT NOT NULL DEFAULT '',
  prev_hash   BLOB NOT NULL,
  hash        BLOB NOT NULL
);
CREATE INDEX audit_log_entity_ix ON audit_log (entity, entity_id);

-- One row: the chain's last seq and hash. Appenders update it first, which
-- serialises them, and verify compares it with the log to see deleted tails.
CREATE TABLE audit_head (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  seq   INTEGER NOT NULL,
  hash  BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

CREATE TABLE sessions (
  id_hash     BLOB PRIMARY KEY,
  csrf        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('anon', 'person', 'officer', 'holder')),
  subject_id  INTEGER,
  data        TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL,
  last_seen   INTEGER NOT NULL,
  lang        TEXT NOT NULL DEFAULT 'tr'
);
CREATE INDEX sessions_last_seen_ix ON sessions (last_seen);
CREATE INDEX sessions_created_ix ON sessions (created_at);
