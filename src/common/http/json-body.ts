import express, { type RequestHandler } from 'express';
import { LONE_SURROGATE } from './input-rules.js';
import { lowerCaseUuid } from './ids.js';

/** Property names that could reach object prototypes: refused wherever they appear. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_JSON_DEPTH = 12;

type Rule = 'forbidden_key' | 'too_deep' | 'control_character' | 'lone_surrogate';
const MESSAGES: Record<Rule, (field: string) => string> = {
  forbidden_key: (field) => `property name ${field} is not allowed`,
  too_deep: () => `nested deeper than ${MAX_JSON_DEPTH} levels`,
  control_character: (field) => `property ${field} holds a NUL or control character`,
  lone_surrogate: (field) => `property ${field} holds a lone surrogate (not valid Unicode text)`,
};

/** NUL and C0 controls other than tab, line feed and carriage return: PostgreSQL text refuses NUL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export class JsonBodyRejected extends Error {
  readonly field: string;
  readonly rule: Rule;

  constructor(field: string, rule: Rule) {
    super(MESSAGES[rule](field));
    this.name = 'JsonBodyRejected';
    this.field = field;
    this.rule = rule;
  }
}

/** Nesting depth of a JSON text, skipping strings: refuses bombs before parsing. */
function assertDepth(buf: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new JsonBodyRejected('(body)', 'too_deep');
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/**
 * express.json with the size limit, a depth limit, no prototype-related keys, no NUL, control
 * character or lone surrogate in any string, and every UUID in lower case (ids are compared and
 * bound into ciphertexts as text).
 */
export function jsonBodyParser(limitBytes: number): RequestHandler {
  return express.json({
    limit: limitBytes,
    type: ['application/json', 'application/*+json'],
    strict: true,
    verify: (_req, _res, buf) => assertDepth(buf),
    reviver: (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) throw new JsonBodyRejected(key, 'forbidden_key');
      if (LONE_SURROGATE.test(key)) throw new JsonBodyRejected('(key)', 'lone_surrogate');
      if (typeof value !== 'string') return value;
      if (CONTROL_CHARACTERS.test(value)) throw new JsonBodyRejected(key || '(body)', 'control_character');
      // Before any validator sees it: some (the e-mail one) throw on a lone surrogate.
      if (LONE_SURROGATE.test(value)) throw new JsonBodyRejected(key || '(body)', 'lone_surrogate');
      return lowerCaseUuid(value);
    },
  });
}
