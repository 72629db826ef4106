import { message, type Language } from './messages.js';

/** What a field message was made from: the class-validator constraint (or input rule) and its values. */
export interface MessageKey {
  constraint: string;
  params: Record<string, string | number>;
}

/**
 * The constraint behind each field message, kept beside the message rather than in it, so the
 * body stays `{ field, messages }` and English clients see exactly what they saw before.
 */
const keysOfMessages = new WeakMap<object, MessageKey[]>();

export function rememberMessageKeys(fieldError: object, keys: MessageKey[]): void {
  keysOfMessages.set(fieldError, keys);
}

/** The values a class-validator English message carries: its bounds, or its list of allowed values. */
export function messageKey(constraint: string, englishMessage: string): MessageKey {
  const numbers = englishMessage.match(/-?\d+(\.\d+)?/g) ?? [];
  const values = /following values: (.*)$/.exec(englishMessage)?.[1];
  const params: Record<string, string | number> = {};
  if (numbers[0] !== undefined) params.limit = numbers[0];
  if (numbers.length >= 2) Object.assign(params, { min: numbers[0]!, max: numbers[1]! });
  if (values !== undefined) params.values = values;
  return { constraint, params };
}

interface ProblemLike {
  code: string;
  title: string;
  detail?: string;
  errors?: { field: string; messages: string[] }[];
  [extension: string]: unknown;
}

const NOT_FOUND = /^(.+) not found$/;

/** The detail in the language, when the catalogue has it; otherwise the English detail stays. */
function localizeDetail(detail: string, lang: Language): string {
  const resource = NOT_FOUND.exec(detail)?.[1];
  return (resource ? message(lang, 'notFound', resource) : undefined) ?? message(lang, 'details', detail) ?? detail;
}

/**
 * A field's messages in the language. A validator's message is rebuilt from its constraint; one
 * no constraint explains (a service's own wording) reads "field is not valid", the English wording
 * kept in brackets so nothing is lost.
 */
function fieldMessages(e: { field: string; messages: string[] }, lang: Language): string[] {
  const keys = keysOfMessages.get(e);
  const invalid = () => message(lang, 'validation', 'other', { field: e.field })!;
  if (!keys) return e.messages.map((english) => `${invalid()} (${english})`);
  return keys.map((k) => message(lang, 'validation', k.constraint, { field: e.field, ...k.params }) ?? invalid());
}

/**
 * The problem as a reader of `lang` sees it: title, detail and field messages from the catalogue.
 * The `code`, `type`, status and fields never change with the language. English answers are the
 * shipped English texts, unchanged.
 */
export function localizeProblem<P extends ProblemLike>(problem: P, lang: Language): P {
  if (lang === 'en') return problem;
  const localized: P = { ...problem, title: message(lang, 'errors', problem.code) ?? problem.title };
  if (problem.detail) localized.detail = localizeDetail(problem.detail, lang);
  if (problem.errors)
    localized.errors = problem.errors.map((e) => ({ field: e.field, messages: fieldMessages(e, lang) }));
  return localized;
}
