#!/usr/bin/env python3
"""HTTP black-box test of a node's restart after a crash (issue 10, item 6;
docs/production.md "Nodes and leases"): nitelikd keeps its generated node name
in the data folder; killed (SIGKILL) while it held outbox messages, it takes
them back at once when it starts again, instead of after their lease, and
leaves another node's claims alone.

usage: test_nodes.py NITELIKD"""

import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from flows import run_tests, start_demo  # noqa: E402

tap = Tap()
S = {}


def db(srv):
    return sqlite3.connect(os.path.join(srv.demo, "nitelik.db"))


def node_id(srv):
    with open(os.path.join(srv.demo, "node_id")) as f:
        return f.read().strip()


def claimed(srv, node, lease_s):
    """An outbox message claimed by node ('sending'), leased lease_s more seconds."""
    now = int(time.time())
    with db(srv) as d:
        cur = d.execute("INSERT INTO outbox (channel, recipient, subject, body_text, created_at,"
                        " attempts, next_attempt_at, status, claimed_by) VALUES ('mail',"
                        " 'node@example.org', 'Node', 'body', ?, 1, ?, 'sending', ?)",
                        (now, now + lease_s, node))
        return cur.lastrowid


def status(srv, row):
    with db(srv) as d:
        return d.execute("SELECT status FROM outbox WHERE id = ?", (row,)).fetchone()[0]


@tap.test
def node_name_kept(srv):
    """the generated node name is kept in the data folder (0600) and used on claims"""
    name = node_id(srv)
    check(name.startswith("n-") and len(name) == 18, "node name: %r" % name)
    mode = os.stat(os.path.join(srv.demo, "node_id")).st_mode & 0o777
    check(mode == 0o600, "node_id mode %o" % mode)
    S["name"] = name


@tap.test
def restart_reclaims_own_work(srv):
    """killed mid-send, the node sends its own messages at once when it starts again"""
    name = S["name"]
    srv.kill()   # a crash: nothing released
    mine = claimed(srv, name, 3000)
    other = claimed(srv, "another-node", 3000)
    before = len(srv.stderr_lines)
    srv.start()
    check(node_id(srv) == name, "the node name changed across the restart")
    check(srv.wait_stderr('"worker":"reclaim"', after=before), "no reclaim logged")
    deadline = time.time() + 15
    while time.time() < deadline and status(srv, mine) != "sent":
        time.sleep(0.2)
    check(status(srv, mine) == "sent", "own message still %s (waits for its lease)"
          % status(srv, mine))
    check(status(srv, other) == "sending", "another node's claim was taken: %s"
          % status(srv, other))


def main():
    return run_tests(tap, start_demo(sys.argv[1]))


if __name__ == "__main__":
    sys.exit(main())
