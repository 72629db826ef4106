import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ReceivedDelivery {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A real HTTP receiver on loopback whose behaviour a test switches: answer 200, answer 500, or hang. */
export interface Receiver {
  url: string;
  mode: 'ok' | 'fail' | 'hang';
  received: ReceivedDelivery[];
  /** Requests answered 2xx (what a receiver would process). */
  accepted: ReceivedDelivery[];
  openRequests: number;
  /** The most requests this receiver ever had open at once (any mode). */
  maxOpenRequests: number;
  /** In 'ok' mode, how long the receiver takes to answer. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startReceiver(mode: Receiver['mode'] = 'ok'): Promise<Receiver> {
  const hanging = new Set<http.ServerResponse>();
  const r: Receiver = {
    url: '',
    mode,
    received: [],
    accepted: [],
    openRequests: 0,
    maxOpenRequests: 0,
    delayMs: 0,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  let open = 0;
  const server = http.createServer((req, res) => {
    open += 1;
    r.maxOpenRequests = Math.max(r.maxOpenRequests, open);
    res.on('close', () => (open -= 1));
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const delivery = { headers: req.headers, body, at: Date.now() };
      r.received.push(delivery);
      if (r.mode === 'hang') {
        r.openRequests += 1;
        hanging.add(res);
        res.on('close', () => {
          r.openRequests -= 1;
          hanging.delete(res);
        });
        return;
      }
      if (r.mode === 'fail') {
        res.writeHead(500).end('receiver broke');
        return;
      }
      const answer = () => {
        r.accepted.push(delivery);
        res.writeHead(204).end();
      };
      if (r.delayMs > 0) setTimeout(answer, r.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  return r;
}

type Verify = (secret: string, headers: object, rawBody: string, toleranceSeconds?: number) => unknown;

/** The partners' verification example, exactly as docs/events.md shows it. */
export async function partnerVerifier(): Promise<Verify> {
  const doc = fs.readFileSync(path.join(process.cwd(), 'docs/events.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error('docs/events.md has no js verification example');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-verify-')), 'verify.mjs');
  fs.writeFileSync(file, code);
  const mod = (await import(pathToFileURL(file).href)) as { verifyCtcmWebhook: Verify };
  return mod.verifyCtcmWebhook;
}
