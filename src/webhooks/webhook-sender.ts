import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/** A new signing secret, Standard Webhooks style: "whsec_" + base64 of 24 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** Standard Webhooks signature: v1,base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), key = the secret's bytes. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export interface SendOutcome {
  statusCode: number | null;
  /** A code, never the receiver's words: timeout, connection_failed, http_<status>. */
  error: string | null;
  durationMs: number;
}

/**
 * POSTs one signed delivery to an address already checked (the connection goes to that
 * address, whatever DNS says now), within `timeoutMs` overall. The receiver's body is read
 * and thrown away.
 */
export function sendWebhook(
  url: URL,
  address: { address: string; family: 4 | 6 },
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, error, durationMs: Date.now() - started });
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        // Node asks for every address when it races families (autoSelectFamily): one, the checked one.
        lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
          opts.all
            ? cb(null, [{ address: address.address, family: address.family }])
            : cb(null, address.address, address.family)) as never,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          done(code, code >= 200 && code < 300 ? null : `http_${code}`);
        });
        res.on('error', () => done(res.statusCode ?? null, 'connection_failed'));
      },
    );
    const timer = setTimeout(() => {
      done(null, 'timeout');
      req.destroy();
    }, timeoutMs);
    req.on('error', () => done(null, 'connection_failed'));
    req.end(body);
  });
}
