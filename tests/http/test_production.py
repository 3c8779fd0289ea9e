#!/usr/bin/env python3
"""HTTP black-box tests of production and shipping (issue 7 items 5-7, 9):
nitelikd with its own CA and signer, cards as SoftHSM2 tokens under the data
folder, the production operator's /uretim page, Gönderi Sorgulama.

 - an order forced into Üretim Bekleniyor without an approved form, then
   without a payment: refused with the reason, audited, nothing issued;
 - a first certificate (person-paid, paid by a bank file): the key pair made
   on the card and never extractable, the certificate read back from the card
   and verified by `openssl verify` against the CA chain, the PIN letter
   handed out once, its PIN opening the card;
 - the card shipped, Gönderi Sorgulama following it to Teslim Edildi with no
   personal data; notifications of every step in the outbox;
 - a loss replacement (Kayıp/Çalıntı) that revokes exactly the holder's
   certificates of the same institution (checked with `openssl ocsp`);
 - a renewal held back until 2 months before the old certificate ends, then
   valid from the old one's end (dates checked with openssl).

usage: test_production.py NITELIKD NITELIK NITELIK_SIGNER NITELIK_IMZA [sqlite|postgres]"""

import os
import re
import sys
import tempfile
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from esign_env import MODULE, ROOT, env_main, run, status, wait_page  # noqa: E402
from flows import (AYSE, CAPTCHA, ISIL, MEHMET, Client, applicant, choose_wet,  # noqa: E402
                   fill_and_confirm, ra_decide, url)
from flows import staff as staff_login  # noqa: E402

tap = Tap()
S = {}


# ---- helpers ----

def staff(env, user, password):
    return staff_login(env.srv, user, password)


def operator(env):
    if "op" not in S:
        S["op"] = staff(env, "uretim", "uretim-demo")
    return S["op"]


def op_post(env, path, form=None):
    op = operator(env)
    p = op.page("/uretim")
    f = {"csrf": p.csrf}
    f.update(form or {})
    return op.req("POST", path, f)


def batch(env):
    r = op_post(env, "/uretim/parti")
    check(r.status == 200, "batch: %d %s" % (r.status, r.text[:600]))
    return r


def item(text, no):
    """(state, card, serial, error) of SD-no in the batch report."""
    m = re.search(r'<tr class="result-(\w+)" data-order="SD-%s">\s*<td>[^<]*</td><td>[^<]*</td>'
                  r'<td>([^<]*)</td><td class="mono">([^<]*)</td><td>([^<]*)</td>' % no, text)
    return m.groups() if m else None


def set_status(env, no, st):
    exec_sql(env, "UPDATE orders SET status = '%s' WHERE order_no = %d" % (st, int(no)))


def exec_sql(env, q):
    if env.pg_admin:
        run(["psql", env.db_url, "-qc", q])
    else:
        import sqlite3
        with sqlite3.connect(os.path.join(env.data, "nitelik.db")) as d:
            d.execute(q)


def order_status(env, no):
    return env.sql("SELECT status FROM orders WHERE order_no = %s", no)[0]


def approve_wet(env, c):
    """Islak İmza, then the registration officer registers the paper."""
    choose_wet(c)
    r = c.req("GET", url(c, "form.pdf"))
    m = re.search(r'-(NF[A-Z2-7]{12})\.pdf"', r.header("content-disposition") or "")
    check(r.status == 200 and m, "form pdf: %d" % r.status)
    r = ra_decide(staff(env, "kayit", "kayit-demo"), m.group(1), "kabul")
    check(r.status == 303, "RA kabul: %d %s" % (r.status, r.text[:300]))


def openssl(*args):
    return run(["openssl"] + list(args)).stdout.decode()


def card_env(env):
    return {"SOFTHSM2_CONF": os.path.join(env.data, "cards", "softhsm2.conf")}


def read_card_cert(env, label, obj="imza"):
    out = os.path.join(env.tmp, "%s-%s.der" % (label, obj))
    run(["pkcs11-tool", "--module", MODULE, "--token-label", label, "--read-object",
         "--type", "cert", "--label", obj, "-o", out], env=card_env(env))
    pem = out[:-4] + ".pem"
    openssl("x509", "-inform", "DER", "-in", out, "-out", pem)
    return pem


