#!/usr/bin/env python3
"""A real SMTP server on loopback for the mail driver tests (aiosmtpd).

    smtp_sink.py OUTDIR [--auth USER:PASS] [--tls]

Listens on 127.0.0.1 on a port the OS picks and prints that port on the first
line of standard output. Every accepted message is written as OUTDIR/N.eml (as
received) and OUTDIR/N.json: a summary parsed with Python's email package
(decoded headers, each part's type, charset, transfer encoding and decoded
text, whether the session used TLS and who logged in), so the C test checks
what a real mail client would see.

--auth USER:PASS  requires AUTH with these credentials (over TLS when --tls).
--smtps           TLS from the first byte (implicit TLS, smtps://), same certificate.
--mute            accepts connections and never answers (client time-outs).
--tls             offers STARTTLS with a fresh self-signed certificate for
                  127.0.0.1, written to OUTDIR/cert.pem for the client to trust.
A recipient whose local part is "reject" is refused with 550.
"""
import asyncio
import email
import email.policy
import json
import os
import ssl
import subprocess
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split('@')[0] == 'reject':
            return '550 5.1.1 no such mailbox'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.outdir, str(self.count))
        with open(base + '.eml', 'wb') as f:
            f.write(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            parts.append({
                'type': part.get_content_type(),
                'charset': part.get_content_charset(),
                'cte': part.get('Content-Transfer-Encoding', ''),
                'text': part.get_content(),
            })
        lines = raw.split(b'\r\n')
        summary = {
            'mail_from': envelope.mail_from,
            'rcpt_tos': envelope.rcpt_tos,
            'subject': str(msg['Subject']),
            'raw_subject': msg.get('Subject', '') and raw.split(b'\r\nSubject: ', 1)[1]
                           .split(b'\r\n', 1)[0].decode('ascii', 'replace'),
            'from': str(msg['From']),
            'from_addr': msg['From'].addresses[0].addr_spec if msg['From'] else '',
            'from_name': msg['From'].addresses[0].display_name if msg['From'] else '',
            'to': str(msg['To']),
            'date': str(msg['Date']),
            'message_id': str(msg['Message-ID']),
            'mime_version': str(msg['MIME-Version']),
            'content_type': msg.get_content_type(),
            'parts': parts,
            'defects': [type(d).__name__ for d in msg.defects],
            'max_line': max(len(l) for l in lines),
            'bare_lf': b'\n' in raw.replace(b'\r\n', b''),
            'non_ascii': any(b > 127 for b in raw),
            'tls': session.ssl is not None,
            'login': getattr(session, 'nl_login', None),
        }
        with open(base + '.json', 'w', encoding='utf-8') as f:
            json.dump(summary, f, ensure_ascii=False)
        return '250 OK queued'


def make_cert(outdir):
    cert, key = os.path.join(outdir, 'cert.pem'), os.path.join(outdir, 'key.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                    'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
                    '-days', '1', '-subj', '/CN=127.0.0.1',
                    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


async def main():
    outdir = sys.argv[1]
    auth = None
    tls = False
    mute = False
    smtps = False
    args = sys.argv[2:]
    while args:
        a = args.pop(0)
        if a == '--auth':
            auth = args.pop(0).split(':', 1)
        elif a == '--tls':
            tls = True
        elif a == '--mute':
            mute = True
        elif a == '--smtps':
            smtps = True
            tls = True
        else:
            sys.exit('smtp_sink: unknown argument ' + a)
    ctx = make_cert(outdir) if tls else None

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth is not None and auth_data.login.decode() == auth[0]
              and auth_data.password.decode() == auth[1])
        if ok:
            session.nl_login = auth[0]
        return AuthResult(success=ok)

    handler = Sink(outdir)

    def factory():
        return SMTP(handler, hostname='sink.test', tls_context=None if smtps else ctx,
                    require_starttls=False,
                    auth_required=auth is not None, auth_require_tls=tls,
                    authenticator=authenticator if auth else None)

    loop = asyncio.get_running_loop()
    if mute:
        async def silent(reader, writer):
            await asyncio.sleep(3600)
        server = await asyncio.start_server(silent, '127.0.0.1', 0)
    else:
        server = await loop.create_server(factory, '127.0.0.1', 0, ssl=ctx if smtps else None)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
