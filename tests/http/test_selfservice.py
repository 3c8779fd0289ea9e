#!/usr/bin/env python3
"""HTTP black-box tests of Online İşlemler → Bireysel İşlemler (issue 7 item 8):
nitelikd with its own CA and signer, AYŞE YILMAZ logged in by Şifreli Giriş.

Her certificates and only hers (another person's serial is 404, and a try is
refused and audited); Askıya Al / Askıdan İndir / İptal Et each confirmed and
re-authenticated by the security word (missing and wrong words refused, too
many locked out), OCSP following at once (`openssl ocsp` against /ocsp, with
and without a nonce, so both the live and the pre-signed cached answers are
checked) and the next CRL; suspending a suspended certificate and
unsuspending a revoked one refused; the actor holder:<id> in the audit trail;
contact data with an SMS code sent to the NEW mobile; renewal; Kilit Çözme: a
SoftHSM2 token blocked by three wrong PINs (behind a small PKCS#11 shim that
counts tries, which SoftHSM2 itself does not) unblocked by `nitelik-imza
--unblock` with the code and the PUK, then the new PIN signs.

usage: test_selfservice.py NITELIKD NITELIK NITELIK_SIGNER NITELIK_IMZA [SHIM] [sqlite|postgres]"""

import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from esign_env import MODULE, audit_verifies_clean, env_main, run  # noqa: E402
from flows import AYSE, MEHMET, WORD, Client, last_code, outbox, to_step2  # noqa: E402

tap = Tap()
S = {}


def holder(env):
    """A browser logged in to Online İşlemler as AYŞE by Şifreli Giriş."""
    c = Client(env.srv)
    p = c.page("/online-islemler")
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": AYSE,
                                           "security_word": WORD})
    check(r.status == 303, "holder login: %d %s" % (r.status, r.text[:300]))
    return c


def fetch(env, path, out):
    data = urllib.request.urlopen(env.base + path, timeout=10).read()
    with open(out, "wb") as f:
        f.write(data)
    return out


def ocsp(env, cert, nonce=True):
    """`openssl ocsp` against /ocsp: the status line and the whole text."""
    cmd = ["openssl", "ocsp", "-issuer", S["issuing"], "-cert", cert, "-url", env.base + "/ocsp",
           "-CAfile", S["root"], "-verify_other", S["issuing"], "-resp_text"]
    if not nonce:
        cmd.append("-no_nonce")
    p = run(cmd, check_rc=False)
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    check("Response verify OK" in out, "OCSP response not verified: %s" % out[-800:])
    m = re.search(re.escape(cert) + r": (\w+)", out)
    check(m, "no status line: %s" % out[-800:])
    return m.group(1), out


def crl_text(env):
    der = fetch(env, "/repo/issuing.crl", os.path.join(env.tmp, "issuing.crl"))
    return run(["openssl", "crl", "-inform", "DER", "-in", der, "-noout", "-text"]).stdout.decode()


def cert_status(env, serial):
    """The certificate's stored status ("good", "hold", "revoked")."""
    return env.sql("SELECT status FROM certificates WHERE serial = '%s'" % serial)[0]


def audit_count(env, action, actor=None):
    q = "SELECT COUNT(*) FROM audit_log WHERE action = '%s'" % action
    if actor:
        q += " AND actor = '%s'" % actor
    return env.sql(q.replace("%", "%%"))[0]


def change(c, serial, slug, form):
    p = c.page("/online-islemler/sertifika/%s/%s" % (serial, slug))
    form = dict(form, csrf=p.csrf)
    return c.req("POST", "/online-islemler/sertifika/%s/%s" % (serial, slug), form)


