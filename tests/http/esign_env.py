"""The e-İmza test bed shared by tests/http/test_esign*.py: nitelikd in demo
mode with a CA of its own (`nitelik ca init` in the demo folder), the signer
beside it, a SoftHSM2 token holding AYŞE YILMAZ's qualified certificate
(scripts/demo-token.sh), software keys certified by the same CA for the
refusal cases, and a second, foreign test CA made with the openssl command
(expired and non-qualified certificates). Standard library + openssl only.

Exports Env(exes) with .srv, .sign_token(code), .cms(cert, key, text),
.issue(name, tckn, ...), and env_main(), the main function of a test on it;
the browser steps are in flows.py."""

import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ApiRecorder, Server, check  # noqa: E402
from flows import CAPTCHA, finish  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = "/usr/lib/softhsm/libsofthsm2.so"


class SkipEngine(Exception):
    """The engine asked for is not available."""


def run(cmd, env=None, check_rc=True, input=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(cmd, env=e, capture_output=True, input=input)
    if check_rc and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s %s" % (cmd[0], p.returncode,
                             p.stdout.decode("utf-8", "replace")[-800:],
                             p.stderr.decode("utf-8", "replace")[-800:]))
    return p


class Env:
    def __init__(self, nitelikd, nitelik, signer, imza, conf_extra="", engine="sqlite"):
        nitelikd, nitelik, signer, imza = (os.path.abspath(x) for x in (nitelikd, nitelik, signer, imza))
        self.exe = {"nitelikd": nitelikd, "nitelik": nitelik, "signer": signer, "imza": imza}
        self.srv = Server(nitelikd)
        self.data = self.srv.demo
        os.makedirs(self.data, exist_ok=True)
        # engine "sqlite" (default) or "postgres": a fresh database on the
        # cluster of NL_TEST_PG_URL (scripts/test.sh starts one).
        self.pg_admin = None
        self.db_url = "sqlite:%s/nitelik.db" % self.data
        if engine == "postgres":
            admin = os.environ.get("NL_TEST_PG_URL", "")
            if not admin.startswith("postgres"):
                raise SkipEngine("NL_TEST_PG_URL not set")
            name = "esign_http_%d" % os.getpid()
            run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS %s" % name])
            run(["psql", admin, "-qc", "CREATE DATABASE %s" % name])
            self.pg_admin, self.pg_name = admin, name
            self.db_url = admin.rsplit("/", 1)[0] + "/" + name
        with open(os.path.join(self.data, "nitelik.conf"), "w") as f:
            f.write("[server]\nlisten = 127.0.0.1:0\nbase_url = http://127.0.0.1:8080\n\n"
                    "[storage]\ndata_dir = %s\ndatabase = %s\n\n"
                    # the ETSI form over HTTP (e-İmza, production); the Turkish
                    # default in ca_e2e.sh and tests/pki/test_profile.c
                    "[ca]\nserial_number_form = etsi\n\n"
                    "[demo]\nenabled = true\nfixed_captcha = %s\n%s"
                    % (self.data, self.db_url, CAPTCHA, conf_extra))
        os.environ["NITELIK_DB"] = self.db_url   # for `nitelik cert ...`
        self.tmp = os.path.join(self.srv.dir, "work")
        os.makedirs(self.tmp)
        self.signer = None
        run([nitelik, "ca", "init", "--data", self.data, "--base-url", "http://127.0.0.1:1"])
        self.signer = subprocess.Popen([signer, "--demo", "--data", self.data], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sock = os.path.join(self.data, "ca", "signer.sock")
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        self.token_dir = os.path.join(self.data, "imza-token")
        try:
            self.srv.start()   # migrates the database that `nitelik cert issue` writes to
            run([os.path.join(ROOT, "scripts", "demo-token.sh"), self.data],
                env={"NITELIK_IMZA": imza, "NITELIK_CLI": nitelik})
        except BaseException:
            self.close()       # no server or signer left behind
            raise
        self.token_env = {"SOFTHSM2_CONF": os.path.join(self.token_dir, "softhsm2.conf")}
        # nitelik-imza and the other outside clients reach the server through
        # the recorder, so their /api/ answers meet the contract check too
        # (harness.ApiRecorder, Tap.run); .direct is the server itself.
        self.direct = "http://127.0.0.1:%d" % self.srv.port
        self.recorder = ApiRecorder(self.srv)
        self.base = self.recorder.base

    def close(self):
        recorder = getattr(self, "recorder", None)
        if recorder:
            recorder.close()
            for e in recorder.errors:
                print("# recording proxy: %s" % e, flush=True)
        rc = self.srv.stop() if self.srv.proc else None
        if self.signer:
            self.signer.terminate()
            self.signer.wait(10)
        if self.pg_admin:
            run(["psql", self.pg_admin, "-qc", "DROP DATABASE IF EXISTS %s" % self.pg_name],
                check_rc=False)
        return rc

    def sql(self, query, *args):
        """One row of a SELECT on the test database (either engine); %s parameters
        are integers only."""
        q = query % tuple(int(a) for a in args)
        if self.pg_admin:
            out = run(["psql", self.db_url, "-AtF", "|", "-c", q]).stdout.decode().strip()
            return tuple(int(x) if x.lstrip("-").isdigit() else x for x in out.split("|")) if out else None
        import sqlite3
        with sqlite3.connect(os.path.join(self.data, "nitelik.db")) as d:
            return d.execute(q).fetchone()

    # ---- signing ----
    def sign_token(self, code, pin="123456", extra=None):
        """nitelik-imza with the demo token; returns the CompletedProcess."""
        cmd = [self.exe["imza"], "--server", self.base, "--module", MODULE, "--token", "demo-kart"]
        cmd += (extra or []) + [code]
        env = dict(self.token_env)
        env["NITELIK_IMZA_PIN"] = pin
        return run(cmd, env=env, check_rc=False, input=b"")

    def issue(self, name, tckn, given="TEST", surname="KİŞİ"):
        """A software key certified by our CA: (cert, key) paths."""
        key = os.path.join(self.tmp, name + ".key")
        csr = os.path.join(self.tmp, name + ".csr")
        cert = os.path.join(self.tmp, name + ".pem")
        run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", key, "-subj", "/CN=x", "-out", csr])
        run([self.exe["nitelik"], "cert", "issue", "--data", self.data, "--csr", csr,
             "--given", given, "--surname", surname, "--tckn", tckn, "--out", cert])
        return cert, key

    def serial(self, cert):
        out = run(["openssl", "x509", "-in", cert, "-noout", "-serial"]).stdout.decode()
        return out.strip().split("=")[1]

    def cms(self, cert, key, text, extra=None, certfile=None):
        """CAdES-BES over text with the openssl command (DER bytes)."""
        tf = os.path.join(self.tmp, "text.txt")
        with open(tf, "wb") as f:
            f.write(text.encode("utf-8") if isinstance(text, str) else text)
        cmd = ["openssl", "cms", "-sign", "-binary", "-nodetach", "-cades", "-md", "sha256",
               "-signer", cert, "-inkey", key, "-in", tf, "-outform", "DER"]
        if certfile:
            cmd += ["-certfile", certfile]
        return run(cmd + (extra or [])).stdout

    def foreign_ca(self):
        """A second provider's root in the trust list, and a function that
        issues certificates from it with chosen extensions and dates."""
        d = os.path.join(self.tmp, "foreign")
        os.makedirs(os.path.join(d, "new"), exist_ok=True)
        open(os.path.join(d, "index.txt"), "w").close()
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("1000\n")
        conf = os.path.join(d, "ca.cnf")
        with open(conf, "w") as f:
            f.write("""[ca]
default_ca = foreign
[foreign]
dir = %s
database = $dir/index.txt
new_certs_dir = $dir/new
serial = $dir/serial
certificate = $dir/root.pem
private_key = $dir/root.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
countryName = optional
serialNumber = optional
givenName = optional
surname = optional
commonName = supplied
[qualified]
keyUsage = critical, nonRepudiation
qcStatements = DER:30:0a:30:08:06:06:04:00:8e:46:01:01
[plain]
keyUsage = critical, nonRepudiation
[root_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
""" % d)
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", os.path.join(d, "root.key"), "-subj", "/CN=Foreign Test Root/C=TR",
             "-days", "3650", "-out", os.path.join(d, "root.pem"),
             "-config", conf, "-extensions", "root_ext"])
        trust = os.path.join(self.data, "esign", "trust")
        os.makedirs(trust, exist_ok=True)
        with open(os.path.join(d, "root.pem")) as src, \
                open(os.path.join(trust, "foreign.pem"), "w") as dst:
            dst.write(src.read())

        def issue(name, tckn, ext, start=None, end=None):
            key = os.path.join(d, name + ".key")
            csr = os.path.join(d, name + ".csr")
            cert = os.path.join(d, name + ".pem")
            run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                 "-subj", "/C=TR/serialNumber=PNOTR-%s/CN=Foreign %s" % (tckn, name), "-out", csr])
            cmd = ["openssl", "ca", "-batch", "-config", conf, "-in", csr, "-out", cert,
                   "-extensions", ext, "-notext"]
            cmd += ["-startdate", start] if start else []
            cmd += ["-enddate", end] if end else ["-days", "365"]
            run(cmd)
            return cert, key
        return issue