def dates(pem):
    out = openssl("x509", "-in", pem, "-noout", "-startdate", "-enddate")
    f = dict(line.split("=", 1) for line in out.strip().splitlines())

    def t(s):
        return int(datetime.strptime(s, "%b %d %H:%M:%S %Y GMT").replace(tzinfo=timezone.utc).timestamp())
    return t(f["notBefore"]), t(f["notAfter"])


def ocsp(env, pem):
    """'good' or 'revoked' (with the reason) from openssl ocsp against /ocsp."""
    ca = os.path.join(env.data, "ca")
    out = run(["openssl", "ocsp", "-issuer", os.path.join(ca, "issuing.pem"), "-cert", pem,
               "-url", "http://127.0.0.1:%d/ocsp" % env.srv.port,
               "-CAfile", os.path.join(ca, "root.pem"),
               "-verify_other", os.path.join(ca, "issuing.pem"), "-resp_text"]).stdout.decode()
    m = re.search(r"^%s: (\w+)" % re.escape(pem), out, re.M)
    reason = re.search(r"Reason: (\w+)", out)
    return (m.group(1) if m else out[-300:]), (reason.group(1) if reason else None)


def outbox_count(env, no, like):
    return env.sql("SELECT count(*) FROM outbox x JOIN orders o ON o.id = x.order_id"
                   " WHERE o.order_no = %s AND x.body_text LIKE '%%" + like + "%%'", no)[0]


def track(env, q, captcha=CAPTCHA):
    c = Client(env.srv)
    p = c.page("/gonderi-sorgulama")
    check(c.req("GET", "/captcha.png").status == 200, "captcha")
    return c.req("POST", "/gonderi-sorgulama", {"csrf": p.csrf, "captcha": captcha, "q": q})


# ---- tests ----

@tap.test
def access(env):
    """/uretim: anonymous to the staff login, the RA 403, the operator lands on it"""
    r = Client(env.srv).req("GET", "/uretim")
    check(r.status == 303 and r.header("location") == "/kurum/giris", "anonymous: %d" % r.status)
    ra = staff(env, "kayit", "kayit-demo")
    check(ra.req("GET", "/uretim").status == 403, "RA may see production")
    op = operator(env)
    check(op.home == "/uretim", "operator's home: %s" % op.home)
    page = op.req("GET", "/uretim").text
    check("Üretim Partisi Başlat" in page and "Üretim Görevlisi · uretim" in page, "page")


@tap.test
def refused_not_approved(env):
    """an order in Üretim Bekleniyor without an approved form is refused, audited, not issued"""
    c = applicant(env.srv, MEHMET)
    S["mehmet"] = c
    set_status(env, c.no, "production_wait")
    r = batch(env)
    it = item(r.text, c.no)
    check(it and it[0] == "refused" and "not_approved" in it[3], "report: %s" % (it,))
    check(order_status(env, c.no) == "production_wait", "status moved")
    check(env.sql("SELECT count(*) FROM certificates c JOIN orders o ON o.id = c.order_id"
                  " WHERE o.order_no = %s", c.no)[0] == 0, "a certificate was issued")
    check(env.sql("SELECT count(*) FROM audit_log a JOIN orders o ON o.id = a.entity_id"
                  " WHERE a.entity = 'order' AND a.action = 'production_refused'"
                  " AND o.order_no = %s", c.no)[0] == 1, "refusal not audited")
    check(env.srv.wait_stderr('"production":"refused"'), "refusal not logged")
    set_status(env, c.no, "form_payment_wait")


@tap.test
def refused_not_paid(env):
    """approved but unpaid, forced into Üretim Bekleniyor: retried by the operator, refused as unpaid"""
    c = S["mehmet"]
    fill_and_confirm(c, "0533 765 43 21", email="mehmet.ozturk@example.org", period="1",
                     card_reader="none")
    approve_wet(env, c)
    check(order_status(env, c.no) == "payment_wait", "after approval: %s" % order_status(env, c.no))
    set_status(env, c.no, "production_wait")
    r = op_post(env, "/uretim/SD-%s/yeniden" % c.no)
    check(r.status == 200 and "production-notice" in r.text, "retry: %d" % r.status)
    r = batch(env)
    it = item(r.text, c.no)
    check(it and it[0] == "refused" and "not_paid" in it[3], "report: %s" % (it,))
    check(env.sql("SELECT count(*) FROM certificates c JOIN orders o ON o.id = c.order_id"
                  " WHERE o.order_no = %s", c.no)[0] == 0, "a certificate was issued")
    set_status(env, c.no, "payment_wait")


