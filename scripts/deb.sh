#!/usr/bin/env bash
# `make deb`: the Debian packages (nitelik, nitelik-imza, nitelik-doc) with
# dpkg-buildpackage -us -uc, from a copy of the tracked files (what a fresh
# clone holds), then lintian. Usage: deb.sh [--only PACKAGE] [OUTDIR] (default:
# ./deb). `make deb-imza` is `--only nitelik-imza`: the source is built once as
# for `make deb`, and only that package is kept and checked (the one the
# operator puts in [web] imza_package_dir for the download page).
# dpkg-buildpackage writes next to the source folder, so it builds in a
# temporary folder and only the results are copied out.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
only=
if [ "${1:-}" = --only ]; then
  only=${2:?deb.sh: --only needs a package name}
  shift 2
  grep -qx "Package: $only" debian/control || { echo "deb.sh: no package $only in debian/control" >&2; exit 2; }
fi
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
if [ -n "$only" ]; then
  cp "$work"/"$only"_"$version"_*.deb "$out"/
  echo "deb.sh: package in $out:"
  ls -1 "$out"/"$only"_"$version"_*.deb
  lintian --fail-on error --no-tag-display-limit "$out"/"$only"_"$version"_*.deb
  exit 0
fi
changes=$(ls "$work"/nitelik_"$version"_*.changes)
for f in $(sed -n '/^Files:/,/^[A-Z]/s/^ [0-9a-f]* [0-9]* [^ ]* [^ ]* //p' "$changes") \
         "$(basename "$changes")" nitelik_"$version"_*.buildinfo; do
  cp "$work"/$f "$out"/ 2>/dev/null || true
done
echo "deb.sh: packages in $out:"
ls -1 "$out"/*.deb
# lintian: errors fail the build; warnings are shown.
lintian --fail-on error --no-tag-display-limit "$out"/nitelik_"$version"_*.changes
