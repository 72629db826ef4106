import type pg from 'pg';

/*
 * The start-up sequence's statements, each on a connection of its own before the API serves
 * anything: as the cluster's superuser (creating databases), the owner (the application role's
 * login) or the application role itself (checking it is restricted).
 */

/** Whether a database of this name exists in the cluster. */
export async function databaseExists(client: pg.ClientBase, name: string): Promise<boolean> {
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return !!exists.rowCount;
}

/** Creates a database, optionally as a copy of a template (cannot run in a transaction). */
export async function createDatabase(client: pg.ClientBase, name: string, template?: string): Promise<void> {
  const templateClause = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : '';
  await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${templateClause}`);
}

/** Gives a role (the application role, a constant) its login and password. */
export async function enableRoleLogin(client: pg.ClientBase, role: string, password: string): Promise<void> {
  await client.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
}

/** What would let the connected role bypass row-level security: superuser, BYPASSRLS, tables it owns. */
export async function findCurrentRolePowers(
  client: pg.ClientBase,
): Promise<{ rolsuper: boolean; rolbypassrls: boolean; owns: number } | undefined> {
  const { rows } = await client.query<{ rolsuper: boolean; rolbypassrls: boolean; owns: number }>(
    `SELECT r.rolsuper, r.rolbypassrls,
            (SELECT count(*)::int FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user) AS owns
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  return rows[0];
}