@tap.test
def card_failure_compensated(env):
    """a card failing after issuance: its certificate revoked, retried, marked failed, retried by hand"""
    c = S["mehmet"]
    path = os.path.join(env.tmp, "banka.csv")
    with open(path, "w") as f:
        f.write("tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
                "2026-11-20;atm;PRD-0001;SD-%s;600,00\n" % c.no)
    r = run([env.exe["nitelik"], "payments", "import", path, "--db", env.db_url,
             "--web-dir", os.path.join(ROOT, "web")], check_rc=False)
    check(order_status(env, c.no) == "production_wait",
          "bank file: %s %s" % (order_status(env, c.no), r.stderr.decode()[-300:]))
    op_post(env, "/uretim/SD-%s/yeniden" % c.no)
    flag = os.path.join(env.data, "cards", "inject-write-failure")
    os.makedirs(os.path.dirname(flag), exist_ok=True)
    open(flag, "w").close()
    try:
        for attempt, want in ((1, "scheduled"), (2, "scheduled"), (3, "failed")):
            r = batch(env)
            it = item(r.text, c.no)
            check(it and it[0] == want and "injected" in it[3],
                  "attempt %d: %s" % (attempt, it,))
            rows = env.sql("SELECT count(*), sum(CASE WHEN c.status = 'revoked' AND c.reason = 5"
                           " THEN 1 ELSE 0 END) FROM certificates c JOIN orders o"
                           " ON o.id = c.order_id WHERE o.order_no = %s", c.no)
            check(rows[0] == attempt and rows[1] == attempt,
                  "attempt %d: certificates %s (all must be revoked)" % (attempt, rows))
            check(order_status(env, c.no) == "production_wait", "status moved without a card")
            objs = run(["pkcs11-tool", "--module", MODULE, "--token-label", it[1],
                        "--list-objects"], env=card_env(env), check_rc=False).stdout.decode()
            check(it[1] and "Object" not in objs,
                  "attempt %d: the spoiled card %s is not empty: %s" % (attempt, it[1], objs))
        r = batch(env)
        check(item(r.text, c.no) is None, "a failed card was retried without the operator")
    finally:
        os.unlink(flag)
    r = op_post(env, "/uretim/SD-%s/yeniden" % c.no)
    check(r.status == 200, "retry: %d" % r.status)


@tap.test
def card_check_failure_compensated(env):
    """the card is checked after the certificate is written: a certificate beside the wrong key is compensated"""
    c = S["mehmet"]
    before = env.sql("SELECT count(*) FROM certificates c JOIN orders o ON o.id = c.order_id"
                     " WHERE o.order_no = %s", c.no)[0]
    flag = os.path.join(env.data, "cards", "inject-key-mismatch")
    open(flag, "w").close()
    try:
        r = batch(env)
    finally:
        os.unlink(flag)
    it = item(r.text, c.no)
    check(it and it[0] == "scheduled" and "check after writing failed" in it[3]
          and "does not certify the public key" in it[3], "report: %s" % (it,))
    rows = env.sql("SELECT count(*), sum(CASE WHEN c.status = 'revoked' AND c.reason = 5"
                   " THEN 1 ELSE 0 END) FROM certificates c JOIN orders o"
                   " ON o.id = c.order_id WHERE o.order_no = %s", c.no)
    check(rows[0] == before + 1 and rows[1] == rows[0],
          "certificates %s (the new one must be issued and revoked)" % (rows,))
    check(order_status(env, c.no) == "production_wait", "marked produced with a bad card")
    objs = run(["pkcs11-tool", "--module", MODULE, "--token-label", it[1],
                "--list-objects"], env=card_env(env), check_rc=False).stdout.decode()
    check(it[1] and "Object" not in objs, "the card %s is not empty: %s" % (it[1], objs))