def setup(env):
    # AYŞE fills her form (her security word) and gets a second certificate
    # (a software key) for the status changes; MEHMET has one of his own.
    to_step2(env.srv, AYSE, "5321234567", "ayse@example.com")
    # A holder's security word is that of a form he approved (e-İmza, e-Onay
    # or a wet signature the RA accepted): only such a word opens Online
    # İşlemler (docs/applicant.md, "Doors and entitlement"). This bed issues
    # her certificates directly, so her form is marked approved here.
    env.sql("UPDATE form_versions SET status = 'approved' WHERE status = 'sms_confirmed'"
            " AND order_id IN (SELECT o.id FROM"
            " orders o JOIN persons p ON p.id = o.person_id WHERE p.id_number = '%s')" % AYSE)
    S["ayse_cert"], _ = env.issue("ayse2", AYSE, given="AYŞE", surname="YILMAZ")
    S["ayse"] = env.serial(S["ayse_cert"])
    S["token_cert"] = os.path.join(env.token_dir, "cert.pem")
    S["token"] = env.serial(S["token_cert"])
    S["mehmet_cert"], _ = env.issue("mehmet", MEHMET, given="MEHMET", surname="KAYA")
    S["mehmet"] = env.serial(S["mehmet_cert"])
    for name in ("root", "issuing"):
        der = fetch(env, "/repo/%s.crt" % name, os.path.join(env.tmp, name + ".der"))
        pem = os.path.join(env.tmp, name + ".pem")
        run(["openssl", "x509", "-inform", "DER", "-in", der, "-out", pem])
        S[name] = pem
    S["person"] = env.sql("SELECT id FROM persons WHERE id_number = '%s'" % AYSE)[0]
    S["c"] = holder(env)


@tap.test
def lists_only_own(env):
    """Sertifikalarım: her two certificates with their end dates, not MEHMET's"""
    setup(env)
    r = S["c"].req("GET", "/online-islemler/sertifikalarim")
    check(r.status == 200, "list: %d" % r.status)
    for s in (S["ayse"], S["token"]):
        check('data-serial="%s"' % s in r.text, "own certificate %s missing" % s)
    check(S["mehmet"] not in r.text, "another person's certificate listed")
    check("Geçerli" in r.text and "gün kaldı" in r.text, "status and days left: %s" % r.text[:2000])
    check(re.search(r"\d\d\.\d\d\.\d{4}", r.text), "end date shown")
    check(S["c"].req("GET", "/online-islemler/askiya-al").status == 200, "menu link")
    anon = Client(env.srv).req("GET", "/online-islemler/sertifikalarim")
    check(anon.status == 303 and anon.header("location") == "/online-islemler", "anonymous: %d" % anon.status)


@tap.test
def other_persons_serial_404(env):
    """another person's serial in a URL is 404 (GET and POST), nothing changes, the try is audited"""
    c = S["c"]
    before = audit_count(env, "holder_refused")
    for slug in ("askiya-al", "askidan-indir", "iptal"):
        r = c.req("GET", "/online-islemler/sertifika/%s/%s" % (S["mehmet"], slug))
        check(r.status == 404, "GET %s: %d" % (slug, r.status))
    p = c.page("/online-islemler/sertifikalarim")
    for slug, extra in (("askiya-al", {}), ("iptal", {"reason": "keyCompromise"})):
        form = dict({"csrf": p.csrf, "security_word": WORD, "confirm": "1"}, **extra)
        r = c.req("POST", "/online-islemler/sertifika/%s/%s" % (S["mehmet"], slug), form)
        check(r.status == 404, "POST %s: %d" % (slug, r.status))
    check(c.req("GET", "/online-islemler/sertifika/00FF/askiya-al").status == 404, "unknown serial")
    check(c.req("GET", "/online-islemler/sertifika/%s/sil" % S["ayse"]).status == 404, "unknown action")
    check("good" in cert_status(env, S["mehmet"]), "MEHMET's certificate changed")
    st, _ = ocsp(env, S["mehmet_cert"])
    check(st == "good", "MEHMET in OCSP: %s" % st)
    check(audit_count(env, "holder_refused") >= before + 2, "refusals audited")


