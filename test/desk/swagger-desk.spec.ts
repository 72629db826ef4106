import fs from 'node:fs';
import { API_TAGS } from '../../src/api-docs/api-tags.js';
import { OPERATION_GUIDE } from '../../src/api-docs/operation-guide.js';

/** Swagger UI as the caseworkers' desk, checked on the committed openapi.json (kept current by schema-and-contract). */
interface Operation {
  operationId: string;
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: { in: string; name: string; example?: unknown; examples?: unknown; schema?: Record<string, unknown> }[];
}

const document = JSON.parse(fs.readFileSync('openapi.json', 'utf8')) as {
  info: { description: string };
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
};
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
);

describe('Swagger UI as the caseworkers desk', () => {
  it('gives every operation a summary and a description', () => {
    const missing = operations
      .filter(({ op }) => !op.summary?.trim() || !op.description?.trim())
      .map(({ route, op }) => `${route}: ${op.summary ? '' : 'summary '}${op.description ? '' : 'description'}`);
    expect(missing).toEqual([]);
  });

  it('lists the tags in workflow order, each with a description, and files every operation under one of them', () => {
    expect(document.tags.map((t) => t.name).slice(0, 14)).toEqual([
      'sign-in',
      'returns',
      'family tracing',
      'screening',
      'field intake',
      'persons',
      'cases',
      'case records',
      'documents',
      'referrals',
      'facilities',
      'reports',
      'audit',
      'administration',
    ]);
    expect(document.tags.filter((t) => !t.description?.trim())).toEqual([]);
    const known = new Set(document.tags.map((t) => t.name));
    expect(operations.filter(({ op }) => op.tags?.length !== 1 || !known.has(op.tags[0]!)).map((o) => o.route)).toEqual(
      [],
    );
  });

  it('shows the operations tag by tag, in the order of the tags (Swagger UI keeps document order)', () => {
    const order = API_TAGS.map((t) => t.name as string);
    const seen = operations.map(({ op }) => order.indexOf(op.tags![0]!));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Within screening, the interview comes before opening a case from it.
    const screening = operations.filter(({ op }) => op.tags![0] === 'screening').map((o) => o.route);
    expect(screening.indexOf('POST /screenings')).toBeLessThan(screening.indexOf('POST /screenings/{id}/open-case'));
  });

  it('has a guide entry for every operation and none for an operation that does not exist', () => {
    const ids = new Set(operations.map(({ op }) => op.operationId));
    expect(Object.keys(OPERATION_GUIDE).filter((id) => !ids.has(id))).toEqual([]);
    expect([...ids].filter((id) => !OPERATION_GUIDE[id])).toEqual([]);
  });

  it('pre-fills no query parameter in "Try it out" (no example or default on any query parameter)', () => {
    const prefilled = operations.flatMap(({ route, op }) =>
      (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .filter(
          (p) =>
            p.example !== undefined ||
            p.examples !== undefined ||
            p.schema?.example !== undefined ||
            p.schema?.default !== undefined,
        )
        .map((p) => `${route} ?${p.name}`),
    );
    expect(prefilled).toEqual([]);
    // The examples stay as guidance in the description.
    const caseNumber = document.paths['/cases']!.get!.parameters!.find((p) => p.name === 'caseNumber') as {
      description?: string;
    };
    expect(caseNumber.description).toMatch(/Example: `VT-2026-000123`/);
  });

  it('says how to sign in at the top of the page', () => {
    expect(document.info.description).toMatch(/### Sign in/);
    expect(document.info.description).toMatch(/POST \/auth\/login/);
    expect(document.info.description).toMatch(/Authorize/);
  });
});