@tap.test
def first_certificate(env):
    """paid by a bank file -> produced: key on the card, certificate verified against the chain"""
    c = S["mehmet"]
    r = batch(env)
    it = item(r.text, c.no)
    check(it and it[0] == "done", "report: %s %s" % (it, r.text[-1500:]))
    check(env.sql("SELECT count(*) FROM certificates c JOIN orders o ON o.id = c.order_id"
                  " WHERE o.order_no = %s AND c.status = 'good'", c.no)[0] == 1,
          "more than one good certificate for the order")
    label, serial = it[1], it[2]
    S["mehmet_label"] = label
    check(order_status(env, c.no) == "produced", "status %s" % order_status(env, c.no))
    pem = read_card_cert(env, label)
    ca = os.path.join(env.data, "ca")
    out = openssl("verify", "-x509_strict", "-policy_check", "-policy", "0.4.0.194112.1.2",
                  "-CAfile", os.path.join(ca, "root.pem"), "-untrusted",
                  os.path.join(ca, "issuing.pem"), pem)
    check(out.strip().endswith(": OK"), "openssl verify: " + out)
    check(openssl("x509", "-in", pem, "-noout", "-serial").strip() == "serial=" + serial,
          "the card holds another certificate")
    subj = openssl("x509", "-in", pem, "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus")
    check("PNOTR-" + MEHMET in subj and "MEHMET" in subj, "subject: " + subj)
    nb, na = dates(pem)
    # the one validity rule: the ordered whole year - 1 s (RFC 5280 counts
    # notAfter inside the period)
    start = datetime.fromtimestamp(nb, timezone.utc)
    check(na == int(start.replace(year=start.year + 1).timestamp()) - 1,
          "period of one year - 1 s: %d" % (na - nb))
    # the PIN letter, once
    r = op_post(env, "/uretim/SD-%s/pin-zarfi" % c.no)
    check(r.status == 200 and r.header("content-type") == "application/pdf", "letter: %d" % r.status)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(r.body)
        f.flush()
        text = run(["pdftotext", "-enc", "UTF-8", f.name, "-"]).stdout.decode()
    pin = re.search(r"PIN\s+(\d{6})\b", text)
    puk = re.search(r"PUK\s+(\d{8})\b", text)
    check(pin and puk and "SD-%s" % c.no in text and label in text, "letter text: " + text)
    r = op_post(env, "/uretim/SD-%s/pin-zarfi" % c.no)
    check(r.status == 410, "second letter: %d" % r.status)
    # the PIN opens the card; the private key never leaves it
    out = run(["pkcs11-tool", "--module", MODULE, "--token-label", label, "--login", "--pin",
               pin.group(1), "--list-objects", "--type", "privkey"], env=card_env(env)).stdout.decode()
    check("never extractable" in out and "sensitive" in out, "key attributes: " + out)
    p = run(["pkcs11-tool", "--module", MODULE, "--token-label", label, "--login", "--pin",
             "000000", "--list-objects", "--type", "privkey"], env=card_env(env), check_rc=False)
    check(p.returncode != 0, "a wrong PIN opened the card")
    check(outbox_count(env, c.no, "üretilmiş") >= 1, "no 'produced' mail")
    check(outbox_count(env, c.no, "PUK") >= 1, "no PIN/PUK message (pin_delivery = both)")
    r = c.req("GET", "/basvurularim")
    check("Üretildi" in r.text, "the holder does not see Üretildi")


