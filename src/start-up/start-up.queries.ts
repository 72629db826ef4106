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

/*
 * Building a streaming standby of an embedded cluster (embedded-standby.ts), as its superuser:
 * PostgreSQL's low-level base backup (pg_backup_start/pg_backup_stop on one session), with a
 * physical replication slot holding the WAL the standby will stream from.
 */

/** The cluster's data folder. */
export async function findDataDirectory(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
  return rows[0]!.data_directory;
}

/** A physical replication slot reserving WAL from now on (a no-op when it exists). */
export async function createPhysicalSlot(client: pg.ClientBase, slot: string): Promise<void> {
  await client.query(
    `SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
    [slot],
  );
}

/** Drops a replication slot once no standby streams from it. */
export async function dropReplicationSlot(client: pg.ClientBase, slot: string): Promise<void> {
  await client.query(
    `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active`,
    [slot],
  );
}

/** Starts a base backup on this session (fast checkpoint); the data folder may then be copied. */
export async function startBaseBackup(client: pg.ClientBase, label: string): Promise<void> {
  await client.query('SELECT pg_backup_start($1, true)', [label]);
}

/** Ends the session's base backup: the backup_label (and tablespace_map) the copy needs. */
export async function stopBaseBackup(client: pg.ClientBase): Promise<{ labelfile: string; spcmapfile: string }> {
  const { rows } = await client.query<{ labelfile: string; spcmapfile: string }>(
    'SELECT labelfile, spcmapfile FROM pg_backup_stop(false)',
  );
  return rows[0]!;
}

/** Whether the server is a standby in recovery, and whether its WAL receiver is streaming. */
export async function findStandbyStreaming(
  client: pg.ClientBase,
): Promise<{ in_recovery: boolean; streaming: boolean }> {
  const { rows } = await client.query<{ in_recovery: boolean; streaming: boolean }>(
    `SELECT pg_is_in_recovery() AS in_recovery,
            EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming`,
  );
  return rows[0]!;
}
