#!/usr/bin/env bash
# Starts Debian's PgBouncer in transaction mode on 127.0.0.1:${PGBOUNCER_PORT:-6432}, in front of
# the PostgreSQL on 127.0.0.1:5432 (user postgres, any database), for CI's pass of the integration
# suite through a pooler (README "Behind a connection pooler"). Installs it when missing; a
# PgBouncer this script started before is stopped first.
set -euo pipefail
port="${PGBOUNCER_PORT:-6432}"
dir="${PGBOUNCER_DIR:-/tmp/gw-pgbouncer}"
if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
fi
PATH="$PATH:/usr/sbin"
mkdir -p "$dir"
if [ -f "$dir/pgbouncer.pid" ] && kill -0 "$(cat "$dir/pgbouncer.pid")" 2>/dev/null; then
  kill "$(cat "$dir/pgbouncer.pid")"
  for _ in $(seq 1 20); do kill -0 "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || break; sleep 0.25; done
fi
cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432 user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = any
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 40
max_db_connections = 60
; pg sends this one; PgBouncer refuses startup parameters it does not know.
ignore_startup_parameters = extra_float_digits
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
# PgBouncer will not run as root: as root, it switches to the postgres user.
as=()
if [ "$(id -u)" = 0 ]; then
  chown -R postgres "$dir"
  as=(-u postgres)
fi
pgbouncer -d "${as[@]}" "$dir/pgbouncer.ini"
for _ in $(seq 1 40); do
  pg_isready -h 127.0.0.1 -p "$port" -q && break
  sleep 0.25
done
pg_isready -h 127.0.0.1 -p "$port"
