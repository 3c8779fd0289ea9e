#!/usr/bin/env python3
"""HTTP black-box tests of nitelik-imza's PIN messages (issue 6 item 1: "a wrong
PIN shows the tries left; a blocked card says so") against real verification
codes of nitelikd. SoftHSM2 neither counts wrong PINs nor blocks, so the demo
token is reached through tests/http/p11_lockshim.c, which does what a
signature card does: CKF_USER_PIN_COUNT_LOW after one wrong PIN,
CKF_USER_PIN_FINAL_TRY after two, CKR_PIN_LOCKED and CKF_USER_PIN_LOCKED
after three; a right PIN or C_InitPIN (the PUK) clears them.

Checked: the right PIN on a fresh token signs through the shim; each wrong
PIN names the tries left and approves nothing; the third blocks the card,
which nitelik-imza reports, and then even the right PIN approves nothing;
the flags the shim reports (pkcs11-tool -L) follow the count; a right PIN
resets the count; the PUK (C_InitPIN) opens the card and the same code then
approves the form.

usage: test_esign_pin.py NITELIKD NITELIK NITELIK_SIGNER NITELIK_IMZA SHIM [sqlite|postgres]
(postgres: a fresh database on the cluster of NL_TEST_PG_URL; skipped without it)"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from esign_env import MODULE, env_main, run, status, wait_page  # noqa: E402
from flows import AYSE, Client, to_step2  # noqa: E402

tap = Tap()
S = {}

# What nitelik-imza prints (src/cmd/nitelik-imza.c, pin_words) for each state.
COUNT_LOW = "Az sayıda deneme hakkınız kaldı"
FINAL_TRY = "Son deneme hakkınız kaldı"
BLOCKED = "Kartınız bloke oldu"
PIN = "123456"          # scripts/demo-token.sh
SO_PIN = "12345678"     # the token's PUK (SO PIN), scripts/demo-token.sh


def shim_env(env):
    e = dict(env.token_env)
    e["NL_P11SHIM_MODULE"] = MODULE
    e["NL_P11SHIM_STATE"] = os.path.join(env.tmp, "pin-shim-state")
    return e


def imza(env, code, pin):
    """nitelik-imza through the shim: (exit status, stdout, stderr)."""
    e = shim_env(env)
    e["NITELIK_IMZA_PIN"] = pin
    p = run([env.exe["imza"], "--server", env.base, "--module", S["shim"], "--token", "demo-kart",
             code], env=e, check_rc=False, input=b"")
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def token_flags(env):
    """The token's line of flags as pkcs11-tool -L reads them through the shim."""
    p = run(["pkcs11-tool", "--module", S["shim"], "-L"], env=shim_env(env))
    out = p.stdout.decode("utf-8", "replace")
    lines = [ln for ln in out.splitlines() if ln.strip().startswith("token flags")]
    check(len(lines) == 1, "pkcs11-tool -L: " + out)
    return lines[0]


def login_code(env):
    """A fresh browser asks for E-İmzalı Giriş as AYŞE: (client, code, code id)."""
    c = Client(env.srv)
    p = c.page("/online-islemler")
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "eimza", "tckn": AYSE})
    check(r.status == 303, "eimza door: %d %s" % (r.status, r.text[:300]))
    return (c,) + wait_page(c, "/online-islemler/eimza")[:2]


def signatures_of(env, order_no):
    row = env.sql("SELECT count(*) FROM esign_signatures s JOIN orders o ON o.id = s.order_id"
                  " WHERE o.order_no = %s", order_no)
    return row[0] if row else 0


def nothing_approved(env):
    """The form's code still waits, no signature is kept, the order has not moved on."""
    c, cid = S["form"], S["form_cid"]
    s = status(c, cid)
    check(s["status"] == "waiting", "the code must still wait: %s" % s)
    check(signatures_of(env, c.no) == 0, "a signature was kept")
    r = c.req("GET", "/basvurularim")
    check(r.status == 200 and "Üretim Bekleniyor" not in r.text, "the order moved on")


def wrong(env, code, rc, out, err, want, unwanted):
    check(rc == 3, "a wrong PIN must fail with status 3: %d %s %s" % (rc, out, err))
    check(want in err, "nitelik-imza must say %r: %s" % (want, err))
    for u in unwanted:
        check(u not in err, "nitelik-imza must not say %r yet: %s" % (u, err))
    check("İşlem Başarılı" not in out and "İmzalama Tarihi" not in out, "signed: " + out)


@tap.test
def right_pin_through_shim(env):
    """the right PIN on a fresh token signs through the shim (E-İmzalı Giriş)"""
    check(not os.path.exists(shim_env(env)["NL_P11SHIM_STATE"]), "the token is not fresh")
    flags = token_flags(env)
    check("user PIN count low" not in flags and "user PIN locked" not in flags, "fresh token flags: " + flags)
    c, code, cid = login_code(env)
    rc, out, err = imza(env, code, PIN)
    check(rc == 0 and "İşlem Başarılı" in out, "signing through the shim: %d %s %s" % (rc, out, err))
    check("AYŞE YILMAZ" in err, "the token's certificate listed: " + err)
    s = status(c, cid)
    check(s["status"] == "done", "poll after signing: %s" % s)
    r = c.req("GET", s["next"])
    check(r.header("location") == "/online-islemler/menu", "devam: %d" % r.status)


