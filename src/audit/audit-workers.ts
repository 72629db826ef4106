import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { copyHeaderLength } from './audit-binary.js';
import type { Checkpoint, SegmentResult } from './audit-chain.js';
import type { SetupStatement } from './audit.queries.js';
import { DomainError } from '../common/errors/domain-error.js';

/*
 * A small pool of worker threads (one per core) for the per-entry work of audit verification
 * and export (audit-work.ts): the main thread only moves raw COPY bytes, in batches of whole
 * tuples, transferred (not copied) to a worker and back. Started on first use, stopped with
 * the application; a thread that dies fails the jobs it held (a 503 problem, never a hang) and
 * is replaced on the next use.
 */

/** How a worker connects for an export: node-postgres client options (plain data). */
export type ReaderConnection = Pick<
  pg.ClientConfig,
  | 'host'
  | 'port'
  | 'user'
  | 'password'
  | 'database'
  | 'connectionString'
  | 'ssl'
  | 'statement_timeout'
  | 'idle_in_transaction_session_timeout'
  | 'application_name'
  | 'connectionTimeoutMillis'
  | 'keepAlive'
>;

export type WorkerRequest =
  | { kind: 'reader-open'; job: number; reader: number; connection: ReaderConnection; setup: SetupStatement[] }
  | { kind: 'reader-chunk'; job: number; reader: number; sql: string; spare: ArrayBuffer[] }
  | { kind: 'reader-close'; job: number; reader: number; commit: boolean }
  | { kind: 'segment-open'; segment: number; from: string; to: string }
  | { kind: 'segment-rows'; segment: number; input: ArrayBuffer; length: number }
  | {
      kind: 'segment-close';
      job: number;
      segment: number;
      neighbours?: { last: string; next: string | null };
    }
  | {
      kind: 'signatures';
      job: number;
      checkpoints: Checkpoint[];
      publicKeys: [string, string][];
    }
  | { kind: 'crash' };

export type WorkerReply =
  | {
      kind: 'chunk';
      job: number;
      n: number;
      first: string | null;
      last: string | null;
      parts: ArrayBuffer[];
      used: number[];
      spare: ArrayBuffer[];
    }
  | { kind: 'done'; job: number }
  | { kind: 'segment'; job: number; reachedEnd: boolean; result?: SegmentResult }
  | { kind: 'signatures'; job: number; ok: boolean[] }
  | { kind: 'returned'; input: ArrayBuffer }
  | { kind: 'error'; job: number; message: string };

/** Bytes of COPY data per batch handed to a worker. */
export const BATCH_BYTES = 256 * 1024;

/** Heap limits of a worker thread (MB): a batch or a chunk at a time, with room to spare. */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };

/** The error of a job whose worker thread stopped: the request fails cleanly, with a problem. */
export function workerStopped(): DomainError {
  return new DomainError('SERVICE_UNAVAILABLE', 'An audit worker stopped; retry the request');
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (reply: WorkerReply) => void; reject: (err: Error) => void }>;
  /** Jobs and open segments held. */
  load: number;
  stopped: boolean;
}

/** The compiled worker: beside this module in the build; from the build when the sources run (jest). */
function workerFile(): string {
  const here = fileURLToPath(new URL('./audit-worker.js', import.meta.url));
  if (fs.existsSync(here)) return here;
  const built = here.replace(/([/\\])src([/\\])audit([/\\])audit-worker\.js$/, '$1dist$1src$2audit$3audit-worker.js');
  if (!fs.existsSync(built)) throw new Error(`the audit worker is not built (${built}): run npm run build`);
  return built;
}

@Injectable()
export class AuditWorkerPool implements OnModuleDestroy {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private nextJob = 1;
  private nextSegment = 1;
  private nextReader = 1;
  private closed = false;
  /** Spent input batches, returned by the workers for the next ones. */
  private readonly freeInputs: ArrayBuffer[] = [];

  constructor() {
    this.size = Math.max(1, Math.min(availableParallelism(), 4));
  }

  /** Threads running now (0 before the first use and after close). */
  get threads(): number {
    return this.slots.filter((s) => !s.stopped).length;
  }

