#!/usr/bin/env bash
# Bulk pre-registration (issue 15, 3): `nitelik preapply import` of N generated
# rows (person + order + access-password mail + audit record each, committed in
# batches) against the same rows inserted with plain batched SQL into the same
# schema (bench/preapply_ceiling.py), measured in the same run on the same cores.
# Goals: >= 3,000 rows/s and >= 25 % of the plain-SQL rate.
# Usage: bench/preapply.sh [build-dir] [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build}; N=${2:-20000}
T=$(mktemp -d /tmp/nitelik-bench-preapply.XXXXXX)
trap 'rm -rf "$T"' EXIT
python3 bench/gen_preapply.py "$N" "$T/rows.csv"
"$B/src/cmd/nitelik" institution add --name "Bench Kurumu" --db "sqlite:$T/n.db" >/dev/null
cp "$T/n.db" "$T/plain.db"          # the same empty schema for the ceiling
out=$(/usr/bin/time -o "$T/time" -f 'cpu %U %S' "$B/src/cmd/nitelik" preapply import \
      "$T/rows.csv" --institution 1 --db "sqlite:$T/n.db" 2>/dev/null)
created=$(sed -nE 's/^created ([0-9]+),.*/\1/p' <<<"$out")
secs=$(sed -nE 's/.*; ([0-9.]+) s, .*/\1/p' <<<"$out")
cpu=$(awk '/^cpu / {print $2 + $3}' "$T/time")
mail=$(sqlite3 "$T/n.db" "SELECT AVG(LENGTH(body_text) + LENGTH(COALESCE(body_html, ''))) / 2 FROM outbox" | cut -d. -f1)
read -r base basecpu < <(python3 bench/preapply_ceiling.py "$T/plain.db" "$T/rows.csv" 1000 "${mail:-1000}")
echo "baseline: plain batched SQL inserts of the same rows (person, order, mail, audit): $base rows/s ($basecpu per CPU second)"
echo "nitelik:  preapply import: $created rows created in ${secs}s ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
python3 - "$N" "$created" "$secs" "$cpu" "$base" "$basecpu" <<'PY'
import sys
n, created, secs, cpu, base, basecpu = (float(x) for x in sys.argv[1:])
rate = created / secs if secs > 0 else 0
print(f"rate: {rate:.0f} rows/s (cpu {cpu / max(created, 1) * 1000:.3f} ms per row: {1 / max(cpu / max(created, 1), 1e-9):.0f}/s on one idle core)")
ok = created == n
# By CPU time, which a loaded shared machine does not distort: for information.
print(f"cpu ratio: {created / max(cpu, 1e-9) / basecpu * 100:.1f}% of plain SQL per CPU second")
r = rate / base
print(f"ratio: {r * 100:.1f}% of plain SQL (goal >= 25%) {'PASS' if r >= 0.25 and ok else 'BELOW GOAL'}")
print(f"rows/s: {rate:.0f} (goal >= 3000) {'PASS' if rate >= 3000 and ok else 'BELOW GOAL'}")
PY
