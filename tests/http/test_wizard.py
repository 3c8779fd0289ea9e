#!/usr/bin/env python3
"""HTTP black-box tests of the application form wizard (issue 4): step 1 with
every kind of bad input shown next to its field (and nothing stored), drafts,
the province -> district reload without JavaScript, the SMS code (wrong,
expired, reused, guessed past the try limit, re-send flooding per order and per
number), step 2 and step 3, "Önceki Başvuru" versions (an old version is
refused), another person's order (404), and POST /demo/clock, which moves the
server's clock so that nothing here sleeps. Prints TAP.

The server runs in demo mode with the test setting [demo] fixed_captcha, so the
demo persons log in through the real form login door.

usage: test_wizard.py PATH/TO/nitelikd"""

import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, Tap, check  # noqa: E402
from flows import (AYSE, FORM_CT, ISIL, MEHMET, Client, applicant, good_form, last_code,  # noqa: E402
                   outbox, run_tests, send_code, sms_page, start_demo, submit, url, verify)

tap = Tap()
login = applicant


def field_errors(text):
    """{field: message} of the messages shown next to fields."""
    return dict(re.findall(r'class="field-error" id="err-(\w+)">([^<]*)<', text))


def sms_count(c, mobile):
    text = outbox(c)
    return len(re.findall(r"kodunuz: \d{6}", text)), text.count(mobile)


def clock(srv, seconds):
    r = srv.request("POST", "/demo/clock", body=("seconds=%d" % seconds).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 200, "demo clock: %d %s" % (r.status, r.body[:200]))
    return json.loads(r.body)


def other(code):
    return "%06d" % ((int(code) + 1) % 1000000)


# ---- access ----

@tap.test
def anonymous_goes_to_login(srv):
    """the wizard needs a person's login; the district list is public JSON"""
    c = Client(srv)
    r = c.req("GET", "/basvuru/100001/form")
    check(r.status == 303 and "/giris" in (r.header("location") or ""),
          "anonymous: %d %s" % (r.status, r.header("location")))
    r = c.req("GET", "/il/34/ilceler")
    check(r.status == 200, "districts: %d" % r.status)
    j = json.loads(r.body)
    check(j["province"] == "İstanbul" and "Kadıköy" in j["districts"], str(j)[:200])
    for bad in ("/il/0/ilceler", "/il/82/ilceler", "/il/abc/ilceler"):
        check(c.req("GET", bad).status == 404, bad)


@tap.test
def another_persons_order_is_404(srv):
    """another person's order, a malformed or unknown number: 404 on every step"""
    ayse = login(srv, AYSE)
    mehmet = login(srv, MEHMET)
    csrf = mehmet.page(url(mehmet, "form")).csrf
    for leaf in ("form", "sms", "onay", "sonuc"):
        r = mehmet.req("GET", url(ayse, leaf))
        check(r.status == 404, "GET %s of another person: %d" % (leaf, r.status))
    r = mehmet.req("POST", url(ayse, "form"), good_form(csrf, "5320000001"))
    check(r.status == 404, "POST form of another person: %d" % r.status)
    r = mehmet.req("POST", url(ayse, "sms"), {"csrf": csrf, "action": "send", "version": "1"})
    check(r.status == 404, "POST sms of another person: %d" % r.status)
    for no in ("abc", "999999", "-1"):
        check(mehmet.req("GET", url(mehmet, "form", no)).status == 404, no)
    # Nothing was stored for Ayşe's order.
    r = ayse.req("GET", url(ayse, "sms"))
    check(r.status == 303 and r.header("location").endswith("/form"), "ayşe sms: %d" % r.status)


# ---- step 1: bad input ----

@tap.test
def empty_form_every_field(srv):
    """an empty form: 'required' next to every required field, nothing stored"""
    c = login(srv, ISIL)
    p = c.page(url(c, "form"))
    r = c.req("POST", url(c, "form"), {"csrf": p.csrf, "action": "submit", "base_version": "0"})
    check(r.status == 400, "status %d" % r.status)
    errs = field_errors(r.text)
    for f in ("period", "card_reader", "publish", "reason", "security_word", "email", "mobile",
              "operator", "info_channel", "unit", "title", "work_phone", "address_type",
              "address", "province", "district", "postal_code", "delivery_method"):
        check(errs.get(f) == "Bu alan zorunludur.", "%s: %r" % (f, errs.get(f)))
    for f in ("home_phone", "extension", "registry_no"):
        check(f not in errs, "optional %s refused" % f)
    check(c.req("GET", url(c, "sms")).status == 303, "something was stored")