@tap.test
def first_wrong_pin_tries_left(env):
    """a wrong PIN on the form's code: 'Az sayıda deneme hakkınız kaldı', nothing approved"""
    c = to_step2(env.srv, AYSE, "0532 123 45 67", "ayse.yilmaz@example.org")
    p = c.page("/basvuru/%s/onay" % c.no)
    r = c.req("POST", "/basvuru/%s/onay" % c.no, {"csrf": p.csrf, "method": "e_imza",
                                                 "version": c.version})
    check(r.status == 303 and r.header("location").endswith("/eimza"), "e_imza: %d" % r.status)
    code, cid, _ = wait_page(c, "/basvuru/%s/eimza" % c.no)
    S["form"], S["form_code"], S["form_cid"] = c, code, cid
    rc, out, err = imza(env, code, "000000")
    wrong(env, code, rc, out, err, COUNT_LOW, (FINAL_TRY, BLOCKED))
    check("user PIN count low" in token_flags(env), "CKF_USER_PIN_COUNT_LOW after one wrong PIN")
    nothing_approved(env)


@tap.test
def second_wrong_pin_final_try(env):
    """the second wrong PIN: 'Son deneme hakkınız kaldı', nothing approved"""
    rc, out, err = imza(env, S["form_code"], "000001")
    wrong(env, S["form_code"], rc, out, err, FINAL_TRY, (BLOCKED,))
    check("final user PIN try" in token_flags(env), "CKF_USER_PIN_FINAL_TRY after two wrong PINs")
    nothing_approved(env)


@tap.test
def third_wrong_pin_blocks(env):
    """the third wrong PIN blocks the card: 'Kartınız bloke oldu', nothing approved"""
    rc, out, err = imza(env, S["form_code"], "000002")
    wrong(env, S["form_code"], rc, out, err, BLOCKED, (COUNT_LOW, FINAL_TRY))
    check("user PIN locked" in token_flags(env), "CKF_USER_PIN_LOCKED after three wrong PINs")
    nothing_approved(env)


@tap.test
def blocked_card_refuses_right_pin(env):
    """a blocked card: the right PIN is not even tried, the card is reported blocked"""
    rc, out, err = imza(env, S["form_code"], PIN)
    wrong(env, S["form_code"], rc, out, err, BLOCKED, (COUNT_LOW, FINAL_TRY))
    check("PIN yanlış" not in err, "the right PIN was called wrong: " + err)
    nothing_approved(env)


@tap.test
def puk_opens_card_then_form_approved(env):
    """C_InitPIN with the PUK clears the block; the same code then approves the form"""
    run(["pkcs11-tool", "--module", S["shim"], "--token-label", "demo-kart", "--login",
         "--login-type", "so", "--so-pin", SO_PIN, "--init-pin", "--new-pin", PIN],
        env=shim_env(env))
    flags = token_flags(env)
    check("user PIN count low" not in flags and "user PIN locked" not in flags, "flags after C_InitPIN: " + flags)
    c = S["form"]
    rc, out, err = imza(env, S["form_code"], PIN)
    check(rc == 0 and "İşlem Başarılı" in out, "signing after unblock: %d %s %s" % (rc, out, err))
    check(status(c, S["form_cid"])["status"] == "done", "the form's code is done")
    check(signatures_of(env, c.no) == 1, "the signature is kept")
    r = c.req("GET", "/basvurularim")
    check("Üretim Bekleniyor" in r.text, "the order moved on to production awaited")


@tap.test
def right_pin_resets_count(env):
    """wrong, right, wrong: the count starts again (no 'Son deneme' after a right PIN)"""
    c, code, cid = login_code(env)
    rc, out, err = imza(env, code, "000000")
    wrong(env, code, rc, out, err, COUNT_LOW, (FINAL_TRY, BLOCKED))
    check(status(c, cid)["status"] == "waiting", "a wrong PIN used the code")
    rc, out, err = imza(env, code, PIN)
    check(rc == 0 and "İşlem Başarılı" in out, "the right PIN after one wrong: %d %s" % (rc, err))
    flags = token_flags(env)
    check("user PIN count low" not in flags, "a right PIN must clear CKF_USER_PIN_COUNT_LOW: " + flags)
    c, code, cid = login_code(env)
    rc, out, err = imza(env, code, "000000")
    wrong(env, code, rc, out, err, COUNT_LOW, (FINAL_TRY, BLOCKED))
    rc, out, err = imza(env, code, PIN)
    check(rc == 0, "the right PIN again: %d %s" % (rc, err))


def main():
    args = sys.argv[1:]
    if len(args) < 5:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    S["shim"] = os.path.abspath(args.pop(4))
    return env_main(tap, args, "")


if __name__ == "__main__":
    sys.exit(main())
