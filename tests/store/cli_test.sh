#!/usr/bin/env bash
# `nitelik migrate` and `nitelik audit verify` end to end, on SQLite and (when
# NL_TEST_PG_URL is set) PostgreSQL. Prints TAP.
# Usage: cli_test.sh NITELIK_BINARY AUDIT_SEED_BINARY
set -u
nitelik=$1; seed=$2
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # description, command...
  local d=$1; shift
  if "$@"; then ok "$d"; else nok "$d"; fi
}
tmp=$(mktemp -d /tmp/nl-cli-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

run_engine() { # engine, url, sql-runner
  local e=$1 url=$2 sql=$3 out
  check "$e: migrate applies" bash -c "'$nitelik' migrate --db '$url' | grep -q 'schema version'"
  check "$e: migrate again applies nothing" bash -c "NITELIK_DB='$url' '$nitelik' migrate | grep -q '^migrate: 0 applied'"
  check "$e: seed 5 audit records" "$seed" "$url" 5
  out=$("$nitelik" audit verify --db "$url"); st=$?
  check "$e: intact chain exits 0" test "$st" = 0
  check "$e: intact chain says OK (5 records)" test "$out" = "audit chain OK (5 records)"
  $sql "UPDATE audit_log SET reason = 'forged' WHERE seq = 3"
  out=$("$nitelik" audit verify --db "$url"); st=$?
  check "$e: changed record exits 1" test "$st" = 1
  check "$e: changed record named" bash -c "echo '$out' | grep -q 'record 3'"
  $sql "UPDATE audit_log SET reason = '' WHERE seq = 3"
  check "$e: restored chain is OK again" bash -c "'$nitelik' audit verify --db '$url' >/dev/null"
  $sql "DELETE FROM audit_log WHERE seq = 4"
  out=$("$nitelik" audit verify --db "$url"); st=$?
  check "$e: deleted record exits 1 naming 4" bash -c "[ $st = 1 ] && echo '$out' | grep -q 'record 4'"
}

sqlite_sql() { sqlite3 "$tmp/t.db" "$1"; }
run_engine sqlite "sqlite:$tmp/t.db" sqlite_sql
check "usage error exits 2" bash -c "'$nitelik' audit frobnicate 2>/dev/null; [ \$? = 2 ]"
check "no database exits 2" bash -c "env -u NITELIK_DB '$nitelik' migrate >/dev/null 2>&1; [ \$? = 2 ]"

if [ -n "${NL_TEST_PG_URL:-}" ]; then
  db="nl_cli_$$"
  if psql -q "$NL_TEST_PG_URL" -c "CREATE DATABASE $db" >/dev/null 2>&1; then
    pg_url="${NL_TEST_PG_URL%/*}/$db"
    pg_sql() { psql -q "$pg_url" -c "$1" >/dev/null; }
    run_engine postgresql "$pg_url" pg_sql
    psql -q "$NL_TEST_PG_URL" -c "DROP DATABASE $db WITH (FORCE)" >/dev/null 2>&1
  else
    nok "postgresql: cannot create a database at NL_TEST_PG_URL"
  fi
else
  for i in 1 2 3 4 5 6 7 8 9; do skip "postgresql case $i" "NL_TEST_PG_URL not set"; done
fi
echo "1..$n"
exit $failed
