#!/usr/bin/env bash
# Issuance end to end per second (CSR check, serial unique in the database,
# profile, signer lint + P-384 signature in a SoftHSM2 token, audited insert)
# against SoftHSM2's C_Sign per second with the same issuing key on as many
# threads as cores (bench/p11sign.c), measured in the same run; `openssl speed
# -multi` is shown for reference. Goal (issue 15): >= 70%.
# Usage: bench/issue.sh [build-dir] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}; S=${2:-5}
T=$(mktemp -d /tmp/nitelik-bench-issue.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT
"$B/src/cmd/nitelik" ca init --data "$T/ca" >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/k" -subj /CN=x -out "$T/csr" 2>/dev/null
"$B/src/cmd/nitelik-signer" --demo --data "$T/ca" 2>/dev/null & pid=$!
for _ in $(seq 100); do [ -S "$T/ca/ca/signer.sock" ] && break; sleep 0.05; done
threads=$(( $(nproc) * 2 ))
# The ceiling: the issuing key of this CA (ca.conf "issuing_key = pkcs11:MODULE|TOKEN|LABEL|PIN")
# signing on every core at once, before the run (the signer is up and idle).
IFS='|' read -r p11mod p11tok p11key p11pin < <(sed -nE 's/^issuing_key = pkcs11:(.*)$/\1/p' "$T/ca/ca/ca.conf")
cc -O2 -std=c17 -D_GNU_SOURCE $(pkg-config --cflags p11-kit-1) -o "$T/p11sign" bench/p11sign.c -ldl -pthread
base=$(SOFTHSM2_CONF=$(sed -nE 's/^softhsm_conf = (.*)$/\1/p' "$T/ca/ca/ca.conf") \
       "$T/p11sign" "$p11mod" "$p11tok" "$p11key" "$p11pin" "$(nproc)" "$S")
ossl=$(openssl speed -seconds "$S" -multi "$(nproc)" ecdsap384 2>/dev/null | awk '/nistp384/ {v = $(NF-1)} END {print v}')
s0=$(awk '{print $14 + $15}' /proc/$pid/stat)
out=$( { /usr/bin/time -f 'cpu %U %S' "$B/tests/pki/bench_issue" --data "$T/ca" --csr "$T/csr" --threads "$threads" --seconds "$S"; } 2>&1)
s1=$(awk '{print $14 + $15}' /proc/$pid/stat)
rate=$(sed -nE 's/.*: ([0-9.]+) per second.*/\1/p' <<<"$out")
n=$(sed -nE 's/^issued ([0-9]+) .*/\1/p' <<<"$out")
cpu=$(awk '/^cpu / {print $2 + $3}' <<<"$out")
echo "baseline: SoftHSM2 C_Sign, issuing key, $(nproc) threads: $base signatures/s (openssl speed -multi $(nproc) ecdsap384: $ossl/s)"
echo "nitelik:  $(grep '^issued' <<<"$out") ($threads threads, $(nproc) cores)"
# CPU per issuance (client + signer): what the rate would be on idle cores, for a
# shared machine where other work takes cores away from the run.
python3 - "$rate" "$base" "$n" "$cpu" "$((s1 - s0))" "$(getconf CLK_TCK)" "$(nproc)" <<'PY'
import sys
rate, base, n, cpu, ticks, hz, cores = (float(x) for x in sys.argv[1:])
per = (cpu + ticks / hz) / max(n, 1)
print(f"cpu per issuance: {per * 1000:.2f} ms (client {cpu / max(n, 1) * 1000:.2f} ms, signer {ticks / hz / max(n, 1) * 1000:.2f} ms): {cores / per:.0f}/s on {cores:.0f} idle cores")
r = rate / base
print(f"ratio: {r * 100:.1f}% of multi-threaded C_Sign (goal >= 70%) {'PASS' if r >= 0.7 else 'BELOW GOAL'}")
PY
