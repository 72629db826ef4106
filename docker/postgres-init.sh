#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised: creates the schema owner
# (runs migrations) and gives the application role its login. The first migration keeps
# ctcm_app without privileges; here it only gets LOGIN and a password.
# The passwords reach the SQL as psql variables (:'name' quotes them as literals), never by
# pasting them into the text: any character is safe in them.
set -eu
: "${CTCM_OWNER_PASSWORD:?set CTCM_OWNER_PASSWORD}"
: "${CTCM_APP_PASSWORD:?set CTCM_APP_PASSWORD}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=owner_password="$CTCM_OWNER_PASSWORD" \
  --set=app_password="$CTCM_APP_PASSWORD" \
  --set=database="$POSTGRES_DB" <<'SQL'
CREATE ROLE ctcm_owner LOGIN PASSWORD :'owner_password' CREATEROLE;
ALTER DATABASE :"database" OWNER TO ctcm_owner;
ALTER SCHEMA public OWNER TO ctcm_owner;
CREATE ROLE ctcm_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
SQL
