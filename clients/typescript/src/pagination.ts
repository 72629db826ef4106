/** One page of a keyset-paginated list (GET /cases, GET /audit/events). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Every item of a cursor-paginated list, page after page, as an async iterator. `fetchPage` asks
 * for the page after `cursor` (undefined for the first) with the same filters every time; the
 * cursor is opaque: pass it back as is.
 *
 *   for await (const c of paginate((cursor) => ctcm.unwrap(ctcm.api.GET('/cases', { params: { query: { cursor } } }))))
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  options: { maxPages?: number } = {},
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < (options.maxPages ?? Number.POSITIVE_INFINITY); page++) {
    const { items, nextCursor } = await fetchPage(cursor);
    yield* items;
    if (!nextCursor) return;
    cursor = nextCursor;
  }
}

/** All items of a paginated list in one array (bounded by `maxPages`). */
export async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterator) all.push(item);
  return all;
}
