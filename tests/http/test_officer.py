#!/usr/bin/env python3
"""HTTP black-box tests of the institution officer's pages: staff login (the
same answer for an unknown user and a wrong password, the session id rotated,
lock-out per account, log-out), the admin pages for institutions and staff,
one pre-application (good, each bad field with its message, typed values kept,
text shown escaped, a second open order refused), the orders list (search,
another institution's orders never shown, 404 on their detail), cancellation,
the CSV import (preview with bad rows, confirm, the same file twice, a 50 MB
upload refused with nothing stored), a forged CSRF token, an expired session.
Prints TAP.

usage: test_officer.py PATH/TO/nitelikd"""

import os
import re
import sqlite3
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
import flows  # noqa: E402
from flows import run_tests, start_demo  # noqa: E402

tap = Tap()
WRONG = "Kullanıcı adı veya parola hatalı"
LOCKED = "Çok fazla hatalı deneme"
ADDR_LIMIT = 10


class Client(flows.Client):
    """A browser-like client: one session cookie, one client address."""

    addr_net = "198.51.100"

    def login(self, user, password):
        return self.staff_login(user, password)


def new_addr():
    return flows.new_addr(Client.addr_net)


def officer(srv, user="kurum", password="kurum-demo"):
    return flows.staff(srv, user, password, home="/kurum" if user == "kurum" else None,
                       client=Client)


def db(srv):
    return sqlite3.connect("file:%s/nitelik.db?mode=ro" % srv.demo, uri=True)


def count(srv, sql, *args):
    with db(srv) as conn:
        return conn.execute(sql, args).fetchone()[0]


def field_error(text, field):
    m = re.search(r'id="err-%s">([^<]*)<' % field, text)
    return m.group(1) if m else None


def good_form(csrf, **kw):
    f = {"csrf": csrf, "id_number": "10000000146", "given_name": "Şükrü",
         "surname": "Çağlayan", "email": "sukru@example.org", "mobile": "0532 111 22 33",
         "reason": "first", "payment_type": "institution"}
    f.update(kw)
    return f


def start(exe):
    return start_demo(exe, "\n[throttle]\nid_max_failures = 5\naddr_max_failures = %d\n"
                      % ADDR_LIMIT, fixed_captcha=False, tls_proxy=True)


# ---- login ----

@tap.test
def login_page(srv):
    """/kurum/giris shows the form with a CSRF token; officer pages send anonymous callers there"""
    c = Client(srv)
    r = c.req("GET", "/kurum/giris")
    check(r.status == 200 and 'name="password"' in r.text and 'name="csrf"' in r.text,
          "login page: %d" % r.status)
    for path in ("/kurum", "/kurum/basvuru/yeni", "/yonetim/kullanicilar"):
        r = Client(srv).req("GET", path)
        check(r.status == 303 and r.header("location") == "/kurum/giris",
              "%s anonymous: %d %s" % (path, r.status, r.header("location")))


@tap.test
def wrong_password_same_as_unknown_user(srv):
    """a wrong password and an unknown user get the same status and the same message"""
    a = Client(srv).login("kurum", "yanlis-parola")
    b = Client(srv).login("kimse-yok", "yanlis-parola")
    check(a.status == b.status == 401, "statuses %d %d" % (a.status, b.status))
    ea = re.search(r'class="error-summary"[^>]*>(.*?)</div>', a.text, re.S).group(1)
    eb = re.search(r'class="error-summary"[^>]*>(.*?)</div>', b.text, re.S).group(1)
    check(ea == eb and WRONG in ea, "messages differ: %r / %r" % (ea, eb))
    check('value="kimse-yok"' in b.text, "the typed user name is kept")


@tap.test
def login_rotates_session_and_logout(srv):
    """login rotates the session id; logout ends the session"""
    c = Client(srv)
    csrf = c.csrf("/kurum/giris")
    before = c.sid
    r = c.req("POST", "/kurum/giris", {"csrf": csrf, "username": "kurum", "password": "kurum-demo"})
    check(r.status == 303 and r.header("location") == "/kurum", "login: %d" % r.status)
    check(c.sid and c.sid != before, "session id not rotated")
    old = Client(srv)
    old.sid = before
    r = old.req("GET", "/kurum")
    check(r.status == 303, "the pre-login session id still works: %d" % r.status)
    r = c.req("GET", "/kurum")
    check(r.status == 200 and "SD-" in r.text, "home after login: %d" % r.status)
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = c.req("POST", "/kurum/cikis", {"csrf": csrf})
    check(r.status == 303, "logout: %d" % r.status)
    r = c.req("GET", "/kurum")
    check(r.status == 303 and r.header("location") == "/kurum/giris", "after logout: %d" % r.status)


