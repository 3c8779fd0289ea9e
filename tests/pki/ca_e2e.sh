#!/usr/bin/env bash
# The CA end to end, black box, TAP: `nitelik ca init` on a fresh SoftHSM2 token,
# nitelik-signer, issuance from CSRs, the chain checked by three independent
# verifiers (OpenSSL, GnuTLS, NSS), the qcStatements DER, revocation and CRLs,
# OCSP good/revoked/unknown/nonce/garbage/other CA, and the refusals.
# Usage: ca_e2e.sh NITELIK NITELIK_SIGNER [NITELIKD]   (with nitelikd: /ocsp, /repo, /dizin over HTTP)
set -u
NITELIK=${1:?nitelik}; SIGNER=${2:?nitelik-signer}; NITELIKD=${3:-}
T=$(mktemp -d /tmp/nitelik-pki.XXXXXX)
D=$T/ca
SIGNER_PID=; HTTPD_PID=
cleanup() {
  [ -n "$SIGNER_PID" ] && kill "$SIGNER_PID" 2>/dev/null && wait "$SIGNER_PID" 2>/dev/null
  [ -n "$HTTPD_PID" ] && kill "$HTTPD_PID" 2>/dev/null && wait "$HTTPD_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
n=0; failed=0
ok()   { n=$((n+1)); echo "ok $n - $1"; }
nok()  { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' <<<"$2"; }
check() { # description, command...
  local d=$1; shift
  local out; if out=$("$@" 2>&1); then ok "$d"; else nok "$d" "$out"; fi
}
refuse() { # description, expected text, command...
  local d=$1 want=$2; shift 2
  local out; if out=$("$@" 2>&1); then nok "$d (was accepted)" "$out"
  elif grep -qF -- "$want" <<<"$out"; then ok "$d"; else nok "$d (wrong reason)" "$out"; fi
}
start_signer() {
  "$SIGNER" --demo --data "$1" 2>"$T/signer.log" &
  SIGNER_PID=$!
  for _ in $(seq 100); do [ -S "$1/ca/signer.sock" ] && return 0; sleep 0.05; done
  return 1
}
stop_signer() { kill "$SIGNER_PID" 2>/dev/null; wait "$SIGNER_PID" 2>/dev/null; SIGNER_PID=; }
csr() { # file, openssl genpkey args...
  local f=$1; shift
  openssl req -new -newkey "$@" -nodes -keyout "$f.key" -subj /CN=ignored -out "$f" 2>/dev/null
}
issue() { # csr, out, extra args...
  local c=$1 o=$2; shift 2
  local conf=(); [ -f "$D/nitelik.conf" ] && conf=(--config "$D/nitelik.conf")
  "$NITELIK" cert issue --data "$D" "${conf[@]}" --csr "$c" --out "$o" "$@"
}
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }

echo "TAP version 13"
check "ca init on a SoftHSM2 token" "$NITELIK" ca init --data "$D" --base-url http://127.0.0.1:1
refuse "ca init refuses to overwrite a CA" "already exists" "$NITELIK" ca init --data "$D"
if grep -q '^issuing_key = pkcs11:' "$D/ca/ca.conf" && ! ls "$D"/ca/*.key >/dev/null 2>&1; then
  ok "CA keys live in the token, not in files"; else nok "CA keys live in the token, not in files"; fi
openssl x509 -inform DER -in "$D/repo/root.crt" -out "$T/root.pem"
openssl x509 -inform DER -in "$D/repo/issuing.crt" -out "$T/iss.pem"
check "root CA is P-384 with keyCertSign, cRLSign, critical CA:TRUE" bash -c \
  "openssl x509 -in $T/root.pem -noout -text | grep -q 'NIST CURVE: P-384' &&
   openssl x509 -in $T/root.pem -noout -ext keyUsage | tr -d '\n' | grep -q 'critical *Certificate Sign, CRL Sign' &&
   openssl x509 -in $T/root.pem -noout -ext basicConstraints | tr -d '\n' | grep -q 'critical *CA:TRUE'"
check "the root CRL (the issuing CA's CRL DP) verifies and is empty" bash -c \
  "openssl crl -inform DER -in $D/repo/root.crl -CAfile $T/root.pem -noout -text 2>&1 | grep -q 'verify OK' &&
   openssl crl -inform DER -in $D/repo/root.crl -noout -text | grep -q 'No Revoked Certificates'"
check "issuing CA verifies under the root, pathlen 0" bash -c \
  "openssl verify -x509_strict -CAfile $T/root.pem $T/iss.pem && openssl x509 -in $T/iss.pem -noout -ext basicConstraints | grep -q 'pathlen:0'"
check "OCSP responder: P-256, OCSPSigning, ocsp-nocheck, verifies" bash -c \
  "openssl x509 -in $D/ca/ocsp.pem -noout -text | grep -q 'NIST CURVE: P-256' &&
   openssl x509 -in $D/ca/ocsp.pem -noout -text | grep -q 'OCSP Signing' &&
   openssl x509 -in $D/ca/ocsp.pem -noout -text | grep -q 'OCSP No Check' &&
   openssl verify -x509_strict -CAfile $T/root.pem -untrusted $T/iss.pem $D/ca/ocsp.pem"

if start_signer "$D"; then ok "signer starts"; else nok "signer starts" "$(cat "$T/signer.log")"; fi
if [ "$(stat -c %a "$D/ca/signer.sock")" = 600 ]; then ok "signer socket is mode 0600"; else nok "signer socket is mode 0600"; fi

csr "$T/a.csr" ec -pkeyopt ec_paramgen_curve:P-256
# The [ca] keys of nitelik.conf (given with --config, cli_conf.h):
# outside demo mode no policy, the placeholder or a loopback base URL is refused.
POLICY=1.3.6.1.4.1.99999.1.1
refuse "outside demo mode, issuing without a configured policy is refused" "ca.policy_oids: no certificate policy configured" \
  issue "$T/a.csr" "$T/x.pem" --given A --surname B --tckn 10000000146
printf '[ca]\npolicy_oids = 2.16.792.1.61.0.1.5070.99.1\n' > "$D/nitelik.conf"
refuse "outside demo mode, the placeholder policy is refused" "is the demo placeholder" \
  issue "$T/a.csr" "$T/x.pem" --given A --surname B --tckn 10000000146
printf '[ca]\npolicy_oids = %s\n' "$POLICY" > "$D/nitelik.conf"
refuse "outside demo mode, a loopback base URL is refused" "loopback or private" \
  issue "$T/a.csr" "$T/x.pem" --given A --surname B --tckn 10000000146
printf '[ca]\nuser_notice = %0201d\n[demo]\nenabled = true\n' 0 > "$D/nitelik.conf"
refuse "a user notice over 200 characters is refused" "ca.user_notice is 201 characters" \
  issue "$T/a.csr" "$T/x.pem" --given A --surname B --tckn 10000000146
printf '[demo]\nenabled = true\n[ca]\npolicy_oids = %s 1.3.6.1.4.1.99999.1.2\n' "$POLICY" > "$D/nitelik.conf"
printf '[demo]\nenabled = true\n[ca]\npolicy_oids = %s\nserial_number_form = etsi\n' "$POLICY" > "$T/etsi.conf"
check "issue a qualified certificate from a CSR" issue "$T/a.csr" "$T/a.pem" --given "Ayşe" --surname "Yılmaz" \
  --tckn 10000000146 --email ayse@example.com --publish
SA=$(serial_of "$T/a.pem")
check "subject is exactly C, serialNumber (the bare T.C. number by default), givenName, surname, CN" bash -c \
  "openssl x509 -in $T/a.pem -noout -subject -nameopt RFC2253,-esc_msb | grep -qx 'subject=CN=Ayşe Yılmaz,SN=Yılmaz,GN=Ayşe,serialNumber=10000000146,C=TR'"
check "serial_number_form = etsi: serialNumber PNOTR-" bash -c \
  "$(printf '%q ' "$NITELIK") cert issue --data $D --config $T/etsi.conf --csr $T/a.csr --out $T/e.pem --given Ayşe --surname Yılmaz --tckn 10000000146 &&
   openssl x509 -in $T/e.pem -noout -subject -nameopt RFC2253,-esc_msb | grep -qx 'subject=CN=Ayşe Yılmaz,SN=Yılmaz,GN=Ayşe,serialNumber=PNOTR-10000000146,C=TR'"
check "serial is positive and at least 64 bits" bash -c "s=$SA; [ \${#s} -ge 16 ] && [ \$((16#\${s:0:1})) -lt 8 ]"
check "keyUsage is critical nonRepudiation only" bash -c \
  "openssl x509 -in $T/a.pem -noout -ext keyUsage | tr -d '\n' | grep -q 'critical *Non Repudiation\$'"
check "openssl verify -x509_strict -policy_check -policy QCP-n-qscd" \
  openssl verify -x509_strict -policy_check -explicit_policy -policy 0.4.0.194112.1.2 -CAfile "$T/root.pem" -untrusted "$T/iss.pem" "$T/a.pem"
cat "$T/a.pem" "$T/iss.pem" "$T/root.pem" > "$T/chain.pem"
check "certtool --verify-chain (GnuTLS)" bash -c "certtool --verify-chain --infile $T/chain.pem | grep -q 'Chain verification output: Verified'"
mkdir "$T/nss" && certutil -N -d "sql:$T/nss" --empty-password && certutil -A -d "sql:$T/nss" -n root -t C,C,C -i "$T/root.pem"
check "vfychain (NSS) with policy QCP-n-qscd" vfychain -d "sql:$T/nss" -pp -u 4 -o 0.4.0.194112.1.2 -a "$T/a.pem" -a "$T/iss.pem"
check "etsi form: openssl verify -x509_strict -policy_check" \
  openssl verify -x509_strict -policy_check -explicit_policy -policy 0.4.0.194112.1.2 -CAfile "$T/root.pem" -untrusted "$T/iss.pem" "$T/e.pem"
cat "$T/e.pem" "$T/iss.pem" "$T/root.pem" > "$T/echain.pem"
check "etsi form: certtool --verify-chain (GnuTLS)" bash -c "certtool --verify-chain --infile $T/echain.pem | grep -q 'Chain verification output: Verified'"
check "etsi form: vfychain (NSS) with policy QCP-n-qscd" vfychain -d "sql:$T/nss" -pp -u 4 -o 0.4.0.194112.1.2 -a "$T/e.pem" -a "$T/iss.pem"
check "the provider's policy from [ca] verifies as the required policy too" \
  openssl verify -x509_strict -policy_check -explicit_policy -policy "$POLICY" -CAfile "$T/root.pem" -untrusted "$T/iss.pem" "$T/a.pem"

# qcStatements, parsed by openssl asn1parse from the extension's DER.
openssl x509 -in "$T/a.pem" -outform DER -out "$T/a.der"
qc_off=$(openssl asn1parse -inform DER -in "$T/a.der" | grep -A2 'qcStatements' | grep 'OCTET STRING' | head -1 | cut -d: -f1 | tr -d ' ')
openssl asn1parse -inform DER -in "$T/a.der" -strparse "$qc_off" > "$T/qc.txt" 2>&1
for want in 'OBJECT            :0.4.0.1862.1.1' 'OBJECT            :0.4.0.1862.1.4' \
            'OBJECT            :0.4.0.1862.1.6' 'OBJECT            :0.4.0.1862.1.6.1' \
            'OBJECT            :0.4.0.1862.1.5' 'IA5STRING         :https://127.0.0.1:1/pds/en' \
            'PRINTABLESTRING   :en' 'PRINTABLESTRING   :tr' 'OBJECT            :0.4.0.1862.1.7' \
            'PRINTABLESTRING   :TR' 'OBJECT            :2.16.792.1.61.0.1.5070.1.1' \
            'UTF8STRING        :Bu sertifika, 5070 sayılı Elektronik İmza Kanununa göre nitelikli elektronik sertifikadır.'; do
  if grep -qF -- "$want" "$T/qc.txt"; then ok "qcStatements DER has $want"; else nok "qcStatements DER has $want" "$(cat "$T/qc.txt")"; fi
done
if grep -qF ':0.4.0.194121.1.1' "$T/qc.txt"; then nok "tr form: no semanticsId-Natural statement" "$(cat "$T/qc.txt")"
else ok "tr form: no semanticsId-Natural statement"; fi
openssl x509 -in "$T/e.pem" -outform DER -out "$T/e.der"
qe_off=$(openssl asn1parse -inform DER -in "$T/e.der" | grep -A2 'qcStatements' | grep 'OCTET STRING' | head -1 | cut -d: -f1 | tr -d ' ')
if openssl asn1parse -inform DER -in "$T/e.der" -strparse "$qe_off" | grep -qF 'OBJECT            :0.4.0.194121.1.1'; then
  ok "etsi form: semanticsId-Natural statement"; else nok "etsi form: semanticsId-Natural statement"; fi
if [ "$(grep -c ':0.4.0.1862.1.6$' "$T/qc.txt")" = 1 ] && ! openssl x509 -in "$T/a.pem" -noout -text | grep -q 'qcStatements: critical'; then
  ok "one QcType statement, qcStatements not critical"; else nok "one QcType statement, qcStatements not critical"; fi
check "certificatePolicies: the configured policies, the first with CPS and user notice, then QCP-n-qscd" bash -c \
  "openssl x509 -in $T/a.pem -noout -ext certificatePolicies | tr -d '\n' | sed 's/  */ /g' |
   grep -q 'Policy: $POLICY CPS: http://127.0.0.1:1/cps User Notice: Explicit Text: Bu sertifika, 5070 sayılı Elektronik İmza Kanununa göre nitelikli elektronik sertifikadır. Policy: 1.3.6.1.4.1.99999.1.2 Policy: 0.4.0.194112.1.2'"
check "AIA has OCSP and caIssuers; CRL DP present" bash -c \
  "openssl x509 -in $T/a.pem -noout -text | grep -q 'OCSP - URI:http://127.0.0.1:1/ocsp' &&
   openssl x509 -in $T/a.pem -noout -text | grep -q 'CA Issuers - URI:http://127.0.0.1:1/repo/issuing.crt' &&
   openssl x509 -in $T/a.pem -noout -text | grep -q 'URI:http://127.0.0.1:1/repo/issuing.crl'"

csr "$T/p.csr" rsa:2048
check "passport holder gets serialNumber PAS<country>-<no>" bash -c \
  "$(printf '%q ' "$NITELIK") cert issue --data $D --config $D/nitelik.conf --csr $T/p.csr --out $T/p.pem --given John --surname Smith --passport DE-C01X00T47 &&
   openssl x509 -in $T/p.pem -noout -subject | grep -q 'serialNumber = PASDE-C01X00T47'"
epoch() { date -u -d "$(openssl x509 -in "$1" -noout "-$2" | cut -d= -f2)" +%s; }   # cert, startdate|enddate
plus_years() { date -u -d "$(date -u -d "@$1" +%Y-%m-%dT%H:%M:%S) +0000 + $2 years" +%s; }   # epoch, years
NB=$(epoch "$T/a.pem" startdate); NA=$(epoch "$T/a.pem" enddate)
check "validity: notAfter = notBefore + 2 whole years - 1 s (the default --years 2)" [ "$NA" = $(( $(plus_years "$NB" 2) - 1 )) ]
check "validity: notBefore is now" [ $(( $(date +%s) - NB )) -lt 120 ]
check "renewal for --years 1" issue "$T/a.csr" "$T/r.pem" --given Ayşe --surname Yılmaz --tckn 10000000146 --renew "$SA" --years 1
RB=$(epoch "$T/r.pem" startdate); RA=$(epoch "$T/r.pem" enddate)
check "renewal starts the second after the old certificate ends" [ "$RB" = $((NA + 1)) ]
check "renewal ends 1 whole year - 1 s later" [ "$RA" = $(( $(plus_years "$RB" 1) - 1 )) ]
refuse "--years outside 1..3 is a usage error" "usage" issue "$T/a.csr" "$T/x.pem" --given A --surname B --tckn 10000000146 --years 4
printf '[ca]\npolicy_oids = %s\n' "$POLICY" > "$T/prod.conf"
refuse "--days is refused outside demo mode" "allowed only in demo mode" \
  issue "$T/a.csr" "$T/x.pem" --given A --surname B --tckn 10000000146 --days 30 --config "$T/prod.conf"

# Refusals.
csr "$T/a2.csr" ec -pkeyopt ec_paramgen_curve:P-256
sed '3s/[A-Za-z]/A/g' "$T/a2.csr" > "$T/bad.csr"   # one CSR line altered: the signature fails
refuse "a CSR with a bad signature is refused" "signature does not verify" issue "$T/bad.csr" "$T/x.pem" --given A --surname B --tckn 10000000146
csr "$T/weak.csr" rsa:1024
refuse "RSA 1024 is refused by the linter" "RSA shorter than 2048" issue "$T/weak.csr" "$T/x.pem" --given A --surname B --tckn 10000000146
csr "$T/k1.csr" ec -pkeyopt ec_paramgen_curve:secp256k1
refuse "an unsupported curve is refused by the linter" "unsupported curve" issue "$T/k1.csr" "$T/x.pem" --given A --surname B --tckn 10000000146
if grep -q '"signer":"certificate","serial":"[0-9A-F]*","result":"signed"' "$T/signer.log" &&
   grep -q '"signer":"certificate",.*"result":"invalid_input","failures":[1-9]' "$T/signer.log"; then
  ok "the signer logs every certificate it signs or refuses"; else nok "the signer logs its decisions" "$(cat "$T/signer.log")"; fi
refuse "a bad T.C. number is refused" "not valid" issue "$T/a.csr" "$T/x.pem" --given A --surname B --tckn 0123
refuse "validity beyond the issuing CA is refused" "ends after the issuer" issue "$T/a.csr" "$T/x.pem" --given A --surname B --tckn 10000000146 --days 4000

# Directory, status changes, CRL, OCSP.
check "public directory finds the published holder by name" bash -c "$(printf '%q ' "$NITELIK") cert search --data $D yılmaz | grep -q $SA"
check "public directory finds the holder by e-mail" bash -c "$(printf '%q ' "$NITELIK") cert search --data $D AYSE@example.com | grep -q $SA"
if "$NITELIK" cert search --data "$D" Smith | grep -q serial; then nok "unpublished holder stays out of the directory"; else ok "unpublished holder stays out of the directory"; fi
SP=$(serial_of "$T/p.pem"); SR=$(serial_of "$T/r.pem")
check "suspend" "$NITELIK" cert suspend --data "$D" "$SP"
check "release" "$NITELIK" cert release --data "$D" "$SP"
refuse "release of a good certificate is refused" "invalid_transition" "$NITELIK" cert release --data "$D" "$SP"
check "revoke with reason keyCompromise" "$NITELIK" cert revoke --data "$D" "$SA" --reason keyCompromise
refuse "revoking twice is refused" "invalid_transition" "$NITELIK" cert revoke --data "$D" "$SA" --reason superseded
check "suspend the renewal certificate (hold)" "$NITELIK" cert suspend --data "$D" "$SR"
sleep 1   # status changes and CRLs are timed in seconds: keep them apart
check "publish a CRL" "$NITELIK" ca crl --data "$D"
check "openssl crl verifies the CRL with the issuing CA" bash -c "openssl crl -inform DER -in $D/repo/issuing.crl -CAfile $T/iss.pem -noout 2>&1 | grep -q 'verify OK'"
openssl crl -inform DER -in "$D/repo/issuing.crl" -noout -text > "$T/crl.txt"
check "CRL lists the revoked serial with keyCompromise, the held one with certificateHold, CRL number 1" bash -c \
  "grep -A4 'Serial Number: $SA' $T/crl.txt | grep -q 'Key Compromise' && grep -A4 'Serial Number: $SR' $T/crl.txt | grep -q 'Certificate Hold' &&
   ! grep -q 'Serial Number: $SP' $T/crl.txt && grep -A1 'CRL Number' $T/crl.txt | grep -q ' 1\$'"
check "the CRL worker does not renew a fresh CRL" bash -c "$(printf '%q ' "$NITELIK") ca crl-tick --data $D && [ \$(sqlite3 $D/nitelik.db 'select count(*) from crls where base_number is null') = 1 ]"
sleep 1   # status changes are timed in seconds
check "the CRL worker renews the CRL after a status change" bash -c "$(printf '%q ' "$NITELIK") cert release --data $D $SR &&
  $(printf '%q ' "$NITELIK") ca crl-tick --data $D && [ \$(sqlite3 $D/nitelik.db 'select count(*) from crls where base_number is null') = 2 ] &&
  ! openssl crl -inform DER -in $D/repo/issuing.crl -noout -text | grep -q 'Serial Number: $SR' &&
  $(printf '%q ' "$NITELIK") cert suspend --data $D $SR"

ocsp_ask() { # cert, out, extra openssl args
  local c=$1 o=$2; shift 2
  openssl ocsp -issuer "$T/iss.pem" -cert "$c" -reqout "$T/req.der" "$@" >/dev/null 2>&1 &&
  "$NITELIK" ca ocsp-answer --data "$D" --in "$T/req.der" --out "$o" >/dev/null &&
  openssl ocsp -respin "$o" -issuer "$T/iss.pem" -cert "$c" -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1
}
out=$(ocsp_ask "$T/p.pem" "$T/r1.der" -no_nonce)
if grep -q 'Response verify OK' <<<"$out" && grep -q ': good' <<<"$out"; then ok "OCSP: good, responder signature verifies"; else nok "OCSP: good" "$out"; fi
out=$(ocsp_ask "$T/a.pem" "$T/r2.der" -no_nonce)
if grep -q 'Response verify OK' <<<"$out" && grep -q ': revoked' <<<"$out" && grep -q 'Reason: keyCompromise' <<<"$out"; then
  ok "OCSP: revoked with time and reason"; else nok "OCSP: revoked" "$out"; fi
# A serial of our issuing CA that the database does not know.
openssl ocsp -issuer "$T/iss.pem" -serial 0x0123456789ABCDEF01 -reqout "$T/req.der" -no_nonce >/dev/null 2>&1
"$NITELIK" ca ocsp-answer --data "$D" --in "$T/req.der" --out "$T/r3.der" >/dev/null
out=$(openssl ocsp -respin "$T/r3.der" -issuer "$T/iss.pem" -serial 0x0123456789ABCDEF01 -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1)
if grep -q 'Response verify OK' <<<"$out" && grep -q ': unknown' <<<"$out"; then ok "OCSP: unknown serial"; else nok "OCSP: unknown serial" "$out"; fi
openssl ocsp -issuer "$T/iss.pem" -cert "$T/p.pem" -reqout "$T/reqn.der" >/dev/null 2>&1
"$NITELIK" ca ocsp-answer --data "$D" --in "$T/reqn.der" --out "$T/rn.der" >/dev/null
out=$(openssl ocsp -reqin "$T/reqn.der" -respin "$T/rn.der" -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1)
if grep -q 'Response verify OK' <<<"$out" && ! grep -qi 'nonce' <<<"$out"; then ok "OCSP: nonce echoed"; else nok "OCSP: nonce echoed" "$out"; fi
openssl ocsp -issuer "$T/iss.pem" -sha256 -cert "$T/p.pem" -reqout "$T/req256.der" -no_nonce >/dev/null 2>&1
"$NITELIK" ca ocsp-answer --data "$D" --in "$T/req256.der" --out "$T/r256.der" >/dev/null
out=$(openssl ocsp -respin "$T/r256.der" -issuer "$T/iss.pem" -sha256 -cert "$T/p.pem" -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1)
if grep -q 'Response verify OK' <<<"$out" && grep -q ': good' <<<"$out"; then ok "OCSP: a SHA-256 CertID is answered"; else nok "OCSP: SHA-256 CertID" "$out"; fi
openssl ocsp -issuer "$T/iss.pem" -md5 -cert "$T/p.pem" -reqout "$T/reqmd5.der" -no_nonce >/dev/null 2>&1
"$NITELIK" ca ocsp-answer --data "$D" --in "$T/reqmd5.der" --out "$T/rmd5.der" >/dev/null
check "OCSP: an unknown hash (MD5 CertID) gets malformedRequest" bash -c "openssl ocsp -respin $T/rmd5.der -resp_text -noverify 2>&1 | grep -q 'malformedrequest'"
head -c 300 /dev/urandom > "$T/garbage.der"
"$NITELIK" ca ocsp-answer --data "$D" --in "$T/garbage.der" --out "$T/rg.der" >/dev/null
check "OCSP: garbage gets malformedRequest" bash -c "openssl ocsp -respin $T/rg.der -resp_text -noverify 2>&1 | grep -q 'malformedrequest'"
head -c 5000 /dev/zero > "$T/big.der"
"$NITELIK" ca ocsp-answer --data "$D" --in "$T/big.der" --out "$T/rb.der" >/dev/null
check "OCSP: oversize request gets malformedRequest" bash -c "openssl ocsp -respin $T/rb.der -resp_text -noverify 2>&1 | grep -q 'malformedrequest'"
openssl ocsp -issuer "$T/root.pem" -cert "$T/iss.pem" -reqout "$T/reqo.der" -no_nonce >/dev/null 2>&1
"$NITELIK" ca ocsp-answer --data "$D" --in "$T/reqo.der" --out "$T/ro.der" >/dev/null
check "OCSP: a certificate of another CA gets unauthorized" bash -c "openssl ocsp -respin $T/ro.der -resp_text -noverify 2>&1 | grep -q 'unauthorized'"
check "OCSP: pre-signing covers every certificate" bash -c "$(printf '%q ' "$NITELIK") ca ocsp-refresh --data $D | grep -q 'pre-signed 4'"
out=$(ocsp_ask "$T/p.pem" "$T/r4.der" -no_nonce)
if grep -q 'Response verify OK' <<<"$out" && grep -q ': good' <<<"$out" && sqlite3 "$D/nitelik.db" "select writefile('$T/cached.der', der) from ocsp_responses where serial='$SP'" >/dev/null && cmp -s "$T/r4.der" "$T/cached.der"; then
  ok "OCSP: answered from the pre-signed cache"; else nok "OCSP: answered from the pre-signed cache" "$out"; fi
# The responder's certificate renews itself (the OCSP worker, --if-due) or by hand.
OLD_OCSP=$(openssl x509 -in "$D/ca/ocsp.pem" -noout -serial)
check "ocsp-cert renew --if-due: a fresh responder certificate is not due" bash -c \
  "$(printf '%q ' "$NITELIK") ca ocsp-cert renew --data $D --if-due | grep -q 'not due'"
check "ocsp-cert renew: a new responder certificate, same subject and key" bash -c \
  "$(printf '%q ' "$NITELIK") ca ocsp-cert renew --data $D | grep -q 'renewed' &&
   [ \"\$(openssl x509 -in $D/ca/ocsp.pem -noout -serial)\" != '$OLD_OCSP' ] &&
   openssl x509 -in $D/ca/ocsp.pem -noout -text | grep -q 'OCSP No Check' &&
   openssl verify -x509_strict -CAfile $T/root.pem -untrusted $T/iss.pem $D/ca/ocsp.pem"
# signed live: its pre-signed answer (made with the old certificate) dropped
sqlite3 "$D/nitelik.db" "delete from ocsp_responses where serial='$SP'"
out=$(ocsp_ask "$T/p.pem" "$T/r5.der" -no_nonce)
RESP_CERT=$(openssl ocsp -respin "$T/r5.der" -resp_text -noverify 2>/dev/null | sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' | openssl x509 -noout -serial 2>/dev/null)
if grep -q 'Response verify OK' <<<"$out" && [ "$RESP_CERT" = "$(openssl x509 -in "$D/ca/ocsp.pem" -noout -serial)" ]; then
  ok "the running signer answers with the renewed responder certificate"
else nok "the running signer answers with the renewed responder certificate" "$out"; fi
# Delta CRLs (RFC 5280 5.2.4): named in freshestCRL, removeFromCRL for a
# released suspension, accepted and refused by openssl verify -use_deltas.
check "issued certificates and the complete CRL name the delta CRL in freshestCRL" bash -c \
  "openssl x509 -in $T/a.pem -noout -text | grep -A2 'Freshest CRL' | grep -q 'URI:http://127.0.0.1:1/repo/issuing-delta.crl' &&
   ! openssl x509 -in $T/a.pem -noout -text | grep -q 'Freshest CRL: critical' &&
   openssl crl -inform DER -in $D/repo/issuing.crl -noout -text | grep -A2 'Freshest CRL' | grep -q 'URI:http://127.0.0.1:1/repo/issuing-delta.crl'"
check "a complete CRL is followed by a delta CRL numbered after it" bash -c \
  "$(printf '%q ' "$NITELIK") ca crl --data $D >/dev/null && [ -s $D/repo/issuing-delta.crl ] &&
   [ \$(sqlite3 $D/nitelik.db 'select max(crl_number) from crls where base_number is not null') -gt \$(sqlite3 $D/nitelik.db 'select max(crl_number) from crls where base_number is null') ]"
openssl crl -inform DER -in "$D/repo/issuing.crl" -out "$T/base.crl"   # lists $SR on hold
sleep 1
check "release the held certificate and publish a delta CRL on demand" bash -c \
  "$(printf '%q ' "$NITELIK") cert release --data $D $SR && $(printf '%q ' "$NITELIK") ca crl --data $D --delta | grep -q 'delta CRL published'"
openssl crl -inform DER -in "$D/repo/issuing-delta.crl" -out "$T/delta.crl"
openssl crl -in "$T/delta.crl" -noout -text > "$T/delta.txt"
check "openssl crl -text: the delta verifies, has a critical deltaCRLIndicator and removeFromCRL for the released one" bash -c \
  "openssl crl -in $T/delta.crl -CAfile $T/iss.pem -noout 2>&1 | grep -q 'verify OK' &&
   grep -A1 'Delta CRL Indicator: critical' $T/delta.txt | grep -q '[0-9]' &&
   grep -A4 'Serial Number: $SR' $T/delta.txt | grep -q 'Remove From CRL' && ! grep -q 'Freshest CRL' $T/delta.txt"
check "openssl verify -crl_check: the complete CRL alone still says the released certificate is on hold" bash -c \
  "! openssl verify -no_check_time -crl_check -CAfile $T/root.pem -untrusted $T/iss.pem -CRLfile $T/base.crl $T/r.pem >$T/v.txt 2>&1 && grep -q 'revoked' $T/v.txt"
# (the renewal certificate starts when the first one ends: -no_check_time)
check "openssl verify -crl_check -use_deltas: with the delta the released certificate is good" \
  openssl verify -no_check_time -crl_check -use_deltas -CAfile "$T/root.pem" -untrusted "$T/iss.pem" -CRLfile "$T/base.crl" -CRLfile "$T/delta.crl" "$T/r.pem"
check "issue a certificate to revoke after the complete CRL" issue "$T/a.csr" "$T/dl.pem" --given Deniz --surname Kaya --tckn 10000000146
SD=$(serial_of "$T/dl.pem")
"$NITELIK" ca crl --data "$D" >/dev/null && openssl crl -inform DER -in "$D/repo/issuing.crl" -out "$T/base2.crl"
sleep 1
check "revoke it and publish a delta CRL" bash -c \
  "$(printf '%q ' "$NITELIK") cert revoke --data $D $SD --reason keyCompromise && $(printf '%q ' "$NITELIK") ca crl --data $D --delta >/dev/null"
openssl crl -inform DER -in "$D/repo/issuing-delta.crl" -out "$T/delta2.crl"
check "openssl verify -crl_check: the complete CRL alone does not know the new revocation" \
  openssl verify -crl_check -CAfile "$T/root.pem" -untrusted "$T/iss.pem" -CRLfile "$T/base2.crl" "$T/dl.pem"
check "openssl verify -crl_check -use_deltas: the delta refuses the certificate revoked since" bash -c \
  "! openssl verify -crl_check -use_deltas -CAfile $T/root.pem -untrusted $T/iss.pem -CRLfile $T/base2.crl -CRLfile $T/delta2.crl $T/dl.pem >$T/v.txt 2>&1 &&
   grep -q 'certificate revoked' $T/v.txt"
if grep -q '"signer":"delta-crl",.*"result":"signed"' "$T/signer.log"; then ok "the signer lints and logs the delta CRLs it signs"
else nok "the signer lints and logs the delta CRLs it signs" "$(cat "$T/signer.log")"; fi
sleep 1   # a status change in a CRL's own second makes the next tick renew it
check "the CRL worker leaves a fresh delta alone" bash -c \
  "$(printf '%q ' "$NITELIK") ca crl-tick --data $D && n=\$(sqlite3 $D/nitelik.db 'select count(*) from crls'); sleep 1; $(printf '%q ' "$NITELIK") ca crl-tick --data $D && [ \$(sqlite3 $D/nitelik.db 'select count(*) from crls') = \$n ]"
check "the CRL worker makes a delta when the newest is due" bash -c \
  "sqlite3 $D/nitelik.db 'update crls set next_update = 1 where base_number is not null' &&
   n=\$(sqlite3 $D/nitelik.db 'select count(*) from crls where base_number is not null') &&
   $(printf '%q ' "$NITELIK") ca crl-tick --data $D && [ \$(sqlite3 $D/nitelik.db 'select count(*) from crls where base_number is not null') = \$((n + 1)) ]"
printf '[demo]\nenabled = true\n[ca]\npolicy_oids = %s\ndelta_crl = false\n' "$POLICY" > "$T/nodelta.conf"
check "[ca] delta_crl = false: no freshestCRL, and crl --delta is refused" bash -c \
  "$(printf '%q ' "$NITELIK") cert issue --data $D --config $T/nodelta.conf --csr $T/a.csr --out $T/nd.pem --given A --surname B --tckn 10000000146 &&
   ! openssl x509 -in $T/nd.pem -noout -text | grep -q 'Freshest CRL' &&
   ! $(printf '%q ' "$NITELIK") ca crl --data $D --config $T/nodelta.conf --delta 2>$T/nd.err && grep -q 'delta_crl = false' $T/nd.err"
# Over HTTP: nitelikd on the same data folder.
if [ -n "$NITELIKD" ]; then
  printf '[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\n' "$D" > "$T/n.conf"
  refuse "nitelikd --check-config: a CA without a configured policy outside demo mode" "ca.policy_oids: no certificate policy" \
    "$NITELIKD" --config "$T/n.conf" --check-config
  printf '[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\n[ca]\npolicy_oids = %s\n' "$D" "$POLICY" > "$T/n2.conf"
  refuse "nitelikd --check-config: a loopback CA base URL outside demo mode" "loopback or private" \
    "$NITELIKD" --config "$T/n2.conf" --check-config
  printf '[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\n[demo]\nenabled = true\n[ca]\npolicy_oids = %s\ncps_file = %s/none.pdf\n' "$D" "$POLICY" "$T" > "$T/n3.conf"
  refuse "nitelikd --check-config: a missing CPS document" "ca.cps_file" "$NITELIKD" --config "$T/n3.conf" --check-config
  printf '[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\n[demo]\nenabled = true\n[ca]\npolicy_oids = %s\n' "$D" "$POLICY" > "$T/n4.conf"
  check "nitelikd --check-config: a configured demo CA" "$NITELIKD" --config "$T/n4.conf" --check-config
  : > "$T/httpd.err"
  "$NITELIKD" --config "$T/n.conf" 2> "$T/httpd.err" & HTTPD_PID=$!
  for _ in $(seq 200); do grep -q 'listening on' "$T/httpd.err" && break; sleep 0.05; done
  P=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$T/httpd.err" | head -1)
  U=http://127.0.0.1:$P
  check "GET /repo/root.crt serves the root certificate as DER" bash -c \
    "curl -sf $U/repo/root.crt -o $T/h_root.crt && cmp -s $T/h_root.crt $D/repo/root.crt &&
     curl -sI $U/repo/root.crt | grep -qi '^content-type: application/pkix-cert'"
  check "GET /repo/issuing.crl serves a CRL that verifies" bash -c \
    "curl -sf $U/repo/issuing.crl | openssl crl -inform DER -CAfile $T/iss.pem -noout 2>&1 | grep -q 'verify OK'"
  check "GET /repo/issuing-delta.crl (the freshestCRL URL) serves the delta CRL as application/pkix-crl" bash -c \
    "curl -sf $U/repo/issuing-delta.crl | openssl crl -inform DER -CAfile $T/iss.pem -noout 2>&1 | grep -q 'verify OK' &&
     curl -sI $U/repo/issuing-delta.crl | grep -qi '^content-type: application/pkix-crl' &&
     curl -sI $U/repo/issuing-delta.crl | grep -qi '^cache-control: .*max-age=300'"
  check "GET /repo/ answers 404 for anything else" bash -c \
    "[ \$(curl -s -o /dev/null -w '%{http_code}' $U/repo/pin) = 404 ] && [ \$(curl -s -o /dev/null -w '%{http_code}' $U/repo/..%2Fca%2Fpin) = 404 ]"
  out=$(openssl ocsp -issuer "$T/iss.pem" -cert "$T/p.pem" -url "$U/ocsp" -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1)
  if grep -q 'Response verify OK' <<<"$out" && grep -q ': good' <<<"$out" && ! grep -qi 'nonce' <<<"$out"; then
    ok "POST /ocsp with openssl ocsp -url: good, nonce checked"; else nok "POST /ocsp with openssl ocsp -url" "$out"; fi
  out=$(openssl ocsp -issuer "$T/iss.pem" -cert "$T/a.pem" -url "$U/ocsp" -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1)
  if grep -q ': revoked' <<<"$out" && grep -q 'keyCompromise' <<<"$out"; then
    ok "POST /ocsp: revoked with reason"; else nok "POST /ocsp: revoked with reason" "$out"; fi
  openssl ocsp -issuer "$T/iss.pem" -cert "$T/p.pem" -no_nonce -reqout "$T/g.der" >/dev/null 2>&1
  G=$(base64 -w0 "$T/g.der" | python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read(), safe=""))')
  curl -s -D "$T/g.h" -o "$T/g.resp" "$U/ocsp/$G"
  out=$(openssl ocsp -respin "$T/g.resp" -issuer "$T/iss.pem" -cert "$T/p.pem" -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1)
  if grep -q ': good' <<<"$out" && grep -qi '^cache-control: max-age=[0-9]*, public, no-transform, must-revalidate' "$T/g.h" &&
     grep -qi '^last-modified: ' "$T/g.h" && grep -qi '^expires: ' "$T/g.h" && grep -qi '^etag: ' "$T/g.h"; then
    ok "GET /ocsp/<base64>: good, with RFC 5019 caching headers"; else nok "GET /ocsp/<base64>" "$out $(cat "$T/g.h")"; fi
  check "GET /ocsp/<garbage> gets malformedRequest" bash -c "curl -s $U/ocsp/AAAA | openssl ocsp -respin /dev/stdin -resp_text -noverify 2>&1 | grep -q malformedrequest"
  check "POST /ocsp with another content type gets 415" bash -c \
    "[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: text/plain' --data-binary @$T/g.der $U/ocsp) = 415 ]"
  check "GET /dizin finds the published holder" bash -c "curl -sf '$U/dizin?q=y%C4%B1lmaz' | grep -q $SA"
  check "GET /dizin/<serial>.pem downloads a published certificate" bash -c \
    "curl -sf $U/dizin/$SA.pem | openssl x509 -noout -serial | grep -q $SA && curl -sf $U/dizin/$SA.der | openssl x509 -inform DER -noout"
  check "GET /dizin/<serial>.pem of an unpublished certificate is 404" bash -c \
    "[ \$(curl -s -o /dev/null -w '%{http_code}' $U/dizin/$SP.pem) = 404 ]"
  check "GET /readyz: 200, the CA signs" bash -c \
    "[ \$(curl -s -o $T/ready.txt -w '%{http_code}' $U/readyz) = 200 ] && grep -q 'ca: ok' $T/ready.txt"
  stop_signer
  check "GET /readyz: 503 when the signer is down, /healthz stays 200" bash -c \
    "[ \$(curl -s -o $T/ready.txt -w '%{http_code}' $U/readyz) = 503 ] && grep -q 'ca: cannot sign' $T/ready.txt &&
     [ \$(curl -s -o /dev/null -w '%{http_code}' $U/healthz) = 200 ]"
  out=$(openssl ocsp -issuer "$T/iss.pem" -cert "$T/p.pem" -url "$U/ocsp" -noverify 2>&1)
  if grep -qi 'trylater' <<<"$out"; then ok "OCSP with a nonce and no signer: tryLater"; else nok "OCSP with no signer: tryLater" "$out"; fi
  curl -s -o "$T/g2.resp" "$U/ocsp/$G"
  if openssl ocsp -respin "$T/g2.resp" -issuer "$T/iss.pem" -cert "$T/p.pem" -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1 | grep -q ': good'; then
    ok "OCSP without a signer: the pre-signed cache still answers"; else nok "OCSP without a signer: cache"; fi
  kill "$HTTPD_PID"; wait "$HTTPD_PID" 2>/dev/null; HTTPD_PID=
fi
check "audit chain has the certificate changes" bash -c "[ \$(sqlite3 $D/nitelik.db \"select count(*) from audit_log where entity='certificate'\") -ge 7 ]"
stop_signer

# The same use cases on PostgreSQL (NL_TEST_PG_URL from scripts/test.sh).
if [ -n "${NL_TEST_PG_URL:-}" ] && [ "$NL_TEST_PG_URL" != unavailable ] && command -v psql >/dev/null; then
  PGDB=nl_pki_e2e_$$
  if psql "$NL_TEST_PG_URL" -qc "CREATE DATABASE $PGDB" >/dev/null 2>&1; then
    PGURL=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$NL_TEST_PG_URL" "$PGDB")
    if start_signer "$D"; then
      check "PostgreSQL: issue" bash -c "$(printf '%q ' "$NITELIK") cert issue --data $D --db '$PGURL' --csr $T/a.csr --out $T/pg.pem --given Ayşe --surname Yılmaz --tckn 10000000146 --publish --email pg@example.com"
      SG=$(serial_of "$T/pg.pem")
      check "PostgreSQL: suspend, release, revoke" bash -c "$(printf '%q ' "$NITELIK") cert suspend --data $D --db '$PGURL' $SG &&
        $(printf '%q ' "$NITELIK") cert release --data $D --db '$PGURL' $SG && $(printf '%q ' "$NITELIK") cert revoke --data $D --db '$PGURL' $SG --reason superseded"
      check "PostgreSQL: directory search" bash -c "$(printf '%q ' "$NITELIK") cert search --data $D --db '$PGURL' PG@example.com | grep -q $SG"
      check "PostgreSQL: CRL lists the revoked certificate" bash -c "$(printf '%q ' "$NITELIK") ca crl --data $D --db '$PGURL' >/dev/null &&
        openssl crl -inform DER -in $D/repo/issuing.crl -noout -text | grep -A4 'Serial Number: $SG' | grep -q Superseded"
      openssl ocsp -issuer "$T/iss.pem" -cert "$T/pg.pem" -reqout "$T/pgq.der" -no_nonce >/dev/null 2>&1
      "$NITELIK" ca ocsp-answer --data "$D" --db "$PGURL" --in "$T/pgq.der" --out "$T/pgr.der" >/dev/null
      out=$(openssl ocsp -respin "$T/pgr.der" -issuer "$T/iss.pem" -cert "$T/pg.pem" -CAfile "$T/root.pem" -verify_other "$T/iss.pem" 2>&1)
      if grep -q ': revoked' <<<"$out" && grep -q 'Response verify OK' <<<"$out"; then ok "PostgreSQL: OCSP revoked"; else nok "PostgreSQL: OCSP revoked" "$out"; fi
      check "PostgreSQL: OCSP pre-signing" bash -c "$(printf '%q ' "$NITELIK") ca ocsp-refresh --data $D --db '$PGURL' | grep -q 'pre-signed 1'"
      stop_signer
    else nok "PostgreSQL: signer starts"; fi
    psql "$NL_TEST_PG_URL" -qc "DROP DATABASE $PGDB" >/dev/null 2>&1
  else nok "PostgreSQL: create a test database" ; fi
fi

# The other key options.
mkdir -p "$T/ext/tokens"
printf 'directories.tokendir = %s/ext/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" > "$T/ext/softhsm2.conf"
echo 123456 > "$T/ext/pin"
if SOFTHSM2_CONF=$T/ext/softhsm2.conf softhsm2-util --init-token --free --label hsm1 --pin 123456 --so-pin 654321 >/dev/null; then
  check "ca init on an existing token (--pkcs11-module --token --pin-file)" env SOFTHSM2_CONF="$T/ext/softhsm2.conf" \
    "$NITELIK" ca init --data "$T/e" --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --token hsm1 --pin-file "$T/ext/pin"
  if command -v pkcs11-tool >/dev/null; then
    check "token keys are sensitive and never extractable" bash -c \
      "[ \$(SOFTHSM2_CONF=$T/ext/softhsm2.conf pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label hsm1 --login --pin 123456 -O 2>/dev/null | grep -c 'sensitive, always sensitive, never extractable') = 3 ]"
  fi
  refuse "ca init with a wrong PIN is refused" "unauthorized" env SOFTHSM2_CONF="$T/ext/softhsm2.conf" bash -c \
    "echo 000000 > $T/ext/bad && $(printf '%q ' "$NITELIK") ca init --data $T/e2 --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --token hsm1 --pin-file $T/ext/bad"
else nok "softhsm2-util makes a token"; fi
check "ca init with demo key files and RSA 3072" "$NITELIK" ca init --data "$T/f" --key-file-demo --key-type rsa3072
check "demo key files are mode 0600" bash -c "[ \$(stat -c %a $T/f/ca/issuing.key) = 600 ]"
if start_signer "$T/f"; then
  check "RSA 3072 CA issues a certificate that verifies" bash -c \
    "$(printf '%q ' "$NITELIK") cert issue --data $T/f --config $D/nitelik.conf --csr $T/a.csr --out $T/f.pem --given A --surname B --tckn 10000000146 &&
     openssl x509 -inform DER -in $T/f/repo/root.crt -out $T/froot.pem && openssl x509 -inform DER -in $T/f/repo/issuing.crt -out $T/fiss.pem &&
     openssl verify -x509_strict -policy_check -policy 0.4.0.194112.1.2 -CAfile $T/froot.pem -untrusted $T/fiss.pem $T/f.pem"
  stop_signer
  cp -a "$T/f" "$T/g" && cp "$T/g/ca/issuing.pem" "$T/g/ca/ocsp.pem"
  refuse "the signer refuses keys that do not match their certificates" "config_error" "$SIGNER" --demo --data "$T/g"
  check "revoke the issuing CA" "$NITELIK" ca revoke-issuing --data "$T/f"
  check "the root CRL lists the issuing CA with cACompromise" bash -c \
    "openssl crl -inform DER -in $T/f/repo/root.crl -noout -text | grep -A4 \"\$(openssl x509 -in $T/fiss.pem -noout -serial | cut -d= -f2)\" | grep -q 'CA Compromise'"
  refuse "the signer refuses to run for a revoked issuing CA" "revokes the issuing CA" "$SIGNER" --demo --data "$T/f"
  check "renewing the root CRL keeps the revocation" bash -c "$(printf '%q ' "$NITELIK") ca root-crl --data $T/f | grep -q 'lists the issuing CA' &&
    openssl crl -inform DER -in $T/f/repo/root.crl -CAfile $T/froot.pem -noout 2>&1 | grep -q 'verify OK'"
  check "renewing the root CRL of a sound CA keeps it empty" bash -c "SOFTHSM2_CONF=$T/ext/softhsm2.conf $(printf '%q ' "$NITELIK") ca root-crl --data $T/e | grep -q 'renewed, empty'"
else nok "signer starts on the demo key files" "$(cat "$T/signer.log")"; fi
echo "1..$n"
[ "$failed" = 0 ]
