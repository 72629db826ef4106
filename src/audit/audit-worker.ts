import { parentPort } from 'node:worker_threads';
import pg from 'pg';
import { copyOut } from '../database/copy-out.js';
import { BinaryCopyReader } from './audit-binary.js';
import type { Checkpoint } from './audit-chain.js';
import { checkpointSignatures, LineWriter, ndjsonLine, SegmentWalk } from './audit-work.js';
import type { WorkerReply, WorkerRequest } from './audit-workers.js';

/*
 * A thread of the audit worker pool (audit-workers.ts): decodes binary COPY rows, hashes and
 * formats them. Verification batches come transferred from the main thread and go back; an
 * export reader reads its chunks itself, on a connection of its own, so the main thread never
 * parses the rows' messages (a million of them, and their buffers, for a million entries).
 */

const port = parentPort;
if (!port) throw new Error('audit-worker.js runs as a worker thread');

const segments = new Map<number, { walk: SegmentWalk; error?: string }>();
/** Export readers: a connection each, and the chunk it is reading (close waits for it). */
const readers = new Map<number, { client: pg.Client; reading?: Promise<unknown> }>();

const view = (buffer: ArrayBuffer, length: number) => Buffer.from(buffer, 0, length);

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** An export reader's work: connect and set up, one chunk's lines, commit or roll back and close. */
async function handleReader(m: Extract<WorkerRequest, { kind: `reader-${string}` }>): Promise<void> {
  switch (m.kind) {
    case 'reader-open': {
      const client = new pg.Client(m.connection);
      // A connection that drops fails the chunk in flight; the event must not end the thread.
      client.on('error', () => undefined);
      readers.set(m.reader, { client });
      await client.connect();
      for (const statement of m.setup) await client.query(statement.text, statement.values);
      reply({ kind: 'done', job: m.job });
      return;
    }
    case 'reader-chunk': {
      const reader = readers.get(m.reader);
      if (!reader) throw new Error('unknown export reader');
      const spare = [...m.spare];
      const out = new LineWriter((atLeast) => {
        const reuse = spare.length && spare[0]!.byteLength >= atLeast ? spare.shift()! : undefined;
        return reuse ? Buffer.from(reuse) : Buffer.from(new ArrayBuffer(Math.max(atLeast, 256 * 1024)));
      });
      let n = 0;
      let first: string | null = null;
      let last: string | null = null;
      const tuples = new BinaryCopyReader((b, at, len) => {
        last = ndjsonLine(b, at, len, out);
        first ??= last;
        n += 1;
      });
      const reading = copyOut(reader.client, m.sql, (data) => tuples.push(data));
      reader.reading = reading;
      const rows = await reading;
      if (rows !== n) throw new Error(`the export chunk sent ${n} lines for ${rows} rows`);
      const parts = out.parts.map((p) => p.buffer.buffer as ArrayBuffer);
      reply({ kind: 'chunk', job: m.job, n, first, last, parts, used: out.parts.map((p) => p.used), spare }, [
        ...parts,
        ...spare,
      ]);
      return;
    }
    case 'reader-close': {
      const reader = readers.get(m.reader);
      readers.delete(m.reader);
      try {
        // After the chunk in flight (an export that failed elsewhere): one statement at a time.
        await reader?.reading?.catch(() => undefined);
        if (reader) await reader.client.query(m.commit ? 'COMMIT' : 'ROLLBACK');
      } finally {
        await reader?.client.end().catch(() => undefined);
      }
      reply({ kind: 'done', job: m.job });
      return;
    }
  }
}

function handle(m: WorkerRequest): void {
  switch (m.kind) {
    case 'segment-open':
      segments.set(m.segment, { walk: new SegmentWalk(BigInt(m.from), BigInt(m.to)) });
      return;
    case 'segment-rows': {
      const s = segments.get(m.segment);
      if (s && !s.error) {
        try {
          s.walk.push(view(m.input, m.length));
        } catch (err) {
          s.error = (err as Error).message;
        }
      }
      reply({ kind: 'returned', input: m.input }, [m.input]);
      return;
    }
    case 'segment-close': {
      const s = segments.get(m.segment);
      if (!s || s.error) {
        segments.delete(m.segment);
        reply({ kind: 'error', job: m.job, message: s?.error ?? 'unknown segment' });
      } else if (s.walk.reachedEnd || m.neighbours) {
        segments.delete(m.segment);
        const n = m.neighbours;
        const result = s.walk.finish(
          n ? { last: BigInt(n.last), next: n.next === null ? null : BigInt(n.next) } : undefined,
        );
        reply({ kind: 'segment', job: m.job, reachedEnd: true, result });
      } else reply({ kind: 'segment', job: m.job, reachedEnd: false });
      return;
    }
    case 'signatures': {
      const checkpoints: Checkpoint[] = m.checkpoints.map((c) => ({
        ...c,
        chainHash: Buffer.from(c.chainHash),
        signature: Buffer.from(c.signature),
      }));
      reply({ kind: 'signatures', job: m.job, ok: checkpointSignatures(checkpoints, new Map(m.publicKeys)) });
      return;
    }
  }
}

port.on('message', (m: WorkerRequest) => {
  // Fault injection for the pool's tests: an exception no handler catches ends the thread.
  if (m.kind === 'crash') throw new Error('audit worker crash requested');
  if (m.kind.startsWith('reader-')) {
    const job = (m as { job: number }).job;
    handleReader(m as Parameters<typeof handleReader>[0]).catch((err: unknown) =>
      reply({ kind: 'error', job, message: (err as Error).message }),
    );
    return;
  }
  try {
    handle(m);
  } catch (err) {
    if ('job' in m) reply({ kind: 'error', job: m.job, message: (err as Error).message });
  }
});
