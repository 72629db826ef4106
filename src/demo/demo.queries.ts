import type { EntityManager } from 'typeorm';

/** The first active system administrator: the actor who creates the demo agencies and accounts. */
export async function findSystemAdministrator(
  m: EntityManager,
): Promise<{ id: string; agencyId: string; roles: string[]; tokenVersion: number } | undefined> {
  const rows: { id: string; agency_id: string; roles: string[]; token_version: number }[] = await m.query(
    `SELECT id, agency_id, roles, token_version FROM app_user
      WHERE 'system_admin' = ANY(roles) AND active ORDER BY created_at, id LIMIT 1`,
  );
  const row = rows[0];
  return row && { id: row.id, agencyId: row.agency_id, roles: row.roles, tokenVersion: row.token_version };
}

export async function findAgencyIdsByCode(m: EntityManager, codes: string[]): Promise<Map<string, string>> {
  const rows: { id: string; code: string }[] = await m.query('SELECT id, code FROM agency WHERE code = ANY($1)', [
    codes,
  ]);
  return new Map(rows.map((r) => [r.code, r.id]));
}

export async function findUserIdsByEmail(m: EntityManager, emails: string[]): Promise<Map<string, string>> {
  const rows: { id: string; email: string }[] = await m.query('SELECT id, email FROM app_user WHERE email = ANY($1)', [
    emails,
  ]);
  return new Map(rows.map((r) => [r.email, r.id]));
}

/**
 * Sets the demo password on the demo accounts: usable at once (no forced change), unlocked,
 * and every access token they held stops working (the token version moves on).
 */
export async function resetDemoPasswords(m: EntityManager, userIds: string[], passwordHash: string): Promise<void> {
  await m.query(
    `UPDATE app_user SET password_hash = $2, must_change_password = false, password_changed_at = now(),
            failed_login_count = 0, login_blocked_until = NULL, locked_at = NULL,
            token_version = token_version + 1, version = version + 1, updated_at = now()
      WHERE id = ANY($1)`,
    [userIds, passwordHash],
  );
}
