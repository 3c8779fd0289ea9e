#!/usr/bin/env bash
# Runs every browser journey (tests/e2e/journeys/*.mjs) against its own fresh
# `nitelikd --demo` on a free port. Prints the journeys' TAP, then one line
# `EXTRA passed failed skipped` that scripts/count-tests.py adds to the summary.
# Usage: tests/e2e/run.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
out=$root/tests/out/e2e
mkdir -p "$out"

if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund >/dev/null 2>&1) || {
    echo "# e2e: npm ci failed" >&2; echo "EXTRA 0 1 0"; exit 1; }
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

pass=0 fail=0 skip=0
for j in "$here"/journeys/*.mjs; do
  name=$(basename "$j" .mjs)
  tmp=$(mktemp -d /tmp/nitelik-e2e.XXXXXX)
  port=$(free_port)
  # Demo mode with the test setting [demo] fixed_captcha (every captcha answer is
  # NL_CAPTCHA), so that journeys can log in through the real doors.
  mkdir -p "$tmp/data"
  printf "[server]\nlisten = 127.0.0.1:%s\nbase_url = http://127.0.0.1:%s\n\n[storage]\ndata_dir = %s\ndatabase = sqlite:%s/nitelik.db\n\n[demo]\nenabled = true\nfixed_captcha = ACDEF\n" \
    "$port" "$port" "$tmp/data" "$tmp/data" > "$tmp/data/nitelik.conf"
  "$build/src/cmd/nitelikd" --demo "$tmp/data" --listen "127.0.0.1:$port" \
      > "$out/$name.server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "# journey $name"
  log="$out/$name.tap"
  NL_BASE_URL="http://127.0.0.1:$port" NL_OUT_DIR="$out" NL_DATA_DIR="$tmp/data" NL_CAPTCHA=ACDEF \
    NL_BUILD_DIR="$build" timeout 300 node "$j" > "$log" 2>&1
  rc=$?
  sed 's/^/  /' "$log" >&2
  p=$(grep -c '^ok ' "$log"); f=$(grep -c '^not ok ' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # a crash is a failure
  pass=$((pass + p)); fail=$((fail + f))
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  rm -rf "$tmp"
done
echo "# e2e: $pass passed, $fail failed (screenshots in tests/out/e2e)" >&2
echo "EXTRA $pass $fail $skip"
[ "$fail" -eq 0 ]
