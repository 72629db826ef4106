import { Writable } from 'node:stream';
import type { Response } from 'express';
import type { TransactionService } from '../../database/transaction.service.js';

/**
 * The last bytes of a streamed answer leave only once the access entry naming what was sent is
 * durable (the request's transaction has committed, or, for a route without one, the entry is
 * written); otherwise the connection is cut. So a
 * client never holds a complete file that the audit trail does not record.
 */
export function endAfterCommit(tx: TransactionService, res: Response, last?: Buffer | string): void {
  tx.afterAccessEntry((durable) => (durable ? res.end(last) : res.destroy()));
}

/**
 * A stream in front of the response for writers that end their output themselves (an XLSX
 * writer): everything is passed on except the final chunk, which `last` keeps for
 * {@link endAfterCommit}.
 */
export class HoldLastChunk extends Writable {
  private held: Buffer | undefined;

  constructor(private readonly res: Response) {
    super();
  }

  get last(): Buffer | undefined {
    return this.held;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const previous = this.held;
    this.held = chunk;
    if (!previous || this.res.write(previous)) done();
    else this.res.once('drain', () => done());
  }
}
