import type { TestApp } from './test-app.js';

/** Row counts of every table in the public schema (audit tables excluded: every request adds to them). */
export async function tableCounts(t: TestApp): Promise<Record<string, number>> {
  const tables = await t.ownerQuery<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname NOT LIKE 'audit\\_%' AND c.relname <> 'rate_limit_counter'
      ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { relname } of tables.rows)
    counts[relname] = (await t.ownerQuery(`SELECT count(*)::int AS n FROM "${relname}"`)).rows[0].n;
  return counts;
}
