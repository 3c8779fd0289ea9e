-- 0010 production (SQLite). Keep in step with sql/postgres/0010_production.sql.
-- Production of cards, PIN letters, shipments and expiry notices (SPEC §9,
-- §12; docs/production.md).
--
-- One production row per order, created by the scheduler when the order is
-- in production_wait, approved and settled. state:
--   scheduled  due at due_at (renewals: when the old certificate has
--              `renewal_lead_days` left), free for any node to claim
--   running    claimed by one node until lease_until (a node that died
--              leaves a row that is claimed again after the lease)
--   done       the card holds its certificate(s); the order is Üretildi
--   failed     given up after max attempts; last_error says why
--   refused    the order is not approved or not settled (never produced)
-- A claim is a compare-and-set on (state, attempts): the one query that works
-- the same on both engines and never lets two nodes produce one order.
CREATE TABLE productions (
  id             INTEGER PRIMARY KEY,
  order_id       INTEGER NOT NULL UNIQUE REFERENCES orders (id),
  state          TEXT NOT NULL CHECK (state IN ('scheduled', 'running', 'done', 'failed', 'refused')),
  due_at         INTEGER NOT NULL,
  renew_serial   TEXT NOT NULL DEFAULT '',
  attempts       INTEGER NOT NULL DEFAULT 0,
  claimed_by     TEXT NOT NULL DEFAULT '',
  lease_until    INTEGER NOT NULL DEFAULT 0,
  card_label     TEXT NOT NULL DEFAULT '',
  cert_serial    TEXT NOT NULL DEFAULT '',
  backup_serial  TEXT NOT NULL DEFAULT '',
  revoked_count  INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT NOT NULL DEFAULT '',
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX productions_due_ix ON productions (state, due_at);

-- The PIN letter of a produced card, kept only until the operator prints
-- (downloads) it: then pdf is emptied and printed_at set.
CREATE TABLE pin_letters (
  id             INTEGER PRIMARY KEY,
  order_id       INTEGER NOT NULL UNIQUE REFERENCES orders (id),
  pdf            BLOB,
  created_at     INTEGER NOT NULL,
  printed_at     INTEGER NOT NULL DEFAULT 0,
  printed_by     TEXT NOT NULL DEFAULT ''
);

-- A card handed to the courier. status follows the courier: accepted,
-- in_transit, delivered. Each change is an event row (the history shown by
-- Gönderi Sorgulama).
CREATE TABLE shipments (
  id             INTEGER PRIMARY KEY,
  order_id       INTEGER NOT NULL UNIQUE REFERENCES orders (id),
  tracking_no    TEXT NOT NULL UNIQUE,
  courier        TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('accepted', 'in_transit', 'delivered')),
  shipped_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX shipments_open_ix ON shipments (status) WHERE status <> 'delivered';

CREATE TABLE shipment_events (
  id             INTEGER PRIMARY KEY,
  shipment_id    INTEGER NOT NULL REFERENCES shipments (id),
  status         TEXT NOT NULL,
  at             INTEGER NOT NULL
);
CREATE INDEX shipment_events_ix ON shipment_events (shipment_id, at);

-- "Your certificate ends in 2 months": at most one notice per certificate.
CREATE TABLE expiry_notices (
  cert_serial    TEXT PRIMARY KEY,
  sent_at        INTEGER NOT NULL
);
