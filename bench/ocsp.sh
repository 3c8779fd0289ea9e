#!/usr/bin/env bash
# OCSP responses per second over HTTP (GET /ocsp/<base64>, answered from the
# pre-signed cache) against the bare libmicrohttpd hello server (bench/hello.c),
# measured in the same run with wrk. Goal: >= 70% of hello.
# Usage: bench/ocsp.sh [build-dir]
# env:   BENCH_DURATION (5s), BENCH_CONNECTIONS (50), BENCH_THREADS (2), BENCH_ROUNDS (3),
#        BENCH_REQUEST_LOG (true: nitelikd writes its request log, as in production)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}
dur=${BENCH_DURATION:-5s}; conns=${BENCH_CONNECTIONS:-50}; threads=${BENCH_THREADS:-2}; rounds=${BENCH_ROUNDS:-3}
command -v wrk >/dev/null || { echo "ocsp.sh: wrk is not installed" >&2; exit 1; }
T=$(mktemp -d /tmp/nitelik-bench-ocsp.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

cc -O2 -std=c17 -D_GNU_SOURCE -o "$T/hello" bench/hello.c $(pkg-config --cflags --libs libmicrohttpd)
"$T/hello" 0 > "$T/hello.port" & pids+=($!)

D=$T/data
"$B/src/cmd/nitelik" ca init --data "$D" >/dev/null
"$B/src/cmd/nitelik-signer" --demo --data "$D" 2>/dev/null & pids+=($!)
for _ in $(seq 100); do [ -S "$D/ca/signer.sock" ] && break; sleep 0.05; done
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/k" -subj /CN=x -out "$T/csr" 2>/dev/null
"$B/src/cmd/nitelik" cert issue --data "$D" --csr "$T/csr" --given A --surname B --tckn 10000000146 --out "$T/a.pem" 2>/dev/null
"$B/src/cmd/nitelik" ca ocsp-refresh --data "$D" >/dev/null
printf '[server]\nlisten = 127.0.0.1:0\n[storage]\ndata_dir = %s\n[log]\nfile = %s/requests.log\nrequests = %s\n' "$D" "$T" "${BENCH_REQUEST_LOG:-true}" > "$T/n.conf"
"$B/src/cmd/nitelikd" --config "$T/n.conf" 2> "$T/nitelikd.err" & pids+=($!)
for _ in $(seq 200); do grep -q 'listening on' "$T/nitelikd.err" 2>/dev/null && grep -q '^[0-9]' "$T/hello.port" && break; sleep 0.05; done
hello_port=$(head -1 "$T/hello.port")
nl_port=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$T/nitelikd.err" | head -1)

openssl ocsp -issuer "$D/ca/issuing.pem" -cert "$T/a.pem" -no_nonce -reqout "$T/req.der" >/dev/null 2>&1
path=/ocsp/$(base64 -w0 "$T/req.der" | python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read(), safe=""))')
curl -s -o "$T/resp.der" "http://127.0.0.1:$nl_port$path"
openssl ocsp -respin "$T/resp.der" -issuer "$D/ca/issuing.pem" -cert "$T/a.pem" -CAfile "$D/ca/root.pem" \
  -verify_other "$D/ca/issuing.pem" 2>&1 | grep -q ': good' || { echo "ocsp.sh: the responder does not answer good" >&2; exit 1; }

measure() { wrk -t"$threads" -c"$conns" -d"$dur" "$1" | awk '/^Requests\/sec:/ {print $2}'; }
: > "$T/hello.m"; : > "$T/ocsp.m"; : > "$T/health.m"
for _ in $(seq "$rounds"); do
  measure "http://127.0.0.1:$hello_port/" >> "$T/hello.m"
  measure "http://127.0.0.1:$nl_port$path" >> "$T/ocsp.m"
  measure "http://127.0.0.1:$nl_port/healthz" >> "$T/health.m"
done
median() { sort -g "$1" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
h=$(median "$T/hello.m"); o=$(median "$T/ocsp.m"); z=$(median "$T/health.m")
echo "wrk -t$threads -c$conns -d$dur on loopback, $(nproc) cores, median of $rounds rounds"
echo "baseline: hello (libmicrohttpd): $h requests/s"
echo "nitelik:  GET /ocsp (pre-signed): $o responses/s"
echo "(for scale: nitelikd /healthz: $z requests/s, the server's own floor)"
awk -v a="$o" -v b="$h" 'BEGIN { r = a / b; v = (r >= 0.7) ? "PASS" : "BELOW GOAL"; printf "ratio: %.1f%% (goal >= 70%%) %s\n", 100 * r, v }'
