"""`meson install --destdir` puts every file in its FHS place, and the
installed nitelikd serves from the installed files only (and its API
document at /api/v1/openapi.{yaml,json}), never from the source
tree (docs/operations.md, "Installed files"). Prints TAP.

Usage: install_test.py BUILD_DIR SOURCE_ROOT"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))
from harness import Response, Tap, check, record_api  # noqa: E402

BUILD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
DEST = tempfile.mkdtemp(prefix="nl-install-")
tap = Tap()


def option(name):
    opts = json.loads(subprocess.run(["meson", "introspect", BUILD, "--buildoptions"],
                                     check=True, capture_output=True, text=True).stdout)
    return next(o["value"] for o in opts if o["name"] == name)


PREFIX = option("prefix")


def under_prefix(opt):
    """An install directory option as an absolute path (meson: relative ones are
    below the prefix)."""
    v = option(opt)
    return v if v.startswith("/") else os.path.join(PREFIX, v)


BINDIR = under_prefix("bindir")
PKGDATA = os.path.join(under_prefix("datadir"), "nitelik")
SYSCONF = under_prefix("sysconfdir")
STATE = under_prefix("localstatedir")


def d(path):
    """path inside the destdir."""
    return DEST + path


def files_below(root):
    out = set()
    for dirpath, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(dirpath, n), root))
    return out


@tap.test
def install_runs():
    """meson install --destdir succeeds"""
    r = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild", "--quiet",
                        "--destdir", DEST], capture_output=True, text=True)
    check(r.returncode == 0, r.stdout + r.stderr)


@tap.test
def programs():
    """the four programs in bindir"""
    for p in ("nitelikd", "nitelik", "nitelik-signer", "nitelik-imza"):
        check(os.access(d(BINDIR + "/" + p), os.X_OK), p)


@tap.test
def web_complete():
    """every file of web/ under <datadir>/nitelik/web"""
    want = files_below(os.path.join(SOURCE, "web"))
    got = files_below(d(PKGDATA + "/web"))
    check(want and want == got, "missing %s, extra %s" % (sorted(want - got)[:5],
                                                         sorted(got - want)[:5]))


@tap.test
def translations_sql_data():
    """translations (compiled: .mo, no .po), both engines' SQL migrations and the demo citizens"""
    for lang in ("tr", "en"):
        check(os.path.isfile(d(PKGDATA + "/po/%s.mo" % lang)), lang + ".mo")
        check(not os.path.exists(d(PKGDATA + "/po/%s.po" % lang)), "no " + lang + ".po")
    for engine in ("sqlite", "postgres"):
        want = files_below(os.path.join(SOURCE, "src/store/sql", engine))
        check(want and want == files_below(d(PKGDATA + "/sql/" + engine)), engine)
    check(os.path.isfile(d(PKGDATA + "/demo-citizens.json")))


@tap.test
def config_docs_state():
    """sample configuration in sysconfdir, documentation, the data folder"""
    with open(os.path.join(SOURCE, "nitelik.conf"), "rb") as f, \
            open(d(SYSCONF + "/nitelik/nitelik.conf"), "rb") as g:
        check(f.read() == g.read(), "nitelik.conf differs")
    doc = d(os.path.join(under_prefix("datadir"), "doc", "nitelik"))
    for name in ("README.md", "configuration.md", "operations.md", "DESIGN.md"):
        check(os.path.isfile(os.path.join(doc, name)), name)
    state = d(STATE + "/lib/nitelik")
    check(os.path.isdir(state), state)
    check(os.stat(state).st_mode & 0o007 == 0, "the data folder is not open to others")


@tap.test
def units_man_completion():
    """systemd units, logrotate, nginx sample, man pages, bash completion"""
    installed = json.loads(subprocess.run(["meson", "introspect", BUILD, "--installed"],
                                          check=True, capture_output=True, text=True).stdout)
    paths = set(installed.values())
    for unit in ("nitelikd.service", "nitelik-signer.service", "nitelikd-worker@.service"):
        hit = [p for p in paths if p.endswith("/systemd/system/" + unit)]
        check(hit and os.path.isfile(d(hit[0])), unit)
    check(os.path.isfile(d(SYSCONF + "/logrotate.d/nitelik")), "logrotate")
    doc = d(os.path.join(under_prefix("datadir"), "doc", "nitelik"))
    check(os.path.isfile(os.path.join(doc, "examples", "nginx-nitelik.conf")), "nginx sample")
    check(os.path.isfile(os.path.join(doc, "openapi.yaml")), "openapi.yaml")
    if shutil.which("scdoc"):
        man = d(under_prefix("mandir"))
        for page in ("man8/nitelikd.8", "man8/nitelik.8", "man8/nitelik-signer.8",
                     "man1/nitelik-imza.1", "man5/nitelik.conf.5"):
            check(os.path.isfile(os.path.join(man, page)), page)
    comp = d(os.path.join(under_prefix("datadir"), "bash-completion", "completions"))
    for prog in ("nitelik", "nitelikd", "nitelik-signer", "nitelik-imza"):
        check(os.path.exists(os.path.join(comp, prog)), "completion " + prog)