@tap.test
def shipment_to_delivered(env):
    """Üretildi -> Kargoya Verildi -> Teslim Edildi; Gönderi Sorgulama shows the history, no name"""
    no = S["mehmet"].no
    r = op_post(env, "/uretim/kargo")
    check(r.status == 200, "ship: %d" % r.status)
    m = re.search(r'data-order="SD-%s" data-state="done" data-tracking="(NK\d{11})"' % no, r.text)
    check(m, "no tracking number on the page: " + r.text[-2000:])
    tracking = m.group(1)
    check(order_status(env, no) == "shipped", "status %s" % order_status(env, no))
    r = track(env, tracking)
    check(r.status == 200 and 'data-status="accepted"' in r.text and "Kargoya Verildi" in r.text,
          "tracking page: %s" % r.text[-1500:])
    for _ in range(2):
        r = op_post(env, "/uretim/gonderi/%s/ilerlet" % tracking)
        check(r.status == 200, "advance: %d" % r.status)
    check(order_status(env, no) == "delivered", "status %s" % order_status(env, no))
    r = track(env, "sd-%s" % no)
    check('id="shipment-status" data-status="delivered">Teslim Edildi' in r.text, "by order number")
    # Teslim Edildi on Başvurularım links Yardım's "Sertifika Aldım Ne Yapmalıyım?"
    # (issue 13 item 5, seed 001).
    mine = S["mehmet"].req("GET", "/basvurularim")
    check(mine.status == 200 and 'data-status="delivered"' in mine.text and
          '<a class="help-delivered" href="/yardim#sertifika-aldim">Sertifika Aldım Ne Yapmalıyım?</a>'
          in mine.text, "Teslim Edildi does not link the help answer: %d" % mine.status)
    for st in ("accepted", "in_transit", "delivered"):
        check('<li data-status="%s">' % st in r.text, "history lacks " + st)
    for secret in ("MEHMET", "ÖZTÜRK", "Atatürk", MEHMET):
        check(secret not in r.text, "personal data on Gönderi Sorgulama: " + secret)
    r = op_post(env, "/uretim/gonderi/%s/ilerlet" % tracking)
    check(r.status == 409, "advance past delivered: %d" % r.status)
    check(outbox_count(env, no, "kargoya verilmiştir") >= 1, "no 'shipped' mail")
    check(outbox_count(env, no, "teslim edilmiştir") >= 1, "no 'delivered' mail")
    r = track(env, "NK00000000000")
    check("shipment-none" in r.text, "unknown number")
    r = track(env, tracking, captcha="WRONG")
    check(r.status == 400 and "shipment-status" not in r.text, "wrong captcha: %d" % r.status)
    check(env.sql("SELECT count(*) FROM audit_log WHERE entity = 'shipment'")[0] >= 2,
          "shipment steps not audited")


def issue_for(env, name, tckn, given, surname, days=None, institution=None):
    key = os.path.join(env.tmp, name + ".key")
    csr = os.path.join(env.tmp, name + ".csr")
    cert = os.path.join(env.tmp, name + ".pem")
    run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", key, "-subj", "/CN=x", "-out", csr])
    cmd = [env.exe["nitelik"], "cert", "issue", "--data", env.data, "--csr", csr, "--given", given,
           "--surname", surname, "--tckn", tckn, "--out", cert]
    if days:
        cmd += ["--days", str(days)]
    run(cmd)
    if institution:
        serial = openssl("x509", "-in", cert, "-noout", "-serial").strip().split("=")[1]
        exec_sql(env, "UPDATE certificates SET institution_id = %d WHERE serial = '%s'"
                 % (institution, serial))
    return cert


