#!/usr/bin/env python3
"""The ceiling of bench/preapply.sh: the same rows a pre-registration writes
(a person, an order, its access-password mail in the outbox, its audit record)
inserted with plain batched SQL (executemany, BATCH rows per transaction) into
an empty migrated database of the same schema, WAL + synchronous=NORMAL as
nitelik opens it. Prints rows/s by the clock and by CPU time.
Usage: preapply_ceiling.py DB CSV BATCH MAILBYTES"""
import sqlite3, sys, time

db, csv, batch, mail = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rows = [l.rstrip("\n").split(";") for l in open(csv, encoding="utf-8")][1:]
c = sqlite3.connect(db, isolation_level=None)
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=NORMAL")
c.execute("PRAGMA foreign_keys=ON")
body = "x" * mail
now = int(time.time())
t0 = time.monotonic()
c0 = time.process_time()
for f in range(0, len(rows), batch):
    part = rows[f:f + batch]
    c.execute("BEGIN IMMEDIATE")
    c.executemany("INSERT INTO persons (id, id_kind, id_number, given_name, surname, email, mobile,"
                  " created_at, updated_at) VALUES (?, 'tckn', ?, ?, ?, ?, ?, ?, ?)",
                  [(f + i + 1, r[0], r[1], r[2], r[3], r[4], now, now) for i, r in enumerate(part)])
    c.executemany("INSERT INTO orders (id, order_no, person_id, institution_id, reason, payment_type,"
                  " status, access_password_hash, created_at, updated_at)"
                  " VALUES (?, ?, ?, 1, 'first', 'institution', 'preapplied', ?, ?, ?)",
                  [(f + i + 1, 100000 + f + i, f + i + 1, "k1$" + "0" * 64, now, now)
                   for i in range(len(part))])
    c.executemany("INSERT INTO outbox (channel, recipient, subject, body_text, body_html, created_at,"
                  " next_attempt_at, order_id) VALUES ('mail', ?, 'Nitelik', ?, ?, ?, ?, ?)",
                  [(r[3], body, body, now, now, f + i + 1) for i, r in enumerate(part)])
    c.executemany("INSERT INTO audit_log (at, actor, entity, entity_id, action, to_state, prev_hash,"
                  " hash) VALUES (?, 'cli', 'order', ?, 'create', 'preapplied', ?, ?)",
                  [(now, f + i + 1, b"\0" * 32, b"\1" * 32) for i in range(len(part))])
    c.execute("COMMIT")
el = time.monotonic() - t0
cpu = time.process_time() - c0
print("%.0f %.0f" % (len(rows) / el, len(rows) / max(cpu, 1e-9)))
