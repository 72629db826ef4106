import type { RequestStore } from '../common/context/request-context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Transaction-local (set_config(…, true)): the actor context that the PostgreSQL
 * row-level-security policies read. Without it they match no row. It travels with the
 * transaction's BEGIN, so the ids are literals: they come from the user's database row and
 * are checked to be UUIDs here, never passed through as text.
 */
export function actorContextSql(store: RequestStore): string | undefined {
  if (!store.actor) return undefined;
  const { userId, agencyId } = store.actor;
  if (!UUID.test(userId) || !UUID.test(agencyId)) throw new Error('The actor context needs UUID user and agency ids');
  return `SELECT set_config('app.user_id', '${userId}', true), set_config('app.agency_id', '${agencyId}', true)`;
}
