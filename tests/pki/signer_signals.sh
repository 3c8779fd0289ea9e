#!/usr/bin/env bash
# A termination signal at any moment of a signer's start must not wipe the CA
# token (issue 10, item 2). SoftHSM2 rewrites token.object when a user logs in
# (it truncates, then writes the flags): a SIGTERM in between left it 0 bytes
# and the CA never opened again.
#
# 200 signer starts on the real SoftHSM2 demo token, each sent SIGTERM at a
# random moment between 0 and 50 ms after start; half of the moments are packed
# around the measured time of the token login, where the write happens. Checks:
#   - every start that reached main() ends by a clean shutdown (exit status 0,
#     "stopped" logged); a signal that comes before the exec (the shell's
#     child) or while the dynamic loader runs, before the token is touched,
#     may kill it (nothing can block it there);
#   - the token files never become empty;
#   - the token opens afterwards (a signer starts and answers).
# And deterministically: a signer held inside the token opening (its PIN file
# is a FIFO nobody writes yet) gets SIGTERM, then its PIN: it must finish the
# login, then stop cleanly, not die in the middle.
# Usage: signer_signals.sh NITELIK NITELIK_SIGNER [STARTS]
set -u
NITELIK=${1:?nitelik}; SIGNER=${2:?nitelik-signer}; STARTS=${3:-200}
T=$(mktemp -d /tmp/nitelik-sigtest.XXXXXX)
D=$T/ca
PID=
cleanup() { [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$T"; }
# No EXIT trap: a SIGTERM that reaches the shell's forked child before it
# execs the signer would make that child run the trap and delete $T.
n=0; failed=0
ok()  { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' <<<"$2"; }

if ! "$NITELIK" ca init --data "$D" >/dev/null; then nok "ca init"; cleanup; echo "1..$n"; exit 1; fi
ok "ca init on a SoftHSM2 token"

# The ms from exec to "listening" of an undisturbed start (median of 5).
ready_ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$SIGNER" --demo --data "$D" 2>"$T/r.log" & PID=$!
  for _ in $(seq 2000); do grep -q listening "$T/r.log" 2>/dev/null && break; sleep 0.002; done
  t1=$(date +%s%N)
  kill -TERM "$PID"; wait "$PID"; PID=
  echo $(( (t1 - t0) / 1000000 ))
}
times=(); for _ in 1 2 3 4 5; do times+=("$(ready_ms)"); done
READY=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "# an undisturbed start is ready after ~${READY} ms"

empty_token() { find "$D/softhsm/tokens" -type f -name '*.object' -size 0 | grep -q .; }
unclean=0; emptied=0; early=0; first=""
for i in $(seq "$STARTS"); do
  if [ $((i % 2)) = 0 ]; then
    ms=$((RANDOM % 51))
  else   # densely around the login, where SoftHSM2 writes token.object
    lo=$((READY > 12 ? READY - 12 : 0))
    ms=$((lo + RANDOM % 13)); [ "$ms" -gt 50 ] && ms=$((RANDOM % 51))
  fi
  frac=$((RANDOM % 10))
  rm -f "$T/s.log"   # a child killed before its redirection leaves none
  "$SIGNER" --demo --data "$D" 2>"$T/s.log" & PID=$!
  sleep "$(printf '0.%03d%d' "$ms" "$frac")"
  kill -TERM "$PID" 2>/dev/null
  wait "$PID"; rc=$?; PID=
  if [ "$rc" = 143 ] && [ ! -s "$T/s.log" ]; then
    early=$((early + 1))   # killed by the loader's default disposition, before main()
  elif [ "$rc" != 0 ] || ! grep -q 'stopped' "$T/s.log"; then
    unclean=$((unclean + 1))
    [ -z "$first" ] && first="start $i, SIGTERM after ${ms} ms: exit $rc; $(tail -2 "$T/s.log")"
  fi
  if empty_token; then
    emptied=$((emptied + 1))
    [ -z "$first" ] && first="start $i, SIGTERM after ${ms} ms: a token file is empty"
    break
  fi
done
echo "# $early of $STARTS starts were killed before main(), the others stopped"
if [ "$unclean" = 0 ]; then ok "every start of $STARTS that reached main() stopped cleanly on SIGTERM"
else nok "every start stops cleanly on SIGTERM: $unclean were killed midway" "$first"; fi
if [ "$emptied" = 0 ]; then ok "no token file became empty"; else nok "no token file became empty" "$first"; fi

"$SIGNER" --demo --data "$D" 2>"$T/f.log" & PID=$!
for _ in $(seq 200); do grep -q listening "$T/f.log" 2>/dev/null && break; sleep 0.02; done
if grep -q listening "$T/f.log" && "$NITELIK" ca ping --data "$D" >/dev/null 2>&1; then
  ok "the token opens afterwards and the signer answers"
else nok "the token opens afterwards and the signer answers" "$(cat "$T/f.log")"; fi
kill -TERM "$PID"; wait "$PID"; rc=$?; PID=
if [ "$rc" = 0 ] && grep -q stopped "$T/f.log"; then ok "SIGTERM on a serving signer: clean shutdown"
else nok "SIGTERM on a serving signer: clean shutdown (exit $rc)" "$(tail -3 "$T/f.log")"; fi

# Deterministic: SIGTERM while the signer waits for its PIN inside the opening.
mv "$D/ca/pin" "$T/pin.real"; mkfifo -m 600 "$D/ca/pin"
"$SIGNER" --demo --data "$D" 2>"$T/d.log" & PID=$!
sleep 0.5
kill -TERM "$PID"; sleep 0.2
if kill -0 "$PID" 2>/dev/null; then ok "SIGTERM during the token opening does not kill the signer"
else nok "SIGTERM during the token opening does not kill the signer" "$(cat "$T/d.log")"; fi
# Both keys read the PIN; a line written while the previous reader closes is
# lost, so feed it until the signer is done (a dead signer reads nothing).
for _ in $(seq 20); do
  kill -0 "$PID" 2>/dev/null || break
  grep -q 'stopped' "$T/d.log" && break
  timeout 2 bash -c "cat '$T/pin.real' > '$D/ca/pin'" 2>/dev/null
  sleep 0.1
done
for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PID" 2>/dev/null && kill -9 "$PID"
wait "$PID"; rc=$?; PID=
if [ "$rc" = 0 ] && grep -q stopped "$T/d.log" && ! empty_token; then
  ok "the deferred SIGTERM stops the signer cleanly once the token is open"
else nok "the deferred SIGTERM stops the signer cleanly once the token is open (exit $rc)" "$(cat "$T/d.log")"; fi
rm -f "$D/ca/pin"; mv "$T/pin.real" "$D/ca/pin"

# The encrypted backup brings back a wiped token (the incident of issue 10).
printf 'correct horse battery staple\n' > "$T/pass"; printf 'wrong passphrase here\n' > "$T/bad"
if "$NITELIK" ca backup --data "$D" --out "$T/ca.bak" --passphrase-file "$T/pass" >/dev/null &&
   ! grep -qa 'BEGIN CERTIFICATE\|nitelik-ca' "$T/ca.bak" && [ "$(stat -c %a "$T/ca.bak")" = 600 ]; then
  ok "ca backup writes an encrypted copy (mode 0600, nothing readable in it)"
else nok "ca backup writes an encrypted copy"; fi
find "$D/softhsm/tokens" -name token.object -exec truncate -s 0 {} \;
if ! "$SIGNER" --demo --data "$D" 2>/dev/null; then ok "a wiped token does not open"; else nok "a wiped token does not open"; fi
out=$("$NITELIK" ca restore --data "$D" --in "$T/ca.bak" --passphrase-file "$T/bad" --force 2>&1)
if [ $? != 0 ] && grep -q 'wrong passphrase' <<<"$out" && empty_token; then
  ok "ca restore with a wrong passphrase is refused and writes nothing"
else nok "ca restore with a wrong passphrase is refused" "$out"; fi
out=$("$NITELIK" ca restore --data "$D" --in "$T/ca.bak" --passphrase-file "$T/pass" 2>&1)
if [ $? != 0 ] && grep -q -- '--force' <<<"$out"; then ok "ca restore over an existing CA needs --force"
else nok "ca restore over an existing CA needs --force" "$out"; fi
"$NITELIK" ca restore --data "$D" --in "$T/ca.bak" --passphrase-file "$T/pass" --force >/dev/null
"$SIGNER" --demo --data "$D" 2>"$T/f.log" & PID=$!
if "$NITELIK" ca ping --data "$D" --wait 20 >/dev/null 2>&1; then ok "after ca restore the token opens and signs"
else nok "after ca restore the token opens and signs" "$(cat "$T/f.log")"; fi
out=$("$NITELIK" ca restore --data "$D" --in "$T/ca.bak" --passphrase-file "$T/pass" --force 2>&1)
if [ $? != 0 ] && grep -q 'running' <<<"$out"; then ok "ca restore refuses while the signer runs"
else nok "ca restore refuses while the signer runs" "$out"; fi
kill -TERM "$PID"; wait "$PID"; PID=
cleanup
echo "1..$n"
[ "$failed" = 0 ]