@tap.test
def reauth_required(env):
    """no security word, no confirmation tick, a wrong word: each refused, status unchanged"""
    c = S["c"]
    r = change(c, S["ayse"], "askiya-al", {"confirm": "1"})
    check(r.status == 400, "no word: %d" % r.status)
    r = change(c, S["ayse"], "askiya-al", {"security_word": WORD})
    check(r.status == 400, "no tick: %d" % r.status)
    r = change(c, S["ayse"], "askiya-al", {"security_word": "Yanlis2026", "confirm": "1"})
    check(r.status == 401 and "Güvenlik sözcüğü hatalı" in r.text, "wrong word: %d %s" % (r.status, r.text[:500]))
    check("good" in cert_status(env, S["ayse"]), "changed without the word")


@tap.test
def suspend_ocsp_crl(env):
    """Askıya Al: OCSP says revoked/certificateHold at once (cached answer too), the CRL lists it, actor holder:<id>"""
    st, _ = ocsp(env, S["ayse_cert"], nonce=False)   # fills the answer cache with "good"
    check(st == "good", "before: %s" % st)
    r = change(S["c"], S["ayse"], "askiya-al", {"security_word": WORD, "confirm": "1"})
    check(r.status == 303 and "sonuc=askiya-al" in r.header("location"), "suspend: %d %s" % (r.status, r.text[:400]))
    r = S["c"].req("GET", r.header("location"))
    check("Sertifikanız askıya alındı" in r.text, "result line")
    for nonce in (False, True):
        st, out = ocsp(env, S["ayse_cert"], nonce=nonce)
        check(st == "revoked" and "certificateHold" in out, "OCSP nonce=%s: %s %s" % (nonce, st, out[-600:]))
    crl = crl_text(env)
    check(S["ayse"] in crl and "Certificate Hold" in crl, "CRL: %s" % crl[-800:])
    check(audit_count(env, "suspend", "holder:%d" % S["person"]) == 1, "audit actor")
    out = outbox(S["c"])
    check("Sertifikanız askıya alınmıştır" in out and S["ayse"] in out, "the holder is told")


@tap.test
def suspend_twice_refused(env):
    """suspending a suspended certificate is refused with a clear message"""
    r = S["c"].req("GET", "/online-islemler/sertifika/%s/askiya-al" % S["ayse"])
    check(r.status == 409 and "zaten askıda" in r.text and "ss-confirm-form" not in r.text,
          "confirm page: %d %s" % (r.status, r.text[:600]))
    p = S["c"].page("/online-islemler/sertifikalarim")
    r = S["c"].req("POST", "/online-islemler/sertifika/%s/askiya-al" % S["ayse"],
                   {"csrf": p.csrf, "security_word": WORD, "confirm": "1"})
    check(r.status == 409 and "zaten askıda" in r.text, "POST: %d %s" % (r.status, r.text[:600]))


@tap.test
def unsuspend_ocsp_good(env):
    """Askıdan İndir: OCSP good again at once, the next CRL no longer lists it"""
    r = change(S["c"], S["ayse"], "askidan-indir", {"security_word": WORD, "confirm": "1"})
    check(r.status == 303, "release: %d %s" % (r.status, r.text[:400]))
    for nonce in (False, True):
        st, out = ocsp(env, S["ayse_cert"], nonce=nonce)
        check(st == "good", "OCSP nonce=%s: %s" % (nonce, st))
    check(S["ayse"] not in crl_text(env), "still in the CRL")
    check(audit_count(env, "release", "holder:%d" % S["person"]) == 1, "audit actor")


