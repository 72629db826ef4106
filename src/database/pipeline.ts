import type pg from 'pg';

/** A statement as node-postgres takes it: text, or a query config (a prepared statement's name and text). */
export type PipelinedStatement = [config: string | { name?: string; text: string }, values?: unknown[]];

/** The connection's own query method (node-postgres), called with the connection as `this`. */
export type SendQuery = (config: unknown, values?: unknown[]) => Promise<pg.QueryResult>;

/**
 * Sends statements on one connection without waiting for each answer: node-postgres' pipeline
 * mode writes each at once (each with its own Sync) and hands the answers back in order, so the
 * statements cost one round trip together. This is not the queueing pg warns about (a statement
 * handed to a connection that is still busy, which pg holds back until the answer, a round trip
 * each): the connection is idle when the batch starts and is switched back when every answer is
 * in. In a transaction, a failed statement fails those after it ("current transaction is
 * aborted"); the first error is thrown.
 */
export async function pipelined(
  client: pg.ClientBase,
  send: SendQuery,
  statements: PipelinedStatement[],
): Promise<pg.QueryResult[]> {
  const settled = await pipelinedSettled(client, send, statements);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value);
}

/** The same, each statement's outcome apart (a statement outside the transaction is judged on its own). */
export async function pipelinedSettled(
  client: pg.ClientBase,
  send: SendQuery,
  statements: PipelinedStatement[],
): Promise<PromiseSettledResult<pg.QueryResult>[]> {
  const c = client as pg.ClientBase & { pipeline?: boolean };
  if (statements.length === 1) return Promise.allSettled([send.call(client, statements[0]![0], statements[0]![1])]);
  c.pipeline = true;
  // Corked, the batch leaves in one write (one system call) instead of one per statement: each
  // statement corks the socket only around its own messages.
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } })
    .connection?.stream;
  let settled: PromiseSettledResult<pg.QueryResult>[];
  try {
    stream?.cork?.();
    let sent: Promise<pg.QueryResult>[];
    try {
      sent = statements.map(([config, values]) => send.call(client, config, values));
    } finally {
      stream?.uncork?.();
    }
    settled = await Promise.allSettled(sent);
  } finally {
    c.pipeline = false;
  }
  return settled;
}
