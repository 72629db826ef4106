import type { EntityManager } from 'typeorm';

/**
 * Moves the lead to the caller's agency through app_case_transfer_accept (see its migration):
 * the case id, or null when the transfer is no longer pending to this agency or the case
 * changed lead or closed meanwhile.
 */
export async function acceptTransfer(
  m: EntityManager,
  transferId: string,
  caseworkerId: string | null,
  supervisorId: string | null,
): Promise<string | null> {
  const [row] = await m.query(`SELECT app_case_transfer_accept($1, $2, $3) AS case_id`, [
    transferId,
    caseworkerId,
    supervisorId,
  ]);
  return (row as { case_id: string | null }).case_id;
}

/** Ends a pending transfer without moving the lead (declined by the receiver, cancelled by the lead). */
export async function settleTransfer(
  m: EntityManager,
  transferId: string,
  version: number,
  status: 'declined' | 'cancelled',
  declineReason: string | null,
  userId: string,
): Promise<boolean> {
  const result: unknown[] = await m.query(
    `UPDATE case_transfer SET status = $3, decline_reason = $4, responded_by = $5, responded_at = now(),
            version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2 AND status = 'pending' RETURNING id`,
    [transferId, version, status, declineReason, userId],
  );
  const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : result;
  return rows.length === 1;
}
