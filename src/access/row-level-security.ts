import type { EntityManager } from 'typeorm';
import type { RequestStore } from '../common/context/request-context.js';
import { prepared, preparedRows } from '../database/sql.js';

const SET_ACTOR_CONTEXT = prepared("SELECT set_config('app.user_id', $1, true), set_config('app.agency_id', $2, true)");

/**
 * Transaction-local (set_config(…, true)) and parameterised: the actor context that the
 * PostgreSQL row-level-security policies read. Without it they match no row.
 */
export async function applyActorContext(manager: EntityManager, store: RequestStore): Promise<void> {
  if (!store.actor) return;
  await preparedRows(manager, SET_ACTOR_CONTEXT, [
    store.actor.userId,
    store.actor.agencyId,
  ]);
}
