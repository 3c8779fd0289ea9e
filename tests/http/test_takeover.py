#!/usr/bin/env python3
"""HTTP black-box tests of issue 10 item 1 (docs/applicant.md, "Doors and
entitlement"): institution B pre-registers a T.C. number that institution A
registered before, with a made-up name and an e-mail address B controls, by
the API (POST /api/v1/preapplications) and by the page (/kurum/basvuru/yeni).
Then B must learn nothing stored about the person (not in the 201 answer, not
on its order page, not in its list search), the person's contact data stays
what it was, and B's access password (from B's mail) opens B's order only:
Başvurularım does not list A's order, A's form, detail, wizard steps and PDF
answer 404, and A's order cannot be cancelled. The identity door (which proves
the person against the registry) still sees every order.

Runs on SQLite, and on PostgreSQL when NL_TEST_PG_URL is set (skipped
otherwise). Prints TAP.

usage: test_takeover.py PATH/TO/nitelikd PATH/TO/nitelik sqlite|postgres"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, Tap, check  # noqa: E402
import flows  # noqa: E402
from flows import AYSE, MEHMET, CAPTCHA, Client, csrf_in  # noqa: E402

tap = Tap()
NITELIK = None
ENGINE = "sqlite"
PG = {}          # admin url, database name, url
STATE = {}

EVIL_MAIL = "kurum-b@evil.example"
EVIL_MAIL2 = "kurum-b-sayfa@evil.example"
EVIL_MAIL3 = "kurum-b-secim@evil.example"
A_MAIL = "ayse.gercek@example.org"
A_MOBILE = "5321234567"


def db_url(srv):
    return PG["url"] if PG else "sqlite:%s/nitelik.db" % srv.demo


def cli(srv, *args):
    p = subprocess.run([NITELIK, *args, "--db", db_url(srv)], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, "nitelik %s: %s" % (" ".join(args), p.stderr))
    return p.stdout


def sql(srv, query):
    """The first column of the first row of a SELECT, on either engine."""
    if PG:
        out = subprocess.run(["psql", PG["url"], "-At", "-c", query], capture_output=True,
                             text=True, timeout=60)
        check(out.returncode == 0, "psql: %s" % out.stderr)
        v = out.stdout.strip().split("\n")[0]
        return int(v) if v.lstrip("-").isdigit() else v
    with sqlite3.connect("file:%s/nitelik.db?mode=ro" % srv.demo, uri=True) as c:
        row = c.execute(query).fetchone()
        return row[0] if row else None


def api(srv, method, path, body=None, token=None):
    h = {"Accept": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    r = srv.request(method, path, body=data, headers=h)
    r.text = r.body.decode("utf-8", "replace")
    try:
        r.json = json.loads(r.text) if r.body else None
    except ValueError:
        r.json = None
    return r


def password_mailed_to(c, address):
    """The access password of the newest mail to address (the demo outbox)."""
    r = c.req("GET", "/demo/outbox?format=json")
    text = r.text
    i = text.find(address)
    check(i >= 0, "no mail to %s in the outbox" % address)
    m = re.search(r"eri\S+ parolas\S+: (?:<strong><code>)?([A-Za-z0-9]+)", text[i:])
    check(m, "no access password in the mail to %s" % address)
    return m.group(1)


def real_name_absent(text, what):
    for word in ("YILMAZ", "Yılmaz", "ÖZTÜRK", "Öztürk", A_MAIL, "ayse.yilmaz", A_MOBILE,
                 "532 123 45 67", "mehmet"):
        check(word not in text, "%s shows what B did not send: %r" % (what, word))


# ---- institution A: the real applications ----

@tap.test
def a_registers_and_the_person_fills_the_form(srv):
    """institution A's officer registers Ayşe, who logs in and submits A's form"""
    a = flows.staff(srv, "kurum", "kurum-demo", home="/kurum")
    STATE["a_officer"] = a
    # The demo seed's orders are institution A's; Ayşe fills hers in.
    p = flows.applicant(srv, AYSE)
    STATE["a_no"] = int(p.no)
    # Her form, SMS-confirmed, wet-signed and accepted by the RA: approved.
    flows.fill_and_confirm(p, A_MOBILE, email=A_MAIL, registry_no="MEB-7777",
                           unit="Gizli Birim Şubesi")
    flows.choose_wet(p)
    r = p.req("GET", flows.url(p, "form.pdf"))
    m = re.search(r'-(NF[A-Z2-7]{12})\.pdf"', r.header("content-disposition") or "")
    check(r.status == 200 and m, "A's PDF: %d" % r.status)
    ra = flows.staff(srv, "kayit", "kayit-demo", home="/kayit")
    r = flows.ra_decide(ra, m.group(1), "kabul")
    check(r.status == 303, "RA accepts A's form: %d %s" % (r.status, r.text[:300]))
    m = flows.applicant(srv, MEHMET)
    STATE["a_no_mehmet"] = int(m.no)
    STATE["a_person_mail"] = sql(srv, "SELECT email FROM persons WHERE id_number = '%s'" % AYSE)


@tap.test
def b_institution(srv):
    """institution B with an API token and an officer of its own"""
    out = cli(srv, "institution", "add", "--name", "Kötü Niyetli Kurum")
    STATE["b_inst"] = out.split()[1]
    STATE["b_token"] = cli(srv, "token", "add", "--institution", STATE["b_inst"]).strip()
    adm = flows.staff(srv, "admin", "admin-demo")
    csrf = adm.csrf("/yonetim/kullanicilar")
    r = adm.req("POST", "/yonetim/kullanicilar", {"csrf": csrf, "username": "kotu",
                                                  "role": "kurum",
                                                  "institution_id": STATE["b_inst"],
                                                  "password": "kotu-parola-1"})
    check(r.status == 200, "B's officer: %d" % r.status)
    STATE["b_officer"] = flows.staff(srv, "kotu", "kotu-parola-1")


# ---- B pre-registers the same numbers ----

@tap.test
def b_api_answer_shows_only_what_b_sent(srv):
    """B's API pre-application of A's person: the 201 answer holds B's data only"""
    body = {"id_number": AYSE, "given_name": "Sahte", "surname": "İsim", "email": EVIL_MAIL,
            "mobile": "5559998877", "reason": "first", "payment_type": "institution",
            "backup_cert": False}
    r = api(srv, "POST", "/api/v1/preapplications", body, STATE["b_token"])
    check(r.status == 201 and r.json, "B's pre-application: %d %s" % (r.status, r.text[:300]))
    STATE["b_no"] = int(r.json["order"]["number"])
    real_name_absent(r.text, "B's 201 answer")
    o = r.json["order"]
    check(o["given_name"] == "Sahte" and o["surname"] == "İsim" and o["email"] == EVIL_MAIL,
          "B's answer lacks B's data: %s" % r.text)
    r = api(srv, "GET", "/api/v1/orders/%d" % STATE["b_no"], token=STATE["b_token"])
    check(r.status == 200, "B's order by API: %d" % r.status)
    real_name_absent(r.text, "B's order by API")
    r = api(srv, "GET", "/api/v1/preapplications?q=YILMAZ", token=STATE["b_token"])
    check(r.status == 200, "B's search: %d" % r.status)
    check( "SD-%d" % STATE["b_no"] not in r.text,
          "B's search by the real name finds the order: %s" % r.text[:300])


