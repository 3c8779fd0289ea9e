#!/usr/bin/env python3
"""HTTP black-box tests of the e-Devlet door (OpenID Connect, issue 14):

- against the built-in simulator provider "e-Devlet Kapısı" (served by the
  same nitelikd under /demo/edevlet, over real HTTP): a demo citizen logs in
  and sees Başvurularım; a wrong simulator password; a code used twice; a
  state mismatch; the SameSite=Strict bounce; a citizen without application;
- against a misbehaving test provider (oidc_provider.py): a forged signature,
  an expired token, wrong audience, wrong issuer, a nonce mismatch, a JWKS with
  no matching key (refetched once), key rotation, a slow provider (timeout),
  garbage, and a provider that is down while the other doors still work.
Every refusal has its message and an audit record. Prints TAP.

usage: test_edevlet.py PATH/TO/nitelikd"""

import os
import re
import socket
import sqlite3
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
import flows  # noqa: E402
from flows import AYSE, CAPTCHA, GULSEN  # noqa: E402
from oidc_provider import Provider  # noqa: E402

tap = Tap()
BASE = "http://127.0.0.1:8080"      # base_url of flows.start_demo
DOWN = "e-Devlet&#39;e şu anda ulaşılamıyor"
REFUSED = "e-Devlet&#39;ten gelen yanıt doğrulanamadı"
STATE = "Bu e-Devlet girişi bu tarayıcıda başlatılmadı"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(exe, issuer, client, secret, port=None):
    """nitelikd in demo mode with [oidc] pointing at issuer."""
    conf = ("\n[oidc]\nenabled = true\nissuer = %s\nclient_id = %s\nclient_secret = %s\n"
            % (issuer, client, secret))
    srv = flows.Server(exe)
    if port:
        srv.listen = "127.0.0.1:%d" % port
    os.makedirs(srv.demo, exist_ok=True)
    with open(os.path.join(srv.demo, "nitelik.conf"), "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\nbase_url = %s\n"
                "[storage]\ndata_dir = %s\ndatabase = sqlite:%s/nitelik.db\n\n"
                "[demo]\nenabled = true\nfixed_captcha = %s\n%s"
                % (BASE, srv.demo, srv.demo, CAPTCHA, conf))
    return srv.start()


def local(url):
    """The path and query of an absolute URL (the test client talks to the
    right server itself)."""
    u = urllib.parse.urlsplit(url)
    return u.path + ("?" + u.query if u.query else "")


def query(url):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def audit(srv, action="edevlet_refused"):
    db = sqlite3.connect(os.path.join(srv.demo, "nitelik.db"))
    try:
        return [r[0] for r in db.execute(
            "SELECT reason FROM audit_log WHERE action = ? ORDER BY seq", (action,))]
    finally:
        db.close()


def begin(srv, c=None):
    """Starts the door: the client and the authorization request's parameters."""
    c = c or flows.Client(srv)
    r = c.req("GET", "/giris/edevlet")
    check(r.status == 303, "start: %d %s" % (r.status, r.text[:300]))
    return c, r.header("location")


def sim_login(srv, tckn, password="demo", c=None):
    """The simulator's page: the redirect back to the door (or the page)."""
    c, loc = begin(srv, c)
    page = c.req("GET", local(loc))
    check(page.status == 200 and "e-Devlet Kapısı" in page.text, page.text[:300])
    form = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page.text))
    form = {k: v.replace("&amp;", "&") for k, v in form.items()}
    form.update({"tckn": tckn, "password": password})
    r = c.req("POST", "/demo/edevlet/yetkilendir", form)
    return c, r


def refused(srv, r, status, text, reason_part, before):
    check(r.status == status, "%d (want %d): %s" % (r.status, status, r.text[:400]))
    check(text in r.text, r.text[:600])
    new = audit(srv)[before:]
    check(any(reason_part in x for x in new), "audit: %r" % new)


# ---- the simulator ----

@tap.test
def sim_citizen_logs_in(a, b, prov):
    """a demo citizen logs in through the simulator and sees Başvurularım"""
    c, r = sim_login(a, AYSE)
    check(r.status == 303, r.text[:300])
    loc = r.header("location")
    check(loc.startswith(BASE + "/giris/edevlet/donus?code="), loc)
    r = c.req("GET", local(loc))
    check(r.status == 303 and r.header("location") == "/basvuru", "%d %s" % (r.status, r.text[:300]))
    r = c.req("GET", "/basvurularim")
    check(r.status == 200 and "SD-" in r.text, r.text[:500])
    check(audit(a, "edevlet_login"), "no audit record of the login")


