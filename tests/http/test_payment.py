#!/usr/bin/env python3
"""HTTP black-box tests of payment (docs/payment.md): Borç Sorgulama (only
order number and amount; the same answer for an unknown number; captcha;
per-address limit), a person-paid order paid through the virtual POS
simulator (status moves, debt gone, mail in the outbox), the same callback
replayed (nothing twice), forged and mismatched callbacks refused (and
logged), a bank reconciliation file with a good line, a duplicate, a bad
amount and an unknown order, the price page, and `nitelik price` /
`nitelik payments import` on the same database. Prints TAP.

usage: test_payment.py PATH/TO/nitelikd [PATH/TO/nitelik]"""

import hashlib
import hmac
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
import flows  # noqa: E402
from flows import CAPTCHA, run_tests, start_demo  # noqa: E402

SECRET = "test-pos-secret-0123456789abcdef"
MEHMET = "57855534068"        # demo person, person-paid order (SD-100002)
AYSE = "64172043210"          # demo person, institution-paid: no debt
UNKNOWN = "10000000146"       # valid checksum, nobody in the demo
tap = Tap()
STATE = {}


def tckn(seed):
    """A T.C. number with valid check digits from a 9-digit seed."""
    d = [int(x) for x in str(seed)]
    d10 = ((sum(d[0:9:2]) * 7) - sum(d[1:8:2])) % 10
    d11 = (sum(d) + d10) % 10
    return "".join(map(str, d + [d10, d11]))


class Client(flows.Client):
    addr_net = "198.51.100"

    def lookup(self, number, captcha=CAPTCHA):
        csrf = self.csrf("/borc-sorgulama")
        self.req("GET", "/captcha.png")
        return self.req("POST", "/borc-sorgulama", {"csrf": csrf, "captcha": captcha,
                                                    "tckn": number})


def staff(srv, user, password):
    return flows.staff(srv, user, password, client=Client)


def debt_rows(text):
    return re.findall(r"<td>SD-(\d+)</td>\s*<td>([^<]*)", text)


def main_part(text):
    """The page's main element without the per-request tokens."""
    m = text.split("<main", 1)[1].split("</main>", 1)[0]
    m = re.sub(r'name="csrf" value="[^"]*"', "", m)
    return re.sub(r"captcha\.png\?n=\d+", "", m)


def preapply_person_paid(srv, number, given, email):
    return flows.preapply(staff(srv, "kurum", "kurum-demo"), id_number=number, given_name=given,
                          surname="TEST", email=email, mobile="5329998877",
                          payment_type="person")


def outbox(srv):
    return flows.outbox(Client(srv))


def pay_by_simulator(srv, number, order_no, card="4111111111111111"):
    """Look-up, pay, and return (client, callback fields) before posting them."""
    c = Client(srv)
    r = c.lookup(number)
    check(r.status == 200, "look-up: %d" % r.status)
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = c.req("POST", "/odeme/SD-%d" % order_no, {"csrf": csrf})
    check(r.status == 303, "start: %d %s" % (r.status, r.text[:300]))
    loc = r.header("location")
    m = re.search(r"/sanal-pos/sim/([0-9a-f]{32})$", loc)
    check(m, "not sent to the bank page: %s" % loc)
    r = c.req("GET", "/sanal-pos/sim/" + m.group(1))
    check(r.status == 200 and "SD-%d" % order_no in r.text, "bank page: %d" % r.status)
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = c.req("POST", "/sanal-pos/sim/" + m.group(1), {
        "csrf": csrf, "card_number": card, "expiry": "12/30", "cvv": "123", "action": "pay"})
    check(r.status == 200, "bank answer: %d" % r.status)
    check('action="/odeme/geri-donus"' in r.text, "no return form")
    check("pos-return.js" in r.text, "no auto-submit script")
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', r.text))
    check(set(fields) == {"session", "order_no", "amount", "currency", "status", "bank_ref",
                          "mac"}, "fields %r" % fields)
    return c, fields


def sign(fields):
    canon = "\n".join(["v1", fields["session"], fields["order_no"], fields["amount"],
                       fields["currency"], fields["status"], fields["bank_ref"]])
    return hmac.new(SECRET.encode(), canon.encode(), hashlib.sha256).hexdigest()


