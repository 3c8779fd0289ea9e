#!/usr/bin/env python3
"""Every link the demo CA puts in what it issues answers (issue 12 item 4):
each URL inside every certificate (root, issuing CA, OCSP responder, a
holder's), every CRL (issuing CA's complete and delta CRL, root) and an OCSP answer is fetched from
nitelikd and answers 200 with the right content type; the repository page
/repo/ lists them; the CPS and both PDS are served from the operator's files.

The URLs are read from the DER itself (IA5String, UTF8String and URI
GeneralName values that start with http), not from a list this test keeps.
The test bed's CA was made with base URL http://127.0.0.1:1 (esign_env.py):
each URL must name that authority, and its path is asked of the test server.
https URLs (the PDS, EN 319 412-5) are asked over http: in production the TLS
proxy in front of nitelikd (server.behind_tls_proxy) terminates them.

usage: test_links.py NITELIKD NITELIK NITELIK_SIGNER NITELIK_IMZA [sqlite|postgres]"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
from esign_env import env_main, run  # noqa: E402

tap = Tap()
CA_AUTHORITY = "127.0.0.1:1"


def der_urls(der):
    """http(s) URLs held in DER strings: tag (IA5 0x16, UTF8 0x0c, URI [6] 0x86),
    a short length, then the text."""
    urls = set()
    for m in re.finditer(rb"https?://", der):
        i = m.start()
        if i >= 2 and der[i - 2] in (0x16, 0x0c, 0x86) and der[i - 1] < 0x80:
            urls.add(der[i:i + der[i - 1]].decode("ascii"))
    return urls


def to_der(path, kind):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"-----BEGIN"):
        data = run(["openssl", kind, "-in", path, "-outform", "DER"]).stdout
    return data


def want_type(path):
    if path.endswith(".crt"):
        return "application/pkix-cert"
    if path.endswith(".crl"):
        return "application/pkix-crl"
    if path == "/ocsp":
        return "application/ocsp-response"
    return "text/html"


def fetch(env, url, ocsp_req):
    m = re.match(r"https?://([^/]+)(/.*)?$", url)
    check(m and m.group(1) == CA_AUTHORITY, "URL names the CA's base URL: %s" % url)
    path = m.group(2) or "/"
    if path == "/ocsp":
        r = env.srv.request("POST", path, body=ocsp_req,
                            headers={"Content-Type": "application/ocsp-request"})
    else:
        r = env.srv.request("GET", path)
    ctype = (r.header("content-type") or "").split(";")[0].strip()
    check(r.status == 200, "%s: %d" % (url, r.status))
    check(ctype == want_type(path), "%s: content type %r, want %r" % (url, ctype, want_type(path)))
    return r


@tap.test
def every_link_answers(env):
    """every URL inside the demo CA's certificates, CRLs and an OCSP answer: 200, right type"""
    cert, _ = env.issue("links", "10000000146", "AYŞE", "YILMAZ")
    ca = os.path.join(env.data, "ca")
    repo = os.path.join(env.data, "repo")
    run([env.exe["nitelik"], "ca", "crl", "--data", env.data])
    req = os.path.join(env.tmp, "links.req")
    run(["openssl", "ocsp", "-issuer", os.path.join(ca, "issuing.pem"), "-cert", cert,
         "-reqout", req, "-no_nonce"])
    with open(req, "rb") as f:
        ocsp_req = f.read()
    ocsp_resp = env.srv.request("POST", "/ocsp", body=ocsp_req,
                                headers={"Content-Type": "application/ocsp-request"}).body
    sources = {
        "holder certificate": to_der(cert, "x509"),
        "root CA": to_der(os.path.join(repo, "root.crt"), "x509"),
        "issuing CA": to_der(os.path.join(repo, "issuing.crt"), "x509"),
        "OCSP responder": to_der(os.path.join(ca, "ocsp.pem"), "x509"),
        "issuing CA's CRL": to_der(os.path.join(repo, "issuing.crl"), "crl"),
        "issuing CA's delta CRL": to_der(os.path.join(repo, "issuing-delta.crl"), "crl"),
        "root CRL": to_der(os.path.join(repo, "root.crl"), "crl"),
        "OCSP answer": ocsp_resp,
    }
    seen = set()
    for what, der in sources.items():
        urls = der_urls(der)
        if what == "holder certificate":
            paths = {re.sub(r"^https?://[^/]+", "", u) for u in urls}
            check({"/ocsp", "/repo/issuing.crt", "/repo/issuing.crl", "/repo/issuing-delta.crl", "/cps",
                   "/pds/tr", "/pds/en"} <= paths,
                  "the holder's certificate names OCSP, caIssuers, CRL DP, freshestCRL, CPS and both PDS: %s"
                  % sorted(urls))
        if what == "issuing CA's CRL":
            check("http://%s/repo/issuing-delta.crl" % CA_AUTHORITY in urls,
                  "the complete CRL names the delta CRL (freshestCRL): %s" % sorted(urls))
        for u in sorted(urls - seen):
            fetch(env, u, ocsp_req)
        seen |= urls
    check(len(seen) >= 8, "URLs found: %s" % sorted(seen))


