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
./build/src/cmd/nitelik-signer --data "$data" & signer=$!
trap 'kill $signer 2>/dev/null' EXIT
./build/src/cmd/nitelikd --demo "$data" --listen "$listen"
