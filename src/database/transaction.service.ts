import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import {
  currentRequest,
  type OpeningCheck,
  requestContext,
  type RequestStore,
} from '../common/context/request-context.js';
import { type PipelinedStatement, pipelined, pipelinedSettled, type SendQuery } from './pipeline.js';
import type { PreparedStatement } from './sql.js';

/**
 * SQL to run at the start of every transaction, sent with its BEGIN in one round trip: no
 * parameters, so a hook validates any value it puts into the text.
 */
export type TransactionHook = (store: RequestStore) => string | undefined;

/**
 * The ambient transaction. `run()` opens one per unit of work (or joins the open one), so a
 * change and its audit entry commit or roll back together. Hooks run first in every new
 * transaction: the access layer uses one to set the row-level-security context. BEGIN (with the
 * hooks) is pipelined with the first statement and COMMIT with the last (`atCommit`), so a
 * request reading with one statement runs its transaction in two exchanges with PostgreSQL.
 */
/** The opening check's own outcome: its error, or its rows judged by its verify(). */
async function judge(check: OpeningCheck, outcome: PromiseSettledResult<pg.QueryResult>): Promise<void> {
  if (outcome.status === 'rejected') throw outcome.reason;
  await check.verify(outcome.value.rows);
}

@Injectable()
export class TransactionService {
  private readonly hooks: TransactionHook[] = [];

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  onTransactionStart(hook: TransactionHook): void {
    this.hooks.push(hook);
  }

  /** The open transaction's manager; outside one, a plain (autocommit) manager. */
  manager(): EntityManager {
    return currentRequest()?.manager ?? this.dataSource.manager;
  }

  /**
   * Runs `callback` once the open transaction ended, saying whether it committed: a streamed
   * answer (a file download) sends its last bytes only after its access entry is durable.
   */
  afterTransaction(callback: (committed: boolean) => void): void {
    const store = currentRequest();
    if (!store?.manager) throw new Error('afterTransaction needs an open transaction');
    (store.afterTransaction ??= []).push(callback);
  }

  /**
   * Runs `callback` once the request's access entry is durable, saying whether it is: after the
   * commit of the request transaction, or, on a route without one (NoRequestTransaction), once
   * the interceptor has written the entry. An export sends its last bytes from here.
   */
  afterAccessEntry(callback: (durable: boolean) => void): void {
    const store = currentRequest();
    if (!store) throw new Error('afterAccessEntry needs a request');
    if (store.manager) (store.afterTransaction ??= []).push(callback);
    else (store.afterAccessEntry ??= []).push(callback);
  }

  inTransaction(): boolean {
    return currentRequest()?.manager !== undefined;
  }

  /**
   * The open transaction's last statement, sent with its COMMIT in one exchange (the request's
   * access entry): it fails the commit if it fails. Nothing may read or write after it.
   */
  atCommit(statement: PreparedStatement, values: unknown[]): void {
    const store = currentRequest();
    if (!store?.manager) throw new Error('atCommit needs an open transaction');
    (store.commitStatements ??= []).push([{ name: statement.name, text: statement.text }, values]);
  }