@tap.test
def revoke_then_unsuspend_refused(env):
    """İptal Et with a holder's reason: OCSP revoked (keyCompromise); unsuspend and suspend refused"""
    r = change(S["c"], S["ayse"], "iptal", {"security_word": WORD, "confirm": "1"})
    check(r.status == 400, "no reason: %d" % r.status)
    r = change(S["c"], S["ayse"], "iptal", {"security_word": WORD, "confirm": "1", "reason": "cACompromise"})
    check(r.status == 400, "a reason a holder may not choose: %d" % r.status)
    # Suspend first, so that the revoke goes hold -> revoked.
    r = change(S["c"], S["ayse"], "askiya-al", {"security_word": WORD, "confirm": "1"})
    check(r.status == 303, "suspend: %d" % r.status)
    r = change(S["c"], S["ayse"], "iptal", {"security_word": WORD, "confirm": "1", "reason": "keyCompromise"})
    check(r.status == 303, "revoke: %d %s" % (r.status, r.text[:400]))
    st, out = ocsp(env, S["ayse_cert"], nonce=False)
    check(st == "revoked" and "keyCompromise" in out, "OCSP: %s %s" % (st, out[-600:]))
    crl = crl_text(env)
    check(S["ayse"] in crl and "Key Compromise" in crl, "CRL reason")
    for slug in ("askidan-indir", "askiya-al", "iptal"):
        r = S["c"].req("GET", "/online-islemler/sertifika/%s/%s" % (S["ayse"], slug))
        check(r.status == 409 and "iptal edilmiş" in r.text, "GET %s after revoke: %d" % (slug, r.status))
    p = S["c"].page("/online-islemler/sertifikalarim")
    check('data-serial="%s" data-status="revoked"' % S["ayse"] in p.text, "listed as revoked")
    r = S["c"].req("POST", "/online-islemler/sertifika/%s/askidan-indir" % S["ayse"],
                   {"csrf": p.csrf, "security_word": WORD, "confirm": "1"})
    check(r.status == 409 and "iptal edilmiş" in r.text, "unsuspend after revoke: %d" % r.status)
    st, _ = ocsp(env, S["ayse_cert"])
    check(st == "revoked", "still revoked: %s" % st)
    check("revoked" in cert_status(env, S["ayse"]), "store status")


@tap.test
def contact_update_with_sms_code(env):
    """contact data: e-mail and channel at once; a new mobile only with the code sent to it"""
    c = S["c"]
    p = c.page("/online-islemler/iletisim")
    check("ayse@example.com" in p.text and "5321234567" in p.text, "current contact shown")
    r = c.req("POST", "/online-islemler/iletisim", {"csrf": p.csrf, "email": "bozuk",
                                                    "mobile": "5321234567", "info_channel": "sms"})
    check(r.status == 400, "bad e-mail: %d" % r.status)
    r = c.req("POST", "/online-islemler/iletisim", {"csrf": p.csrf, "email": "ayse.yeni@example.com",
                                                    "mobile": "5321234567", "info_channel": "sms"})
    check(r.status == 200 and "güncellendi" in r.text, "e-mail saved: %d %s" % (r.status, r.text[:400]))
    r = c.req("POST", "/online-islemler/iletisim", {"csrf": p.csrf, "email": "ayse.yeni@example.com",
                                                    "mobile": "0 (542) 765 43 21", "info_channel": "both"})
    check(r.status == 200 and 'id="ss-code-form"' in r.text, "code asked: %d %s" % (r.status, r.text[:400]))
    check("5321234567" in c.req("GET", "/online-islemler/iletisim").text, "not changed before the code")
    code = last_code(c, "5427654321")   # the NEW number
    wrong = "000000" if code != "000000" else "111111"
    r = c.req("POST", "/online-islemler/iletisim/onay", {"csrf": p.csrf, "code": wrong})
    check(r.status == 400, "wrong code: %d" % r.status)
    r = c.req("POST", "/online-islemler/iletisim/onay", {"csrf": p.csrf, "code": code})
    check(r.status == 200 and "güncellendi" in r.text, "confirmed: %d %s" % (r.status, r.text[:400]))
    p = c.page("/online-islemler/iletisim")
    check("5427654321" in p.text and "ayse.yeni@example.com" in p.text, "new contact shown")
    check(re.search(r'value="both"\s+checked', p.text), "channel both")
    r = c.req("POST", "/online-islemler/iletisim/onay", {"csrf": p.csrf, "code": code})
    check(r.status == 400, "code used twice: %d" % r.status)
    check(audit_count(env, "contact", "holder:%d" % S["person"]) == 2, "two audited changes")
    row = env.sql("SELECT mobile, email FROM persons WHERE id = %s", S["person"])
    check(str(row[0]) == "5427654321" and row[1] == "ayse.yeni@example.com", "person row: %r" % (row,))


