#!/usr/bin/env python3
"""What the seed guides tell people, Nitelik tells too (issue 13 item 5): the
contact block of [site] on every page in both languages, the Yardım page with
the guides' questions, the payment channels table where the guides show it
(Başvurularım of an unpaid order, Sonuç of a person who pays), the Sertifika
Sahibi Taahhütnamesi readable from the approval step before approving, and the
production rules on Sonuç. Prints TAP.

usage: test_seeds.py PATH/TO/nitelikd"""

import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check  # noqa: E402
from harness import Tap  # noqa: E402
from flows import (AYSE, MEHMET, Client, applicant, choose_wet, fill_and_confirm,  # noqa: E402
                   run_tests, start_demo, url)

tap = Tap()

PHONE = "444 12 34"
EMAIL = "yardim@ornek-sm.example"
ADDR = "Örnek Sertifikasyon Merkezi | Cumhuriyet Cad. No: 5 | 06100 Ankara"
CONF = ("[site]\ncontact_phone = %s\ncontact_email = %s\ncontact_address = %s\n"
        "payment_channels = ÖRNEKBANK: sube internet mobil atm cagri | "
        "TEST BANKASI: sube, internet, mobil\n" % (PHONE, EMAIL, ADDR))

QUESTIONS_TR = ("Sertifikam ne zaman sona eriyor?", "PIN kodumu nasıl öğrenebilirim?",
                "Kodum kilitlendi ne yapabilirim?", "Sertifika Aldım Ne Yapmalıyım?")
QUESTIONS_EN = ("When does my certificate expire?", "How can I find out my PIN?",
                "My code is blocked, what can I do?",
                "I received my certificate, what should I do?")
RULES_TR = ("İlk Sertifika/Diğer", "Sertifika hemen üretime alınır. Kurumlar arası geçişlerde",
            "süresinin dolmasına 2 ay kala üretime alınır",
            "Kayıp/Çalıntı-Donanım Arızası-Kimlik Bilgisi Güncelleme-PIN/PUK Kayıp/Çalıntı",
            "aynı kurumdan alınmış tüm sertifikaları iptal edilir")
RULES_EN = ("First Certificate/Other", "has 2 months left",
            "All your certificates from the same institution are revoked")


def contact_block(text, lang):
    """The configured contact block is in the page's footer."""
    m = re.search(r'<section class="contact" id="contact".*?</section>', text, re.S)
    check(m, "no contact block")
    block = m.group(0)
    check('href="tel:%s"' % PHONE in block and PHONE in block, "no phone: " + block)
    check('href="mailto:%s"' % EMAIL in block, "no e-mail: " + block)
    check("Örnek Sertifikasyon Merkezi<br>Cumhuriyet Cad. No: 5<br>06100 Ankara<br>" in block,
          "no postal address: " + block)
    check('href="/yardim"' in block, "no help link: " + block)
    want = ("İletişim", "Çağrı Merkezi") if lang == "tr" else ("Contact", "Call centre")
    for w in want:
        check(w in block, "%s block lacks %r: %s" % (lang, w, block))


@tap.test
def contact_on_every_page(srv):
    """the [site] contact block on public, person and error pages, in Turkish and English"""
    c = Client(srv)
    for path in ("/", "/giris/form", "/borc-sorgulama", "/online-islemler", "/yardim",
                 "/taahhutname", "/kurum/giris", "/yok-boyle-sayfa"):
        for lang in ("tr", "en"):
            r = c.req("GET", path + "?lang=" + lang)
            check(r.status in (200, 404), "%s: %d" % (path, r.status))
            contact_block(r.text, lang)
    a = applicant(srv, AYSE)
    for path in ("/basvurularim", url(a, "form")):
        contact_block(a.req("GET", path).text, "tr")


@tap.test
def default_contact(srv):
    """without [site] keys the block shows the default phone and e-mail, no address, no table"""
    s = start_demo(srv.exe)
    try:
        r = Client(s).req("GET", "/")
        check('href="tel:0850 000 00 00"' in r.text and
              'href="mailto:bilgi@nitelik.example"' in r.text and
              "contact-address" not in r.text, "default contact block: " + r.text[-1500:])
        m = applicant(s, MEHMET)
        r = m.req("GET", "/basvurularim")
        check("Başvuru Formu ve Ödeme Bekleniyor" in r.text and "pay-channels" not in r.text,
              "a channels table without banks")
    finally:
        s.stop()
        s.cleanup()


