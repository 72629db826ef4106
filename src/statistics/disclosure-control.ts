/**
 * Statistical disclosure control, the one place every statistic, report and export passes
 * through. Pure functions: no I/O, no configuration lookups.
 *
 * A table is a vector of cell counts and a set of additive equations between them (a total
 * equals the sum of its parts: row and column margins, a quarter and its months, a year and its
 * quarters). Protection is:
 * 1. primary suppression: every cell with 0 < count < minimum cell size;
 * 2. complementary suppression: no equation may hold exactly one suppressed cell (it would be
 *    its total minus the published parts), so another member is suppressed, the smallest
 *    positive one, a part before a total;
 * 3. an exactness check: a suppressed cell must not be a linear consequence of the published
 *    cells through any combination of equations (the attacker who solves the whole system at
 *    once). Reduced row echelon form of the system restricted to the suppressed cells shows
 *    which unknowns are determined; each one found gets a further complement, until none is.
 * Zero cells are not sensitive (nobody is described by them) and are not suppressed first-hand.
 */

/** Outputs that leave the system (reports, exports, the API) never use a smaller minimum. */
export const EXTERNAL_MIN_CELL_SIZE = 11;
/** The smallest minimum accepted at all, e.g. for an internal dashboard. */
export const LOWEST_MIN_CELL_SIZE = 5;

export interface Equation {
  /** Index of the cell that is the total. */
  total: number;
  /** Indices of the cells that add up to it. */
  parts: readonly number[];
}

export interface ProtectedTable {
  /** Published value per cell: the count, or null when suppressed. */
  values: (number | null)[];
  /** Why a cell is withheld: 'primary' (small), 'complementary' (would reveal a small one). */
  reasons: (null | 'primary' | 'complementary')[];
}

export class CellSizeError extends Error {}

/** Refuses a minimum below the floor; the caller maps this to its 4xx problem. */
export function assertMinCellSize(min: number): void {
  if (!Number.isInteger(min) || min < LOWEST_MIN_CELL_SIZE)
    throw new CellSizeError(`the minimum cell size must be an integer of at least ${LOWEST_MIN_CELL_SIZE}`);
}

export interface LinkedCells {
  /** Cells another published table already withholds (they stay withheld here). */
  hidden?: ReadonlySet<number>;
  /** Cells another published table already shows (never chosen as a complement here). */
  shown?: ReadonlySet<number>;
}

/**
 * Suppresses small cells and enough others that none of them can be recovered from the rest.
 * `linked` carries the pattern of cells this table shares with one published before it (a
 * breakdown's total column is the table of totals), so the two stay consistent.
 */
export function protectTable(
  counts: readonly number[],
  equations: readonly Equation[],
  min: number,
  linked: LinkedCells = {},
): ProtectedTable {
  assertMinCellSize(min);
  for (const c of counts)
    if (!Number.isInteger(c) || c < 0) throw new RangeError('cell counts are non-negative integers');
  const reasons: ProtectedTable['reasons'] = counts.map((c, i) =>
    linked.hidden?.has(i) ? 'complementary' : c > 0 && c < min && !linked.shown?.has(i) ? 'primary' : null,
  );
  const members = equations.map((e) => [...e.parts, e.total]);
  const isTotal = new Set(equations.map((e) => e.total));
  const suppress = (i: number) => (reasons[i] = 'complementary');

  /** The member to give up with the least loss: positive before zero, part before total, smallest. */
  const complementIn = (cells: readonly number[], except: ReadonlySet<number>): number | undefined => {
    let best: number | undefined;
    const rank = (i: number) => [counts[i]! > 0 ? 0 : 1, isTotal.has(i) ? 1 : 0, counts[i]!, i];
    for (const i of cells) {
      if (reasons[i] !== null || except.has(i) || linked.shown?.has(i)) continue;
      if (best === undefined || lexLess(rank(i), rank(best))) best = i;
    }
    return best;
  };

  for (let guard = 0; guard <= counts.length; guard++) {
    // Step 2 to a fixpoint: no equation with a single unknown.
    let changed = true;
    while (changed) {
      changed = false;
      for (const cells of members) {
        const hidden = cells.filter((i) => reasons[i] !== null);
        if (hidden.length !== 1) continue;
        const pick = complementIn(cells, new Set());
        if (pick === undefined) continue;
        suppress(pick);
        changed = true;
      }
    }
    // Step 3: cells the whole system still determines.
    const determined = determinedCells(
      counts.length,
      equations,
      reasons.map((r) => r !== null),
    );
    if (!determined.length) break;
    let added = false;
    for (const cell of determined) {
      // Widen the system where the cell sits: suppress a complement in one of its equations.
      for (const cells of members) {
        if (!cells.includes(cell)) continue;
        const pick = complementIn(cells, new Set());
        if (pick === undefined) continue;
        suppress(pick);
        added = true;
        break;
      }
      if (added) break;
    }
    if (!added) {
      // Its own equations are all hidden already: widen anywhere the hidden cells reach.
      const anywhere = members.find(
        (cells) => cells.some((i) => reasons[i] !== null) && complementIn(cells, new Set()) !== undefined,
      );
      if (!anywhere) {
        // Fails closed: withhold everything this table alone publishes.
        counts.forEach((_, i) => {
          if (!linked.shown?.has(i)) reasons[i] ??= 'complementary';
        });
        break;
      }
      suppress(complementIn(anywhere, new Set())!);
    }
  }
  return { values: counts.map((c, i) => (reasons[i] === null ? c : null)), reasons };
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! < b[k]!;
  return false;
}