@tap.test
def sim_wrong_password(a, b, prov):
    """the simulator refuses a wrong password and sends nobody back"""
    c, r = sim_login(a, AYSE, password="yanlis")
    check(r.status == 401 and "hatalı" in r.text, r.text[:300])


@tap.test
def sim_code_used_twice(a, b, prov):
    """a code replayed into another login is refused (used once) and audited"""
    c, r = sim_login(a, AYSE)
    loc = r.header("location")
    code = query(loc)["code"]
    r = c.req("GET", local(loc))
    check(r.status == 303, r.text[:300])
    n = len(audit(a))
    x, loc2 = begin(a)                    # the attacker's own session and state
    r = x.req("GET", "/giris/edevlet/donus?code=%s&state=%s" % (code, query(loc2)["state"]))
    refused(a, r, 401, REFUSED, "invalid_grant", n)
    r = x.req("GET", "/basvurularim")
    check(r.status != 200, "the replay logged in")


@tap.test
def sim_state_mismatch(a, b, prov):
    """a state that is not the session's is refused; the flow is used up"""
    c, r = sim_login(a, AYSE)
    loc = r.header("location")
    code = query(loc)["code"]
    n = len(audit(a))
    r = c.req("GET", "/giris/edevlet/donus?b=1&code=%s&state=forged" % code)
    refused(a, r, 400, STATE, "state", n)
    # the right state afterwards: the flow was taken out by the failed try
    r = c.req("GET", local(loc) + "&b=1")
    check(r.status == 400, r.text[:300])


@tap.test
def sim_bounce_without_cookie(a, b, prov):
    """coming back without the (SameSite=Strict) cookie gets a same-site reload page"""
    c, r = sim_login(a, AYSE)
    loc = r.header("location")
    r = c.req("GET", local(loc), cookies=False)
    check(r.status == 200 and "http-equiv=\"refresh\"" in r.text and "b=1" in r.text, r.text[:400])
    r = c.req("GET", local(loc) + "&b=1")
    check(r.status == 303 and r.header("location") == "/basvuru", r.text[:300])


@tap.test
def sim_no_application(a, b, prov):
    """a citizen without application is told whom to ask (and audited)"""
    n = len(audit(a))
    c, r = sim_login(a, GULSEN)
    r = c.req("GET", local(r.header("location")))
    refused(a, r, 403, "başvurunuz yok", "no open application", n)


@tap.test
def sim_holder_door(a, b, prov):
    """from Online İşlemler, e-Devlet opens the holder's pages"""
    c = flows.Client(a)
    r = c.req("GET", "/giris/edevlet?hedef=online")
    check(r.status == 303, r.text[:300])
    page = c.req("GET", local(r.header("location")))
    form = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page.text))
    form = {k: v.replace("&amp;", "&") for k, v in form.items()}
    form.update({"tckn": AYSE, "password": "demo"})
    r = c.req("POST", "/demo/edevlet/yetkilendir", form)
    check(r.status == 303, r.text[:300])
    r = c.req("GET", local(r.header("location")))
    check(r.status == 303 and r.header("location") == "/online-islemler/menu",
          "%d %s %s" % (r.status, r.header("location"), r.text[:300]))
    r = c.req("GET", "/online-islemler/menu")
    check(r.status == 200, "menu: %d" % r.status)
    check(audit(a, "edevlet_login_holder"), "no audit record")


@tap.test
def buttons(a, b, prov):
    """the portal's login choices and Online İşlemler show e-Devlet ile Giriş"""
    for path in ("/", "/online-islemler"):
        r = flows.Client(a).req("GET", path)
        if r.status == 404:
            continue
        check("/giris/edevlet" in r.text and "e-Devlet ile Giriş" in r.text, path)


# ---- the misbehaving provider ----

def token_flow(b, prov, **over):
    """Starts the door on server b, registers a code whose ID token is made
    with over (claims; sign=Key, kid=...), comes back: the answer."""
    c, loc = begin(b)
    q = query(loc)
    check(loc.startswith(prov.issuer + "/auth?"), loc)
    check(q["code_challenge_method"] == "S256" and q["client_id"] == "nitelik-test", q)
    key = over.pop("sign", prov.key)
    key = prov.other if key == "OTHER" else key
    kid = over.pop("kid", None)
    nonce = over.pop("nonce", q["nonce"])
    tok = key.sign(prov.claims(AYSE, nonce, **over), kid=kid)
    code = "c%d" % time.monotonic_ns()
    prov.register_code(code, tok)
    return c, c.req("GET", "/giris/edevlet/donus?code=%s&state=%s" % (code, q["state"]))


