#!/usr/bin/env bash
# Configures and builds one build directory. Usage: build.sh [normal|asan|clang|tsan]
# normal -> build/ (warnings are errors), asan -> build-asan/ (ASan + UBSan),
# clang -> build-clang/ (the second compiler, warnings are errors),
# tsan -> build-tsan/ (ThreadSanitizer; only the executables of the tests in
# meson suite 'tsan': the store and worker tests, docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-normal}
case "$kind" in
  normal) dir=build; opts=(-Dwerror=true) ;;
  asan)   dir=build-asan; opts=(-Dwerror=true -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false) ;;
  clang)  dir=build-clang; opts=(-Dwerror=true); export CC=clang ;;
  tsan)   dir=build-tsan; opts=(-Dwerror=true -Db_sanitize=thread -Db_lundef=false) ;;
  *) echo "build.sh: unknown kind '$kind'" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "${opts[@]}" >/dev/null
fi
targets=()
if [ "$kind" = tsan ]; then
  # The whole tree would double the build's time for nothing the suite runs.
  ninja -C "$dir" build.ninja >/dev/null   # regenerate first: the suite may have changed
  mapfile -t targets < <(meson introspect "$dir" --tests | python3 -c '
import json, os, sys
for t in json.load(sys.stdin):
    if "nitelik:tsan" in t["suite"] or "tsan" in t["suite"]:
        print(os.path.relpath(t["cmd"][0], sys.argv[1]))' "$PWD/$dir")
  [ ${#targets[@]} -gt 0 ] || { echo "build.sh: no test in suite tsan" >&2; exit 1; }
fi
ninja -C "$dir" "${targets[@]}" >/dev/null || ninja -C "$dir" "${targets[@]}"
