#!/usr/bin/env python3
"""Getting the signing application (issue 13 item 2; docs/esign.md, "Getting
nitelik-imza"): the download page /imza-uygulamasi answers in Turkish and in
English and says how to install nitelik-imza per system; it links the Debian
package only when the operator has put one in [web] imza_package_dir (the
newest nitelik-imza_*.deb there), which is then served and nothing else of
the folder; the e-İmza pages reachable without the CA test bed (the door's
E-İmzalı Giriş, its code page) link it, and the code page offers Kopyala
(hidden until esign.js shows it) by a code that is one selectable element.
The pages of the test bed (approval, e-Onay, Kilit Çözme) are checked in
test_esign.py.

usage: test_imza_app.py NITELIKD"""

import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from flows import AYSE, Client, run_tests, start_demo  # noqa: E402

tap = Tap()
PKG_DIR = tempfile.mkdtemp(prefix="nitelik-imza-pkg-")
NEW = "nitelik-imza_0.2.0_amd64.deb"
OLD = "nitelik-imza_0.1.0_amd64.deb"
LINK = 'href="/imza-uygulamasi"'


def get(srv, path):
    return Client(srv).req("GET", path)


@tap.test
def page_in_both_languages(srv):
    """/imza-uygulamasi in Turkish (default) and English: Debian/Ubuntu, other systems"""
    r = get(srv, "/imza-uygulamasi")
    check(r.status == 200, "tr: %d" % r.status)
    for words in ("İmza Uygulaması nitelik-imza", "Debian ve Ubuntu", "kaynak koddan derleme",
                  "make deb-imza", "pcscd", '<html lang="tr"'):
        check(words in r.text, "tr page lacks %r" % words)
    r = get(srv, "/imza-uygulamasi?lang=en")
    check(r.status == 200, "en: %d" % r.status)
    for words in ("The Signing Application nitelik-imza", "Debian and Ubuntu",
                  "Other systems: build from source", '<html lang="en"'):
        check(words in r.text, "en page lacks %r" % words)
    check("Debian ve Ubuntu" not in r.text, "Turkish on the English page")


@tap.test
def no_package_until_one_is_put(srv):
    """a configured but empty folder: no package link, the page says so; no file served"""
    r = get(srv, "/imza-uygulamasi")
    check('id="imza-no-package"' in r.text and 'id="imza-package"' not in r.text, "no package yet")
    check(get(srv, "/imza-uygulamasi/" + NEW).status == 404, "nothing to serve")


@tap.test
def package_linked_and_served(srv):
    """the newest nitelik-imza_*.deb of the folder is linked and served; nothing else is"""
    with open(os.path.join(PKG_DIR, OLD), "wb") as f:
        f.write(b"!<arch>\nold")
    past = time.time() - 3600
    os.utime(os.path.join(PKG_DIR, OLD), (past, past))
    body = b"!<arch>\n" + os.urandom(3000)
    with open(os.path.join(PKG_DIR, NEW), "wb") as f:
        f.write(body)
    for other in ("nitelik_0.2.0_amd64.deb", "notes.txt", ".nitelik-imza_9_amd64.deb"):
        with open(os.path.join(PKG_DIR, other), "wb") as f:
            f.write(b"secret")
    r = get(srv, "/imza-uygulamasi")
    check('id="imza-package" href="/imza-uygulamasi/%s"' % NEW in r.text, "newest linked: %s"
          % r.text[r.text.find("imza-debian"):][:600])
    check("sudo apt install pcscd opensc ./" + NEW in r.text, "install line")
    check('id="imza-no-package"' not in r.text, "no-package note gone")
    r = get(srv, "/imza-uygulamasi/" + NEW)
    check(r.status == 200 and r.body == body, "package served: %d" % r.status)
    check(r.header("content-type") == "application/vnd.debian.binary-package", r.header("content-type"))
    check(NEW in (r.header("content-disposition") or ""), "attachment name")
    check(get(srv, "/imza-uygulamasi/" + OLD).status == 200, "an older package still served")
    for bad in ("nitelik_0.2.0_amd64.deb", "notes.txt", ".nitelik-imza_9_amd64.deb",
                "..%2Fnitelik.conf", "nitelik-imza_..%2F..%2Fdemo%2Fnitelik.conf.deb",
                "nitelik-imza_x.deb%00"):
        r = get(srv, "/imza-uygulamasi/" + bad)
        check(r.status in (400, 404), "%s: %d" % (bad, r.status))


@tap.test
def no_package_without_the_setting(srv):
    """a server without [web] imza_package_dir: the page, no package link, no file"""
    other = start_demo(srv.exe)
    try:
        r = get(other, "/imza-uygulamasi")
        check(r.status == 200 and 'id="imza-no-package"' in r.text and "imza-package\"" not in r.text,
              "unconfigured page")
        check(get(other, "/imza-uygulamasi/" + NEW).status == 404, "no file")
    finally:
        other.stop()
        other.cleanup()


@tap.test
def door_and_code_page_link_it(srv):
    """E-İmzalı Giriş (door and code page) links the page; the code has Kopyala"""
    c = Client(srv)
    p = c.page("/online-islemler")
    door = p.text[p.text.find('id="door-esign"'):]
    check(LINK in door[:door.find("</form>")], "door's e-İmza form lacks the link")
    r = c.req("POST", "/online-islemler", {"csrf": p.csrf, "door": "eimza", "tckn": AYSE})
    check(r.status == 303, "door: %d" % r.status)
    r = c.req("GET", "/online-islemler/eimza")
    check(r.status == 200 and LINK in r.text, "code page lacks the link")
    check('<code class="esign-code" id="esign-code">' in r.text, "the code is one element")
    check('id="esign-copy" data-copy-target="esign-code" hidden>Kopyala</button>' in r.text,
          "Kopyala, hidden without JavaScript")
    r = c.req("GET", "/online-islemler/eimza?lang=en")
    check(">Copy</button>" in r.text and "How to get and install it" in r.text, "English")
    r = get(srv, "/static/css/esign.css")
    check("user-select: all" in r.text, "select-all style")


def main():
    srv = start_demo(sys.argv[1], "[web]\nimza_package_dir = %s\n" % PKG_DIR)
    try:
        return run_tests(tap, srv)
    finally:
        shutil.rmtree(PKG_DIR, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
