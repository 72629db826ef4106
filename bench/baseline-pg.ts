/**
 * Baseline B, the database ceiling: node:http and pg, one case_file row by primary key as JSON,
 * with the API's pool size. No framework, no authentication, no row-level security, no audit.
 * Benchmark-only; started by bench/run.ts.
 */
import http from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
const CASE_PATH = /^\/cases\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  const id = CASE_PATH.exec(req.url ?? '')?.[1];
  if (req.method !== 'GET' || !id) {
    res.writeHead(404).end();
    return;
  }
  pool.query('SELECT * FROM case_file WHERE id = $1', [id]).then(
    ({ rows }) => {
      if (!rows[0]) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0]));
    },
    () => res.writeHead(500).end(),
  );
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 3901), '127.0.0.1', () => {
  const bound = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${bound.port}` })}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
});
