"""A card made by the production flow, for the tests of the holder's tools
(tests/http/test_unblock.py, tests/imza/test_window.py): the demo person fills
and confirms her form, the registration officer accepts the wet-signed paper,
the production operator runs a batch on /uretim (the CA issues, the card is a
SoftHSM2 token under DATA_DIR/cards written by src/pki/card_perso.c), and the
PIN letter gives the card's PIN and PUK. Nothing on the card is made by hand.

produce(env, tckn, mobile) -> Card(label, serial, pin, puk, conf, client)."""

import os
import re
import tempfile

from harness import check
from esign_env import run
from flows import applicant, choose_wet, fill_and_confirm, ra_decide, staff, url


class Card:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def env(self):
        """The environment a PKCS#11 program needs to see the card."""
        return {"SOFTHSM2_CONF": self.conf}


def _batch_item(text, no):
    m = re.search(r'<tr class="result-(\w+)" data-order="SD-%s">\s*<td>[^<]*</td><td>[^<]*</td>'
                  r'<td>([^<]*)</td><td class="mono">([^<]*)</td><td>([^<]*)</td>' % no, text)
    return m.groups() if m else None


def produce(env, tckn, mobile, **form):
    """The person tckn's order through form, wet approval and production."""
    c = applicant(env.srv, tckn)
    fill_and_confirm(c, mobile, period="1", card_reader="none", **form)
    choose_wet(c)
    r = c.req("GET", url(c, "form.pdf"))
    m = re.search(r'-(NF[A-Z2-7]{12})\.pdf"', r.header("content-disposition") or "")
    check(r.status == 200 and m, "form pdf: %d" % r.status)
    r = ra_decide(staff(env.srv, "kayit", "kayit-demo"), m.group(1), "kabul")
    check(r.status == 303, "RA kabul: %d %s" % (r.status, r.text[:300]))
    op = staff(env.srv, "uretim", "uretim-demo")
    p = op.page("/uretim")
    r = op.req("POST", "/uretim/parti", {"csrf": p.csrf})
    it = _batch_item(r.text, c.no)
    check(r.status == 200 and it and it[0] == "done", "batch: %s %s" % (it, r.text[-800:]))
    label, serial = it[1], it[2]
    p = op.page("/uretim")
    r = op.req("POST", "/uretim/SD-%s/pin-zarfi" % c.no, {"csrf": p.csrf})
    check(r.status == 200, "PIN letter: %d" % r.status)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(r.body)
        f.flush()
        text = run(["pdftotext", "-enc", "UTF-8", f.name, "-"]).stdout.decode()
    pin = re.search(r"PIN\s+(\d{6})\b", text)
    puk = re.search(r"PUK\s+(\d{8})\b", text)
    check(pin and puk, "letter text: " + text)
    conf = os.path.join(env.data, "cards", "softhsm2.conf")
    return Card(label=label, serial=serial, pin=pin.group(1), puk=puk.group(1), conf=conf,
                client=c, no=c.no)
