#!/usr/bin/env bash
# Audit checkpoints end to end, TAP (docs/audit.md): a CA and its signer, the
# trail written by certificate changes, `nitelik audit checkpoint` signing the
# head through the signer (the signature checked with openssl), nitelikd's
# periodic job writing one by itself and serving them under /repo/, and
# `nitelik audit verify` catching a tail cut below a checkpoint (head moved
# back, rows put back), a forged checkpoint and a row edited in place.
# Usage: audit_e2e.sh NITELIK NITELIK_SIGNER NITELIKD
set -u
NITELIK=${1:?nitelik}; SIGNER=${2:?nitelik-signer}; NITELIKD=${3:?nitelikd}
T=$(mktemp -d /tmp/nitelik-audit.XXXXXX)
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
fails() { # description, expected text, command... (must exit 1 and print the text)
  local d=$1 want=$2; shift 2
  local out st; out=$("$@" 2>&1); st=$?
  if [ "$st" = 1 ] && grep -qF -- "$want" <<<"$out"; then ok "$d"; else nok "$d (exit $st)" "$out"; fi
}
sql() { sqlite3 "$D/nitelik.db" "$1"; }

echo "TAP version 13"
check "ca init (demo key files)" "$NITELIK" ca init --data "$D" --key-file-demo --base-url http://127.0.0.1:1
"$SIGNER" --demo --data "$D" 2>"$T/signer.log" & SIGNER_PID=$!
for _ in $(seq 100); do [ -S "$D/ca/signer.sock" ] && break; sleep 0.05; done
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/a.key" -subj /CN=x -out "$T/a.csr" 2>/dev/null
# A demo CA: outside demo mode issuing needs the provider's own policy ([ca] in
# nitelik.conf, docs/ca.md), which this test of the audit trail has no use for.
printf '[demo]\nenabled = true\n' > "$T/demo.conf"
check "issue a certificate" "$NITELIK" cert issue --data "$D" --config "$T/demo.conf" --csr "$T/a.csr" --out "$T/a.pem" --given Ayşe --surname Yılmaz --tckn 10000000146
S=$(openssl x509 -in "$T/a.pem" -noout -serial | cut -d= -f2)
check "verify without checkpoints: OK" bash -c "$(printf '%q ' "$NITELIK") audit verify --data $D | grep -q '^audit chain OK'"
check "audit checkpoint signs the head" bash -c "$(printf '%q ' "$NITELIK") audit checkpoint --data $D | grep -q 'checkpoint at record'"
check "an unchanged head needs no second checkpoint" bash -c \
  "$(printf '%q ' "$NITELIK") audit checkpoint --data $D | grep -q 'no checkpoint needed' && [ \$(wc -l < $D/repo/audit-checkpoints) = 1 ]"
# The signature is the issuing key's over the line up to the signature.
line=$(tail -1 "$D/repo/audit-checkpoints")
printf '%s' "${line% *}" > "$T/msg"; printf '%s' "${line##* }" | base64 -d > "$T/sig"
openssl x509 -inform DER -in "$D/repo/issuing.crt" -pubkey -noout > "$T/iss.pub"
check "openssl verifies the checkpoint's signature with the issuing CA's key" \
  openssl dgst -sha384 -verify "$T/iss.pub" -signature "$T/sig" "$T/msg"
