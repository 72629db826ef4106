/**
 * The role the API runs as: it owns no table and has no BYPASSRLS, so PostgreSQL
 * row-level security applies to every query it makes. Migrations create it (NOLOGIN);
 * whoever provisions the server gives it a password and LOGIN.
 */
export const APP_DB_ROLE = 'ctcm_app';
