import { byteaArraySend } from './bytea-array.js';

/** Reads array_send's format back (what array_recv checks), to compare with what went in. */
function parse(b: Buffer): { ndim: number; hasNulls: number; elementOid: number; lowerBound: number; items: Buffer[] } {
  const ndim = b.readInt32BE(0);
  const items: Buffer[] = [];
  let at = 20;
  for (let i = 0; i < b.readInt32BE(12); i++) {
    const length = b.readInt32BE(at);
    items.push(b.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at !== b.length) throw new Error('trailing bytes');
  return { ndim, hasNulls: b.readInt32BE(4), elementOid: b.readInt32BE(8), lowerBound: b.readInt32BE(16), items };
}

describe('byteaArraySend', () => {
  it.each([
    ['one element', [Buffer.from('abc')]],
    ['several, of different lengths', [Buffer.alloc(0), Buffer.from([0, 255, 1]), Buffer.alloc(300_000, 7)]],
  ])('writes a one-dimensional bytea[] without nulls: %s', (_name, items) => {
    const got = parse(byteaArraySend(items));
    expect(got).toMatchObject({ ndim: 1, hasNulls: 0, elementOid: 17, lowerBound: 1 });
    expect(got.items).toEqual(items);
  });

  it('copies the elements (a later change to a source buffer does not reach the array)', () => {
    const source = Buffer.from('sealed');
    const sent = byteaArraySend([source]);
    source.fill(0);
    expect(parse(sent).items[0]!.toString()).toBe('sealed');
  });

  it('matches the bytes PostgreSQL sends for bytea[] (\'{"\\\\x01",""}\' in binary)', () => {
    expect(byteaArraySend([Buffer.from([1]), Buffer.alloc(0)]).toString('hex')).toBe(
      '00000001' + '00000000' + '00000011' + '00000002' + '00000001' + '00000001' + '01' + '00000000',
    );
  });
});
