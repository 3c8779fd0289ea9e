#!/usr/bin/env bash
# `make deb`: the Debian packages (nitelik, nitelik-imza, nitelik-doc) with
# dpkg-buildpackage -us -uc, from a copy of the tracked files (what a fresh
# clone holds), then lintian. Usage: deb.sh [OUTDIR] (default: ./deb).
# dpkg-buildpackage writes next to the source folder, so it builds in a
# temporary folder and only the results are copied out.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-$root/deb}
bash scripts/deps.sh
version=$(dpkg-parsechangelog -S Version)
work=$(mktemp -d /tmp/nitelik-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/nitelik-$version
mkdir -p "$src"
# Tracked files and new ones not ignored (a commit away from a clone).
git ls-files -z --cached --others --exclude-standard |
  tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$src"
( cd "$src" && dpkg-buildpackage -us -uc -b -j"$(nproc)" ) > "$work/build.log" 2>&1 || {
  tail -60 "$work/build.log" >&2
  echo "deb.sh: dpkg-buildpackage failed" >&2
  exit 1
}
mkdir -p "$out"
changes=$(ls "$work"/nitelik_"$version"_*.changes)
for f in $(sed -n '/^Files:/,/^[A-Z]/s/^ [0-9a-f]* [0-9]* [^ ]* [^ ]* //p' "$changes") \
         "$(basename "$changes")" nitelik_"$version"_*.buildinfo; do
  cp "$work"/$f "$out"/ 2>/dev/null || true
done
echo "deb.sh: packages in $out:"
ls -1 "$out"/*.deb
# lintian: errors fail the build; warnings are shown.
lintian --fail-on error --no-tag-display-limit "$out"/nitelik_"$version"_*.changes
