import fc from 'fast-check';
import {
  assertMinCellSize,
  CellSizeError,
  type Equation,
  protectTable,
  twoWayEquations,
  YEAR_PERIOD_ROWS,
  yearTableEquations,
} from './disclosure-control.js';

/** Counts skewed towards the small ones that need protecting. */
const count = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 12 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 }) },
);

/** Fills the totals of a table from its interior cells, equation by equation (parts before totals). */
function withTotals(interior: Map<number, number>, size: number, equations: readonly Equation[]): number[] {
  const cells = new Array<number | undefined>(size).fill(undefined);
  for (const [i, v] of interior) cells[i] = v;
  for (let pass = 0; pass < equations.length + 1; pass++)
    for (const e of equations)
      if (cells[e.total] === undefined && e.parts.every((p) => cells[p] !== undefined))
        cells[e.total] = e.parts.reduce((s, p) => s + cells[p]!, 0);
  return cells.map((c) => c ?? 0);
}

/** The patient attacker: solves any equation with a single unknown, again and again. */
function peel(published: (number | null)[], equations: readonly Equation[]): Map<number, number> {
  const known = published.slice();
  const found = new Map<number, number>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const e of equations) {
      const members = [e.total, ...e.parts];
      const unknown = members.filter((i) => known[i] === null);
      if (unknown.length !== 1) continue;
      const u = unknown[0]!;
      const partsSum = e.parts.reduce((s, p) => s + (p === u ? 0 : known[p]!), 0);
      known[u] = u === e.total ? partsSum : known[e.total]! - partsSum;
      found.set(u, known[u]!);
      progress = true;
    }
  }
  return found;
}

/**
 * The algebraic attacker, written independently of the module: exact rational elimination
 * (BigInt) of all equations at once; a suppressed cell is recovered when the unit vector on it
 * lies in the row space, i.e. adding it does not raise the rank.
 */
function algebraicallyRecovered(hidden: readonly number[], equations: readonly Equation[]): number[] {
  const index = new Map(hidden.map((cell, k) => [cell, k]));
  const rows: bigint[][] = [];
  for (const e of equations) {
    const row = new Array<bigint>(hidden.length).fill(0n);
    const k = index.get(e.total);
    if (k !== undefined) row[k]! -= 1n;
    for (const p of e.parts) {
      const j = index.get(p);
      if (j !== undefined) row[j]! += 1n;
    }
    if (row.some((v) => v !== 0n)) rows.push(row);
  }
  const rank = (m: bigint[][]): number => {
    const a = m.map((r) => r.slice());
    let r = 0;
    for (let c = 0; c < hidden.length && r < a.length; c++) {
      const p = a.findIndex((row, i) => i >= r && row[c] !== 0n);
      if (p < 0) continue;
      [a[r], a[p]] = [a[p]!, a[r]!];
      for (let i = 0; i < a.length; i++) {
        if (i === r || a[i]![c] === 0n) continue;
        const f = a[i]![c]!;
        const g = a[r]![c]!;
        a[i] = a[i]!.map((v, k) => v * g - a[r]![k]! * f);
      }
      r++;
    }
    return r;
  };
  const base = rank(rows);
  return hidden.filter((_, k) => {
    const unit = new Array<bigint>(hidden.length).fill(0n);
    unit[k] = 1n;
    return rank([...rows, unit]) === base;
  });
}

function assertProtected(counts: number[], equations: Equation[], min: number): void {
  const { values, reasons } = protectTable(counts, equations, min);
  values.forEach((v, i) => {
    // Never a small published cell, and published cells are the true counts.
    if (v !== null) {
      expect(v === 0 || v >= min).toBe(true);
      expect(v).toBe(counts[i]);
    } else expect(reasons[i]).not.toBeNull();
  });
  const hidden = values.flatMap((v, i) => (v === null ? [i] : []));
  expect(peel(values, equations).size).toBe(0);
  expect(algebraicallyRecovered(hidden, equations)).toEqual([]);
}

