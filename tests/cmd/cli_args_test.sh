#!/usr/bin/env bash
# One command line for the four programs (docs/operations.md): --version and
# --help (exit 0, every option shown) everywhere; every `nitelik` subcommand
# takes its database and data folder from nitelik.conf (--config, or the
# default file, here $NITELIK_CONFIG), --data and --db; --json listings.
# Prints TAP. Usage: cli_args_test.sh NITELIK NITELIKD NITELIK_SIGNER NITELIK_IMZA
set -u
nitelik=$1; nitelikd=$2; signer=$3; imza=$4
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check() { # description, command...
  local d=$1; shift
  if "$@"; then ok "$d"; else nok "$d"; fi
}
tmp=$(mktemp -d /tmp/nl-cli-args.XXXXXX)
signer_pid=
cleanup() { [ -n "$signer_pid" ] && kill "$signer_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
unset NITELIK_DB NITELIK_CONFIG
# One user runs everything here: a signer that keeps nitelikd's user apart
# (issue 10) needs --demo for that.
demo=; "$signer" --help 2>&1 | grep -q -- --demo && demo=--demo
version=$(sed -n "s/^ *version : '\([^']*\)'.*/\1/p" "$(dirname "$0")/../../meson.build" | head -1)

# --version: "<program> (Nitelik) <version>", exit 0.
for p in "$nitelik" "$nitelikd" "$signer" "$imza"; do
  name=$(basename "$p")
  out=$("$p" --version 2>&1); st=$?
  check "$name --version exits 0 with its version" \
    test "$st:$out" = "0:$name (Nitelik) $version"
done
check "nitelik <command> --version works too" \
  bash -c "'$nitelik' user --version | grep -q '(Nitelik) $version'"

# --help exits 0 on standard output and names every option the program takes.
help_has() { # description, program and args..., then -- options...
  local d=$1; shift
  local cmd=()
  while [ "$1" != -- ]; do cmd+=("$1"); shift; done; shift
  local out st missing=
  out=$("${cmd[@]}" 2>/dev/null); st=$?
  for o in "$@"; do
    grep -q -- "$o" <<<"$out" || missing="$missing $o"
  done
  if [ "$st" = 0 ] && [ -z "$missing" ]; then ok "$d"; else
    nok "$d (exit $st, missing:$missing)"; fi
}
common=(--config --data --db --json --version --help)
help_has "nitelikd --help" "$nitelikd" --help -- \
  --config --listen --demo --worker-only --check-config --version --help
help_has "nitelik-signer --help" "$signer" --help -- --config --data --socket --version --help
help_has "nitelik-imza --help" "$imza" --help -- \
  --server --module --token --cert --pin-file --csr --cn --unblock --version --help
help_has "nitelik --help lists the commands and common options" "$nitelik" --help -- \
  ca cert migrate audit institution user token price payments preapply backup restore "${common[@]}"
help_has "nitelik ca --help" "$nitelik" ca --help -- init crl crl-tick ocsp-refresh \
  ocsp-answer ocsp-cert --if-due revoke-issuing root-crl --base-url --key-type --ocsp-key-type --pkcs11-module \
  --token --pin-file --key-file-demo --hours --in --out "${common[@]}"
for v in init crl crl-tick ocsp-refresh ocsp-answer revoke-issuing root-crl ping backup restore; do
  help_has "nitelik ca $v --help" "$nitelik" ca "$v" --help -- "${common[@]}"
done
help_has "nitelik ca ocsp-cert renew --help" "$nitelik" ca ocsp-cert renew --help -- --days --if-due "${common[@]}"
help_has "nitelik cert --help" "$nitelik" cert --help -- issue show suspend release revoke \
  search --csr --given --surname --tckn --passport --cn --email --publish --years --days --renew \
  --out --pem --reason "${common[@]}"
for v in issue show suspend release revoke search; do
  help_has "nitelik cert $v --help" "$nitelik" cert "$v" --help -- "${common[@]}"
done
help_has "nitelik migrate --help" "$nitelik" migrate --help -- "${common[@]}"
help_has "nitelik audit --help" "$nitelik" audit --help -- verify "${common[@]}"
help_has "nitelik audit verify --help" "$nitelik" audit verify --help -- "${common[@]}"
help_has "nitelik institution --help" "$nitelik" institution --help -- add list disable \
  enable --name --registry-no --address --id "${common[@]}"
help_has "nitelik user --help" "$nitelik" user --help -- add passwd disable enable list \
  --role --institution --username --password-stdin "${common[@]}"
help_has "nitelik user add --help" "$nitelik" user add --help -- --role "${common[@]}"
help_has "nitelik token --help" "$nitelik" token --help -- add list revoke --institution \
  --name --id "${common[@]}"
help_has "nitelik price --help" "$nitelik" price --help -- set list --period --reader \
  --amount --vat "${common[@]}"
help_has "nitelik payments --help" "$nitelik" payments --help -- import --base-url \
  --web-dir "${common[@]}"
help_has "nitelik payments import --help" "$nitelik" payments import --help -- "${common[@]}"
help_has "nitelik preapply --help" "$nitelik" preapply --help -- import --institution \
  --errors --batch --base-url --web-dir "${common[@]}"
help_has "nitelik preapply import --help" "$nitelik" preapply import --help -- "${common[@]}"
help_has "nitelik backup --help" "$nitelik" backup --help -- --out "${common[@]}"
help_has "nitelik restore --help" "$nitelik" restore --help -- --from "${common[@]}"

# Usage errors still exit 2, on standard error.
check "unknown option exits 2" bash -c "'$nitelik' user list --frob 2>/dev/null; [ \$? = 2 ]"
check "nitelikd: unknown option exits 2" bash -c "'$nitelikd' --frob 2>/dev/null; [ \$? = 2 ]"
check "signer: unknown option exits 2" bash -c "'$signer' --frob 2>/dev/null; [ \$? = 2 ]"
check "no database and no configuration exits 2" \
  bash -c "'$nitelik' institution list >/dev/null 2>&1; [ \$? = 2 ]"

# A configuration file names the data folder; every subcommand reads it.
data=$tmp/data; mkdir -p "$data"
conf=$tmp/nitelik.conf
printf '[server]\nbase_url = https://ca.example.org\n[storage]\ndata_dir = %s\n[mail]\ndriver = simulator\n' \
  "$data" > "$conf"
check "migrate --config" bash -c "'$nitelik' migrate --config '$conf' | grep -q 'schema version'"
check "the database is <data_dir>/nitelik.db" test -s "$data/nitelik.db"
check "institution add --config" \
  bash -c "'$nitelik' institution add --config '$conf' --name 'Kurum A' >/dev/null"
check "user add --config" bash -c "'$nitelik' user add --config '$conf' --role admin \
  --username admin1 >/dev/null"
check "token add --config" bash -c "'$nitelik' token add --config '$conf' --institution 1 \
  --name t1 >/dev/null 2>&1"
check "price set --config" bash -c "'$nitelik' price set --config '$conf' --period 1 \
  --reader none --amount 1.180,00 >/dev/null"
check "audit verify --config" bash -c "'$nitelik' audit verify --config '$conf' | grep -q OK"

# The default configuration file ($NITELIK_CONFIG stands for /etc/nitelik/nitelik.conf).
json_is() { # description, python expression over j, command...
  local d=$1 expr=$2; shift 2
  if "$@" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($expr) else 1)"
  then ok "$d"; else nok "$d"; fi
}
export NITELIK_CONFIG=$conf
json_is "institution list --json (default config)" \
  "j[0]['name'] == 'Kurum A' and j[0]['active'] is True" "$nitelik" institution list --json