@tap.test
def pages_pin_puk_renewal_econsent_shipments(env):
    """PIN/PUK text, e-Onay state, my shipments, and a renewal order leading to the wizard"""
    c = S["c"]
    r = c.req("GET", "/online-islemler/pin-puk")
    check(r.status == 200 and "PUK" in r.text and "Kilit Çözme" in r.text, "pin-puk")
    r = c.req("GET", "/online-islemler/sertifikalarim")
    check('id="ss-econsent"' in r.text and "/online-islemler/eonay" in r.text, "e-Onay state")
    # A card on its way (as production's courier hand-over records it) for
    # AYŞE's order and one for MEHMET's: she sees hers only.
    for tckn, no in ((AYSE, "NK100000000001"), (MEHMET, "NK100000000002")):
        oid = env.sql("SELECT o.id FROM orders o JOIN persons p ON p.id = o.person_id"
                      " WHERE p.id_number = '%s' ORDER BY o.id LIMIT 1" % tckn)[0]
        env.sql("INSERT INTO shipments (order_id, tracking_no, courier, status, shipped_at, updated_at)"
                " VALUES (%s, '" + no + "', 'simulator', 'in_transit', 1790000000, 1790000100)", oid)
    r = c.req("GET", "/online-islemler/gonderilerim")
    check(r.status == 200 and "SD-" in r.text, "shipments: %d" % r.status)
    check('data-tracking="NK100000000001" data-status="in_transit"' in r.text and "Yolda" in r.text,
          "her shipment: %s" % r.text[:1500])
    check("NK100000000002" not in r.text, "another person's shipment shown")
    # AYŞE's order is still open (form at step 2): the renewal leads to it.
    p = c.page("/online-islemler/yenileme")
    r = c.req("POST", "/online-islemler/yenileme", {"csrf": p.csrf})
    check(r.status == 303 and re.match(r"/basvuru/\d+/form$", r.header("location") or ""),
          "renewal: %d %s" % (r.status, r.header("location")))
    check(c.req("GET", r.header("location")).status == 200, "the wizard opens")
    S["c"] = holder(env)   # the wizard took the session: back to Online İşlemler


