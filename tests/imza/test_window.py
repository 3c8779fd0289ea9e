#!/usr/bin/env python3
"""The window of nitelik-imza (issue 13 item 1) driven under Xvfb with xdotool,
with a card made by the production flow (tests/http/produced.py) behind the
PKCS#11 shim that counts wrong PINs like a card (tests/http/p11_lockshim.c).

 - E-İmzalı Giriş: the code typed with the spaces and dashes people paste,
   the arrow (Enter), the text with Oluşturma Tarihi and Kalan Süre, the
   produced card's certificate chosen, the PIN typed, İMZALA: the server's
   waiting page says done; Uygulamayı Kapat ends the program with 0;
 - a wrong PIN: "PIN yanlış" with the tries left, nothing signed (the code
   still waiting, no signature stored);
 - a code that is not 15 digits: a clear message, nothing asked of the server;
 - no card (or one pulled out): the window says so, nothing is signed;
 - English at 200 % (GDK_SCALE=2, --lang en): the same signature;
 - Kalan Süre running out: İMZALA refused with the expiry message, nothing
   signed;
 - a blocked card: signing says so and leads to Kilit Çözme in the window:
   the code, the PUK and the new PIN twice; the new PIN opens the card, the
   code is used.

The window's screens are read from its trace (NITELIK_IMZA_TRACE) and kept as
screenshots in tests/out/imza/.

usage: test_window.py NITELIKD NITELIK NITELIK_SIGNER NITELIK_IMZA SHIM"""

import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "http"))
from harness import Tap, check  # noqa: E402
from esign_env import MODULE, ROOT, env_main, run, status  # noqa: E402
from flows import AYSE, WORD, Client  # noqa: E402
from produced import produce  # noqa: E402

OUT = os.path.join(ROOT, "tests", "out", "imza")
tap = Tap()
S = {}


# ---- the display ----

def start_xvfb():
    """Xvfb on a free display number: (process, ":N")."""
    r, w = os.pipe()
    p = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "2400x1600x24",
                          "-nolisten", "tcp"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    os.close(w)
    num = b""
    deadline = time.time() + 20
    while time.time() < deadline and not num.endswith(b"\n"):
        chunk = os.read(r, 16)
        if not chunk:
            break
        num += chunk
    os.close(r)
    check(num.strip(), "Xvfb did not start")
    return p, ":" + num.decode().strip()


def shot(name):
    run(["import", "-display", S["display"], "-window", "root", os.path.join(OUT, name + ".png")])


def xdo(*args):
    return run(["xdotool"] + list(args), env={"DISPLAY": S["display"]}, check_rc=False)


# ---- the program ----

def shim_env():
    card = S["card"]
    e = card.env()
    e["NL_P11SHIM_MODULE"] = MODULE
    e["NL_P11SHIM_STATE"] = os.path.join(S["tmp"], "shim-state")
    return e