def callback(srv, fields):
    """The bank's post: a fresh client, no cookie, no CSRF token."""
    return Client(srv).req("POST", "/odeme/geri-donus", fields)


# ---- Borç Sorgulama ----

@tap.test
def lookup_shows_number_and_amount_only(srv):
    """a look-up lists SD number and amount (VAT shown) and nothing personal"""
    r = Client(srv).lookup(MEHMET)
    check(r.status == 200, "look-up: %d" % r.status)
    rows = debt_rows(r.text)
    check(rows == [("100002", "600,00 TL ")], "rows %r" % rows)
    check("KDV" in r.text or "VAT" in r.text, "VAT not shown")
    page = main_part(r.text)
    for personal in ("MEHMET", "ÖZTÜRK", "mehmet", "5337654321", MEHMET):
        check(personal not in page, "personal data on the page: %s" % personal)


@tap.test
def lookup_same_shape_for_unknown(srv):
    """an unknown number and a number without debts get the same page"""
    a = Client(srv).lookup(UNKNOWN)
    b = Client(srv).lookup(AYSE)
    check(a.status == b.status == 200, "status %d %d" % (a.status, b.status))
    check(main_part(a.text) == main_part(b.text), "the pages differ")
    check(not debt_rows(a.text), "rows for an unknown number")


@tap.test
def lookup_needs_captcha(srv):
    """a wrong captcha shows no debts"""
    r = Client(srv).lookup(MEHMET, captcha="WRONG")
    check(r.status == 400, "wrong captcha: %d" % r.status)
    check(not debt_rows(r.text), "debts shown without the captcha")


@tap.test
def lookup_throttled_per_address(srv):
    """the look-ups of one address are limited (429 after the limit)"""
    c = Client(srv)
    statuses = [c.lookup(UNKNOWN).status for _ in range(6)]
    check(statuses[:5] == [200] * 5 and statuses[5] == 429, "statuses %r" % statuses)
    check(Client(srv).lookup(UNKNOWN).status == 200, "another address is locked too")


@tap.test
def pay_needs_lookup(srv):
    """POST /odeme/{no} without a look-up of that order in the session: 404"""
    c = Client(srv)
    csrf = c.csrf("/borc-sorgulama")
    r = c.req("POST", "/odeme/SD-100002", {"csrf": csrf})
    check(r.status == 404, "pay without look-up: %d" % r.status)


# ---- the virtual POS ----

def person_login(srv, number):
    return flows.person(srv, number, client=Client)


@tap.test
def owner_sees_debt_and_pays(srv):
    """Başvurularım detail: the owner sees the amount and Kartla Öde starts the payment"""
    p = person_login(srv, MEHMET)
    r = p.req("GET", "/basvurularim/100002")
    check(r.status == 200, "detail: %d" % r.status)
    m = re.search(r'<dd class="debt">([^<]*)', r.text)
    check(m and m.group(1).strip() == "600,00 TL", "debt shown: %r" % (m and m.group(1)))
    check('action="/odeme/SD-100002"' in r.text, "no pay button")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = p.req("POST", "/odeme/SD-100002", {"csrf": csrf})
    check(r.status == 303 and "/sanal-pos/sim/" in r.header("location"), "pay: %d" % r.status)
    STATE["owner_session"] = r.header("location").rsplit("/", 1)[1]
    # Another person's order: no debt block, and it cannot be paid from here.
    r = p.req("POST", "/odeme/SD-100001", {"csrf": csrf})
    check(r.status == 404, "pay another's order: %d" % r.status)


@tap.test
def pos_declined_card(srv):
    """a declined demo card records nothing and the debt stays"""
    c, f = pay_by_simulator(srv, MEHMET, 100002, card="4000000000000002")
    check(f["status"] == "declined", "status %r" % f["status"])
    check(f["session"] == STATE["owner_session"], "the open session was not reused")
    r = callback(srv, f)
    check(r.status == 303 and "/odeme/SD-100002/sonuc" in r.header("location"),
          "declined callback: %d" % r.status)
    r = c.req("GET", r.header("location"))
    check("pay-declined" in r.text, "result page does not say declined")
    check(debt_rows(Client(srv).lookup(MEHMET).text), "the debt is gone after a decline")


