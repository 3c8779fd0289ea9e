"""Steps the HTTP black-box tests share: a browser-like client, the demo server
with a configuration of the test's own, the staff and person logins (the person
form login with the test setting [demo] fixed_captcha), the demo outbox and
its SMS codes, step 1 of the application form wizard and its SMS code, the
Islak İmza choice and the registration officer's decision, and the main
function that runs a Tap against one server. Python 3 standard library only.

The e-İmza test bed (nitelikd with its CA and signer) is in esign_env.py."""

import os
import re
import sys
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, check  # noqa: E402

CAPTCHA = "ACDEF"            # [demo] fixed_captcha of every test configuration
PASSWORD = "Demo2026"        # the demo persons' access password
AYSE = "64172043210"         # demo persons, each with one pre-application
MEHMET = "57855534068"
ISIL = "49214588584"
GULSEN = "45765846364"       # in the registry simulator, without any order
WORD = "Gizli2026ş"          # the security word good_form sets
FORM_CT = "application/x-www-form-urlencoded"

_addr = [10]


def new_addr(net="198.51.100"):
    """A client address of its own (the server counts failures per address)."""
    _addr[0] += 1
    return "%s.%d" % (net, _addr[0])


class Client:
    """One browser: a session cookie and, when addr_net is set (by a subclass)
    or addr is given, a client address of its own sent as X-Forwarded-For."""

    addr_net = None

    def __init__(self, srv, addr=None):
        self.srv = srv
        self.sid = None
        self.addr = addr or (new_addr(self.addr_net) if self.addr_net else None)

    def req(self, method, path, form=None, raw=None, headers=None, ctype=None, cookies=True):
        """One request: form is url-encoded, raw is sent as it is (with ctype
        as its Content-Type when given); cookies=False neither sends nor keeps
        the session cookie."""
        h = {"X-Forwarded-For": self.addr} if self.addr else {}
        if self.sid and cookies:
            h["Cookie"] = "nl_sid=" + self.sid
        body = raw
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            ctype = FORM_CT
        if ctype:
            h["Content-Type"] = ctype
        h.update(headers or {})
        r = self.srv.request(method, path, body=body, headers=h)
        for v in r.all("set-cookie"):
            if v.startswith("nl_sid=") and cookies:
                self.sid = v.split(";")[0][len("nl_sid="):] or None
        r.text = r.body.decode("utf-8", "replace")
        return r

    def page(self, path):
        """GET path, which must answer 200 with a CSRF token (r.csrf)."""
        r = self.req("GET", path)
        r.csrf = csrf_in(r.text)
        check(r.status == 200 and r.csrf, "GET %s: %d %s" % (path, r.status, r.text[:300]))
        return r

    def csrf(self, path="/giris/form"):
        """The CSRF token of path, whatever its status."""
        r = self.req("GET", path)
        token = csrf_in(r.text)
        check(token, "no csrf on %s (%d)" % (path, r.status))
        return token

    def upload(self, path, csrf, name, data):
        """A multipart/form-data POST of the CSRF token and the file name with data."""
        bnd = "----nl" + uuid.uuid4().hex
        body = ("--%s\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                "Content-Type: text/csv\r\n\r\n" % (bnd, csrf, bnd, name)).encode()
        body += data + ("\r\n--%s--\r\n" % bnd).encode()
        return self.req("POST", path, raw=body, ctype="multipart/form-data; boundary=" + bnd)

    def captcha(self):
        r = self.req("GET", "/captcha.png")
        check(r.status == 200, "captcha.png: %d" % r.status)
        check(r.header("content-type") == "image/png", r.header("content-type"))
        check(r.body[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG")
        return r

    def form_login(self, id_number, password=PASSWORD, captcha=CAPTCHA, fetch_captcha=True,
                   page_ok=False):
        """The person's form login (Kimlik No + access password + captcha);
        page_ok: the login page must also answer 200."""
        csrf = self.page("/giris/form").csrf if page_ok else self.csrf("/giris/form")
        if fetch_captcha:
            self.captcha()
        return self.req("POST", "/giris/form", {"csrf": csrf, "captcha": captcha,
                                               "id_number": id_number, "password": password})

    def staff_login(self, user, password, page_ok=False):
        """The staff login at /kurum/giris (officer, admin, RA, production);
        page_ok: the login page must also answer 200."""
        csrf = self.page("/kurum/giris").csrf if page_ok else self.csrf("/kurum/giris")
        return self.req("POST", "/kurum/giris",
                        {"csrf": csrf, "username": user, "password": password})


def csrf_in(text):
    m = re.search(r'name="csrf" value="([^"]+)"', text)
    return m.group(1) if m else None


def staff(srv, user, password, home=None, client=Client):
    """A client logged in as staff; home: where the login must send him.
    c.home is where it did."""
    c = client(srv)
    r = c.staff_login(user, password, page_ok=True)
    check(r.status == 303 and (home is None or r.header("location") == home),
          "staff login %s: %d %s %s" % (user, r.status, r.header("location"), r.text[:300]))
    c.home = r.header("location")
    return c


def preapply(c, **fields):
    """The logged-in officer c pre-applies for a person: the new order's number."""
    form = {"csrf": c.csrf("/kurum/basvuru/yeni"), "reason": "first"}
    form.update(fields)
    r = c.req("POST", "/kurum/basvuru/yeni", form)
    check(r.status == 303, "pre-application: %d %s" % (r.status, r.text[:300]))
    return int(re.search(r"/kurum/siparis/(\d+)", r.header("location")).group(1))


def person(srv, tckn, addr=None, client=Client):
    """A client logged in by the form login as the demo person tckn."""
    c = client(srv, addr)
    r = c.form_login(tckn, page_ok=True)
    check(r.status == 303 and r.header("location").endswith("/basvuru"),
          "login of %s: %d %s" % (tckn, r.status, r.text[:300]))
    return c


def applicant(srv, tckn, client=Client):
    """person() standing at his order's wizard: c.no is the order number of
    the Başvuruyu Tamamla link on Başvurularım."""
    c = person(srv, tckn, client=client)
    r = c.req("GET", "/basvurularim")
    m = re.search(r'/basvuru/(\d+)/form', r.text)
    check(m, "no Başvuruyu Tamamla link for %s: %s" % (tckn, r.text[:500]))
    c.no = m.group(1)
    return c


def outbox(c):
    """The demo outbox (mail and SMS, newest first) as text."""
    r = c.req("GET", "/demo/outbox")
    check(r.status == 200, "demo outbox: %d" % r.status)
    return r.text


def last_code(c, mobile):
    """The newest SMS code to mobile (its last ten digits are looked for)."""
    text = outbox(c)
    digits = re.sub(r"\D", "", mobile)[-10:]
    i = text.find(digits)
    check(i >= 0, "no SMS to %s in the outbox" % mobile)
    m = re.search(r"kodunuz: (\d{6})", text[i:])
    check(m, "no code in the outbox after %s" % mobile)
    return m.group(1)


# ---- the application form wizard ----

def url(c, leaf, no=None):
    return "/basvuru/%s/%s" % (no or c.no, leaf)


def good_form(csrf, mobile, base="0", **over):
    """Step 1 filled in full and right; over replaces fields."""
    f = {"csrf": csrf, "action": "submit", "base_version": base, "period": "2",
         "card_reader": "mini", "publish": "no", "reason": "first",
         "security_word": WORD, "security_word2": WORD,
         "email": "ayse.yilmaz@example.org", "mobile": mobile, "operator": "turkcell",
         "home_phone": "", "info_channel": "both", "registry_no": "MEB-0001",
         "unit": "Bilgi İşlem Şubesi", "title": "Öğretmen", "work_phone": "0312 222 33 44",
         "extension": "1234", "address_type": "institution",
         "address": "Atatürk Bulvarı No: 1 Kızılay", "province": "6", "district": "Çankaya",
         "postal_code": "06420", "delivery_method": "courier"}
    f.update(over)
    return f


def submit(c, mobile, base="0", **over):
    r = c.page(url(c, "form"))
    return c.req("POST", url(c, "form"), good_form(r.csrf, mobile, base, **over))


def sms_page(c):
    r = c.page(url(c, "sms"))
    r.version = re.search(r'name="version" value="(\d+)"', r.text).group(1)
    return r


def send_code(c):
    p = sms_page(c)
    return c.req("POST", url(c, "sms"), {"csrf": p.csrf, "action": "send",
                                         "version": p.version})


def verify(c, code, version=None):
    p = sms_page(c) if version is None else None
    csrf = p.csrf if p else c.page(url(c, "form")).csrf
    return c.req("POST", url(c, "sms"), {"csrf": csrf, "action": "verify", "code": code,
                                         "version": version or p.version})


def fill_and_confirm(c, mobile, base="0", **over):
    """Step 1 (version base+1) and its SMS code: the client stands at step 2,
    c.version is the confirmed version."""
    r = submit(c, mobile, base, **over)
    check(r.status == 303 and r.header("location").endswith("/sms"),
          "submit: %d %s" % (r.status, r.text[:400]))
    c.version = sms_page(c).version
    r = send_code(c)
    check(r.status == 200, "send code: %d" % r.status)
    r = verify(c, last_code(c, mobile))
    check(r.status == 303 and r.header("location").endswith("/onay"), "code: %d" % r.status)
    return c


def to_step2(srv, tckn, mobile, email):
    """The demo person logs in, fills step 1 and confirms it by SMS: the client
    stands at step 2 with .no and .version."""
    return fill_and_confirm(applicant(srv, tckn), mobile, email=email)


def choose_wet(c):
    """Step 2: Islak İmza, which leads to step 3."""
    p = c.page(url(c, "onay"))
    version = re.search(r'name="version" value="(\d+)"', p.text).group(1)
    r = c.req("POST", url(c, "onay"), {"csrf": p.csrf, "method": "islak", "version": version})
    check(r.status == 303 and r.header("location").endswith("/sonuc"), "islak: %d" % r.status)


def ra_decide(ra, code, leaf, reason=None):
    """The registration officer's kabul or red of the form with code."""
    p = ra.req("GET", "/kayit/form/%s" % code)
    form = {"csrf": csrf_in(p.text)}
    check(form["csrf"], "no csrf on /kayit/form/%s (%d)" % (code, p.status))
    if reason is not None:
        form["reason"] = reason
    return ra.req("POST", "/kayit/form/%s/%s" % (code, leaf), form)


# ---- the server ----

def start_demo(exe, conf="", fixed_captcha=True, tls_proxy=False):
    """nitelikd in demo mode on SQLite with conf appended to its configuration."""
    srv = Server(exe)
    os.makedirs(srv.demo, exist_ok=True)
    with open(os.path.join(srv.demo, "nitelik.conf"), "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\nbase_url = http://127.0.0.1:8080\n%s\n"
                "[storage]\ndata_dir = %s\ndatabase = sqlite:%s/nitelik.db\n\n"
                "[demo]\nenabled = true\n%s\n%s"
                % ("behind_tls_proxy = true\n" if tls_proxy else "", srv.demo, srv.demo,
                   "fixed_captcha = %s\n" % CAPTCHA if fixed_captcha else "", conf))
    return srv.start()


def finish(srv, status, rc):
    """The TAP status, made a failure by an unclean exit or a sanitizer report."""
    bad = srv.sanitizer_errors()
    if rc != 0 or bad:
        print("# nitelikd exit %s, sanitizer: %s" % (rc, bad))
        status = 1
    if status:
        sys.stdout.write("".join("# " + line for line in srv.stderr_lines[-40:]))
    return status


def run_tests(tap, srv):
    """Runs tap against the started srv, stops and removes it: the exit status."""
    status = 1
    try:
        status = tap.run(srv)
    finally:
        rc = srv.stop()
        status = finish(srv, status, rc)
        srv.cleanup()
    return status
