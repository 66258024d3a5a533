#!/usr/bin/env bash
# What the container runs, checked without docker: `npm run build`, then a copy holding only
# what the image's second stage holds (package files, dist/, schema/, openapi/) gets
# `npm ci --omit=dev`, and `node dist/main.js` there must answer 200 on /readyz (embedded engine).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
copy="$(mktemp -d /tmp/gw-production-XXXXXX)"
trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$copy"' EXIT
cp -r package.json package-lock.json dist schema openapi "$copy/"
(cd "$copy" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
port=$((20000 + RANDOM % 20000))
(cd "$copy" && NODE_ENV=production ENCRYPTION_KEY="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')" \
  DATA_DIR="$copy/data" PORT="$port" LOG_LEVEL=warn exec node -r source-map-support/register dist/main.js) &
pid=$!
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
    echo "production install: node dist/main.js answered /readyz 200 ($(du -sh "$copy/node_modules" | cut -f1) of production dependencies)"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || { echo "production install: node dist/main.js exited" >&2; exit 1; }
  sleep 0.5
done
echo "production install: no 200 from /readyz within 60 s" >&2
exit 1
