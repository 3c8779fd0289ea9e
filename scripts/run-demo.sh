#!/usr/bin/env bash
# `make run`: the demo on http://127.0.0.1:8080 — nitelikd with SQLite in
# ./demo-data, demo institution, staff and persons, simulators for every outside
# system, and the outbox at /demo/outbox. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${NITELIK_DEMO_DIR:-demo-data}
listen=${NITELIK_DEMO_LISTEN:-127.0.0.1:8080}
# The CA (docs/ca.md): a SoftHSM2 token under $data on first run, and the signer.
[ -f "$data/ca/ca.conf" ] || ./build/src/cmd/nitelik ca init --data "$data" --base-url "http://$listen"
./build/src/cmd/nitelik-signer --demo --data "$data" & signer=$!
# Never kill a signer that is still opening its token (issue 10: a SIGTERM in
# SoftHSM2's login write emptied the token). The signer defers SIGTERM until
# the token is open anyway; this waits for it to be ready (or gone), then asks
# it to stop and waits until it has finalised the token.
stop_signer() {
  ./build/src/cmd/nitelik ca ping --data "$data" --wait 30 >/dev/null 2>&1 || true
  kill -TERM "$signer" 2>/dev/null || return 0
  wait "$signer" 2>/dev/null || true
}
trap stop_signer EXIT
if ! ./build/src/cmd/nitelik ca ping --data "$data" --wait 30 >/dev/null; then
  echo "run-demo: the signer did not start (see its messages above)" >&2
  exit 1
fi
./build/src/cmd/nitelikd --demo "$data" --listen "$listen"
