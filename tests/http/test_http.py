#!/usr/bin/env python3
"""HTTP black-box tests of nitelikd: the router's 404/405, bad input (malformed
requests, oversize bodies, invalid UTF-8, path traversal), security headers,
keep-alive, sessions and CSRF, /healthz, /metrics, the configuration check, and a
graceful stop with a request in flight. Prints TAP.

usage: test_http.py PATH/TO/nitelikd"""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, Tap, check, read_response  # noqa: E402

tap = Tap()
BODY_LIMIT = 1024 * 1024   # the default of server.body_limit
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def security_headers_ok(r):
    check(r.header("content-security-policy") == CSP, "CSP: %r" % r.header("content-security-policy"))
    check(r.header("x-content-type-options") == "nosniff", "nosniff")
    check(r.header("referrer-policy") == "same-origin", "referrer-policy")
    check(r.header("x-frame-options") == "DENY", "x-frame-options")


def session_cookie(r):
    """The nl_sid value and attributes from Set-Cookie, or (None, None)."""
    for v in r.all("set-cookie"):
        if v.startswith("nl_sid="):
            parts = [p.strip() for p in v.split(";")]
            return parts[0][len("nl_sid="):], parts[1:]
    return None, None


def csrf_of(body):
    m = re.search(rb'name="csrf" value="([^"]+)"', body)
    check(m, "no csrf field in the page")
    return m.group(1).decode()


def new_session(srv):
    r = srv.request("GET", "/lang")
    check(r.status == 200, "GET /lang: %d" % r.status)
    sid, _ = session_cookie(r)
    check(sid, "GET /lang set no session cookie")
    return sid, csrf_of(r.body)


def page_lang(srv, sid):
    r = srv.request("GET", "/lang", headers={"Cookie": "nl_sid=" + sid})
    m = re.search(rb'<html lang="(\w+)"', r.body)
    check(m, "no html lang")
    return m.group(1).decode()


@tap.test
def healthz(srv):
    """/healthz answers 200 when the database answers"""
    r = srv.request("GET", "/healthz")
    check(r.status == 200 and r.body == b"ok\n", "%r %r" % (r, r.body))
    check(r.header("cache-control") == "no-store", "dynamic responses are no-store")


@tap.test
def readyz_without_ca(srv):
    """/readyz lists its components: the database, and no CA to fail here"""
    r = srv.request("GET", "/readyz")
    check(r.status == 200 and b"database: ok\n" in r.body and b"ca: none" in r.body,
          "%r %r" % (r, r.body))


@tap.test
def readyz_ca_cannot_sign(srv):
    """/readyz is 503 when the data folder holds a CA whose certificates do not load"""
    ca = os.path.join(srv.demo, "ca")
    os.makedirs(ca, exist_ok=True)
    with open(os.path.join(ca, "ca.conf"), "w") as f:
        f.write("base_url = http://x\n")
    try:
        r = srv.request("GET", "/readyz")
        check(r.status == 503 and b"ca: cannot sign" in r.body, "%r %r" % (r, r.body))
        r = srv.request("GET", "/healthz")
        check(r.status == 200, "liveness stays 200: %r" % r)
    finally:
        os.remove(os.path.join(ca, "ca.conf"))
        os.rmdir(ca)


@tap.test
def head_request(srv):
    """HEAD is served by the GET route, without a body"""
    r = srv.request("HEAD", "/healthz")
    check(r.status == 200, repr(r))
    check(r.leftover == b"", "HEAD response carried a body")


@tap.test
def not_found(srv):
    """an unknown path is 404 with a page"""
    r = srv.request("GET", "/no/such/page")
    check(r.status == 404, repr(r))
    check(b"404" in r.body and b"<html" in r.body, "an error page")
    check(r.header("content-type").startswith("text/html"), "HTML error on a page route")


@tap.test
def api_errors_are_json(srv):
    """under /api/ errors are JSON with a stable code"""
    r = srv.request("GET", "/api/v1/no-such-thing")
    check(r.status == 404, repr(r))
    check(r.header("content-type") == "application/json", r.header("content-type"))
    check(b'"code":"not_found"' in r.body, r.body)