@tap.test
def lockout_per_account(srv):
    """five wrong passwords lock the account for the guesser's address; the owner elsewhere gets in"""
    attacker = new_addr()
    for i in range(5):
        r = Client(srv, attacker).login("uretim", "yanlis-%d" % i)
        check(r.status in (401, 429), "attempt %d: %d" % (i, r.status))
    r = Client(srv, attacker).login("uretim", "uretim-demo")
    check(r.status == 429 and LOCKED in r.text, "locked account logged in: %d" % r.status)
    # The owner, from an address without failures, is not locked out.
    r = Client(srv, new_addr()).login("uretim", "uretim-demo")
    check(r.status == 303, "the owner is locked out by a stranger: %d" % r.status)
    check(count(srv, "SELECT locked_until > 0 FROM users WHERE username = 'uretim'") == 0,
          "a stranger's guesses locked the account itself")
    # an unknown user name locks the same way: a lock tells nothing
    for i in range(5):
        Client(srv, attacker).login("hayalet", "yanlis-%d" % i)
    r = Client(srv, attacker).login("hayalet", "yanlis")
    check(r.status == 429 and LOCKED in r.text, "unknown name not locked alike: %d" % r.status)


@tap.test
def throttle_per_address(srv):
    """many failures from one address lock that address, whatever the user names; others still get in"""
    addr = new_addr()
    for i in range(ADDR_LIMIT):
        Client(srv, addr).login("deneme%d" % i, "yanlis")
    r = Client(srv, addr).login("kurum", "kurum-demo")
    check(r.status == 429 and LOCKED in r.text, "locked address logged in: %d" % r.status)
    r = Client(srv).login("kurum", "kurum-demo")
    check(r.status == 303, "another address is refused: %d" % r.status)


# ---- admin pages ----

@tap.test
def admin_adds_institution_and_officer(srv):
    """the administrator adds an institution and its officer; others may not"""
    a = officer(srv, "admin", "admin-demo")
    csrf = a.csrf("/yonetim/kurumlar")
    r = a.req("POST", "/yonetim/kurumlar", {"csrf": csrf, "name": "İzmir Valiliği",
                                            "registry_no": "35-1"})
    check(r.status == 200 and "İzmir Valiliği" in r.text, "add institution: %d" % r.status)
    r = a.req("POST", "/yonetim/kurumlar", {"csrf": csrf, "name": "İzmir Valiliği"})
    check(r.status == 409, "duplicate institution: %d" % r.status)
    inst = count(srv, "SELECT id FROM institutions WHERE name = 'İzmir Valiliği'")
    r = a.req("POST", "/yonetim/kullanicilar", {"csrf": csrf, "username": "izmir",
                                                "role": "kurum", "institution_id": str(inst),
                                                "password": "izmir-parola-1"})
    check(r.status == 200 and "izmir" in r.text, "add officer: %d %s" % (r.status, r.text[:200]))
    r = a.req("POST", "/yonetim/kullanicilar", {"csrf": csrf, "username": "bad name",
                                                "role": "kurum"})
    check(r.status == 400, "bad user: %d" % r.status)
    r = a.req("POST", "/yonetim/kullanicilar", {"csrf": csrf, "username": "gen",
                                                "role": "auditor"})
    m = re.search(r'id="new-password">([^<]+)<', r.text)
    check(r.status == 200 and m, "generated password not shown once")
    check(Client(srv).login("gen", m.group(1)).status == 303, "generated password does not work")
    r = officer(srv).req("GET", "/yonetim/kurumlar")
    check(r.status == 403, "an officer reached the admin page: %d" % r.status)


# ---- pre-application ----

