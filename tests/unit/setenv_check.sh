#!/bin/sh
# No setenv after start-up (docs/DESIGN.md): a setenv while another thread
# reads the environment is undefined, so the tree sets a variable in two
# start-up functions only, both for SoftHSM2's SOFTHSM2_CONF:
# pki/ca_store.c softhsm_env (the CA's key operations: signer start, CLI) and
# pki/card_perso.c nl_card_perso_softhsm_env (nl_app_open, before threads).
# Any other setenv/putenv/unsetenv/clearenv in src/ fails. TAP, one test.
src=${1:?usage: setenv_check.sh SRC_DIR}
echo "1..1"
hits=$(grep -rnE '\b(setenv|putenv|unsetenv|clearenv)\(' "$src" --include='*.c' --include='*.h' |
       grep -vE '^[^:]*src/pki/ca_store\.c:[0-9]+:	if \(conf\[0\]\) setenv\("SOFTHSM2_CONF", conf, 1\);$' |
       grep -vE '^[^:]*src/pki/card_perso\.c:[0-9]+:	if \(setenv\("SOFTHSM2_CONF", path, 1\)\)$')
if [ -z "$hits" ]; then
  echo "ok 1 - the environment is set only at start-up (SOFTHSM2_CONF, two functions)"
else
  echo "not ok 1 - setenv outside the start-up functions"
  printf '%s\n' "$hits" | sed 's/^/# /'
  exit 1
fi
