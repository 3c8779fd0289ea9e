#!/usr/bin/env bash
# Configures and builds one build directory. Usage: build.sh [normal|asan|clang]
# normal -> build/ (warnings are errors), asan -> build-asan/ (ASan + UBSan),
# clang -> build-clang/ (the second compiler, warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-normal}
case "$kind" in
  normal) dir=build; opts=(-Dwerror=true) ;;
  asan)   dir=build-asan; opts=(-Dwerror=true -Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false) ;;
  clang)  dir=build-clang; opts=(-Dwerror=true); export CC=clang ;;
  *) echo "build.sh: unknown kind '$kind'" >&2; exit 2 ;;
esac
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "${opts[@]}" >/dev/null
fi
ninja -C "$dir" >/dev/null || ninja -C "$dir"
