"""docs/openapi.yaml and the route table (src/pages/routes.c) name the same API:
every route whose path starts with /api/ is a documented operation with its
method, every documented operation is a route, the document says which of
them need the institution's token exactly where the route table does, and
every operation documents its answers (issue 16 item 6; docs/api.md).
Reads the sources only: no server. Prints TAP.

Usage: test_openapi_routes.py [SOURCE_ROOT]"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Tap, check  # noqa: E402
import openapi_check  # noqa: E402

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ROUTES = os.path.join(ROOT, "src", "pages", "routes.c")
SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
METHODS = {"NL_GET": "get", "NL_POST": "post", "NL_PUT": "put", "NL_PATCH": "patch",
           "NL_DELETE": "delete"}
tap = Tap()


def api_routes():
    """{(method, path): auth} of the rows of nl_routes under /api/."""
    with open(ROUTES, encoding="utf-8") as f:
        text = f.read()
    rows = {}
    for m in re.finditer(r'\{\s*(NL_[A-Z]+)\s*,\s*"(/api/[^"]*)"\s*,\s*(NL_AUTH_[A-Z_]+)\s*,', text):
        rows[(METHODS[m.group(1)], m.group(2))] = m.group(3)
    return rows


def documented(spec):
    """{(method, path): operation} of the document, paths with its server's base."""
    base = spec["servers"][0]["url"].rstrip("/")
    ops = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                ops[(method, base + path)] = op
    return ops


def fmt(keys):
    return ", ".join("%s %s" % (m.upper(), p) for m, p in sorted(keys))


@tap.test
def routes_found():
    """the route table has API rows (the parser still reads routes.c)"""
    rows = api_routes()
    check(len(rows) >= 8, "only %d /api/ rows found in %s" % (len(rows), ROUTES))


@tap.test
def every_route_documented():
    """every /api/ route of routes.c is a documented operation with its method"""
    missing = set(api_routes()) - set(documented(openapi_check.load_spec(SPEC)))
    check(not missing, "routes missing from docs/openapi.yaml: " + fmt(missing))


@tap.test
def every_operation_routed():
    """every documented operation is a route of routes.c"""
    extra = set(documented(openapi_check.load_spec(SPEC))) - set(api_routes())
    check(not extra, "documented but not routed: " + fmt(extra))


@tap.test
def security_as_routed():
    """token routes (NL_AUTH_API_TOKEN) need bearerAuth in the document, open ones need nothing"""
    spec = openapi_check.load_spec(SPEC)
    ops = documented(spec)
    wrong = []
    for key, auth in api_routes().items():
        op = ops.get(key)
        if op is None:
            continue
        sec = op.get("security", spec.get("security", []))
        needs_token = any("bearerAuth" in s for s in sec)
        if needs_token != (auth == "NL_AUTH_API_TOKEN"):
            wrong.append("%s %s (%s, document security %r)" % (key[0].upper(), key[1], auth, sec))
    check(not wrong, "; ".join(wrong))


@tap.test
def answers_documented():
    """every operation documents a success and its errors; token routes their 401"""
    spec = openapi_check.load_spec(SPEC)
    bad = []
    for (method, path), op in documented(spec).items():
        codes = set(op.get("responses", {}))
        if not any(c.startswith("2") for c in codes):
            bad.append("%s %s: no 2xx" % (method.upper(), path))
        if api_routes().get((method, path)) == "NL_AUTH_API_TOKEN" and "401" not in codes:
            bad.append("%s %s: no 401" % (method.upper(), path))
        if not op.get("operationId"):
            bad.append("%s %s: no operationId" % (method.upper(), path))
    check(not bad, "; ".join(bad))