@tap.test
def pos_paid(srv):
    """paid through the simulator: status moves, debt gone, mail in the outbox"""
    c, f = pay_by_simulator(srv, MEHMET, 100002)
    check(f["status"] == "approved" and f["amount"] == "60000", "fields %r" % f)
    STATE["fields"] = f
    r = callback(srv, f)
    check(r.status == 303, "callback: %d %s" % (r.status, r.text[:300]))
    r = c.req("GET", r.header("location"))
    check(r.status == 200 and "pay-ok" in r.text and "600,00 TL" in r.text, "result page")
    check(not debt_rows(Client(srv).lookup(MEHMET).text), "the debt is still open")
    box = outbox(srv)
    check(box.count("Ödemeniz alındı (SD-100002)") == 1, "payment mail not in the outbox")
    check("mehmet.ozturk@example.org" in box, "mail not to the person")
    # Başvurularım: "Başvuru Formu Bekleniyor" (form_payment_wait -> form_wait).
    p = person_login(srv, MEHMET)
    check('class="debt"' not in p.req("GET", "/basvurularim/100002").text, "debt after payment")
    r = p.req("GET", "/basvurularim")
    row = re.search(r"SD-100002.*?</tr>", r.text, re.S)
    check(row and "Başvuru Formu Bekleniyor" in row.group(0) and
          "Ödeme" not in row.group(0), "status on Başvurularım: %r" % (row and row.group(0)))


@tap.test
def pos_replayed(srv):
    """the same callback again: the same answer, nothing recorded twice"""
    f = STATE["fields"]
    for _ in range(2):
        r = callback(srv, f)
        check(r.status == 303, "replay: %d" % r.status)
    check(outbox(srv).count("Ödemeniz alındı (SD-100002)") == 1, "a second mail")


@tap.test
def pos_forged(srv):
    """a forged MAC, a mismatched amount or order, an unknown session: refused and logged"""
    f = dict(STATE["fields"])
    bad = dict(f, mac="0" * 64)
    r = callback(srv, bad)
    check(r.status == 400, "forged MAC: %d" % r.status)
    cases = [("amount_mismatch", dict(f, amount="100")),
             ("order_mismatch", dict(f, order_no="100001")),
             ("unknown_session", dict(f, session="f" * 32))]
    for reason, g in cases:
        g["mac"] = sign(g)
        r = callback(srv, g)
        check(r.status == 400, "%s: %d" % (reason, r.status))
        check(srv.wait_stderr("refused: %s" % reason), "not logged: " + reason)
    check(srv.wait_stderr("refused: bad_signature"), "forged MAC not logged")
    check(outbox(srv).count("Ödemeniz alındı (SD-100002)") == 1, "something was recorded")


@tap.test
def pos_mismatched_amount_on_open_session(srv):
    """a correctly signed callback with another amount on an open session is refused"""
    n = tckn(123456780)
    no = preapply_person_paid(srv, n, "ALİ", "ali.test@example.org")
    _, f = pay_by_simulator(srv, n, no)
    g = dict(f, amount="1")
    g["mac"] = sign(g)
    check(callback(srv, g).status == 400, "mismatched amount accepted")
    check(debt_rows(Client(srv).lookup(n).text), "debt gone after a refused callback")
    check(callback(srv, f).status == 303, "the genuine callback after it")
    check(not debt_rows(Client(srv).lookup(n).text), "debt still open")


# ---- bank reconciliation ----

def upload(c, csv_text):
    csrf = c.csrf("/yonetim/banka-mutabakat")
    return c.upload("/yonetim/banka-mutabakat", csrf, "banka.csv", csv_text.encode())


def report(text):
    counts = {k: int(v) for k, v in re.findall(r'<span class="count-(\w+)">(\d+)</span>', text)}
    lines = re.findall(r'<tr class="line-(\w+)" data-reason="(\w*)"><td>(\d+)</td>'
                       r'<td>([^<]*)</td>', text)
    return counts, [(o, int(n), ref, reason) for o, reason, n, ref in lines]


