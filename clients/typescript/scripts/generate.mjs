// Generates the typed part of the client from the API's openapi.json: the types (openapi-typescript)
// and a small table of what each operation needs (If-Match, Idempotency-Key), read by the
// hand-written layer at run time. `npm run generated:refresh` runs it; a test fails when the
// committed output differs from what this produces.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';

const self = fileURLToPath(import.meta.url);
const here = path.dirname(self);
export const OPENAPI_FILE = path.resolve(here, '..', '..', '..', 'openapi.json');
export const TYPES_FILE = path.resolve(here, '..', 'src', 'generated', 'openapi.ts');
export const OPERATIONS_FILE = path.resolve(here, '..', 'src', 'generated', 'operations.ts');

const HEADER = `/**\n * Generated from openapi.json by clients/typescript/scripts/generate.mjs. Do not edit:\n * run \`npm run generated:refresh\` after changing routes or DTOs.\n */\n`;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** The TypeScript types of every path, operation and schema. */
export async function renderTypes(document) {
  const forClient = structuredClone(document);
  // The server requires If-Match, and the client sends it from the last ETag it read: in the
  // client's types it is optional (pass it to override).
  const ifMatch = forClient.components?.parameters?.IfMatch;
  if (ifMatch) ifMatch.required = false;
  const ast = await openapiTS(forClient, {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    // A property with a default may be left out of a request: keep it optional.
    defaultNonNullable: false,
  });
  return `${HEADER}${COMMENT_HEADER}${astToString(ast)}`;
}

/** Per operation: its id and the headers the hand-written layer fills in. */
export function renderOperations(document) {
  const parameter = (p) => (p.$ref ? document.components.parameters[p.$ref.split('/').pop()] : p);
  const rows = [];
  for (const [route, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const headers = (op.parameters ?? []).map(parameter).filter((p) => p.in === 'header');
      rows.push(
        `  '${method.toUpperCase()} ${route}': { operationId: '${op.operationId}', ifMatch: ${headers.some(
          (h) => h.name === 'If-Match' && h.required,
        )}, idempotencyKey: ${headers.some((h) => h.name === 'Idempotency-Key')} },`,
      );
    }
  }
  return [
    HEADER.trimEnd(),
    '',
    'export interface OperationTraits {',
    '  operationId: string;',
    '  /** The server requires If-Match (428 without it, 412 when stale). */',
    '  ifMatch: boolean;',
    '  /** The server honours Idempotency-Key (a retry with the same key creates nothing new). */',
    '  idempotencyKey: boolean;',
    '}',
    '',
    '/** Keyed by `METHOD /path/{template}`, as openapi-fetch names the schema path. */',
    'export const OPERATIONS: Readonly<Record<string, OperationTraits>> = {',
    ...rows,
    '};',
    '',
  ].join('\n');
}

export async function renderAll(document) {
  return { [TYPES_FILE]: await renderTypes(document), [OPERATIONS_FILE]: renderOperations(document) };
}

// `node generate.mjs` writes the files; `--check` only says which are stale (exit code 1);
// `--openapi <file>` reads another document than the repository's openapi.json.
if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const check = process.argv.includes('--check');
  const other = process.argv.indexOf('--openapi');
  const source = other > 0 ? path.resolve(process.argv[other + 1]) : OPENAPI_FILE;
  const document = JSON.parse(fs.readFileSync(source, 'utf8'));
  const stale = [];
  for (const [file, text] of Object.entries(await renderAll(document))) {
    const name = path.relative(process.cwd(), file);
    if (!check) {
      fs.writeFileSync(file, text);
      process.stdout.write(`wrote ${name}\n`);
    } else if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) stale.push(name);
  }
  if (stale.length) {
    process.stderr.write(`stale (run npm run generated:refresh): ${stale.join(', ')}\n`);
    process.exitCode = 1;
  } else if (check) process.stdout.write('the generated client is current\n');
}
