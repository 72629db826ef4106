import fc from 'fast-check';
import { kAnonymise, MISSING, type RowClass } from './k-anonymity.js';

const rows = fc.array(
  fc.record({
    values: fc.tuple(
      fc.constantFrom('F', 'M'),
      fc.constantFrom('9-17', '18-20', '30-38'),
      fc.constantFrom('TH', 'CN', 'MY', 'LA'),
    ),
    count: fc.integer({ min: 1, max: 15 }),
  }),
  { maxLength: 30 },
);

describe('k-anonymity of the CTDC export', () => {
  it('property: every published row is shared by at least k rows, and rows are only generalised or left out', () => {
    fc.assert(
      fc.property(rows, fc.constantFrom(5, 11), (input, k) => {
        const out = kAnonymise(input as RowClass[], k, [[2], [1]]);
        const total = input.reduce((n, c) => n + c.count, 0);
        expect(out.classes.reduce((n, c) => n + c.count, 0) + out.suppressedRows).toBe(total);
        const keys = out.classes.map((c) => JSON.stringify(c.values));
        expect(new Set(keys).size).toBe(keys.length);
        for (const c of out.classes) {
          expect(c.count).toBeGreaterThanOrEqual(k);
          // Sex is never generalised here; the others are a true value or the missing code.
          expect(input.some((i) => i.values[0] === c.values[0])).toBe(true);
          if (c.values[2] !== MISSING) expect(input.some((i) => i.values[2] === c.values[2])).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('generalises the country of a small class before giving it up', () => {
    const out = kAnonymise(
      [
        { values: ['F', '18-20', 'TH'], count: 8 },
        { values: ['F', '18-20', 'CN'], count: 4 },
        { values: ['M', '30-38', 'TH'], count: 2 },
      ],
      11,
      [[2]],
    );
    expect(out.classes).toEqual([{ values: ['F', '18-20', MISSING], count: 12 }]);
    expect(out).toMatchObject({ generalisedRows: 14, suppressedRows: 2 });
  });
});
