-- 0018 availability (SQLite). Keep in step with sql/postgres/0018_availability.sql.
-- Login throttling remembers how many locks a counter has had, so each
-- further lock lasts longer (store_throttle.c); leased job rows name the node
-- that claimed them, so a restarted node takes its own work back at once, and
-- nodes beat a heartbeat so others may take over a dead node's work early
-- (store_nodes.c, docs/production.md "Nodes and leases").

ALTER TABLE login_throttle ADD COLUMN locks INTEGER NOT NULL DEFAULT 0;

ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';

CREATE TABLE nodes (
  node_id    TEXT PRIMARY KEY,
  started_at INTEGER NOT NULL,
  seen_at    INTEGER NOT NULL
);