check "the checkpoint names the head: sequence and hash" bash -c \
  "[ \"\$(cut -d' ' -f2 <<<'$line')\" = \"\$(sqlite3 $D/nitelik.db 'select seq from audit_head')\" ] &&
   [ \"\$(cut -d' ' -f3 <<<'$line')\" = \"\$(sqlite3 $D/nitelik.db 'select lower(hex(hash)) from audit_head')\" ]"
check "revoke" "$NITELIK" cert revoke --data "$D" "$S" --reason superseded
check "a second checkpoint after the revocation" bash -c \
  "$(printf '%q ' "$NITELIK") audit checkpoint --data $D >/dev/null && [ \$(wc -l < $D/repo/audit-checkpoints) = 2 ]"
check "verify with the data folder's checkpoints: OK" bash -c \
  "$(printf '%q ' "$NITELIK") audit verify --data $D | grep -q '^audit chain OK (.* records, 2 checkpoints)'"

# nitelikd's job: a change after the last checkpoint gets one within the interval.
check "issue a second certificate after the last checkpoint" \
  "$NITELIK" cert issue --data "$D" --config "$T/demo.conf" --csr "$T/a.csr" --out "$T/b.pem" --given Ali --surname Kaya --tckn 10000000078
printf '[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\n[audit]\ncheckpoint_interval = 1\n' "$D" > "$T/n.conf"
: > "$T/httpd.err"
"$NITELIKD" --config "$T/n.conf" 2> "$T/httpd.err" & HTTPD_PID=$!
for _ in $(seq 200); do grep -q 'listening on' "$T/httpd.err" && break; sleep 0.05; done
P=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$T/httpd.err" | head -1)
U=http://127.0.0.1:$P
for _ in $(seq 300); do [ "$(wc -l < "$D/repo/audit-checkpoints")" -ge 3 ] && break; sleep 0.1; done
check "the periodic job signed the new head" bash -c \
  "[ \$(wc -l < $D/repo/audit-checkpoints) = 3 ] && [ \"\$(tail -1 $D/repo/audit-checkpoints | cut -d' ' -f2)\" = \"\$(sqlite3 $D/nitelik.db 'select seq from audit_head')\" ]"
check "GET /repo/audit-checkpoint serves the latest" bash -c \
  "curl -sf $U/repo/audit-checkpoint -o $T/h_cp && cmp -s $T/h_cp $D/repo/audit-checkpoint &&
   [ \"\$(cat $T/h_cp)\" = \"\$(tail -1 $D/repo/audit-checkpoints)\" ] &&
   curl -sI $U/repo/audit-checkpoint | grep -qi '^content-type: text/plain'"
check "GET /repo/audit-checkpoints serves them all" bash -c \
  "curl -sf $U/repo/audit-checkpoints -o $T/h_cps && cmp -s $T/h_cps $D/repo/audit-checkpoints"
kill "$HTTPD_PID"; wait "$HTTPD_PID" 2>/dev/null; HTTPD_PID=
check "verify: OK with 3 checkpoints" bash -c \
  "$(printf '%q ' "$NITELIK") audit verify --data $D | grep -q '3 checkpoints'"

# Cut the tail: the last record goes, the head moves back, the row is put
# back as the remaining record says. Only the checkpoint can tell.
cp "$D/nitelik.db" "$T/clean.db"
last=$(sql "select seq from audit_head")
SB=$(openssl x509 -in "$T/b.pem" -noout -serial | cut -d= -f2)
sql "delete from audit_log where seq = $last; delete from certificates where serial = '$SB';
     update audit_head set seq = $((last - 1)), hash = (select hash from audit_log where seq = $((last - 1)))"
: > "$T/none"
check "cut tail: the chain and rows alone look intact" bash -c \
  "$(printf '%q ' "$NITELIK") audit verify --data $D --checkpoints $T/none | grep -q '^audit chain OK'"
fails "cut tail: verify names the first missing record against the checkpoint" \
  "BROKEN at record $last: records missing" "$NITELIK" audit verify --data "$D"
cp "$T/clean.db" "$D/nitelik.db"
check "restored: OK again" "$NITELIK" audit verify --data "$D"

# A forged checkpoint (another sequence number under the old signature).
sed '1s/^\(nitelik-audit-checkpoint-v1\) [0-9]*/\1 999/' "$D/repo/audit-checkpoints" > "$T/forged"
fails "a forged checkpoint is refused" "checkpoints BROKEN at line 1" \
  "$NITELIK" audit verify --data "$D" --checkpoints "$T/forged"

# A row edited in place.
sql "update certificates set status = 'good', revoked_at = 0, reason = 0 where serial = '$S'"
fails "a certificate's status edited in place is named" "row changed without an audit record (certificate" \
  "$NITELIK" audit verify --data "$D"
kill "$SIGNER_PID"; wait "$SIGNER_PID" 2>/dev/null; SIGNER_PID=
echo "1..$n"
[ "$failed" = 0 ]
