import fs from 'node:fs';
import path from 'node:path';

/**
 * A Server-Sent Events operation answers a valid request with a response that never ends, so
 * tests that walk every route read only its opening answer, or leave it to its own spec.
 */
export const isEventStream = (op: unknown): boolean =>
  JSON.stringify((op as { responses?: unknown }).responses ?? {}).includes('text/event-stream');

/** The paths of openapi.json whose GET is an event stream (e.g. /me/notifications/stream). */
export function eventStreamPaths(): Set<string> {
  const doc = JSON.parse(fs.readFileSync(path.resolve('openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return new Set(
    Object.entries(doc.paths)
      .filter(([, item]) => Object.values(item).some(isEventStream))
      .map(([p]) => p),
  );
}
