#!/usr/bin/env python3
"""HTTP black-box tests of e-İmza (issue 6 items 1-5): nitelikd with its own CA
and signer, a SoftHSM2 token with AYŞE YILMAZ's qualified certificate, and
nitelik-imza signing with it. The form approved by e-İmza (the order moves on,
the signature, certificate and OCSP evidence are kept), E-İmzalı Giriş and
Şifreli Giriş to Online İşlemler, e-Onay given, used and withdrawn, and every
refusal of issue 6's list with its own message: expired, reused and guessed
codes, a signature over a different text, someone else's certificate, an
expired, revoked or suspended certificate, a non-qualified one, an untrusted
one, a signature that is not CAdES-BES, a broken CMS blob, a wrong PIN.

usage: test_esign.py NITELIKD NITELIK NITELIK_SIGNER NITELIK_IMZA [sqlite|postgres]
(postgres: a fresh database on the cluster of NL_TEST_PG_URL; skipped without it)"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from esign_env import api_post, api_text, audit_verifies_clean, env_main, status, wait_page  # noqa: E402
from flows import AYSE, MEHMET, Client, to_step2  # noqa: E402

tap = Tap()
S = {}


def login_code(env, tckn):
    """A fresh browser asks for E-İmzalı Giriş: (client, code, code id)."""
    c = Client(env.srv)
    p = c.page("/online-islemler")
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "eimza", "tckn": tckn})
    check(r.status == 303 and r.header("location") == "/online-islemler/eimza",
          "eimza door: %d %s" % (r.status, r.text[:300]))
    code, cid, _ = wait_page(c, "/online-islemler/eimza")
    return c, code, cid


def refused(env, code, cms, want_code, want_words):
    st, j = api_post(env.srv, code, cms)
    err = j.get("error", {})
    check(st >= 400 and err.get("code") == want_code,
          "wanted %s, got %d %s" % (want_code, st, j))
    check(want_words in err.get("message", ""), "message %r lacks %r" % (err.get("message"), want_words))


@tap.test
def approve_form_with_token(env):
    """step 2 e-İmza -> code page -> nitelik-imza signs with the token -> İşlem Başarılı -> Sonuç"""
    c = to_step2(env.srv, AYSE, "0532 123 45 67", "ayse.yilmaz@example.org")
    p = c.page("/basvuru/%s/onay" % c.no)
    r = c.req("POST", "/basvuru/%s/onay" % c.no, {"csrf": p.csrf, "method": "e_imza",
                                                 "version": c.version})
    check(r.status == 303 and r.header("location").endswith("/eimza"), "e_imza: %d" % r.status)
    code, cid, html = wait_page(c, "/basvuru/%s/eimza" % c.no)
    S["approve_pages"] = {"approval choice": p.text, "approval code page": html}
    check("Doğrulama Kodu" in html and "Kalan Süre" in html and 'data-remaining="300"' in html,
          "code page texts")
    check("esign.js" in html and "<script>" not in html, "script: external only")
    check(status(c, cid)["status"] == "waiting", "waiting before signing")
    st, j = api_text(env.srv, code)
    check(st == 200 and j["text"].startswith("NİTELİKLİ ELEKTRONİK SERTİFİKA BAŞVURU FORMU"), "text")
    check("Aşağıda yazılı bütün bilgilerin doğru olduğunu" in j["text"], "undertaking in the text")
    check("Sipariş No: SD-%s" % c.no in j["text"] and "İlçe: Çankaya" in j["text"], "form data")
    check(j["expires_at"] - j["created_at"] == 300, "valid 300 s")
    p = env.sign_token(code)
    out = p.stdout.decode()
    check(p.returncode == 0, "nitelik-imza: %d %s %s" % (p.returncode, out, p.stderr.decode()))
    check("Oluşturma Tarihi:" in out and "Kalan Süre:" in out and "İşlem Başarılı" in out,
          "nitelik-imza output: " + out[-300:])
    check("AYŞE YILMAZ (PNOTR-64172043210)" in p.stderr.decode(), "certificate listed")
    s = status(c, cid)
    check(s["status"] == "done", "poll after signing: %s" % s)
    r = c.req("GET", "/basvuru/%s/eimza" % c.no)
    check("İşlem Başarılı" in r.text, "the waiting page without JavaScript says İşlem Başarılı")
    r = c.req("GET", s["next"])
    check(r.status == 303 and r.header("location").endswith("/sonuc"), "devam: %d" % r.status)
    r = c.req("GET", "/basvuru/%s/sonuc" % c.no)
    check("Başvuru formunuz e-İmza ile onaylandı" in r.text, "Sonuç says approved: " + r.text[-800:])
    r = c.req("GET", "/basvurularim")
    check("Üretim Bekleniyor" in r.text, "order moved on to production awaited")
    row = env.sql("SELECT s.evidence_kind, length(s.cms), length(s.cert_der), length(s.evidence)"
                  " FROM esign_signatures s JOIN orders o ON o.id = s.order_id"
                  " WHERE o.order_no = %s", c.no)
    check(row and row[0] == "ocsp" and all(x > 100 for x in row[1:]),
          "signature, certificate and OCSP evidence kept: %s" % (row,))
    S["ayse_code"] = code


@tap.test
def reused_code(env):
    """the same code again: refused as used, by nitelik-imza and by the API"""
    p = env.sign_token(S["ayse_code"])
    check(p.returncode == 1 and "daha önce kullanıldı" in p.stderr.decode(),
          "nitelik-imza: %d %s" % (p.returncode, p.stderr.decode()))
    st, j = api_post(env.srv, S["ayse_code"], b"0")
    check(st == 409 and j["error"]["code"] == "code_used", "api: %d %s" % (st, j))


@tap.test
def esign_login_and_menu(env):
    """E-İmzalı Giriş with the token -> the holder's menu"""
    c, code, cid = login_code(env, AYSE)
    st, j = api_text(env.srv, code)
    check(st == 200 and j["purpose"] == "login" and AYSE in j["text"], "login text: %s" % j)
    p = env.sign_token(code)
    check(p.returncode == 0, "sign: %s" % p.stderr.decode())
    s = status(c, cid)
    check(s["status"] == "done", "poll: %s" % s)
    r = c.req("GET", s["next"])
    check(r.status == 303 and r.header("location") == "/online-islemler/menu", "devam: %d" % r.status)
    r = c.req("GET", "/online-islemler/menu")
    check(r.status == 200 and "AYŞE YILMAZ" in r.text and "Bireysel İşlemler" in r.text, "menu")
    for link in ("/online-islemler/eonay", "/gonderi-sorgulama", "/online-islemler/askiya-al"):
        check(link in r.text, "menu lacks " + link)
    S["ayse_holder"] = c


