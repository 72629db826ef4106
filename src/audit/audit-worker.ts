import { parentPort } from 'node:worker_threads';
import type { Checkpoint } from './audit-chain.js';
import { checkpointSignatures, LineWriter, ndjsonLines, SegmentWalk } from './audit-work.js';
import type { WorkerReply, WorkerRequest } from './audit-workers.js';

/*
 * A thread of the audit worker pool (audit-workers.ts): decodes binary COPY rows, hashes and
 * formats them. Input buffers come transferred and go back transferred, with the output.
 */

const port = parentPort;
if (!port) throw new Error('audit-worker.js runs as a worker thread');

const segments = new Map<number, { walk: SegmentWalk; error?: string }>();

const view = (buffer: ArrayBuffer, length: number) => Buffer.from(buffer, 0, length);

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function handle(m: WorkerRequest): void {
  switch (m.kind) {
    case 'ndjson': {
      const spare = [...m.spare];
      const out = new LineWriter((atLeast) => {
        const reuse = spare.length && spare[0]!.byteLength >= atLeast ? spare.shift()! : undefined;
        return reuse ? Buffer.from(reuse) : Buffer.from(new ArrayBuffer(Math.max(atLeast, 256 * 1024)));
      });
      const lines = ndjsonLines(view(m.input, m.length), out);
      const parts = out.parts.map((p) => p.buffer.buffer as ArrayBuffer);
      reply(
        { kind: 'ndjson', job: m.job, ...lines, parts, used: out.parts.map((p) => p.used), input: m.input, spare },
        [...parts, m.input, ...spare],
      );
      return;
    }
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
  try {
    handle(m);
  } catch (err) {
    if ('job' in m) reply({ kind: 'error', job: m.job, message: (err as Error).message });
  }
});
