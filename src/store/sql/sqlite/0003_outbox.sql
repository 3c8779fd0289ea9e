-- 0003 outbox (SQLite). Keep in step with sql/postgres/0003_outbox.sql.
-- The durable outbox: a notification is a row written in the same transaction
-- as the state change it tells about; workers claim due rows, send them, and
-- mark them sent, or back off and retry until max attempts (store_outbox.c).
-- While a row is 'sending', next_attempt_at is the end of the claim's lease: a
-- worker that died mid-send leaves a row that another worker claims again then.

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  channel         TEXT NOT NULL CHECK (channel IN ('mail', 'sms')),
  recipient       TEXT NOT NULL,
  subject         TEXT NOT NULL DEFAULT '',
  body_text       TEXT NOT NULL,
  body_html       TEXT,
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  last_error      TEXT,
  sent_at         INTEGER,
  order_id        INTEGER REFERENCES orders (id)
);
-- Only unfinished rows are indexed for the claim, so sent mail costs nothing.
CREATE INDEX outbox_due_ix ON outbox (next_attempt_at, id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_order_ix ON outbox (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX outbox_recipient_ix ON outbox (recipient, id);
