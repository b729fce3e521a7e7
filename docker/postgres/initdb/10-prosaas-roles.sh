#!/bin/bash
# Runs ONCE, when the postgres container initialises an empty data volume
# (docker-entrypoint-initdb.d). Creates the login roles and the application
# database; the migrations then create tables and the unprivileged app role.
#
#   prosaas_owner  owns database `prosaas` and every table in it; used only by
#                  the migrations job (DATABASE_ADMIN_URL). CREATEROLE so the
#                  migrations can create `prosaas_app` (LOGIN, NOBYPASSRLS,
#                  password DATABASE_APP_PASSWORD) which the services use.
#                  Not a superuser: nothing in the app path bypasses RLS.
#   temporal       owns databases `temporal` and `temporal_visibility`, which
#                  the temporal-schema job creates (hence CREATEDB).
#
# Passwords come from the container environment (PROSAAS_DB_OWNER_PASSWORD,
# TEMPORAL_DB_PASSWORD) and reach SQL as psql variables, so no quoting issues.
# On an existing volume this script does not run: rotate passwords with
# ALTER ROLE ... PASSWORD (see DEPLOYMENT.md).
set -euo pipefail

: "${PROSAAS_DB_OWNER_PASSWORD:?PROSAAS_DB_OWNER_PASSWORD must be set}"
: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"

psql -v ON_ERROR_STOP=1 \
     --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-postgres}" \
     -v owner_password="$PROSAAS_DB_OWNER_PASSWORD" \
     -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE prosaas_owner LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD :'owner_password';
CREATE ROLE temporal LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS NOCREATEROLE PASSWORD :'temporal_password';
CREATE DATABASE prosaas OWNER prosaas_owner ENCODING 'UTF8' TEMPLATE template0;
SQL

echo "prosaas: roles prosaas_owner and temporal, database prosaas created"
