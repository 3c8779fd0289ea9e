"""Checks HTTP answers of /api/v1 against the OpenAPI document
(docs/openapi.yaml): the path and method are documented, the status is one of
the operation's responses, and a JSON body matches that response's schema
(python3-jsonschema, python3-yaml). harness.Server.request records every
/api/v1 answer in harness.API_ANSWERS; a test ends with check_all() over them."""

import copy
import json
import os
import re

import jsonschema
import yaml

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                         "openapi.yaml")


def _nullable(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's type list."""
    if isinstance(node, dict):
        if node.get("nullable") is True and "type" in node:
            node["type"] = [node["type"], "null"]
        for v in node.values():
            _nullable(v)
    elif isinstance(node, list):
        for v in node:
            _nullable(v)
    return node


def load_spec(path=SPEC_PATH):
    with open(path, encoding="utf-8") as f:
        return _nullable(yaml.safe_load(f))


def resolve(spec, node):
    """Follows a local $ref ('#/components/...') to its object."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError("only local $ref: %s" % ref)
        target = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def find_operation(spec, method, path):
    """The operation object and the template that matches path, or (None, why)."""
    base = spec.get("servers", [{"url": ""}])[0]["url"].rstrip("/")
    path = path.split("?", 1)[0]
    if not path.startswith(base + "/"):
        return None, "%s is not below %s" % (path, base)
    rest = path[len(base):]
    for template, item in spec["paths"].items():
        rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(rx, rest):
            op = item.get("get" if method == "HEAD" else method.lower())
            if op is None:
                return None, "%s %s: method not documented" % (method, template)
            return op, template
    return None, "%s: path not documented" % rest


def check_answer(spec, method, path, status, content_type, body):
    """None when the answer keeps the contract, else what is wrong."""
    op, why = find_operation(spec, method, path)
    if op is None:
        # Paths outside the document get the router's 404/405 in the API's
        # error envelope: that envelope is still the contract's Error schema.
        if status in (404, 405) and body:
            return _validate(spec, {"$ref": "#/components/schemas/Error"}, body,
                             "%s %s %d" % (method, path, status))
        return why
    responses = op.get("responses", {})
    resp = responses.get(str(status)) or responses.get("default")
    if resp is None:
        return "%s %s: status %d not documented (documented: %s)" % (
            method, why, status, ", ".join(sorted(responses)))
    resp = resolve(spec, resp)
    content = resp.get("content")
    if not content:
        return None
    ctype = (content_type or "").split(";")[0].strip()
    media = content.get(ctype)
    if media is None:
        return "%s %s %d: content type %r not documented (%s)" % (
            method, why, status, ctype, ", ".join(content))
    if method == "HEAD" or "schema" not in media or not ctype.endswith("json"):
        return None
    return _validate(spec, media["schema"], body, "%s %s %d" % (method, why, status))


def _validate(spec, schema, body, what):
    try:
        value = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
    except ValueError as e:
        return "%s: body is not JSON: %s" % (what, e)
    wrapped = dict(copy.deepcopy(schema))
    resolver = jsonschema.RefResolver.from_schema(spec)
    try:
        jsonschema.Draft4Validator(wrapped, resolver=resolver).validate(value)
    except jsonschema.ValidationError as e:
        return "%s: %s at %s" % (what, e.message, "/".join(str(p) for p in e.absolute_path))
    return None


def check_all(answers, spec=None):
    """Checks every recorded answer; returns the list of problems."""
    spec = spec or load_spec()
    problems = []
    for a in answers:
        p = check_answer(spec, a["method"], a["path"], a["status"], a["content_type"], a["body"])
        if p:
            problems.append(p)
    return problems
