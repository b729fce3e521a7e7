#!/bin/sh
# One-shot (temporalio/admin-tools): create or upgrade Temporal's two databases
# on the shared PostgreSQL server with temporal-sql-tool. Idempotent: `create`
# ignores an existing database, `setup-schema -v 0.0` only adds the version
# tables when missing, `update-schema` applies just the versions not yet applied.
# Run on every `docker compose up`, so pulling a newer Temporal image and
# starting the stack upgrades the schema before the server starts.
#
# Environment: SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD, SQL_PLUGIN (read by
# temporal-sql-tool itself, so the password never shows in a process list).
set -eu

: "${SQL_HOST:?SQL_HOST is required}"
: "${SQL_USER:?SQL_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
SQL_PORT="${SQL_PORT:-5432}"
SQL_PLUGIN="${SQL_PLUGIN:-postgres12}"
export SQL_HOST SQL_PORT SQL_USER SQL_PASSWORD SQL_PLUGIN
SCHEMA_ROOT="${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}"

attempt=1
until nc -z -w 5 "$SQL_HOST" "$SQL_PORT"; do
  if [ "$attempt" -ge 60 ]; then
    echo "PostgreSQL at $SQL_HOST:$SQL_PORT is not reachable" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

setup_db() {
  db="$1"
  schema_dir="$2"
  echo "== $db: create database (no-op when it exists)"
  temporal-sql-tool --db "$db" create
  echo "== $db: version tables"
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  echo "== $db: apply pending schema versions from $schema_dir"
  temporal-sql-tool --db "$db" update-schema -d "$schema_dir"
}

setup_db temporal "$SCHEMA_ROOT/temporal/versioned"
setup_db temporal_visibility "$SCHEMA_ROOT/visibility/versioned"
echo "Temporal schema is up to date."