@tap.test
def econsent_given_with_token(env):
    """KABUL EDİYORUM signed through nitelik-imza -> Seçiminiz kaydedildi"""
    c = S["ayse_holder"]
    p = c.page("/online-islemler/eonay")
    check("KABUL EDİYORUM" in p.text and "KABUL ETMİYORUM" in p.text, "consent texts")
    r = c.req("POST", "/online-islemler/eonay", {"csrf": p.csrf, "choice": "accept"})
    check(r.status == 303, "choice: %d" % r.status)
    code, cid, html = wait_page(c, "/online-islemler/eonay/imza")
    S["eonay_pages"] = {"e-Onay choice": p.text, "e-Onay code page": html}
    st, j = api_text(env.srv, code)
    check("KABUL EDİYORUM" in j["text"] and "metin sürümü 1" in j["text"], "consent text to sign")
    p = env.sign_token(code)
    check(p.returncode == 0, "sign: %s" % p.stderr.decode())
    r = c.req("GET", status(c, cid)["next"])
    check(r.header("location") == "/online-islemler/eonay/sonuc", "devam")
    r = c.req("GET", "/online-islemler/eonay/sonuc")
    check("Seçiminiz kaydedildi" in r.text, "result")
    r = c.req("GET", "/online-islemler/eonay")
    check('id="consent-state"' in r.text and "geçerlidir" in r.text, "in force")


