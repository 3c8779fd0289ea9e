#!/usr/bin/env python3
"""The signer is a wall, not a convention (issue 10, item 3), TAP.

A production signer (no --demo) started as root with [signer] user and
client_user: it becomes its own system user, lets only the client user connect
(socket group + SO_PEERCRED), keeps the PIN and the token to itself, runs under
its seccomp filter, bounds frames and connections, and signs only what its
policy allows. Throw-away system users nitelik-t (the nitelikd user) and
nitelik-signer-t (the signer's) are created when missing; needs root.

usage: test_signer_wall.py NITELIK NITELIK_SIGNER"""
import os
import pwd
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

NITELIK, SIGNER = sys.argv[1], sys.argv[2]
CLIENT, SIGNER_USER = "nitelik-t", "nitelik-signer-t"
NL_OK, NL_ERR_INVALID, NL_ERR_FORBIDDEN, NL_ERR_TOO_LARGE, NL_ERR_BUSY = 0, 2, 5, 10, 13
OP_PING, OP_CERT, OP_OCSP = 1, 2, 4

n = 0
failed = 0


def result(good, what, detail=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if good else "not ok", n, what))
    if not good:
        failed += 1
        for line in str(detail).splitlines():
            print("# " + line)
    sys.stdout.flush()


def as_user(user):
    """preexec_fn: become user (and its group only)."""
    pw = pwd.getpwnam(user)

    def become():
        os.setgroups([pw.pw_gid])
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return become


def run(args, user=None, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=60,
                          preexec_fn=as_user(user) if user else None, **kw)


def frame(kind, payload=b"", length=None):
    size = len(payload) + 1 if length is None else length
    return struct.pack(">IB", size, kind) + payload


def read_frame(s):
    head = b""
    while len(head) < 5:
        c = s.recv(5 - len(head))
        if not c:
            return None, b""
        head += c
    size, kind = struct.unpack(">IB", head)
    body = b""
    while len(body) < size - 1:
        c = s.recv(size - 1 - len(body))
        if not c:
            break
        body += c
    return kind, body