/**
 * Suppressed cells whose value follows from the published ones: the unknowns that reduced row
 * echelon form of the equations (restricted to the suppressed cells) pins down alone. This is
 * also what the tests use as the attacker.
 */
export function determinedCells(
  cellCount: number,
  equations: readonly Equation[],
  hidden: readonly boolean[],
): number[] {
  const unknowns: number[] = [];
  const column = new Map<number, number>();
  for (let i = 0; i < cellCount; i++)
    if (hidden[i]) {
      column.set(i, unknowns.length);
      unknowns.push(i);
    }
  if (!unknowns.length) return [];
  const rows: number[][] = [];
  for (const e of equations) {
    const row = new Array<number>(unknowns.length).fill(0);
    let touches = false;
    for (const [cell, sign] of [[e.total, -1] as const, ...e.parts.map((p) => [p, 1] as const)]) {
      const c = column.get(cell);
      if (c === undefined) continue;
      row[c]! += sign;
      touches = true;
    }
    if (touches) rows.push(row);
  }
  const pivotRowOf = reducedRowEchelon(rows, unknowns.length);
  const out: number[] = [];
  for (const [col, r] of pivotRowOf) {
    const row = rows[r]!;
    if (row.every((v, k) => k === col || Math.abs(v) < 1e-9)) out.push(unknowns[col]!);
  }
  return out;
}

/** In place; returns pivot column → row. Entries are small integers, so doubles stay exact enough. */
function reducedRowEchelon(rows: number[][], width: number): Map<number, number> {
  const pivots = new Map<number, number>();
  let r = 0;
  for (let col = 0; col < width && r < rows.length; col++) {
    let p = r;
    while (p < rows.length && Math.abs(rows[p]![col]!) < 1e-9) p++;
    if (p === rows.length) continue;
    [rows[r], rows[p]] = [rows[p]!, rows[r]!];
    const lead = rows[r]![col]!;
    for (let k = 0; k < width; k++) rows[r]![k]! /= lead;
    for (let q = 0; q < rows.length; q++) {
      if (q === r) continue;
      const f = rows[q]![col]!;
      if (Math.abs(f) < 1e-9) continue;
      for (let k = 0; k < width; k++) rows[q]![k]! -= f * rows[r]![k]!;
    }
    pivots.set(col, r);
    r++;
  }
  return pivots;
}

/**
 * A two-way table with its margins, as cells and equations: cell (r, c) is at r * (cols + 1) + c,
 * column `cols` holds the row totals and row `rows` the column totals (the corner is the grand
 * total). `additiveRows: false` when a row's parts overlap (a case with two exploitation types
 * counts under both), so the row total is not their sum and no row equation holds.
 */
export function twoWayEquations(rows: number, cols: number, additiveRows = true): Equation[] {
  const at = (r: number, c: number) => r * (cols + 1) + c;
  const eqs: Equation[] = [];
  for (let r = 0; r <= rows && additiveRows; r++)
    eqs.push({ total: at(r, cols), parts: Array.from({ length: cols }, (_, c) => at(r, c)) });
  for (let c = 0; c <= cols; c++)
    eqs.push({ total: at(rows, c), parts: Array.from({ length: rows }, (_, r) => at(r, c)) });
  return eqs;
}

/**
 * The canonical calendar-year table every period query reads from: 12 months, 4 quarters and the
 * year, each split by the values of one dimension plus a total column. Queries over any range or
 * period kind slice these tables (one per calendar year and scope), so two overlapping queries
 * return the same cells and their difference reveals nothing the equations do not cover.
 * Period row index: months 0–11, quarters 12–15, year 16.
 */
export const YEAR_PERIOD_ROWS = 17;
export function yearTableEquations(
  valueCount: number,
  additiveValues: boolean,
  stock?: { quarterMonth: readonly (number | null)[]; yearQuarter: number | null },
): Equation[] {
  const cols = valueCount + 1;
  const at = (row: number, c: number) => row * cols + c;
  const eqs: Equation[] = [];
  for (let row = 0; row < YEAR_PERIOD_ROWS && additiveValues && valueCount > 0; row++)
    eqs.push({ total: at(row, valueCount), parts: Array.from({ length: valueCount }, (_, c) => at(row, c)) });
  for (let c = 0; c < cols; c++) {
    if (stock) {
      // A stock's quarter or year is the stock of one month: the same count published twice.
      stock.quarterMonth.forEach((m, q) => {
        if (m !== null) eqs.push({ total: at(12 + q, c), parts: [at(m, c)] });
      });
      if (stock.yearQuarter !== null) eqs.push({ total: at(16, c), parts: [at(12 + stock.yearQuarter, c)] });
      continue;
    }
    for (let q = 0; q < 4; q++) eqs.push({ total: at(12 + q, c), parts: [0, 1, 2].map((m) => at(q * 3 + m, c)) });
    eqs.push({ total: at(16, c), parts: [12, 13, 14, 15].map((q) => at(q, c)) });
  }
  return eqs;
}
