import {
  EXIF_CANARIES,
  heicWithExif,
  PDF_CANARIES,
  pdfWithMetadata,
  pdfWithObjectStream,
} from '../../test/documents/fixtures.js';
import { inspectContent } from './content-inspection.js';

/** The file in pieces of `size` bytes, as a socket might deliver it. */
async function* pieces(file: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < file.length; at += size) yield Buffer.from(file.subarray(at, at + size));
}

async function clean(file: Buffer, size: number): Promise<{ out: Buffer; removed: boolean }> {
  const inspected = await inspectContent(pieces(file, size));
  const parts: Buffer[] = [];
  for await (const part of inspected.body) parts.push(Buffer.from(part));
  return { out: Buffer.concat(parts), removed: inspected.metadataRemoved() };
}

/**
 * The streaming scrubbers give the same bytes whatever the pieces the file arrives in: keywords,
 * objects and boxes cut across pieces are still found.
 */
describe('PDF and HEIC metadata scrubbers, streamed in pieces', () => {
  it.each([1, 7, 64, 1000, 1 << 20])('a PDF in pieces of %i bytes', async (size) => {
    const file = pdfWithMetadata();
    const whole = await clean(file, file.length);
    const cut = await clean(file, size);
    expect(cut.out.equals(whole.out)).toBe(true);
    expect(cut.removed).toBe(true);
    expect(cut.out.length).toBe(file.length);
    const text = cut.out.toString('latin1');
    for (const canary of Object.values(PDF_CANARIES)) expect(text).not.toContain(canary);
    expect(text).toContain('/Title (Chapter one)');
  });

  it.each([1, 13, 1000])(
    'a PDF with a compressed object stream in pieces of %i bytes says it is incomplete',
    async (size) => {
      const file = pdfWithObjectStream();
      const cut = await clean(file, size);
      expect(cut.removed).toBe(false);
      expect(cut.out.equals(file)).toBe(true);
    },
  );

  it.each([1, 5, 333, 1 << 20])('a HEIC in pieces of %i bytes', async (size) => {
    const file = heicWithExif();
    const cut = await clean(file, size);
    expect(cut.removed).toBe(true);
    expect(cut.out.length).toBe(file.length);
    const text = cut.out.toString('latin1');
    for (const canary of [EXIF_CANARIES.device, EXIF_CANARIES.owner, EXIF_CANARIES.xmp])
      expect(text).not.toContain(canary);
  });
});
