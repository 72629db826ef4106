import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import type { EntityManager } from 'typeorm';
import { CHUNKS_PER_STATEMENT, copyChunks, insertChunks, transactionConnection } from './documents.queries.js';

/**
 * Where sealed (already encrypted) chunks of content are kept. Callers never see how: the
 * PostgreSQL store below is the default (chunks ride the request's transaction, so a failed
 * upload leaves nothing and `db:backup` holds the files); an S3-compatible store would implement
 * the same methods (see docs/documents.md for what else it would take). Content goes in through
 * a writer that takes consecutive chunks and comes out as a stream of chunks in order: the store
 * decides how many travel together and how many are in flight.
 */
export interface DocumentContentStore {
  /** A writer of a version's sealed chunks, from index 0, on the request's transaction. */
  writer(m: EntityManager, versionId: string): Promise<ChunkWriter>;
  /**
   * Hands over every stored chunk of a version in index order; resolves with their number.
   * `sealed` is valid only during the call (copy what you keep). When `onChunk` returns a
   * promise, no further chunk is read until it settles; a throw or a rejection fails the read.
   */
  read(
    m: EntityManager,
    versionId: string,
    onChunk: (index: number, sealed: Buffer) => void | Promise<void>,
  ): Promise<number>;
}

export interface ChunkWriter {
  /** Takes the next chunk; resolves when the writer has room for another (backpressure). */
  write(sealed: Buffer): Promise<void>;
  /** Stores what is left and resolves once every chunk is stored; rejects if any failed. */
  end(): Promise<void>;
  /** After a failure: waits for what is in flight (the transaction then rolls back). */
  abort(): Promise<void>;
}

export const DOCUMENT_CONTENT_STORE = Symbol('DOCUMENT_CONTENT_STORE');

/**
 * Statements of one upload sent before the previous ones answered (node-postgres' pipeline mode
 * on the transaction's connection): PostgreSQL finds the next batch waiting when it finishes one,
 * instead of idling for a round trip while the API wakes up and sends it. Two in flight and one
 * being filled: at most three 1 MiB batches held per upload.
 */
const STATEMENTS_IN_FLIGHT = 2;

class PostgresChunkWriter implements ChunkWriter {
  private batch: Buffer[] = [];
  private next = 0;
  private readonly inFlight: Promise<void>[] = [];

  constructor(
    private readonly m: EntityManager,
    private readonly client: pg.ClientBase & { pipeline?: boolean },
    private readonly versionId: string,
  ) {}

  async write(sealed: Buffer): Promise<void> {
    this.batch.push(sealed);
    if (this.batch.length === CHUNKS_PER_STATEMENT) await this.send();
  }

  async end(): Promise<void> {
    if (this.batch.length) await this.send();
    try {
      while (this.inFlight.length) await this.inFlight.shift();
    } finally {
      await this.abort();
    }
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
    // Every answer is in: the connection goes back to one statement at a time.
    this.client.pipeline = false;
  }

  private async send(): Promise<void> {
    const chunks = this.batch;
    this.batch = [];
    if (this.inFlight.length >= STATEMENTS_IN_FLIGHT) await this.inFlight.shift();
    // Only this upload uses the connection until end() or abort(): nothing else is interleaved.
    this.client.pipeline = true;
    const stored = insertChunks(this.m, this.versionId, this.next, chunks);
    stored.catch(() => undefined); // awaited in turn, at the end, or by abort()
    this.next += chunks.length;
    this.inFlight.push(stored);
  }
}

@Injectable()
export class PostgresContentStore implements DocumentContentStore {
  async writer(m: EntityManager, versionId: string): Promise<ChunkWriter> {
    return new PostgresChunkWriter(m, await transactionConnection(m), versionId);
  }

  read(
    m: EntityManager,
    versionId: string,
    onChunk: (index: number, sealed: Buffer) => void | Promise<void>,
  ): Promise<number> {
    return copyChunks(m, versionId, onChunk);
  }
}
