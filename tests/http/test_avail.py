#!/usr/bin/env python3
"""HTTP black-box tests of availability under load and faults (docs/web-server.md,
"Limits under load and faults"):
  - a flood of idle and slowloris connections from one address: the default
    per-address connection limit keeps room for others (/healthz from another
    loopback address answers throughout), and server.request_timeout ends
    connections that trickle a header line now and then;
  - anonymous e-İmza login codes and sessions are bounded per client address,
    and expired rows are purged;
  - with the database down, every door (API token, session, CSRF, login forms)
    answers 503 with Retry-After and the code "unavailable", then recovers.
Prints TAP.

usage: test_avail.py PATH/TO/nitelikd PATH/TO/nitelik [sqlite|postgres]"""

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, Tap, check, read_response  # noqa: E402
import flows  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_BIN = "/usr/lib/postgresql/15/bin"

tap = Tap()


def open_files(n):
    """Raises this process's descriptor limit to at least n (within the hard one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(max(soft, n), hard) if hard != resource.RLIM_INFINITY else max(soft, n)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def probe(srv, source="127.0.0.2", timeout=3.0):
    """GET /healthz from another loopback address: (status or None, seconds)."""
    t0 = time.time()
    try:
        with socket.create_connection(("127.0.0.1", srv.port), timeout=timeout,
                                      source_address=(source, 0)) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            r = read_response(s, timeout=timeout)
            return r.status, time.time() - t0
    except OSError:
        return None, time.time() - t0


def closed(s):
    """True when the server closed s (EOF, reset, or a 408 answer)."""
    s.setblocking(False)
    try:
        data = s.recv(4096)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return data == b"" or data.startswith(b"HTTP/1.1 408")


@tap.test
def flood_from_one_address(ctx):
    """idle and slowloris connections from one address: others are served, trickling ends"""
    if ctx["engine"] != "sqlite":
        return "SKIP the connection limits do not depend on the engine"
    n_idle, n_slow, timeout = 150, 150, 4
    open_files(n_idle + n_slow + 64)
    # connection_limit is lowered from its default so the flood stays small;
    # the per-address limit is the default.
    srv = Server(ctx["nitelikd"], conf="[server]\nconnection_limit = 150\n"
                                       "request_timeout = %d\n" % timeout)
    socks = []
    try:
        srv.start()
        t_start = time.time()
        idle, slow = [], []
        for _ in range(n_idle):
            try:
                idle.append(socket.create_connection(("127.0.0.1", srv.port), timeout=5))
            except OSError:
                pass
        for _ in range(n_slow):
            try:
                s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                slow.append(s)
            except OSError:
                pass
        socks = idle + slow
        check(len(socks) > 200, "only %d connections opened" % len(socks))
        probes = []
        while time.time() - t_start < timeout + 6:
            for s in slow:   # one header line a second keeps them active
                try:
                    s.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass
            probes.append(probe(srv))
            time.sleep(max(0.0, 1.0 - probes[-1][1]))
        bad = [p for p in probes if p[0] != 200 or p[1] > 2.0]
        check(not bad, "probes from 127.0.0.2 failed or were slow: %r" % bad)
        still = sum(1 for s in slow if not closed(s))
        check(still == 0, "%d slowloris connections still open after %.0fs (request_timeout %d)"
              % (still, time.time() - t_start, timeout))
        still = sum(1 for s in idle if not closed(s))
        check(still == 0, "%d idle connections still open" % still)
        r = srv.request("GET", "/metrics")
        line = [l for l in r.body.decode().splitlines()
                if l.startswith("nitelik_http_request_timeouts_total ")]
        check(line and int(line[0].split()[1]) > 0, "timeouts not counted: %r" % line)
        # the address of the flood is served again once its connections are gone
        check(srv.request("GET", "/healthz").status == 200, "127.0.0.1 served again")
    finally:
        for s in socks:
            s.close()
        rc = srv.stop()
        bad = srv.sanitizer_errors()
        srv.cleanup()
    check(rc == 0 and not bad, "exit %r, sanitizer %r" % (rc, bad))


@tap.test
def slow_body_ends_at_deadline(ctx):
    """a body trickled after complete headers is also bounded by request_timeout"""
    if ctx["engine"] != "sqlite":
        return "SKIP the connection limits do not depend on the engine"
    srv = Server(ctx["nitelikd"], conf="[server]\nrequest_timeout = 2\n")
    try:
        srv.start()
        with srv.connect() as s:
            s.sendall(b"POST /lang HTTP/1.1\r\nHost: x\r\nContent-Type: "
                      b"application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n")
            t0 = time.time()
            ended = False
            while time.time() - t0 < 8 and not ended:
                try:
                    s.sendall(b"a")
                except OSError:
                    ended = True
                    break
                time.sleep(0.5)
                ended = closed(s)
                s.setblocking(True)
            check(ended, "the trickled body was still being read after %.1fs" % (time.time() - t0))
            check(time.time() - t0 < 5, "ended only after %.1fs" % (time.time() - t0))
        # an ordinary request on a fresh connection is unaffected
        check(srv.request("GET", "/healthz").status == 200, "served")
    finally:
        rc = srv.stop()
        bad = srv.sanitizer_errors()
        srv.cleanup()
    check(rc == 0 and not bad, "exit %r, sanitizer %r" % (rc, bad))


# ---- anonymous rows per address ----

def demo_server(ctx, conf=""):
    """nitelikd behind a (pretended) TLS proxy, so X-Forwarded-For gives each
    client its address, on the engine of the run: (server, sql function)."""
    srv = Server(ctx["nitelikd"])
    os.makedirs(srv.demo, exist_ok=True)
    db_url = "sqlite:%s/nitelik.db" % srv.demo
    admin = name = None
    if ctx["engine"] == "postgres":
        admin = os.environ.get("NL_TEST_PG_URL", "")
        if not admin.startswith("postgres"):
            srv.cleanup()
            return None, None
        name = "avail_http_%d" % os.getpid()
        for q in ("DROP DATABASE IF EXISTS %s" % name, "CREATE DATABASE %s" % name):
            subprocess.run(["psql", admin, "-qc", q], check=True, capture_output=True)
        db_url = admin.rsplit("/", 1)[0] + "/" + name
    with open(os.path.join(srv.demo, "nitelik.conf"), "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\nbehind_tls_proxy = true\n"
                "base_url = https://nitelik.example\n[storage]\ndata_dir = %s\ndatabase = %s\n"
                "[demo]\nenabled = true\nfixed_captcha = %s\n%s"
                % (srv.demo, db_url, flows.CAPTCHA, conf))

    def sql(query):
        if admin:
            out = subprocess.run(["psql", db_url, "-At", "-c", query], check=True,
                                 capture_output=True, text=True).stdout.strip()
            return int(out)
        import sqlite3
        with sqlite3.connect("file:%s/nitelik.db?mode=ro" % srv.demo, uri=True) as d:
            return d.execute(query).fetchone()[0]

    def drop():
        if admin:
            subprocess.run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS %s" % name],
                           capture_output=True)
    srv.drop = drop
    return srv, sql


@tap.test
def anonymous_rows_bounded(ctx):
    """anonymous sessions and e-İmza login codes per address are bounded (defaults)"""
    srv, sql = demo_server(ctx)
    if not srv:
        return "SKIP NL_TEST_PG_URL not set"
    try:
        srv.start()
        attacker = "198.51.100.66"
        statuses, clients = [], []
        t0 = time.time()
        for _ in range(210):   # default bound: 200 live anonymous sessions
            c = flows.Client(srv, addr=attacker)
            r = c.req("GET", "/online-islemler")
            statuses.append(r.status)
            if r.status == 200:
                clients.append((c, flows.csrf_in(r.text)))
        check(statuses.count(200) == 200 and statuses.count(429) == 10,
              "sessions: %d answered 200, %d 429, others %r"
              % (statuses.count(200), statuses.count(429),
                 [x for x in statuses if x not in (200, 429)]))
        check(sql("SELECT COUNT(*) FROM sessions WHERE kind = 'anon'") == 200, "session rows")
        codes = []
        for c, csrf in clients[:25]:   # default bound: 20 live login codes
            r = c.req("POST", "/online-islemler", {"csrf": csrf, "door": "eimza",
                                                   "tckn": flows.GULSEN})
            codes.append(r.status)
        check(codes.count(303) == 20 and codes.count(429) == 5, "login codes: %r" % codes)
        check(sql("SELECT COUNT(*) FROM esign_codes") == 20, "code rows")
        check("Ağınızdan çok fazla doğrulama kodu istendi" in r.text, "the door says why: %s"
              % r.text[:400])
        # another address is served as usual
        other = flows.Client(srv, addr="203.0.113.5")
        r = other.req("GET", "/online-islemler")
        check(r.status == 200, "neighbour's door: %d" % r.status)
        r = other.req("POST", "/online-islemler", {"csrf": flows.csrf_in(r.text), "door": "eimza",
                                                   "tckn": flows.GULSEN})
        check(r.status == 303, "neighbour's code: %d" % r.status)
        print("# %d requests in %.1fs" % (len(statuses) + len(codes) + 2, time.time() - t0))
    finally:
        rc = srv.stop()
        bad = srv.sanitizer_errors()
        srv.drop()
        srv.cleanup()
    check(rc == 0 and not bad, "exit %r, sanitizer %r" % (rc, bad))


# ---- the database down ----

class Cluster:
    """A PostgreSQL cluster of this test's own (scripts/pg-test.sh), which the
    test stops and starts again on the same port."""

    def __init__(self, folder):
        self.dir = folder
        p = subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg-test.sh"), "start", folder],
                           capture_output=True, text=True, timeout=180)
        check(p.returncode == 0, "pg-test.sh start: %s" % p.stderr)
        self.url = p.stdout.strip()
        with open(os.path.join(folder, "port")) as f:
            self.port = f.read().strip()

    def _pg_ctl(self, *args):
        cmd = [os.path.join(PG_BIN, "pg_ctl"), "-D", os.path.join(self.dir, "data")] + list(args)
        if os.getuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, "pg_ctl %s: %s %s" % (args[-1], p.stdout, p.stderr))

    def stop(self):
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        self._pg_ctl("-l", os.path.join(self.dir, "server.log"), "-w", "-t", "60", "-o",
                     "-p %s -k %s -c listen_addresses=127.0.0.1 -c fsync=off" % (self.port, self.dir),
                     "start")

    def remove(self):
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg-test.sh"), "stop", self.dir],
                       capture_output=True, timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)


def unavailable(r, what, lang="tr"):
    """r is the outage answer: 503, Retry-After, the code or page of it."""
    check(r.status == 503, "%s: %d %s" % (what, r.status, r.body[:300]))
    check((r.header("retry-after") or "").isdigit(), "%s: Retry-After %r" % (what, r.header("retry-after")))
    text = r.body.decode("utf-8", "replace")
    if (r.header("content-type") or "").startswith("application/json"):
        check(json.loads(text)["error"]["code"] == "unavailable", "%s: %s" % (what, text))
    elif (r.header("content-type") or "").startswith("text/html"):
        want = ("Hizmet geçici olarak kullanılamıyor" if lang == "tr"
                else "Service temporarily unavailable")
        check(want in text, "%s: page says %s" % (what, text[:600]))


@tap.test
def database_down(ctx):
    """database down: every door answers 503 + Retry-After, then recovers"""
    engine = ctx["engine"]
    cluster = None
    srv = Server(ctx["nitelikd"])
    os.makedirs(srv.demo, exist_ok=True)
    try:
        if engine == "postgres":
            if not os.path.exists(os.path.join(PG_BIN, "initdb")):
                return "SKIP PostgreSQL 15 is not installed"
            cluster = Cluster(tempfile.mkdtemp(prefix="nitelik-avail-pg-"))
            db_url = cluster.url
        else:
            db_url = "sqlite:%s/nitelik.db" % srv.demo
        with open(os.path.join(srv.demo, "nitelik.conf"), "w") as f:
            f.write("[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\ndatabase = %s\n"
                    "[demo]\nenabled = true\nfixed_captcha = %s\n" % (srv.demo, db_url, flows.CAPTCHA))
        srv.start()
        p = subprocess.run([ctx["nitelik"], "token", "add", "--institution", "1", "--name", "t",
                            "--db", db_url], capture_output=True, text=True, timeout=60)
        check(p.returncode == 0, "token add: %s" % p.stderr)
        token = p.stdout.strip()
        api_h = {"Authorization": "Bearer " + token, "Accept": "application/json"}
        officer = flows.staff(srv, "kurum", "kurum-demo", home="/kurum")
        visitor = flows.Client(srv)
        csrf = visitor.csrf("/giris/form")
        check(srv.request("GET", "/api/v1/preapplications", headers=api_h).status == 200, "API before")

        # down
        if cluster:
            cluster.stop()
        else:
            r = srv.request("POST", "/demo/database", b"available=false",
                            {"Content-Type": flows.FORM_CT})
            check(r.status == 200, "demo/database: %d" % r.status)
        unavailable(srv.request("GET", "/api/v1/preapplications", headers=api_h), "API token")
        unavailable(srv.request("GET", "/healthz"), "healthz")
        unavailable(officer.req("GET", "/kurum"), "staff session")
        unavailable(visitor.req("POST", "/giris/form", {"csrf": csrf, "captcha": flows.CAPTCHA,
                                                       "id_number": flows.AYSE,
                                                       "password": flows.PASSWORD}),
                    "CSRF check of the form login")
        unavailable(visitor.req("POST", "/kurum/giris", {"csrf": csrf, "username": "kurum",
                                                        "password": "kurum-demo"}),
                    "staff login form")
        check(visitor.sid, "the visitor's session cookie was dropped")
        fresh = flows.Client(srv)
        unavailable(fresh.req("GET", "/giris/form"), "new visitor's login form")
        unavailable(fresh.req("GET", "/online-islemler?lang=en"), "holder door", lang="en")
        unavailable(fresh.req("GET", "/kurum/giris"), "staff door")
        check(not fresh.sid, "a session cookie without a session")

        # up again: the same sessions and token work
        if cluster:
            cluster.start()
        else:
            srv.request("POST", "/demo/database", b"available=true", {"Content-Type": flows.FORM_CT})
        deadline = time.time() + 20
        while srv.request("GET", "/healthz").status != 200 and time.time() < deadline:
            time.sleep(0.2)
        check(srv.request("GET", "/api/v1/preapplications", headers=api_h).status == 200, "API after")
        r = officer.req("GET", "/kurum")
        check(r.status == 200, "staff session after: %d" % r.status)
        visitor.captcha()
        r = visitor.req("POST", "/giris/form", {"csrf": csrf, "captcha": flows.CAPTCHA,
                                               "id_number": flows.AYSE, "password": flows.PASSWORD})
        check(r.status == 303, "form login after: %d %s" % (r.status, r.text[:300]))
    finally:
        rc = srv.stop()
        bad = srv.sanitizer_errors()
        if cluster:
            cluster.remove()
        srv.cleanup()
    check(rc == 0 and not bad, "exit %r, sanitizer %r" % (rc, bad))


def main():
    args = sys.argv[1:]
    engine = "sqlite"
    if args and args[-1] in ("sqlite", "postgres"):
        engine = args.pop()
    if len(args) != 2:
        print("usage: test_avail.py PATH/TO/nitelikd PATH/TO/nitelik [sqlite|postgres]",
              file=sys.stderr)
        return 2
    ctx = {"nitelikd": os.path.abspath(args[0]), "nitelik": os.path.abspath(args[1]),
           "engine": engine}
    print("# engine: %s" % engine)
    return tap.run(ctx)


if __name__ == "__main__":
    sys.exit(main())
