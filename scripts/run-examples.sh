#!/usr/bin/env bash
# Runs the typed example clients (examples/rest.ts, examples/graphql.ts) against a live gateway:
# `npm start` on the embedded engine in a fresh temporary DATA_DIR, on a free loopback port.
# The API key is created first, with the admin CLI, because the CLI refuses to open a DATA_DIR
# that a running gateway holds. Fails when an example fails or the gateway does not stop cleanly
# on SIGTERM. `npm run examples`; a CI step.
#
# npm does not wait for its script when it is signalled, so the gateway runs in a process group
# of its own (set -m) and SIGTERM goes to the whole group: node gets it, and its log must then
# say "stopped" (a clean shutdown).
set -uo pipefail
set -m
cd "$(dirname "$0")/.."

DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/gw-examples-XXXXXX")"
LOG="$DATA_DIR/gateway.log"
GATEWAY_PID=""
export DATA_DIR
unset DATABASE_URL
export LOG_LEVEL=info
export ENCRYPTION_KEY
ENCRYPTION_KEY="$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64'))")"

# Sends SIGTERM to the gateway's process group and waits (up to 30 s) until all of it has exited.
stop_gateway() {
  kill -TERM -- "-$GATEWAY_PID" 2>/dev/null
  for _ in $(seq 1 60); do
    kill -0 -- "-$GATEWAY_PID" 2>/dev/null || break
    sleep 0.5
  done
  wait "$GATEWAY_PID" 2>/dev/null
  if kill -0 -- "-$GATEWAY_PID" 2>/dev/null; then
    kill -KILL -- "-$GATEWAY_PID" 2>/dev/null
    return 1
  fi
}

cleanup() {
  if [ -n "$GATEWAY_PID" ]; then stop_gateway; fi
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

fail() {
  echo "examples: $*" >&2
  if [ -s "$LOG" ]; then
    echo "--- gateway log (last 40 lines)" >&2
    tail -n 40 "$LOG" >&2
  fi
  exit 1
}

echo "== examples: an API key for the owner \"examples\" (DATA_DIR $DATA_DIR)"
KEY_JSON="$(npm run --silent admin -- keys create --owner examples)" || fail "the admin CLI could not create a key"
GATEWAY_API_KEY="$(node -e "process.stdout.write(JSON.parse(process.argv[1]).apiKey)" "$KEY_JSON")" ||
  fail "the admin CLI printed no key: $KEY_JSON"
export GATEWAY_API_KEY

PORT="$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})")"
export HOST=127.0.0.1 PORT
export PUBLIC_URL="http://127.0.0.1:$PORT"
export GATEWAY_URL="http://127.0.0.1:$PORT"

echo "== examples: npm start on $GATEWAY_URL (embedded engine)"
npm start >"$LOG" 2>&1 &
GATEWAY_PID=$!
set +m

ready=""
for _ in $(seq 1 120); do
  kill -0 "$GATEWAY_PID" 2>/dev/null || fail "the gateway exited before it was ready"
  if node -e "fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))" \
    "$GATEWAY_URL/readyz"; then
    ready=1
    break
  fi
  sleep 0.5
done
[ -n "$ready" ] || fail "the gateway was not ready after 60 s"

failed=()
for example in rest graphql; do
  echo "== examples: examples/$example.ts"
  if ! node --enable-source-maps -r @swc-node/register "examples/$example.ts"; then
    failed+=("$example")
  fi
done

echo "== examples: stopping the gateway (SIGTERM)"
stop_gateway || fail "the gateway was still running 30 s after SIGTERM"
GATEWAY_PID=""
grep -q '"msg":"stopped"' "$LOG" || fail "the gateway did not shut down cleanly after SIGTERM"

if [ "${#failed[@]}" -gt 0 ]; then
  fail "failed: ${failed[*]}"
fi
echo "== examples: both ran as expected"
