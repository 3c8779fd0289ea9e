#!/usr/bin/env bash
# Makes the inputs of test_cms_verify in a temporary folder with the openssl
# command, then runs the test binary on it: a test root, qualified and
# non-qualified certificates, an expired one, one without nonRepudiation, a
# root nobody trusts, and CMS signatures (CAdES-BES, plain CMS, detached) over
# a Turkish text.
# Usage: cms_fixtures.sh TEST_BINARY
set -euo pipefail
bin=$(realpath "${1:?test binary}")
d=$(mktemp -d /tmp/nitelik-cms.XXXXXX)
trap 'rm -rf "$d"' EXIT
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
q() { "$@" >/dev/null 2>&1 || { echo "Bail out! $*"; "$@"; exit 1; }; }
root() { q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
  -subj "/CN=$1/C=TR" -days 3650 -out "$1.pem" -config ca.cnf -extensions root_ext; }
issue() { # name ext [start end]
  q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
    -subj "/C=TR/serialNumber=PNOTR-10000000146/CN=Ayşe Yılmaz" -utf8 -out "$1.csr"
  local dates=(-days 365); [ $# -gt 2 ] && dates=(-startdate "$3" -enddate "$4")
  q openssl ca -batch -config ca.cnf -cert root.pem -keyfile root.key -in "$1.csr" -out "$1.pem" \
    -extensions "$2" -notext -utf8 "${dates[@]}"
}
sign() { # out cert [extra]
  local o=$1 c=$2; shift 2
  q openssl cms -sign -binary -md sha256 -signer "$c.pem" -inkey "$c.key" -in text.txt -outform DER -out "$o" "$@"
}
root root; root stranger
issue qc qualified; issue noqc noqc; issue nonr nonr
issue old qualified 20200101000000Z 20210101000000Z
printf 'Aşağıda yazılı bütün bilgilerin doğru olduğunu beyan ederim. ğüşıöç ĞÜŞİÖÇ\n' > text.txt
sign good.der qc -nodetach -cades
sign plain.der qc -nodetach
sign detached.der qc -cades
sign old.der old -nodetach -cades
sign noqc.der noqc -nodetach -cades
sign nonr.der nonr -nodetach -cades
# A chain to a root that is not in the trust list.
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout s.key \
  -subj "/C=TR/serialNumber=PNOTR-10000000146/CN=S" -out s.csr
q openssl ca -batch -config ca.cnf -cert stranger.pem -keyfile stranger.key -in s.csr -out s.pem \
  -extensions qualified -notext -days 30
sign stranger.der s -nodetach -cades
"$bin" "$d"