@tap.test
def preapply_good(srv):
    """a good pre-application creates SD-<n> and queues the access-password mail"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/yeni")
    mails = count(srv, "SELECT COUNT(*) FROM outbox")
    r = c.req("POST", "/kurum/basvuru/yeni", good_form(csrf, backup_cert="1",
                                                         payment_type="person"))
    check(r.status == 303 and "/kurum/siparis/" in r.header("location"), "post: %d" % r.status)
    r = c.req("GET", r.header("location"))
    check(r.status == 200 and "Çağlayan" in r.text and "Başvuru Formu ve Ödeme Bekleniyor" in r.text,
          "detail: %d" % r.status)
    check(count(srv, "SELECT COUNT(*) FROM outbox") == mails + 1, "no mail queued")
    body = db(srv).execute("SELECT body_text FROM outbox ORDER BY id DESC").fetchone()[0]
    check("5070 sayılı Elektronik İmza Kanunu" in body and "/giris/form" in body, "mail text")
    check(count(srv, "SELECT COUNT(*) FROM orders WHERE access_password_hash LIKE 'k1$%'")
          == count(srv, "SELECT COUNT(*) FROM orders"), "a password not stored as a keyed hash")
    r = c.req("POST", "/kurum/basvuru/yeni", good_form(csrf))
    check(r.status == 409 and field_error(r.text, "id_number"), "second open order: %d" % r.status)


@tap.test
def preapply_each_bad_field(srv):
    """each bad field gets its own message next to it and the typed values are kept"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/yeni")
    orders = count(srv, "SELECT COUNT(*) FROM orders")
    cases = [
        ("id_number", "10000000147", "geçerli değil"),
        ("id_number", "", "zorunludur"),
        ("given_name", "Ali3", "harf"),
        ("surname", "", "zorunludur"),
        ("email", "ali@", "e-posta"),
        ("mobile", "0212 123 45 67", "5xxxxxxxxx"),
        ("reason", "uçmak", "seçenek"),
        ("payment_type", "", "zorunludur"),
    ]
    for field, value, words in cases:
        r = c.req("POST", "/kurum/basvuru/yeni", good_form(csrf, **{field: value}))
        msg = field_error(r.text, field)
        check(r.status == 400 and msg and words in msg,
              "%s=%r: %d %r" % (field, value, r.status, msg))
        kept = 'value="Çağlayan"' if field == "given_name" else 'value="Şükrü"'
        check(kept in r.text, "typed values lost (%s)" % field)
    r = c.req("POST", "/kurum/basvuru/yeni", good_form(csrf, id_number="X1234567"))
    check(r.status == 400 and field_error(r.text, "passport_country"), "passport without country")
    r = c.req("POST", "/kurum/basvuru/yeni?lang=en", good_form(csrf, email="nope"))
    check("This e-mail address is not valid." in (field_error(r.text, "email") or ""), "English")
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders, "a bad form stored an order")


@tap.test
def preapply_escapes_text(srv):
    """markup typed into a field comes back escaped, never as markup"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/yeni")
    r = c.req("POST", "/kurum/basvuru/yeni",
              good_form(csrf, given_name='<script>alert(1)</script>', email='"><img src=x>'))
    check(r.status == 400, "status %d" % r.status)
    check("<script>alert(1)" not in r.text and "<img src=x>" not in r.text, "markup echoed raw")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, "escaped value not kept")


@tap.test
def passport_preapplication(srv):
    """a passport number with its country is accepted"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/yeni")
    r = c.req("POST", "/kurum/basvuru/yeni",
              good_form(csrf, id_number="p1234567", passport_country="DE", given_name="Hans",
                        surname="Müller", email="hans@example.org"))
    check(r.status == 303, "passport: %d %s" % (r.status, r.text[:300]))
    check(count(srv, "SELECT COUNT(*) FROM persons WHERE id_kind = 'passport' AND id_number ="
                     " 'P1234567' AND passport_country = 'DE'") == 1, "passport person")


# ---- orders list, other institutions, cancel ----

def other_institution_order(srv):
    """An order of another institution (registered by its officer 'izmir2')."""
    a = officer(srv, "admin", "admin-demo")
    csrf = a.csrf("/yonetim/kurumlar")
    a.req("POST", "/yonetim/kurumlar", {"csrf": csrf, "name": "Bursa Valiliği"})
    inst = count(srv, "SELECT id FROM institutions WHERE name = 'Bursa Valiliği'")
    a.req("POST", "/yonetim/kullanicilar", {"csrf": csrf, "username": "bursa", "role": "kurum",
                                            "institution_id": str(inst),
                                            "password": "bursa-parola-1"})
    b = officer(srv, "bursa", "bursa-parola-1")
    csrf = b.csrf("/kurum/basvuru/yeni")
    r = b.req("POST", "/kurum/basvuru/yeni",
              good_form(csrf, id_number="10000000078", given_name="Gizli", surname="Kişi",
                        email="gizli@example.org"))
    check(r.status == 303, "other institution's pre-application: %d" % r.status)
    return int(re.search(r"/kurum/siparis/(\d+)", r.header("location")).group(1))