@tap.test
def every_esign_page_links_the_app(env):
    """approval, E-İmzalı Giriş, e-Onay, Kilit Çözme: each links /imza-uygulamasi; codes have Kopyala"""
    pages = dict(S["approve_pages"])
    pages.update(S["eonay_pages"])
    c, _, _ = login_code(env, AYSE)
    pages["E-İmzalı Giriş door"] = Client(env.srv).page("/online-islemler").text
    pages["E-İmzalı Giriş code page"] = c.req("GET", "/online-islemler/eimza").text
    pages["Kilit Çözme"] = S["ayse_holder"].page("/online-islemler/kilit-cozme").text
    for name, html in pages.items():
        check('id="esign-get-app"' in html and 'href="/imza-uygulamasi"' in html,
              "%s lacks the link to the signing application" % name)
        if "code page" in name:
            check('data-copy-target="esign-code" hidden>Kopyala</button>' in html, name + ": Kopyala")
            check('<script src="/static/js/esign.js"' in html, name + ": esign.js")
    r = S["ayse_holder"].req("GET", "/imza-uygulamasi")
    check(r.status == 200 and "Debian ve Ubuntu" in r.text, "the page itself: %d" % r.status)


@tap.test
def password_login(env):
    """Şifreli Giriş: T.C. + the security word from the form; wrong word refused"""
    c = Client(env.srv)
    p = c.page("/online-islemler")
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": AYSE,
                                           "security_word": "Yanlis2026"})
    check(r.status == 401 and "güvenlik sözcüğü hatalı" in r.text, "wrong word: %d" % r.status)
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": MEHMET,
                                           "security_word": "Gizli2026ş"})
    check(r.status == 401, "no form yet is the same answer: %d" % r.status)
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": AYSE,
                                           "security_word": "Gizli2026ş"})
    check(r.status == 303 and r.header("location") == "/online-islemler/menu", "login: %d" % r.status)
    check(c.req("GET", "/online-islemler/menu").status == 200, "menu")
    check(Client(env.srv).req("GET", "/online-islemler/menu").header("location") == "/online-islemler",
          "anonymous to the door")


@tap.test
def econsent_used_then_withdrawn(env):
    """MEHMET gives e-Onay (software key certified by our CA), approves his form by e-Onay, withdraws"""
    cert, key = env.issue("mehmet", MEHMET, "MEHMET", "ÖZTÜRK")
    S["mehmet"] = (cert, key)
    c = to_step2(env.srv, MEHMET, "0533 765 43 21", "mehmet.ozturk@example.org")
    p = c.page("/basvuru/%s/onay" % c.no)
    check("e-Onay ile Onaylama" not in p.text, "no e-Onay before consent")
    h = Client(env.srv)
    p = h.page("/online-islemler")
    r = h.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": MEHMET,
                                           "security_word": "Gizli2026ş"})
    check(r.status == 303, "holder login: %d" % r.status)
    p = h.page("/online-islemler/eonay")
    h.req("POST", "/online-islemler/eonay", {"csrf": p.csrf, "choice": "accept"})
    code, cid, _ = wait_page(h, "/online-islemler/eonay/imza")
    st, j = api_text(env.srv, code)
    st, j = api_post(env.srv, code, env.cms(cert, key, j["text"]))
    check(st == 200 and j["message"] == "İşlem Başarılı", "consent signed: %d %s" % (st, j))
    p = c.page("/basvuru/%s/onay" % c.no)
    check("e-Onay ile Onaylama" in p.text, "e-Onay offered with consent")
    r = c.req("POST", "/basvuru/%s/onay" % c.no, {"csrf": p.csrf, "method": "e_onay",
                                                 "version": c.version})
    check(r.status == 400, "the undertaking's checkbox is required: %d" % r.status)
    r = c.req("POST", "/basvuru/%s/onay" % c.no, {"csrf": p.csrf, "method": "e_onay",
                                                 "version": c.version, "accept": "true"})
    check(r.status == 303 and r.header("location").endswith("/sonuc"), "e-Onay: %d %s" % (r.status, r.text[:300]))
    r = c.req("GET", "/basvuru/%s/sonuc" % c.no)
    check("Başvuru formunuz e-Onay ile onaylandı" in r.text, "Sonuç says approved by e-Onay")
    r = c.req("GET", "/basvurularim")
    check("Ödeme Bekleniyor" in r.text, "person-paid order awaits payment")
    # withdraw: KABUL ETMİYORUM, signed
    p = h.page("/online-islemler/eonay")
    h.req("POST", "/online-islemler/eonay", {"csrf": p.csrf, "choice": "decline"})
    code, cid, _ = wait_page(h, "/online-islemler/eonay/imza")
    st, j = api_text(env.srv, code)
    check("KABUL ETMİYORUM" in j["text"], "decline text")
    st, j = api_post(env.srv, code, env.cms(cert, key, j["text"]))
    check(st == 200, "withdrawal signed: %d %s" % (st, j))
    r = h.req("GET", "/online-islemler/eonay")
    check("geçerlidir" not in r.text and "vermediniz" in r.text, "withdrawn")


