import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { KEY_MATERIAL, type KeyMaterial } from '../config/key-material.js';
import { chainHash, checkpointMessage, entryHash, GENESIS_HASH } from './audit-hash.js';
import { AuditSigner } from './audit-signing.js';
import {
  findAuditEntries,
  findChainHead,
  insertChainLinks,
  insertCheckpoint,
  takePendingEntries,
  tryLockSealer,
} from './audit.queries.js';

const BATCH = 5000;

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
      if (!(await tryLockSealer(m))) return 0;
      const pending = await takePendingEntries(m, BATCH);
      if (pending.length === 0) return 0;
      const events = await findAuditEntries(
        m,
        pending.map((p) => p.occurred_at),
        pending.map((p) => p.event_id),
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
      await insertChainLinks(m, rows);
      await insertCheckpoint(
        m,
        seq.toString(),
        previous,
        this.signer.keyId,
        this.signer.sign(checkpointMessage(seq.toString(), previous)),
      );
      return pending.length;
    });
  }

  private async head(m: EntityManager): Promise<{ seq: bigint; chainHash: Buffer }> {
    const row = await findChainHead(m);
    return row ? { seq: BigInt(row.seq), chainHash: row.chain_hash } : { seq: 0n, chainHash: GENESIS_HASH };
  }
}
