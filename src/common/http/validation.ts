import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { DomainError, type FieldError } from '../errors/domain-error.js';
import { messageKey, rememberMessageKeys } from '../../i18n/localize-problem.js';
import { isLanguage, LANGUAGES } from '../../i18n/messages.js';
import { CONTROL_CHARACTERS } from './json-body.js';
import {
  isDto,
  LINE_BREAK_OR_TAB,
  LONE_SURROGATE,
  MAX_YEAR,
  MIN_YEAR,
  type PropertyRules,
  rulesOf,
} from './input-rules.js';

/** A field's messages, each remembered with its constraint so the problem can be told in Lao too. */
function fieldError(field: string, constraints: Record<string, string>): FieldError {
  const error = { field, messages: Object.values(constraints) };
  rememberMessageKeys(
    error,
    Object.entries(constraints).map(([constraint, english]) => messageKey(constraint, english)),
  );
  return error;
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const isIndex = /^\d+$/.test(e.property);
    const field = parent ? (isIndex ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = e.constraints ? [fieldError(field, e.constraints)] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Constraints that state what kind of value a field takes: when one fails, its bounds are noise. */
const TYPE_CONSTRAINTS = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isUuid',
  'isIso8601',
  'isEmail',
  'isDefined',
  'nestedValidation',
  'notNull',
  'shape',
]);

/** Type before bounds: "must be an array" alone, not "no more than 5 elements" beside it. */
function typeBeforeBounds(errors: ValidationError[]): void {
  for (const e of errors) {
    if (e.constraints) {
      const types = Object.keys(e.constraints).filter((k) => TYPE_CONSTRAINTS.has(k));
      if (types.length) e.constraints = Object.fromEntries(types.map((k) => [k, e.constraints![k]!]));
    }
    typeBeforeBounds(e.children ?? []);
  }
}

interface ShapeError {
  path: string;
  constraint: string;
  message: string;
  /** Takes the value out of the DTO: some validators throw on what the shape check refuses (1e-308). */
  clear: () => void;
}

const join = (parent: string, key: string | number) =>
  typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A leaf value against the rules every input obeys (text, numbers, dates). */
function leafError(value: unknown, rules: PropertyRules, path: string): Omit<ShapeError, 'clear'> | undefined {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value))
      return { path, constraint: 'text', message: `${path} holds a lone surrogate (not valid Unicode text)` };
    if (CONTROL_CHARACTERS.test(value))
      return { path, constraint: 'text', message: `${path} holds a NUL or control character` };
    if (!rules.multiline && LINE_BREAK_OR_TAB.test(value))
      return { path, constraint: 'text', message: `${path} is single-line: no line breaks or tabs` };
    if (rules.date) {
      const year = /^(\d{4})-/.exec(value)?.[1];
      if (!year || Number(year) < MIN_YEAR || Number(year) > MAX_YEAR)
        return {
          path,
          constraint: 'dateRange',
          message: `${path} must be a date between ${MIN_YEAR} and ${MAX_YEAR}`,
        };
    }
  }
  if (typeof value === 'number') {
    // An exponent in JavaScript's shortest form means |n| < 1e-6 or ≥ 1e21: no count, amount or age is.
    if (!Number.isFinite(value) || /e/i.test(String(value)) || Math.abs(value) > Number.MAX_SAFE_INTEGER)
      return { path, constraint: 'numberRange', message: `${path} is not a number this API accepts` };
  }
  return undefined;
}

/**
 * The structural rules class-validator leaves open, checked on the transformed DTO: null only where
 * documented nullable; a nested DTO is an object (not an array, `[]` would pass as "no fields");
 * an array field is an array of the right kind of element; text is valid, single-line unless
 * marked @Multiline; numbers and dates within sane ranges.
 */
