#!/usr/bin/env python3
"""HTTP black-box tests of one person across the doors (issue 13 item 4;
docs/applicant.md, "Doors and entitlement" and its table of doors): one
person session whose rights follow from the door used, and no dead end
between the applicant pages and Online İşlemler.

- E-İmzalı Giriş proves the person: Başvurularım and his orders open, and the
  pages link each other both ways.
- "Yenileme Başlat" leads to the renewal's form and Online İşlemler stays open.
- A person whose orders are all delivered still gets in through the form
  login (his order's access password) and sees Başvurularım.
- Şifreli Giriş with the word of a form nobody approved yet opens that order
  and e-Onay only: no shipments, no contact data, no certificate services.

Runs on the e-İmza test bed (esign_env.py: nitelikd with its CA and signer,
the demo token of AYŞE). Prints TAP.

usage: test_doors.py NITELIKD NITELIK NITELIK_SIGNER NITELIK_IMZA [sqlite|postgres]"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from esign_env import env_main, status, wait_page  # noqa: E402
from flows import AYSE, ISIL, MEHMET, PASSWORD, WORD, Client, to_step2  # noqa: E402

tap = Tap()
S = {}


def esign_login(env, tckn):
    """E-İmzalı Giriş with the demo token: a client at the holder's menu."""
    c = Client(env.srv)
    p = c.page("/online-islemler")
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "eimza", "tckn": tckn})
    check(r.status == 303, "eimza door: %d" % r.status)
    code, cid, _ = wait_page(c, "/online-islemler/eimza")
    p = env.sign_token(code)
    check(p.returncode == 0, "sign: %s" % p.stderr.decode())
    s = status(c, cid)
    check(s["status"] == "done", "poll: %s" % s)
    r = c.req("GET", s["next"])
    check(r.status == 303 and r.header("location") == "/online-islemler/menu",
          "devam: %d %s" % (r.status, r.header("location")))
    return c


@tap.test
def esign_door_opens_my_applications(env):
    """E-İmzalı Giriş: Başvurularım and the order open; the pages link both ways"""
    a = to_step2(env.srv, AYSE, "5321234567", "ayse@example.com")
    S["ayse_no"] = a.no
    c = esign_login(env, AYSE)
    r = c.req("GET", "/basvurularim")
    check(r.status == 200, "Başvurularım after E-İmzalı Giriş: %d" % r.status)
    check("SD-%s" % a.no in r.text, "her order is not listed")
    check('href="/online-islemler"' in r.text, "Başvurularım lacks the way to Online İşlemler")
    r = c.req("GET", "/online-islemler/menu")
    check(r.status == 200 and 'href="/basvurularim"' in r.text, "menu lacks Başvurularım")
    r = c.req("GET", "/basvuru/%s/form" % a.no)
    check(r.status == 200, "her form after E-İmzalı Giriş: %d" % r.status)
    # Back to Online İşlemler from the applicant pages: straight to the menu.
    r = c.req("GET", "/online-islemler")
    check(r.status == 303 and r.header("location") == "/online-islemler/menu",
          "Online İşlemler from the applicant pages: %d" % r.status)
    r = c.req("GET", "/online-islemler/sertifikalarim")
    check(r.status == 200 and 'href="/basvurularim"' in r.text,
          "self-service page lacks Başvurularım: %d" % r.status)


@tap.test
def renewal_keeps_online_islemler(env):
    """Yenileme Başlat leads to the form and every Online İşlemler page stays open"""
    c = esign_login(env, AYSE)
    p = c.page("/online-islemler/yenileme")
    r = c.req("POST", "/online-islemler/yenileme", {"csrf": p.csrf})
    check(r.status == 303 and re.match(r"/basvuru/\d+/form$", r.header("location") or ""),
          "renewal: %d %s" % (r.status, r.header("location")))
    check(c.req("GET", r.header("location")).status == 200, "the renewal's form")
    for path in ("/online-islemler/menu", "/online-islemler/sertifikalarim",
                 "/online-islemler/iletisim", "/online-islemler/gonderilerim",
                 "/online-islemler/pin-puk", "/online-islemler/eonay",
                 "/online-islemler/yenileme"):
        r = c.req("GET", path)
        check(r.status == 200, "GET %s after the renewal: %d" % (path, r.status))


@tap.test
def delivered_orders_form_login(env):
    """a person whose orders are all delivered gets in by the form login: Başvurularım"""
    m = to_step2(env.srv, MEHMET, "5337654321", "mehmet@example.com")
    env.sql("UPDATE orders SET status = 'delivered' WHERE person_id ="
            " (SELECT id FROM persons WHERE id_number = '%s')" % MEHMET)
    c = Client(env.srv)
    r = c.form_login(MEHMET, PASSWORD)
    check(r.status == 303, "form login with only delivered orders: %d" % r.status)
    r = c.req("GET", "/basvurularim")
    check(r.status == 200 and "SD-%s" % m.no in r.text,
          "Başvurularım of a person with delivered orders: %d" % r.status)
    check('href="/online-islemler"' in r.text, "no way to Online İşlemler")
    # The password proved no more than its order: Online İşlemler asks for
    # the holder's door instead of answering 403.
    r = c.req("GET", "/online-islemler/menu")
    check(r.status == 303 and r.header("location") == "/online-islemler",
          "menu for a form login: %d %s" % (r.status, r.header("location")))
    r = c.req("GET", "/online-islemler")
    check(r.status == 200 and 'value="sifre"' in r.text, "the holder's door: %d" % r.status)
    # The identity door stays open to this session: proving himself adds
    # every order of his (a password opened one).
    r = c.req("GET", "/giris/kimlik")
    check(r.status == 200, "the identity door for a password session: %d" % r.status)


@tap.test
def unapproved_word_opens_its_order_and_eonay_only(env):
    """Şifreli Giriş with the word of an unapproved form: that order and e-Onay, nothing else"""
    i = to_step2(env.srv, ISIL, "5351112233", "isil@example.com")
    c = Client(env.srv)
    p = c.page("/online-islemler")
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": ISIL,
                                           "security_word": WORD})
    check(r.status == 303 and r.header("location") == "/online-islemler/menu",
          "login: %d" % r.status)
    r = c.req("GET", "/online-islemler/menu")
    check(r.status == 200 and "/online-islemler/eonay" in r.text, "menu: %d" % r.status)
    for link in ("/online-islemler/gonderilerim", "/online-islemler/iletisim",
                 "/online-islemler/askiya-al"):
        check(link not in r.text, "menu offers %s" % link)
    for path in ("/online-islemler/gonderilerim", "/online-islemler/iletisim",
                 "/online-islemler/sertifikalarim", "/online-islemler/yenileme"):
        r = c.req("GET", path)
        check(r.status == 303 and "isil@example.com" not in r.text and "535" not in r.text,
              "GET %s with an unapproved word: %d" % (path, r.status))
    check(c.req("GET", "/online-islemler/eonay").status == 200, "e-Onay")
    # No dead end: the holder's door is still there to prove himself.
    r = c.req("GET", "/online-islemler")
    check(r.status == 200 and 'value="eimza"' in r.text, "the door for a stronger login: %d" % r.status)
    r = c.req("GET", "/basvurularim")
    check(r.status == 200 and "SD-%s" % i.no in r.text, "her order: %d" % r.status)
    check(c.req("GET", "/basvuru/%s/onay" % i.no).status == 200, "her order's approval step")


def main():
    return env_main(tap, sys.argv[1:], "")


if __name__ == "__main__":
    sys.exit(main())