@tap.test
def idp_good(a, b, prov):
    """a well-formed RS256 token from the test provider logs in"""
    c, r = token_flow(b, prov)
    check(r.status == 303 and r.header("location") == "/basvuru", r.text[:400])


def refusal(name, doc, status, text, reason, **over):
    def t(a, b, prov):
        n = len(audit(b))
        c, r = token_flow(b, prov, **over)
        refused(b, r, status, text, reason, n)
        check(c.req("GET", "/basvurularim").status != 200, "logged in anyway")
    t.__name__ = name
    t.__doc__ = doc
    return t


tap.test(refusal("forged_signature", "a token signed by another key is refused", 401, REFUSED,
                 "signature", sign="OTHER"))
tap.test(refusal("expired", "an expired token is refused", 401, REFUSED, "expired",
                 exp=int(time.time()) - 3600, iat=int(time.time()) - 4000))
tap.test(refusal("future_iat", "a token issued in the future is refused", 401, REFUSED, "iat",
                 iat=int(time.time()) + 3600))
# exp and iat are numbers of any size in JSON; past a 64-bit second count a
# cast (and the clock skew added to it) would overflow (drivers/oidc.c).
tap.test(refusal("exp_out_of_range", "a token whose exp is no date is refused", 401, REFUSED,
                 "out of range", exp=1e300))
tap.test(refusal("iat_out_of_range", "a token whose iat is no date is refused", 401, REFUSED,
                 "out of range", iat=-(2 ** 63)))
tap.test(refusal("wrong_audience", "a token for another client is refused", 401, REFUSED, "aud",
                 aud="someone-else"))
tap.test(refusal("wrong_issuer", "a token from another issuer is refused", 401, REFUSED, "issuer",
                 iss="https://evil.example"))
tap.test(refusal("nonce_mismatch", "a token with another login's nonce is refused", 401,
                 REFUSED, "nonce", nonce="another-nonce"))
tap.test(refusal("no_tckn", "a token without the T.C. number claim is refused", 401, REFUSED,
                 "T.C.", tckn=None))


@tap.test
def no_matching_key(a, b, prov):
    """a kid the JWKS does not have is refetched once, then refused"""
    n = len(audit(b))
    before = prov.jwks_fetches
    c, r = token_flow(b, prov, kid="unknown")
    refused(b, r, 401, REFUSED, "no key", n)
    check(prov.jwks_fetches - before == 1, "JWKS fetched %d times" % (prov.jwks_fetches - before))


@tap.test
def key_rotation(a, b, prov):
    """a new kid appears in the JWKS: refetched, accepted"""
    prov.mode = "rotate"
    prov.jwks_fetches = 1        # the next fetch publishes k2
    try:
        c, r = token_flow(b, prov, sign=prov.rotated)
        check(r.status == 303 and r.header("location") == "/basvuru", r.text[:400])
    finally:
        prov.mode = "normal"


@tap.test
def garbage(a, b, prov):
    """a token endpoint answering HTML is "cannot be reached", audited"""
    prov.mode = "garbage"
    try:
        n = len(audit(b))
        c, r = token_flow(b, prov)
        refused(b, r, 503, DOWN, "no JSON", n)
    finally:
        prov.mode = "normal"


@tap.test
def slow(a, b, prov):
    """a provider slower than the timeout is "cannot be reached", audited"""
    prov.mode = "slow"
    try:
        n = len(audit(b))
        t0 = time.time()
        c, r = token_flow(b, prov)
        refused(b, r, 503, DOWN, "in time", n)
        check(time.time() - t0 < 11, "took %.1f s" % (time.time() - t0))
    finally:
        prov.mode = "normal"


@tap.test
def provider_down(a, b, prov):
    """a provider that is down: a clear message, and the identity door still works"""
    c, loc = begin(b)
    q = query(loc)
    prov.stop()
    n = len(audit(b))
    r = c.req("GET", "/giris/edevlet/donus?code=x&state=%s" % q["state"])
    refused(b, r, 503, DOWN, "cannot be reached", n)
    x = flows.Client(b)
    r = x.req("GET", "/giris/kimlik")
    check(r.status == 200, "identity door: %d" % r.status)


def main():
    exe = sys.argv[1]
    prov = Provider()
    port = free_port()
    a = start(exe, "http://127.0.0.1:%d/demo/edevlet" % port, "nitelik-demo", "demo-secret",
              port=port)
    b = start(exe, prov.issuer, "nitelik-test", "s3cret")
    status = 1
    try:
        status = tap.run(a, b, prov)
    finally:
        for s in (a, b):
            rc = s.stop()
            status = flows.finish(s, status, rc)
            s.cleanup()
        prov.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