@tap.test
def loss_replacement(env):
    """Kayıp/Çalıntı: the new card revokes exactly the same institution's old certificates"""
    no_row = env.sql("SELECT order_no, institution_id FROM orders o JOIN persons p"
                     " ON p.id = o.person_id WHERE p.id_number = '%s'" % AYSE)
    inst = int(no_row[1])
    exec_sql(env, "INSERT INTO institutions (name, registry_no, address, created_at,"
                  " updated_at) VALUES ('Başka Kurum', '34-X-1', 'İstanbul', 0, 0)")
    other = int(env.sql("SELECT id FROM institutions WHERE name = 'Başka Kurum'")[0])
    same1 = issue_for(env, "same1", AYSE, "AYŞE", "YILMAZ", institution=inst)
    same2 = issue_for(env, "same2", AYSE, "AYŞE", "YILMAZ", institution=inst)
    elsewhere = issue_for(env, "other", AYSE, "AYŞE", "YILMAZ", institution=other)
    token = os.path.join(env.token_dir, "cert.pem")   # no institution: not the same one
    for pem in (same1, same2, elsewhere, token):
        check(ocsp(env, pem)[0] == "good", "before: not good")
    # the form, reason Kayıp/Çalıntı, approved with e-İmza from the token
    c = applicant(env.srv, AYSE)
    fill_and_confirm(c, "0532 123 45 67", reason="lost", period="1", card_reader="none")
    p = c.page(url(c, "onay"))
    version = re.search(r'name="version" value="(\d+)"', p.text).group(1)
    r = c.req("POST", url(c, "onay"), {"csrf": p.csrf, "method": "e_imza", "version": version})
    check(r.status == 303, "e_imza: %d" % r.status)
    code, cid, _ = wait_page(c, url(c, "eimza"))
    s = env.sign_token(code)
    check(s.returncode == 0, "nitelik-imza: %s" % s.stderr.decode()[-300:])
    check(status(c, cid)["status"] == "done", "signature not accepted")
    check(order_status(env, c.no) == "production_wait", "status %s" % order_status(env, c.no))
    exec_sql(env, "UPDATE orders SET backup_cert = %s WHERE order_no = %d"
             % ("true" if env.pg_admin else "1", int(c.no)))
    r = batch(env)
    it = item(r.text, c.no)
    check(it and it[0] == "done", "report: %s" % (it,))
    new = read_card_cert(env, it[1])
    check(ocsp(env, new)[0] == "good", "the new certificate is not good")
    backup = read_card_cert(env, it[1], "yedek")   # Yedek Sertifika: a second key on the same card
    check(ocsp(env, backup)[0] == "good", "the backup certificate is not good")
    check(openssl("x509", "-in", backup, "-noout", "-serial") != openssl("x509", "-in", new, "-noout", "-serial"),
          "the backup certificate is the main one")
    check(openssl("x509", "-in", backup, "-noout", "-pubkey") != openssl("x509", "-in", new, "-noout", "-pubkey"),
          "the backup certificate shares the main key")
    for pem in (same1, same2):
        st, reason = ocsp(env, pem)
        check(st == "revoked" and reason == "keyCompromise", "same institution: %s %s" % (st, reason))
    for pem in (elsewhere, token):
        check(ocsp(env, pem)[0] == "good", "another institution's certificate was revoked")
    check('data-order="SD-%s" data-state="done" data-tracking="" data-revoked="2"' % c.no
          in operator(env).req("GET", "/uretim").text, "revoked count 2 on the page")
    # he is told by his channel which certificates the loss rule revoked (issue 13 item 6)
    named = env.sql("SELECT count(DISTINCT c.serial) FROM certificates c, outbox x JOIN orders o"
                    " ON o.id = x.order_id WHERE o.order_no = %s AND c.status = 'revoked'"
                    " AND c.reason = 1 AND x.body_text LIKE '%%iptal edil%%'"
                    " AND x.body_text LIKE '%%' || c.serial || '%%'", c.no)[0]
    check(named == 2, "the revoked certificates named in the notice: %s" % named)


@tap.test
def renewal_waits_then_follows_the_old_one(env):
    """Yenileme: held until 2 months before the old end, then valid from the second after the old certificate's end"""
    old = issue_for(env, "isil-old", ISIL, "IŞIL", "ÇELİK", days=90)
    old_nb, old_na = dates(old)
    c = applicant(env.srv, ISIL)
    fill_and_confirm(c, "0544 111 22 33", email="isil.celik@example.org", reason="renewal",
                     period="1", card_reader="none")
    approve_wet(env, c)
    check(order_status(env, c.no) == "production_wait", "status %s" % order_status(env, c.no))
    r = batch(env)
    check(item(r.text, c.no) is None, "produced at once")
    m = re.search(r'data-order="SD-%s" data-state="scheduled"' % c.no, r.text)
    check(m, "not scheduled: " + r.text[-1500:])
    # 30 days later the old certificate has 60 days left: due
    cl = Client(env.srv).req("POST", "/demo/clock", {"seconds": str(30 * 86400)})
    check(cl.status == 200, "clock: %d" % cl.status)
    S.pop("op", None)   # the operator's session may not outlive the month
    r = batch(env)
    it = item(r.text, c.no)
    check(it and it[0] == "done", "report after 30 days: %s" % (it,))
    nb, na = dates(read_card_cert(env, it[1]))
    # the periods tile: the renewal starts the second after the old one's last
    check(nb == old_na + 1, "new notBefore %d != old notAfter %d + 1" % (nb, old_na))
    start = datetime.fromtimestamp(nb, timezone.utc)
    check(na == int(start.replace(year=start.year + 1).timestamp()) - 1,
          "new period: the ordered year - 1 s, got %d s" % (na - nb))
    Client(env.srv).req("POST", "/demo/clock", {"seconds": str(-30 * 86400)})
    st = ocsp(env, old)
    check(st[0] == "good", "a renewal must not revoke the old certificate: %s" % (st,))


