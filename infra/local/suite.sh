#!/usr/bin/env bash
# The distributed suite on this machine: a RabbitMQ broker and one process per service, workers in pools.
#   infra/local/suite.sh up      build (Release) if needed, start broker + tokenizer + router + telemetry + workers + gateway
#   infra/local/suite.sh down    stop everything this run folder recorded
#   infra/local/suite.sh status  list the processes and whether they are alive
# Settings (environment):
#   SUITE_RUN_DIR        run folder: PIDs in pids/, logs in logs/, broker data in rabbitmq/   (default .run/distributed)
#   SUITE_POOLS          worker pools, "pool=backend:count,…"          (default "cpu-a=cpu:1,cpu-b=cpu:1")
#                        a sim pool may run many workers per process: "sim-h100=sim:2x100" is 2 processes of 100
#   SUITE_GATEWAY_PORT   gateway HTTP port                              (default 8080)
#   SUITE_RABBITMQ_PORT  broker port                                    (default 5672)
#   SUITE_MODEL, SUITE_MODEL_CACHE, SUITE_TOKENIZER  as in embedded mode; Worker__* settings pass through to workers.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
run=${SUITE_RUN_DIR:-$root/.run/distributed}
pools=${SUITE_POOLS:-cpu-a=cpu:1,cpu-b=cpu:1}
gateway_port=${SUITE_GATEWAY_PORT:-8080}
rabbit_port=${SUITE_RABBITMQ_PORT:-5672}
config=${SUITE_CONFIGURATION:-Release}
mkdir -p "$run/pids" "$run/logs"

dll() {
  local project=$1 name
  name=$(basename "$project")
  find "$root/$project/bin/$config" -name "$name.dll" -path '*net10.0*' 2>/dev/null | head -n 1
}

start_process() { # name project port [ENV=VALUE…]
  local name=$1 project=$2 port=$3
  shift 3
  local path
  path=$(dll "$project")
  env "$@" ASPNETCORE_URLS="http://127.0.0.1:$port" SUITE_RABBITMQ_URI="$SUITE_RABBITMQ_URI" \
    setsid dotnet "$path" > "$run/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$run/pids/$name.pid"
  echo "  $name (pid $!, http://127.0.0.1:$port, log $run/logs/$name.log)"
}

wait_http() { # url seconds
  for _ in $(seq 1 $(( $2 * 4 ))); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.25
  done
  return 1
}

up() {
  if [ -z "$(dll gateway/Suite.Gateway.Host)" ] || [ -z "$(dll services/model-worker/Suite.ModelWorker.Host)" ]; then
    echo "Building Suite.sln ($config)…"
    dotnet build "$root/Suite.sln" -c "$config" -v:q -nologo
  fi

  # A suite already answering on the gateway port (another run folder) would pass the readiness check below.
  if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$gateway_port/health"; then
    echo "Port $gateway_port already serves a suite; stop it first (SUITE_RUN_DIR of that run, then: $0 down)." >&2
    exit 1
  fi

  echo "Broker:"
  SUITE_RABBITMQ_URI=$("$root/infra/rabbitmq/rabbitmq.sh" start --dir "$run/rabbitmq" --port "$rabbit_port" | tail -n 1)
  export SUITE_RABBITMQ_URI
  echo "  $SUITE_RABBITMQ_URI"
  echo "Services:"
  start_process tokenizer services/tokenizer/Suite.Tokenizer.Host $((gateway_port + 1))
  start_process router services/router/Suite.Router.Host $((gateway_port + 2))
  start_process telemetry services/telemetry/Suite.Telemetry.Host $((gateway_port + 4))
  local port=$((gateway_port + 10)) spec pool backend count per i
  IFS=',' read -ra specs <<< "$pools"
  for spec in "${specs[@]}"; do
    pool=${spec%%=*}
    backend=${spec#*=}
    count=${backend#*:}
    backend=${backend%%:*}
    per=1
    if [[ $count == *x* ]]; then
      per=${count#*x}
      count=${count%%x*}
    fi
    for i in $(seq 1 "$count"); do
      start_process "worker-$pool-$i" services/model-worker/Suite.ModelWorker.Host "$port" \
        Worker__Backend="$backend" Worker__Pool="$pool" Worker__WorkerId="$pool-$i" Worker__SimWorkers="$per" \
        Worker__Threads="${Worker__Threads:-1}" Worker__MaxSequences="${Worker__MaxSequences:-8}"
      port=$((port + 1))
    done
  done
  # In distributed mode the gateway hosts no engine: workstation GC, like the other control-plane services (the same
  # binary keeps server GC in embedded mode, where it runs the engine; see Directory.Build.props).
  start_process gateway gateway/Suite.Gateway.Host "$gateway_port" SUITE_MODE=distributed DOTNET_gcServer=0 \
    Gateway__TelemetryUrl="http://127.0.0.1:$((gateway_port + 4))"
  if wait_http "http://127.0.0.1:$gateway_port/health" 120; then
    echo "Ready: http://127.0.0.1:$gateway_port (OpenAI API at /v1, metrics at /metrics)"
  else
    echo "The suite did not become healthy within 120 s; see $run/logs" >&2
    exit 1
  fi
}

down() {
  local pid_file pid
  for pid_file in "$run"/pids/*.pid; do
    [ -f "$pid_file" ] || continue
    pid=$(cat "$pid_file")
    kill "$pid" 2>/dev/null || true
  done
  sleep 1
  for pid_file in "$run"/pids/*.pid; do
    [ -f "$pid_file" ] || continue
    pid=$(cat "$pid_file")
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pid_file"
  done
  "$root/infra/rabbitmq/rabbitmq.sh" stop --dir "$run/rabbitmq" || true
}

status() {
  local pid_file name pid
  for pid_file in "$run"/pids/*.pid; do
    [ -f "$pid_file" ] || continue
    name=$(basename "$pid_file" .pid)
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then echo "  $name: running (pid $pid)"; else echo "  $name: stopped"; fi
  done
  "$root/infra/rabbitmq/rabbitmq.sh" status --dir "$run/rabbitmq" || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
