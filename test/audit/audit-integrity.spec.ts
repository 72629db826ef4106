import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { AuditMaintenance } from '../../src/audit/audit-maintenance.service.js';
import { AuditSealer } from '../../src/audit/audit-sealer.service.js';
import { AuditVerifier, chainSegments } from '../../src/audit/audit-verifier.service.js';
import { chainHash, entryHash } from '../../src/audit/audit-hash.js';
import { verifyExportFile } from '../../src/audit/export-verifier.js';
import { APP_CONFIG } from '../../src/config/app-config.js';
import { KEY_MATERIAL } from '../../src/config/key-material.js';
import { createDataSource } from '../../src/database/data-source.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { appRoleUrl, testClusterInfo } from '../harness/test-cluster.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** jsonb values go back as JSON text: node-postgres would send a JS array as a PostgreSQL array. */
const jsonParam = (column: string, value: unknown) =>
  (column === 'changes' || column === 'details') && value !== null ? JSON.stringify(value) : value;

describe('audit trail integrity', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let agency: GivenAgency;
  let auditor: Session;
  let caseworker: Session;
  let sealer: AuditSealer;
  let verifier: AuditVerifier;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-audit-'));

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    agency = await g.agency();
    auditor = await g.session(await g.user(agency, ['auditor']));
    caseworker = await g.session(await g.user(agency, ['caseworker']));
    sealer = t.app.get(AuditSealer);
    verifier = t.app.get(AuditVerifier);
    for (let i = 0; i < 30; i++) await t.http.get('/agencies').set(caseworker.auth);
    await sealer.sealPending();
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('is append-only for the application role: no UPDATE, no DELETE, no TRUNCATE', async () => {
    await expect(t.appQuery(`UPDATE audit_event SET action = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(t.appQuery(`DELETE FROM audit_event`)).rejects.toThrow(/permission denied/);
    await expect(t.appQuery(`TRUNCATE audit_event`)).rejects.toThrow(/permission denied/);
    await expect(t.appQuery(`DELETE FROM audit_chain`)).rejects.toThrow(/permission denied/);
    // Even the owner hits the trigger.
    await expect(
      t.ownerQuery(`UPDATE audit_event SET action = 'x' WHERE id = (SELECT min(id) FROM audit_event)`),
    ).rejects.toThrow(/append-only/);
    await expect(t.ownerQuery(`DELETE FROM audit_chain WHERE seq = 1`)).rejects.toThrow(/append-only/);
  });

  it('hashes tricky values identically in Node (sealer) and in PostgreSQL (verifier)', async () => {
    // The verifier hashes the canonical JSON PostgreSQL builds; the sealer the one Node builds.
    // Any difference in escaping, arrays, nulls or key order would read as tampering.
    // Text columns hold what HTTP headers and the server can put there (no line breaks, never
    // ''); the JSON columns carry every control character.
    const tricky = [
      'quote " backslash \\ slash /',
      'tab\there\u007f',
      'ລາວ ภาษาไทย 😀 \u2028\u2029',
      "'=cmd|' /C calc'!A0",
      '-1+2',
    ];
    const control = 'newline\ncr\r\u0001\u001f\b\f';
    // host() of every IPv6 form: compressed runs (the longest, the first of equals), embedded IPv4.
    const ADDRESSES = [
      '10.0.0.7',
      '::1',
      '::ffff:10.1.2.3',
      '::10.1.2.3',
      '2001:db8::8:800:200c:417a',
      '1:0:0:2:0:0:0:3',
      '1:0:0:2:0:0:3:4',
      'fe80:0:0:1::',
      '::',
      '1:2:3:4:5:6:0:8',
    ];
    // Each value twice: with JSON objects (hashed by Node) and without (hashed by PostgreSQL).
    for (const [i, text] of [...tricky, ...tricky].entries()) {
      const objects = i < tricky.length;
      await t.ownerQuery(
        `INSERT INTO audit_event (category, action, request_id, actor_user_id, actor_agency_id, actor_roles, client_ip, user_agent, method, route, permission,
                                  resource_type, resource_ids, case_ids, outcome, status, reason, duration_ms, changes, details)
         VALUES ('change', 'update', $1, NULL, NULL, $2, $3, $4, 'PATCH', $4, NULL, 'case', $5, $6, 'allowed', NULL, $4, $7, $8, $9)`,
        [
          `tricky-${i}`,
          i % 2 ? [] : ['caseworker', text],
          ADDRESSES[i % ADDRESSES.length],
          text,
          [text, '', 'x'],
          i % 2 ? null : ['01a2055b-e2c8-7f37-ac99-ec4a0b154916'],
          i,
          objects
            ? JSON.stringify([
                {
                  field: 'stage',
                  personal: false,
                  old: text + control,
                  new: { z: 1, a: [1.5, null, true, ''], m: text },
                },
              ])
            : null,
          objects && i % 2 === 0
            ? JSON.stringify({ b: 2, a: { d: [], c: {} }, [text + control]: 10 ** 21, e: '' })
            : null,
        ],
      );
    }
    await sealer.sealPending();
    const report = await verifier.verify();
    expect({ ok: report.ok, firstBreak: report.firstBreak }).toEqual({ ok: true, firstBreak: null });
  });

  it('verifies an intact chain, over HTTP for auditors only', async () => {
    const res = await t.http.get('/audit/verify').set(auditor.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, firstBreak: null });
    expect(res.body.checkedEntries).toBeGreaterThan(30);
    expect((await t.http.get('/audit/verify').set(caseworker.auth)).status).toBe(403);
  });

  describe('detects each kind of tampering, and names the first broken link', () => {
    type Report = { ok: boolean; firstBreak: { kind: string; seq?: string } | null };
    const withTamper = async (
      sql: string[],
      expectKind: string,
      check: () => Promise<Report> = () => verifier.verify(),
    ): Promise<Report> => {
      await sealer.sealPending();
      const client = await (await import('pg')).default.Client;
      const c = new client({
        connectionString: `postgres://postgres:${testClusterInfo().superuserPassword}@127.0.0.1:${testClusterInfo().port}/${t.databaseName}`,
      });
      await c.connect();
      await c.query('BEGIN');
      await c.query('SET LOCAL session_replication_role = replica');
      await c.query('SAVEPOINT before_tamper');
      const snapshot = {
        events: (await c.query('SELECT * FROM audit_event')).rows,
        chain: (await c.query('SELECT * FROM audit_chain')).rows,
        checkpoints: (await c.query('SELECT * FROM audit_checkpoint')).rows,
      };
      for (const s of sql) await c.query(s);
      await c.query('COMMIT');
      try {
        const report = await check();
        expect(report.ok).toBe(false);
        expect(report.firstBreak?.kind).toBe(expectKind);
        return report;
      } finally {
        // Restore exactly what was there.
        await c.query('BEGIN');
        await c.query('SET LOCAL session_replication_role = replica');
        await c.query(
          'DELETE FROM audit_event; DELETE FROM audit_chain; DELETE FROM audit_checkpoint; DELETE FROM audit_pending',
        );
        for (const [table, rows] of [
          ['audit_event', snapshot.events],
          ['audit_chain', snapshot.chain],
          ['audit_checkpoint', snapshot.checkpoints],
        ] as const) {
          for (const row of rows) {
            const cols = Object.keys(row);
            await c.query(
              `INSERT INTO ${table} (${cols.join(',')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')})`,
              cols.map((k) => jsonParam(k, (row as Record<string, unknown>)[k])),
            );
          }
        }
        await c.query('COMMIT');
        await c.end();
        expect((await verifier.verify()).ok).toBe(true);
      }
    };

    it('a modified entry', async () => {
      const report = await withTamper(
        [
          `UPDATE audit_event SET action = 'tampered', reason = NULL WHERE id = (SELECT event_id FROM audit_chain WHERE seq = 5)`,
        ],
        'entry_modified',
      );
      expect(report.firstBreak?.seq).toBe('5');
    });
    it('a deleted entry', async () => {
      await withTamper(
        [`DELETE FROM audit_event WHERE id = (SELECT event_id FROM audit_chain WHERE seq = 7)`],
        'event_missing',
      );
    });
    it('reordered entries', async () => {
      await withTamper(
        [
          `UPDATE audit_chain SET seq = -1 WHERE seq = 3`,
          `UPDATE audit_chain SET seq = 3 WHERE seq = 4`,
          `UPDATE audit_chain SET seq = 4 WHERE seq = -1`,
        ],
        'chain_broken',
      );
    });
    it('an inserted entry that never went through the API', async () => {
      await withTamper(
        [`INSERT INTO audit_event (category, action, outcome) VALUES ('access', 'read', 'allowed')`],
        'unchained_event',
      );
    });
    it('a forged entry with a correctly computed link, but no signed checkpoint', async () => {
      const [head] = (await t.ownerQuery(`SELECT seq, chain_hash FROM audit_chain ORDER BY seq DESC LIMIT 1`)).rows;
      const [{ id }] = (await t.ownerQuery(`SELECT nextval('audit_event_id_seq')::text AS id`)).rows;
      const occurredAt = '2026-11-01T10:00:00.000Z';
      const forged = {
        id,
        occurredAt: '2026-11-01T10:00:00.000000Z',
        category: 'access',
        action: 'read',
        requestId: null,
        actorUserId: null,
        actorAgencyId: null,
        actorRoles: null,
        clientIp: null,
        userAgent: null,
        method: null,
        route: null,
        permission: null,
        resourceType: null,
        resourceIds: null,
        caseIds: null,
        outcome: 'allowed',
        status: null,
        reason: null,
        durationMs: null,
        breakGlassGrantId: null,
        changes: null,
        details: null,
      } as const;
      const entry = entryHash(forged as never);
      const link = chainHash(head.chain_hash, entry);
      await withTamper(
        [
          `INSERT INTO audit_event (id, occurred_at, category, action, outcome) VALUES (${id}, '${occurredAt}', 'access', 'read', 'allowed')`,
          `INSERT INTO audit_chain (seq, event_id, occurred_at, entry_hash, chain_hash) VALUES (${Number(head.seq) + 1}, ${id}, '${occurredAt}', '\\x${entry.toString('hex')}', '\\x${link.toString('hex')}')`,
        ],
        'unsigned_tail',
      );
    });
    it('a truncated tail', async () => {
      await withTamper(
        [
          `DELETE FROM audit_event WHERE id IN (SELECT event_id FROM audit_chain WHERE seq > (SELECT max(seq) - 3 FROM audit_chain))`,
          `DELETE FROM audit_chain WHERE seq > (SELECT max(seq) - 3 FROM audit_chain)`,
        ],
        'tail_truncated',
      );
    });
    it('a rewritten chain whose checkpoint no longer matches', async () => {
      await withTamper(
        [
          `UPDATE audit_checkpoint SET chain_hash = sha256(chain_hash) WHERE seq = (SELECT max(seq) FROM audit_checkpoint)`,
        ],
        'checkpoint_signature',
      );
    });

    describe('verifies segments between checkpoints in parallel, through GET /audit/verify', () => {
      // Segments of a handful of links, so the short test chain has many, verified two at a time.
      const SEGMENT = 8n;
      let segments: { from: bigint; to: bigint }[] = [];
      let checkpointSeqs: bigint[] = [];
      let defaultSegmentLinks = 0n;
      const viaApi = async (): Promise<Report> => {
        const res = await t.http.get('/audit/verify').set(auditor.auth);
        expect(res.status).toBe(200);
        return res.body as Report;
      };
      const withTamperViaApi = (sql: string[], kind: string) => withTamper(sql, kind, viaApi);
      const eventAt = (seq: bigint) => `(SELECT event_id FROM audit_chain WHERE seq = ${seq})`;

      beforeAll(async () => {
        // A checkpoint every few links (one per sealing), so segments end at checkpoints.
        for (let round = 0; round < 10; round++) {
          for (let i = 0; i < 5; i++) await t.http.get('/agencies').set(caseworker.auth);
          await sealer.sealPending();
        }
        defaultSegmentLinks = verifier.segmentLinks;
        verifier.segmentLinks = SEGMENT;
        const checkpoints = (
          await t.ownerQuery(
            `SELECT seq::text AS seq, chain_hash, key_id, signature FROM audit_checkpoint ORDER BY seq`,
          )
        ).rows.map((r) => ({
          seq: r.seq as string,
          chainHash: r.chain_hash as Buffer,
          keyId: r.key_id as string,
          signature: r.signature as Buffer,
        }));
        const [{ end }] = (await t.ownerQuery(`SELECT max(seq)::text AS end FROM audit_chain`)).rows;
        checkpointSeqs = checkpoints.map((c) => BigInt(c.seq));
        segments = chainSegments(
          { start: { seq: 0n, chainHash: Buffer.alloc(32) }, end: BigInt(end), checkpoints },
          SEGMENT,
        );
        expect(segments.length).toBeGreaterThanOrEqual(5);
      });
      afterAll(() => {
        verifier.segmentLinks = defaultSegmentLinks;
      });

      it('accepts the intact chain, every link counted once', async () => {
        const report = (await viaApi()) as Report & { checkedEntries: number; lastSeq: string };
        expect(report).toMatchObject({ ok: true, firstBreak: null });
        expect(report.checkedEntries).toBe(Number(report.lastSeq));
        expect(BigInt(report.lastSeq)).toBeGreaterThanOrEqual(segments.at(-1)!.to);
      });

      it('finds a modified entry in any segment: first, middle, last', async () => {
        for (const segment of [segments[0]!, segments[2]!, segments.at(-1)!]) {
          const seq = segment.from + 2n;
          const report = await withTamperViaApi(
            [`UPDATE audit_event SET action = 'tampered' WHERE id = ${eventAt(seq)}`],
            'entry_modified',
          );
          expect(report.firstBreak?.seq).toBe(seq.toString());
        }
      });

      it('reports the earliest of several breaks, whichever segment finishes first', async () => {
        const early = segments[1]!.to;
        const late = segments[3]!.from + 1n;
        const report = await withTamperViaApi(
          [
            `UPDATE audit_event SET reason = 'late' WHERE id = ${eventAt(late)}`,
            `UPDATE audit_event SET reason = 'early' WHERE id = ${eventAt(early)}`,
          ],
          'entry_modified',
        );
        expect(report.firstBreak?.seq).toBe(early.toString());
        expect((report as Report & { checkedEntries: number }).checkedEntries).toBe(Number(early) - 1);
      });

      it('checks the entries on both sides of a segment boundary', async () => {
        const boundary = segments[2]!.to;
        for (const seq of [boundary, boundary + 1n]) {
          const report = await withTamperViaApi(
            [`UPDATE audit_event SET outcome = 'failed' WHERE id = ${eventAt(seq)}`],
            'entry_modified',
          );
          expect(report.firstBreak?.seq).toBe(seq.toString());
        }
      });

      it('finds a rewritten link at a boundary (the next segment starts from it) and a missing boundary link', async () => {
        const boundary = segments[1]!.to;
        const rewritten = await withTamperViaApi(
          [`UPDATE audit_chain SET chain_hash = sha256(chain_hash) WHERE seq = ${boundary}`],
          'chain_broken',
        );
        expect(rewritten.firstBreak?.seq).toBe(boundary.toString());
        const missing = await withTamperViaApi(
          [
            `DELETE FROM audit_event WHERE id = ${eventAt(boundary)}`,
            `DELETE FROM audit_chain WHERE seq = ${boundary}`,
          ],
          'chain_gap',
        );
        expect(missing.firstBreak?.seq).toBe((boundary + 1n).toString());
      });

      /** A segment boundary that is a signed checkpoint (the chain's last one excluded). */
      const checkpointBoundary = () => {
        const boundary = segments
          .slice(0, -1)
          .map((x) => x.to)
          .find((to) => checkpointSeqs.includes(to));
        expect(boundary).toBeDefined();
        return boundary!;
      };

      it('finds a forged checkpoint between segments, and a missing last one', async () => {
        const boundary = checkpointBoundary();
        const forged = await withTamperViaApi(
          [`UPDATE audit_checkpoint SET signature = sha512(signature) WHERE seq = ${boundary}`],
          'checkpoint_signature',
        );
        expect(forged.firstBreak?.seq).toBe(boundary.toString());
        const rewritten = await withTamperViaApi(
          [`UPDATE audit_checkpoint SET chain_hash = sha256(chain_hash) WHERE seq = ${boundary}`],
          'checkpoint_signature',
        );
        expect(rewritten.firstBreak?.seq).toBe(boundary.toString());
        await withTamperViaApi(
          [`DELETE FROM audit_checkpoint WHERE seq = (SELECT max(seq) FROM audit_checkpoint)`],
          'unsigned_tail',
        );
      });

      it('finds a break next to a checkpoint that was removed (the segments then end elsewhere)', async () => {
        const boundary = checkpointBoundary();
        const report = await withTamperViaApi(
          [
            `DELETE FROM audit_checkpoint WHERE seq = ${boundary}`,
            `UPDATE audit_event SET action = 'tampered' WHERE id = ${eventAt(boundary + 1n)}`,
          ],
          'entry_modified',
        );
        expect(report.firstBreak?.seq).toBe((boundary + 1n).toString());
      });
    });
  });

  it('never forks the chain when two sealers race (one lock across replicas)', async () => {
    for (let i = 0; i < 50; i++) await t.http.get('/agencies').set(caseworker.auth);
    const info = testClusterInfo();
    const other: DataSource = await createDataSource({
      url: appRoleUrl(info, t.databaseName),
      poolSize: 2,
    }).initialize();
    try {
      const rival = new AuditSealer(other, t.app.get(APP_CONFIG), t.app.get(KEY_MATERIAL));
      const [a, b] = await Promise.all([sealer.sealPending(), rival.sealPending()]);
      await sealer.sealPending();
      expect(a + b).toBeGreaterThan(0);
      const report = await verifier.verify();
      expect(report.ok).toBe(true);
      expect(report.pendingEntries).toBe(0);
    } finally {
      await other.destroy();
    }
  });

  it('verifies while the sealer keeps sealing: a tail sealed during the check is not reported unsigned', async () => {
    // The sealer commits links and their checkpoint together; a verification that read the
    // checkpoints and the chain's end at different moments saw a sealing in between as a break.
    let sealing = true;
    const writerAndSealer = (async () => {
      while (sealing) {
        await Promise.all([1, 2, 3].map(() => t.http.get('/agencies').set(caseworker.auth)));
        await sealer.sealPending();
      }
    })();
    const reports = [];
    try {
      for (let i = 0; i < 150; i++) reports.push(await verifier.verify());
    } finally {
      sealing = false;
      await writerAndSealer;
    }
    expect(reports.filter((r) => !r.ok).map((r) => r.firstBreak)).toEqual([]);
    expect(new Set(reports.map((r) => r.lastSeq)).size).toBeGreaterThan(1);
  });

  describe('exports', () => {
    const download = async (format: 'ndjson' | 'csv', query = '') => {
      const res = await t.http
        .get(`/audit/export?format=${format}${query}`)
        .set(auditor.auth)
        .buffer(true)
        .parse((r, cb) => {
          let data = '';
          r.setEncoding('utf8');
          r.on('data', (d: string) => (data += d));
          r.on('end', () => cb(null, data));
        });
      expect(res.status).toBe(200);
      const file = path.join(tmp, `export-${Date.now()}-${Math.random()}.${format}`);
      fs.writeFileSync(file, res.body as string);
      return file;
    };
    const publicKey = () => t.app.get(AuditSealer).signer.publicKeyPem;

    it('streams NDJSON with a signed manifest that the offline verifier accepts, and rejects once edited', async () => {
      const file = await download('ndjson');
      const ok = await verifyExportFile(file, publicKey());
      expect(ok).toMatchObject({ ok: true, authenticated: true, firstBreak: null });
      expect(ok.entries).toBeGreaterThan(50);

      const lines = fs.readFileSync(file, 'utf8').split('\n');
      lines[3] = lines[3]!.replace('"outcome":"allowed"', '"outcome":"denied"');
      fs.writeFileSync(file, lines.join('\n'));
      const bad = await verifyExportFile(file, publicKey());
      expect(bad.ok).toBe(false);
      expect(bad.firstBreak?.kind).toBe('entry_modified');
    });

    it('detects a dropped line, and a manifest from another key', async () => {
      const file = await download('ndjson');
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      fs.writeFileSync(file, [...lines.slice(0, 5), ...lines.slice(6)].join('\n'));
      const dropped = await verifyExportFile(file, publicKey());
      expect(dropped.ok).toBe(false);
      expect(['count_mismatch', 'content_mismatch', 'chain_broken']).toContain(dropped.firstBreak?.kind);
      const intact = await download('ndjson');
      const { generateKeyPairSync } = await import('node:crypto');
      const stranger = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      expect((await verifyExportFile(intact, stranger)).firstBreak?.kind).toBe('wrong_key');
    });

    it('exports ranges of many chunks, read by two connections sharing one snapshot, in chain order', async () => {
      // 4,500 more entries: the export reads chain positions in chunks of 2,000, alternating
      // between two readers; the result must be the same ordered, verifiable chain.
      await t.ownerQuery(
        `INSERT INTO audit_event (category, action, request_id, outcome, status, route, details)
         SELECT 'access', 'read', 'bulk-' || g, 'allowed', 200, '/cases/{id}', CASE WHEN g % 7 = 0 THEN jsonb_build_object('n', g) END FROM generate_series(1, 4500) g`,
      );
      await sealer.sealPending();
      for (const format of ['ndjson', 'csv'] as const) {
        const file = await download(format);
        const result = await verifyExportFile(file, publicKey());
        expect(result).toMatchObject({ ok: true, authenticated: true, firstBreak: null });
        expect(result.entries).toBeGreaterThan(4500);
        const chainCount = (
          await t.ownerQuery(`SELECT count(*)::int AS n FROM audit_chain WHERE occurred_at >= now() - interval '1 day'`)
        ).rows[0].n;
        expect(result.entries).toBe(chainCount);
      }
      const filtered = await verifyExportFile(await download('ndjson', '&action=read&outcome=allowed'), publicKey());
      expect(filtered.ok).toBe(true);
      expect(filtered.entries).toBeGreaterThanOrEqual(4500);
    });

    it('writes CSV that no spreadsheet executes, and that still verifies', async () => {
      await t.http.get('/agencies').set(caseworker.auth).set('user-agent', '=HYPERLINK("http://evil.example","x")');
      const file = await download('csv');
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
      for (const line of text.split('\n').slice(1))
        expect(line.split(',').some((cell) => /^[=+@]/.test(cell))).toBe(false);
      expect(await verifyExportFile(file, publicKey())).toMatchObject({ ok: true });
    });

    it('filters exports, and audits the export itself with its range and content hash', async () => {
      const file = await download('ndjson', `&userId=${caseworker.user.id}&action=read`);
      const result = await verifyExportFile(file, publicKey());
      expect(result.ok).toBe(true);
      const events = fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .slice(0, -1)
        .map((l) => JSON.parse(l).event);
      expect(events.every((e) => e.actorUserId === caseworker.user.id && e.action === 'read')).toBe(true);
      const [exportEntry] = (
        await t.ownerQuery(`SELECT details FROM audit_event WHERE permission = 'audit.export' ORDER BY id DESC LIMIT 1`)
      ).rows;
      expect(exportEntry.details.export).toMatchObject({ format: 'ndjson', count: result.entries });
    });

    it('verifies offline from the command line (npm run audit:verify-export)', async () => {
      const file = await download('ndjson');
      const keyFile = path.join(tmp, 'signing-key.pem');
      fs.writeFileSync(keyFile, publicKey());
      const run = spawnSync(process.execPath, ['dist/scripts/verify-audit-export.js', file, '--public-key', keyFile], {
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout).ok).toBe(true);
      fs.appendFileSync(file, '{"seq":"999999","prevChainHash":"00","entryHash":"00","chainHash":"00","event":{}}\n');
      const tampered = spawnSync(
        process.execPath,
        ['dist/scripts/verify-audit-export.js', file, '--public-key', keyFile],
        { encoding: 'utf8' },
      );
      expect(tampered.status).toBe(1);
    });
  });

  describe('auditor API', () => {
    it('searches with filters and stable keyset pages, and audits each use', async () => {
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const res: {
          status: number;
          body: { items: { id: string; actorUserId: string }[]; nextCursor: string | null };
        } = await t.http
          .get(`/audit/events?userId=${caseworker.user.id}&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
          .set(auditor.auth);
        expect(res.status).toBe(200);
        expect(res.body.items.every((e) => e.actorUserId === caseworker.user.id)).toBe(true);
        all.push(...res.body.items.map((e) => e.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(new Set(all).size).toBe(all.length);
      const direct = await t.ownerQuery(
        `SELECT count(*)::int AS n FROM audit_event WHERE actor_user_id = $1 AND occurred_at >= now() - interval '1 day'`,
        [caseworker.user.id],
      );
      expect(all.length).toBe(direct.rows[0].n);
      const own = await t.ownerQuery(
        `SELECT count(*)::int AS n FROM audit_event WHERE actor_user_id = $1 AND permission = 'audit.read'`,
        [auditor.user.id],
      );
      expect(own.rows[0].n).toBeGreaterThan(0);
    });

    it('refuses a forged cursor and an inverted range', async () => {
      expect((await t.http.get('/audit/events?cursor=Zm9yZ2Vk').set(auditor.auth)).status).toBe(400);
      expect(
        (await t.http.get('/audit/events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z').set(auditor.auth)).status,
      ).toBe(400);
    });

    it('lists who read or changed a case, through which route', async () => {
      const sup = await g.session(await g.user(agency, ['case_supervisor']));
      const caseId = await g.caseFor(agency, { createdBy: sup.user });
      await t.http.get(`/cases/${caseId}`).set(sup.auth);
      await t.http.get(`/cases/${caseId}`).set(sup.auth);
      const res = await t.http.get(`/audit/cases/${caseId}/access`).set(auditor.auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        expect.objectContaining({
          userId: sup.user.id,
          route: '/cases/{id}',
          action: 'read',
          count: 2,
          outcome: 'allowed',
        }),
      ]);
    });

    it('gives auditors no victim data and other roles no audit data', async () => {
      expect((await t.http.get('/audit/events').set(caseworker.auth)).status).toBe(403);
      const anyCase = await g.caseFor(agency, { createdBy: caseworker.user });
      expect((await t.http.get(`/cases/${anyCase}`).set(auditor.auth)).status).toBe(403);
    });
  });

  it('keeps monthly partitions and drops old ones only after their checkpoint was exported', async () => {
    await t.ownerQuery(`SELECT audit_ensure_partition('2020-01-01')`);
    await t.ownerQuery(
      `INSERT INTO audit_event (occurred_at, category, action, outcome) SELECT '2020-01-15'::timestamptz + n * interval '1 minute', 'access', 'read', 'allowed' FROM generate_series(1, 5) n`,
    );
    await sealer.sealPending();
    const maintenance = t.app.get(AuditMaintenance);
    const config = t.app.get(APP_CONFIG);
    const original = config.audit.retentionMonths;
    config.audit.retentionMonths = 24;
    try {
      await t.ownerQuery(
        `SET session_replication_role = replica; DELETE FROM audit_checkpoint_export; SET session_replication_role = origin`,
      );
      expect(await maintenance.applyRetention()).toEqual([]);
      const file = path.join(tmp, 'retention.ndjson');
      const res = await t.http
        .get('/audit/export?from=2019-12-01T00:00:00Z')
        .set(auditor.auth)
        .buffer(true)
        .parse((r, cb) => {
          let data = '';
          r.on('data', (d: Buffer) => (data += d.toString()));
          r.on('end', () => cb(null, data));
        });
      fs.writeFileSync(file, res.body as string);
      expect(await maintenance.applyRetention()).toEqual(['audit_event_2020_01']);
      const report = await verifier.verify();
      expect(report).toMatchObject({ ok: true });
      expect(Number(report.fromSeq)).toBeGreaterThan(1);
    } finally {
      config.audit.retentionMonths = original;
    }
  });
});
