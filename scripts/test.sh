#!/usr/bin/env bash
# `make test`: set-up, then every suite, then one summary line.
#   1. Debian packages (scripts/deps.sh)
#   2. the normal build (warnings are errors) and every meson suite, store tests on
#      SQLite and on a throw-away PostgreSQL 15 cluster
#   3. the ASan+UBSan build and every suite again
#   3b. the clang build (the second compiler) and its unit suite
#   3c. the ThreadSanitizer build of the store and worker tests (suite tsan),
#       on both engines; it builds only those tests' executables
#   4. the browser journeys (tests/e2e) against the normal build
# The last line is `N passed, N failed, N skipped`; the exit status is 0 only if
# nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export LC_ALL=C.UTF-8

bash scripts/deps.sh || exit 1
mkdir -p tests/out
extra=tests/out/extra-counts.txt
: > "$extra"
# Logs of an earlier run must never be counted: a build that fails now leaves
# no log, and its failure is counted through $extra instead.
logs=(build/meson-logs/testlog.json build-asan/meson-logs/testlog.json build-clang/meson-logs/testlog.json
      build-tsan/meson-logs/testlog.json)
rm -f "${logs[@]}"

# A throw-away PostgreSQL cluster for the store tests on the second engine.
pg_dir=$(mktemp -d /tmp/nitelik-pg.XXXXXX)
cleanup() { bash scripts/pg-test.sh stop "$pg_dir" >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap cleanup EXIT INT TERM
if NL_TEST_PG_URL=$(bash scripts/pg-test.sh start "$pg_dir"); then
  export NL_TEST_PG_URL
  echo "test.sh: PostgreSQL at $NL_TEST_PG_URL"
else
  echo "test.sh: could not start PostgreSQL: the store tests on PostgreSQL will fail" >&2
  export NL_TEST_PG_URL=unavailable
fi

status=0
run_suites() { # build dir, then meson test arguments
  local dir=$1; shift
  meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" || status=1
}

echo "== build (normal)"
if bash scripts/build.sh normal; then
  run_suites build
else
  echo "EXTRA 0 1 0" >> "$extra"; status=1
fi

echo "== build (ASan+UBSan)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if bash scripts/build.sh asan; then
  run_suites build-asan   # every suite: unit, store, drivers, pki, http
else
  echo "EXTRA 0 1 0" >> "$extra"; status=1
fi

echo "== build (clang)"
if bash scripts/build.sh clang; then
  run_suites build-clang --suite unit
else
  echo "EXTRA 0 1 0" >> "$extra"; status=1
fi

echo "== build (TSan: store and worker tests)"
# A report fails its test; suppressions only for libraries we do not build.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp"
# gcc 12's TSan cannot map its shadow memory beside kernels' widest address
# randomisation (vm.mmap_rnd_bits = 32): run without it when we may.
tsan_wrap=()
if setarch "$(uname -m)" -R true 2>/dev/null; then
  tsan_wrap=(--wrapper "setarch $(uname -m) -R")
fi
if bash scripts/build.sh tsan; then
  run_suites build-tsan --no-rebuild --suite tsan "${tsan_wrap[@]}"
else
  echo "EXTRA 0 1 0" >> "$extra"; status=1
fi
unset TSAN_OPTIONS

if [ -x tests/e2e/run.sh ]; then
  echo "== browser journeys"
  tests/e2e/run.sh "$root/build" >> "$extra" || status=1
fi

echo "== summary"
python3 scripts/count-tests.py "${logs[@]}" < "$extra" || status=1
exit $status