@tap.test
def b_page_shows_only_what_b_sent(srv):
    """B's page pre-application of A's other person: B's pages show B's data only"""
    b = STATE["b_officer"]
    no = flows.preapply(b, id_number=MEHMET, given_name="Uydurma", surname="Ad",
                        email=EVIL_MAIL2, mobile="5559998866", payment_type="institution")
    STATE["b_no_mehmet"] = no
    r = b.req("GET", "/kurum/siparis/%d" % no)
    check(r.status == 200, "B's order page: %d" % r.status)
    check("Uydurma" in r.text, "B's order page does not show the name B sent")
    real_name_absent(r.text, "B's order page")
    r = b.req("GET", "/kurum")
    real_name_absent(r.text, "B's order list")
    for q in ("ÖZTÜRK", "öztürk", "MEHMET"):
        r = b.req("GET", "/kurum?q=" + urllib.parse.quote(q))
        check("SD-%d" % no not in r.text, "B's search for %r finds its order" % q)
    r = b.req("GET", "/kurum/siparis/%d" % STATE["b_no"])
    check(r.status == 200, "B's API order on its page: %d" % r.status)
    real_name_absent(r.text, "B's page of its API order")


@tap.test
def contact_data_not_replaced(srv):
    """the person's contact data and A's order stay as they were"""
    check(sql(srv, "SELECT email FROM persons WHERE id_number = '%s'" % AYSE)
          == STATE["a_person_mail"], "B's e-mail replaced the person's")
    a = STATE["a_officer"]
    r = a.req("GET", "/kurum/siparis/%d" % STATE["a_no"])
    check(r.status == 200 and EVIL_MAIL not in r.text and "Sahte" not in r.text,
          "A's order page shows B's data")


