import type pg from 'pg';
import type { EntityManager } from 'typeorm';

/** Renames the user and/or replaces their roles; a role change moves the token version on (access tokens end). */
export async function updateUserProfile(
  m: EntityManager,
  id: string,
  displayName: string | null,
  sortedRoles: string[] | null,
  rolesChanged: boolean,
): Promise<void> {
  await m.query(
    `UPDATE app_user SET display_name = COALESCE($2, display_name), roles = COALESCE($3, roles),
            token_version = token_version + CASE WHEN $4 THEN 1 ELSE 0 END,
            version = version + 1, updated_at = now() WHERE id = $1`,
    [id, displayName, sortedRoles, rolesChanged],
  );
}

/** Activates or deactivates a user (the token check reads `active` on every request). */
export async function setUserActive(m: EntityManager, id: string, active: boolean): Promise<void> {
  await m.query(`UPDATE app_user SET active = $2, version = version + 1, updated_at = now() WHERE id = $1`, [
    id,
    active,
  ]);
}

/** Lifts a lock and forgets the failed logins that led to it. */
export async function unlockUser(m: EntityManager, id: string): Promise<void> {
  await m.query(
    `UPDATE app_user SET locked_at = NULL, failed_login_count = 0, version = version + 1, updated_at = now() WHERE id = $1`,
    [id],
  );
}

/** Sets an administrator-issued one-time password: it must be changed at login, and every access token ends. */
export async function setOneTimePassword(m: EntityManager, id: string, passwordHash: string): Promise<void> {
  await m.query(
    `UPDATE app_user SET password_hash = $2, must_change_password = true, token_version = token_version + 1,
            locked_at = NULL, failed_login_count = 0, version = version + 1, updated_at = now() WHERE id = $1`,
    [id, passwordHash],
  );
}

/** Moves the user's token version on: every access token they hold ends on its next use. */
export async function bumpTokenVersion(m: EntityManager, id: string): Promise<void> {
  await m.query(`UPDATE app_user SET token_version = token_version + 1, updated_at = now() WHERE id = $1`, [id]);
}

/*
 * The first start (bootstrap-admin.ts), on its own connection as the application role before
 * any request: no row-level-security context is set, and none of these tables needs one.
 */

/** Serialises the first start across replicas starting together (held until the transaction ends). */
export async function lockBootstrap(client: pg.ClientBase): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('ctcm:bootstrap-admin'))`);
}

/** Whether any user exists yet. */
export async function anyUserExists(client: pg.ClientBase): Promise<boolean> {
  const existing = await client.query('SELECT 1 FROM app_user LIMIT 1');
  return !!existing.rowCount;
}

/** The agency with this code (the system-administration agency), if it exists. */
export function findAgencyByCode(client: pg.ClientBase, code: string): Promise<pg.QueryResult<{ id: string }>> {
  return client.query<{ id: string }>('SELECT id FROM agency WHERE code = $1', [code]);
}

/** Creates the system-administration agency. */
export function insertSystemAgency(
  client: pg.ClientBase,
  id: string,
  code: string,
): Promise<pg.QueryResult<{ id: string }>> {
  return client.query<{ id: string }>(
    `INSERT INTO agency (id, code, name_en, htcds_org_type, local_type) VALUES ($1, $2, 'System administration', 'CentralGovernmentOrganisation', 'government_department') RETURNING id`,
    [id, code],
  );
}

/** Creates the bootstrap system administrator. */
export async function insertBootstrapAdmin(
  client: pg.ClientBase,
  userId: string,
  agencyId: string,
  email: string,
  passwordHash: string,
  mustChangePassword: boolean,
): Promise<void> {
  await client.query(
    `INSERT INTO app_user (id, agency_id, email, display_name, roles, password_hash, must_change_password)
     VALUES ($1, $2, $3, 'System administrator', ARRAY['system_admin'], $4, $5)`,
    [userId, agencyId, email, passwordHash, mustChangePassword],
  );
}

/** The audit entry of the bootstrap administrator's creation (no request, so no actor user). */
export async function insertBootstrapAuditEntry(
  client: pg.ClientBase,
  userId: string,
  agencyId: string,
  details: string,
): Promise<void> {
  await client.query(
    `INSERT INTO audit_event (category, action, outcome, resource_type, resource_ids, actor_agency_id, details)
     VALUES ('change', 'bootstrap_admin_created', 'allowed', 'user', ARRAY[$1], $2, $3)`,
    [userId, agencyId, details],
  );
}