def wait_page(c, path):
    """GET the waiting page: (code digits, code id, html)."""
    r = c.req("GET", path)
    check(r.status == 200, "GET %s: %d %s" % (path, r.status, r.text[:300]))
    m = re.search(r'id="esign-code">(\d{15})<', r.text)
    i = re.search(r'/imza/(\d+)/durum', r.text)
    check(m and i, "no code on %s: %s" % (path, r.text[:600]))
    return m.group(1), i.group(1), r.text


def status(c, code_id):
    r = c.req("GET", "/imza/%s/durum" % code_id)
    check(r.status == 200, "durum: %d %s" % (r.status, r.text[:200]))
    return json.loads(r.text)


def api_text(srv, code):
    r = srv.request("GET", "/api/v1/imza/%s" % code)
    return r.status, json.loads(r.body or b"{}")


def api_post(srv, code, cms):
    r = srv.request("POST", "/api/v1/imza/%s" % code, body=cms,
                    headers={"Content-Type": "application/cms"})
    return r.status, json.loads(r.body or b"{}")


def audit_verifies_clean(env):
    """After the flows: a checkpoint signed through the signer (the bed's
    token key), then `nitelik audit verify` finds the chain, the checkpoints
    and every order, payment, certificate and consent row intact
    (docs/audit.md); a failure names the first broken record."""
    nitelik = env.exe["nitelik"]
    p = run([nitelik, "audit", "checkpoint", "--data", env.data, "--db", env.db_url])
    out = p.stdout.decode()
    if "checkpoint at record" not in out and "no checkpoint needed" not in out:
        raise AssertionError("audit checkpoint: %s" % out)
    p = run([nitelik, "audit", "verify", "--data", env.data, "--db", env.db_url], check_rc=False)
    out = p.stdout.decode() + p.stderr.decode()
    if p.returncode != 0 or "audit chain OK" not in out or "checkpoints)" not in out:
        raise AssertionError("audit verify (%d): %s" % (p.returncode, out))


def env_main(tap, args, conf_extra):
    """Runs tap against a test bed made from args (nitelikd nitelik signer imza
    [engine]) with conf_extra in its configuration: the exit status."""
    args = list(args)
    engine = "sqlite"
    if args and args[-1] in ("sqlite", "postgres"):
        engine = args.pop()
    try:
        env = Env(*args[:4], conf_extra=conf_extra, engine=engine)
    except SkipEngine as e:
        print("1..0 # SKIP %s" % e)
        return 0
    print("# engine: %s" % engine)
    status = 1
    try:
        status = tap.run(env)
    finally:
        rc = env.close()
        status = finish(env.srv, status, rc)
        env.srv.cleanup()
    return status