# ---- B's access password ----

def b_applicant(srv, tckn, mail):
    c = Client(srv)
    pw = password_mailed_to(c, mail)
    r = c.form_login(tckn, pw)
    check(r.status == 303, "B's password does not open B's order: %d" % r.status)
    return c


def cannot_reach(srv, c, a_no, b_no):
    r = c.req("GET", "/basvurularim")
    check(r.status == 200, "Başvurularım: %d" % r.status)
    check("SD-%d" % a_no not in r.text and "/%d/" % a_no not in r.text,
          "B's session lists A's order SD-%d" % a_no)
    check("SD-%d" % b_no in r.text, "B's session does not list B's order")
    r = c.req("GET", "/basvuru")
    check(str(a_no) not in r.text, "the choice page leads to A's order")
    for path in ("/basvuru/%d/form", "/basvuru/%d/sms", "/basvuru/%d/onay",
                 "/basvuru/%d/sonuc", "/basvuru/%d/form.pdf", "/basvuru/%d/eimza",
                 "/basvurularim/%d"):
        r = c.req("GET", path % a_no)
        check(r.status == 404, "GET %s: %d" % (path % a_no, r.status))
        check("MEB-7777" not in r.text and "Gizli Birim" not in r.text, "A's form shown")
    csrf = c.csrf("/basvurularim")
    r = c.req("POST", "/basvurularim/%d/iptal" % a_no, {"csrf": csrf, "reason": "ele geçirme"})
    check(r.status == 404, "cancel of A's order: %d" % r.status)
    r = c.req("POST", "/basvuru/%d/form" % a_no, flows.good_form(csrf, "5559998877"))
    check(r.status == 404, "form post to A's order: %d" % r.status)
    check(sql(srv, "SELECT status FROM orders WHERE order_no = %d" % a_no) != "cancelled",
          "A's order was cancelled")


@tap.test
def b_password_opens_b_order_only_api(srv):
    """B's mailed password opens B's order only (API pre-application)"""
    c = b_applicant(srv, AYSE, EVIL_MAIL)
    cannot_reach(srv, c, STATE["a_no"], STATE["b_no"])
    r = c.req("GET", "/basvuru/%d/form" % STATE["b_no"])
    check(r.status == 200, "B's own form: %d" % r.status)
    real_name_absent(r.text, "B's own form")
    check("MEB-7777" not in r.text and "Gizli Birim" not in r.text, "A's form data on B's form")


@tap.test
def b_password_opens_b_order_only_page(srv):
    """B's mailed password opens B's order only (page pre-application)"""
    c = b_applicant(srv, MEHMET, EVIL_MAIL2)
    cannot_reach(srv, c, STATE["a_no_mehmet"], STATE["b_no_mehmet"])


@tap.test
def b_security_word_does_not_open_online_islemler(srv):
    """a security word B sets on B's form does not replace the person's approved one"""
    c = b_applicant(srv, AYSE, EVIL_MAIL)
    c.no = str(STATE["b_no"])
    flows.fill_and_confirm(c, "5559998877", email=EVIL_MAIL, security_word="Kotu2026kelime",
                           security_word2="Kotu2026kelime")
    STATE["b_client"] = c
    h = Client(srv)
    p = h.page("/online-islemler")
    r = h.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": AYSE,
                                           "security_word": "Kotu2026kelime"})
    check(r.status == 401, "B's security word opens Online İşlemler: %d" % r.status)
    r = h.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": AYSE,
                                           "security_word": flows.WORD})
    check(r.status == 303, "the person's own word no longer works: %d" % r.status)