describe('disclosure control', () => {
  it('refuses a minimum cell size below 5 (and non-integers)', () => {
    expect(() => assertMinCellSize(4)).toThrow(CellSizeError);
    expect(() => assertMinCellSize(5.5)).toThrow(CellSizeError);
    expect(() => protectTable([1, 2], [], 3)).toThrow(CellSizeError);
    expect(() => assertMinCellSize(5)).not.toThrow();
  });

  it('suppresses a lone small cell and a complement in its row and column, so the margins do not give it away', () => {
    // 2 × 2 interior with margins: cell (0,0) = 3 is small.
    const eqs = twoWayEquations(2, 2);
    const counts = withTotals(
      new Map([
        [0, 3],
        [1, 20],
        [3, 30],
        [4, 40],
      ]),
      9,
      eqs,
    );
    const { values } = protectTable(counts, eqs, 11);
    expect(values[0]).toBeNull();
    expect(values.filter((v) => v === null).length).toBeGreaterThanOrEqual(4);
    expect(values[8]).toBe(93);
  });

  it('property: no suppressed cell of a random two-way table can be recovered from its margins', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(count, { minLength: 36, maxLength: 36 }),
        fc.constantFrom(5, 11),
        (rows, cols, pool, min) => {
          const eqs = twoWayEquations(rows, cols);
          const interior = new Map<number, number>();
          for (let r = 0; r < rows; r++)
            for (let c = 0; c < cols; c++) interior.set(r * (cols + 1) + c, pool[r * 6 + c]!);
          assertProtected(withTotals(interior, (rows + 1) * (cols + 1), eqs), eqs, min);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: a calendar-year table (months, quarters, year) hides small cells from every period total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        fc.array(count, { minLength: 72, maxLength: 72 }),
        (values, additive, pool) => {
          const cols = values + 1;
          const eqs = yearTableEquations(values, additive);
          const interior = new Map<number, number>();
          for (let m = 0; m < 12; m++) {
            for (let c = 0; c < values; c++) interior.set(m * cols + c, pool[m * 6 + c]!);
            // With overlapping values the total column is its own count (distinct cases), at least the largest part.
            if (!additive || values === 0)
              interior.set(
                m * cols + values,
                Math.max(pool[m * 6 + 5]!, ...Array.from({ length: values }, (_, c) => pool[m * 6 + c]!)),
              );
          }
          assertProtected(withTotals(interior, YEAR_PERIOD_ROWS * cols, eqs), eqs, 11);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('property: a breakdown protected after its totals keeps their pattern and hides its own small cells', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(count, { minLength: 48, maxLength: 48 }), (values, pool) => {
        const cols = values + 1;
        const eqs = yearTableEquations(values, true);
        const interior = new Map<number, number>();
        for (let m = 0; m < 12; m++) for (let c = 0; c < values; c++) interior.set(m * cols + c, pool[m * 4 + c]!);
        const counts = withTotals(interior, YEAR_PERIOD_ROWS * cols, eqs);
        // The totals alone, as the API publishes them first.
        const totals = Array.from({ length: YEAR_PERIOD_ROWS }, (_, r) => counts[r * cols + values]!);
        const totalsProtected = protectTable(totals, yearTableEquations(0, true), 11).values;
        const hidden = new Set<number>();
        const shown = new Set<number>();
        totalsProtected.forEach((v, r) => (v === null ? hidden : shown).add(r * cols + values));
        const { values: published } = protectTable(counts, eqs, 11, { hidden, shown });
        totalsProtected.forEach((v, r) => expect(published[r * cols + values]).toBe(v));
        published.forEach((v) => expect(v === null || v === 0 || v >= 11).toBe(true));
        const hiddenCells = published.flatMap((v, i) => (v === null ? [i] : []));
        expect(peel(published, eqs).size).toBe(0);
        expect(algebraicallyRecovered(hiddenCells, eqs)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('property: two overlapping queries read one canonical table, so their difference reveals nothing', () => {
    // A quarter and its months are both published from the same protected year table: the
    // attacker who subtracts the months from the quarter is the peeling attacker above.
    fc.assert(
      fc.property(fc.array(count, { minLength: 12, maxLength: 12 }), (months) => {
        const eqs = yearTableEquations(0, true);
        const interior = new Map(months.map((v, m) => [m, v] as const));
        const counts = withTotals(interior, YEAR_PERIOD_ROWS, eqs);
        const first = protectTable(counts, eqs, 11).values;
        const again = protectTable(counts, eqs, 11).values;
        expect(again).toEqual(first);
        expect(peel(first, eqs).size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
