import { DomainError } from '../common/errors/domain-error.js';

/** A file whose structure is broken, or that is not what its first bytes say it is. */
export const rejected = (reason: string, detail: string) =>
  new DomainError('DOCUMENT_REJECTED', detail, { extensions: { reason } });

/**
 * Reads a stream of buffers as bytes: exact reads for headers, pass-through for bodies. Only what
 * a header needs is ever held, so memory stays bounded whatever the file size.
 */
export class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else if (next.value.length) {
        this.chunks.push(next.value);
        this.length += next.value.length;
      }
    }
    return this.length >= n;
  }

  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const first = this.chunks[0]!;
      const part = Math.min(first.length, n - at);
      first.copy(out, at, 0, part);
      at += part;
      if (part === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(part);
    }
    this.length -= n;
    return out;
  }

  /** Up to n bytes from the current position, not consumed. */
  async peek(n: number): Promise<Buffer> {
    await this.fill(n);
    const have = Math.min(n, this.length);
    const out = this.take(have);
    this.unshift(out);
    return out;
  }

  /** Exactly n bytes; a file that ends first is truncated. */
  async read(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw rejected('malformed', 'The file ends before its structure does (truncated)');
    return this.take(n);
  }

  /** The next n bytes, as they come (never all of them in memory at once). */
  async *pass(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!this.length && !(await this.fill(1)))
        throw rejected('malformed', 'The file ends before its structure does (truncated)');
      const first = this.chunks[0]!;
      const part = Math.min(first.length, left);
      yield this.take(part);
      left -= part;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.pass(n));
  }

  /** The next buffer, at least `min` bytes long unless the file ends first; undefined at the end. */
  async nextChunk(min = 1): Promise<Buffer | undefined> {
    if (!this.length) await this.fill(1);
    if (!this.length) return undefined;
    if (this.chunks[0]!.length < min) {
      await this.fill(min);
      return this.take(Math.min(this.length, Math.max(min, this.chunks[0]!.length)));
    }
    const first = this.chunks.shift()!;
    this.length -= first.length;
    return first;
  }

  unshift(buf: Buffer): void {
    if (!buf.length) return;
    this.chunks.unshift(buf);
    this.length += buf.length;
  }

  /** Everything left. */
  async *rest(): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = await this.nextChunk();
      if (!chunk) return;
      yield chunk;
    }
  }

  /** Drains what is left without keeping it (bytes after an image's end marker). */
  async discardRest(): Promise<number> {
    let n = 0;
    for await (const chunk of this.rest()) n += chunk.length;
    return n;
  }
}
