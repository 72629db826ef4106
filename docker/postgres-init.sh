#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised: creates the schema owner
# (runs migrations) and gives the application role its login. The role itself is created
# by the first migration without privileges; here it only gets LOGIN and a password.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE ctcm_owner LOGIN PASSWORD '${CTCM_OWNER_PASSWORD}' CREATEROLE;
ALTER DATABASE "${POSTGRES_DB}" OWNER TO ctcm_owner;
ALTER SCHEMA public OWNER TO ctcm_owner;
CREATE ROLE ctcm_app LOGIN PASSWORD '${CTCM_APP_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
SQL
