#!/bin/sh
# Every C file of the project (each layer, program and test) is compiled with
# -Wconversion (docs/DESIGN.md "Conversions are explicit"): read from the build's
# compile_commands.json, a file compiled without it is listed and fails. TAP,
# one test.
db=${1:?usage: conversion_check.sh BUILD_DIR/compile_commands.json}
echo "1..1"
bad=$(python3 - "$db" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1])):
    args = e.get('arguments') or e['command'].split()
    if e['file'].endswith('.c') and '-Wconversion' not in args:
        print(e['file'])
PY
) || { echo "not ok 1 - cannot read $db"; exit 1; }
if [ -z "$bad" ]; then
  echo "ok 1 - every C file is compiled with -Wconversion"
else
  echo "not ok 1 - C files compiled without -Wconversion"
  printf '%s\n' "$bad" | sed 's/^/# /'
  exit 1
fi