@tap.test
def method_not_allowed(srv):
    """a known path with the wrong method is 405 with an Allow header"""
    r = srv.request("DELETE", "/healthz")
    check(r.status == 405, repr(r))
    check(r.header("allow") == "GET, HEAD", "Allow: %r" % r.header("allow"))
    r = srv.request("PUT", "/lang", body=b"")
    check(r.status == 405 and r.header("allow") == "GET, HEAD, POST", "Allow: %r" % r.header("allow"))


@tap.test
def unknown_method(srv):
    """an unknown method on a known path is refused with a 4xx/501, never served"""
    r = srv.raw(b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    check(r.status in (400, 405, 501), repr(r))


@tap.test
def malformed_request_line(srv):
    """a malformed request line is answered 400 and the server lives on"""
    for raw in (b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9 extra\r\n\r\n",
                b"GET / HTTP/1.1\r\nBad Header Line\r\n\r\n"):
        try:
            r = srv.raw(raw)
            check(400 <= r.status < 500 or r.status == 505, "%r -> %r" % (raw, r))
        except ConnectionError:
            pass  # closing the connection is also an acceptable answer to garbage
    check(srv.request("GET", "/healthz").status == 200, "server still answers")


@tap.test
def oversize_headers_and_paths(srv):
    """a very long path, a huge header or a bad Content-Length get a 4xx, not a crash"""
    r = srv.raw(b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    check(400 <= r.status < 500, "long path: %r" % r)
    try:
        r = srv.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 100000 + b"\r\n\r\n")
        check(400 <= r.status < 500, "huge header: %r" % r)
    except (ConnectionError, OSError):
        pass  # closing the connection on a 100 kB header is also fine
    for cl in (b"-1", b"abc", b"99999999999999999999999"):
        try:
            r = srv.raw(b"POST /lang HTTP/1.1\r\nHost: x\r\nContent-Length: " + cl + b"\r\n\r\n")
            check(400 <= r.status < 500, "Content-Length %r: %r" % (cl, r))
        except (ConnectionError, OSError):
            pass
    check(srv.request("GET", "/healthz").status == 200, "server still answers")


@tap.test
def oversize_body_content_length(srv):
    """a body announced over the limit gets 413 at once, without sending it"""
    with srv.connect() as s:
        s.sendall(("POST /lang HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
                   "x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % (BODY_LIMIT + 1)).encode())
        r = read_response(s)
    check(r.status == 413, repr(r))
    check(b"larger than" in r.body, r.body[:300])
    security_headers_ok(r)


@tap.test
def oversize_body_chunked(srv):
    """a chunked body that grows over the limit gets 413"""
    chunk = b"a" * 65536
    with srv.connect() as s:
        s.sendall(b"POST /lang HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
        try:
            for _ in range(BODY_LIMIT // len(chunk) + 2):
                s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may stop reading once it has answered
        r = read_response(s)
    check(r.status == 413, repr(r))


@tap.test
def invalid_utf8_path(srv):
    """invalid UTF-8, encoded NUL and bad escapes in the path or query are 400"""
    for path in (b"/%ff", b"/\xff\xfe", b"/lang%00", b"/%c0%af", b"/a%2", b"/a%zz",
                 b"/healthz?x=%ff", b"/healthz?x=%00", b"/healthz?%e2%82=1"):
        r = srv.raw(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        check(r.status == 400, "%r -> %r" % (path, r))
    r = srv.request("GET", "/healthz?x=%C3%A7ok+iyi")
    check(r.status == 200, "valid UTF-8 in the query is fine: %r" % r)


@tap.test
def static_traversal(srv):
    """../, encoded dots, backslashes and NUL never leave web/static"""
    for path in ("/static/../nitelik.conf", "/static/%2e%2e/%2e%2e/etc/passwd",
                 "/static/%2E%2E/nitelik.conf", "/static/..%2fnitelik.conf",
                 "/static/..\\nitelik.conf", "/static/css/%00.css",
                 "/static/./../../etc/passwd", "/static/.hidden"):
        r = srv.raw(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
        check(r.status in (400, 404), "%s -> %r" % (path, r))
        check(b"root:" not in r.body and b"[storage]" not in r.body, "leaked a file")


@tap.test
def static_files(srv):
    """static files: content type, ETag/304, long cache, gzip"""
    root = os.path.join(SOURCE_ROOT, "web", "static")
    css = None
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".css") and os.path.getsize(os.path.join(dirpath, f)) > 512:
                css = os.path.join(dirpath, f)
                break
        if css:
            break
    if not css:
        return "SKIP no CSS file over 512 bytes in web/static yet"
    url = "/static/" + os.path.relpath(css, root).replace(os.sep, "/")
    r = srv.request("GET", url)
    check(r.status == 200, repr(r))
    check(r.body == open(css, "rb").read(), "body is the file")
    check(r.header("content-type").startswith("text/css"), r.header("content-type"))
    check("max-age=" in (r.header("cache-control") or ""), r.header("cache-control"))
    etag = r.header("etag")
    check(etag and r.header("last-modified"), "ETag and Last-Modified")
    security_headers_ok(r)
    r2 = srv.request("GET", url, headers={"If-None-Match": etag})
    check(r2.status == 304, repr(r2))
    r3 = srv.request("GET", url, headers={"Accept-Encoding": "gzip, deflate"})
    check(r3.header("content-encoding") == "gzip", "gzip for text")
    import gzip
    check(gzip.decompress(r3.body) == r.body, "gzip body decodes to the file")


@tap.test
def security_headers(srv):
    """every response carries CSP, nosniff, referrer policy, frame denial"""
    for method, path in (("GET", "/healthz"), ("GET", "/nope"), ("DELETE", "/healthz"),
                         ("GET", "/lang"), ("GET", "/metrics")):
        r = srv.request(method, path)
        security_headers_ok(r)
        check(r.header("strict-transport-security") is None, "no HSTS without TLS")


@tap.test
def keep_alive(srv):
    """two requests on one connection: the connection stays open"""
    with srv.connect() as s:
        r1 = srv.request("GET", "/healthz", sock=s)
        check(r1.status == 200, repr(r1))
        check((r1.header("connection") or "").lower() != "close", "Connection: close")
        r2 = srv.request("GET", "/nope", sock=s)
        check(r2.status == 404, repr(r2))
        r3 = srv.request("GET", "/healthz", sock=s)
        check(r3.status == 200, repr(r3))


@tap.test
def language_cookie_once(srv):
    """?lang=en sets the lang cookie exactly once (the gate settles the language
    once a request; only one Set-Cookie may go out)"""
    for path in ("/?lang=en", "/giris/form?lang=en", "/kurum/giris?lang=en", "/online-islemler?lang=en"):
        r = srv.request("GET", path)
        check(r.status == 200, "%s: %r" % (path, r))
        langs = [v for v in r.all("set-cookie") if v.startswith("lang=")]
        check(len(langs) == 1, "%s: lang cookies %r" % (path, langs))
        check(langs[0].startswith("lang=en"), "%s: %r" % (path, langs))


@tap.test
def language_settled_before_handler(srv):
    """the gate settles the page language once, before the handler (issue 11): a
    page that never builds the layout's data (GET /lang) follows the lang cookie,
    Accept-Language and a remembered ?lang= like every other page"""
    def html_lang(r):
        m = re.search(rb'<html lang="(\w+)"', r.body)
        check(r.status == 200 and m, "GET /lang: %r" % r)
        return m.group(1).decode()
    r = srv.request("GET", "/lang", headers={"Cookie": "lang=en"})
    check(html_lang(r) == "en" and b"<h1>Language</h1>" in r.body, "lang cookie: %r" % r.body[:300])
    r = srv.request("GET", "/lang", headers={"Accept-Language": "en-GB,en;q=0.8"})
    check(html_lang(r) == "en", "Accept-Language: %r" % r.body[:300])
    r = srv.request("GET", "/lang?lang=en")
    langs = [v for v in r.all("set-cookie") if v.startswith("lang=")]
    check(html_lang(r) == "en" and len(langs) == 1 and langs[0].startswith("lang=en"),
          "?lang=en not remembered: %r" % langs)
    check(html_lang(srv.request("GET", "/lang")) == "tr", "the default is Turkish")


@tap.test
def session_cookie_attributes(srv):
    """the session cookie: 256-bit random, HttpOnly, SameSite=Strict, Path=/"""
    r = srv.request("GET", "/lang")
    sid, attrs = session_cookie(r)
    check(sid and re.fullmatch(r"[A-Za-z0-9_-]{43}", sid), "sid %r" % sid)
    check("HttpOnly" in attrs and "SameSite=Strict" in attrs and "Path=/" in attrs, attrs)
    check("Secure" not in attrs, "no Secure flag on plain HTTP")
    sid2, _ = session_cookie(srv.request("GET", "/lang"))
    check(sid2 and sid2 != sid, "every new session gets a new id")
    # The same session comes back without a new cookie.
    r = srv.request("GET", "/lang", headers={"Cookie": "nl_sid=" + sid})
    check(session_cookie(r)[0] is None, "known session re-issued")
    # A forged id is dropped.
    r = srv.request("GET", "/healthz", headers={"Cookie": "nl_sid=" + "A" * 43})
    check(r.status == 200, repr(r))


@tap.test
def csrf_missing_or_wrong(srv):
    """a POST without or with a wrong CSRF token is 403 and changes nothing"""
    sid, csrf = new_session(srv)
    ck = {"Cookie": "nl_sid=" + sid, "Content-Type": "application/x-www-form-urlencoded"}
    check(page_lang(srv, sid) == "tr", "starts in Turkish")
    r = srv.request("POST", "/lang", body=b"lang=en", headers=ck)
    check(r.status == 403 and b"403" in r.body, "missing token: %r" % r)
    wrong = csrf[:-1] + ("A" if csrf[-1] != "A" else "B")
    r = srv.request("POST", "/lang", body=("lang=en&csrf=" + wrong).encode(), headers=ck)
    check(r.status == 403, "wrong token: %r" % r)
    r = srv.request("POST", "/lang", body=b"lang=en&csrf=", headers=ck)
    check(r.status == 403, "empty token: %r" % r)
    r = srv.request("POST", "/lang", body=("lang=en&csrf=" + csrf).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 403, "right token without the session: %r" % r)
    check(page_lang(srv, sid) == "tr", "nothing was stored")
    # The right token (form field) is accepted and the change is stored.
    r = srv.request("POST", "/lang", body=("lang=en&csrf=" + csrf).encode(), headers=ck)
    check(r.status == 303 and r.header("location") == "/", repr(r))
    check(page_lang(srv, sid) == "en", "stored")
    # The header works too.
    r = srv.request("POST", "/lang", body=b"lang=tr",
                    headers=dict(ck, **{"X-CSRF-Token": csrf}))
    check(r.status == 303, repr(r))
    check(page_lang(srv, sid) == "tr", "stored by header")


def advance_clock(srv, seconds):
    """Moves the demo server's clock (POST /demo/clock, demo mode only)."""
    sid, csrf = new_session(srv)
    r = srv.request("POST", "/demo/clock", body=("seconds=%d&csrf=%s" % (seconds, csrf)).encode(),
                    headers={"Cookie": "nl_sid=" + sid,
                             "Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 200, "demo clock: %r %r" % (r, r.body[:200]))


@tap.test
def session_roles_range(srv):
    """a stored role set outside an unsigned's range is no roles, not its low bits"""
    import sqlite3
    db_path = os.path.join(srv.demo, "nitelik.db")
    check(os.path.exists(db_path), "no %s" % db_path)
    # The row of a fresh session is made a staff session with the roles given
    # (as only a changed database could); the admin bit is 1 << 3 (http.h).
    for roles, admin in ((8, True), (-1, False), ((1 << 32) + 8, False), (-(1 << 32) + 8, False)):
        sid, _ = new_session(srv)
        db = sqlite3.connect(db_path, timeout=10)
        with db:
            db.execute("UPDATE sessions SET kind = 'officer', data = ? "
                       "WHERE rowid = (SELECT max(rowid) FROM sessions)",
                       ('{"_roles": %d}' % roles,))
        db.close()
        r = srv.request("GET", "/yonetim/kurumlar", headers={"Cookie": "nl_sid=" + sid})
        if admin:
            check(r.status != 403, "roles %d: the admin bit did not open the page: %r" % (roles, r))
        else:
            check(r.status == 403, "roles %d opened an admin page: %r" % (roles, r))


@tap.test
def session_timeouts(srv):
    """sessions end after the idle time-out, and after the absolute one however busy"""
    idle, absolute = 1800, 43200   # the defaults of [session]
    sid, _ = new_session(srv)
    advance_clock(srv, idle - 120)
    r = srv.request("GET", "/lang", headers={"Cookie": "nl_sid=" + sid})
    check(session_cookie(r)[0] is None, "ended before the idle time-out")
    advance_clock(srv, idle + 61)
    r = srv.request("GET", "/lang", headers={"Cookie": "nl_sid=" + sid})
    new, _ = session_cookie(r)
    check(new and new != sid, "idle session not replaced: %r" % (r.all("set-cookie"),))
    # A busy session: a request every 25 minutes, still ended after 12 hours.
    sid, _ = new_session(srv)
    steps, ended = 0, False
    while steps * (idle - 300) <= absolute + idle:
        r = srv.request("GET", "/lang", headers={"Cookie": "nl_sid=" + sid})
        if session_cookie(r)[0] is not None:
            ended = True
            break
        advance_clock(srv, idle - 300)
        steps += 1
    elapsed = steps * (idle - 300)
    check(ended, "a busy session never ended")
    check(absolute - (idle - 300) <= elapsed <= absolute + idle, "ended after %ds" % elapsed)


@tap.test
def metrics_format(srv):
    """/metrics is Prometheus text with routes, statuses, a histogram, db time"""
    srv.request("GET", "/healthz")
    r = srv.request("GET", "/metrics")
    check(r.status == 200 and r.header("content-type").startswith("text/plain"), repr(r))
    text = r.body.decode()
    sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*"'
                        r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*")*\})? -?[0-9.e+-]+$')
    for line in text.splitlines():
        if line.startswith("#"):
            check(re.match(r"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$", line), line)
        else:
            check(sample.match(line), "bad sample line %r" % line)
    check(re.search(r'nitelik_http_requests_total\{route="/healthz",method="GET",'
                    r'status="200"\} [1-9]', text), "healthz counter")
    buckets = [int(v) for v in re.findall(r'_bucket\{le="[^"]+"\} (\d+)', text)]
    check(buckets == sorted(buckets) and buckets, "cumulative buckets")
    count = int(re.search(r"nitelik_http_request_duration_seconds_count (\d+)", text).group(1))
    check(buckets[-1] == count, "+Inf bucket equals count")
    check("nitelik_db_time_seconds_total" in text, "db time")


@tap.test
def request_log(srv):
    """the request log is JSON lines with the route pattern, never the query"""
    before = len(srv.stderr_lines)
    srv.request("GET", "/healthz?secret=hunter2")
    # wait for this request's own line (flushed within 100 ms), so the check
    # below looks at it rather than passing before it arrived
    check(srv.wait_stderr('"route":"/healthz"', after=before), "the request was not logged")
    import json
    lines = [l for l in srv.stderr_lines if l.startswith("{")]
    check(lines, "no log lines")
    for l in lines:
        obj = json.loads(l)
        check({"time", "method", "route", "status", "duration_ms", "bytes"} <= set(obj), l)
    check(not any("hunter2" in l for l in srv.stderr_lines), "query string logged")


@tap.test
def check_config(srv):
    """--check-config: the shipped nitelik.conf passes; errors name the line"""
    exe = srv.exe
    shipped = os.path.join(SOURCE_ROOT, "nitelik.conf")
    p = subprocess.run([exe, "--check-config", "--config", shipped], capture_output=True)
    check(p.returncode == 0, "shipped config: %r" % p.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write("[server]\nlisten = 127.0.0.1:1\n\n[server]\nno_such_key = 1\n")
        bad = f.name
    try:
        p = subprocess.run([exe, "--check-config", "--config", bad], capture_output=True)
        check(p.returncode != 0 and b"line 5" in p.stderr and b"no_such_key" in p.stderr,
              "unknown key: %r" % p.stderr)
    finally:
        os.unlink(bad)


@tap.test
def slow_client_timeout(srv):
    """a client that stops sending is cut off after server.connection_timeout"""
    other = Server(srv.exe, conf="[server]\nconnection_timeout = 1\n")
    try:
        other.start()
        with other.connect() as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes
            s.settimeout(10)
            t0 = time.time()
            try:
                data = s.recv(100)
            except ConnectionResetError:
                data = b""
            check(data == b"" or data.startswith(b"HTTP/1.1 4"), "got %r" % data[:80])
            check(time.time() - t0 < 5, "closed only after %.1fs" % (time.time() - t0))
        check(other.request("GET", "/healthz").status == 200, "still serving")
        check(other.stop() == 0, "exit status")
        check(not other.sanitizer_errors(), other.stderr_text()[-3000:])
    finally:
        other.cleanup()


@tap.test
def behind_tls_proxy(srv):
    """behind a TLS proxy: HSTS on every response and Secure session cookies"""
    other = Server(srv.exe, conf="[server]\nbehind_tls_proxy = true\n"
                                 "base_url = https://nitelik.example\n")
    try:
        other.start()
        r = other.request("GET", "/healthz")
        check((r.header("strict-transport-security") or "").startswith("max-age="), "HSTS")
        r = other.request("GET", "/lang", headers={"X-Forwarded-For": "203.0.113.9"})
        sid, attrs = session_cookie(r)
        check(sid and "Secure" in attrs and "HttpOnly" in attrs, "cookie %r" % attrs)
        check(other.stop() == 0, "exit status")
    finally:
        other.cleanup()


@tap.test
def openapi_contract(srv):
    """the /api/v1 answers of these tests keep docs/openapi.yaml"""
    import harness
    import openapi_check
    check(harness.API_ANSWERS, "no /api/v1 answer recorded")
    problems = openapi_check.check_all(harness.API_ANSWERS)
    check(not problems, "\n".join(problems))


@tap.test
def graceful_stop(srv):
    """SIGTERM with a request in flight: it is finished, then a clean exit"""
    body = b"lang=en&csrf=xxxxxxxxxxxxxxxxxxxxxxxxxx"
    s = srv.connect()
    s.sendall(b"POST /lang HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
              b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:10])
    time.sleep(0.3)
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    check(srv.proc.poll() is None, "exited with a request in flight")
    refused = False
    try:
        srv.connect().close()
    except OSError:
        refused = True
    check(refused, "still accepting connections while stopping")
    s.sendall(body[10:])
    r = read_response(s)
    s.close()
    check(r.status == 403, "the in-flight request was answered: %r" % r)
    rc = srv.stop(timeout=30)
    check(rc == 0, "exit status %r\n%s" % (rc, srv.stderr_text()[-2000:]))
    bad = srv.sanitizer_errors()
    check(not bad, "sanitizer report at exit: %s\n%s" % (bad, srv.stderr_text()[-4000:]))


def main():
    if len(sys.argv) != 2:
        print("usage: test_http.py PATH/TO/nitelikd", file=sys.stderr)
        return 2
    srv = Server(os.path.abspath(sys.argv[1]))
    try:
        srv.start()
    except Exception as e:  # report as one failed test so TAP stays valid
        print("1..1\nnot ok 1 - nitelikd starts\n# %s" % str(e).replace("\n", "\n# "))
        srv.cleanup()
        return 1
    try:
        return tap.run(srv)
    finally:
        srv.stop(timeout=10)
        srv.cleanup()


if __name__ == "__main__":
    sys.exit(main())
