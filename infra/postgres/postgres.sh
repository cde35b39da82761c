#!/usr/bin/env bash
# A loopback-only PostgreSQL server without systemd, owned by one folder.
#   infra/postgres/postgres.sh start  [--dir DIR] [--port PORT]   installs postgresql if missing, initialises, starts, waits until ready
#   infra/postgres/postgres.sh stop   [--dir DIR]
#   infra/postgres/postgres.sh status [--dir DIR]
# Defaults: DIR=.run/postgres, PORT=5432 (or SUITE_POSTGRES_PORT). Prints the connection string on start: database
# "suite", user "suite" (trust authentication on 127.0.0.1 only). PostgreSQL refuses to run as root: when root starts
# it, the server runs as the "postgres" account the Debian package creates, and the folder is handed to it.
set -euo pipefail
. "$(dirname "$0")/../lib/server.sh"

command=${1:-}
[ -n "$command" ] && shift
dir=${SUITE_POSTGRES_DIR:-$PWD/.run/postgres}
port=${SUITE_POSTGRES_PORT:-5432}
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install() {
  if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/postgres" ]; then
    apt_install postgresql
  fi
}

# Runs a PostgreSQL program as the account that owns the data folder.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

connection() { echo "Host=127.0.0.1;Port=$(cat "$dir/port");Database=suite;Username=suite"; }

start() {
  install
  local bin
  bin=$(bindir)
  if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    connection
    return 0
  fi

  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    if ! runuser -u postgres -- test -w "$dir"; then
      echo "the postgres account cannot reach $dir (a parent folder is closed to it); use a folder it can traverse" >&2
      exit 1
    fi
  fi

  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi

  echo "$port" > "$dir/port"
  # Loopback only, a socket folder of our own, and settings for a small machine that many test servers share.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c shared_buffers=32MB -c max_connections=200 -c fsync=on" \
    start >/dev/null || { tail -n 30 "$dir/server.log" >&2; exit 1; }
  for _ in $(seq 1 60); do
    "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q && break
    sleep 0.5
  done

  if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='suite'" | grep -q 1; then
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE ROLE suite LOGIN" >/dev/null
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE suite OWNER suite" >/dev/null
  fi

  connection
}

stop() {
  local bin
  bin=$(bindir)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi

  echo "stopped postgres in $dir"
}

status() {
  local bin
  bin=$(bindir)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "running: postgres on 127.0.0.1:$(cat "$dir/port")"
  else
    echo "not running"
    return 1
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [--dir DIR] [--port PORT]" >&2; exit 2 ;;
esac