  /**
   * Runs read-only `work` in a transaction of its own on another data source (the standby),
   * opened like every request transaction: the same hooks, so the same row-level-security
   * context, in a REPEATABLE READ READ ONLY transaction (one snapshot for the whole read). The
   * request's audit notes and after-transaction callbacks stay the request's: what the work
   * touches is named by the access entry the request transaction writes on the primary.
   */
  async runReadOnly<T>(source: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const outer: RequestStore = currentRequest() ?? { requestId: 'background' };
    // The standby's answer must not be used before the user re-check was judged on the primary.
    if (outer.openingCheck)
      throw new Error('A route whose user check travels with its first statement read the standby first');
    outer.audit ??= { resourceIds: new Set(), caseIds: new Set() };
    outer.afterTransaction ??= [];
    const runner = source.createQueryRunner();
    const inner: RequestStore = { ...outer, manager: runner.manager, standbyRead: true };
    try {
      const opening = [
        'START TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY',
        ...this.hooks.map((hook) => hook(inner)).filter((sql): sql is string => !!sql),
      ];
      await runner.query(opening.join('; '));
      Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
      const result = await requestContext.run(inner, () => work(runner.manager));
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const store = currentRequest();
    if (store?.manager) return work(store.manager);
    const outer: RequestStore = store ?? { requestId: 'background' };
    const runner = this.dataSource.createQueryRunner();
    // The user re-check of a read travels ahead of the opening, in the first exchange (AccessGuard).
    let check = outer.openingCheck;
    outer.openingCheck = undefined;
    const inner: RequestStore = {
      ...outer,
      manager: runner.manager,
      afterTransaction: undefined,
      commitStatements: undefined,
      openingCheck: undefined,
    };
    const ended = (committed: boolean) => {
      for (const callback of inner.afterTransaction ?? []) callback(committed);
    };
    let client: pg.PoolClient | undefined;
    let begun = false;
    // The opening check's refusal, thrown as is: TypeORM wraps what a statement throws, and the
    // work might catch it; a refused request never commits nor answers with what it read.
    let refusal: { error: unknown } | undefined;
    // Sends the opening check on its own if it is still pending (set once the connection is held).
    let runPendingCheck: (() => Promise<void>) | undefined;
    const judged = async (pending: OpeningCheck, outcome: PromiseSettledResult<pg.QueryResult>) => {
      try {
        await judge(pending, outcome);
      } catch (error) {
        refusal = { error };
        throw error;
      }
    };
    try {
      // BEGIN and the hooks' statements (the row-level-security context) travel with the
      // transaction's first statement, pipelined: the transaction costs no round trip of its own.
      // TypeORM is told the transaction is open, as its startTransaction() would (no entity
      // subscribers exist to be told).
      const opening = [
        'START TRANSACTION',
        ...this.hooks.map((hook) => hook(inner)).filter((sql): sql is string => !!sql),
      ].join('; ');
      client = (await runner.connect()) as pg.PoolClient;
      const send = client.query as SendQuery;
      const open = client;
      // An own property for this transaction only, removed before the connection goes back to the pool.
      (open as unknown as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
        if (begun) return (send as (...args: unknown[]) => unknown).call(open, config, values, callback);
        // Never let a first statement run without the opening (the transaction and its
        // row-level-security context): a callback-style call cannot be pipelined, so it is refused.
        if (callback !== undefined || typeof values === 'function')
          throw new Error('The request transaction cannot open with a callback-style query');
        begun = true;
        // A query class of its own (a cursor or stream) cannot be pipelined: the opening goes first.
        if (typeof (config as { submit?: unknown } | null)?.submit === 'function')
          return runCheck()
            .then(() => send.call(open, opening))
            .then(() => send.call(open, config, values as unknown[]));
        return openWith([config as PipelinedStatement[0], values as unknown[]]);
      };
      // The opening check (autocommit, before START TRANSACTION), the opening and the first
      // statement in one exchange; the check is judged before any other answer is used.
      const openWith = async (first: PipelinedStatement): Promise<pg.QueryResult> => {
        if (!check) return (await pipelined(open, send, [[opening], first]))[1]!;
        const pending = check;
        check = undefined;
        const settled = await pipelinedSettled(open, send, [[pending.statement, pending.values], [opening], first]);
        await judged(pending, settled[0]!);
        const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        return (settled[2] as PromiseFulfilledResult<pg.QueryResult>).value;
      };
      const runCheck = async () => {
        if (!check) return;
        const pending = check;
        check = undefined;
        await judged(pending, (await pipelinedSettled(open, send, [[pending.statement, pending.values]]))[0]!);
      };
      runPendingCheck = runCheck;
      Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
      const result = await requestContext.run(inner, () => work(runner.manager));
      if (refusal) throw refusal.error;
      // A unit of work that sent nothing before its end still has its check judged before COMMIT.
      await runCheck();
      const last = inner.commitStatements ?? [];
      if (begun || last.length) {
        // The last statements (the access entry) and COMMIT in one exchange. COMMIT of a
        // transaction that failed answers ROLLBACK, not an error: the failed statement's error is thrown.
        const statements: PipelinedStatement[] = [...last, ['COMMIT']];
        if (!begun) statements.unshift([opening]);
        begun = true;
        const results = await pipelined(client, send, statements);
        if (results.at(-1)?.command !== 'COMMIT') throw new Error('The transaction did not commit');
      }
      Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
      // Copy back what the work learnt about the request (e.g. the actor after login).
      if (store)
        Object.assign(store, {
          ...inner,
          manager: undefined,
          afterTransaction: undefined,
          commitStatements: undefined,
        });
      ended(true);
      return result;
    } catch (err) {
      // Work that failed before its first statement (a refused parameter) still has the user
      // re-check judged and counted: a revoked token is a 401, a spent budget a 429, as before.
      if (check && runPendingCheck && !refusal) await runPendingCheck().catch(() => undefined);
      if (begun && runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      Object.assign(runner, { isTransactionActive: false, transactionDepth: 0 });
      ended(false);
      throw refusal ? refusal.error : err;
    } finally {
      if (client) delete (client as unknown as { query?: unknown }).query;
      await runner.release();
    }
  }
}
