#!/usr/bin/env bash
# Makes the seed corpus of fuzz_cms (tests/fuzz/corpus/cms) with the openssl
# command, as tests/pki/cms_fixtures.sh makes the CMS test's inputs: a test
# root (printed as PEM on stdout: paste it into fuzz_cms.c's root_pem), a
# qualified person certificate, certificates without QcCompliance or without
# nonRepudiation, an expired one, one under a root nobody trusts, and CMS
# signatures over fuzz_cms.c's text: CAdES-BES, plain CMS, detached, BER
# (indefinite lengths), RSA, with an extra certificate, then truncated and
# garbled copies of the good one. The signatures stay valid for ever: the
# chain is checked at the signing time they carry.
# Usage: tests/fuzz/cms_seeds.sh > root.pem   (overwrites corpus/cms/*.der)
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)/corpus/cms
d=$(mktemp -d /tmp/fuzz-cms.XXXXXX)
trap 'rm -rf "$d"' EXIT
mkdir -p "$out"
cd "$d"
mkdir new; : > index.txt; echo 1000 > serial
cat > ca.cnf <<CNF
[ca]
default_ca = t
[t]
dir = $d
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = any
unique_subject = no
[any]
countryName = optional
serialNumber = optional
commonName = supplied
[qualified]
keyUsage = critical, nonRepudiation
qcStatements = DER:30:0a:30:08:06:06:04:00:8e:46:01:01
authorityInfoAccess = OCSP;URI:http://localhost/ocsp
crlDistributionPoints = URI:http://localhost/repo/test.crl
[noqc]
keyUsage = critical, nonRepudiation
[nonr]
keyUsage = critical, digitalSignature
qcStatements = DER:30:0a:30:08:06:06:04:00:8e:46:01:01
[root_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
q() { "$@" >/dev/null 2>&1 || { echo "cms_seeds.sh: failed: $*" >&2; "$@"; exit 1; }; }
root() { q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
  -subj "/CN=$1/C=TR" -days 7300 -out "$1.pem" -config ca.cnf -extensions root_ext; }
issue() { # name ext keyspec [start end]
  q openssl req -new -newkey "$3" -nodes -keyout "$1.key" \
    -subj "/C=TR/serialNumber=PNOTR-10000000146/CN=Ayşe Yılmaz" -utf8 -out "$1.csr"
  local dates=(-days 3650); [ $# -gt 3 ] && dates=(-startdate "$4" -enddate "$5")
  q openssl ca -batch -config ca.cnf -cert "${CA:-root}.pem" -keyfile "${CA:-root}.key" \
    -in "$1.csr" -out "$1.pem" -extensions "$2" -notext -utf8 "${dates[@]}"
}
sign() { # out cert [extra]
  local o=$1 c=$2; shift 2
  q openssl cms -sign -binary -md sha256 -signer "$c.pem" -inkey "$c.key" -in text.txt \
    -outform DER -out "$out/$o" "$@"
}
root root; root stranger
openssl ecparam -name prime256v1 > ec.param
issue qc qualified ec:ec.param; issue noqc noqc ec:ec.param; issue nonr nonr ec:ec.param
issue rsa qualified rsa:2048
issue old qualified ec:ec.param 20200101000000Z 20210101000000Z
CA=stranger issue s qualified ec:ec.param
printf 'Aşağıda yazılı bütün bilgilerin doğru olduğunu beyan ederim. ğüşıöç ĞÜŞİÖÇ\n' > text.txt
sign good.der qc -nodetach -cades
sign plain.der qc -nodetach
sign detached.der qc -cades
sign ber.der qc -nodetach -cades -stream
sign rsa.der rsa -nodetach -cades
sign certfile.der qc -nodetach -cades -certfile root.pem
sign old.der old -nodetach -cades
sign noqc.der noqc -nodetach -cades
sign nonr.der nonr -nodetach -cades
sign stranger.der s -nodetach -cades
sign nocerts.der qc -nodetach -cades -nocerts
# Broken copies of the good signature: cut, flipped, padded.
g=$out/good.der
n=$(stat -c %s "$g")
head -c $((n / 2)) "$g" > "$out/truncated-half.der"
head -c $((n - 1)) "$g" > "$out/truncated-last.der"
head -c 2 "$g" > "$out/header-only.der"
{ cat "$g"; printf '\0'; } > "$out/trailing-byte.der"
python3 - "$g" "$out" <<'PY'
import sys
g, out = sys.argv[1], sys.argv[2]
b = bytearray(open(g, 'rb').read())
s = bytearray(b); s[-5] ^= 0x40                      # inside the signature value
open(out + '/flipped-signature.der', 'wb').write(s)
t = bytes(b); i = t.find('ğüş'.encode()); s = bytearray(b); s[i] ^= 1   # the signed text
open(out + '/flipped-text.der', 'wb').write(s)
s = bytearray(b); s[1] = 0x84                        # an outer length that lies
open(out + '/bad-length.der', 'wb').write(s)
PY
cat root.pem