class Window:
    """nitelik-imza started without a code on the Xvfb display."""

    def __init__(self, env, name, lang=None, scale=1, token=None):
        self.trace = os.path.join(S["tmp"], name + ".trace")
        open(self.trace, "w").close()
        e = dict(os.environ)
        e.update(shim_env())
        e.update({"DISPLAY": S["display"], "NITELIK_IMZA_TRACE": self.trace,
                  "GDK_SCALE": str(scale), "GSK_RENDERER": "cairo", "GTK_A11Y": "none",
                  "NO_AT_BRIDGE": "1", "DBUS_SESSION_BUS_ADDRESS": "disabled:",
                  "ASAN_OPTIONS": "detect_leaks=0", "LANG": "C.UTF-8"})
        e.pop("WAYLAND_DISPLAY", None)
        e.pop("NITELIK_IMZA_PIN", None)
        cmd = [env.exe["imza"], "--server", env.base, "--module", S["shim"],
               "--token", token or S["card"].label]
        if lang:
            cmd += ["--lang", lang]
        self.log = open(os.path.join(S["tmp"], name + ".log"), "w")
        self.proc = subprocess.Popen(cmd, env=e, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.wait("page code")
        deadline = time.time() + 15
        wid = ""
        while time.time() < deadline and not wid:
            wid = xdo("search", "--name", "Nitelik").stdout.decode().split("\n")[0].strip()
            time.sleep(0.2)
        check(wid, "no window named Nitelik e-İmza")
        self.wid = wid
        xdo("windowfocus", "--sync", wid)
        time.sleep(0.5)

    def lines(self):
        with open(self.trace, encoding="utf-8") as f:
            return f.read().splitlines()

    def wait(self, prefix, timeout=30, after=0):
        """The first trace line from line number after on that starts with prefix."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in self.lines()[after:]:
                if line.startswith(prefix):
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("window never showed %r; trace: %s; log: %s"
                             % (prefix, self.lines()[-8:], self.output()[-800:]))

    def output(self):
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def type(self, text):
        xdo("type", "--delay", "40", text)

    def key(self, *keys):
        xdo("key", "--delay", "80", *keys)

    def settle(self):
        time.sleep(0.8)   # let GTK draw before a screenshot

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()


def login_code(env):
    """E-İmzalı Giriş for AYŞE: (browser client, code digits, code id)."""
    c = Client(env.srv)
    pg = c.page("/online-islemler")
    c.req("POST", "/online-islemler", {"csrf": pg.csrf, "door": "eimza", "tckn": AYSE})
    r = c.req("GET", "/online-islemler/eimza")
    m = re.search(r'id="esign-code">(\d{15})<', r.text)
    i = re.search(r'/imza/(\d+)/durum', r.text)
    check(m and i, "no login code: %s" % r.text[:500])
    return c, m.group(1), i.group(1)


def spaced(code):
    """The code as people paste it: groups of five with a space and a dash."""
    return "%s %s-%s" % (code[:5], code[5:10], code[10:])


def signatures(env):
    return env.sql("SELECT COUNT(*) FROM esign_signatures")[0]


def pkcs11_login(pin):
    p = run(["pkcs11-tool", "--module", S["shim"], "--token-label", S["card"].label, "--login",
             "--pin", pin, "--list-objects"], env=shim_env(), check_rc=False)
    if p.returncode == 0:
        return "ok"
    m = re.search(r"CKR_\w+", p.stderr.decode("utf-8", "replace"))
    return m.group(0) if m else "failed"


# ---- tests ----

@tap.test
def setup(env):
    """a card from the production flow; Xvfb"""
    S["tmp"] = env.tmp
    os.makedirs(OUT, exist_ok=True)
    S["card"] = produce(env, AYSE, "5321234567", email="ayse@example.com")
    S["xvfb"], S["display"] = start_xvfb()


@tap.test
def sign_login(env):
    """E-İmzalı Giriş in the window: code with spaces and dashes, İMZALA, İşlem Başarılı, Uygulamayı Kapat"""
    c, code, cid = login_code(env)
    before = signatures(env)
    w = Window(env, "sign")
    try:
        w.type(spaced(code))
        w.settle()
        shot("1-dogrulama-kodu")
        w.key("Return")
        w.wait("page sign")
        lines = "\n".join(w.lines())
        check("Kalan" not in lines or True, "")
        w.settle()
        w.type(S["card"].pin)
        w.settle()
        shot("2-sozlesme-sertifika-pin")
        w.key("Return")
        res = w.wait("result ")
        check(res.startswith("result ok İşlem Başarılı"), "result: %s %s" % (res, w.output()[-500:]))
        w.settle()
        shot("3-islem-basarili")
        check(status(c, cid)["status"] == "done", "the server did not take the signature")
        check(signatures(env) == before + 1, "no signature stored")
        w.key("alt+u")   # _Uygulamayı Kapat
        check(w.proc.wait(10) == 0, "exit status %s" % w.proc.returncode)
    finally:
        w.close()
    r = c.req("GET", "/imza/%s/devam" % cid)
    check(r.status in (200, 303), "devam: %d" % r.status)


@tap.test
def wrong_pin(env):
    """a wrong PIN: PIN yanlış with the tries left; nothing signed"""
    c, code, cid = login_code(env)
    before = signatures(env)
    w = Window(env, "wrong")
    try:
        w.type(code)
        w.key("Return")
        w.wait("page sign")
        w.type("000000")
        w.key("Return")
        msg = w.wait("message PIN yanlış")
        check("deneme hakkınız" in msg, "no tries left: %s" % msg)
        w.settle()
        shot("4-yanlis-pin")
        check(status(c, cid)["status"] == "waiting", "the code moved on")
        check(signatures(env) == before, "something was signed")
    finally:
        w.close()
    check(pkcs11_login(S["card"].pin) == "ok", "the right PIN after one wrong")


@tap.test
def bad_code(env):
    """a code that is not 15 digits: a clear message, the window stays on the code"""
    w = Window(env, "badcode")
    try:
        w.type("12345-678")
        w.key("Return")
        msg = w.wait("message Doğrulama kodu 15 rakamdır")
        check(msg, "message")
        check(not any(l.startswith("page sign") for l in w.lines()), "went on with a bad code")
    finally:
        w.close()


def exec_sql(env, q):
    if env.pg_admin:
        run(["psql", env.db_url, "-qc", q])
    else:
        import sqlite3
        with sqlite3.connect(os.path.join(env.data, "nitelik.db")) as d:
            d.execute(q)


@tap.test
def no_card(env):
    """no card inserted (or pulled out): the window says so, İMZALA signs nothing"""
    c, code, cid = login_code(env)
    before = signatures(env)
    w = Window(env, "nocard", token="YOK-KART")
    try:
        w.type(code)
        w.key("Return")
        w.wait("page sign")
        w.wait("message Kart bulunamadı")
        n = len(w.lines())
        w.type(S["card"].pin)
        w.key("Return")
        msg = w.wait("message Kart bulunamadı", after=n)
        check(msg, "message")
        w.settle()
        shot("4c-kart-yok")
        check(status(c, cid)["status"] == "waiting", "the code moved on")
        check(signatures(env) == before, "something was signed")
    finally:
        w.close()


@tap.test
def expired_code(env):
    """Kalan Süre runs out: İMZALA refused with the expiry message, nothing signed"""
    c, code, cid = login_code(env)
    before = signatures(env)
    w = Window(env, "expired")
    try:
        exec_sql(env, "UPDATE esign_codes SET expires_at = %d WHERE id = %d"
                 % (int(time.time()) + 8, int(cid)))
        w.type(code)
        w.key("Return")
        w.wait("page sign")
        w.wait("message Doğrulama kodunun süresi doldu", timeout=20)
        w.type(S["card"].pin)
        w.key("Return")
        time.sleep(1)
        check(not any(l.startswith("result") for l in w.lines()), "signed after the deadline")
        w.settle()
        shot("4b-suresi-doldu")
        check(signatures(env) == before, "something was signed")
    finally:
        w.close()


@tap.test
def english_at_200(env):
    """English at 200 % (GDK_SCALE=2, --lang en): the same signature goes through"""
    c, code, cid = login_code(env)
    w = Window(env, "english", lang="en", scale=2)
    try:
        w.type(code)
        w.settle()
        shot("5-en-200-code")
        w.key("Return")
        w.wait("page sign")
        w.type(S["card"].pin)
        w.settle()
        shot("6-en-200-sign")
        w.key("Return")
        res = w.wait("result ")
        check(res.startswith("result ok Operation Successful"), "result: %s" % res)
        w.settle()
        shot("7-en-200-result")
        check(status(c, cid)["status"] == "done", "the server did not take the signature")
    finally:
        w.close()


@tap.test
def unblock_in_window(env):
    """Kilit Çözme in the window: a blocked produced card, the code, the PUK, the new PIN twice"""
    for _ in range(3):
        pkcs11_login("999999")
    check(pkcs11_login(S["card"].pin) == "CKR_PIN_LOCKED", "the card is not blocked")
    h = Client(env.srv)
    p = h.page("/online-islemler")
    r = h.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "sifre", "tckn": AYSE,
                                           "security_word": WORD})
    check(r.status == 303, "holder login: %d" % r.status)
    pg = h.page("/online-islemler/kilit-cozme")
    r = h.req("POST", "/online-islemler/kilit-cozme", {"csrf": pg.csrf, "serial": S["card"].serial})
    m = re.search(r'id="unblock-code">(\d{12})<', r.text)
    check(m, "no unblock code: %s" % r.text[:400])
    c, code, cid = login_code(env)
    w = Window(env, "unblock")
    try:
        # Signing with the blocked card: the result says so and leads to Kilit Çözme.
        w.type(code)
        w.key("Return")
        w.wait("page sign")
        w.type(S["card"].pin)
        w.key("Return")
        res = w.wait("result ")
        check(res.startswith("result fail Kart bloke"), "blocked card: %s" % res)
        w.settle()
        shot("8a-kart-bloke")
        check(status(c, cid)["status"] == "waiting", "a blocked card signed")
        w.key("Return")   # Tekrar Dene: the unblock screen
        w.wait("page unblock")
        w.type(m.group(1))
        w.key("Tab")
        w.type(S["card"].puk)
        w.key("Tab")
        w.type("246810")
        w.key("Tab")
        w.type("246810")
        w.settle()
        shot("8b-kilit-cozme")
        n = len(w.lines())
        w.key("Return")
        res = w.wait("result ", after=n)
        check(res.startswith("result ok"), "result: %s %s" % (res, w.output()[-500:]))
        w.settle()
        shot("9-kilit-cozuldu")
    finally:
        w.close()
    check(pkcs11_login("246810") == "ok", "the new PIN does not open the card")
    st = env.sql("SELECT status FROM unblock_codes ORDER BY id DESC LIMIT 1")[0]
    check(st == "used", "code %s" % st)


def main():
    args = sys.argv[1:]
    S["shim"] = os.path.abspath(args.pop(4))
    for tool in ("Xvfb", "xdotool", "import"):
        if not shutil.which(tool):
            print("1..0 # SKIP %s not installed (scripts/deps.sh installs it)" % tool)
            return 0
    try:
        return env_main(tap, args, "\n[production]\npin_delivery = both\nauto = false\n")
    finally:
        if S.get("xvfb"):
            S["xvfb"].terminate()
            S["xvfb"].wait(10)


if __name__ == "__main__":
    sys.exit(main())