@tap.test
def error_codes_stable():
    """every error code the document names is a stable one (src/core/err.c, the e-signature refusals, the API's own)"""
    stable = set()
    for rel in ("src/core/err.c", "src/app/esign_verify.c"):
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            stable |= set(re.findall(r'=\s*\{"([a-z_]+)",\s*\d{3},', f.read()))
    # The API's own codes: nl_api_error(r, status, "code", ...) in the pages.
    for dirpath, _, names in os.walk(os.path.join(ROOT, "src", "pages")):
        for n in names:
            if n.endswith(".c"):
                with open(os.path.join(dirpath, n), encoding="utf-8") as f:
                    stable |= set(re.findall(r'nl_api_error\(\s*r\s*,\s*\d{3}\s*,\s*"([a-z_]+)"',
                                             f.read()))
    check("invalid_input" in stable and "code_unknown" in stable and "open_order" in stable,
          "tables not read: %s" % stable)
    spec = openapi_check.load_spec(SPEC)
    named = set()

    def walk(node):
        if isinstance(node, dict):
            code = node.get("properties", {}).get("code") if isinstance(node.get("properties"), dict) else None
            if isinstance(code, dict) and "enum" in code:
                named.update(code["enum"])
            err = node.get("error")
            if isinstance(err, dict) and isinstance(err.get("code"), str):
                named.add(err["code"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    unknown = named - stable
    check(not unknown, "codes not in a stable table: %s" % sorted(unknown))


@tap.test
def document_well_formed():
    """every $ref resolves and every schema is a valid JSON Schema (what openapi_check validates with)"""
    import jsonschema
    spec = openapi_check.load_spec(SPEC)
    bad = []

    def walk(node, where):
        if isinstance(node, dict):
            if "$ref" in node:
                try:
                    openapi_check.resolve(spec, node)
                except (KeyError, ValueError) as e:
                    bad.append("%s: $ref %s (%s)" % (where, node["$ref"], e))
            if "schema" in node and isinstance(node["schema"], dict):
                try:
                    jsonschema.Draft4Validator.check_schema(node["schema"])
                except jsonschema.SchemaError as e:
                    bad.append("%s: %s" % (where, e.message))
            for k, v in node.items():
                walk(v, where + "/" + str(k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, "%s/%d" % (where, i))

    walk(spec, "")
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft4Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            bad.append("components/schemas/%s: %s" % (name, e.message))
    check(spec.get("openapi", "").startswith("3.0."), "not OpenAPI 3.0: %r" % spec.get("openapi"))
    check(not bad, "\n".join(bad))


@tap.test
def checker_catches():
    """the contract check refuses answers that break the document (so its passes mean something)"""
    spec = openapi_check.load_spec(SPEC)
    ok_kilit = b'{"result":"ok","serial":"0A1B","certificate":"AAAA","message":"x"}'
    good = [
        ("GET", "/api/v1/kilit/123456789012", 200, ok_kilit),
        ("POST", "/api/v1/imza/123456789012345", 400,
         b'{"error":{"code":"text_mismatch","message":"x"}}'),
        ("GET", "/api/v1/no-such-thing", 404, b'{"error":{"code":"not_found","message":"x"}}'),
    ]
    bad = [
        ("GET", "/api/v1/kilit/123456789012", 200, b'{"result":"ok","message":"x"}'),   # no serial
        ("GET", "/api/v1/kilit/123456789012", 418, b'{"error":{"code":"x","message":"x"}}'),
        ("POST", "/api/v1/imza/123456789012345", 400,     # a 403 code under 400
         b'{"error":{"code":"untrusted","message":"x"}}'),
        ("GET", "/api/v1/imza/123456789012345", 200, b'{"text":"t","purpose":"sell",'
         b'"created_at":1,"expires_at":2,"now":1}'),
        ("DELETE", "/api/v1/orders/1", 200, b"{}"),
        ("GET", "/api/v1/orders/1", 404, b'{"error":{"code":"forbidden","message":"x"}}'),
        ("POST", "/api/v1/preapplications", 409, b'{"error":{"code":"open_order","message":"x"}}'),
        ("GET", "/api/v1/orders/1", 200, b"not json"),
    ]
    for m, path, st, body in good:
        p = openapi_check.check_answer(spec, m, path, st, "application/json", body)
        check(p is None, "a good answer refused: %s" % p)
    for m, path, st, body in bad:
        p = openapi_check.check_answer(spec, m, path, st, "application/json", body)
        check(p is not None, "a bad answer passed: %s %s %d %r" % (m, path, st, body))


if __name__ == "__main__":
    sys.exit(tap.run())