@tap.test
def officer_sees_only_his_institution(srv):
    """the list, search and detail never show another institution's orders (404)"""
    no = other_institution_order(srv)
    c = officer(srv)
    r = c.req("GET", "/kurum")
    check(r.status == 200 and "Gizli" not in r.text and "SD-%d" % no not in r.text,
          "another institution's order listed")
    for q in ("SD-%d" % no, str(no), "10000000078", "Gizli"):
        r = c.req("GET", "/kurum?q=" + urllib.parse.quote(q))
        check(r.status == 200 and 'id="total">0<' in r.text, "search %r found it" % q)
    r = c.req("GET", "/kurum/siparis/%d" % no)
    check(r.status == 404, "other institution's detail: %d" % r.status)
    csrf = c.csrf("/kurum")
    r = c.req("POST", "/kurum/siparis/%d/iptal" % no, {"csrf": csrf, "reason": "deneme"})
    check(r.status == 404, "other institution's cancel: %d" % r.status)
    check(count(srv, "SELECT status FROM orders WHERE order_no = ?", no) != "cancelled",
          "cancelled another institution's order")
    r = c.req("GET", "/kurum?q=AY%C5%9EE")
    check(r.status == 200 and 'id="total">1<' in r.text, "search by name")


@tap.test
def cancel_order(srv):
    """the officer cancels with a reason; it shows as İptal Edildi; a second cancel is refused"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/yeni")
    r = c.req("POST", "/kurum/basvuru/yeni",
              good_form(csrf, id_number="10000000214", email="iptal@example.org"))
    no = int(re.search(r"/kurum/siparis/(\d+)", r.header("location")).group(1))
    r = c.req("POST", "/kurum/siparis/%d/iptal" % no, {"csrf": csrf, "reason": ""})
    check(r.status == 400, "empty reason: %d" % r.status)
    r = c.req("POST", "/kurum/siparis/%d/iptal" % no, {"csrf": csrf, "reason": "Personel ayrıldı"})
    check(r.status == 303, "cancel: %d" % r.status)
    r = c.req("GET", r.header("location"))
    check("İptal Edildi" in r.text and "Personel ayrıldı" in r.text, "not shown as cancelled")
    r = c.req("POST", "/kurum/siparis/%d/iptal" % no, {"csrf": csrf, "reason": "yine"})
    check(r.status == 409, "second cancel: %d" % r.status)
    check(count(srv, "SELECT COUNT(*) FROM audit_log WHERE action = 'status' AND to_state ="
                     " 'cancelled' AND reason = 'Personel ayrıldı'") == 1, "no audit record")


# ---- CSV ----

CSV = ("\ufeffid_number;given_name;surname;email;mobile;reason;payment_type;backup_cert\r\n"
       "10000000382;Ayşe;Yıldız;ayse.yildiz@example.org;5321234567;İlk Sertifika;Kurum Ödemeli;hayır\r\n"
       "12345678901;Kötü;Satır;kotu@example.org;5321234567;;;\r\n"
       "\"10000000450\";\"Işıl\";\"Çelik-Öz\";isil@example.org;05331234567;yenileme;kişi;evet\r\n"
       "10000000382;Ayşe;Yıldız;ayse.yildiz@example.org;5321234567;;;\r\n"
       "10000000528;<b>Ali</b>;Can;ali@example.org;5321234567;;;\r\n").encode()


@tap.test
def csv_preview_confirm_and_again(srv):
    """the preview lists bad rows with line and reason; confirm imports the good ones once"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/toplu")
    orders = count(srv, "SELECT COUNT(*) FROM orders")
    r = c.upload("/kurum/basvuru/toplu", csrf, "liste.csv", CSV)
    check(r.status == 200, "preview: %d %s" % (r.status, r.text[:300]))
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders, "the preview stored orders")
    bad = dict(re.findall(r'class="bad-row" data-line="(\d+)">.*?data-code="(\w+)"', r.text, re.S))
    check(bad == {"3": "tckn_checksum", "5": "duplicate_in_file", "6": "name_chars"},
          "bad rows: %r" % bad)
    good = re.findall(r'class="good-row" data-line="(\d+)"', r.text)
    check(good == ["2", "4"], "good rows: %r" % good)
    check("<b>Ali</b>" not in r.text and "&lt;b&gt;Ali&lt;/b&gt;" in r.text, "bad row not escaped")
    batch = re.search(r'name="batch" value="([0-9a-f]{64})"', r.text).group(1)
    # a forged preview id imports nothing
    r = c.req("POST", "/kurum/basvuru/toplu/onay", {"csrf": csrf, "batch": "0" * 64})
    check(r.status == 410, "forged batch: %d" % r.status)
    r = c.req("POST", "/kurum/basvuru/toplu/onay", {"csrf": csrf, "batch": batch})
    check(r.status == 200 and 'id="n-created">2<' in r.text, "confirm: %d" % r.status)
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders + 2, "not 2 orders")
    check(count(srv, "SELECT COUNT(*) FROM persons WHERE surname = 'Çelik-Öz'") == 1, "quoted field")
    r = c.req("POST", "/kurum/basvuru/toplu/onay", {"csrf": csrf, "batch": batch})
    check(r.status == 410, "the same preview imported twice: %d" % r.status)
    # the same file again: every row is reported, nothing is added
    r = c.upload("/kurum/basvuru/toplu", csrf, "liste.csv", CSV)
    codes = re.findall(r'data-code="(\w+)"', r.text)
    check(codes.count("open_order") == 2 and 'name="batch"' not in r.text,
          "second upload: %r" % codes)
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders + 2, "duplicates added")


