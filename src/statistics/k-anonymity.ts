/**
 * k-anonymity for the case-level CTDC export, as CTDC did it: every published column is a
 * quasi-identifier (the whole row is the equivalence key), rows in classes smaller than k are
 * generalised step by step (a column's value replaced by the missing code -99), and what is
 * still in a class under k after the last step is suppressed (left out). Works on classes
 * (distinct rows with their counts), never on people. Pure.
 */
export const MISSING = '-99';

export interface RowClass {
  values: string[];
  count: number;
}

export interface AnonymisedExport {
  classes: RowClass[];
  /** Rows whose values were generalised (at least one column set to -99 by the procedure). */
  generalisedRows: number;
  /** Rows left out because no generalisation reached k. */
  suppressedRows: number;
}

/**
 * `steps` are groups of column indices generalised together, in order (least useful first);
 * each step only touches the rows still in classes under k.
 */
export function kAnonymise(
  input: readonly RowClass[],
  k: number,
  steps: readonly (readonly number[])[],
): AnonymisedExport {
  if (!Number.isInteger(k) || k < 2) throw new RangeError('k must be an integer of at least 2');
  const merge = (classes: RowClass[]): Map<string, RowClass> => {
    const map = new Map<string, RowClass>();
    for (const c of classes) {
      const key = JSON.stringify(c.values);
      const found = map.get(key);
      if (found) found.count += c.count;
      else map.set(key, { values: [...c.values], count: c.count });
    }
    return map;
  };
  let classes = merge(input.filter((c) => c.count > 0).map((c) => ({ values: [...c.values], count: c.count })));
  let generalisedRows = 0;
  for (const columns of steps) {
    const next: RowClass[] = [];
    for (const c of classes.values()) {
      if (c.count >= k) {
        next.push(c);
        continue;
      }
      const values = c.values.map((v, i) => (columns.includes(i) ? MISSING : v));
      if (values.some((v, i) => v !== c.values[i])) generalisedRows += c.count;
      next.push({ values, count: c.count });
    }
    classes = merge(next);
  }
  const kept = [...classes.values()].filter((c) => c.count >= k);
  const suppressedRows = [...classes.values()].filter((c) => c.count < k).reduce((n, c) => n + c.count, 0);
  kept.sort((a, b) => (a.values.join('\u0000') < b.values.join('\u0000') ? -1 : 1));
  return { classes: kept, generalisedRows, suppressedRows };
}
