#!/usr/bin/env bash
# Time to produce a full CRL of N (default 1,000,000) revoked entries: nitelik
# (read the revoked rows from the database, build, sign in nitelik-signer, store,
# write to /repo) against `openssl ca -gencrl` on the same entries with the same
# issuing key, measured in the same run. Goal: faster than openssl.
# Usage: bench/crl.sh [build-dir] [entries]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}; N=${2:-1000000}
T=$(mktemp -d /tmp/nitelik-bench-crl.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT
D=$T/ca
# Demo key files so that openssl ca signs with the very same key and certificate.
"$B/src/cmd/nitelik" ca init --data "$D" --key-file-demo >/dev/null
"$B/src/cmd/nitelik" cert search --data "$D" x >/dev/null 2>&1 || true   # creates and migrates the database
now=$(date +%s)
sqlite3 "$D/nitelik.db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO cert_serials (serial, created_at) SELECT printf('%032X', i * 7919 + 1099511627776), $now FROM n;
INSERT INTO certificates (serial, subject, not_before, not_after, status, revoked_at, reason, der, created_at, updated_at)
  SELECT serial, 'CN=x', $now, $now + 86400, 'revoked', $now - 60, 1, x'00', $now, $now FROM cert_serials;
COMMIT;
SQL
# The same entries for openssl ca: index.txt lines "R expiry revocation,reason serial unknown subject".
python3 - "$T" "$N" <<'PY'
import sys, time
t, n = sys.argv[1], int(sys.argv[2])
exp = time.strftime('%y%m%d%H%M%SZ', time.gmtime(time.time() + 86400))
rev = time.strftime('%y%m%d%H%M%SZ', time.gmtime(time.time() - 60))
with open(t + '/index.txt', 'w') as f:
    for i in range(1, n + 1):
        f.write('R\t%s\t%s,keyCompromise\t%032X\tunknown\t/CN=x\n' % (exp, rev, i * 7919 + 1099511627776))
PY
echo 01 > "$T/crlnumber"
cat > "$T/openssl.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
database = $T/index.txt
crlnumber = $T/crlnumber
certificate = $D/ca/issuing.pem
private_key = $D/ca/issuing.key
default_md = sha384
default_crl_days = 1
unique_subject = no
crl_extensions = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF
"$B/src/cmd/nitelik-signer" --demo --data "$D" 2>/dev/null & pid=$!
for _ in $(seq 100); do [ -S "$D/ca/signer.sock" ] && break; sleep 0.05; done
t0=$(date +%s.%N)
openssl ca -config "$T/openssl.cnf" -gencrl -out "$T/openssl.crl" 2>/dev/null
t1=$(date +%s.%N)
"$B/src/cmd/nitelik" ca crl --data "$D" >/dev/null
t2=$(date +%s.%N)
ours=$(openssl crl -inform DER -in "$D/repo/issuing.crl" -noout -text | grep -c 'Serial Number:')
theirs=$(openssl crl -in "$T/openssl.crl" -noout -text | grep -c 'Serial Number:')
openssl crl -inform DER -in "$D/repo/issuing.crl" -CAfile "$D/ca/issuing.pem" -noout 2>&1 | grep -q 'verify OK' || { echo "our CRL does not verify"; exit 1; }
python3 - "$t0" "$t1" "$t2" "$ours" "$theirs" <<'PY'
import sys
t0, t1, t2 = map(float, sys.argv[1:4])
o, b = t2 - t1, t1 - t0
print(f"baseline: openssl ca -gencrl: {b:.2f} s for {sys.argv[5]} entries")
print(f"nitelik:  ca crl:              {o:.2f} s for {sys.argv[4]} entries")
print(f"ratio: {b / o:.2f}x faster than openssl (goal > 1) {'PASS' if o < b else 'BELOW GOAL'}")
PY
