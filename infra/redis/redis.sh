#!/usr/bin/env bash
# A loopback-only Redis server without systemd, owned by one folder.
#   infra/redis/redis.sh start  [--dir DIR] [--port PORT]   installs redis-server if missing, starts, waits until ready
#   infra/redis/redis.sh stop   [--dir DIR]
#   infra/redis/redis.sh status [--dir DIR]
# Defaults: DIR=.run/redis, PORT=6379 (or SUITE_REDIS_PORT). Prints the connection string on start. Appendonly
# persistence in the folder, so counters survive a restart of the server.
set -euo pipefail
. "$(dirname "$0")/../lib/server.sh"

command=${1:-}
[ -n "$command" ] && shift
dir=${SUITE_REDIS_DIR:-$PWD/.run/redis}
port=${SUITE_REDIS_PORT:-6379}
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

install() {
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
  fi
}

start() {
  install
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    echo "127.0.0.1:$(cat "$dir/port")"
    return 0
  fi

  echo "$port" > "$dir/port"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --appendonly yes --save "" \
    --pidfile "$dir/pid" --logfile "$dir/server.log" --daemonize yes --protected-mode yes >/dev/null
  for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done

  redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG || { tail -n 30 "$dir/server.log" >&2; exit 1; }
  echo "127.0.0.1:$port"
}

stop() {
  local pid
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    redis-cli -h 127.0.0.1 -p "$(cat "$dir/port")" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi

  rm -f "$dir/pid"
  echo "stopped redis in $dir"
}

status() {
  pid_status redis
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [--dir DIR] [--port PORT]" >&2; exit 2 ;;
esac
