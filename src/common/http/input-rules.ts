import { getMetadataStorage, registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * The rules every value a client sends obeys, whatever its DTO says. They are applied once, by
 * the validation pipe (src/common/http/validation.ts), to every body and query of every route, so
 * a new DTO cannot forget them. docs/security-input.md lists them.
 */

/** A UTF-16 code unit of a surrogate pair standing alone: not text, and PostgreSQL refuses it (22P02). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Line breaks and tabs: allowed only in fields marked @Multiline (narratives, notes). */
export const LINE_BREAK_OR_TAB = /[\t\n\r]/;
/** Dates and timestamps a client sends lie within these years: representable everywhere (JavaScript date arithmetic past year 9999 gives strings PostgreSQL refuses), while "not in the future" and similar rules stay domain errors (422). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;

export const MULTILINE = 'multiline';

/**
 * Marks a free-text field (a narrative, notes) in which line breaks and tabs are allowed. Every
 * other string is single-line. Documented in openapi.json as `x-multiline: true`.
 */
export function Multiline(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: MULTILINE,
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: { validate: () => true },
    });
}

interface RuleMetadata {
  type: string;
  name?: string;
  propertyName: string;
  each?: boolean;
}

/** What the pipe needs to know of one property of a DTO, read from its decorators. */
export interface PropertyRules {
  /** Holds a nested DTO (`@ValidateNested`): an object, never an array or a primitive. */
  nested: boolean;
  /** An array (array bounds, or rules applied to each element). */
  array: boolean;
  multiline: boolean;
  date: boolean;
  /** Documented `nullable: true` in its @ApiProperty: null clears it. Any other null is refused. */
  nullable: boolean;
}

const ARRAY_RULES = new Set([
  'arrayMaxSize',
  'arrayMinSize',
  'arrayUnique',
  'arrayNotEmpty',
  'isArray',
  'arrayContains',
  'arrayNotContains',
]);
/** Where @nestjs/swagger keeps @ApiProperty options (DECORATORS.API_MODEL_PROPERTIES, not exported). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';
const cache = new Map<Function, Map<string, PropertyRules>>();

/** The rules of each validated property of a DTO class (inherited ones included). */
export function rulesOf(target: Function): Map<string, PropertyRules> {
  const known = cache.get(target);
  if (known) return known;
  const storage = getMetadataStorage() as unknown as {
    getTargetValidationMetadatas(t: Function, s: string, a: boolean, g: boolean): RuleMetadata[];
  };
  const rules = new Map<string, PropertyRules>();
  for (const m of storage.getTargetValidationMetadatas(target, '', true, false)) {
    let r = rules.get(m.propertyName);
    if (!r) {
      const api = Reflect.getMetadata(API_MODEL_PROPERTIES, target.prototype, m.propertyName) as
        { nullable?: boolean; isArray?: boolean; type?: unknown } | undefined;
      r = {
        nested: false,
        array: api?.isArray === true || Array.isArray(api?.type),
        multiline: false,
        date: false,
        nullable: api?.nullable === true,
      };
      rules.set(m.propertyName, r);
    }
    if (m.type === 'nestedValidation') {
      r.nested = true;
      if (m.each) r.array = true;
    }
    if (m.type === 'conditionalValidation' || m.type === 'whitelist') continue;
    if (m.each || (m.name && ARRAY_RULES.has(m.name))) r.array = true;
    if (m.name === MULTILINE) r.multiline = true;
    if (m.name === 'isIso8601') r.date = true;
  }
  cache.set(target, rules);
  return rules;
}

/** Whether a class has validation rules (a DTO), as opposed to Object or a built-in. */
export function isDto(target: unknown): target is Function {
  return typeof target === 'function' && target !== Object && rulesOf(target).size > 0;
}