def start(exe, conf, timeout=20):
    proc = subprocess.Popen([exe, "--config", conf], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines, port = [], []
    ready = threading.Event()

    def reader():
        for line in proc.stderr:
            lines.append(line)
            m = re.search(r"listening on .* \(port (\d+)\)", line)
            if m:
                port.append(int(m.group(1)))
                ready.set()
        ready.set()

    threading.Thread(target=reader, daemon=True).start()
    ready.wait(timeout)
    return proc, lines, (port[0] if port else None)


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@tap.test
def installed_serves_installed_files():
    """the installed nitelikd renders pages from the installed templates"""
    web = d(PKGDATA + "/web")
    # A mark in the installed copy only: seen on the page, it proves the page
    # came from there and not from the source tree.
    layout = os.path.join(web, "templates", "layout.html")
    with open(layout, encoding="utf-8") as f:
        text = f.read()
    check("</body>" in text)
    with open(layout, "w", encoding="utf-8") as f:
        f.write(text.replace("</body>", "<!-- installed-copy-mark --></body>"))
    data = os.path.join(DEST, "data")
    conf = os.path.join(DEST, "test.conf")
    with open(conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\n"
                "[web]\ndir = %s\n[demo]\nenabled = true\n"
                "[registry]\ndata_file = %s/demo-citizens.json\n" % (data, web, d(PKGDATA)))
    proc, lines, port = start(d(BINDIR + "/nitelikd"), conf)
    try:
        check(port, "did not start:\n" + "".join(lines))
        base = "http://127.0.0.1:%d" % port
        with urllib.request.urlopen(base + "/healthz", timeout=10) as r:
            check(r.status == 200)
        with urllib.request.urlopen(base + "/", timeout=10) as r:
            page = r.read().decode("utf-8")
        check("installed-copy-mark" in page, "the page is not from the installed templates")
        # Translated from the installed compiled catalogue (po/tr.mo).
        check("Başvuru Formu Girişi" in page, "the page is not translated")
        with urllib.request.urlopen(base + "/?lang=en", timeout=10) as r:
            check("Application Form Login" in r.read().decode("utf-8"), "no English page")
        with urllib.request.urlopen(base + "/static/css/site.css", timeout=10) as r:
            check(r.status == 200)
        # The API contract, compiled in (issue 16 item 6): the document of the
        # sources, as YAML and as JSON; both answers meet the contract check.
        with open(os.path.join(SOURCE, "docs", "openapi.yaml"), "rb") as f:
            doc = f.read()
        for leaf in ("openapi.yaml", "openapi.json"):
            with urllib.request.urlopen(base + "/api/v1/" + leaf, timeout=10) as r:
                body = r.read()
                record_api("GET", "/api/v1/" + leaf, Response(
                    r.status, r.reason, [(k.lower(), v) for k, v in r.getheaders()], body))
            if leaf.endswith(".yaml"):
                check(body == doc, "/api/v1/openapi.yaml is not docs/openapi.yaml")
            else:
                check(json.loads(body)["paths"].keys() >= {"/imza/{code}", "/kilit/{code}"}, leaf)
    finally:
        stop(proc)


@tap.test
def installed_never_reads_source():
    """without the installed files, the installed nitelikd fails instead of using the source tree"""
    exe = d(BINDIR + "/nitelikd")
    r = subprocess.run([exe, "--help"], capture_output=True, text=True)
    check(r.returncode == 0 and PKGDATA + "/web" in r.stdout, r.stdout)
    check(SOURCE not in r.stdout, "the help names the source tree")
    if os.path.exists(PKGDATA + "/web"):
        return "SKIP %s exists on this machine" % (PKGDATA + "/web")
    data = os.path.join(DEST, "data2")
    conf = os.path.join(DEST, "test2.conf")
    with open(conf, "w") as f:
        f.write("[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\n"
                "[registry]\ndata_file = %s/demo-citizens.json\n" % (data, d(PKGDATA)))
    proc, lines, port = start(exe, conf, timeout=10)
    stop(proc)
    text = "".join(lines)
    check(port is None, "served without its installed files")
    check(PKGDATA + "/web" in text and SOURCE not in text, text)


try:
    rc = tap.run()
finally:
    shutil.rmtree(DEST, ignore_errors=True)
sys.exit(rc)