@tap.test
def help_page(srv):
    """Yardım answers the guides' four questions, each under its anchor, in both languages"""
    c = Client(srv)
    r = c.req("GET", "/yardim")
    check(r.status == 200, "GET /yardim: %d" % r.status)
    for q in QUESTIONS_TR:
        check(q in r.text, "missing question %r" % q)
    for anchor in ("sona-eriyor", "pin", "kilit", "sertifika-aldim"):
        check('id="%s"' % anchor in r.text and 'href="#%s"' % anchor in r.text, anchor)
    check('href="/online-islemler/kilit-cozme"' in r.text, "no Kilit Çözme link")
    check("2 ay kala" in r.text and "PUK" in r.text, "answers too thin")
    r = c.req("GET", "/yardim?lang=en")
    for q in QUESTIONS_EN:
        check(q in r.text, "missing English question %r" % q)
    for q in QUESTIONS_TR:
        check(q not in r.text, "Turkish question on the English page: %r" % q)


@tap.test
def payment_channels_where_payment_waits(srv):
    """an unpaid order's status explanation and the payer's Sonuç show the banks x channels"""
    m = applicant(srv, MEHMET)           # pays himself: Başvuru Formu ve Ödeme Bekleniyor
    r = m.req("GET", "/basvurularim")
    t = re.search(r'<table class="pay-channels">.*?</table>', r.text, re.S)
    check(t, "no channels table on Başvurularım: " + r.text[-2500:])
    table = t.group(0)
    for h in ("Banka", "Banka Şubesi", "İnternet Şubesi", "Mobil Şube", "ATM", "Çağrı Merkezi"):
        check("<th scope=\"col\">%s</th>" % h in table, "column %s" % h)
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', table, re.S)
    check([b for b, _ in rows] == ["ÖRNEKBANK", "TEST BANKASI"], "banks: %r" % rows)
    marks = [re.findall(r'aria-hidden="true">(✓|-)</span>', cells) for _, cells in rows]
    check(marks == [["✓"] * 5, ["✓", "✓", "✓", "-", "-"]], "marks: %r" % marks)
    r = m.req("GET", "/basvurularim?lang=en")
    check("Internet Branch" in r.text and "Call Centre" in r.text, "English columns")
    # Sonuç of the person who pays (wet signature chosen): the table again.
    fill_and_confirm(m, "5337654321", email="mehmet.ozturk@example.org")
    choose_wet(m)
    r = m.req("GET", url(m, "sonuc"))
    check(r.status == 200 and 'class="pay-channels"' in r.text and "TEST BANKASI" in r.text,
          "no channels table on Sonuç: %d" % r.status)
    # The institution pays for Ayşe: no table.
    a = applicant(srv, AYSE)
    check("pay-channels" not in a.req("GET", "/basvurularim").text, "table for a paid order")


@tap.test
def undertaking_before_approval(srv):
    """the approval step links the Sertifika Sahibi Taahhütnamesi, readable without approving"""
    a = applicant(srv, AYSE)
    fill_and_confirm(a, "5321234567")
    p = a.page(url(a, "onay"))
    link = re.search(r'<a id="undertaking" href="([^"]+)"', p.text)
    check(link, "no undertaking link on the approval step: " + p.text[-2500:])
    check("Sertifika Sahibi Taahhütnamesi" in p.text, "link text")
    r = a.req("GET", link.group(1))
    check(r.status == 200, "undertaking: %d" % r.status)
    check("SERTİFİKA SAHİBİ TAAHHÜTNAMESİ" in r.text and "5070 sayılı Elektronik İmza Kanunu"
          in r.text and "kabul ve taahhüt ederim" in r.text, "undertaking text: " + r.text[:1500])
    r = Client(srv).req("GET", link.group(1) + "?lang=en")
    check(r.status == 200 and "Certificate Holder's Undertaking" in html.unescape(r.text) and
          'lang="tr"' in r.text, "English page: %d" % r.status)
    # Reading it approved nothing: the approval step still offers the methods.
    p = a.page(url(a, "onay"))
    check("Islak İmza ile Onaylama" in p.text, "approval step gone after reading")


@tap.test
def production_rules_on_result(srv):
    """Sonuç shows the production rules of seed 001, in both languages"""
    a = applicant(srv, AYSE)
    choose_wet(a)
    r = a.req("GET", url(a, "sonuc"))
    check(r.status == 200 and 'id="production-rules"' in r.text, "no rules: %d" % r.status)
    for rule in RULES_TR:
        check(rule in r.text, "missing rule %r" % rule)
    r = a.req("GET", url(a, "sonuc") + "?lang=en")
    for rule in RULES_EN:
        check(rule in r.text, "missing English rule %r" % rule)


def main():
    return run_tests(tap, start_demo(sys.argv[1], CONF))


if __name__ == "__main__":
    sys.exit(main())
