#!/usr/bin/env python3
"""Kilit Çözme on a card made by the production flow (issue 13 item 3).

AYŞE's card comes out of /uretim (tests/http/produced.py: form, wet approval,
batch, PIN letter); three wrong PINs block it (the card sits behind the
PKCS#11 shim p11_lockshim.c, which counts tries like a card); Online İşlemler
gives a Kilit Çözme code; `nitelik-imza --unblock` with the letter's PUK sets
a new PIN, which then signs an E-İmzalı Giriş.

A code is spent only by a successful unblock: a wrong PUK, a code for another
certificate, a new PIN the card would not take leave it unused, and the
server's check (GET /api/v1/kilit/{code}) does not spend it either; only the
POST after the card took the new PIN does.

usage: test_unblock.py NITELIKD NITELIK NITELIK_SIGNER NITELIK_IMZA SHIM [sqlite|postgres]"""

import os
import re
import sys
import json

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from esign_env import MODULE, env_main, run  # noqa: E402
from flows import AYSE, WORD, Client  # noqa: E402
from produced import produce  # noqa: E402

tap = Tap()
S = {}


def shim_env():
    card = S["card"]
    e = card.env()
    e["NL_P11SHIM_MODULE"] = MODULE
    e["NL_P11SHIM_STATE"] = os.path.join(S["tmp"], "shim-state")
    return e


def imza(env, args, extra_env=None):
    e = shim_env()
    e.update(extra_env or {})
    return run([env.exe["imza"], "--module", S["shim"], "--token", S["card"].label] + args,
               env=e, check_rc=False, input=b"")


def login(pin):
    p = run(["pkcs11-tool", "--module", S["shim"], "--token-label", S["card"].label, "--login",
             "--pin", pin, "--list-objects"], env=shim_env(), check_rc=False)
    if p.returncode == 0:
        return "ok"
    m = re.search(r"CKR_\w+", p.stderr.decode("utf-8", "replace"))
    return m.group(0) if m else "failed: " + p.stderr.decode("utf-8", "replace")[-300:]


def holder(env):
    c = Client(env.srv)
    p = c.page("/online-islemler")
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": AYSE,
                                           "security_word": WORD})
    check(r.status == 303, "holder login: %d %s" % (r.status, r.text[:300]))
    return c


def new_code(serial):
    c = S["holder"]
    pg = c.page("/online-islemler/kilit-cozme")
    r = c.req("POST", "/online-islemler/kilit-cozme", {"csrf": pg.csrf, "serial": serial})
    m = re.search(r'id="unblock-code">(\d{12})<', r.text)
    check(r.status == 200 and m, "code page: %d %s" % (r.status, r.text[:500]))
    return m.group(1)


def code_status(env):
    """The status of the person's newest unblock code."""
    return env.sql("SELECT status FROM unblock_codes ORDER BY id DESC LIMIT 1")[0]


def used_audits(env):
    return env.sql("SELECT COUNT(*) FROM audit_log WHERE entity = 'unblock_code'"
                   " AND action = 'unblock_code'")[0]


@tap.test
def produced_card(env):
    """AYŞE's card from the production flow; three wrong PINs block it"""
    S["tmp"] = env.tmp
    S["card"] = produce(env, AYSE, "5321234567", email="ayse@example.com")
    check(S["card"].serial != env.serial(os.path.join(env.token_dir, "cert.pem")),
          "the produced card holds the demo token's certificate")
    for _ in range(3):
        res = login("999999")
        check(res == "CKR_PIN_INCORRECT", "wrong PIN: %s" % res)
    check(login(S["card"].pin) == "CKR_PIN_LOCKED", "the letter's PIN opened a blocked card")
    S["holder"] = holder(env)


@tap.test
def check_does_not_spend(env):
    """GET /api/v1/kilit/{code}: the certificate (serial, DER) told, the code still unused"""
    code = new_code(S["card"].serial)
    for _ in range(2):
        r = env.srv.request("GET", "/api/v1/kilit/%s" % code)
        j = json.loads(r.body or b"{}")
        check(r.status == 200 and j.get("serial") == S["card"].serial and j.get("certificate"),
              "check: %d %s" % (r.status, r.body[:300]))
    check(code_status(env) == "active", "a check spent the code: %s" % code_status(env))
    r = env.srv.request("GET", "/api/v1/kilit/123456789012")
    check(r.status == 404, "unknown code: %d" % r.status)


