import pg from 'pg';

/**
 * Runs in every test file: node-postgres warns once per process ("Calling client.query() when
 * the client is already executing a query is deprecated") and pg 9 will refuse such a statement.
 * The condition pg checks (a statement queued behind one already waiting, outside pipeline
 * mode) is recorded here for every statement, with its stack, so the file that does it fails,
 * not only the first one a jest worker happens to run.
 */
type QueueingClient = { _queryQueue?: unknown[]; pipeline?: boolean };
const queued: string[] = [];
const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __queueGuard?: true };

if (!prototype.__queueGuard) {
  prototype.__queueGuard = true;
  const query = prototype.query;
  prototype.query = function guardedQuery(this: QueueingClient, ...args: unknown[]) {
    if ((this._queryQueue?.length ?? 0) > 0 && this.pipeline !== true)
      queued.push(new Error('statement queued on a busy connection').stack ?? '');
    return query.apply(this, args);
  };
}

/** The statements recorded so far in this file, forgotten once read (for the guard's own test). */
export function takeQueuedStatements(): string[] {
  return queued.splice(0);
}

afterAll(() => {
  const found = takeQueuedStatements();
  if (found.length)
    throw new Error(
      `statements sent to a connection already executing one (pg deprecation, refused in pg 9):\n` +
        found.slice(0, 3).join('\n\n'),
    );
});
