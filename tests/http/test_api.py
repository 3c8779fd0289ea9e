#!/usr/bin/env python3
"""HTTP black-box tests of the institutions' JSON API (/api/v1, docs/api.md):
tokens made with `nitelik token add` (shown once, stored hashed), no/bad/revoked
token, pre-applications (created, per-field errors with stable codes, a second
open order), the paged list, one order, another institution's order (404),
cancellation (and again: invalid_transition), no cookies or CSRF on the API.
Prints TAP.

usage: test_api.py PATH/TO/nitelikd PATH/TO/nitelik"""

import json
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import yaml  # noqa: E402

import harness  # noqa: E402
import openapi_check  # noqa: E402
from harness import Server, Tap, check  # noqa: E402
from flows import run_tests  # noqa: E402

tap = Tap()
NITELIK = None
TOKENS = {}


def cli(srv, *args):
    p = subprocess.run([NITELIK, *args, "--db", "sqlite:%s/nitelik.db" % srv.demo],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, "nitelik %s: %s" % (" ".join(args), p.stderr))
    return p.stdout


def api(srv, method, path, body=None, token=None, raw=None, headers=None):
    h = {"Accept": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
    h.update(headers or {})
    r = srv.request(method, path, body=data, headers=h)
    try:
        r.json = json.loads(r.body.decode()) if r.body else None
    except ValueError:
        r.json = None
    return r


def good(**kw):
    b = {"id_number": "10000000146", "given_name": "Şükrü", "surname": "Çağlayan",
         "email": "sukru@example.org", "mobile": "5321112233", "reason": "first",
         "payment_type": "institution", "backup_cert": False}
    b.update(kw)
    return b


def count(srv, sql):
    with sqlite3.connect("file:%s/nitelik.db?mode=ro" % srv.demo, uri=True) as c:
        return c.execute(sql).fetchone()[0]


@tap.test
def tokens_made_by_cli(srv):
    """nitelik token add prints a token once and stores only its hash"""
    TOKENS["demo"] = cli(srv, "token", "add", "--institution", "1", "--name", "erp").strip()
    out = cli(srv, "institution", "add", "--name", "Bursa Valiliği")
    other = out.split()[1]
    TOKENS["other"] = cli(srv, "token", "add", "--institution", other).strip()
    t = TOKENS["demo"]
    check(t.startswith("nlt_") and len(t) == 68, "token %r" % t)
    with sqlite3.connect("file:%s/nitelik.db?mode=ro" % srv.demo, uri=True) as c:
        for row in c.execute("SELECT name, prefix, token_hash FROM api_tokens"):
            check(t not in (row[0], row[1]) and t.encode() != bytes(row[2]), "token stored")
    listing = cli(srv, "token", "list")
    check(t not in listing and t[:12] in listing, "token list shows the token")


@tap.test
def no_or_bad_token(srv):
    """no token, a malformed or unknown token: 401 with the JSON error envelope"""
    for tok in (None, "nlt_x", "nlt_" + "0" * 64, TOKENS["demo"][:-1] + "x"):
        r = api(srv, "GET", "/api/v1/preapplications", token=tok)
        check(r.status == 401 and r.json["error"]["code"] == "unauthorized",
              "token %r: %d %r" % (tok, r.status, r.json))
        check(r.header("www-authenticate") == "Bearer", "WWW-Authenticate")
    # a session cookie is no substitute for a token
    r = api(srv, "GET", "/api/v1/preapplications", headers={"Cookie": "nl_sid=abc"})
    check(r.status == 401, "cookie: %d" % r.status)


@tap.test
def create_and_read(srv):
    """POST creates SD-<n> (201, Location), GET reads it, the list shows it"""
    orders, mails = count(srv, "SELECT COUNT(*) FROM orders"), count(srv, "SELECT COUNT(*) FROM outbox")
    r = api(srv, "POST", "/api/v1/preapplications", good(backup_cert=True), TOKENS["demo"])
    check(r.status == 201, "create: %d %r" % (r.status, r.json))
    o = r.json["order"]
    check(o["order_no"].startswith("SD-") and o["status"] == "form_wait" and o["backup_cert"],
          "order %r" % o)
    check(r.header("location") == "/api/v1/orders/%d" % o["number"], "Location")
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders + 1, "no order")
    check(count(srv, "SELECT COUNT(*) FROM outbox") == mails + 1, "no mail queued")
    r = api(srv, "GET", "/api/v1/orders/%s" % o["order_no"], token=TOKENS["demo"])
    check(r.status == 200 and r.json["order"]["surname"] == "Çağlayan", "get: %d" % r.status)
    r = api(srv, "GET", "/api/v1/preapplications?per_page=2&page=1", token=TOKENS["demo"])
    check(r.status == 200 and len(r.json["items"]) == 2 and r.json["total"] >= 4 and
          r.json["items"][0]["order_no"] == o["order_no"], "list %r" % r.json)
    r = api(srv, "GET", "/api/v1/preapplications?per_page=2&page=2", token=TOKENS["demo"])
    check(r.status == 200 and r.json["page"] == 2 and o["order_no"] not in
          [i["order_no"] for i in r.json["items"]], "page 2")
    r = api(srv, "GET", "/api/v1/preapplications?q=%C3%87a%C4%9Flayan", token=TOKENS["demo"])
    check(r.status == 200 and r.json["total"] == 1, "search %r" % r.json)
    r = api(srv, "GET", "/api/v1/preapplications?per_page=1000", token=TOKENS["demo"])
    check(r.status == 400 and r.json["error"]["code"] == "invalid_query", "per_page 1000")


