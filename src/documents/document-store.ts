import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHUNKS_PER_STATEMENT, findChunks, insertChunks } from './documents.queries.js';

/**
 * Where sealed (already encrypted) chunks of content are kept. Callers never see how: the
 * PostgreSQL store below is the default (chunks ride the request's transaction, so a failed
 * upload leaves nothing and `db:backup` holds the files); an S3-compatible store would implement
 * the same methods (see docs/documents.md for what else it would take). Chunks move in batches
 * of at most `batchSize` consecutive chunks, so a store can spend one round trip on several.
 */
export interface DocumentContentStore {
  readonly batchSize: number;
  /** Stores consecutive sealed chunks, the first at `firstIndex` (at most batchSize of them). */
  putChunks(m: EntityManager, versionId: string, firstIndex: number, sealed: Buffer[]): Promise<void>;
  /** Up to `count` (≤ batchSize) consecutive sealed chunks from `firstIndex`; a missing one throws. */
  getChunks(m: EntityManager, versionId: string, firstIndex: number, count: number): Promise<Buffer[]>;
}

export const DOCUMENT_CONTENT_STORE = Symbol('DOCUMENT_CONTENT_STORE');

@Injectable()
export class PostgresContentStore implements DocumentContentStore {
  readonly batchSize = CHUNKS_PER_STATEMENT;

  putChunks(m: EntityManager, versionId: string, firstIndex: number, sealed: Buffer[]): Promise<void> {
    return insertChunks(m, versionId, firstIndex, sealed);
  }

  async getChunks(m: EntityManager, versionId: string, firstIndex: number, count: number): Promise<Buffer[]> {
    const rows = await findChunks(m, versionId, firstIndex, count);
    if (rows.length !== count || rows.some((r, i) => r.idx !== firstIndex + i))
      throw new Error('a stored chunk is missing');
    return rows.map((r) => r.ciphertext);
  }
}