  /** Worker thread ids (tests check that none outlives close()). */
  get threadIds(): number[] {
    return this.slots.filter((s) => !s.stopped).map((s) => s.worker.threadId);
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  /** Stops every thread; the jobs they held fail. Later use starts none. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => this.stop(s)));
  }

  /** A batch buffer for COPY data (spent ones are reused). */
  inputBuffer(atLeast: number): ArrayBuffer {
    if (atLeast <= BATCH_BYTES) {
      const free = this.freeInputs.pop();
      if (free) return free;
    }
    return new ArrayBuffer(Math.max(atLeast, BATCH_BYTES));
  }

  private recycle(input: ArrayBuffer): void {
    if (input.byteLength === BATCH_BYTES && this.freeInputs.length < 16) this.freeInputs.push(input);
  }

  /** The least loaded thread, started when the pool is not full. */
  private slot(): Slot {
    if (this.closed) throw workerStopped();
    const live = this.slots.filter((s) => !s.stopped);
    const idle = live.find((s) => s.load === 0);
    if (idle) return idle;
    if (live.length < this.size) return this.start();
    return live.reduce((a, b) => (b.load < a.load ? b : a));
  }

  private start(): Slot {
    // Small heaps: an export reader's thread receives every row's message and socket buffer;
    // with V8's default young generation those piled up to about 100 MiB more per export.
    const worker = new Worker(workerFile(), { resourceLimits: WORKER_HEAP_LIMITS });
    const slot: Slot = { worker, pending: new Map(), load: 0, stopped: false };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'returned') return this.recycle(reply.input);
      const waiter = slot.pending.get(reply.job);
      if (!waiter) return;
      slot.pending.delete(reply.job);
      if (reply.kind === 'error') waiter.reject(new Error(`audit worker: ${reply.message}`));
      else waiter.resolve(reply);
    });
    // An uncaught exception ends the thread: 'exit' follows and fails what it held.
    worker.on('error', () => undefined);
    worker.on('exit', () => this.fail(slot));
    this.slots.push(slot);
    return slot;
  }

  private fail(slot: Slot): void {
    slot.stopped = true;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    for (const waiter of slot.pending.values()) waiter.reject(workerStopped());
    slot.pending.clear();
  }

  private async stop(slot: Slot): Promise<void> {
    if (slot.stopped) return;
    const exited = new Promise((resolve) => slot.worker.once('exit', resolve));
    await slot.worker.terminate();
    await exited;
  }

  private hold(slot: Slot): void {
    if (slot.load++ === 0) slot.worker.ref();
  }

  private release(slot: Slot): void {
    if (--slot.load === 0) slot.worker.unref();
  }

  private request<R extends WorkerReply>(
    slot: Slot,
    message: WorkerRequest & { job: number },
    transfer: ArrayBuffer[],
  ) {
    if (slot.stopped) return Promise.reject(workerStopped());
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(message.job, { resolve: resolve as (r: WorkerReply) => void, reject });
      slot.worker.postMessage(message, transfer);
    });
  }

  /**
   * An export reader: a thread with a connection of its own (`connection`), set up by `setup`
   * (the export's snapshot and filter), that reads chunks and writes their NDJSON lines. The
   * thread is held until close(), which must follow, opened or not.
   */
  async openExportReader(connection: ReaderConnection, setup: SetupStatement[]): Promise<ExportReaderOnWorker> {
    const slot = this.slot();
    this.hold(slot);
    const reader = this.nextReader++;
    let closed = false;
    const handle: ExportReaderOnWorker = {
      chunk: (sql, spare) =>
        this.request<Extract<WorkerReply, { kind: 'chunk' }>>(
          slot,
          { kind: 'reader-chunk', job: this.nextJob++, reader, sql, spare },
          spare,
        ),
      close: async (commit) => {
        if (closed) return;
        closed = true;
        try {
          await this.request(slot, { kind: 'reader-close', job: this.nextJob++, reader, commit }, []);
        } finally {
          this.release(slot);
        }
      },
    };
    try {
      await this.request(slot, { kind: 'reader-open', job: this.nextJob++, reader, connection, setup }, []);
    } catch (err) {
      await handle.close(false).catch(() => undefined);
      throw err;
    }
    return handle;
  }

  /** Whether each checkpoint's signature verifies (checked on a worker thread). */
  async checkpointSignatures(checkpoints: Checkpoint[], publicKeys: Map<string, string>): Promise<boolean[]> {
    const slot = this.slot();
    this.hold(slot);
    try {
      const reply = await this.request<Extract<WorkerReply, { kind: 'signatures' }>>(
        slot,
        { kind: 'signatures', job: this.nextJob++, checkpoints, publicKeys: [...publicKeys] },
        [],
      );
      return reply.ok;
    } finally {
      this.release(slot);
    }
  }

  /**
   * A segment verified on one thread: its batches are checked in order there, the outcome
   * comes back at the end. The thread is held until `finish` or `abandon`.
   */
  openSegment(from: bigint, to: bigint): SegmentOnWorker {
    const slot = this.slot();
    this.hold(slot);
    const segment = this.nextSegment++;
    slot.worker.postMessage({ kind: 'segment-open', segment, from: from.toString(), to: to.toString() });
    let done = false;
    const close = async (neighbours?: { last: string; next: string | null }) => {
      const reply = await this.request<Extract<WorkerReply, { kind: 'segment' }>>(
        slot,
        { kind: 'segment-close', job: this.nextJob++, segment, neighbours },
        [],
      );
      return reply;
    };
    const end = () => {
      if (done) return;
      done = true;
      this.release(slot);
    };
    return {
      rows: (input, length) => {
        if (slot.stopped) throw workerStopped();
        slot.worker.postMessage({ kind: 'segment-rows', segment, input, length }, [input]);
      },
      finish: async (neighbours) => {
        try {
          const reply = await close(neighbours);
          if (!reply.reachedEnd) return undefined;
          return revive(reply.result!);
        } finally {
          if (neighbours) end();
        }
      },
      finished: () => end(),
    };
  }

  /** Test hook: makes one running thread fail as a crash would (an uncaught exception). */
  crashOneForTests(): boolean {
    const slot = this.slots.find((s) => !s.stopped);
    slot?.worker.postMessage({ kind: 'crash' });
    return !!slot;
  }
}

