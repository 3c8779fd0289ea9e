#!/usr/bin/env bash
# Runs every benchmark bench/*.sh (except this file) one after the other.
# Benchmarks print ratios against a baseline measured in the same run; they are
# not part of `make test`.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for b in bench/*.sh; do
  [ "$(basename "$b")" = run.sh ] && continue
  echo "== $b"
  bash "$b" || status=1
done
exit $status