json_is "user list --json" "j[0]['username'] == 'admin1' and j[0]['role'] == 'admin'" \
  "$nitelik" user list --json
json_is "token list --json" "j[0]['name'] == 't1' and j[0]['institution_id'] == 1" \
  "$nitelik" token list --json
json_is "price list --json" \
  "len(j) == 9 and any(p['amount_kurus'] == 118000 for p in j)" "$nitelik" price list --json
check "nitelikd --check-config reads the default file" \
  bash -c "'$nitelikd' --check-config | grep -q 'configuration OK'"
check "nitelik-signer reads data_dir from the default file" \
  bash -c "'$signer' $demo 2>&1 | grep -Eq '(cannot open the CA|no CA) in $data'"
unset NITELIK_CONFIG

# Precedence: --db over NITELIK_DB over the file's database over <data_dir>.
other=$tmp/other; mkdir -p "$other"
"$nitelik" institution add --config "$conf" --db "sqlite:$other/x.db" --name 'Kurum B' >/dev/null
json_is "--db beats the configuration" "[i['name'] for i in j] == ['Kurum B']" \
  "$nitelik" institution list --config "$conf" --db "sqlite:$other/x.db" --json
json_is "NITELIK_DB beats the configuration" "[i['name'] for i in j] == ['Kurum B']" \
  env NITELIK_DB="sqlite:$other/x.db" "$nitelik" institution list --config "$conf" --json