export interface ExportReaderOnWorker {
  /** The NDJSON lines of one exportChunkCopySql() statement, written into `spare` (transferred) first. */
  chunk(sql: string, spare: ArrayBuffer[]): Promise<Extract<WorkerReply, { kind: 'chunk' }>>;
  /** Ends the reader's transaction (COMMIT or ROLLBACK) and connection, and lets the thread go. */
  close(commit: boolean): Promise<void>;
}

/** The client options of a pool's connections, for a worker to open one like them. */
export function readerConnection(pool: pg.Pool): ReaderConnection {
  const o = (pool as unknown as { options: pg.PoolConfig }).options;
  const pick: ReaderConnection = {
    host: o.host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
    connectionString: o.connectionString,
    ssl: o.ssl,
    statement_timeout: o.statement_timeout,
    idle_in_transaction_session_timeout: o.idle_in_transaction_session_timeout,
    application_name: o.application_name,
    connectionTimeoutMillis: o.connectionTimeoutMillis,
    keepAlive: o.keepAlive,
  };
  for (const [key, value] of Object.entries(pick)) {
    if (value === undefined) delete pick[key as keyof ReaderConnection];
    // A password callback or a custom stream cannot cross to a thread: refuse, never half-connect.
    else if (typeof value === 'function') throw new Error(`the export cannot hand "${key}" to a worker thread`);
  }
  return pick;
}

export interface SegmentOnWorker {
  /** Hands over a batch of whole tuples (transferred: the buffer is unusable afterwards). */
  rows(input: ArrayBuffer, length: number): void;
  /**
   * The segment's outcome; undefined when it ended before its last position without a break,
   * then call again with `neighbours` (see SegmentChecker.finish).
   */
  finish(neighbours?: { last: string; next: string | null }): Promise<SegmentResult | undefined>;
  /** Lets the thread go (after the outcome, or when the segment failed). */
  finished(): void;
}

/** A SegmentResult after a thread boundary: Buffers arrive as Uint8Arrays. */
function revive(r: SegmentResult): SegmentResult {
  const hashesBySeq = new Map<string, Buffer>();
  for (const [seq, h] of r.hashesBySeq) hashesBySeq.set(seq, Buffer.from(h.buffer, h.byteOffset, h.byteLength));
  return { ...r, hashesBySeq };
}

/**
 * Cuts a binary COPY stream into batches of whole tuples for the workers: checks and drops
 * the header, copies each CopyData message (one tuple, or the trailer) into the current batch.
 */
export class CopyBatcher {
  private started = false;
  private buffer: ArrayBuffer | undefined;
  /** A view of `buffer`, made once per batch (a message per row would make a million). */
  private view: Uint8Array | undefined;
  private used = 0;

  constructor(
    private readonly alloc: (atLeast: number) => ArrayBuffer,
    private readonly send: (input: ArrayBuffer, length: number) => void,
  ) {}

  push(data: Buffer): void {
    let at = 0;
    if (!this.started) {
      at = copyHeaderLength(data);
      this.started = true;
    }
    const size = data.length - at;
    if (size <= 0) return;
    if (this.buffer && this.used + size > this.buffer.byteLength) this.flush();
    if (!this.buffer) {
      this.buffer = this.alloc(size);
      this.view = new Uint8Array(this.buffer);
    }
    data.copy(this.view!, this.used, at);
    this.used += size;
  }

  flush(): void {
    if (!this.buffer || !this.used) return;
    const buffer = this.buffer;
    const used = this.used;
    this.buffer = undefined;
    this.view = undefined;
    this.used = 0;
    this.send(buffer, used);
  }
}