@tap.test
def refusal_broken_and_different_text(env):
    """a broken CMS blob; a signature over a different text; not CAdES-BES"""
    cert, key = env.issue("ayse2", AYSE, "AYŞE", "YILMAZ")
    S["ayse2"] = (cert, key)
    c, code, cid = login_code(env, AYSE)
    refused(env, code, b"\x30\x82\x01\x00garbage", "cms_broken", "bozuk")
    refused(env, code, env.cms(cert, key, "Başka bir metin"), "text_mismatch", "verilen metin değil")
    st, j = api_text(env.srv, code)
    tf = os.path.join(env.tmp, "plain.txt")
    with open(tf, "w") as f:
        f.write(j["text"])
    import subprocess
    plain = subprocess.run(["openssl", "cms", "-sign", "-binary", "-nodetach", "-md", "sha256",
                            "-signer", cert, "-inkey", key, "-in", tf, "-outform", "DER"],
                           capture_output=True, check=True).stdout
    refused(env, code, plain, "not_cades", "CAdES-BES")
    s = status(c, cid)
    check(s["status"] == "waiting" and "CAdES" in s["message"], "the page shows the last refusal: %s" % s)
    st, j2 = api_post(env.srv, code, env.cms(cert, key, j["text"]))
    check(st == 200, "then the right signature passes: %d %s" % (st, j2))


@tap.test
def refusal_someone_else(env):
    """a valid signature by someone else's certificate"""
    cert, key = S["mehmet"]
    c, code, cid = login_code(env, AYSE)
    st, j = api_text(env.srv, code)
    refused(env, code, env.cms(cert, key, j["text"]), "other_person", "başka bir kişiye ait")


@tap.test
def refusal_revoked_and_suspended(env):
    """a revoked and a suspended certificate of our CA (our OCSP asked directly)"""
    cert, key = env.issue("ayse3", AYSE, "AYŞE", "YILMAZ")
    from esign_env import run
    run([env.exe["nitelik"], "cert", "suspend", "--data", env.data, env.serial(cert)])
    c, code, cid = login_code(env, AYSE)
    st, j = api_text(env.srv, code)
    refused(env, code, env.cms(cert, key, j["text"]), "cert_suspended", "askıya alınmış")
    run([env.exe["nitelik"], "cert", "revoke", "--data", env.data, env.serial(cert),
         "--reason", "keyCompromise"])
    refused(env, code, env.cms(cert, key, j["text"]), "cert_revoked", "iptal edilmiş")


