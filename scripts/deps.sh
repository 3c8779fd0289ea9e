#!/usr/bin/env bash
# Installs the Debian 12 packages Nitelik needs to build, run and test — only the
# missing ones, so a second run costs a second. Run as root (CI and `make` do).
set -euo pipefail

packages=(
  # build
  build-essential pkg-config meson ninja-build gettext clang libclang-rt-14-dev
  # libraries
  libmicrohttpd-dev libssl-dev libsqlite3-dev libpq-dev libjansson-dev libsodium-dev
  libcurl4-openssl-dev libcairo2-dev libpango1.0-dev libzint-dev libqrencode-dev
  libp11-dev zlib1g-dev fonts-dejavu-core libseccomp-dev
  # the e-Devlet door: ID token signatures and keys (drivers/oidc.h)
  libcjose-dev
  # nitelik-imza's window (GTK 4)
  libgtk-4-dev
  # PKCS#11: SoftHSM2 stands in for the HSM and the smart card; OpenSC for real cards
  softhsm2 opensc p11-kit
  # tests
  libcmocka-dev postgresql-15 sqlite3 python3 python3-aiosmtpd python3-cryptography curl openssl
  gnutls-bin libnss3-tools zbar-tools poppler-utils
  # packaging and its tests (make deb, tests/cmd): the Debian package, lintian,
  # man pages, the OpenAPI contract check, bash completion, the logrotate sample
  debhelper dpkg-dev fakeroot lintian scdoc python3-jsonschema python3-yaml
  bash-completion logrotate
  # the sample TLS front, tried by tests/cmd/tls_front_test.py in an nginx of its
  # own on free ports (the package's own service is left as Debian sets it up)
  nginx-light
  chromium
  # the nitelik-imza window test (tests/imza): a virtual display, keys, screenshots
  xvfb xauth xdotool imagemagick
  # benchmarks
  wrk
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node.js runs the browser tests (playwright-core); any installed node will do.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]}" >&2
  echo "deps.sh: run as root (or install them) and try again" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
