#!/usr/bin/env python3
"""An HTTP stub of the SMS gateway and the population registry for the driver
tests (python3's http.server).

    http_stub.py LOGFILE

Listens on 127.0.0.1 on a port the OS picks and prints that port on the first
line of standard output. Each request is appended to LOGFILE as one JSON line
{method, path, authorization, content_type, body}. The path picks the answer:

  /sms/ok            200 {"status": "ok", "id": "m-1"}
  /sms/status500     500 {"error": "internal"}
  /sms/status400     400 {"error": "invalid number"}
  /sms/garbage       200 text that is not JSON
  /sms/jsonerror     200 {"success": false, "error": "insufficient credit"}
  /sms/statuserror   200 {"status": "error", "message": "blocked sender"}
  /sms/slow          sleeps 3 s, then 200 ok
  /registry/lookup   the citizens below: {"found": true, ...} or {"found": false}
  /registry/verify   {"match": bool}: exact comparison (the registry's own rules)
  /registry-garbage/*  200 not JSON
  /registry-down/*     503
  /registry-nomatch/verify  200 {"result": "?"} (no "match")
  /registry-slow/*     sleeps 3 s
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CITIZENS = {
    '10000000146': {'tckn': '10000000146', 'given_name': 'İSMAİL', 'surname': 'ÇAĞLAYAN',
                    'birth_place': 'IĞDIR', 'birth_date': '1980-02-29', 'alive': True},
}

LOG = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body, ctype='application/json'):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get('Content-Length', '0'))
        raw = self.rfile.read(n)
        with open(LOG, 'a', encoding='utf-8') as f:
            f.write(json.dumps({
                'method': 'POST', 'path': self.path,
                'authorization': self.headers.get('Authorization'),
                'content_type': self.headers.get('Content-Type'),
                'body': raw.decode('utf-8', 'replace'),
            }, ensure_ascii=False) + '\n')
        p = self.path
        if p.startswith('/registry-slow/') or p == '/sms/slow':
            time.sleep(3)
            return self.answer(200, '{"status": "ok"}')
        if p == '/sms/ok':
            return self.answer(200, '{"status": "ok", "id": "m-1"}')
        if p == '/sms/status500':
            return self.answer(500, '{"error": "internal"}')
        if p == '/sms/status400':
            return self.answer(400, '{"error": "invalid number"}')
        if p == '/sms/garbage' or p.startswith('/registry-garbage/'):
            return self.answer(200, '<html>surprise</html>', 'text/html')
        if p == '/sms/jsonerror':
            return self.answer(200, '{"success": false, "error": "insufficient credit"}')
        if p == '/sms/statuserror':
            return self.answer(200, '{"status": "error", "message": "blocked sender"}')
        if p.startswith('/registry-down/'):
            return self.answer(503, '{"error": "maintenance"}')
        if p == '/registry-nomatch/verify':
            return self.answer(200, '{"result": "?"}')
        try:
            req = json.loads(raw)
        except ValueError:
            return self.answer(400, '{"error": "bad json"}')
        if p == '/registry/lookup':
            c = CITIZENS.get(req.get('tckn'))
            if not c:
                return self.answer(200, '{"found": false}')
            return self.answer(200, json.dumps(dict(c, found=True), ensure_ascii=False))
        if p == '/registry/verify':
            c = CITIZENS.get(req.get('tckn'))
            ok = bool(c) and all(req.get(k) == c[k] for k in
                                 ('given_name', 'surname', 'birth_place', 'birth_date'))
            return self.answer(200, json.dumps({'match': ok}))
        return self.answer(404, '{"error": "no such path"}')


def main():
    global LOG
    LOG = sys.argv[1]
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
