import type pg from 'pg';

/**
 * `COPY (…) TO STDOUT` on a node-postgres client, handing over each CopyData message's raw
 * bytes: no row objects, no UTF-8 decoding into JavaScript strings and back. node-postgres
 * accepts any object with `submit()` as a query and routes the backend's messages to it.
 *
 * `onData` receives a view into the connection's read buffer, valid only during the call
 * (the parser reuses its buffer): copy what you keep. The promise resolves with the row
 * count of the command tag (`COPY n`). COPY takes no bind parameters: the caller builds
 * `sql` from trusted text only.
 */
export function copyOut(client: pg.ClientBase, sql: string, onData: (bytes: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    let failure: unknown;
    const query = {
      submit(connection: { query(text: string): void }) {
        connection.query(sql);
      },
      handleCopyData(msg: { chunk: Buffer }) {
        if (failure) return;
        try {
          onData(msg.chunk);
        } catch (err) {
          failure = err;
        }
      },
      handleCommandComplete(msg: { text?: string }) {
        const m = /^COPY (\d+)/.exec(msg.text ?? '');
        if (m) rows = Number(m[1]);
      },
      handleReadyForQuery() {
        if (failure) reject(failure as Error);
        else resolve(rows);
      },
      // An ErrorResponse (or a dead socket) ends the query: no ReadyForQuery reaches it then.
      handleError(err: Error) {
        reject(failure ?? err);
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyInResponse(connection: { sendCopyFail(message: string): void }) {
        connection.sendCopyFail('COPY FROM is not supported here');
      },
    };
    client.query(query as unknown as pg.QueryConfig);
  });
}
