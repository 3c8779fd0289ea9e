#!/usr/bin/env python3
"""HTTP black-box tests of the wet signature (issue 6 item 6): the application
form PDF with its Code 128 barcode, downloaded by its owner only; every field
and the Turkish letters found by pdftotext; the barcode read back by zbarimg
from a 200 dpi pdftoppm rendering equals the stored code; the registration
officer's /kayit pages register it and the order moves on (institution-paid
-> Üretim Bekleniyor, person-paid -> Ödeme Bekleniyor); an old version's
barcode, a garbage barcode, an unknown one and a second registration are
refused; a rejection with a reason reaches the person and his new form has a
new code. Prints TAP.

The demo persons log in through the real form login door ([demo]
fixed_captcha); the demo registration officer is kayit / kayit-demo.

usage: test_wet.py PATH/TO/nitelikd"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from flows import (AYSE, CAPTCHA, ISIL, MEHMET, Client, applicant, choose_wet, fill_and_confirm,  # noqa: E402
                   outbox, ra_decide, run_tests, staff, start_demo, url)

tap = Tap()
POSTAL = "Nitelik Sertifikasyon Merkezi | Gazi Mustafa Kemal Bulvarı No: 7 P.K. 12 | 06570 Çankaya / ANKARA"

# Values with every Turkish letter, upper and lower case: İ ı Ş ş Ğ ğ Ü ü Ö ö Ç ç.
FORM = {"unit": "Öğrenci İşleri Şubesi", "title": "Şef Yardımcısı",
        "address": "Çağlayan Mah. Üçgöz Sok. No: 5 Ğ Blok Işıklar",
        "registry_no": "ÇÜ-2026", "email": "ayse.yilmaz@example.org"}
LETTERS = "İıŞşĞğÜüÖöÇç"

state = {}   # what one test leaves for the next: codes, pdf bytes, clients


def to_step3(c, mobile, base="0", **over):
    """Step 1 (version base+1) -> SMS code -> step 2 Islak İmza -> step 3."""
    fill_and_confirm(c, mobile, base, **dict(FORM, **over))
    choose_wet(c)
    r = c.req("GET", url(c, "sonuc"))
    check(r.status == 200, "result page: %d" % r.status)
    return r


def get_pdf(c, no=None):
    r = c.req("GET", url(c, "form.pdf", no))
    if r.status == 200:
        m = re.search(r'filename="[^"]*-(NF[A-Z2-7]{12})\.pdf"', r.header("content-disposition") or "")
        r.code = m.group(1) if m else None
    return r


def pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], capture_output=True,
                             check=True).stdout.decode("utf-8")
    return " ".join(out.split())


def read_barcode(pdf):
    """zbarimg over a 200 dpi rendering of page 1: the Code 128 symbols found."""
    d = tempfile.mkdtemp(prefix="nl-wet-")
    try:
        path = os.path.join(d, "form.pdf")
        with open(path, "wb") as f:
            f.write(pdf)
        subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", path,
                        os.path.join(d, "page")], check=True)
        png = [os.path.join(d, n) for n in os.listdir(d) if n.endswith(".png")]
        check(len(png) == 1, "pdftoppm made %r" % png)
        out = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Scode128.enable", png[0]],
                             capture_output=True)
        return out.stdout.decode().split()
    finally:
        shutil.rmtree(d)


def proven(srv, tckn, given, surname, place, date):
    """A client logged in by the identity door (the registry proves him)."""
    c = Client(srv)
    csrf = c.csrf("/giris/kimlik")
    c.captcha()
    r = c.req("POST", "/giris/kimlik", {"csrf": csrf, "captcha": CAPTCHA, "tckn": tckn,
                                        "given_name": given, "surname": surname,
                                        "birth_place": place, "birth_date": date})
    check(r.status == 303, "identity login: %d %s" % (r.status, r.text[:300]))
    return c


def ra_login(srv):
    return staff(srv, "kayit", "kayit-demo", home="/kayit")


def scan(ra, code):
    """POST /kayit as the scanner types it; follows the redirect."""
    p = ra.page("/kayit")
    r = ra.req("POST", "/kayit", {"csrf": p.csrf, "code": code})
    if r.status == 303:
        r = ra.req("GET", r.header("location"))
    return r


# ---- the PDF ----

@tap.test
def pdf_for_its_owner_only(srv):
    """Islak İmza -> step 3 links the PDF; its owner downloads it, nobody else"""
    c = applicant(srv, AYSE)
    r = c.req("GET", url(c, "form.pdf"))
    check(r.status == 409, "PDF before the form is confirmed: %d" % r.status)
    r = to_step3(c, "0532 123 45 67")
    check("Başvuru Formu Bekleniyor" in r.text, "status on the result page")
    check('href="/basvuru/%s/form.pdf"' % c.no in r.text, "no PDF link on step 3")
    check("Gazi Mustafa Kemal Bulvarı No: 7 P.K. 12<br>06570 Çankaya / ANKARA" in r.text,
          "postal address from [ca] postal_address")
    r = get_pdf(c)
    check(r.status == 200 and r.header("content-type") == "application/pdf",
          "PDF: %d %s" % (r.status, r.header("content-type")))
    check(r.header("content-disposition", ) and
          r.header("content-disposition").startswith("attachment;"), "not an attachment")
    check(r.body.startswith(b"%PDF-") and r.code, "not a PDF with its code")
    again = get_pdf(c)
    check(again.code == r.code, "the same version changed its code")
    # Another person, an anonymous caller, a malformed order number.
    m = applicant(srv, MEHMET)
    r2 = m.req("GET", url(c, "form.pdf"))
    check(r2.status == 404 and not r2.body.startswith(b"%PDF"), "other person: %d" % r2.status)
    r2 = Client(srv).req("GET", url(c, "form.pdf"))
    check(r2.status in (303, 401, 403) and not r2.body.startswith(b"%PDF"),
          "anonymous: %d" % r2.status)
    r2 = c.req("GET", "/basvuru/abc/form.pdf")
    check(r2.status == 404, "bad number: %d" % r2.status)
    state["ayse"] = c
    state["ayse_code"] = r.code
    # A session opened by an access password prints no stored birth data
    # (docs/applicant.md, "Doors and entitlement": the institution that made
    # the order may hold that password); the identity door proves the person
    # and his PDF of the same version carries all of it.
    text = pdf_text(r.body)
    check("İSTANBUL" not in text and "14.03.1985" not in text,
          "birth data on the PDF of a password session")
    p = proven(srv, AYSE, "AYŞE", "YILMAZ", "İSTANBUL", "1985-03-14")
    r = get_pdf(p, c.no)
    check(r.status == 200 and r.code == state["ayse_code"], "PDF for the proven person: %d" % r.status)
    state["ayse_pdf"] = r.body


@tap.test
def pdf_text_every_field(srv):
    """pdftotext finds every field, the undertaking, the address and Turkish letters right"""
    text = pdf_text(state["ayse_pdf"])
    want = ["NİTELİKLİ ELEKTRONİK SERTİFİKA BAŞVURU FORMU", "SD-" + state["ayse"].no,
            state["ayse_code"], "64172043210", "AYŞE", "YILMAZ", "İSTANBUL", "14.03.1985",
            "2 Yıl", "Mini Kart Okuyucu", "Hayır", "İlk Sertifika", "Kurum Ödemeli",
            "ayse.yilmaz@example.org", "0532 123 45 67", "Turkcell",
            "Her ikisi (E-posta+SMS)", "ÇÜ-2026", FORM["unit"], FORM["title"],
            "0312 222 33 44", "1234", "Kurum Adresi", FORM["address"], "Ankara", "Çankaya",
            "06420", "Adrese kargo ile", "SERTİFİKA SAHİBİ TAAHHÜTNAMESİ",
            "Aşağıda yazılı bütün bilgilerin doğru olduğunu",
            "5070 sayılı Elektronik İmza Kanunu", "düzeltme yapmadan imzalayınız",
            "Gazi Mustafa Kemal Bulvarı No: 7 P.K. 12", "06570 Çankaya / ANKARA",
            "Kimlik Bilgileri", "Ürün Bilgileri", "İletişim Bilgileri", "Kurum Bilgileri",
            "Teslimat Bilgileri", "Sertifikanız İnternette Yayınlansın mı?"]
    missing = [w for w in want if w not in text]
    check(not missing, "missing in the PDF text: %r" % missing)
    for ch in LETTERS:
        check(ch in text, "letter %s not in the PDF text" % ch)
    # The security word never reaches the paper.
    check("Gizli2026" not in text, "security word printed")


@tap.test
def barcode_reads_back(srv):
    """zbarimg reads the Code 128 barcode of a 200 dpi rendering: the stored code"""
    codes = read_barcode(state["ayse_pdf"])
    check(codes == [state["ayse_code"]], "zbarimg: %r, code %s" % (codes, state["ayse_code"]))
    check(re.fullmatch(r"NF[A-Z2-7]{12}", state["ayse_code"]), "code format")


# ---- the registration officer ----

@tap.test
def ra_pages_need_the_role(srv):
    """/kayit: anonymous callers go to the staff login, a person and an officer get 403"""
    r = Client(srv).req("GET", "/kayit")
    check(r.status == 303 and r.header("location") == "/kurum/giris", "anonymous: %d" % r.status)
    r = state["ayse"].req("GET", "/kayit")
    check(r.status == 403, "person: %d" % r.status)
    k = Client(srv)
    csrf = k.page("/kurum/giris").csrf
    k.req("POST", "/kurum/giris", {"csrf": csrf, "username": "kurum", "password": "kurum-demo"})
    r = k.req("GET", "/kayit/form/%s" % state["ayse_code"])
    check(r.status == 403, "institution officer: %d" % r.status)


@tap.test
def ra_registers_the_form(srv):
    """the RA scans the code (lower case, with the scanner's newline), compares, accepts"""
    ra = ra_login(srv)
    p = ra.page("/kayit")
    check(re.search(r'<input[^>]*id="code"[^>]*autofocus', p.text), "barcode field not autofocus")
    code = state["ayse_code"]
    r = scan(ra, "  " + code.lower() + "\r\n")
    check(r.status == 200, "form page: %d %s" % (r.status, r.text[:300]))
    for w in (code, "SD-" + state["ayse"].no, "AYŞE YILMAZ", FORM["address"], FORM["unit"],
              "Başvuru Formu Bekleniyor", "Kabul", "Red"):
        check(w in r.text, "form page lacks %r" % w)
    r = ra_decide(ra, code, "kabul")
    check(r.status == 303 and r.header("location") == "/kayit?kabul=" + code,
          "accept: %d %s" % (r.status, r.text[:300]))
    r = ra.req("GET", r.header("location"))
    check("Islak imzalı form kaydedildi." in r.text and "Üretim Bekleniyor" in r.text,
          "notice after accept: %s" % r.text[:500])
    # The person sees his order move on and is told by his channel (both).
    r = state["ayse"].req("GET", "/basvurularim")
    check("Üretim Bekleniyor" in r.text, "person's list: %s" % r.text[:300])
    box = outbox(ra)
    check("Islak İmza ile onaylandı" in box, "no approval SMS in the outbox")
    check("Başvuru Formunuz Onaylandı" in box, "no approval mail in the outbox")
    # Step 3 now says the paper is registered; the PDF can still be opened.
    r = state["ayse"].req("GET", url(state["ayse"], "sonuc"))
    check('id="approved-wet"' in r.text and "Islak imzalı başvuru formunuz kaydedildi" in r.text
          and "Başvuru Formu Bekleniyor" not in r.text, "step 3 after acceptance")
    check(get_pdf(state["ayse"]).status == 200, "PDF after acceptance")
    state["ra"] = ra


@tap.test
def second_registration_refused(srv):
    """the same code again: refused on the form page and on Kabul, nothing changes"""
    ra, code = state["ra"], state["ayse_code"]
    r = scan(ra, code)
    check(r.status == 409 and "daha önce kaydedilmiştir" in r.text,
          "scan again: %d %s" % (r.status, r.text[:300]))
    check('action="/kayit/form/%s/kabul"' % code not in r.text, "Kabul offered again")
    p = ra.page("/kayit")
    r = ra.req("POST", "/kayit/form/%s/kabul" % code, {"csrf": p.csrf})
    check(r.status == 409 and "daha önce kaydedilmiştir" in r.text, "accept again: %d" % r.status)
    r = ra.req("POST", "/kayit/form/%s/red" % code, {"csrf": p.csrf, "reason": "deneme"})
    check(r.status == 409, "reject after accept: %d" % r.status)


@tap.test
def garbage_and_unknown_refused(srv):
    """a garbage barcode and an unknown code are refused with a clear message"""
    ra = state["ra"]
    r = scan(ra, "12345")
    check(r.status == 400 and "form barkodu değil" in r.text, "garbage: %d" % r.status)
    check('value="12345"' in r.text, "typed value not kept")
    r = scan(ra, "NFAAAAAAAAAAAA")
    check(r.status == 404 and "ait bir başvuru formu yok" in r.text, "unknown: %d" % r.status)
    r = ra.req("GET", "/kayit/form/%3Cscript%3E")
    check(r.status == 400 and "<script>" not in r.text, "garbage URL: %d" % r.status)
    r = ra.req("GET", "/kayit/form/NFBBBBBBBBBBBB")
    check(r.status == 404, "unknown URL: %d" % r.status)


@tap.test
def old_version_barcode_refused(srv):
    """a new form version makes a new code; the old barcode is refused, the new one registers"""
    m = applicant(srv, MEHMET)
    to_step3(m, "0533 765 43 21", email="mehmet.ozturk@example.org")
    old = get_pdf(m).code
    # "Önceki Başvuru": version 2 with another unit.
    to_step3(m, "0533 765 43 21", base="1", email="mehmet.ozturk@example.org",
             unit="Muhasebe Müdürlüğü")
    r = get_pdf(m)
    new = r.code
    check(old and new and old != new, "codes: %s %s" % (old, new))
    check(read_barcode(r.body) == [new], "new PDF's barcode")
    check("Muhasebe Müdürlüğü" in pdf_text(r.body), "new PDF has the new data")
    ra = state["ra"]
    r = scan(ra, old)
    check(r.status == 409 and "eski bir sürümüne" in r.text, "old code: %d %s" %
          (r.status, r.text[:300]))
    p = ra.page("/kayit")
    r = ra.req("POST", "/kayit/form/%s/kabul" % old, {"csrf": p.csrf})
    check(r.status == 409 and "eski bir sürümüne" in r.text, "old code accepted: %d" % r.status)
    r = ra_decide(ra, new, "kabul")
    check(r.status == 303, "new code: %d %s" % (r.status, r.text[:300]))
    r = ra.req("GET", r.header("location"))
    check("Ödeme Bekleniyor" in r.text, "person-paid order did not wait for payment")


@tap.test
def rejection_with_reason(srv):
    """Red needs a reason; the person is told it and his new form gets a new code"""
    c = applicant(srv, ISIL)
    to_step3(c, "0544 111 22 33", email="isil.celik@example.org")
    code = get_pdf(c).code
    ra = state["ra"]
    r = ra_decide(ra, code, "red", reason="")
    check(r.status == 400 and "gerekçesini yazınız" in r.text, "empty reason: %d" % r.status)
    r = ra_decide(ra, code, "red", reason="Formda düzeltme yapılmış; imza eksik")
    check(r.status == 303 and r.header("location") == "/kayit?red=" + code,
          "reject: %d %s" % (r.status, r.text[:300]))
    r = ra.req("GET", r.header("location"))
    check("reddedildi" in r.text and "Başvuru Formu Bekleniyor" in r.text, "notice after red")
    box = outbox(ra)
    check("Formda düzeltme yapılmış; imza eksik" in box, "reason not sent to the person")
    r = scan(ra, code)
    check(r.status == 409 and "reddedilmiştir" in r.text and "imza eksik" in r.text,
          "rejected code again: %d" % r.status)
    # Step 3 tells the reason and offers a new version instead of the PDF.
    r = c.req("GET", url(c, "sonuc"))
    check('id="rejected-wet"' in r.text and "imza eksik" in r.text and
          'href="%s"' % url(c, "form") in r.text and 'id="form-pdf"' not in r.text,
          "step 3 after rejection: %s" % r.text[:800])
    # The rejected version's PDF is not handed out again.
    r = c.req("GET", url(c, "form.pdf"))
    check(r.status == 403 and "yeni bir form" in r.text and not r.body.startswith(b"%PDF"),
          "PDF of the rejected version: %d" % r.status)
    # A new version: a new code that registers.
    to_step3(c, "0544 111 22 33", base="1", email="isil.celik@example.org")
    new = get_pdf(c).code
    check(new != code, "new version kept the rejected code")
    r = ra_decide(ra, new, "kabul")
    check(r.status == 303, "new version accepted: %d" % r.status)


def main():
    for tool in ("pdftotext", "pdftoppm", "zbarimg"):
        if not shutil.which(tool):
            print("1..0 # SKIP %s not installed (scripts/deps.sh)" % tool)
            return 0
    return run_tests(tap, start_demo(sys.argv[1], "\n[ca]\npostal_address = %s\n" % POSTAL))

if __name__ == "__main__":
    sys.exit(main())
