#!/usr/bin/env bash
# Fails when the entities and the migrations disagree: applies every migration to a scratch
# database on DATABASE_URL's server, then asks TypeORM whether it would generate a new one.
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server}"
scratch="gw_migration_check_$$"
psql "$DATABASE_URL" -qc "CREATE DATABASE $scratch"
trap 'psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $scratch WITH (FORCE)"' EXIT
url="${DATABASE_URL%/*}/$scratch"
export ENCRYPTION_KEY="${ENCRYPTION_KEY:-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=}"
typeorm() { DATABASE_URL="$url" node -r @swc-node/register node_modules/typeorm/cli.js "$@"; }
typeorm migration:run -d src/db/cli-data-source.ts >/dev/null
typeorm migration:generate --check -d src/db/cli-data-source.ts src/db/migrations/Check