@tap.test
def second_open_order(srv):
    """the same identity again: 409 open_order naming the open order, nothing added"""
    orders = count(srv, "SELECT COUNT(*) FROM orders")
    r = api(srv, "POST", "/api/v1/preapplications", good(), TOKENS["demo"])
    check(r.status == 409 and r.json["error"]["code"] == "open_order" and
          r.json["error"]["order_no"].startswith("SD-"), "dup: %d %r" % (r.status, r.json))
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders, "added")


@tap.test
def batch(srv):
    """a batch: per-item results in order; a bad item or an open order costs only itself"""
    orders = count(srv, "SELECT COUNT(*) FROM orders")
    items = [good(id_number="10000000214", email="a@example.org"),
             good(id_number="10000000215", given_name=""),           # bad checksum + name
             good(),                                                 # open order already
             good(id_number="10000000382", email="b@example.org"),
             good(id_number="10000000214")]                          # twice in the batch
    r = api(srv, "POST", "/api/v1/preapplications/batch", {"items": items}, TOKENS["demo"])
    check(r.status == 200 and r.json, "batch: %d %r" % (r.status, r.body[:300]))
    res = r.json["results"]
    check([x["index"] for x in res] == [0, 1, 2, 3, 4], "order: %r" % res)
    check([x["status"] for x in res] ==
          ["created", "invalid", "open_order", "created", "open_order"], "status: %r" % res)
    check(res[1]["fields"]["id_number"]["code"] == "tckn_checksum" and
          res[1]["fields"]["given_name"]["code"] == "required", "fields: %r" % res[1])
    check(res[4]["order_no"] == res[0]["order_no"], "the repeat names the first: %r" % res)
    check(r.json["created"] == 2 and r.json["refused"] == 3, "counts: %r" % r.json)
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders + 2, "not two orders added")
    check(count(srv, "SELECT COUNT(*) FROM orders WHERE access_password_hash LIKE 'k1$%'")
          == count(srv, "SELECT COUNT(*) FROM orders WHERE access_password_hash <> ''")
          - count(srv, "SELECT COUNT(*) FROM orders WHERE access_password_hash LIKE '$argon2id$%'"),
          "hash forms")
    for body in ({"items": []}, {"items": [good()] * 1001}, {"x": 1}, [good()]):
        r = api(srv, "POST", "/api/v1/preapplications/batch", body, TOKENS["demo"])
        check(r.status == 400 and r.json["error"]["code"] in ("batch_size", "invalid_input"),
              "bad batch: %d %r" % (r.status, r.json))
    r = api(srv, "POST", "/api/v1/preapplications/batch", {"items": items})
    check(r.status == 401, "no token: %d" % r.status)


@tap.test
def field_errors(srv):
    """bad fields come back per field with stable codes; nothing is stored"""
    orders = count(srv, "SELECT COUNT(*) FROM orders")
    r = api(srv, "POST", "/api/v1/preapplications",
            good(id_number="10000000147", given_name="", email="x@", mobile="212",
                 reason="zzz", shoe_size=42), TOKENS["demo"])
    check(r.status == 400, "status %d" % r.status)
    f = r.json["error"]["fields"]
    want = {"id_number": "tckn_checksum", "given_name": "required", "email": "email_format",
            "mobile": "mobile_format", "reason": "not_allowed", "shoe_size": "unknown_field"}
    for k, v in want.items():
        check(f.get(k, {}).get("code") == v, "%s: %r" % (k, f.get(k)))
    check(r.json["error"]["code"] == "invalid_input", "envelope code")
    r = api(srv, "POST", "/api/v1/preapplications", good(id_number="X1234567"), TOKENS["demo"])
    check(r.status == 400 and r.json["error"]["fields"]["passport_country"]["code"] == "required",
          "passport without country %r" % r.json)
    r = api(srv, "POST", "/api/v1/preapplications", raw=b"{not json", token=TOKENS["demo"],
            headers={"Content-Type": "application/json"})
    check(r.status == 400, "bad json: %d" % r.status)
    r = api(srv, "POST", "/api/v1/preapplications?lang=en", good(email="nope"), TOKENS["demo"])
    check(r.json["error"]["fields"]["email"]["message"] == "This e-mail address is not valid.",
          "English message %r" % r.json)
    check(count(srv, "SELECT COUNT(*) FROM orders") == orders, "stored")