@tap.test
def b_pdf_prints_only_what_b_sent(srv):
    """the wet-signature PDF of B's order prints B's typed name, no stored identity"""
    c = STATE["b_client"]
    flows.choose_wet(c)
    r = c.req("GET", flows.url(c, "form.pdf"))
    check(r.status == 200 and r.body.startswith(b"%PDF"), "B's PDF: %d" % r.status)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(r.body)
        f.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")
    check("Sahte" in text, "B's typed name not on B's PDF")
    for word in ("YILMAZ", "AYŞE", "İSTANBUL", "1985"):
        check(word not in text, "B's PDF shows the stored %r" % word)


@tap.test
def b_word_without_approved_form_opens_b_order_only(srv):
    """a person without an approved form: B's word on B's order opens B's order and e-Onay only"""
    c = b_applicant(srv, MEHMET, EVIL_MAIL2)
    c.no = str(STATE["b_no_mehmet"])
    flows.fill_and_confirm(c, "5559998866", email=EVIL_MAIL2, security_word="Kotu2026kelime",
                           security_word2="Kotu2026kelime")
    h = Client(srv)
    p = h.page("/online-islemler")
    r = h.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": MEHMET,
                                           "security_word": "Kotu2026kelime"})
    check(r.status == 303, "B's word: %d" % r.status)
    a_no = STATE["a_no_mehmet"]
    for path in ("/online-islemler/menu", "/online-islemler/gonderilerim",
                 "/online-islemler/iletisim", "/online-islemler/sertifikalarim",
                 "/basvurularim", "/online-islemler/eonay"):
        r = h.req("GET", path)
        check("SD-%d" % a_no not in r.text and "/%d/" % a_no not in r.text,
              "B's word shows A's order on %s" % path)
        real_name_absent(r.text, "B's word on " + path)
    for path in ("/online-islemler/gonderilerim", "/online-islemler/iletisim"):
        r = h.req("GET", path)
        check(r.status != 200, "B's word opens %s: %d" % (path, r.status))
    check(h.req("GET", "/basvuru/%d/form" % a_no).status == 404, "B's word opens A's form")
    r = h.req("GET", "/basvurularim")
    check("SD-%d" % STATE["b_no_mehmet"] in r.text, "B's word does not open B's order")


@tap.test
def identity_refresh_shows_registry_data_only_to_proven_sessions(srv):
    """B pre-registers a number of its choice: its password session's Kimlik Bilgilerimi Güncelle shows no registry data"""
    body = {"id_number": flows.GULSEN, "given_name": "Uydurma", "surname": "Kişi",
            "email": EVIL_MAIL3, "mobile": "5559998855", "reason": "first",
            "payment_type": "institution", "backup_cert": False}
    r = api(srv, "POST", "/api/v1/preapplications", body, STATE["b_token"])
    check(r.status == 201 and r.json, "B's pre-application: %d %s" % (r.status, r.text[:300]))
    no = int(r.json["order"]["number"])
    c = b_applicant(srv, flows.GULSEN, EVIL_MAIL3)
    c.no = str(no)
    p = c.page("/basvuru/%d/form" % no)
    r = c.req("POST", "/basvuru/%d/form" % no, {"csrf": p.csrf, "action": "identity",
                                               "base_version": "0"})
    check(r.status == 200 and "güncellendi" in r.text, "refresh: %d %s" % (r.status, r.text[:300]))
    # (Upper case: the form's province list holds "Eskişehir" anyway.)
    registry = ("GÜLŞEN", "DOĞAN", "ESKİŞEHİR", "1988", "30.01")
    for page in (r.text, c.req("GET", "/basvuru/%d/form" % no).text,
                 c.req("GET", "/basvurularim").text):
        for word in registry:
            check(word not in page, "B's password session sees the registry's %r" % word)
    flows.fill_and_confirm(c, "5559998855", email=EVIL_MAIL3)
    flows.choose_wet(c)
    r = c.req("GET", flows.url(c, "form.pdf"))
    check(r.status == 200 and r.body.startswith(b"%PDF"), "B's PDF: %d" % r.status)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(r.body)
        f.flush()
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True,
                              check=True).stdout.decode("utf-8")
    for word in registry:
        check(word not in text, "B's PDF shows the registry's %r" % word)
    # The person himself, proved by the identity door, sees his registry data.
    g = Client(srv)
    csrf = g.csrf("/giris/kimlik")
    g.captcha()
    r = g.req("POST", "/giris/kimlik", {"csrf": csrf, "captcha": CAPTCHA, "tckn": flows.GULSEN,
                                        "given_name": "GÜLŞEN", "surname": "DOĞAN",
                                        "birth_place": "ESKİŞEHİR", "birth_date": "1988-01-30"})
    check(r.status == 303, "identity login: %d %s" % (r.status, r.text[:300]))
    r = g.req("GET", "/basvuru/%d/form" % no)
    check(r.status == 200 and "<dd>G*****</dd>" in r.text and "**.**.1988" in r.text,
          "the proven person does not see his (masked) identity: %d" % r.status)
    check(sql(srv, "SELECT surname || '/' || birth_place FROM persons WHERE id_number = '%s'"
              % flows.GULSEN) == "DOĞAN/ESKİŞEHİR", "B's refresh did not update the record")


