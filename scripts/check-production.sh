#!/usr/bin/env bash
# What the container runs, checked without docker: `npm run build`, then a copy holding only
# what the image's second stage holds (package files, dist/, schema/, openapi/) gets
# `npm ci --omit=dev`, and `node dist/main.js` there must answer 200 on /readyz (embedded engine),
# with a YAML CONNECTORS_FILE whose tool has an input schema, so what reads and checks an
# operator's definitions (yaml, ajv, ajv-formats) is proven to be a production dependency; and
# MCP's tools/list must answer for an owner made with the admin CLI (no connections, no tools):
# the first MCP request loads the MCP SDK, so it is proven a production dependency too.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
copy="$(mktemp -d /tmp/gw-production-XXXXXX)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$copy"' EXIT
cp -r package.json package-lock.json dist schema openapi "$copy/"
(cd "$copy" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
cat > "$copy/connectors.yaml" <<'YAML'
- slug: acme-production-check
  name: Acme
  description: A connector read from a YAML CONNECTORS_FILE by the production install check.
  authType: api_key
  availability: available
  categories: [dev-tools]
  credentialFields: [{ key: apiKey, label: API key, required: true, secret: true }]
  api: { baseUrl: 'https://api.acme.example', headers: { Authorization: 'Bearer ${credentials.apiKey}' } }
  tools:
    - name: get_item
      description: Read one item.
      inputSchema:
        type: object
        properties: { id: { type: string }, since: { type: string, format: date-time } }
        required: [id]
        additionalProperties: false
      request: { method: GET, path: '/items/{id}', query: [since] }
YAML
port=$((20000 + RANDOM % 20000))
export NODE_ENV=production DATA_DIR="$copy/data" PORT="$port" LOG_LEVEL=warn CONNECTORS_FILE="$copy/connectors.yaml"
ENCRYPTION_KEY="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')"
RUNTIME_TOKEN="production-check-runtime-token-$RANDOM$RANDOM"
export ENCRYPTION_KEY RUNTIME_TOKEN
owner="$(cd "$copy" && node dist/cli/admin.js keys create --owner production-check | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).ownerId))')"
(cd "$copy" && exec node --max-semi-space-size=64 -r source-map-support/register dist/main.js) &
pid=$!
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    echo "production install: node dist/main.js answered /readyz 200 ($(du -sh "$copy/node_modules" | cut -f1) of production dependencies)"
    listed="$(curl -fsS -X POST "http://127.0.0.1:$port/internal/v1/mcp" -H "Authorization: Bearer $RUNTIME_TOKEN" \
      -H "X-Owner-Id: $owner" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
      -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}')"
    if [ "$listed" != '{"result":{"tools":[]},"jsonrpc":"2.0","id":1}' ]; then
      echo "production install: MCP tools/list answered $listed" >&2
      exit 1
    fi
    echo "production install: MCP tools/list answered for an owner with no connections"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { echo "production install: node dist/main.js exited" >&2; exit 1; }
  sleep 0.5
done
echo "production install: no 200 from /readyz within 60 s" >&2
exit 1