@tap.test
def bank_file(srv):
    """a good line, a duplicate, a bad amount, an unknown order: one import, right report"""
    n = tckn(234567891)
    no = preapply_person_paid(srv, n, "AYLA", "ayla.test@example.org")
    STATE["bank_order"] = no
    csv_text = ("tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
                "2026-11-20;atm;VKF-0001;SD-%d;600,00\n"
                "2026-11-20;atm;VKF-0001;SD-%d;600,00\n"
                "2026-11-20;sube;VKF-0002;SD-%d;6OO,00\n"
                "20.11.2026;internet;VKF-0003;SD-999999;600,00\n"
                "2026-11-20;mobil;VKF-0004;SD-100002;600,00\n" % (no, no, no))
    a = staff(srv, "admin", "admin-demo")
    r = upload(a, csv_text)
    check(r.status == 200, "import: %d %s" % (r.status, r.text[:500]))
    counts, lines = report(r.text)
    check(counts == {"recorded": 1, "skipped": 1, "refused": 3}, "counts %r" % counts)
    check(lines == [("recorded", 2, "VKF-0001", ""), ("skipped", 3, "VKF-0001", "duplicate"),
                    ("refused", 4, "VKF-0002", "bad_amount"),
                    ("refused", 5, "VKF-0003", "unknown_order"),
                    ("refused", 6, "VKF-0004", "no_open_debt")], "lines %r" % lines)
    check(not debt_rows(Client(srv).lookup(n).text), "bank-paid debt still open")
    check(srv.wait_stderr("line 4 refused: bad_amount (ref VKF-0002)"), "not logged")
    check(outbox(srv).count("Ödemeniz alındı (SD-%d)" % no) == 1, "no payment mail")
    # The same file again: the known reference is skipped, nothing recorded.
    r = upload(a, csv_text)
    counts, _ = report(r.text)
    check(counts == {"recorded": 0, "skipped": 2, "refused": 3}, "again: %r" % counts)
    check(outbox(srv).count("Ödemeniz alındı (SD-%d)" % no) == 1, "a second payment mail")


@tap.test
def bank_file_by_tckn_and_mismatch(srv):
    """a T.C. number with one open debt matches; an amount other than the debt is refused"""
    n = tckn(345678912)
    no = preapply_person_paid(srv, n, "CAN", "can.test@example.org")
    a = staff(srv, "admin", "admin-demo")
    r = upload(a, "tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
                  "2026-11-20;atm;ZRT-1;%s;599,99\n"
                  "2026-11-20;atm;ZRT-2;%s;600,00\n" % (n, n))
    counts, lines = report(r.text)
    check(counts == {"recorded": 1, "skipped": 0, "refused": 1}, "counts %r" % counts)
    check(lines[0][3] == "amount_mismatch", "lines %r" % lines)
    check(not debt_rows(Client(srv).lookup(n).text), "debt of SD-%d still open" % no)


@tap.test
def bank_file_refused_whole(srv):
    """a file without the header is refused whole; officers may not import"""
    a = staff(srv, "admin", "admin-demo")
    r = upload(a, "2026-11-20;atm;X-1;SD-100001;600,00\n")
    check(r.status == 400 and "bad_header" in r.text, "no header: %d" % r.status)
    k = staff(srv, "kurum", "kurum-demo")
    check(k.req("GET", "/yonetim/banka-mutabakat").status == 403, "officer may import")
    check(Client(srv).req("GET", "/yonetim/banka-mutabakat").status == 303, "anonymous")


# ---- prices ----

@tap.test
def prices_page(srv):
    """the admin sees the nine prices with VAT and sets one; officers may not"""
    a = staff(srv, "admin", "admin-demo")
    r = a.req("GET", "/yonetim/fiyatlar")
    check(r.status == 200, "prices: %d" % r.status)
    check(len(re.findall(r'<tr data-period="\d"', r.text)) == 9, "not nine rows")
    check("500,00 TL" in r.text and "100,00 TL" in r.text, "net and VAT of 600,00 missing")
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = a.req("POST", "/yonetim/fiyatlar", {"csrf": csrf, "period": "3", "card_reader": "mini",
                                             "amount": "2.400,00", "vat": "20"})
    check(r.status == 200 and "2.400,00 TL" in r.text, "set: %d" % r.status)
    r = a.req("POST", "/yonetim/fiyatlar", {"csrf": csrf, "period": "3", "card_reader": "mini",
                                             "amount": "abc", "vat": "20"})
    check(r.status == 400, "bad amount: %d" % r.status)
    k = staff(srv, "kurum", "kurum-demo")
    check(k.req("GET", "/yonetim/fiyatlar").status == 403, "officer sees prices admin")


