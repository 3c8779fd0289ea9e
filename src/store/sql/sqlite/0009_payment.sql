-- 0009 payment (SQLite). Keep in step with sql/postgres/0009_payment.sql.
-- Prices, virtual POS sessions, payments and bank reconciliation imports
-- (SPEC §7, docs/payment.md).
--
-- Prices are never updated in place: setting a price appends a row that is in
-- force from valid_from on. The debt of a person-paid order is the price in
-- force when its current form version was submitted (or, without a form yet,
-- the default product's price in force now), so a later price change never
-- moves a debt that was already fixed. amount_kurus is VAT-inclusive (what the
-- person pays); vat_bp is the VAT rate in basis points (2000 = 20 %).
CREATE TABLE prices (
  id            INTEGER PRIMARY KEY,
  product       TEXT NOT NULL,
  period_years  INTEGER NOT NULL CHECK (period_years BETWEEN 1 AND 3),
  card_reader   TEXT NOT NULL CHECK (card_reader IN ('none', 'standard', 'mini')),
  amount_kurus  INTEGER NOT NULL CHECK (amount_kurus > 0),
  vat_bp        INTEGER NOT NULL CHECK (vat_bp BETWEEN 0 AND 10000),
  valid_from    INTEGER NOT NULL,
  set_by        TEXT NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX prices_lookup_ix ON prices (product, period_years, card_reader, valid_from);

-- One row per card payment attempt: the merchant side of a 3-D Secure
-- redirect. session_key is the random id in the bank page's URL and in the
-- signed callback. status: 'open' until the callback, then 'approved',
-- 'declined' or 'expired'.
CREATE TABLE pos_sessions (
  id            INTEGER PRIMARY KEY,
  session_key   TEXT NOT NULL UNIQUE,
  order_id      INTEGER NOT NULL REFERENCES orders (id),
  amount_kurus  INTEGER NOT NULL CHECK (amount_kurus > 0),
  status        TEXT NOT NULL CHECK (status IN ('open', 'approved', 'declined', 'expired')),
  bank_ref      TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  completed_at  INTEGER
);
CREATE INDEX pos_sessions_order_ix ON pos_sessions (order_id);

-- Reconciliation files imported (by `nitelik payments import` or the operator
-- page): one row per file, with its counts.
CREATE TABLE payment_imports (
  id            INTEGER PRIMARY KEY,
  file_name     TEXT NOT NULL,
  actor         TEXT NOT NULL,
  lines         INTEGER NOT NULL,
  recorded      INTEGER NOT NULL,
  skipped       INTEGER NOT NULL,
  refused       INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);

-- A payment, recorded once: external_ref is "pos:<bank transaction id>" or
-- "bank:<bank reference>" and unique, so a replayed callback or a repeated
-- file line cannot record a second row; an order is paid at most once.
CREATE TABLE payments (
  id            INTEGER PRIMARY KEY,
  order_id      INTEGER NOT NULL UNIQUE REFERENCES orders (id),
  amount_kurus  INTEGER NOT NULL CHECK (amount_kurus > 0),
  channel       TEXT NOT NULL,
  external_ref  TEXT NOT NULL UNIQUE,
  pos_session_id INTEGER REFERENCES pos_sessions (id),
  import_id     INTEGER REFERENCES payment_imports (id),
  paid_on       TEXT NOT NULL DEFAULT '',
  actor         TEXT NOT NULL,
  recorded_at   INTEGER NOT NULL
);