@tap.test
def esign_confirmation(env):
    """Askıya Al confirmed by a fresh e-İmza instead of the word; Devam before signing refused; a held certificate cannot sign its own release"""
    c, serial = S["c"], S["token"]
    base = "/online-islemler/sertifika/%s/" % serial

    def start(slug):
        p = c.page(base + slug)
        check('id="ss-esign"' in p.text, "no e-İmza button on %s" % slug)
        r = c.req("POST", base + slug + "/eimza", {"csrf": p.csrf, "confirm": "1", "security_word": ""})
        check(r.status == 303 and r.header("location") == base + slug + "/eimza",
              "start %s: %d %s" % (slug, r.status, r.header("location")))
        r = c.req("GET", base + slug + "/eimza")
        m = re.search(r'id="esign-code">(\d{15})<', r.text)
        check(r.status == 200 and m and serial in r.text, "wait page: %d %s" % (r.status, r.text[:600]))
        return m.group(1), p.csrf

    code, csrf = start("askiya-al")
    r = c.req("POST", base + "askiya-al/eimza/tamam", {"csrf": csrf})
    check(r.status == 409 and "henüz ulaşmadı" in r.text, "Devam before signing: %d" % r.status)
    check(cert_status(env, serial) == "good", "changed before the signature")
    p = env.sign_token(code)
    check(p.returncode == 0, "nitelik-imza: %s %s" % (p.stdout.decode(), p.stderr.decode()))
    check("Askıya Al" in p.stdout.decode() and serial in p.stdout.decode(), "the signed text names the action")
    r = c.req("POST", base + "askiya-al/eimza/tamam", {"csrf": csrf})
    check(r.status == 303 and "sonuc=askiya-al" in r.header("location"), "done: %d %s" % (r.status, r.text[:300]))
    check(cert_status(env, serial) == "hold", "not suspended")
    st, out = ocsp(env, S["token_cert"], nonce=False)
    check(st == "revoked" and "certificateHold" in out, "OCSP: %s" % st)
    r = c.req("POST", base + "askiya-al/eimza/tamam", {"csrf": csrf})
    check(r.status == 303 and r.header("location") == "/online-islemler/sertifikalarim", "used twice")
    # The held certificate cannot sign: its own release is not confirmed.
    code, csrf = start("askidan-indir")
    p = env.sign_token(code)
    check(p.returncode != 0, "a held certificate signed")
    r = c.req("POST", base + "askidan-indir/eimza/tamam", {"csrf": csrf})
    check(r.status == 409, "release without a signature: %d" % r.status)
    check(cert_status(env, serial) == "hold", "released without a signature")
    r = change(c, serial, "askidan-indir", {"security_word": WORD, "confirm": "1"})
    check(r.status == 303 and cert_status(env, serial) == "good", "release with the word: %d" % r.status)


@tap.test
def reauth_throttled(env):
    """too many wrong security words lock the re-authentication, even for the right word"""
    statuses = []
    for _ in range(6):
        r = change(S["c"], S["token"], "askiya-al", {"security_word": "Yanlis2026", "confirm": "1"})
        statuses.append(r.status)
    check(statuses[0] == 401 and statuses[-1] == 429, "statuses: %r" % statuses)
    r = change(S["c"], S["token"], "askiya-al", {"security_word": WORD, "confirm": "1"})
    check(r.status == 429, "right word while locked: %d" % r.status)
    check("good" in cert_status(env, S["token"]), "token certificate unchanged")


def shim_env(env, module):
    e = dict(env.token_env)
    e["NL_P11SHIM_MODULE"] = MODULE
    e["NL_P11SHIM_STATE"] = os.path.join(env.tmp, "shim-state")
    return e


def imza(env, args, module, extra_env=None):
    e = shim_env(env, module)
    e.update(extra_env or {})
    return run([env.exe["imza"], "--module", module, "--token", "demo-kart"] + args,
               env=e, check_rc=False, input=b"")


def login(env, module, pin):
    """pkcs11-tool logs in with pin: "ok", or the PKCS#11 error it reports."""
    p = run(["pkcs11-tool", "--module", module, "--token-label", "demo-kart", "--login",
             "--pin", pin, "--list-objects"], env=shim_env(env, module), check_rc=False)
    if p.returncode == 0:
        return "ok"
    m = re.search(r"CKR_\w+", p.stderr.decode("utf-8", "replace"))
    return m.group(0) if m else "failed: " + p.stderr.decode("utf-8", "replace")[-300:]


def login_ok(env, module, pin):
    return login(env, module, pin) == "ok"


