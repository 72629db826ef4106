import type pg from 'pg';

/**
 * `COPY (…) TO STDOUT` on a node-postgres client, handing over each CopyData message's raw
 * bytes: no row objects, no UTF-8 decoding into JavaScript strings and back. node-postgres
 * accepts any object with `submit()` as a query and routes the backend's messages to it.
 *
 * `onData` receives a view into the connection's read buffer, valid only during the call
 * (the parser reuses its buffer): copy what you keep. When it returns a promise, the connection
 * stops reading from its socket until the promise settles (backpressure: PostgreSQL then waits
 * on a full socket), so a slow consumer holds at most what was already received. A rejected
 * promise or a throw fails the COPY: the rest is read and dropped, and the promise rejects with
 * that error once the connection is ready again. The promise resolves with the row count of
 * the command tag (`COPY n`). COPY takes no bind parameters: the caller builds `sql` from
 * trusted text only.
 */
export function copyOut(
  client: pg.ClientBase,
  sql: string,
  onData: (bytes: Buffer) => void | Promise<void>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let rows = 0;
    let failure: unknown;
    let socket: { pause(): void; resume(): void } | undefined;
    let waiting = 0;
    const fail = (err: unknown) => {
      failure ??= err;
    };
    const query = {
      submit(connection: { query(text: string): void; stream?: { pause(): void; resume(): void } }) {
        socket = connection.stream;
        connection.query(sql);
      },
      handleCopyData(msg: { chunk: Buffer }) {
        if (failure) return;
        try {
          const pending = onData(msg.chunk);
          if (pending && socket) {
            if (waiting++ === 0) socket.pause();
            pending.then(
              () => {
                if (--waiting === 0) socket!.resume();
              },
              (err: unknown) => {
                fail(err);
                if (--waiting === 0) socket!.resume();
              },
            );
          }
        } catch (err) {
          fail(err);
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
