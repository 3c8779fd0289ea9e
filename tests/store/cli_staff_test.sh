#!/usr/bin/env bash
# `nitelik institution|user|token` end to end on SQLite: adding, listing,
# generated and piped passwords, disabling, tokens shown once and stored
# hashed, and the exit statuses of mistakes. Prints TAP.
# Usage: cli_staff_test.sh NITELIK_BINARY
set -u
nitelik=$1
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check() { # description, command...
  local d=$1; shift
  if "$@"; then ok "$d"; else nok "$d"; fi
}
tmp=$(mktemp -d /tmp/nl-cli-staff.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export NITELIK_DB="sqlite:$tmp/t.db"
q() { sqlite3 "$tmp/t.db" "$1"; }

check "institution add" bash -c "'$nitelik' institution add --name 'Ankara İl Milli Eğitim Müdürlüğü' --registry-no 06-1 | grep -q '^institution 1 added'"
check "the same name again exits 1" bash -c "'$nitelik' institution add --name 'Ankara İl Milli Eğitim Müdürlüğü' 2>/dev/null; [ \$? = 1 ]"
check "institution list shows Turkish letters" bash -c "'$nitelik' institution list | grep -q 'Ankara İl Milli Eğitim Müdürlüğü'"
check "kurum without --institution exits 1" bash -c "'$nitelik' user add --role kurum --username ali 2>/dev/null; [ \$? = 1 ]"
check "unknown role is a usage error (2)" bash -c "'$nitelik' user add --role king --username ali 2>/dev/null; [ \$? = 2 ]"
out=$("$nitelik" user add --role kurum --institution 1 --username ayse)
pw=$(echo "$out" | sed -n 's/^password (shown only now): //p')
check "generated password printed once" test "${#pw}" = 16
check "only an argon2id hash is stored" test "$(q "SELECT COUNT(*) FROM users WHERE username = 'ayse' AND password_hash LIKE '\$argon2id\$%' AND password_hash NOT LIKE '%$pw%'")" = 1
check "password from stdin" bash -c "echo 'uzun-bir-parola' | '$nitelik' user add --role admin --username root --password-stdin | grep -q \"user 2 'root' added\""
check "a short password is refused" bash -c "echo 'kisa' | '$nitelik' user add --role ra --username kayit --password-stdin 2>/dev/null; [ \$? = 1 ]"
check "a bad user name is refused" bash -c "'$nitelik' user add --role ra --username 'Büyük Ad' 2>/dev/null; [ \$? = 1 ]"
check "a taken user name is refused" bash -c "'$nitelik' user add --role ra --username ayse 2>/dev/null; [ \$? = 1 ]"
check "passwd changes the hash" bash -c "before=\$(sqlite3 '$tmp/t.db' \"SELECT password_hash FROM users WHERE username='ayse'\"); echo 'yeni-uzun-parola' | '$nitelik' user passwd --username ayse --password-stdin >/dev/null && [ \"\$(sqlite3 '$tmp/t.db' \"SELECT password_hash FROM users WHERE username='ayse'\")\" != \"\$before\" ]"
check "passwd of nobody exits 1" bash -c "echo 'yeni-uzun-parola' | '$nitelik' user passwd --username nobody --password-stdin 2>/dev/null; [ \$? = 1 ]"
check "disable" bash -c "'$nitelik' user disable --username ayse >/dev/null && [ \"\$(sqlite3 '$tmp/t.db' \"SELECT active FROM users WHERE username='ayse'\")\" = 0 ]"
check "enable" bash -c "'$nitelik' user enable --username ayse >/dev/null && [ \"\$(sqlite3 '$tmp/t.db' \"SELECT active FROM users WHERE username='ayse'\")\" = 1 ]"
check "user list" bash -c "'$nitelik' user list --institution 1 | grep -q 'ayse .*kurum'"
tok=$("$nitelik" token add --institution 1 --name erp 2>/dev/null)
check "token printed once (nlt_ + 64 hex)" bash -c "[[ '$tok' =~ ^nlt_[0-9a-f]{64}$ ]]"
check "the token is not stored, its hash is" test "$(q "SELECT COUNT(*) FROM api_tokens WHERE length(token_hash) = 32 AND prefix = substr('$tok', 1, 12) AND name = 'erp'")" = 1
check "token list does not show the token" bash -c "! '$nitelik' token list | grep -q '$tok'"
check "token for a missing institution exits 1" bash -c "'$nitelik' token add --institution 99 >/dev/null 2>&1; [ \$? = 1 ]"
check "token revoke" bash -c "'$nitelik' token revoke --id 1 >/dev/null && [ \"\$(sqlite3 '$tmp/t.db' 'SELECT active FROM api_tokens WHERE id = 1')\" = 0 ]"
check "every change is audited and the chain holds" bash -c "[ \"\$(sqlite3 '$tmp/t.db' \"SELECT COUNT(*) FROM audit_log WHERE entity IN ('institution','user','api_token')\")\" -ge 6 ] && '$nitelik' audit verify >/dev/null"
check "revoking a missing token exits 1" bash -c "'$nitelik' token revoke --id 99 >/dev/null 2>&1; [ \$? = 1 ]"
check "the revocation is audited" test "$(q "SELECT COUNT(*) FROM audit_log WHERE entity = 'api_token' AND action = 'revoke'")" = 1
check "no database exits 2" bash -c "env -u NITELIK_DB '$nitelik' user list >/dev/null 2>&1; [ \$? = 2 ]"
echo "1..$n"
exit $failed
