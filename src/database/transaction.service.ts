import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { currentRequest, requestContext, type RequestStore } from '../common/context/request-context.js';

export type TransactionHook = (manager: EntityManager, store: RequestStore) => Promise<void>;

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

  inTransaction(): boolean {
    return currentRequest()?.manager !== undefined;
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const store = currentRequest();
    if (store?.manager) return work(store.manager);
    const outer: RequestStore = store ?? { requestId: 'background' };
    return this.dataSource.transaction(async (manager) => {
      const inner: RequestStore = { ...outer, manager };
      return requestContext.run(inner, async () => {
        for (const hook of this.hooks) await hook(manager, inner);
        const result = await work(manager);
        // Copy back what the work learnt about the request (e.g. the actor after login).
        if (store) Object.assign(store, { ...inner, manager: undefined });
        return result;
      });
    });
  }
}
