import type { EntityManager } from 'typeorm';
import { prepared, preparedRows, queryRows } from '../database/sql.js';
import type { DomainEvent, EventType } from './event-catalogue.js';

interface DomainEventRow {
  id: string;
  type: EventType;
  occurred_at: Date;
  agency_ids: string[];
  case_id: string | null;
  case_number: string | null;
  subject_type: string;
  subject_id: string;
  payload: Record<string, unknown>;
}

const toEvent = (r: DomainEventRow): DomainEvent => ({
  id: r.id,
  type: r.type,
  occurredAt: r.occurred_at.toISOString(),
  agencyIds: r.agency_ids,
  caseId: r.case_id,
  caseNumber: r.case_number,
  subject: { type: r.subject_type, id: r.subject_id },
  payload: r.payload,
});

// Prepared: every change that states an event runs it.
const APPEND_EVENT = prepared(
  'SELECT domain_event_append($1::uuid, $2::text, $3::uuid[], $4::uuid, $5::text, $6::uuid, $7::jsonb)',
);

export async function appendDomainEvent(
  m: EntityManager,
  e: { id: string; type: string; agencyIds: string[]; caseId: string | null; subjectType: string; subjectId: string },
  payload: object,
): Promise<void> {
  await preparedRows(m, APPEND_EVENT, [
    e.id,
    e.type,
    e.agencyIds,
    e.caseId,
    e.subjectType,
    e.subjectId,
    JSON.stringify(payload),
  ]);
}

/** The events that name the actor's agency (row-level security decides), oldest first after a cursor. */
export async function findAgencyEvents(
  m: EntityManager,
  agencyId: string,
  after: string | null,
  types: string[] | null,
  limit: number,
): Promise<DomainEvent[]> {
  const rows = await queryRows<DomainEventRow>(
    m,
    `SELECT id, type, occurred_at, agency_ids, case_id, case_number, subject_type, subject_id, payload
       FROM domain_event
      WHERE agency_ids @> ARRAY[$1::uuid] AND ($2::uuid IS NULL OR id > $2::uuid) AND ($3::text[] IS NULL OR type = ANY($3::text[]))
      ORDER BY id LIMIT $4`,
    [agencyId, after, types, limit],
  );
  return rows.map(toEvent);
}

/** Events by id for consumers, which run outside any agency's context. */
export async function findEventsById(m: EntityManager, ids: string[]): Promise<DomainEvent[]> {
  return (await queryRows<DomainEventRow>(m, 'SELECT * FROM domain_events_by_id($1::uuid[])', [ids])).map(toEvent);
}

/** Takes a batch of events not yet handed to the queue, oldest first; the caller's transaction enqueues them. */
export function takePendingEvents(m: EntityManager, limit: number): Promise<{ event_id: string; type: string }[]> {
  return queryRows(
    m,
    `DELETE FROM domain_event_pending WHERE event_id IN (SELECT event_id FROM domain_event_pending ORDER BY event_id LIMIT $1)
     RETURNING event_id::text, type`,
    [limit],
  );
}

export async function tryDispatcherLock(m: EntityManager): Promise<boolean> {
  const [row] = await m.query(`SELECT pg_try_advisory_xact_lock(hashtext('ctcm:event-dispatcher')) AS locked`);
  return Boolean(row?.locked);
}

export async function recordReferralsExpiring(m: EntityManager, windowMinutes: number): Promise<number> {
  const [row] = await m.query('SELECT domain_events_referrals_expiring(make_interval(mins => $1)) AS n', [
    windowMinutes,
  ]);
  return row.n as number;
}

export async function recordFollowUpsDue(m: EntityManager, today: string, dueDays: number): Promise<number> {
  const [row] = await m.query('SELECT domain_events_follow_ups($1::date, $2) AS n', [today, dueDays]);
  return row.n as number;
}

export async function recordCapacityIfLow(m: EntityManager, facilityId: string, threshold: number): Promise<number> {
  const [row] = await m.query('SELECT domain_event_capacity_low($1, $2) AS n', [facilityId, threshold]);
  return row.n as number;
}