@tap.test
def csv_comma_and_file_errors(srv):
    """a comma file works; a wrong header or a non-UTF-8 file is refused with its reason"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/toplu")
    r = c.upload("/kurum/basvuru/toplu", csrf, "a.csv",
                 b"id_number,given_name,surname,email,mobile\n10000000696,Veli,Kaya,v@example.org,5321234567\n")
    check(r.status == 200 and re.findall(r'class="good-row"', r.text), "comma file: %d" % r.status)
    r = c.upload("/kurum/basvuru/toplu", csrf, "b.csv", b"kimlik;ad\n1;2\n")
    check(r.status == 400 and 'id="file-error"' in r.text, "unknown columns: %d" % r.status)
    r = c.upload("/kurum/basvuru/toplu", csrf, "c.csv",
                 "id_number;given_name;surname;email;mobile\n10000000696;IŞIL;X;a@b.org;5321234567\n"
                 .encode("iso-8859-9"))
    check(r.status == 400 and "UTF-8" in r.text, "latin-5 file: %d" % r.status)


@tap.test
def upload_of_50_mb_refused(srv):
    """a 50 MB upload is refused with 413 and nothing is stored"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/toplu")
    orders = count(srv, "SELECT COUNT(*) FROM orders")
    batches = count(srv, "SELECT COUNT(*) FROM preapply_batches")
    big = b"id_number;given_name;surname;email;mobile\n" + b"x" * (50 * 1024 * 1024)
    try:
        r = c.upload("/kurum/basvuru/toplu", csrf, "big.csv", big)
        check(r.status == 413, "50 MB: %d" % r.status)
    except (ConnectionError, OSError):
        pass   # the server may close the connection after its 413 while we still send
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders, "orders stored")
    check(count(srv, "SELECT COUNT(*) FROM preapply_batches") == batches, "preview stored")
    r = c.req("GET", "/kurum")
    check(r.status == 200, "server unwell after the big upload: %d" % r.status)


# ---- CSRF and sessions ----

@tap.test
def forged_csrf_refused(srv):
    """a forged or missing CSRF token is refused and nothing is stored"""
    c = officer(srv)
    c.csrf("/kurum/basvuru/yeni")
    orders = count(srv, "SELECT COUNT(*) FROM orders")
    r = c.req("POST", "/kurum/basvuru/yeni", good_form("A" * 43, id_number="10000000764"))
    check(r.status == 403, "forged token: %d" % r.status)
    f = good_form("x", id_number="10000000764")
    del f["csrf"]
    r = c.req("POST", "/kurum/basvuru/yeni", f)
    check(r.status == 403, "missing token: %d" % r.status)
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders, "an order was stored")


@tap.test
def expired_session(srv):
    """an expired session leads back to the staff login and stores nothing"""
    c = officer(srv)
    csrf = c.csrf("/kurum/basvuru/yeni")
    orders = count(srv, "SELECT COUNT(*) FROM orders")
    r = c.req("POST", "/demo/clock", {"csrf": csrf, "seconds": "86400"})
    if r.status == 404:
        return "SKIP /demo/clock is not there"
    try:
        r = c.req("GET", "/kurum")
        check(r.status == 303 and r.header("location") == "/kurum/giris",
              "expired session: %d" % r.status)
        r = c.req("POST", "/kurum/basvuru/yeni", good_form(csrf, id_number="10000000832"))
        check(r.status in (303, 403), "post with expired session: %d" % r.status)
        check(count(srv, "SELECT COUNT(*) FROM orders") == orders, "stored with an expired session")
    finally:
        d = Client(srv)
        d.req("POST", "/demo/clock", {"csrf": d.csrf("/kurum/giris"), "seconds": "-86400"})


def main():
    return run_tests(tap, start(sys.argv[1]))

if __name__ == "__main__":
    sys.exit(main())
