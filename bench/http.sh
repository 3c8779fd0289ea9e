#!/usr/bin/env bash
# HTTP benchmark: wrk on loopback against a bare libmicrohttpd hello server built
# here from bench/hello.c (the baseline), nitelikd's /healthz and its home page.
# Prints each rate, p99 latency and the ratio to hello.
# Goal: the home page at >= 50% of hello, p99 < 10 ms at 50 connections.
#
# usage: bench/http.sh [nitelikd]   (default: build/src/cmd/nitelikd, built if missing)
# env:   BENCH_DURATION (5s), BENCH_CONNECTIONS (50), BENCH_THREADS (2),
#        BENCH_ROUNDS (3: the three targets are measured in turn, round after round,
#        and each number is the median of its rounds, so a passing load spike on a
#        shared machine hits all three alike and moves the medians little)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dur=${BENCH_DURATION:-5s}
conns=${BENCH_CONNECTIONS:-50}
threads=${BENCH_THREADS:-2}
rounds=${BENCH_ROUNDS:-3}

command -v wrk >/dev/null || { echo "http.sh: wrk is not installed (scripts/deps.sh)" >&2; exit 1; }
nitelikd=${1:-build/src/cmd/nitelikd}
if [ ! -x "$nitelikd" ]; then
  bash scripts/build.sh normal
fi

work=$(mktemp -d /tmp/nitelik-bench.XXXXXX)
hello_pid=""; nl_pid=""
cleanup() {
  [ -n "$hello_pid" ] && kill "$hello_pid" 2>/dev/null && wait "$hello_pid" 2>/dev/null
  [ -n "$nl_pid" ] && kill "$nl_pid" 2>/dev/null && wait "$nl_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The baseline, built in this run with the same compiler flags as a release build.
cc -O2 -std=c17 -D_GNU_SOURCE -o "$work/hello" bench/hello.c \
  $(pkg-config --cflags --libs libmicrohttpd)
"$work/hello" 0 > "$work/hello.port" &
hello_pid=$!

# nitelikd in demo mode on a throw-away folder; the request log goes to a file as
# it would in production.
mkdir -p "$work/demo"
cat > "$work/demo/nitelik.conf" <<CONF
[server]
listen = 127.0.0.1:0
# wrk's connections all come from loopback: no per-address limit
per_ip_connection_limit = 0
[storage]
data_dir = $work/demo
[log]
file = $work/demo/requests.log
[demo]
enabled = true
CONF
"$nitelikd" --demo "$work/demo" 2> "$work/nitelikd.err" &
nl_pid=$!

wait_for() { # file pattern
  for _ in $(seq 1 200); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "http.sh: timed out waiting for $1" >&2; cat "$1" >&2; return 1
}
wait_for "$work/hello.port" '^[0-9]'
wait_for "$work/nitelikd.err" 'listening on'
hello_port=$(head -1 "$work/hello.port")
nl_port=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$work/nitelikd.err" | head -1)

# Prints "<requests/s> <p99 ms> <non-2xx count>" for one URL.
measure() {
  local out rate p99 non2xx
  curl -s -o /dev/null "$1" || true   # warm up: first connection, caches
  out=$(wrk -t"$threads" -c"$conns" -d"$dur" --latency "$1")
  rate=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  # wrk prints latencies as 850.00us, 1.20ms or 1.05s: convert to ms
  p99=$(awk -v v="$p99" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else print "nan" }')
  echo "$rate $p99 ${non2xx:-0}"
}

home_status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nl_port/")
: > "$work/hello.m"; : > "$work/health.m"; : > "$work/home.m"
for _ in $(seq 1 "$rounds"); do
  measure "http://127.0.0.1:$hello_port/" >> "$work/hello.m"
  measure "http://127.0.0.1:$nl_port/healthz" >> "$work/health.m"
  measure "http://127.0.0.1:$nl_port/" >> "$work/home.m"
done
median() { # file column
  sort -g -k"$2,$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {print v[int((NR + 1) / 2)]}'
}
hello_rate=$(median "$work/hello.m" 1); hello_p99=$(median "$work/hello.m" 2)
health_rate=$(median "$work/health.m" 1); health_p99=$(median "$work/health.m" 2)
home_rate=$(median "$work/home.m" 1); home_p99=$(median "$work/home.m" 2)
health_bad=$(awk '{s += $3} END {print s + 0}' "$work/health.m")
home_bad=$(awk '{s += $3} END {print s + 0}' "$work/home.m")

echo "wrk -t$threads -c$conns -d$dur on loopback, $(nproc) cores, median of $rounds rounds"
printf '%-22s %12s %10s %8s\n' target 'requests/s' 'p99 ms' 'vs hello'
row() { printf '%-22s %12.0f %10s %7.0f%%\n' "$1" "$2" "$3" "$(awk -v a="$2" -v b="$hello_rate" 'BEGIN {print 100 * a / b}')"; }
row "hello (libmicrohttpd)" "$hello_rate" "$hello_p99"
row "nitelikd /healthz" "$health_rate" "$health_p99"
row "nitelikd / (home)" "$home_rate" "$home_p99"
[ "${health_bad:-0}" = 0 ] || echo "note: /healthz answered $health_bad non-2xx responses"
if [ "$home_status" != 200 ]; then
  echo "note: the home page answered $home_status, not 200: its numbers are not the page's"
fi
[ "${home_bad:-0}" = 0 ] || echo "note: / answered $home_bad non-2xx responses"

if awk -v p="$hello_p99" 'BEGIN {exit !(p >= 10)}'; then
  echo "note: even the bare hello server has p99 >= 10 ms here: the machine is too busy"
  echo "      (wrk, the server and other work share $(nproc) cores) for the p99 goal to be judged"
fi

ratio_ok=$(awk -v a="$home_rate" -v b="$hello_rate" 'BEGIN {print (a >= 0.5 * b) ? 1 : 0}')
p99_ok=$(awk -v p="$home_p99" 'BEGIN {print (p < 10) ? 1 : 0}')
if [ "$ratio_ok" = 1 ] && [ "$p99_ok" = 1 ] && [ "$home_status" = 200 ]; then
  echo "goal met: home page >= 50% of hello and p99 < 10 ms"
else
  echo "goal missed: home page needs >= 50% of hello and p99 < 10 ms"
fi
