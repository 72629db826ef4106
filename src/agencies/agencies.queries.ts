import type { EntityManager } from 'typeorm';

/** Bumps an agency's version (its edit is then written by the repository), so readers see it changed. */
export async function bumpAgencyVersion(m: EntityManager, id: string): Promise<void> {
  await m.query(`UPDATE agency SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
}
