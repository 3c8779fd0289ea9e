"""SIGHUP reopens nitelikd's request and error logs, and the shipped logrotate
sample (dist/logrotate/nitelik) rotates them without losing a line
(docs/operations.md, "Logs"). Prints TAP.

Usage: log_test.py NITELIKD SOURCE_ROOT"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
from harness import Tap, check  # noqa: E402

NITELIKD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
TMP = tempfile.mkdtemp(prefix="nl-logs-")
LOGS = os.path.join(TMP, "log")
REQ, ERR = os.path.join(LOGS, "requests.log"), os.path.join(LOGS, "error.log")
tap = Tap()
S = {}


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_for(path, text, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in read(path):
            return True
        time.sleep(0.05)
    return False


def get(path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (S["port"], path), timeout=10) as r:
        return r.status


@tap.test
def starts_with_log_files():
    """[log] file and error_file: requests and messages go to their files"""
    os.makedirs(LOGS)
    conf = os.path.join(TMP, "nitelik.conf")
    with open(conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s/data\n"
                "[log]\nfile = %s\nerror_file = %s\n[demo]\nenabled = true\n" % (TMP, REQ, ERR))
    S["proc"] = subprocess.Popen([NITELIKD, "--config", conf], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check(wait_for(ERR, "listening on"), "no start message in the error log")
    S["port"] = int(re.search(r"\(port (\d+)\)", read(ERR)).group(1))
    check(get("/healthz") == 200)
    check(wait_for(REQ, '"route":"/healthz"'), "no request line")


@tap.test
def sighup_reopens():
    """after a move and SIGHUP, new lines go to new files, none to the moved ones"""
    os.rename(REQ, REQ + ".old")
    os.rename(ERR, ERR + ".old")
    S["proc"].send_signal(signal.SIGHUP)
    check(wait_for(ERR, "SIGHUP: log files reopened"), "no reopen message in the new error log")
    moved = read(REQ + ".old")
    check(get("/healthz") == 200)
    check(wait_for(REQ, '"route":"/healthz"'), "no request line in the new request log")
    time.sleep(0.3)   # the request log is flushed every 100 ms
    check(read(REQ + ".old") == moved, "a line went to the moved request log")
    check(S["proc"].poll() is None, "SIGHUP stopped nitelikd")


@tap.test
def logrotate_sample():
    """the shipped logrotate sample rotates both files and nitelikd follows"""
    if not shutil.which("logrotate"):
        return "SKIP logrotate is not installed"
    with open(os.path.join(SOURCE, "dist", "logrotate", "nitelik")) as f:
        sample = f.read()
    # The sample as shipped, pointed at this test's folder, user and process.
    conf = sample.replace("/var/log/nitelik", LOGS).replace("nitelik adm", "root root")
    conf = re.sub(r"systemctl kill[^\n]*", "kill -HUP %d" % S["proc"].pid, conf)
    check(conf != sample and "kill -HUP" in conf)
    path = os.path.join(TMP, "logrotate.conf")
    with open(path, "w") as f:
        f.write(conf)
    os.chmod(LOGS, 0o755)
    before = read(ERR).count("reopened")
    r = subprocess.run(["logrotate", "--force", "--state", os.path.join(TMP, "state"), path],
                       capture_output=True, text=True)
    check(r.returncode == 0, r.stderr)
    check(os.path.exists(REQ + ".1") and os.path.exists(ERR + ".1"), os.listdir(LOGS))
    check(wait_for(ERR, "SIGHUP: log files reopened"), "nitelikd did not reopen")
    check(get("/healthz") == 200)
    check(wait_for(REQ, '"route":"/healthz"'), "no request line after the rotation")
    check(read(ERR).count("reopened") >= 1 and before >= 0)


@tap.test
def stops_cleanly():
    """SIGTERM still stops it"""
    S["proc"].send_signal(signal.SIGTERM)
    check(S["proc"].wait(30) == 0)
    check(wait_for(ERR, "nitelikd: stopped"))


@tap.test
def journald_friendly():
    """under systemd (Type=notify): READY=1 once it answers, RELOADING=1/READY=1 on SIGHUP, STOPPING=1; plain lines on stderr"""
    import socket
    where = os.path.join(TMP, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(where)
    sock.settimeout(20)
    conf = os.path.join(TMP, "journal.conf")
    with open(conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s/jdata\n"
                "[demo]\nenabled = true\n" % TMP)
    err_path = os.path.join(TMP, "journal.stderr")
    with open(err_path, "w") as err:
        proc = subprocess.Popen([NITELIKD, "--config", conf], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err,
                                env=dict(os.environ, NOTIFY_SOCKET=where))
    try:
        check(sock.recv(256) == b"READY=1", "no READY=1")
        m = re.search(r"\(port (\d+)\)", read(err_path))
        check(m, "READY=1 before the listening message:\n" + read(err_path))
        S["port"] = int(m.group(1))
        check(get("/healthz") == 200, "READY=1 but /healthz does not answer")
        proc.send_signal(signal.SIGHUP)
        check(sock.recv(256) == b"RELOADING=1", "no RELOADING=1 on SIGHUP")
        check(sock.recv(256) == b"READY=1", "no READY=1 after the reload")
        proc.send_signal(signal.SIGTERM)
        check(sock.recv(256) == b"STOPPING=1", "no STOPPING=1 on SIGTERM")
        check(proc.wait(30) == 0, "exit status")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sock.close()
    lines = [l for l in read(err_path).splitlines() if l.strip()]
    check(any('"route":"/healthz"' in l for l in lines), "no request line on stderr")
    # The journal stamps each line itself: none of ours starts with a date or time.
    stamped = [l for l in lines if re.match(r"\[?\d{4}-\d\d-\d\d|\[?\d\d:\d\d:\d\d", l)]
    check(not stamped, "lines with a timestamp of their own: %s" % stamped[:3])


try:
    rc = tap.run()
finally:
    if S.get("proc") and S["proc"].poll() is None:
        S["proc"].kill()
        S["proc"].wait()
    shutil.rmtree(TMP, ignore_errors=True)
sys.exit(rc)