@tap.test
def refusal_foreign_expired_nonqualified_untrusted(env):
    """another provider in the trust list: expired, non-qualified; an untrusted one"""
    issue = env.foreign_ca()
    good = issue("good", AYSE, "qualified")
    expired = issue("old", AYSE, "qualified", start="20200101000000Z", end="20210101000000Z")
    plain = issue("plain", AYSE, "plain")
    c, code, cid = login_code(env, AYSE)
    st, j = api_text(env.srv, code)
    text = j["text"]
    refused(env, code, env.cms(*expired, text), "cert_expired", "süresi dolmuş")
    refused(env, code, env.cms(*plain, text), "not_qualified", "nitelikli elektronik sertifika değil")
    key = os.path.join(env.tmp, "self.key")
    cert = os.path.join(env.tmp, "self.pem")
    from esign_env import run
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", key, "-subj", "/C=TR/serialNumber=PNOTR-%s/CN=Self" % AYSE,
         "-days", "30", "-out", cert, "-addext", "keyUsage=critical,nonRepudiation"])
    refused(env, code, env.cms(cert, key, text), "untrusted", "güvenilir")
    # A foreign qualified certificate whose status cannot be learnt (no OCSP, no CRL).
    refused(env, code, env.cms(*good, text), "cert_status_unknown", "öğrenilemedi")


@tap.test
def wrong_pin(env):
    """nitelik-imza with a wrong PIN says so (SoftHSM2 does not count tries)"""
    c, code, cid = login_code(env, AYSE)
    p = env.sign_token(code, pin="000000")
    check(p.returncode == 3 and "PIN yanlış" in p.stderr.decode(),
          "wrong pin: %d %s" % (p.returncode, p.stderr.decode()))
    check(status(c, cid)["status"] == "waiting", "the code is still usable")
    p = env.sign_token(code)
    check(p.returncode == 0, "right pin: %s" % p.stderr.decode())


@tap.test
def code_bound_to_session(env):
    """another browser cannot poll or continue someone else's code"""
    c, code, cid = login_code(env, AYSE)
    other = Client(env.srv)
    other.page("/online-islemler")
    check(other.req("GET", "/imza/%s/durum" % cid).status == 404, "poll of another session")
    check(other.req("GET", "/imza/%s/devam" % cid).status == 404, "continue of another session")


@tap.test
def expired_code(env):
    """a code older than 300 s is refused (demo clock moved on)"""
    c, code, cid = login_code(env, AYSE)
    cert, key = S["ayse2"]
    st, j = api_text(env.srv, code)
    r = env.srv.request("POST", "/demo/clock", body=b"seconds=301",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    check(r.status == 200, "clock")
    st, j2 = api_text(env.srv, code)
    check(st == 410 and j2["error"]["code"] == "code_expired", "GET: %d %s" % (st, j2))
    refused(env, code, env.cms(cert, key, j["text"]), "code_expired", "süresi doldu")
    check(status(c, cid)["status"] == "expired", "page says expired")
    r = c.req("GET", "/online-islemler/eimza")
    check("Yeni Kod Al" in r.text, "new code button")


@tap.test
def guessed_codes_locked(env):
    """unknown codes count against the address: after the limit, locked (429)"""
    st, j = api_text(env.srv, "123456789012345")
    check(st == 404 and j["error"]["code"] == "code_unknown", "unknown: %d %s" % (st, j))
    seen = []
    for i in range(12):
        st, j = api_text(env.srv, "%015d" % (100000000000000 + i * 7919))
        seen.append(st)
    check(seen[-1] == 429 and 404 in seen, "statuses: %s" % seen)
    check("Çok fazla hatalı" in j["error"]["message"], "locked message")


@tap.test
def audit_trail_intact(env):
    """after every flow above the audit trail verifies: chain, signed checkpoints, rows"""
    audit_verifies_clean(env)


def main():
    return env_main(tap, sys.argv[1:], "\n[throttle]\naddr_max_failures = 8\n")

if __name__ == "__main__":
    sys.exit(main())
