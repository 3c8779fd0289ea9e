#!/usr/bin/env bash
# One small query through the store (a typed parameter, named columns, the
# statement prepared once per connection) against the same query on the bare
# engine library with a hand-prepared statement (bench/store_query.c), measured
# in the same run, on SQLite and, when NL_TEST_PG_URL is set
# (scripts/pg-test.sh), on PostgreSQL. No goal: it shows what the store's
# layer costs over the engine (before statements were prepared once per
# connection, PostgreSQL's ratio was under half of today's).
# Usage: bench/store_query.sh [build-dir] [queries]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}; N=${2:-20000}
T=$(mktemp -d /tmp/nitelik-bench-query.XXXXXX)
trap 'rm -rf "$T"' EXIT
cc -O2 -std=c17 -D_GNU_SOURCE -Isrc $(pkg-config --cflags libpq) -o "$T/q" bench/store_query.c \
   "$B/src/store/libnl_store.a" "$B/src/core/libnl_core.a" \
   $(pkg-config --libs libpq sqlite3 libsodium jansson) -pthread
run() {
  read -r store bare scpu bcpu < <("$T/q" "$2" "$N")
  python3 - "$1" "$store" "$bare" "$scpu" "$bcpu" <<'PY'
import sys
eng, store, bare, scpu, bcpu = sys.argv[1], *map(float, sys.argv[2:])
r = store / bare
print(f"{eng}: store {store:.0f} queries/s ({scpu:.1f} us cpu each), bare prepared {bare:.0f}/s "
      f"({bcpu:.1f} us each)")
print(f"{eng} ratio: {r * 100:.1f}% of the bare rate")
PY
}
run sqlite "sqlite:$T/q.db"
if [ -n "${NL_TEST_PG_URL:-}" ]; then
  db=nl_bench_query_$$
  psql "$NL_TEST_PG_URL" -qc "CREATE DATABASE $db" >/dev/null
  url=$(python3 -c 'import sys; u = sys.argv[1]; print(u.rsplit("/", 1)[0] + "/" + sys.argv[2] if "://" in u else u + " dbname=" + sys.argv[2])' "$NL_TEST_PG_URL" "$db")
  run postgresql "$url" || true
  psql "$NL_TEST_PG_URL" -qc "DROP DATABASE $db WITH (FORCE)" >/dev/null
fi