json_is "--data beats the configuration's data_dir" "j == []" \
  "$nitelik" institution list --config "$conf" --data "$other" --json
printf '[storage]\ndata_dir = %s\ndatabase = sqlite:%s/x.db\n' "$data" "$other" > "$tmp/db.conf"
json_is "the file's database beats <data_dir>/nitelik.db" "[i['name'] for i in j] == ['Kurum B']" \
  "$nitelik" institution list --config "$tmp/db.conf" --json

# A named file must exist and be valid; errors name it (and the line).
out=$("$nitelik" institution list --config "$tmp/missing.conf" 2>&1); st=$?
check "a missing --config file exits 1 naming it" \
  bash -c "[ $st = 1 ] && grep -q 'missing.conf' <<<'$out'"
printf '[storage]\ndata_dri = /x\n' > "$tmp/bad.conf"
out=$("$nitelik" migrate --config "$tmp/bad.conf" 2>&1); st=$?
check "a bad key exits 1 naming the line" bash -c "[ $st = 1 ] && grep -q 'line 2' <<<'$out'"
out=$("$nitelikd" --config "$tmp/bad.conf" --check-config 2>&1); st=$?
check "nitelikd: a bad key exits 1 naming the line" bash -c "[ $st = 1 ] && grep -q 'line 2' <<<'$out'"
# [site] payment_channels (issue 13 item 5): a malformed table stops the start
# with its row and the reason; a good one passes.
printf '[storage]\ndata_dir = %s\n[site]\npayment_channels = ÖRNEKBANK: sube atm | TEST: havale\n' \
  "$data" > "$tmp/site.conf"
out=$("$nitelikd" --config "$tmp/site.conf" --check-config 2>&1); st=$?
check "nitelikd --check-config: a bad payment channel exits 1 naming row and channel" \
  bash -c "[ $st = 1 ] && grep -q \"site.payment_channels: row 2 (TEST): unknown channel 'havale'\" <<<\"\$1\"" _ "$out"
printf '[storage]\ndata_dir = %s\n[site]\ncontact_phone = 444 12 34\npayment_channels = ÖRNEKBANK: sube atm | TEST: internet\n' \
  "$data" > "$tmp/site.conf"
check "nitelikd --check-config: a good [site] passes" \
  bash -c "'$nitelikd' --config '$tmp/site.conf' --check-config | grep -q 'configuration OK'"

# The CA through the configuration alone: init, signer, CRL, search.
check "ca init --config" bash -c "'$nitelik' ca init --config '$conf' --key-file-demo >/dev/null"
check "ca init takes base_url from the configuration" \
  grep -q 'base_url = https://ca.example.org' "$data/ca/ca.conf"
"$signer" --config "$conf" $demo 2>"$tmp/signer.log" &
signer_pid=$!
for _ in $(seq 100); do [ -S "$data/ca/signer.sock" ] && break; sleep 0.1; done
check "nitelik-signer --config serves the CA of data_dir" test -S "$data/ca/signer.sock"
check "ca crl --config signs through the signer" \
  bash -c "'$nitelik' ca crl --config '$conf' | grep -q 'CRL published'"
json_is "cert search --config --json" "j == []" "$nitelik" cert search --config "$conf" --json Ali
kill "$signer_pid"; wait "$signer_pid" 2>/dev/null; signer_pid=

echo "1..$n"
exit $failed
