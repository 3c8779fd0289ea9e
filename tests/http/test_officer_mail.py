#!/usr/bin/env python3
"""The access-password e-mail end to end: nitelikd runs with [mail] driver = smtp
pointed at a real SMTP server on loopback (tests/drivers/smtp_sink.py,
python3-aiosmtpd); an officer registers a person; the outbox worker delivers the
mail; the test reads what arrived (Turkish subject, text and HTML parts, the
law article, the link to the form login, the password) and logs in at the form
door with that password. Prints TAP.

usage: test_officer_mail.py PATH/TO/nitelikd"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from flows import GULSEN, Client, preapply, run_tests, staff, start_demo  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SINK = os.path.join(os.path.dirname(HERE), "drivers", "smtp_sink.py")
tap = Tap()
STATE = {}


def wait_for_mail(outdir, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = sorted(glob.glob(os.path.join(outdir, "*.json")))
        if files:
            time.sleep(0.2)   # the .json is written after the .eml
            with open(files[0], encoding="utf-8") as f:
                return json.load(f)
        time.sleep(0.2)
    return None


@tap.test
def mail_arrives(srv):
    """the access-password mail arrives at the SMTP server, in Turkish, text and HTML"""
    c = staff(srv, "kurum", "kurum-demo")
    STATE["order_no"] = str(preapply(c, id_number=GULSEN, given_name="Gülşen", surname="Işık",
                                     email="gulsen.isik@example.org", mobile="5321234567",
                                     payment_type="institution"))
    m = wait_for_mail(STATE["outdir"])
    check(m is not None, "no mail arrived at the SMTP server in 30 s:\n" + srv.stderr_text()[-2000:])
    check(m["rcpt_tos"] == ["gulsen.isik@example.org"], "recipient %r" % m["rcpt_tos"])
    check(m["subject"] == "Nitelikli Elektronik Sertifika Başvuru Formu Erişim Parolası",
          "subject %r" % m["subject"])
    types = [p["type"] for p in m["parts"]]
    check("text/plain" in types and "text/html" in types, "parts %r" % types)
    text = [p["text"] for p in m["parts"] if p["type"] == "text/plain"][0]
    html = [p["text"] for p in m["parts"] if p["type"] == "text/html"][0]
    for t in (text, html):
        check("5070 sayılı Elektronik İmza Kanunu" in t, "law article missing")
        check("http://127.0.0.1:8080/giris/form" in t, "link missing")
        check("Gülşen" in t and "SD-" + STATE["order_no"] in t, "name or order number missing")
    pw = re.search(r"erişim parolası: (\S+)", text)
    check(pw, "no password in the text")
    check(pw.group(1) in html, "HTML and text passwords differ")
    check(not m["defects"] and not m["bare_lf"], "MIME defects %r" % m["defects"])
    STATE["password"] = pw.group(1)


@tap.test
def password_from_mail_logs_in(srv):
    """the password from the mail opens the form door for that ID number"""
    if "password" not in STATE:
        return "SKIP no mail arrived"
    r = Client(srv).form_login(GULSEN, STATE["password"])
    if r.status == 404:
        return "SKIP the form door is not there"
    check(r.status == 303, "form login with the mailed password: %d %s" % (r.status, r.text[:300]))


def main():
    outdir = tempfile.mkdtemp(prefix="nitelik-sink-")
    STATE["outdir"] = outdir
    # Debian's python3 has python3-aiosmtpd; another python3 first on PATH may not.
    py = os.environ.get("NL_TEST_PYTHON") or (
        "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
    sink = subprocess.Popen([py, SINK, outdir], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = sink.stdout.readline().strip()
        if not line.isdigit():
            print("1..0 # SKIP the SMTP sink did not start (python3-aiosmtpd missing?)")
            return 0
        port = int(line)
        srv = start_demo(sys.argv[1], "\n[mail]\ndriver = smtp\nurl = smtp://127.0.0.1:%d\n"
                         "starttls = off\nfrom = noreply@nitelik.example.org\n"
                         "from_name = Nitelik SM\n" % port)
        return run_tests(tap, srv)
    finally:
        sink.terminate()
        sink.wait(10)
        shutil.rmtree(outdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
