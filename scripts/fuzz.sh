#!/usr/bin/env bash
# `make fuzz`: long libFuzzer runs of the fuzz targets (not part of `make test`,
# which only replays their seed corpora). Builds build-clang/ (clang builds the
# libFuzzer executables, -fsanitize=fuzzer,address,undefined), then runs each
# target for FUZZ_SECONDS (default 300) on a working copy of its corpus.
#   make fuzz                                   every target, 5 minutes each
#   FUZZ_SECONDS=60 bash scripts/fuzz.sh csv cms   some targets, 1 minute each
# New inputs go to tests/out/fuzz/<target>/corpus (the seeds in the tree stay as
# they are); a crash, leak or timeout leaves its input in tests/out/fuzz/<target>/
# (crash-*, leak-*, timeout-*) and makes the run fail. Fix the bug, then copy
# the input into the target's seed corpus as a regression seed (docs/testing.md).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-300}
# target : executable in build-clang/ : seed corpus
all=(
  "csv:tests/fuzz/fuzz_csv:tests/fuzz/corpus/csv"
  "bankfile:tests/fuzz/fuzz_bankfile:tests/fuzz/corpus/bankfile"
  "cms:tests/fuzz/fuzz_cms:tests/fuzz/corpus/cms"
  "spec:tests/fuzz/fuzz_spec:tests/fuzz/corpus/spec"
  "tmpl:tests/fuzz/fuzz_tmpl:tests/fuzz/corpus/tmpl"
  "config:tests/fuzz/fuzz_config:tests/fuzz/corpus/config"
  "router:tests/fuzz/fuzz_router:tests/fuzz/corpus/router"
  "pki:tests/pki/fuzz_pki:tests/pki/corpus"
)
want=("$@")
bash scripts/build.sh clang || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for row in "${all[@]}"; do
  IFS=: read -r name exe seeds <<<"$row"
  if [ ${#want[@]} -gt 0 ] && [[ ! " ${want[*]} " =~ " $name " ]]; then
    continue
  fi
  out=tests/out/fuzz/$name
  mkdir -p "$out/corpus"
  echo "== fuzz_$name for ${seconds}s (new inputs: $out/corpus)"
  if build-clang/"$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" "$seeds" \
       > "$out/log.txt" 2>&1; then
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$out/log.txt" | tail -2
  else
    status=1
    echo "fuzz_$name FAILED: see $out/log.txt and $out/crash-* / leak-* / timeout-*"
    grep -E "ERROR|SUMMARY|Test unit written" "$out/log.txt" | head -5
  fi
done
exit $status