function shapeErrors(instance: object, path = ''): ShapeError[] {
  const out: ShapeError[] = [];
  const rules = rulesOf(instance.constructor);
  for (const [key, rule] of rules) {
    const record = instance as Record<string, unknown>;
    const value = record[key];
    const at = join(path, key);
    const clear = () => {
      record[key] = undefined;
    };
    if (value === undefined) continue;
    if (value === null) {
      if (!rule.nullable) out.push({ path: at, constraint: 'notNull', message: `${at} must not be null`, clear });
      continue;
    }
    if (rule.array && !Array.isArray(value)) {
      out.push({ path: at, constraint: 'isArray', message: `${at} must be an array`, clear });
      continue;
    }
    if (!rule.array && Array.isArray(value)) {
      out.push({
        path: at,
        constraint: 'shape',
        message: rule.nested ? `${at} must be an object` : `${at} must be a single value, not an array`,
        clear,
      });
      continue;
    }
    const items: [string, unknown, () => void][] = Array.isArray(value)
      ? value.map((item, i) => [
          join(at, i),
          item,
          () => {
            value[i] = undefined;
          },
        ])
      : [[at, value, clear]];
    // A refused element is taken out alone: the array's own bounds are still checked and named.
    for (const [itemPath, item, clearItem] of items) {
      if (rule.nested) {
        if (!isPlainObject(item)) {
          out.push({ path: itemPath, constraint: 'shape', message: `${itemPath} must be an object`, clear: clearItem });
          continue;
        }
        if (isDto(item.constructor)) out.push(...shapeErrors(item, itemPath));
        continue;
      }
      if (item === null || Array.isArray(item) || (typeof item === 'object' && !isPlainObject(item))) {
        out.push({
          path: itemPath,
          constraint: 'shape',
          message: `${itemPath} must be a single value`,
          clear: clearItem,
        });
        continue;
      }
      const error = leafError(item, rule, itemPath);
      if (error) out.push({ ...error, clear: clearItem });
    }
  }
  return out;
}

/** Drops class-validator's findings at or under a path the shape check already explains. */
function withoutShapeFailures(errors: ValidationError[], failed: Set<string>, parent = ''): ValidationError[] {
  return errors
    .filter((e) => !failed.has(join(parent, /^\d+$/.test(e.property) ? Number(e.property) : e.property)))
    .map((e) => {
      const at = join(parent, /^\d+$/.test(e.property) ? Number(e.property) : e.property);
      return { ...e, children: withoutShapeFailures(e.children ?? [], failed, at) };
    })
    .filter((e) => (e.constraints && Object.keys(e.constraints).length) || e.children.length);
}

/**
 * class-validator's ValidationPipe plus the rules every input obeys (src/common/http/input-rules.ts).
 * One place for every route: a DTO only declares its fields.
 */
export class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // `lang` chooses the language of the answer (src/i18n/), on every route: checked here, once,
    // and read with @RequestLanguage(); no query DTO validates it.
    if (metadata.type === 'query' && isPlainObject(value) && 'lang' in value) {
      const { lang, ...rest } = value;
      if (typeof lang !== 'string' || !isLanguage(lang.toLowerCase().split('-')[0])) {
        const message = `lang must be one of the following values: ${LANGUAGES.join(', ')}`;
        const fieldError = { field: 'lang', messages: [message] };
        rememberMessageKeys(fieldError, [messageKey('isIn', message)]);
        throw new DomainError('VALIDATION_FAILED', undefined, { errors: [fieldError] });
      }
      value = rest;
    }
    if (metadata.type === 'body' && value !== undefined && isDto(metadata.metatype) && !isPlainObject(value)) {
      throw new DomainError('VALIDATION_FAILED', 'The request body must be a JSON object', {
        errors: [{ field: '(body)', messages: ['the body must be a JSON object'] }],
      });
    }
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ValidationError[]> {
    const shape = isDto(object.constructor) ? shapeErrors(object) : [];
    // The request is refused either way; the refused values are kept from validators that throw on them.
    for (const s of shape) s.clear();
    let errors: ValidationError[];
    try {
      errors = await super.validate(object, validatorOptions);
    } catch {
      // A validator that throws on a value (rather than refusing it) must not turn bad input into a 500.
      errors = [{ property: '(body)', constraints: { invalid: 'a value could not be validated' }, children: [] }];
    }
    if (!shape.length) {
      typeBeforeBounds(errors);
      return errors;
    }
    const failed = new Set(shape.map((s) => s.path));
    const merged: ValidationError[] = [
      ...withoutShapeFailures(errors, failed),
      ...shape.map((s) => ({ property: s.path, constraints: { [s.constraint]: s.message }, children: [] })),
    ];
    typeBeforeBounds(merged);
    return merged;
  }
}

/** Whitelist validation: unknown fields, wrong types and oversize values answer 400 naming the fields. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new DomainError('VALIDATION_FAILED', 'Some fields are missing, unknown or invalid', { errors: flatten(errors) }),
  });
}
