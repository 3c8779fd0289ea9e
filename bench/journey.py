#!/usr/bin/env python3
"""The applicant's journey, driven over HTTP by P processes (bench/journey.sh):
form login -> Başvurularım -> form (one argon2id: the security word) -> SMS
code sent and verified -> Islak İmza -> result page -> PDF form. The access
passwords and SMS codes are read from the demo database's outbox (as the
person reads the mail and the SMS). Prints journeys/s, the p99 of the quick
pages (every GET but the PDF) in ms, and failures.
Usage: journey.py PORT DB FIRST N PROCS"""
import http.client, multiprocessing, re, sqlite3, sys, time, urllib.parse

CAPTCHA = "ACDEF"
WORD = "Gizli2026ş"


def tckn(k):
    d = [int(c) for c in "%09d" % (100000000 + k)]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return "".join(map(str, d)) + str(d10) + str((sum(d) + d10) % 10)


class C:
    def __init__(self, port):
        self.port, self.sid, self.h = port, None, None
        self.quick = []

    def req(self, method, path, form=None, quick=False):
        for attempt in range(2):
            if self.h is None:
                self.h = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            hd = {"Cookie": "nl_sid=" + self.sid} if self.sid else {}
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form).encode()
                hd["Content-Type"] = "application/x-www-form-urlencoded"
            t = time.monotonic()
            try:
                self.h.request(method, path, body=body, headers=hd)
                r = self.h.getresponse()
                data = r.read()
            except (http.client.HTTPException, OSError):
                self.h.close()
                self.h = None
                if attempt:
                    raise
                continue
            if quick:
                self.quick.append(time.monotonic() - t)
            for k, v in r.getheaders():
                if k.lower() == "set-cookie" and v.startswith("nl_sid="):
                    self.sid = v.split(";")[0][7:] or None
            r.text = data.decode("utf-8", "replace")
            return r

    def csrf(self, path):
        r = self.req("GET", path, quick=True)
        m = re.search(r'name="csrf" value="([^"]+)"', r.text)
        if not m:
            raise RuntimeError("no csrf on %s: %d" % (path, r.status))
        return m.group(1), r


def read_one(db, sql, args):
    for _ in range(200):
        with sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30) as c:
            row = c.execute(sql, args).fetchone()
        if row:
            return row[0]
        time.sleep(0.01)
    raise RuntimeError("not found: %s %r" % (sql, args))


def journey(port, db, k):
    c = C(port)
    idn, mobile = tckn(k), "5%09d" % k
    mail = read_one(db, "SELECT body_text FROM outbox WHERE recipient = ? AND channel = 'mail'",
                    ("t%d@example.org" % k,))
    pw = re.search(r"erişim parolası: (\S+)", mail).group(1)
    tok, _ = c.csrf("/giris/form")
    c.req("GET", "/captcha.png", quick=True)
    r = c.req("POST", "/giris/form", {"csrf": tok, "captcha": CAPTCHA, "id_number": idn,
                                      "password": pw})
    if r.status != 303:
        raise RuntimeError("login %s: %d" % (idn, r.status))
    r = c.req("GET", "/basvurularim", quick=True)
    no = re.search(r"/basvuru/(\d+)/form", r.text).group(1)
    base = "/basvuru/%s/" % no
    tok, _ = c.csrf(base + "form")
    f = {"csrf": tok, "action": "submit", "base_version": "0", "period": "2",
         "card_reader": "mini", "publish": "no", "reason": "first",
         "security_word": WORD, "security_word2": WORD,
         "email": "t%d@example.org" % k, "mobile": mobile, "operator": "turkcell",
         "home_phone": "", "info_channel": "both", "registry_no": "MEB-0001",
         "unit": "Bilgi İşlem Şubesi", "title": "Öğretmen", "work_phone": "0312 222 33 44",
         "extension": "1234", "address_type": "institution",
         "address": "Atatürk Bulvarı No: 1 Kızılay", "province": "6", "district": "Çankaya",
         "postal_code": "06420", "delivery_method": "courier"}
    r = c.req("POST", base + "form", f)
    if r.status != 303:
        raise RuntimeError("form: %d %s" % (r.status, r.text[:200]))
    tok, p = c.csrf(base + "sms")
    ver = re.search(r'name="version" value="(\d+)"', p.text).group(1)
    r = c.req("POST", base + "sms", {"csrf": tok, "action": "send", "version": ver})
    code = read_one(db, "SELECT body_text FROM outbox WHERE recipient LIKE ? AND channel = 'sms'"
                    " ORDER BY id DESC", ("%" + mobile,))
    code = re.search(r"kodunuz: (\d{6})", code).group(1)
    tok, p = c.csrf(base + "sms")
    ver = re.search(r'name="version" value="(\d+)"', p.text).group(1)
    r = c.req("POST", base + "sms", {"csrf": tok, "action": "verify", "code": code,
                                     "version": ver})
    if r.status != 303:
        raise RuntimeError("sms verify: %d" % r.status)
    tok, p = c.csrf(base + "onay")
    ver = re.search(r'name="version" value="(\d+)"', p.text).group(1)
    r = c.req("POST", base + "onay", {"csrf": tok, "method": "islak", "version": ver})
    if r.status != 303:
        raise RuntimeError("islak: %d" % r.status)
    r = c.req("GET", base + "sonuc", quick=True)
    r = c.req("GET", base + "form.pdf")
    if r.status != 200:
        raise RuntimeError("pdf: %d" % r.status)
    return c.quick


def worker(args):
    port, db, ks = args
    quick, fails, err = [], 0, ""
    for k in ks:
        try:
            quick += journey(port, db, k)
        except Exception as e:  # noqa: BLE001 - counted and shown
            fails += 1
            err = str(e)[:200]
    return quick, fails, err


def main():
    port, db, first, n, procs = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    ks = list(range(first, first + n))
    parts = [(int(port), db, ks[i::procs]) for i in range(procs)]
    t0 = time.monotonic()
    with multiprocessing.Pool(procs) as pool:
        out = pool.map(worker, parts)
    el = time.monotonic() - t0
    quick = sorted(q for o in out for q in o[0])
    fails = sum(o[1] for o in out)
    p99 = quick[int(len(quick) * 0.99) - 1] * 1000 if quick else 0
    errs = [o[2] for o in out if o[2]]
    print("%.2f %.1f %d %s" % ((n - fails) / el, p99, fails, errs[0] if errs else ""))


main()
