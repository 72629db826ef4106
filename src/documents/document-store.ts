import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { findChunk, insertChunk } from './documents.queries.js';

/**
 * Where sealed (already encrypted) chunks of content are kept. Callers never see how: the
 * PostgreSQL store below is the default (chunks ride the request's transaction, so a failed
 * upload leaves nothing and `db:backup` holds the files); an S3-compatible store would implement
 * the same two methods (see docs/documents.md for what else it would take).
 */
export interface DocumentContentStore {
  putChunk(m: EntityManager, versionId: string, index: number, sealed: Buffer): Promise<void>;
  getChunk(m: EntityManager, versionId: string, index: number): Promise<Buffer | undefined>;
}

export const DOCUMENT_CONTENT_STORE = Symbol('DOCUMENT_CONTENT_STORE');

@Injectable()
export class PostgresContentStore implements DocumentContentStore {
  putChunk(m: EntityManager, versionId: string, index: number, sealed: Buffer): Promise<void> {
    return insertChunk(m, versionId, index, sealed);
  }

  getChunk(m: EntityManager, versionId: string, index: number): Promise<Buffer | undefined> {
    return findChunk(m, versionId, index);
  }
}
