"""The shipped nginx TLS front (dist/nginx/nitelik.conf, README "Install on a
server" step 4) in front of nitelikd configured as the README says
(behind_tls_proxy, an https base_url): `nginx -t` accepts the sample as
shipped but for its ports, upstream, certificate and paths; over TLS pages and
the API answer with HSTS and Secure cookies; plain HTTP redirects to https
except /repo/ and /ocsp, which relying parties fetch over HTTP. Prints TAP.

Usage: tls_front_test.py NITELIKD SOURCE_ROOT"""

import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
from harness import Server, Tap, check, read_response, record_api  # noqa: E402

NITELIKD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "ca.example.org"
TMP = tempfile.mkdtemp(prefix="nl-tls-")
tap = Tap()
S = {}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def nginx_conf(upstream, http_port, https_port):
    """The sample, changed only where a test machine must differ."""
    with open(os.path.join(SOURCE, "dist", "nginx", "nitelik.conf"), encoding="utf-8") as f:
        site = f.read()
    site = site.replace("server 127.0.0.1:8080;", "server 127.0.0.1:%d;" % upstream)
    site = re.sub(r"listen 80;", "listen 127.0.0.1:%d;" % http_port, site)
    site = re.sub(r"listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % https_port, site)
    site = re.sub(r"\n\s*listen \[::\]:[^\n]*", "", site)   # no IPv6 needed on loopback
    site = site.replace("/etc/ssl/certs/ca.example.org.pem", os.path.join(TMP, "cert.pem"))
    site = site.replace("/etc/ssl/private/ca.example.org.key", os.path.join(TMP, "key.pem"))
    check(site.count("127.0.0.1:%d" % https_port) == 1 and "cert.pem" in site, "sample changed")
    return ("worker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
            "events { worker_connections 64; }\nhttp {\n"
            "access_log %s/access.log;\nclient_body_temp_path %s/body;\n"
            "proxy_temp_path %s/proxy;\nfastcgi_temp_path %s/fcgi;\nuwsgi_temp_path %s/uwsgi;\n"
            "scgi_temp_path %s/scgi;\n%s\n}\n" % ((TMP,) * 8 + (site,)))


def https(method, path, body=None, headers=None):
    """One request over TLS to nginx (SNI and Host ca.example.org)."""
    ctx = ssl.create_default_context(cafile=os.path.join(TMP, "cert.pem"))
    hdrs = {"Host": HOST, "Connection": "close"}
    if body is not None:
        hdrs["Content-Length"] = str(len(body))
    hdrs.update(headers or {})
    data = ("%s %s HTTP/1.1\r\n" % (method, path)).encode() + "".join(
        "%s: %s\r\n" % kv for kv in hdrs.items()).encode() + b"\r\n" + (body or b"")
    with socket.create_connection(("127.0.0.1", S["https"]), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=HOST) as s:
            s.sendall(data)
            r = read_response(s)
    record_api(method, path, r)
    return r


def plain(path):
    with socket.create_connection(("127.0.0.1", S["http"]), timeout=10) as s:
        s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                   % (path, HOST)).encode())
        return read_response(s)


@tap.test
def front_starts():
    """nitelikd behind_tls_proxy with an https base_url; nginx -t accepts the sample; nginx starts"""
    if not os.access(NGINX, os.X_OK):
        S["skip"] = "nginx is not installed (scripts/deps.sh installs nginx-light)"
        return "SKIP " + S["skip"]
    srv = Server(NITELIKD, conf="[server]\nbehind_tls_proxy = true\nbase_url = https://%s\n" % HOST)
    S["srv"] = srv
    srv.start()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=" + HOST,
                    "-addext", "subjectAltName=DNS:" + HOST, "-keyout",
                    os.path.join(TMP, "key.pem"), "-out", os.path.join(TMP, "cert.pem")],
                   check=True, capture_output=True)
    S["http"], S["https"] = free_port(), free_port()
    conf = os.path.join(TMP, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_conf(srv.port, S["http"], S["https"]))
    r = subprocess.run([NGINX, "-t", "-p", TMP, "-c", conf], capture_output=True, text=True)
    check(r.returncode == 0, "nginx -t: " + r.stderr)
    S["nginx"] = subprocess.Popen([NGINX, "-p", TMP, "-c", conf, "-g", "daemon off;"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", S["https"]), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    check(S["nginx"].poll() is None, "nginx stopped: %s" % S["nginx"].stderr.read())


def needs_front():
    if "skip" in S:
        return "SKIP " + S["skip"]
    check("nginx" in S, "no front")
    return None


@tap.test
def tls_pages():
    """over TLS: /healthz and a page with HSTS, a Secure HttpOnly session cookie"""
    skip = needs_front()
    if skip:
        return skip
    r = https("GET", "/healthz")
    check(r.status == 200, "healthz %r" % r)
    check((r.header("strict-transport-security") or "").startswith("max-age="), "no HSTS")
    r = https("GET", "/lang")
    cookies = [c for c in r.all("set-cookie") if c.startswith("nl_sid=")]
    check(cookies and "Secure" in cookies[0] and "HttpOnly" in cookies[0], "cookie %r" % cookies)
    r = https("GET", "/")
    check(r.status == 200 and b"Nitelik" in r.body, "home %r" % r)


@tap.test
def tls_api():
    """over TLS: the API answers (its document, a token refusal) keep the contract"""
    skip = needs_front()
    if skip:
        return skip
    r = https("GET", "/api/v1/openapi.json")
    check(r.status == 200 and "/kilit/{code}" in json.loads(r.body)["paths"], "openapi %r" % r)
    r = https("GET", "/api/v1/preapplications")
    check(r.status == 401 and r.header("www-authenticate") == "Bearer", "no token: %r" % r)


@tap.test
def plain_http():
    """plain HTTP: a page redirects to https; /repo/ and /ocsp are served as they are"""
    skip = needs_front()
    if skip:
        return skip
    r = plain("/giris/form")
    check(r.status == 301 and r.header("location") == "https://%s/giris/form" % HOST, "%r %s"
          % (r, r.header("location")))
    r = plain("/repo/")
    check(r.status == 200 and r.header("location") is None, "/repo/ over HTTP: %r" % r)
    r = plain("/ocsp/MAo=")
    check(r.status != 301, "/ocsp redirected")


@tap.test
def stops():
    """nginx and nitelikd stop cleanly"""
    skip = needs_front()
    if skip:
        return skip
    S["nginx"].send_signal(signal.SIGQUIT)
    check(S["nginx"].wait(20) == 0, "nginx exit")
    check(S["srv"].stop() == 0, "nitelikd exit")
    check(not S["srv"].sanitizer_errors(), S["srv"].stderr_text()[-3000:])


try:
    rc = tap.run()
finally:
    if S.get("nginx") and S["nginx"].poll() is None:
        S["nginx"].kill()
        S["nginx"].wait()
    if S.get("srv"):
        S["srv"].cleanup()
    shutil.rmtree(TMP, ignore_errors=True)
sys.exit(rc)
