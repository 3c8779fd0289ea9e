"""Black-box harness for nitelikd: start it on a free port with a throw-away demo
folder, talk raw HTTP to it, stop it, and report in TAP.

Python 3 standard library only, but for the contract check that ends every
test with an /api/ answer (openapi_check.py: python3-yaml, python3-jsonschema).
Used by tests/http/test_*.py, which meson runs with the path of the nitelikd
executable as the first argument, and by tests/imza and tests/cmd."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

# Every answer under /api/ that this process saw, for the contract check
# (openapi_check.py): dicts of method, path, status, content_type, body. Filled
# by Server.request and Server.raw (the tests' own requests) and by ApiRecorder
# (the answers nitelik-imza, a C program, gets). Tap.run checks them all at the
# end of every test, so a test that talks to /api/ cannot skip the contract.
API_ANSWERS = []


def record_api(method, path, r):
    """Keeps r for the contract check when it answers a path under /api/."""
    if path.startswith("/api/"):
        API_ANSWERS.append({"method": method, "path": path, "status": r.status,
                            "content_type": r.header("content-type"), "body": r.body})

SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:")


class Response:
    """A parsed HTTP/1.1 response."""

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers      # list of (name-lower, value)
        self.body = body            # bytes

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k == name]

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.reason)


def read_response(sock, head=False, timeout=10.0):
    """Reads one response from sock (Content-Length or chunked or until close)."""
    sock.settimeout(timeout)
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            if not buf:
                raise ConnectionError("connection closed before a response")
            raise ConnectionError("connection closed inside the headers: %r" % buf[:200])
        buf += chunk
    head_bytes, rest = buf.split(b"\r\n\r\n", 1)
    lines = head_bytes.decode("iso-8859-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3}) ?(.*)", lines[0])
    if not m:
        raise ValueError("bad status line %r" % lines[0])
    status = int(m.group(1))
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip().lower(), v.strip()))
    resp = Response(status, m.group(2), headers, b"")
    if head or status in (204, 304) or 100 <= status < 200:
        resp.leftover = rest
        return resp
    te = resp.header("transfer-encoding")
    cl = resp.header("content-length")
    if te and "chunked" in te.lower():
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += _recv(sock)
            size_line, rest = rest.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                rest += _recv(sock)
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                break
        resp.body = body
    elif cl is not None:
        n = int(cl)
        while len(rest) < n:
            rest += _recv(sock)
        resp.body = rest[:n]
        rest = rest[n:]
    else:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        resp.body = rest
        rest = b""
    resp.leftover = rest
    return resp


def _recv(sock):
    chunk = sock.recv(65536)
    if not chunk:
        raise ConnectionError("connection closed inside the body")
    return chunk


class Server:
    """nitelikd running on a free port with a temporary --demo folder."""

    def __init__(self, exe, conf=None):
        """conf: extra configuration text; when given, the demo folder's
        nitelik.conf is written here (with it) instead of by nitelikd."""
        self.exe = exe
        self.dir = tempfile.mkdtemp(prefix="nitelik-http-")
        self.demo = os.path.join(self.dir, "demo")
        if conf is not None:
            os.makedirs(self.demo)
            with open(os.path.join(self.demo, "nitelik.conf"), "w") as f:
                f.write("[storage]\ndata_dir = %s\n[demo]\nenabled = true\n%s\n"
                        % (self.demo, conf))
        self.proc = None
        self.port = None
        self.listen = "127.0.0.1:0"   # a test that must know the port first sets its own
        self.stderr_lines = []
        self._reader = None

    def start(self, timeout=20.0):
        env = dict(os.environ)
        self.proc = subprocess.Popen(
            [self.exe, "--demo", self.demo, "--listen", self.listen],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=env)
        started = threading.Event()

        def reader():
            for raw in self.proc.stderr:
                line = raw.decode("utf-8", "replace")
                self.stderr_lines.append(line)
                m = re.search(r"listening on .* \(port (\d+)\)", line)
                if m and not started.is_set():
                    self.port = int(m.group(1))
                    started.set()
            started.set()

        self._reader = threading.Thread(target=reader, daemon=True)
        self._reader.start()
        if not started.wait(timeout) or self.port is None:
            self.kill()
            raise RuntimeError("nitelikd did not start:\n" + "".join(self.stderr_lines))
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                r = self.request("GET", "/healthz")
                if r.status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("/healthz never answered 200:\n" + "".join(self.stderr_lines))

    def connect(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def raw(self, data, head=False):
        """Sends raw bytes on a new connection and reads one response."""
        with self.connect() as s:
            s.sendall(data)
            r = read_response(s, head=head)
        m = re.match(rb"([A-Z]+) (/\S*) HTTP/1\.[01]\r\n", data)
        if m:
            record_api(m.group(1).decode(), m.group(2).decode("latin-1"), r)
        return r

    def request(self, method, path, body=None, headers=None, sock=None):
        """One request; on `sock` when given (keep-alive), else a new connection."""
        hdrs = {"Host": "127.0.0.1:%d" % self.port}
        if body is not None:
            hdrs["Content-Length"] = str(len(body))
        hdrs.update(headers or {})
        data = ("%s %s HTTP/1.1\r\n" % (method, path)).encode("latin-1")
        for k, v in hdrs.items():
            data += ("%s: %s\r\n" % (k, v)).encode("latin-1")
        data += b"\r\n" + (body or b"")
        if sock is not None:
            sock.sendall(data)
            r = read_response(sock, head=(method == "HEAD"))
            record_api(method, path, r)
        else:
            r = self.raw(data, head=(method == "HEAD"))   # records it
        return r

    def stop(self, sig=signal.SIGTERM, timeout=30.0):
        """Sends sig and waits; returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            self.stderr_lines.append("harness: nitelikd did not stop in %.0fs\n" % timeout)
        if self._reader:
            self._reader.join(5)
        return rc

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def sanitizer_errors(self):
        text = "".join(self.stderr_lines)
        return [m for m in SANITIZER_MARKS if m in text]

    def stderr_text(self):
        return "".join(self.stderr_lines)

    def wait_stderr(self, text, timeout=5.0, after=0):
        """True once text is in a stderr line from index `after` on. The lines are
        read by a thread and the request log is flushed every 100 ms, so a line
        may arrive a moment after the response that caused it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(text in l for l in self.stderr_lines[after:]):
                return True
            time.sleep(0.05)
        return False

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class ApiRecorder:
    """A recording HTTP proxy in front of a Server, for the clients the tests
    do not drive through Server.request (nitelik-imza, openssl ocsp, urllib):
    each request is passed on over a connection of its own and its answer
    given back whole (Content-Length, then the connection is closed), and the
    answers under /api/ are kept in API_ANSWERS. Point the client at .base."""

    def __init__(self, srv):
        self.srv = srv
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.base = "http://127.0.0.1:%d" % self.port
        self.errors = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            with conn:
                conn.settimeout(30)
                buf = b""
                while b"\r\n\r\n" not in buf:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                head, body = buf.split(b"\r\n\r\n", 1)
                lines = head.split(b"\r\n")
                method, path = lines[0].split(b" ")[:2]
                kept, length = [lines[0]], 0
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    n = name.strip().lower()
                    if n == b"content-length":
                        length = int(value.strip())
                    if n == b"expect":
                        # curl waits for 100 Continue before a large body:
                        # given here, the server gets the body at once.
                        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                        continue
                    if n in (b"connection", b"keep-alive", b"proxy-connection"):
                        continue
                    kept.append(line)
                if any(l.lower().startswith(b"transfer-encoding:") for l in kept):
                    raise ValueError("chunked request bodies are not passed on")
                while len(body) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    body += chunk
                kept.append(b"Connection: close")
                data = b"\r\n".join(kept) + b"\r\n\r\n" + body[:length]
                is_head = method == b"HEAD"
                with self.srv.connect() as up:
                    up.sendall(data)
                    r = read_response(up, head=is_head, timeout=30)
                record_api(method.decode(), path.decode("latin-1"), r)
                out = ["HTTP/1.1 %d %s" % (r.status, r.reason)]
                for k, v in r.headers:
                    if k in ("transfer-encoding", "connection", "keep-alive") or \
                            (k == "content-length" and not is_head):
                        continue
                    out.append("%s: %s" % (k, v))
                if not is_head:
                    out.append("Content-Length: %d" % len(r.body))
                out.append("Connection: close")
                conn.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") +
                             (b"" if is_head else r.body))
        except Exception as e:  # kept for the test to report; the client sees a closed connection
            self.errors.append("%s: %s" % (type(e).__name__, e))

    def close(self):
        self._stop = True
        try:
            self.sock.close()
        except OSError:
            pass


class Tap:
    """Collects test functions and prints TAP."""

    def __init__(self):
        self.tests = []

    def test(self, fn):
        self.tests.append(fn)
        return fn

    def run(self, *args):
        """Runs the tests, then the contract check over every /api/ answer
        they caused (openapi_contract, only when there was one). The plan
        comes last (TAP allows it) since only then is it known whether the
        check runs."""
        failed = 0
        i = 0
        for fn in self.tests + [openapi_contract]:
            if fn is openapi_contract:
                if not API_ANSWERS:
                    break
                args = ()
            i += 1
            name = fn.__name__
            doc = (fn.__doc__ or "").strip().splitlines()
            label = "%s - %s" % (name, doc[0]) if doc else name
            try:
                result = fn(*args)
                if isinstance(result, str) and result.startswith("SKIP"):
                    print("ok %d %s # SKIP %s" % (i, label, result[4:].strip()), flush=True)
                    continue
                print("ok %d %s" % (i, label), flush=True)
            except Exception:  # a failed assert or a broken connection
                failed += 1
                print("not ok %d %s" % (i, label), flush=True)
                for line in traceback.format_exc().splitlines():
                    print("# " + line, flush=True)
        print("1..%d" % i, flush=True)
        return 1 if failed else 0


def openapi_contract():
    """every /api/ answer of this test keeps docs/openapi.yaml (status, content type, schema)"""
    if not API_ANSWERS:
        return "SKIP no /api/ answer in this test"
    import openapi_check   # python3-yaml and python3-jsonschema; only when there is an answer
    problems = openapi_check.check_all(API_ANSWERS)
    seen = {}
    for a in API_ANSWERS:
        key = "%s %s %d" % (a["method"], re.sub(r"/\d[^/?]*", "/{..}", a["path"].split("?")[0]),
                            a["status"])
        seen[key] = seen.get(key, 0) + 1
    print("# contract: %d answers checked: %s" % (len(API_ANSWERS), ", ".join(
        "%s x%d" % kv for kv in sorted(seen.items()))), flush=True)
    check(not problems, "%d of %d answers break the contract:\n%s"
          % (len(problems), len(API_ANSWERS), "\n".join(problems[:30])))


def check(cond, msg="check failed"):
    if not cond:
        raise AssertionError(msg)
