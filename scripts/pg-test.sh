#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the store tests.
#   pg-test.sh start DIR   initdb in DIR, start on a free port on 127.0.0.1 (the
#                          Unix socket in DIR too), trust authentication; prints
#                          only the connection URL and exits 0 once it accepts
#                          connections
#   pg-test.sh stop DIR    stop it (the caller removes DIR)
# PostgreSQL refuses to run as root, so as root the cluster runs as 'postgres'.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
cmd=${1:-}; dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: pg-test.sh start|stop DIR" >&2; exit 2
fi
if [ ! -x "$bin/initdb" ]; then
  echo "pg-test.sh: $bin/initdb not found (apt-get install postgresql-15)" >&2; exit 1
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

as_pg() { # run a command as the cluster's owner
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() { # a port nobody listens on right now (the kernel's choice)
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

case "$cmd" in
start)
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # Another process may take the port between probe and bind: try a few.
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    # Durability settings off: the cluster lives for one test run.
    if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1; then
      for _ in $(seq 1 100); do
        if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
          echo "$port" > "$dir/port"
          echo "postgresql://postgres@127.0.0.1:$port/postgres"
          exit 0
        fi
        sleep 0.1
      done
      as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
  done
  echo "pg-test.sh: PostgreSQL did not start; see $dir/server.log" >&2
  tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
  exit 1
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  ;;
*)
  echo "usage: pg-test.sh start|stop DIR" >&2; exit 2 ;;
esac