@tap.test
def wrong_patterns_and_checksums(srv):
    """wrong patterns, a foreign postal code, a district of another province,
    different security words: each message next to its field, typed values kept"""
    c = login(srv, ISIL)
    r = submit(c, "0532 12", email="isil@", security_word2="Baska2026",
               district="Kadıköy", postal_code="34710", home_phone="123",
               extension="12a", work_phone="abc", period="4", operator="avea")
    check(r.status == 400, "status %d" % r.status)
    e = field_errors(r.text)
    want = {"mobile": "5xxxxxxxxx", "email": "e-posta", "security_word2": "aynı değil",
            "district": "seçilen ile ait değil", "home_phone": "alan kodu",
            "extension": "Dahili", "work_phone": "alan kodu", "period": "Sunulan",
            "operator": "Sunulan", "postal_code": "başka bir ile"}
    for f, part in want.items():
        check(part.lower() in e.get(f, "").lower(), "%s: %r" % (f, e.get(f)))
    check(len(e) == len(want), "unexpected errors: %r" % e)
    # The typed values come back (never the security word).
    check('value="0532 12"' in r.text and 'value="isil@"' in r.text, "typed values lost")
    check("Gizli2026" not in r.text and "Baska2026" not in r.text, "security word echoed")
    # Postal code of another province, once the district is right.
    r = submit(c, "5441112233", postal_code="34710")
    check("başka bir ile" in field_errors(r.text).get("postal_code", ""),
          str(field_errors(r.text)))


@tap.test
def too_long_bad_utf8_and_script(srv):
    """too long, bad UTF-8 and script text: refused or shown back escaped"""
    c = login(srv, ISIL)
    r = submit(c, "5441112233", unit="x" * 101)
    check(r.status == 400 and "uzun" in field_errors(r.text).get("unit", ""),
          str(field_errors(r.text)))
    p = c.page(url(c, "form"))
    raw = urllib.parse.urlencode(good_form(p.csrf, "5441112233")).encode()
    raw = raw.replace(b"title=%C3%96%C4%9Fretmen", b"title=%C3%28%FF")
    r = c.req("POST", url(c, "form"), raw=raw, ctype=FORM_CT)
    check(r.status == 400, "bad UTF-8: %d" % r.status)
    check("title" in field_errors(r.text), str(field_errors(r.text)))
    r = submit(c, "5441112233", unit="<script>alert(1)</script>", address="kısa")
    check(r.status == 400, "status %d" % r.status)
    check("<script>alert" not in r.text, "script text not escaped")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, "script text not shown back")
    check(c.req("GET", url(c, "sms")).status == 303, "something was stored")


@tap.test
def english_messages(srv):
    """?lang=en shows the labels and the field messages in English"""
    c = login(srv, ISIL)
    p = c.page(url(c, "form") + "?lang=en")
    check("Security word" in p.text and "Update My Identity Details" in p.text, "labels")
    r = c.req("POST", url(c, "form"), good_form(p.csrf, "5441112233", district="Kadıköy"))
    check(field_errors(r.text).get("district") == "This district is not in the chosen province.",
          str(field_errors(r.text)))
    c.page(url(c, "form") + "?lang=tr")


@tap.test
def districts_without_javascript(srv):
    """the 'List districts' button reloads the district list of the chosen province"""
    c = login(srv, ISIL)
    p = c.page(url(c, "form"))
    check("js-province" in p.text and 'value="districts"' in p.text, "no province button")
    r = c.req("POST", url(c, "form"), {"csrf": p.csrf, "action": "districts",
                                       "base_version": "0", "province": "34", "unit": "Birim"})
    check(r.status == 200, "status %d" % r.status)
    check('<option value="Kadıköy">' in r.text, "İstanbul's districts not listed")
    check('<option value="Çankaya">' not in r.text, "Ankara's district listed")
    check(not field_errors(r.text), "errors on a reload: %r" % field_errors(r.text))
    check('value="Birim"' in r.text, "typed value lost")
    check('src="/static/js/wizard.js"' in r.text, "no script for the enhancement")