@tap.test
def cli_price_and_import(srv):
    """nitelik price set|list and nitelik payments import on the server's database"""
    nitelik = STATE.get("nitelik")
    if not nitelik:
        return "SKIP no nitelik executable"
    env = dict(os.environ, NITELIK_DB="sqlite:%s/nitelik.db" % srv.demo)
    out = subprocess.run([nitelik, "price", "set", "--period", "2", "--reader", "standard",
                          "--amount", "1.500,00", "--vat", "20"], env=env,
                         capture_output=True, text=True)
    check(out.returncode == 0, "price set: %s" % out.stderr)
    out = subprocess.run([nitelik, "price", "list"], env=env, capture_output=True, text=True)
    check(out.returncode == 0 and "1.500,00 TL" in out.stdout and "1.250,00 TL" in out.stdout,
          "price list: %s" % out.stdout)
    n = tckn(456789123)
    no = preapply_person_paid(srv, n, "EDA", "eda.test@example.org")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
                "2026-11-21;cagri;CLI-1;%d;600,00\n" % no)
    try:
        out = subprocess.run([nitelik, "payments", "import", f.name], env=env,
                             capture_output=True, text=True)
        check(out.returncode == 0 and "1 recorded" in out.stdout, "import: %s %s"
              % (out.stdout, out.stderr))
        out = subprocess.run([nitelik, "payments", "import", f.name], env=env,
                             capture_output=True, text=True)
        check("0 recorded, 1 skipped" in out.stdout, "again: %s" % out.stdout)
    finally:
        os.unlink(f.name)
    check(not debt_rows(Client(srv).lookup(n).text), "debt still open after the CLI import")


@tap.test
def redirect_driver(srv):
    """[pos] driver = redirect: 303 to the bank's page with a signed request; its callback records"""
    other = start(srv.exe, "[pos]\ndriver = redirect\nurl = https://bank.example/3d\n"
                           "merchant_id = NITELIK01\nsecret = %s\n" % SECRET)
    try:
        c = Client(other)
        r = c.lookup(MEHMET)
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
        r = c.req("POST", "/odeme/SD-100002", {"csrf": csrf})
        check(r.status == 303, "start: %d" % r.status)
        loc = urllib.parse.urlsplit(r.header("location"))
        check(loc.scheme == "https" and loc.netloc == "bank.example" and loc.path == "/3d",
              "location %r" % r.header("location"))
        q = dict(urllib.parse.parse_qsl(loc.query))
        check(q["merchant"] == "NITELIK01" and q["order_no"] == "100002" and
              q["amount"] == "60000" and q["currency"] == "TRY" and
              q["return_url"] == "http://127.0.0.1:8080/odeme/geri-donus", "query %r" % q)
        canon = "\n".join(["v1req", q["merchant"], q["session"], q["order_no"], q["amount"],
                           "TRY", q["return_url"]])
        want = hmac.new(SECRET.encode(), canon.encode(), hashlib.sha256).hexdigest()
        check(hmac.compare_digest(q["mac"], want), "request MAC")
        check(c.req("GET", "/sanal-pos/sim/" + q["session"]).status == 404,
              "the simulated bank answers with a real bank configured")
        f = {"session": q["session"], "order_no": "100002", "amount": "60000",
             "currency": "TRY", "status": "approved", "bank_ref": "BANK-77"}
        f["mac"] = sign(f)
        check(callback(other, f).status == 303, "bank callback refused")
        check(not debt_rows(Client(other).lookup(MEHMET).text), "debt still open")
    finally:
        other.stop()
        other.cleanup()


def start(exe, pos=None):
    return start_demo(exe, "\n[throttle]\naddr_max_failures = 5\n\n%s"
                      % (pos or "[pos]\nsecret = %s\n" % SECRET), tls_proxy=True)


def main():
    STATE["nitelik"] = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    return run_tests(tap, start(sys.argv[1]))

if __name__ == "__main__":
    sys.exit(main())
