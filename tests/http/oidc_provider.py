#!/usr/bin/env python3
"""A test-only OpenID Connect provider that misbehaves on request, for the
refusals of the e-Devlet door (test_edevlet.py). It runs in a thread of the
test; the test registers a code with what the token endpoint must answer
(register_code) and sets the provider's mode. RS256 keys come from
python3-cryptography."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def int_b64u(n):
    return b64u(n.to_bytes((n.bit_length() + 7) // 8, "big"))


class Key:
    def __init__(self, kid):
        self.kid = kid
        self.priv = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self):
        pub = self.priv.public_key().public_numbers()
        return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256",
                "n": int_b64u(pub.n), "e": int_b64u(pub.e)}

    def sign(self, claims, kid=None, alg="RS256"):
        hdr = {"alg": alg, "typ": "JWT", "kid": kid or self.kid}
        si = b64u(json.dumps(hdr).encode()) + "." + b64u(json.dumps(claims).encode())
        sig = self.priv.sign(si.encode(), padding.PKCS1v15(), hashes.SHA256())
        return si + "." + b64u(sig)


class Provider:
    """issuer http://127.0.0.1:port; client "nitelik-test" / "s3cret"."""

    CLIENT = ("nitelik-test", "s3cret")

    def __init__(self):
        self.key = Key("k1")
        self.other = Key("k1")        # same kid, another key: a forged signature
        self.rotated = Key("k2")      # published only from the second JWKS fetch on
        self.mode = "normal"
        self.codes = {}
        self.jwks_fetches = 0
        self.token_calls = 0
        prov = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, status, body, ctype="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    i = prov.issuer
                    self.send(200, {"issuer": i, "authorization_endpoint": i + "/auth",
                                    "token_endpoint": i + "/token", "jwks_uri": i + "/jwks"})
                elif self.path == "/jwks":
                    prov.jwks_fetches += 1
                    keys = [prov.key.jwk()]
                    if prov.mode == "rotate" and prov.jwks_fetches >= 2:
                        keys.append(prov.rotated.jwk())
                    self.send(200, {"keys": keys})
                else:
                    self.send(404, {"error": "not_found"})

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                form = dict(p.split("=", 1) for p in self.rfile.read(n).decode().split("&") if "=" in p)
                prov.token_calls += 1
                if prov.mode == "slow":
                    time.sleep(12)
                if prov.mode == "garbage":
                    self.send(200, b"<html>bakimdayiz</html>", "text/html")
                    return
                auth = self.headers.get("Authorization", "")
                want = "Basic " + base64.b64encode(("%s:%s" % prov.CLIENT).encode()).decode()
                if auth != want:
                    self.send(401, {"error": "invalid_client"})
                    return
                c = prov.codes.pop(form.get("code"), None)
                if c is None:
                    self.send(400, {"error": "invalid_grant"})
                    return
                self.send(200, {"access_token": "x", "token_type": "Bearer",
                                "id_token": c})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.issuer = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def claims(self, who, nonce, **over):
        now = int(time.time())
        c = {"iss": self.issuer, "sub": who, "aud": self.CLIENT[0], "iat": now,
             "exp": now + 300, "nonce": nonce, "tckn": who}
        c.update(over)
        return {k: v for k, v in c.items() if v is not None}

    def register_code(self, code, id_token):
        self.codes[code] = id_token

    def stop(self):
        if self.thread is None:
            return
        self.thread = None
        self.httpd.shutdown()
        self.httpd.server_close()
