#!/bin/sh
# Regenerates pg_dump_15.sql from pg_dump_15_schema.sql, and
# handwritten_pg_dump_15.sql from handwritten.sql, with a throwaway
# PostgreSQL 15 cluster (Debian's postgresql-15 + contrib). Run as root or as
# the postgres user; the cluster lives in a temp dir and is stopped at the end.
# Then run: go test ./catalog -update
set -eu
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
D=$(mktemp -d /tmp/pgcatalog.XXXXXX)
RUN=""
if [ "$(id -u)" = 0 ]; then chown postgres "$D"; RUN="su postgres -c"; else RUN="sh -c"; fi
PORT=${PGPORT_TEST:-55439}
$RUN "$BIN/initdb -D $D/data -U postgres --no-locale -E UTF8 >$D/initdb.log"
$RUN "$BIN/pg_ctl -D $D/data -l $D/pg.log -o \"-c listen_addresses='' -c unix_socket_directories=$D -p $PORT\" -w start >/dev/null"
trap '$RUN "$BIN/pg_ctl -D $D/data -m fast -w stop >/dev/null"; rm -rf "$D"' EXIT
psql -X -q -v ON_ERROR_STOP=1 -h "$D" -p "$PORT" -U postgres -d postgres -f "$HERE/pg_dump_15_schema.sql"
"$BIN/pg_dump" -s -h "$D" -p "$PORT" -U postgres -d postgres >"$HERE/pg_dump_15.sql"
psql -X -q -h "$D" -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE hand"
psql -X -q -v ON_ERROR_STOP=1 -h "$D" -p "$PORT" -U postgres -d hand -f "$HERE/handwritten.sql" 2>/dev/null
"$BIN/pg_dump" -s -h "$D" -p "$PORT" -U postgres -d hand >"$HERE/handwritten_pg_dump_15.sql"