@tap.test
def other_institution(srv):
    """another institution's token sees none of our orders: 404, not 403"""
    r = api(srv, "GET", "/api/v1/orders/SD-100001", token=TOKENS["other"])
    check(r.status == 404 and r.json["error"]["code"] == "not_found", "get: %d" % r.status)
    r = api(srv, "POST", "/api/v1/orders/100001/cancel", {"reason": "deneme"}, TOKENS["other"])
    check(r.status == 404, "cancel: %d" % r.status)
    r = api(srv, "GET", "/api/v1/preapplications", token=TOKENS["other"])
    check(r.status == 200 and r.json["total"] == 0, "list %r" % r.json)
    check(count(srv, "SELECT status FROM orders WHERE order_no = 100001") != "cancelled",
          "cancelled by another institution")
    r = api(srv, "GET", "/api/v1/orders/999999", token=TOKENS["demo"])
    check(r.status == 404, "missing order: %d" % r.status)
    r = api(srv, "GET", "/api/v1/orders/abc", token=TOKENS["demo"])
    check(r.status == 404, "malformed number: %d" % r.status)


@tap.test
def cancel(srv):
    """cancel with a reason (200, cancelled), again: 409 invalid_transition; no reason: 400"""
    r = api(srv, "POST", "/api/v1/orders/100002/cancel", {}, TOKENS["demo"])
    check(r.status == 400 and r.json["error"]["fields"]["reason"]["code"] == "required",
          "no reason %r" % r.json)
    r = api(srv, "POST", "/api/v1/orders/100002/cancel", {"reason": "Kurumdan ayrıldı"},
            TOKENS["demo"])
    check(r.status == 200 and r.json["order"]["status"] == "cancelled" and
          r.json["order"]["cancel_reason"] == "Kurumdan ayrıldı", "cancel %r" % r.json)
    r = api(srv, "POST", "/api/v1/orders/100002/cancel", {"reason": "yine"}, TOKENS["demo"])
    check(r.status == 409 and r.json["error"]["code"] == "invalid_transition", "again %r" % r.json)
    check(count(srv, "SELECT COUNT(*) FROM audit_log WHERE to_state = 'cancelled' AND actor LIKE"
                     " 'api:token:%'") == 1, "audit")


@tap.test
def revoked_token(srv):
    """a revoked token stops working at once"""
    t = cli(srv, "token", "add", "--institution", "1").strip()
    check(api(srv, "GET", "/api/v1/preapplications", token=t).status == 200, "new token")
    tid = [line.split()[0] for line in cli(srv, "token", "list").splitlines()
           if t[:12] in line][0]
    cli(srv, "token", "revoke", "--id", tid)
    check(api(srv, "GET", "/api/v1/preapplications", token=t).status == 401, "revoked token works")


@tap.test
def openapi_served(srv):
    """/api/v1/openapi.yaml and .json: the document of docs/openapi.yaml, without a token"""
    with open(openapi_check.SPEC_PATH, "rb") as f:
        text = f.read()
    r = srv.request("GET", "/api/v1/openapi.yaml")
    check(r.status == 200 and r.body == text and
          r.header("content-type").startswith("application/yaml"), "yaml %d" % r.status)
    r = srv.request("GET", "/api/v1/openapi.json")
    check(r.status == 200 and r.header("content-type") == "application/json", "json %d" % r.status)
    check(json.loads(r.body) == yaml.safe_load(text), "the JSON is not the YAML document")


@tap.test
def openapi_contract(srv):
    """every /api/v1 answer of these tests keeps docs/openapi.yaml (status, type, schema)"""
    check(len(harness.API_ANSWERS) >= 20, "only %d answers recorded" % len(harness.API_ANSWERS))
    problems = openapi_check.check_all(harness.API_ANSWERS)
    check(not problems, "%d of %d answers break the contract:\n%s"
          % (len(problems), len(harness.API_ANSWERS), "\n".join(problems[:20])))


def main():
    global NITELIK
    NITELIK = sys.argv[2]
    return run_tests(tap, Server(sys.argv[1]).start())

if __name__ == "__main__":
    sys.exit(main())