@tap.test
def failures_spend_nothing(env):
    """a wrong PUK, another certificate's code, a new PIN the card refuses: the code stays unused"""
    before = used_audits(env)
    other = env.serial(os.path.join(env.token_dir, "cert.pem"))   # AYŞE's demo token
    code = new_code(other)
    srv = ["--unblock", "--server", env.base]
    good = {"NITELIK_IMZA_PUK": S["card"].puk, "NITELIK_IMZA_NEW_PIN": "654321"}
    p = imza(env, srv + [code], good)
    err = p.stderr.decode()
    check(p.returncode == 1 and "alınmamış" in err, "another certificate's code: %d %s" % (p.returncode, err))
    check(code_status(env) == "active", "a code for another card was spent")
    code = new_code(S["card"].serial)
    p = imza(env, srv + [code], {"NITELIK_IMZA_PUK": "00000000", "NITELIK_IMZA_NEW_PIN": "654321"})
    check(p.returncode == 3 and "PUK yanlış" in p.stderr.decode(), "wrong PUK: %s" % p.stderr.decode())
    check(code_status(env) == "active", "a wrong PUK spent the code")
    p = imza(env, srv + [code], {"NITELIK_IMZA_PUK": S["card"].puk, "NITELIK_IMZA_NEW_PIN": "12"})
    check(p.returncode != 0 and "4 ile 16" in p.stderr.decode(), "short PIN: %s" % p.stderr.decode())
    check(code_status(env) == "active", "a refused new PIN spent the code")
    check(login(S["card"].pin) == "CKR_PIN_LOCKED", "the card was opened")
    check(used_audits(env) == before, "a use was audited")
    S["code"] = code


@tap.test
def unblock_produced_card(env):
    """nitelik-imza --unblock with the letter's PUK opens the produced card; the code is spent then, once"""
    srv = ["--unblock", "--server", env.base]
    if "code" not in S:
        S["code"] = new_code(S["card"].serial)
    p = imza(env, srv + [S["code"]], {"NITELIK_IMZA_PUK": S["card"].puk,
                                      "NITELIK_IMZA_NEW_PIN": "654321"})
    check(p.returncode == 0 and "kilidi çözüldü" in p.stdout.decode(),
          "unblock: %d %s %s" % (p.returncode, p.stdout.decode(), p.stderr.decode()))
    check(code_status(env) == "used", "not spent after success: %s" % code_status(env))
    check(login("654321") == "ok", "the new PIN does not open the card")
    p = imza(env, srv + [S["code"]], {"NITELIK_IMZA_PUK": S["card"].puk,
                                      "NITELIK_IMZA_NEW_PIN": "111111"})
    check(p.returncode == 1 and "kullanıldı" in p.stderr.decode(), "reused: %s" % p.stderr.decode())
    check(login("654321") == "ok", "a reused code changed the PIN")
    # The new PIN signs: E-İmzalı Giriş with the produced card.
    c = Client(env.srv)
    pg = c.page("/online-islemler")
    c.req("POST", "/online-islemler", {"csrf": pg.csrf, "door": "eimza", "tckn": AYSE})
    r = c.req("GET", "/online-islemler/eimza")
    m = re.search(r'id="esign-code">(\d{15})<', r.text)
    check(m, "login code")
    p = imza(env, ["--server", env.base, m.group(1)], {"NITELIK_IMZA_PIN": "654321"})
    check(p.returncode == 0, "signing with the new PIN: %s %s" % (p.stdout.decode(), p.stderr.decode()))


@tap.test
def expired_and_locked_codes(env):
    """an expired code answers 410 expired to the check and the use; wrong codes lock the address: 429 locked"""
    code = new_code(S["card"].serial)
    env.sql("UPDATE unblock_codes SET expires_at = 1 WHERE id = (SELECT MAX(id) FROM unblock_codes)")
    for method in ("GET", "POST"):
        r = env.srv.request(method, "/api/v1/kilit/%s" % code)
        j = json.loads(r.body or b"{}")
        check(r.status == 410 and j.get("error", {}).get("code") == "expired",
              "%s expired code: %d %s" % (method, r.status, r.body[:200]))
    check(code_status(env) != "used", "an expired code was spent")
    # Last in this file: the address stays locked at the door `unblock`.
    seen = []
    for i in range(200):
        r = env.srv.request("GET" if i % 2 else "POST", "/api/v1/kilit/%012d" % (900000000000 + i))
        seen.append(r.status)
        if r.status == 429:
            break
    j = json.loads(r.body or b"{}")
    check(r.status == 429 and j.get("error", {}).get("code") == "locked",
          "never locked: %s" % sorted(set(seen)))
    check(set(seen[:-1]) == {404}, "before the lock: %s" % sorted(set(seen)))


def main():
    args = sys.argv[1:]
    S["shim"] = os.path.abspath(args.pop(4))
    return env_main(tap, args, "\n[production]\npin_delivery = both\nauto = false\n")


if __name__ == "__main__":
    sys.exit(main())
