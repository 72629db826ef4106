import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { RouteTraits } from './route-contract.js';

export interface SchemaNode {
  type?: string;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  [keyword: string]: unknown;
}

export interface RuleMetadata {
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

/** A RegExp as a JSON Schema pattern, which has no flags: a case-insensitive rule must spell both cases. */
function patternOf(pattern: unknown): string {
  if (!(pattern instanceof RegExp)) return String(pattern);
  if (/[gimsy]/.test(pattern.flags))
    throw new Error(`@Matches(${String(pattern)}): JSON Schema patterns take no flags; spell both cases ([a-fA-F])`);
  return pattern.source;
}

/**
 * class-validator decorator → the OpenAPI keywords that state the same rule. `apply` receives the
 * node the rule constrains (the items of an array for `each` rules) and only adds what is missing,
 * so a route's own @ApiProperty wording wins where it already states the rule.
 */
export const RULE_KEYWORDS: Record<string, (constraints: unknown[]) => Record<string, unknown>> = {
  maxLength: ([n]) => ({ maxLength: n }),
  minLength: ([n]) => ({ minLength: n }),
  isLength: ([min, max]) => ({ minLength: min, ...(max === undefined ? {} : { maxLength: max }) }),
  arrayMaxSize: ([n]) => ({ maxItems: n }),
  arrayMinSize: ([n]) => ({ minItems: n }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  arrayUnique: () => ({ uniqueItems: true }),
  max: ([n]) => ({ maximum: n }),
  min: ([n]) => ({ minimum: n }),
  matches: ([pattern]) => ({ pattern: patternOf(pattern) }),
  isIn: ([values]) => ({ enum: values }),
  isEnum: ([entity]) => ({ enum: Object.values(entity as object) }),
  isUUID: () => ({ format: 'uuid' }),
  isEmail: () => ({ format: 'email' }),
  // Applied below: an integer rule turns a documented number into an integer.
  isInt: () => ({}),
  multiline: () => ({ 'x-multiline': true }),
};

/** Rules that constrain the array itself even when they are declared with `each`. */
const ARRAY_LEVEL = new Set(['arrayMaxSize', 'arrayMinSize', 'arrayNotEmpty', 'arrayUnique']);

type ValidationStorage = {
  validationMetadatas?: Map<{ name: string }, RuleMetadata[]>;
  getTargetValidationMetadatas(target: unknown, schema: string, always: boolean, strictGroups: boolean): RuleMetadata[];
};

// An internal of class-validator: should it change, the docs lose their rules (never the
// validation itself) and test/platform/contract-truth.spec.ts fails.
const storage = () => getMetadataStorage() as unknown as ValidationStorage;

/** Every rule class-validator enforces on a class, including what it inherits. */
export function rulesOf(target: unknown): RuleMetadata[] {
  return storage().getTargetValidationMetadatas(target, '', true, false);
}

/** The classes that carry validation rules, by name. */
export function validatedClasses(): { name: string }[] {
  return [...(storage().validationMetadatas?.keys() ?? [])];
}

function applyRules(properties: Record<string, SchemaNode | undefined>, rules: RuleMetadata[]): void {
  for (const rule of rules) {
    const keywords = rule.name ? RULE_KEYWORDS[rule.name] : undefined;
    const property = properties[rule.propertyName];
    if (!keywords || !property || property.$ref) continue;
    const node = rule.each && property.type === 'array' && !ARRAY_LEVEL.has(rule.name!) ? property.items : property;
    if (!node || node.$ref) continue;
    for (const [keyword, value] of Object.entries(keywords(rule.constraints ?? []))) node[keyword] ??= value;
    if (rule.name === 'isInt' && node.type === 'number') node.type = 'integer';
  }
}

/**
 * Copies every rule the validators enforce (lengths, sizes, ranges, patterns, enums, formats) into
 * the request schemas and the query parameters, so the documented contract is the enforced one
 * and never drifts from it.
 */
export function documentValidationRules(document: OpenAPIObject, traits: RouteTraits[]): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaNode>;
  for (const target of validatedClasses()) {
    const schema = schemas[target.name];
    if (schema?.properties) applyRules(schema.properties, rulesOf(target));
  }
  for (const route of traits) {
    if (!route.queryType) continue;
    const op = (document.paths[route.path] as Record<string, { parameters?: SchemaNode[] }> | undefined)?.[
      route.method.toLowerCase()
    ];
    const query = (op?.parameters ?? []).filter((p) => p.in === 'query' && p.schema);
    applyRules(
      Object.fromEntries(query.map((p) => [p.name as string, p.schema as SchemaNode])),
      rulesOf(route.queryType),
    );
  }
}
