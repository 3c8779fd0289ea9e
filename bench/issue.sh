#!/usr/bin/env bash
# Issuance end to end per second (CSR check, serial unique in the database,
# profile, signer lint + P-384 signature in a SoftHSM2 token, audited insert)
# against `openssl speed ecdsap384` signatures per second, measured in the same
# run. Goal: >= 60%.
# Usage: bench/issue.sh [build-dir] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}; S=${2:-5}
T=$(mktemp -d /tmp/nitelik-bench-issue.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$T"' EXIT
"$B/src/cmd/nitelik" ca init --data "$T/ca" >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/k" -subj /CN=x -out "$T/csr" 2>/dev/null
"$B/src/cmd/nitelik-signer" --data "$T/ca" 2>/dev/null & pid=$!
for _ in $(seq 100); do [ -S "$T/ca/ca/signer.sock" ] && break; sleep 0.05; done
threads=$(( $(nproc) * 2 ))
base=$(openssl speed -seconds "$S" ecdsap384 2>/dev/null | awk '/nistp384/ {print $(NF-1)}')
out=$("$B/tests/pki/bench_issue" --data "$T/ca" --csr "$T/csr" --threads "$threads" --seconds "$S")
rate=$(sed -E 's/.*: ([0-9.]+) per second.*/\1/' <<<"$out")
echo "baseline: openssl speed ecdsap384: $base signatures/s"
echo "nitelik:  $out ($threads threads)"
python3 -c "r=$rate/$base; print(f'ratio: {r*100:.1f}% (goal >= 60%) {\"PASS\" if r >= 0.6 else \"BELOW GOAL\"}')"