FORM_COLS = ("version, status, period_years, card_reader, publish, security_word_hash, email,"
             " mobile, operator, home_phone, info_channel, inst_registry_no, unit, title,"
             " work_phone, extension, address_type, address, province, district, postal_code,"
             " delivery_method, approval_method, created_at, updated_at, sms_confirmed_at")


def clone_order(env, no, new_no):
    """A copy of order SD-no (institution-paid, approved) as SD-new_no in Üretim
    Bekleniyor, reason İlk Sertifika, with a copy of its approved form."""
    exec_sql(env, "INSERT INTO orders (order_no, person_id, institution_id, reason, payment_type,"
                  " backup_cert, status, access_password_hash, created_at, updated_at)"
                  " SELECT %d, person_id, institution_id, 'first', payment_type, backup_cert,"
                  " 'production_wait', '', created_at, updated_at FROM orders WHERE order_no = %d"
                  % (new_no, int(no)))
    exec_sql(env, "INSERT INTO form_versions (order_id, reason, " + FORM_COLS + ")"
                  " SELECT (SELECT id FROM orders WHERE order_no = %d), 'first', " % new_no +
                  FORM_COLS + " FROM form_versions WHERE status = 'approved' AND order_id ="
                  " (SELECT id FROM orders WHERE order_no = %d)" % int(no))


def card_labels(env):
    out = run(["pkcs11-tool", "--module", MODULE, "--list-token-slots"], env=card_env(env),
              check_rc=False).stdout.decode()
    return re.findall(r"token label\s*:\s*(\S+)", out)


@tap.test
def signer_outage_stops_the_batch(env):
    """the signer goes away mid-batch: no card is touched without it, the batch stops, the rest wait"""
    ayse = env.sql("SELECT o.order_no FROM orders o JOIN persons p ON p.id = o.person_id"
                   " WHERE p.id_number = '" + AYSE + "' AND o.status = 'produced'"
                   " ORDER BY o.id DESC")[0]
    base = 900000
    nos = [base + k for k in range(4)]
    for no in nos:
        clone_order(env, ayse, no)
        check(order_status(env, no) == "production_wait", "clone SD-%d not waiting" % no)
    flag = os.path.join(env.data, "cards", "inject-signer-outage")
    with open(flag, "w") as f:
        f.write("1\n")   # the signer goes away after the first card of the batch
    try:
        r = batch(env)
    finally:
        os.unlink(flag)
    it = item(r.text, nos[0])
    check(it and it[0] == "done", "first card before the outage: %s" % (it,))
    check('id="batch-stopped"' in r.text and "signer_unavailable" in r.text,
          "the batch is not marked as stopped: " + r.text[-2000:])
    check(env.srv.wait_stderr('"production":"batch_stopped"'), "the stop is not logged")
    labels = card_labels(env)
    for no in nos[1:]:
        check(item(r.text, no) is None, "SD-%d was attempted: %s" % (no, item(r.text, no)))
        row = env.sql("SELECT p.state, p.attempts, p.card_label FROM productions p JOIN orders o"
                      " ON o.id = p.order_id WHERE o.order_no = %s", no)
        check(row and row[0] == "scheduled" and int(row[1]) == 0 and not row[2],
              "SD-%d after the outage: %s (must stay queued, untouched)" % (no, row,))
        check(env.sql("SELECT count(*) FROM certificates c JOIN orders o ON o.id = c.order_id"
                      " WHERE o.order_no = %s", no)[0] == 0, "a certificate for SD-%d" % no)
        check(not [lb for lb in labels if lb.startswith("SD%d-" % no)],
              "a card was spoiled for SD-%d: %s" % (no, labels))
        check(order_status(env, no) == "production_wait", "SD-%d status moved" % no)
    # The signer is back: a later batch produces them all.
    r = batch(env)
    for no in nos[1:]:
        it = item(r.text, no)
        check(it and it[0] == "done", "SD-%d with the signer back: %s" % (no, it))
        check(order_status(env, no) == "produced", "SD-%d status %s" % (no, order_status(env, no)))
    check('id="batch-stopped"' not in r.text, "the second batch stopped")


def main():
    return env_main(tap, sys.argv[1:], "\n[production]\npin_delivery = both\nauto = false\n")

if __name__ == "__main__":
    sys.exit(main())