# ---- the rightful doors still work ----

@tap.test
def a_password_still_opens_a_order(srv):
    """A's password opens A's order, not B's"""
    c = flows.person(srv, AYSE)
    r = c.req("GET", "/basvurularim")
    check("SD-%d" % STATE["a_no"] in r.text, "A's order not listed for A's password")
    check("SD-%d" % STATE["b_no"] not in r.text, "B's order listed for A's password")
    check(c.req("GET", "/basvuru/%d/form" % STATE["a_no"]).status == 200, "A's form")


@tap.test
def identity_door_sees_every_order(srv):
    """the identity door proves the person: every order of his is listed"""
    c = Client(srv)
    csrf = c.csrf("/giris/kimlik")
    c.captcha()
    r = c.req("POST", "/giris/kimlik", {"csrf": csrf, "captcha": CAPTCHA, "tckn": AYSE,
                                        "given_name": "AYŞE", "surname": "YILMAZ",
                                        "birth_place": "İSTANBUL", "birth_date": "1985-03-14"})
    check(r.status == 303, "identity login: %d %s" % (r.status, r.text[:300]))
    r = c.req("GET", "/basvurularim")
    check("SD-%d" % STATE["a_no"] in r.text and "SD-%d" % STATE["b_no"] in r.text,
          "the identity door does not list every order")


def main():
    global NITELIK, ENGINE
    if len(sys.argv) < 3:
        print("usage: test_takeover.py nitelikd nitelik [sqlite|postgres]", file=sys.stderr)
        return 2
    NITELIK = os.path.abspath(sys.argv[2])
    ENGINE = sys.argv[3] if len(sys.argv) > 3 else "sqlite"
    conf = ""
    if ENGINE == "postgres":
        admin = os.environ.get("NL_TEST_PG_URL", "")
        if not admin.startswith("postgres"):
            print("1..0 # SKIP NL_TEST_PG_URL not set")
            return 0
        name = "takeover_http_%d" % os.getpid()
        subprocess.run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS %s" % name], check=True,
                       capture_output=True)
        subprocess.run(["psql", admin, "-qc", "CREATE DATABASE %s" % name], check=True,
                       capture_output=True)
        PG.update(admin=admin, name=name, url=admin.rsplit("/", 1)[0] + "/" + name)
    srv = Server(sys.argv[1])
    os.makedirs(srv.demo, exist_ok=True)
    database = PG["url"] if PG else "sqlite:%s/nitelik.db" % srv.demo
    with open(os.path.join(srv.demo, "nitelik.conf"), "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\nbase_url = http://127.0.0.1:8080\n\n"
                "[storage]\ndata_dir = %s\ndatabase = %s\n\n"
                "[demo]\nenabled = true\nfixed_captcha = %s\n%s"
                % (srv.demo, database, CAPTCHA, conf))
    try:
        srv.start()
        return flows.run_tests(tap, srv)
    finally:
        if PG:
            subprocess.run(["psql", PG["admin"], "-qc", "DROP DATABASE IF EXISTS %s" % PG["name"]],
                           capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
