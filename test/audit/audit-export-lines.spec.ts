import pg from 'pg';
import { BinaryCopyReader, decodeEvent, eventJsonText, int8Text } from '../../src/audit/audit-binary.js';
import { AuditSealer } from '../../src/audit/audit-sealer.service.js';
import { LineWriter, ndjsonLine } from '../../src/audit/audit-work.js';
import { exportChunkCopySql } from '../../src/audit/audit.queries.js';
import { copyOut } from '../../src/database/copy-out.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';
import { superuserUrl, testClusterInfo } from '../harness/test-cluster.js';

/*
 * The export writes each line's bytes straight from the binary COPY (audit-json-bytes.ts). Its
 * reference is the string path, JSON.stringify of each decoded value (eventJsonText): on every
 * value an entry can hold, both must give the same bytes, and the line must parse back to them.
 * The entries are inserted as the owner, as audit-integrity.spec.ts does for its tricky values:
 * the API never writes control characters, nested arrays or such keys into these columns, and
 * the escaping must still be right for anything the columns can hold.
 */
describe('audit export lines written from binary COPY bytes', () => {
  let t: TestApp;
  let client: pg.Client;

  beforeAll(async () => {
    t = await startTestApp();
    client = new pg.Client({ connectionString: superuserUrl(testClusterInfo(), t.databaseName) });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await t.close();
  });

  it('writes the same bytes as JSON.stringify of each decoded value, for hostile values', async () => {
    const texts = [
      'plain',
      'quote " backslash \\ slash /',
      'backslash \\ alone',
      'tab\there\u007f and newline\ncr\r\u0001\u001f\b\f',
      'ລາວ ภาษาไทย 😀 \u2028\u2029',
      "'=cmd|' /C calc'!A0",
      '',
    ];
    const addresses = ['10.0.0.7', '::1', '::ffff:10.1.2.3', '2001:db8::8:800:200c:417a', null];
    for (const [i, text] of texts.entries()) {
      await t.ownerQuery(
        `INSERT INTO audit_event (category, action, request_id, actor_user_id, actor_agency_id, actor_roles, client_ip,
                                  user_agent, method, route, permission, resource_type, resource_ids, case_ids, outcome,
                                  status, reason, duration_ms, changes, details)
         VALUES ('change', 'update', $1, $2, NULL, $3, $4, $5, 'PATCH', '/cases/{id}', $6, 'case', $7, $8, 'allowed',
                 $9, $5, $10, $11, $12)`,
        [
          i % 2 ? text : null,
          i % 3 ? '01a2055b-e2c8-7f37-ac99-ec4a0b154916' : null,
          i % 2 ? [] : ['caseworker', text],
          addresses[i % addresses.length],
          text,
          i % 2 ? null : text,
          [text, '', 'x'],
          i % 2 ? null : ['01a2055b-e2c8-7f37-ac99-ec4a0b154916', 'ffffffff-0000-4000-8000-000000000001'],
          i % 2 ? null : 200 + i,
          i % 2 ? null : i * 1000,
          JSON.stringify([{ field: 'stage', old: text, new: { z: 1, a: [1.5, null, true, ''], m: text } }]),
          i % 2 ? null : JSON.stringify({ b: 2, [text]: 10 ** 21, e: '' }),
        ],
      );
    }
    // Arrays of more than one dimension are what node-postgres parses (nested), then JSON.
    await t.ownerQuery(
      `INSERT INTO audit_event (category, action, request_id, resource_ids, outcome, status, route)
       VALUES ('access', 'read', 'nested', '{{"a","b\\"c"},{NULL,"d"}}', 'allowed', 200, '/x')`,
    );
    await t.app.get(AuditSealer).sealPending();
    const { rows } = await t.ownerQuery<{ lo: string; hi: string }>(
      `SELECT min(seq)::text AS lo, max(seq)::text AS hi FROM audit_chain`,
    );

    const written: string[] = [];
    const expected: string[] = [];
    const out = new LineWriter((atLeast) => Buffer.alloc(Math.max(atLeast, 4096)));
    const tuples = new BinaryCopyReader((b, at, len) => {
      ndjsonLine(b, at, len, out);
      const hex = (i: number) => b.toString('hex', at[i]!, at[i]! + len[i]!);
      expected.push(
        `{"seq":"${int8Text(b, at[0]!)}","prevChainHash":"${hex(1)}","entryHash":"${hex(2)}","chainHash":"${hex(3)}"` +
          `,"event":${eventJsonText(decodeEvent(b, at, len, 4))}}`,
      );
    });
    const filter = `e.occurred_at IS NOT NULL`;
    const n = await copyOut(client, exportChunkCopySql(filter, BigInt(rows[0]!.lo), BigInt(rows[0]!.hi)), (d) =>
      tuples.push(d),
    );
    for (const part of out.parts) written.push(...part.buffer.toString('utf8', 0, part.used).split('\n').slice(0, -1));

    expect(n).toBeGreaterThan(texts.length);
    expect(written).toHaveLength(n);
    expect(written).toEqual(expected);
    const events = written.map((line) => JSON.parse(line).event);
    expect(events.map((e) => e.userAgent)).toEqual(expect.arrayContaining(texts));
    expect(events.find((e) => e.requestId === 'nested').resourceIds).toEqual([
      ['a', 'b"c'],
      [null, 'd'],
    ]);
  });
});
