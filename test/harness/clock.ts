import { Clock } from '../../src/common/clock.js';
import type { TestApp } from './test-app.js';

/**
 * Moves the API's clock (the Clock seam every business date goes through) and returns the
 * function that puts it back. `at` is an instant, or a function of the real now.
 */
export function setClock(t: TestApp, at: Date | ((realNow: Date) => Date)): () => void {
  const clock = t.app.get(Clock);
  const original = clock.now;
  clock.now = () => (typeof at === 'function' ? at(new Date()) : new Date(at));
  return () => {
    clock.now = original;
  };
}

/** The API's clock `days` ahead of the real one. */
export const daysAhead = (days: number) => (realNow: Date) => new Date(realNow.getTime() + days * 86_400_000);
