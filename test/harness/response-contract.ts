import fs from 'node:fs';
import path from 'node:path';

/**
 * Validates a response body against the committed OpenAPI document, strictly: a field the
 * schema does not declare is a violation (excessive data exposure), as are wrong types, missing
 * required fields and values outside an enum.
 */
interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

interface DeclaredResponse {
  $ref?: string;
  content?: Record<string, { schema?: Schema }>;
}

interface OpenApi {
  paths: Record<string, Record<string, { responses?: Record<string, DeclaredResponse> }>>;
  components: { schemas: Record<string, Schema>; responses?: Record<string, DeclaredResponse> };
}

const document = JSON.parse(fs.readFileSync(path.resolve('openapi.json'), 'utf8')) as OpenApi;

function resolve(schema: Schema): Schema {
  let s = schema;
  while (s.$ref) s = document.components.schemas[s.$ref.replace('#/components/schemas/', '')]!;
  return s;
}

/** allOf parts merged into one object schema, so "undeclared" means undeclared by every part. */
function flatten(schema: Schema): Schema {
  const s = resolve(schema);
  if (!s.allOf) return s;
  const merged: Schema = { ...s, allOf: undefined, properties: { ...s.properties }, required: [...(s.required ?? [])] };
  for (const part of s.allOf.map(flatten)) {
    Object.assign(merged.properties!, part.properties);
    merged.required!.push(...(part.required ?? []));
    merged.type ??= part.type;
    merged.nullable ||= part.nullable;
  }
  return merged;
}

export function violationsOf(schema: Schema, value: unknown, at = '$'): string[] {
  const s = flatten(schema);
  const alternatives = s.oneOf ?? s.anyOf;
  const nullable = s.nullable || alternatives?.some((alt) => flatten(alt).nullable);
  if (value === null) return nullable ? [] : [`${at}: null where the schema does not allow it`];
  if (alternatives) {
    const results = alternatives.map((alt) => violationsOf(alt, value, at));
    return results.some((r) => r.length === 0)
      ? []
      : [`${at}: matches none of its alternatives (${results.map((r) => r[0]).join(' | ')})`];
  }
  if (s.enum && !s.enum.includes(value))
    return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`];
  const type = s.type ?? (s.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected an object`];
      const out: string[] = [];
      const record = value as Record<string, unknown>;
      for (const key of s.required ?? []) if (!(key in record)) out.push(`${at}.${key}: required but missing`);
      for (const [key, v] of Object.entries(record)) {
        const declared = s.properties?.[key];
        if (declared) out.push(...violationsOf(declared, v, `${at}.${key}`));
        else if (typeof s.additionalProperties === 'object')
          out.push(...violationsOf(s.additionalProperties, v, `${at}.${key}`));
        else if (s.additionalProperties !== true) out.push(`${at}.${key}: undeclared field`);
      }
      return out;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      return value.flatMap((item, i) => (s.items ? violationsOf(s.items, item, `${at}[${i}]`) : []));
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: expected a string`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: expected an integer`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: expected a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected a boolean`];
    default:
      return [];
  }
}

/** Error statuses each operation must name where it can answer them: the catch-all `default` covers only others. */
const NAMED_ERROR_STATUSES = new Set([400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 503]);

/** The response schema the document declares for a route and status, if any. */
export function declaredSchema(
  method: string,
  routeTemplate: string,
  status: number,
): Schema | 'undocumented-status' | 'undocumented-route' {
  const openApiPath = routeTemplate.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const operation = document.paths[openApiPath]?.[method.toLowerCase()];
  if (!operation) return 'undocumented-route';
  const declared =
    operation.responses?.[String(status)] ??
    (status >= 400 && !NAMED_ERROR_STATUSES.has(status) ? operation.responses?.default : undefined);
  // Shared answers (components.responses) are referenced, not copied.
  const response = declared?.$ref
    ? document.components.responses?.[declared.$ref.replace('#/components/responses/', '')]
    : declared;
  if (!response) return 'undocumented-status';
  const content = response.content ?? {};
  const schema = content['application/json']?.schema ?? content['application/problem+json']?.schema;
  return schema ?? 'undocumented-status';
}