@tap.test
def documents_are_the_operators(env):
    """the CPS and the PDS are the files [ca] names (the shipped samples here): Turkish and English"""
    r = env.srv.request("GET", "/pds/tr")
    check(r.status == 200 and "Kamuya Açıklama Beyanı" in r.body.decode(), "Turkish PDS: %d" % r.status)
    r = env.srv.request("GET", "/pds/en")
    check(r.status == 200 and "PKI Disclosure Statement" in r.body.decode(), "English PDS: %d" % r.status)
    r = env.srv.request("GET", "/cps")
    check(r.status == 200 and "Sertifika Uygulama Esasları" in r.body.decode() and "Certification Practice" in r.body.decode(),
          "CPS: %d" % r.status)
    check(env.srv.request("GET", "/pds/de").status == 404, "no PDS in German")


@tap.test
def repository_page_lists_everything(env):
    """/repo/ lists the CA certificates, the CRLs, the CPS, both PDS and the OCSP URL"""
    for path in ("/repo", "/repo/"):
        r = env.srv.request("GET", path)
        check(r.status == 200, "%s: %d" % (path, r.status))
    for want in ('href="/repo/root.crt"', 'href="/repo/issuing.crt"', 'href="/repo/issuing.crl"',
                 'href="/repo/issuing-delta.crl"',
                 'href="/repo/root.crl"', "http://127.0.0.1:1/cps", "https://127.0.0.1:1/pds/tr",
                 "https://127.0.0.1:1/pds/en", "http://127.0.0.1:1/ocsp"):
        check(want in r.body.decode(), "/repo/ lists %s" % want)


@tap.test
def metrics_show_days_left_and_crl_age(env):
    """/metrics: days left of the root, issuing CA and OCSP responder certificates, age of the newest CRL"""
    r = env.srv.request("GET", "/metrics")
    text = r.body.decode()
    check(r.status == 200, "metrics: %d" % r.status)
    want = {"root": (7000, 7400), "issuing": (3500, 3700), "ocsp": (360, 366)}
    for name, (lo, hi) in want.items():
        m = re.search(r'^nitelik_ca_certificate_days_left\{certificate="%s"\} ([0-9.]+)$' % name, text, re.M)
        check(m and lo <= float(m.group(1)) <= hi, "%s days left: %s" % (name, m and m.group(1)))
    m = re.search(r"^nitelik_ca_crl_age_seconds (-?[0-9]+)$", text, re.M)
    check(m and 0 <= int(m.group(1)) < 600, "CRL age: %s" % (m and m.group(1)))
    check(re.search(r"^nitelik_ca_crl_seconds_to_next_update [0-9]+$", text, re.M), "CRL next update")


if __name__ == "__main__":
    sys.exit(env_main(tap, sys.argv[1:], ""))