@tap.test
def draft_saved_and_restored(srv):
    """'Save Draft' keeps an incomplete form (never the security word)"""
    c = login(srv, ISIL)
    p = c.page(url(c, "form"))
    r = c.req("POST", url(c, "form"), {"csrf": p.csrf, "action": "draft", "base_version": "0",
                                       "unit": "Özlük İşleri", "province": "35",
                                       "district": "Konak", "security_word": "Gizli2026"})
    check(r.status == 200 and "Taslağınız kaydedildi" in r.text, "draft: %d" % r.status)
    r = c.page(url(c, "form"))
    check('value="Özlük İşleri"' in r.text, "draft not restored")
    check('<option value="Konak" selected>' in r.text, "district not restored")
    check("Gizli2026" not in r.text, "security word kept in the draft")


@tap.test
def identity_refresh(srv):
    """identity is read-only and masked; 'Kimlik Bilgilerimi Güncelle' asks the registry"""
    c = login(srv, ISIL)
    p = c.page(url(c, "form"))
    check("49*******84" in p.text and ISIL not in p.text, "identity not masked")
    r = c.req("POST", url(c, "form"), {"csrf": p.csrf, "action": "identity",
                                       "base_version": "0", "unit": "Birim"})
    check(r.status == 200 and "güncellendi" in r.text, "refresh: %d %s" % (r.status, r.text[:200]))
    check('value="Birim"' in r.text, "typed values lost on refresh")


# ---- the wizard and the SMS code ----

@tap.test
def wizard_to_step_3(srv):
    """step 1 -> SMS code (wrong, then right) -> step 2 (no e-Onay) -> Islak İmza -> step 3"""
    c = login(srv, AYSE)
    r = submit(c, "0532 123 45 67")
    check(r.status == 303 and r.header("location").endswith("/sms"), "submit: %d" % r.status)
    p = sms_page(c)
    check("532 *** ** 67" in p.text and "5321234567" not in p.text, "mobile not masked")
    r = send_code(c)
    check(r.status == 200 and 'data-remaining="180"' in r.text, "send: %d" % r.status)
    check("Kalan Süre" in r.text, "no countdown text")
    code = last_code(c, "5321234567")
    r = verify(c, other(code))
    check(r.status == 400 and "Kalan deneme hakkı: 2" in r.text, "wrong: %d" % r.status)
    r = verify(c, "12ab")
    check(r.status == 400 and "6 rakam" in r.text, "bad format")
    r = verify(c, code)
    check(r.status == 303 and r.header("location").endswith("/onay"), "right: %d" % r.status)
    r = verify(c, code, version="1")
    check(r.status == 400 and "kullanıldı" in r.text, "reused code: %d" % r.status)
    p = c.page(url(c, "onay"))
    check("e-İmza ile Onaylama" in p.text and "Islak İmza ile Onaylama" in p.text, "methods")
    check("e-Onay ile Onaylama" not in p.text, "e-Onay offered without consent")
    r = c.req("POST", url(c, "onay"), {"csrf": p.csrf, "method": "e_onay", "version": "1",
                                       "accept": "true"})
    check(r.status == 403, "e-Onay without consent: %d" % r.status)
    r = c.req("POST", url(c, "onay"), {"csrf": p.csrf, "method": "islak", "version": "1"})
    check(r.status == 303 and r.header("location").endswith("/sonuc"), "islak: %d" % r.status)
    r = c.req("GET", url(c, "sonuc"))
    check(r.status == 200 and "Başvuru Formu Bekleniyor" in r.text, "result page")
    check('aria-current="step"' in r.text, "no step indicator")


