import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { currentRequest, requestContext, type RequestStore } from '../common/context/request-context.js';

/**
 * SQL to run at the start of every transaction, sent with its BEGIN in one round trip: no
 * parameters, so a hook validates any value it puts into the text.
 */
export type TransactionHook = (store: RequestStore) => string | undefined;

/**
 * The ambient transaction. `run()` opens one per unit of work (or joins the open one), so a
 * change and its audit entry commit or roll back together. Hooks run first in every new
 * transaction: the access layer uses one to set the row-level-security context.
 */
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
    (store.afterTransaction ??= []).push(callback);
  }

  inTransaction(): boolean {
    return currentRequest()?.manager !== undefined;
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
    const inner: RequestStore = { ...outer, manager: runner.manager, afterTransaction: undefined };
    const ended = (committed: boolean) => {
      for (const callback of inner.afterTransaction ?? []) callback(committed);
    };
    try {
      // BEGIN and the hooks' statements (the row-level-security context) in one round trip:
      // every request pays for it. TypeORM is then told the transaction is open, as its
      // startTransaction() would (no entity subscribers exist to be told).
      const opening = [
        'START TRANSACTION',
        ...this.hooks.map((hook) => hook(inner)).filter((sql): sql is string => !!sql),
      ];
      await runner.query(opening.join('; '));
      Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
      const result = await requestContext.run(inner, () => work(runner.manager));
      await runner.commitTransaction();
      // Copy back what the work learnt about the request (e.g. the actor after login).
      if (store) Object.assign(store, { ...inner, manager: undefined, afterTransaction: undefined });
      ended(true);
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      ended(false);
      throw err;
    } finally {
      await runner.release();
    }
  }
}
