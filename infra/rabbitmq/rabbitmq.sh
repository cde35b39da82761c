#!/usr/bin/env bash
# A loopback-only RabbitMQ broker without systemd, owned by one folder.
#   infra/rabbitmq/rabbitmq.sh start  [--dir DIR] [--port PORT] [--name NODE]   installs rabbitmq-server if missing, starts, waits until ready
#   infra/rabbitmq/rabbitmq.sh stop   [--dir DIR]
#   infra/rabbitmq/rabbitmq.sh status [--dir DIR]
# Defaults: DIR=.run/rabbitmq, PORT=5672 (or SUITE_RABBITMQ_PORT), NODE=suite-<port>. Prints the AMQP URI on start.
# The package's own service start is blocked on these machines, so the server runs as a plain background process.
# Erlang's schedulers do not busy-wait (+sbwt none): on a small host they would burn the cores inference needs.
set -euo pipefail
. "$(dirname "$0")/../lib/server.sh"

command=${1:-}
[ -n "$command" ] && shift
dir=${SUITE_RABBITMQ_DIR:-$PWD/.run/rabbitmq}
port=${SUITE_RABBITMQ_PORT:-5672}
name=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
server=/usr/lib/rabbitmq/bin/rabbitmq-server
ctl=/usr/lib/rabbitmq/bin/rabbitmqctl

node_of() { cat "$dir/node" 2>/dev/null || true; }

# A free loopback port for the broker's Erlang distribution, below the kernel's ephemeral range (a port from bind(0)
# lies inside it, where any outgoing connection may take it before the broker binds it) and below the 20000 and up
# that the test harness hands to the services it starts (tests/Suite.EndToEnd.Tests/Infrastructure/FreePort.cs).
free_port() {
  local low high port
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  high=19999
  [ "$low" -gt 20000 ] || high=60999
  for _ in $(seq 1 200); do
    port=$(shuf -i "10000-$high" -n 1)
    if ! (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  shuf -i "10000-$high" -n 1
}

install() {
  if [ ! -x "$server" ]; then
    apt_install rabbitmq-server
  fi
}

ctl_env() {
  env HOME="$dir" RABBITMQ_CONF_ENV_FILE=/dev/null ERL_EPMD_ADDRESS=127.0.0.1 "$ctl" -n "$(node_of)" "$@"
}

start() {
  install
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    echo "amqp://guest:guest@127.0.0.1:$(cat "$dir/port")/"
    return 0
  fi

  [ -n "$name" ] || name="suite-$port"
  local node="$name@localhost"
  local dist
  dist=$(free_port)
  mkdir -p "$dir/mnesia" "$dir/log"
  # Start the Erlang port mapper ourselves, detached from this script's output, on loopback only (it outlives the
  # broker and is shared by all nodes on the machine; a caller reading our output must not wait for it).
  ERL_EPMD_ADDRESS=127.0.0.1 epmd -daemon > /dev/null 2>&1 < /dev/null || true
  echo "$node" > "$dir/node"
  echo "$port" > "$dir/port"
  cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
loopback_users.guest = true
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.2
CONF
  env HOME="$dir" \
    RABBITMQ_NODENAME="$node" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$port" \
    RABBITMQ_DIST_PORT="$dist" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_CONF_ENV_FILE=/dev/null \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    setsid "$server" > "$dir/log/server.out" 2>&1 < /dev/null &
  # Readiness: 'rabbitmqctl wait' on the pid file (a ping answers before the broker accepts connections).
  for _ in 1 2 3 4 5 6 7 8 9 10; do [ -f "$dir/pid" ] && break; sleep 0.5; done
  if ! ctl_env wait --timeout 110 "$dir/pid" >/dev/null 2>&1; then
    echo "RabbitMQ did not start; see $dir/log" >&2
    tail -n 30 "$dir/log/server.out" >&2 || true
    exit 1
  fi
  echo "amqp://guest:guest@127.0.0.1:$port/"
}

stop() {
  [ -f "$dir/node" ] || { echo "no broker recorded in $dir"; return 0; }
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    ctl_env stop "$dir/pid" >/dev/null 2>&1 || kill "$(cat "$dir/pid")" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
  echo "stopped $(node_of)"
}

status() {
  pid_status "$(node_of)"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [--dir DIR] [--port PORT] [--name NODE]" >&2; exit 2 ;;
esac
