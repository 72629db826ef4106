import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface CaughtMessage {
  to: string[];
  from: string;
  subject: string;
  text: string;
  messageId: string | undefined;
  headers: Map<string, unknown>;
  raw: string;
}

/**
 * A real SMTP server on loopback (smtp-server), keeping every message it accepts. `refuseNext`
 * makes it answer the next deliveries to an address with a temporary failure (451), as a busy
 * server would, so retries can be seen.
 */
export class SmtpCatcher {
  readonly messages: CaughtMessage[] = [];
  /** Every DATA attempt per recipient, refused ones included. */
  readonly attempts = new Map<string, number>();
  private readonly refusals = new Map<string, number>();
  private server!: SMTPServer;
  port = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      hideSTARTTLS: true,
      disableReverseLookup: true,
      logger: false,
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          for (const address of to) this.attempts.set(address, (this.attempts.get(address) ?? 0) + 1);
          const refused = to.find((a) => (this.refusals.get(a) ?? 0) > 0);
          if (refused) {
            this.refusals.set(refused, this.refusals.get(refused)! - 1);
            const err = new Error('Try again later') as Error & { responseCode: number };
            err.responseCode = 451;
            callback(err);
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              this.messages.push({
                to,
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                messageId: parsed.messageId,
                headers: parsed.headers as Map<string, unknown>,
                raw: raw.toString('utf8'),
              });
              callback();
            })
            .catch((err: Error) => callback(err));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  refuseNext(address: string, times: number): void {
    this.refusals.set(address.toLowerCase(), times);
  }

  to(address: string): CaughtMessage[] {
    return this.messages.filter((m) => m.to.includes(address.toLowerCase()));
  }

  /** Waits until `address` has received `count` messages (generous bound: the machine may be busy). */
  async waitFor(address: string, count = 1, timeoutMs = 60_000): Promise<CaughtMessage[]> {
    const t0 = Date.now();
    while (this.to(address).length < count) {
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`no ${count} message(s) to ${address} within ${timeoutMs} ms (got ${this.to(address).length})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return this.to(address);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
