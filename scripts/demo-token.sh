#!/usr/bin/env bash
# Puts a demo citizen's qualified certificate, issued by the demo CA, on a
# SoftHSM2 token, so that nitelik-imza can sign with it (docs/esign.md).
#
#   scripts/demo-token.sh DATA_DIR [TCKN GIVEN SURNAME]
#
# DATA_DIR is the demo's data folder (make run: demo-data) whose CA
# (`nitelik ca init`) and signer (`nitelik-signer --demo --data DATA_DIR`) are running.
# Default person: the demo's AYŞE YILMAZ, 64172043210. Creates
#   DATA_DIR/imza-token/softhsm2.conf   the token's SoftHSM2 configuration
#   DATA_DIR/imza-token/pin             its user PIN (demo only)
#   DATA_DIR/imza-token/cert.pem        the certificate
# and prints the commands to sign with it. The key pair is generated inside
# the token (pkcs11-tool) and never leaves it; the request is signed on the
# token by `nitelik-imza --csr`.
# Environment: NITELIK_BUILD (default ./build), or NITELIK_IMZA and NITELIK_CLI
# (the programs), SOFTHSM_MODULE, NITELIK_TOKEN_DIR (default DATA_DIR/imza-token).
set -euo pipefail
data=${1:?usage: demo-token.sh DATA_DIR [TCKN GIVEN SURNAME]}
tckn=${2:-64172043210}; given=${3:-AYŞE}; surname=${4:-YILMAZ}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NITELIK_BUILD:-$root/build}
imza=${NITELIK_IMZA:-$build/src/cmd/nitelik-imza}
cli=${NITELIK_CLI:-$build/src/cmd/nitelik}
module=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
label=${NITELIK_TOKEN_LABEL:-demo-kart}
dir=${NITELIK_TOKEN_DIR:-$data/imza-token}
pin=123456 so_pin=12345678

rm -rf "$dir"; mkdir -p "$dir/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
  "$(cd "$dir" && pwd)" > "$dir/softhsm2.conf"
export SOFTHSM2_CONF=$dir/softhsm2.conf
printf '%s\n' "$pin" > "$dir/pin"; chmod 600 "$dir/pin"

softhsm2-util --init-token --free --label "$label" --pin "$pin" --so-pin "$so_pin" >/dev/null
pkcs11-tool --module "$module" --token-label "$label" --login --pin "$pin" \
  --keypairgen --key-type EC:prime256v1 --id 01 --label imza >/dev/null
"$imza" --module "$module" --token "$label" --pin-file "$dir/pin" \
  --csr "$dir/req.csr" --cn "$given $surname"
"$cli" cert issue --data "$data" --csr "$dir/req.csr" --given "$given" \
  --surname "$surname" --tckn "$tckn" --out "$dir/cert.pem" >/dev/null
openssl x509 -in "$dir/cert.pem" -outform DER -out "$dir/cert.der"
pkcs11-tool --module "$module" --token-label "$label" --login --pin "$pin" \
  --write-object "$dir/cert.der" --type cert --id 01 --label imza >/dev/null
rm -f "$dir/req.csr" "$dir/cert.der"

cat <<MSG
Token "$label" holds the qualified certificate of $given $surname ($tckn); PIN $pin.
Sign a Doğrulama Kodu shown in the browser with:
  SOFTHSM2_CONF=$dir/softhsm2.conf $imza --server URL --module $module --token $label
MSG