@tap.test
def blocked_token_unblocked(env):
    """three wrong PINs block the token; the Kilit Çözme code + PUK in nitelik-imza --unblock set a new PIN that works"""
    shim = S.get("shim")
    if not shim:
        return "SKIP no PKCS#11 shim built"
    for _ in range(3):
        res = login(env, shim, "999999")
        check(res == "CKR_PIN_INCORRECT", "wrong PIN: %s" % res)
    res = login(env, shim, "123456")
    check(res == "CKR_PIN_LOCKED", "the right PIN must not open a blocked card: %s" % res)
    p = imza(env, ["--csr", os.path.join(env.tmp, "x.csr")], shim, {"NITELIK_IMZA_PIN": "123456"})
    check(p.returncode == 3 and "bloke" in p.stderr.decode(), "nitelik-imza sees the block: %s" % p.stderr.decode())
    c = S["c"]
    pg = c.page("/online-islemler/kilit-cozme")
    check(S["token"] in pg.text and S["ayse"] not in pg.text, "only cards worth opening offered")
    r = c.req("POST", "/online-islemler/kilit-cozme", {"csrf": pg.csrf, "serial": S["mehmet"]})
    check(r.status == 404, "another person's card: %d" % r.status)
    r = c.req("POST", "/online-islemler/kilit-cozme", {"csrf": pg.csrf, "serial": S["token"]})
    m = re.search(r'id="unblock-code">(\d{12})<', r.text)
    check(r.status == 200 and m, "code page: %d %s" % (r.status, r.text[:500]))
    code = m.group(1)
    srv = ["--unblock", "--server", env.base]
    p = imza(env, srv + [code], shim, {"NITELIK_IMZA_PUK": "00000000", "NITELIK_IMZA_NEW_PIN": "654321"})
    check(p.returncode == 3 and "PUK yanlış" in p.stderr.decode(), "wrong PUK: %d %s" % (p.returncode, p.stderr.decode()))
    p = imza(env, srv + ["123456789012"], shim, {"NITELIK_IMZA_PUK": "12345678", "NITELIK_IMZA_NEW_PIN": "654321"})
    check(p.returncode == 1 and "geçersiz" in p.stderr.decode(), "unknown code: %d %s" % (p.returncode, p.stderr.decode()))
    p = imza(env, srv + [code], shim, {"NITELIK_IMZA_PUK": "12345678", "NITELIK_IMZA_NEW_PIN": "654321"})
    check(p.returncode == 0 and "kilidi çözüldü" in p.stdout.decode(),
          "unblock: %d %s %s" % (p.returncode, p.stdout.decode(), p.stderr.decode()))
    check(login_ok(env, shim, "654321"), "the new PIN does not work")
    res = login(env, shim, "123456")
    check(res == "CKR_PIN_INCORRECT", "the old PIN: %s" % res)
    check(login_ok(env, shim, "654321"), "the new PIN after one wrong try")
    p = imza(env, srv + [code], shim, {"NITELIK_IMZA_PUK": "12345678", "NITELIK_IMZA_NEW_PIN": "111111"})
    check(p.returncode == 1 and "kullanıldı" in p.stderr.decode(), "reused code: %d %s" % (p.returncode, p.stderr.decode()))
    check(login_ok(env, shim, "654321"), "a reused code changed the PIN")
    check(audit_count(env, "unblock_code") == 2, "issued and used, audited")
    # The new PIN signs: E-İmzalı Giriş with the unblocked card.
    c2 = Client(env.srv)
    pg = c2.page("/online-islemler")
    r = c2.req("POST", "/online-islemler", {"csrf": pg.csrf, "door": "eimza", "tckn": AYSE})
    r = c2.req("GET", "/online-islemler/eimza")
    m = re.search(r'id="esign-code">(\d{15})<', r.text)
    check(m, "login code")
    p = imza(env, ["--server", env.base, m.group(1)], shim, {"NITELIK_IMZA_PIN": "654321"})
    check(p.returncode == 0, "signing with the new PIN: %s %s" % (p.stdout.decode(), p.stderr.decode()))


@tap.test
def audit_trail_intact(env):
    """after every flow above the audit trail verifies: chain, signed checkpoints, rows"""
    audit_verifies_clean(env)


def main():
    args = sys.argv[1:]
    if len(args) > 5 or (len(args) == 5 and args[-1] not in ("sqlite", "postgres")):
        S["shim"] = os.path.abspath(args.pop(4))
    return env_main(tap, args, "\n[throttle]\nid_max_failures = 5\n")

if __name__ == "__main__":
    sys.exit(main())
