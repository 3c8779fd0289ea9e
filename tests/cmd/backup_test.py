"""`nitelik backup` and `nitelik restore` (docs/operations.md, "Backups"): a
demo server with orders, payments, certificates and audit records is backed up
while it runs; the backup restored into an empty folder holds every one of
those rows unchanged and `nitelik audit verify` passes; the CA's secrets are
left out; a changed backup, a non-empty folder and PostgreSQL without pg_dump
are refused with a clear message; the restored folder, with the CA backup
(`nitelik ca restore`) put back over it, runs: its CA signs, nitelikd serves
it. Prints TAP.

Usage: backup_test.py NITELIKD NITELIK NITELIK_SIGNER"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))
from harness import Tap, check  # noqa: E402
import flows  # noqa: E402

NITELIKD, NITELIK, SIGNER = (os.path.abspath(p) for p in sys.argv[1:4])
TMP = tempfile.mkdtemp(prefix="nl-backup-")
TABLES = ("orders", "payments", "certificates", "audit_log")
tap = Tap()
S = {}


def tckn(seed):
    d = [int(x) for x in str(seed)]
    d10 = ((sum(d[0:9:2]) * 7) - sum(d[1:8:2])) % 10
    d11 = (sum(d) + d10) % 10
    return "".join(map(str, d + [d10, d11]))


def nitelik(*args, env=None, ok=True):
    r = subprocess.run([NITELIK] + list(args), capture_output=True, text=True,
                       env=dict(os.environ, **(env or {})))
    if ok:
        check(r.returncode == 0, "nitelik %s: %d\n%s%s" % (" ".join(args), r.returncode,
                                                          r.stdout, r.stderr))
    return r


def rows(db_path):
    """Every row of the tables a restore must keep, by table."""
    con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        return {t: con.execute("SELECT * FROM %s ORDER BY 1" % t).fetchall() for t in TABLES}
    finally:
        con.close()


@tap.test
def world(srv):
    """a running demo with orders, a payment, certificates (one revoked) and audit records"""
    data = srv.demo
    kurum = flows.staff(srv, "kurum", "kurum-demo")
    nos = [flows.preapply(kurum, id_number=tckn(456789120 + i), given_name="YEDEK",
                          surname="TEST", email="y%d@example.org" % i, mobile="5329998877",
                          payment_type="person") for i in range(2)]
    bank = os.path.join(TMP, "bank.csv")
    with open(bank, "w") as f:
        f.write("tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
                "2026-11-21;cagri;YEDEK-1;%d;600,00\n" % nos[0])
    out = nitelik("payments", "import", bank, "--data", data)
    check("1 recorded" in out.stdout, out.stdout)
    nitelik("ca", "init", "--data", data, "--key-file-demo")
    # One user runs everything here: a signer that keeps nitelikd's user apart
    # (issue 10) needs --demo for that.
    demo = ["--demo"] if "--demo" in subprocess.run([SIGNER, "--help"], capture_output=True,
                                                     text=True).stdout else []
    S["signer"] = subprocess.Popen([SIGNER, "--data", data] + demo, stderr=subprocess.DEVNULL)
    sock = os.path.join(data, "ca", "signer.sock")
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.1)
    serials = []
    for i in range(2):
        key, csr = os.path.join(TMP, "k%d.pem" % i), os.path.join(TMP, "r%d.csr" % i)
        subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", "/CN=x",
                        "-out", csr], check=True, capture_output=True)
        r = nitelik("cert", "issue", "--data", data, "--csr", csr, "--given", "YEDEK",
                    "--surname", "KOPYA%d" % i, "--tckn", tckn(456789130 + i),
                    "--out", os.path.join(TMP, "c%d.pem" % i))
        serials.append(r.stderr.split("serial ")[1].split()[0])
    nitelik("cert", "revoke", "--data", data, serials[1], "--reason", "keyCompromise")
    nitelik("ca", "crl", "--data", data)
    got = rows(os.path.join(data, "nitelik.db"))
    check(len(got["orders"]) >= 5 and len(got["payments"]) >= 1 and
          len(got["certificates"]) == 2 and len(got["audit_log"]) >= 10,
          {t: len(v) for t, v in got.items()})


@tap.test
def backup_online(srv):
    """nitelik backup while nitelikd runs: database, data files, manifest; no CA secrets"""
    data, out = srv.demo, os.path.join(TMP, "backup")
    S["before"] = rows(os.path.join(data, "nitelik.db"))
    r = nitelik("backup", "--data", data, "--out", out)
    S["after"] = rows(os.path.join(data, "nitelik.db"))
    check("left out: ca/pin" in r.stdout or "left out: softhsm" in r.stdout
          or "left out: ca/root.key" in r.stdout, r.stdout)
    check("nitelik ca backup" in r.stdout, r.stdout)
    for f in ("manifest.json", "database.sqlite", "data/ca/root.pem", "data/ca/ca.conf",
              "data/repo/issuing.crl"):
        check(os.path.isfile(os.path.join(out, f)), f)
    for secret in ("data/ca/pin", "data/ca/root.key", "data/ca/issuing.key", "data/softhsm",
                   "data/nitelik.db", "data/nitelik.db-wal", "data/ca/signer.sock"):
        check(not os.path.exists(os.path.join(out, secret)), secret + " is in the backup")
    check(oct(os.stat(out).st_mode & 0o777) == "0o700", "the backup folder is open")
    r = nitelik("backup", "--data", data, "--out", out, ok=False)
    check(r.returncode == 1 and "not empty" in r.stderr, "a second backup into the same folder")
    r = nitelik("backup", "--data", data, "--out", os.path.join(data, "bk"), ok=False)
    check(r.returncode == 1 and "inside the data folder" in r.stderr, "a backup into itself")


@tap.test
def restore_finds_everything(srv):
    """restore into an empty folder: every order, payment, certificate and audit record"""
    target = os.path.join(TMP, "restored")
    r = nitelik("restore", "--data", target, "--from", os.path.join(TMP, "backup"))
    check("audit chain OK" in r.stdout, r.stdout)
    got = rows(os.path.join(target, "nitelik.db"))
    for t in TABLES:
        check(got[t] == S["before"][t] or got[t] == S["after"][t],
              "%s differs: %d rows restored, %d before" % (t, len(got[t]), len(S["before"][t])))
    r = nitelik("audit", "verify", "--data", target)
    check(r.stdout.startswith("audit chain OK"), r.stdout)
    with open(os.path.join(srv.demo, "ca", "root.pem"), "rb") as a, \
            open(os.path.join(target, "ca", "root.pem"), "rb") as b:
        check(a.read() == b.read(), "root.pem differs")
    check(oct(os.stat(target).st_mode & 0o777) == oct(os.stat(srv.demo).st_mode & 0o777),
          "the data folder's mode was not restored")
    with open(os.path.join(target, "ca", "ca.conf")) as f:
        conf = f.read()
    check(target in conf and srv.demo not in conf, "ca.conf still names the old folder")
    S["target"] = target


@tap.test
def restored_server_runs(srv):
    """disaster recovery: restore, then ca restore of the CA backup; the restored CA signs and nitelikd serves the restored orders"""
    data, target = srv.demo, S["target"]
    pw = os.path.join(TMP, "pass")
    with open(pw, "w") as f:
        f.write("a long test passphrase\n")
    cabak = os.path.join(TMP, "ca.bak")
    nitelik("ca", "backup", "--data", data, "--out", cabak, "--passphrase-file", pw)
    # The restored folder holds ca/ (certificates, ca.conf) but no secrets:
    # the CA backup puts them back over it.
    r = nitelik("ca", "restore", "--data", target, "--in", cabak, "--passphrase-file", pw,
                "--force")
    check(r.returncode == 0, r.stdout + r.stderr)
    demo = ["--demo"] if "--demo" in subprocess.run([SIGNER, "--help"], capture_output=True,
                                                     text=True).stdout else []
    signer = subprocess.Popen([SIGNER, "--data", target] + demo, stderr=subprocess.DEVNULL)
    other = None
    try:
        sock = os.path.join(target, "ca", "signer.sock")
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        r = nitelik("ca", "crl", "--data", target)
        check("CRL published" in r.stdout + r.stderr, r.stdout + r.stderr)
        # nitelikd on the restored folder (its own nitelik.conf came back with it).
        other = flows.Server(NITELIKD)
        other.demo = target
        other.start()
        r = other.request("GET", "/repo/issuing.crl")
        check(r.status == 200 and len(r.body) > 100, "the restored CRL is not served: %r" % r)
        ops = flows.staff(other, "kurum", "kurum-demo")
        page = ops.page("/kurum")
        check("YEDEK" in page.text, "the restored orders are not on the officer's list")
        check(other.stop() == 0, "exit status")
    finally:
        if other:
            other.cleanup()
        signer.terminate()
        signer.wait()


@tap.test
def restore_refuses_nonempty(srv):
    """restore into a folder that holds data is refused and changes nothing"""
    db = os.path.join(S["target"], "nitelik.db")
    before = os.stat(db).st_mtime_ns
    r = nitelik("restore", "--data", S["target"], "--from", os.path.join(TMP, "backup"), ok=False)
    check(r.returncode == 1 and "not empty" in r.stderr, r.stderr)
    check(os.stat(db).st_mtime_ns == before, "the database was touched")


@tap.test
def restore_refuses_changed_backup(srv):
    """a changed file in the backup is found before anything is written"""
    copy = os.path.join(TMP, "changed")
    shutil.copytree(os.path.join(TMP, "backup"), copy)
    with open(os.path.join(copy, "data", "ca", "root.pem"), "ab") as f:
        f.write(b"\n")
    target = os.path.join(TMP, "restored2")
    r = nitelik("restore", "--data", target, "--from", copy, ok=False)
    check(r.returncode == 1 and "root.pem" in r.stderr and "changed" in r.stderr, r.stderr)
    check(not os.path.exists(target) or not os.listdir(target), "something was written")
    os.unlink(os.path.join(copy, "manifest.json"))
    r = nitelik("restore", "--data", target, "--from", copy, ok=False)
    check(r.returncode == 1 and "manifest.json" in r.stderr, r.stderr)


@tap.test
def postgres_guidance(srv):
    """PostgreSQL: the data folder is backed up, pg_dump is looked for and its command shown"""
    pg = "postgresql://nobody@127.0.0.1:1/nitelik"
    data = os.path.join(TMP, "pgdata")
    os.makedirs(os.path.join(data, "esign"))
    with open(os.path.join(data, "esign", "x.txt"), "w") as f:
        f.write("x")
    fake = os.path.join(TMP, "bin")
    os.makedirs(fake)
    with open(os.path.join(fake, "pg_dump"), "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(os.path.join(fake, "pg_dump"), 0o755)
    r = nitelik("backup", "--data", data, "--db", pg, "--out", os.path.join(TMP, "pg1"),
                env={"PATH": fake})
    check("pg_dump --format=custom" in r.stdout and "pg_restore" in r.stdout, r.stdout)
    check(os.path.isfile(os.path.join(TMP, "pg1", "data", "esign", "x.txt")))
    r = nitelik("backup", "--data", data, "--db", pg, "--out", os.path.join(TMP, "pg2"),
                env={"PATH": os.path.join(TMP, "empty")}, ok=False)
    check(r.returncode == 1 and "pg_dump is not installed" in r.stderr, r.stderr)
    r = nitelik("restore", "--data", os.path.join(TMP, "pgr"), "--from",
                os.path.join(TMP, "backup"), "--db", pg, ok=False)
    check(r.returncode == 1 and "PostgreSQL" in r.stderr, r.stderr)


srv = flows.start_demo(NITELIKD)
try:
    rc = flows.run_tests(tap, srv)
finally:
    if S.get("signer"):
        S["signer"].terminate()
        S["signer"].wait()
    shutil.rmtree(TMP, ignore_errors=True)
sys.exit(rc)