def ask(sock_path, frames, user=None):
    """Sends frames from a child running as user; returns [(status, body)] or
    an error string. A child, because SO_PEERCRED sees the connecting process."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        out = []
        try:
            if user:
                as_user(user)()
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(sock_path)
            for f in frames:
                try:
                    s.sendall(f)
                except OSError:
                    pass   # a refusal closes at once: its frame is still there to read
                try:
                    got = read_frame(s)
                except OSError:
                    got = (None, b"")
                out.append(got)
                if got[0] is None:
                    break
            s.close()
            data = repr(out)
        except Exception as e:   # noqa: BLE001 - reported to the parent
            data = repr("%s: %s" % (type(e).__name__, e))
        os.write(w, data.encode())
        os._exit(0)
    os.close(w)
    data = b""
    while True:
        c = os.read(r, 65536)
        if not c:
            break
        data += c
    os.close(r)
    os.waitpid(pid, 0)
    import ast
    return ast.literal_eval(data.decode())


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (creates system users)")
        return 0
    for u in (CLIENT, SIGNER_USER):
        try:
            pwd.getpwnam(u)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                            "--user-group", u], check=True)
    cpw, spw = pwd.getpwnam(CLIENT), pwd.getpwnam(SIGNER_USER)
    t = tempfile.mkdtemp(prefix="nitelik-wall-")
    os.chmod(t, 0o755)
    d = os.path.join(t, "d")
    proc = None
    try:
        run([NITELIK, "ca", "init", "--data", d], check=True)
        # The deployment of docs/ca.md: the data folder is nitelikd's, the PIN
        # and the token store the signer's alone, ca/ readable by both.
        for root, dirs, files in os.walk(d):
            for x in dirs + files:
                os.chown(os.path.join(root, x), cpw.pw_uid, cpw.pw_gid)
        os.chown(d, cpw.pw_uid, cpw.pw_gid)
        ca = os.path.join(d, "ca")
        for root, dirs, files in os.walk(os.path.join(d, "softhsm")):
            for x in dirs + files:
                p = os.path.join(root, x)
                os.chown(p, spw.pw_uid, spw.pw_gid)
                os.chmod(p, 0o700 if os.path.isdir(p) else 0o600)
        os.chown(os.path.join(d, "softhsm"), spw.pw_uid, spw.pw_gid)
        os.chmod(os.path.join(d, "softhsm"), 0o700)
        os.chown(ca, spw.pw_uid, spw.pw_gid)
        os.chmod(ca, 0o755)
        os.chmod(os.path.join(ca, "ca.conf"), 0o644)   # paths only, no secret
        pin = os.path.join(ca, "pin")
        os.chown(pin, spw.pw_uid, spw.pw_gid)
        os.chmod(pin, 0o600)
        sock = os.path.join(ca, "signer.sock")

        def conf(extra):
            p = os.path.join(t, "nitelik.conf")
            with open(p, "w") as f:
                f.write("[storage]\ndata_dir = %s\n[signer]\n%s" % (d, extra))
            return p
        good = "user = %s\nclient_user = %s\n" % (SIGNER_USER, CLIENT)

        # Production refuses the unsafe set-ups.
        r = run([SIGNER, "--config", conf("user = %s\n" % SIGNER_USER)])
        result(r.returncode != 0 and "client_user" in r.stderr,
               "production without signer.client_user is refused", r.stderr)
        r = run([SIGNER, "--config", conf("user = %s\nclient_user = %s\n" % (CLIENT, CLIENT))])
        result(r.returncode != 0 and "own system user" in r.stderr,
               "production as the same user as the client is refused", r.stderr)
        r = run([SIGNER, "--config", conf("client_user = %s\n" % CLIENT)])
        result(r.returncode != 0 and "own system user" in r.stderr,
               "production as root is refused", r.stderr)
        os.chmod(pin, 0o640)
        r = run([SIGNER, "--config", conf(good)])
        result(r.returncode != 0 and "group or others" in r.stderr,
               "production with a group-readable PIN file is refused", r.stderr)
        os.chmod(pin, 0o600)

        # The signer as it should run.
        log = open(os.path.join(t, "signer.log"), "w+")
        proc = subprocess.Popen([SIGNER, "--config", conf(good)], stderr=log)
        for _ in range(300):
            log.seek(0)
            if "listening" in log.read() or proc.poll() is not None:
                break
            time.sleep(0.05)
        log.seek(0)
        text = log.read()
        result("listening" in text, "the production signer starts", text)
        if proc.poll() is not None:
            print("1..%d" % n)
            return 1
        status = open("/proc/%d/status" % proc.pid).read()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uids = fields.get("Uid", "").split()
        groups = fields.get("Groups", "").split()
        result(uids and all(int(u) == spw.pw_uid for u in uids) and
               all(int(g) == spw.pw_gid for g in groups),
               "it runs as its own user with only its own group", status)
        result(fields.get("Seccomp", "").strip() == "2", "it runs under its seccomp filter",
               fields.get("Seccomp"))
        st = os.stat(sock)
        result(st.st_mode & 0o777 == 0o660 and st.st_gid == cpw.pw_gid,
               "the socket is 0660, group of the client user", oct(st.st_mode))

        # What the nitelikd user can and cannot do.
        r = run(["cat", pin], user=CLIENT)
        result(r.returncode != 0 and "Permission denied" in r.stderr,
               "as the nitelikd user, reading the PIN file fails", r.stdout + r.stderr)
        r = run(["ls", os.path.join(d, "softhsm", "tokens")], user=CLIENT)
        result(r.returncode != 0, "as the nitelikd user, the token store cannot be read", r.stdout)
        r = run([NITELIK, "ca", "ping", "--data", d], user=CLIENT)
        result(r.returncode == 0, "the nitelikd user is served", r.stderr)
        r = run([NITELIK, "ca", "crl", "--data", d], user=CLIENT)
        result(r.returncode == 0 and "CRL published" in r.stdout,
               "the nitelikd user has a CRL signed (under the filter)", r.stdout + r.stderr)

        got = ask(sock, [frame(OP_PING)], user=None)
        result(isinstance(got, list) and got and got[0][0] == NL_ERR_FORBIDDEN,
               "a connection from root (not the allowed uid) is refused", got)
        got = ask(sock, [frame(OP_PING)], user="nobody")
        result(not isinstance(got, list) or not got or got[0][0] != NL_OK,
               "a connection from another user is refused", got)
        got = ask(sock, [frame(OP_CERT, b"", length=2 * 1024 * 1024 + 1), frame(OP_PING)], user=CLIENT)
        result(isinstance(got, list) and got[0][0] == NL_ERR_TOO_LARGE and
               (len(got) < 2 or got[1][0] is None),
               "an oversized frame (2 MiB) is refused and the connection closed", got)
        digest = bytes(range(32))
        got = ask(sock, [frame(OP_CERT, digest), frame(OP_OCSP, digest), frame(77, digest),
                         frame(OP_PING)], user=CLIENT)
        result(isinstance(got, list) and all(g[0] == NL_ERR_INVALID for g in got[:3]) and
               got[3] == (NL_OK, b"pong"),
               "a frame asking to sign an arbitrary digest is refused (as a certificate, "
               "an OCSP status, an unknown operation)", got)

        # Connections are bounded: 32 open, the 33rd is refused with a reason.
        held = []
        pid = os.fork()
        if pid == 0:
            as_user(CLIENT)()
            code = 1
            try:
                for _ in range(32):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.settimeout(10)
                    s.connect(sock)
                    s.sendall(frame(OP_PING))
                    if read_frame(s)[0] != NL_OK:
                        os._exit(2)
                    held.append(s)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect(sock)
                k, body = read_frame(s)
                code = 0 if k == NL_ERR_BUSY else 3
                for h in held:
                    h.close()
                time.sleep(0.3)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.settimeout(10)
                s.connect(sock)
                s.sendall(frame(OP_PING))
                if code == 0 and read_frame(s)[0] != NL_OK:
                    code = 4
            except Exception:   # noqa: BLE001
                code = 5
            os._exit(code)
        _, code = os.waitpid(pid, 0)
        result(os.WEXITSTATUS(code) == 0,
               "32 connections are served, the 33rd is refused (busy), then served again",
               "child exit %d" % os.WEXITSTATUS(code))

        proc.terminate()
        rc = proc.wait(20)
        log.seek(0)
        text = log.read()
        result(rc == 0 and "stopped" in text and "refused a request of" in text,
               "it stops cleanly under the filter (SIGTERM)", "exit %d\n%s" % (rc, text))
        proc = None
    finally:
        if proc:
            proc.kill()
            proc.wait()
        shutil.rmtree(t, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
