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

export type CheckedAddress = { address: string; family: 4 | 6 };

/**
 * Connections to one receiver for one batch of deliveries: kept alive between deliveries (no
 * TCP and TLS handshake each time), at most `maxSockets` at once, and every one of them to the
 * address checked for this batch, whatever DNS says now. Destroy it when the batch is done.
 */
export function receiverAgent(url: URL, address: CheckedAddress, maxSockets: number): http.Agent {
  const options = {
    keepAlive: true,
    maxSockets,
    // Node asks for every address when it races families (autoSelectFamily): one, the checked one.
    lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) =>
      opts.all
        ? cb(null, [{ address: address.address, family: address.family }])
        : cb(null, address.address, address.family)) as never,
  };
  return url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

/**
 * POSTs one signed delivery through `agent` (its connections go to the checked address),
 * within `timeoutMs` overall. The receiver's body is read and thrown away.
 */
export function sendWebhook(
  url: URL,
  agent: http.Agent,
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
        agent,
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
