import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { KEY_MATERIAL, type KeyMaterial } from '../config/key-material.js';
import { queryRows } from '../database/sql.js';
import { AUDIT_EVENT_COLUMNS, chainHash, checkpointMessage, entryHash, GENESIS_HASH } from './audit-hash.js';
import { AuditSigner } from './audit-signing.js';
import type { AuditEventRow } from './audit.types.js';

const BATCH = 5000;
const SEALER_LOCK = `hashtext('ctcm:audit-sealer')`;

/**
 * Seals committed audit entries into the hash chain, in batches, and signs a checkpoint
 * after each batch. Writers never wait for the chain: they only append entries (and a
 * queue row, by trigger). One sealer runs at a time across all replicas (advisory lock),
 * so the chain never forks. See README "Audit trail" for the guarantees and the window.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditSealer');
  readonly signer: AuditSigner;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KEY_MATERIAL) keys: KeyMaterial,
  ) {
    this.signer = new AuditSigner(keys.auditSigningKeyPem);
  }

  onApplicationBootstrap(): void {
    const interval = this.config.audit.sealIntervalMs;
    if (interval > 0) {
      this.timer = setInterval(() => {
        this.sealPending().catch((err: unknown) =>
          this.logger.warn(
            { errorType: (err as Error)?.name, code: (err as { code?: string })?.code },
            'audit sealing failed; will retry',
          ),
        );
      }, interval);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Seals everything committed so far; returns how many entries were sealed. */
  sealPending(): Promise<number> {
    this.running ??= (async () => {
      try {
        let total = 0;
        for (;;) {
          const sealed = await this.sealBatch();
          total += sealed;
          if (sealed < BATCH) return total;
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private sealBatch(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const [lock] = await m.query(`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS locked`);
      if (!lock?.locked) return 0;
      const pending = await queryRows<{ event_id: string; occurred_at: Date }>(
        m,
        `DELETE FROM audit_pending WHERE event_id IN (SELECT event_id FROM audit_pending ORDER BY event_id LIMIT $1)
         RETURNING event_id::text, occurred_at`,
        [BATCH],
      );
      if (pending.length === 0) return 0;
      const events: AuditEventRow[] = await m.query(
        `SELECT ${AUDIT_EVENT_COLUMNS}
           FROM unnest($1::timestamptz[], $2::bigint[]) AS p(occurred_at, id)
           JOIN audit_event e ON e.occurred_at = p.occurred_at AND e.id = p.id
          ORDER BY e.id`,
        [pending.map((p) => p.occurred_at), pending.map((p) => p.event_id)],
      );
      if (events.length !== pending.length)
        this.logger.error({ queued: pending.length, found: events.length }, 'queued audit entries are missing');
      const head = await this.head(m);
      let previous = head.chainHash;
      let seq = head.seq;
      const rows = {
        seq: [] as string[],
        eventId: [] as string[],
        occurredAt: [] as string[],
        entry: [] as Buffer[],
        chain: [] as Buffer[],
      };
      for (const event of events) {
        seq += 1n;
        const entry = entryHash(event);
        previous = chainHash(previous, entry);
        rows.seq.push(seq.toString());
        rows.eventId.push(event.id);
        rows.occurredAt.push(event.occurredAt);
        rows.entry.push(entry);
        rows.chain.push(previous);
      }
      await m.query(
        `INSERT INTO audit_chain (seq, event_id, occurred_at, entry_hash, chain_hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bytea[], $5::bytea[])`,
        [rows.seq, rows.eventId, rows.occurredAt, rows.entry, rows.chain],
      );
      await m.query(`INSERT INTO audit_checkpoint (seq, chain_hash, key_id, signature) VALUES ($1, $2, $3, $4)`, [
        seq.toString(),
        previous,
        this.signer.keyId,
        this.signer.sign(checkpointMessage(seq.toString(), previous)),
      ]);
      return pending.length;
    });
  }

  private async head(m: EntityManager): Promise<{ seq: bigint; chainHash: Buffer }> {
    const [row] = await m.query(
      `SELECT c.seq::text AS seq, c.chain_hash FROM audit_chain c ORDER BY c.seq DESC LIMIT 1`,
    );
    return row ? { seq: BigInt(row.seq), chainHash: row.chain_hash } : { seq: 0n, chainHash: GENESIS_HASH };
  }
}
