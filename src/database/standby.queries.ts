import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The primary's current write position (WAL LSN, as text): how far the standby has to replay. */
export async function findPrimaryWalPosition(primary: DataSource): Promise<string> {
  const [row] = (await primary.query(`SELECT pg_current_wal_lsn()::text AS lsn`)) as { lsn: string }[];
  return row!.lsn;
}

export interface StandbyReplayRow {
  in_recovery: boolean;
  caught_up: boolean | null;
  replay_age_ms: number | null;
}

/**
 * Whether the server is still a standby, whether it has replayed up to the primary's position
 * `lsn`, and how long ago the last transaction it replayed committed on the primary.
 */
export async function findStandbyReplayState(standby: Pool, lsn: string): Promise<StandbyReplayRow> {
  const { rows } = await standby.query<StandbyReplayRow>(
    `SELECT pg_is_in_recovery() AS in_recovery,
            pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught_up,
            (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS replay_age_ms`,
    [lsn],
  );
  return rows[0]!;
}
