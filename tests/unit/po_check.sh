#!/bin/sh
# `msgfmt --check` of every translation catalogue in the folder given as $1,
# printed as TAP: one test per .po file, with msgfmt's complaints as comments.
dir=${1:?usage: po_check.sh PO_DIR}
msgfmt=${MSGFMT:-msgfmt}
set -- "$dir"/*.po
echo "1..$#"
n=0 status=0
for po in "$@"; do
  n=$((n + 1))
  if out=$("$msgfmt" --check --check-accelerators=_ -o /dev/null "$po" 2>&1); then
    echo "ok $n - msgfmt --check $(basename "$po")"
  else
    echo "not ok $n - msgfmt --check $(basename "$po")"
    printf '%s\n' "$out" | sed 's/^/# /'
    status=1
  fi
done
exit $status