@tap.test
def previous_application_versions(srv):
    """'Önceki Başvuru': a new version supersedes the confirmed one; old pages refused"""
    c = login(srv, AYSE)
    p = c.page(url(c, "form"))
    check("yeni bir sürüm" in p.text and 'name="base_version" value="1"' in p.text,
          "update page")
    check('value="Bilgi İşlem Şubesi"' in p.text, "not prefilled from version 1")
    # A stale page (made before version 1) is refused, nothing stored.
    r = c.req("POST", url(c, "form"), good_form(p.csrf, "5321234567", base="0"))
    check(r.status == 409, "stale page: %d" % r.status)
    r = c.req("POST", url(c, "form"), good_form(p.csrf, "5321234567", base="1", unit="Muhasebe"))
    check(r.status == 303, "version 2: %d %s" % (r.status, r.text[:300]))
    # Version 1 can no longer be approved or confirmed.
    r = c.req("POST", url(c, "onay"), {"csrf": p.csrf, "method": "e_imza", "version": "1"})
    check(r.status == 409 and "artık geçerli değil" in r.text, "old version approved: %d"
          % r.status)
    r = c.req("POST", url(c, "sms"), {"csrf": p.csrf, "action": "verify", "code": "123456",
                                      "version": "1"})
    check(r.status == 409 and "artık geçerli değil" in r.text, "old version SMS: %d" % r.status)
    r = c.req("POST", url(c, "sms"), {"csrf": p.csrf, "action": "send", "version": "1"})
    check(r.status == 409 and "artık geçerli değil" in r.text, "old version send: %d" % r.status)


@tap.test
def expired_code_with_clock(srv):
    """a code is valid 180 s: after the clock moves 181 s it is refused as expired"""
    c = login(srv, MEHMET)
    check(submit(c, "5337654321").status == 303, "submit")
    check(send_code(c).status == 200, "send")
    code = last_code(c, "5337654321")
    clock(srv, 181)
    r = verify(c, code)
    check(r.status == 400 and "süresi doldu" in r.text, "expired: %d %s" % (r.status,
          re.findall(r'err-code">([^<]*)', r.text)))
    check("data-remaining" not in r.text, "countdown of an expired code")


@tap.test
def try_limit(srv):
    """three wrong tries lock the code: even the right one is refused after"""
    c = login(srv, MEHMET)
    check(send_code(c).status == 200, "send")
    code = last_code(c, "5337654321")
    check(verify(c, other(code)).status == 400, "1")
    check(verify(c, other(code)).status == 400, "2")
    r = verify(c, other(code))
    check(r.status == 429 and "Çok fazla hatalı" in r.text, "3rd: %d" % r.status)
    r = verify(c, code)
    check(r.status == 429 and "Çok fazla hatalı" in r.text, "right after lock: %d" % r.status)


@tap.test
def resend_flooding_per_order(srv):
    """at most 3 codes per order in 15 minutes; the window opens again after"""
    clock(srv, 3601)                # a fresh hour for the number (logs every session out)
    c = login(srv, MEHMET)
    for i in range(3):
        check(send_code(c).status == 200, "send %d" % (i + 1))
    before = sms_count(c, "5337654321")
    r = send_code(c)
    check(r.status == 429 and "15 dakikada en fazla 3" in r.text, "4th: %d" % r.status)
    check(sms_count(c, "5337654321") == before, "a refused send reached the outbox")
    clock(srv, 901)
    r = send_code(c)
    check(r.status == 200, "after the window: %d %s" % (r.status, r.text[:200]))
    r = verify(c, last_code(c, "5337654321"))
    check(r.status == 303, "the new code works: %d" % r.status)


@tap.test
def resend_flooding_per_number(srv):
    """at most 5 codes to one number in an hour, whatever the order"""
    clock(srv, 3601)
    c = login(srv, ISIL)
    check(submit(c, "5559998877").status == 303, "submit")
    for i in range(3):
        check(send_code(c).status == 200, "send %d" % (i + 1))
    clock(srv, 901)
    for i in range(2):
        check(send_code(c).status == 200, "send %d" % (i + 4))
    r = send_code(c)
    check(r.status == 429 and "bu numaraya çok fazla" in r.text.lower(), "6th: %d" % r.status)


@tap.test
def demo_clock_only_in_demo_mode(srv):
    """POST /demo/clock answers 404 when demo mode is off"""
    s = Server(srv.exe)
    os.makedirs(s.demo, exist_ok=True)
    with open(os.path.join(s.demo, "nitelik.conf"), "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\n\n[storage]\ndata_dir = %s\n"
                "database = sqlite:%s/nitelik.db\n" % (s.demo, s.demo))
    try:
        s.start()
        r = s.request("POST", "/demo/clock", body=b"seconds=100",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        check(r.status == 404, "clock outside demo mode: %d" % r.status)
    finally:
        s.stop()
        s.cleanup()


def main():
    return run_tests(tap, start_demo(sys.argv[1]))

if __name__ == "__main__":
    sys.exit(main())
