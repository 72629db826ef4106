import type { OpenAPIObject } from '@nestjs/swagger';
import { API_TAGS } from './api-tags.js';
import { OPERATION_GUIDE } from './operation-guide.js';
import { REQUEST_EXAMPLES } from './request-examples.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { example?: unknown }> };
}

interface Parameter {
  in?: string;
  name?: string;
  description?: string;
  example?: unknown;
  examples?: unknown;
  schema?: { example?: unknown; examples?: unknown; default?: unknown };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operationsOf(item: object): Operation[] {
  return METHODS.map((m) => (item as Record<string, Operation | undefined>)[m]).filter((op) => op !== undefined);
}

/**
 * Lists each operation under its workflow tag with the caseworker's description, and orders the
 * paths as the guide does (tag by tag, in workflow order), which is the order Swagger UI shows.
 */
export function applyOperationGuide(document: OpenAPIObject): void {
  const guideOrder = Object.keys(OPERATION_GUIDE);
  const tagOrder = API_TAGS.map((t) => t.name as string);
  const rank = (item: object): [number, number] => {
    let best: [number, number] = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    for (const op of operationsOf(item)) {
      const guide = op.operationId ? OPERATION_GUIDE[op.operationId] : undefined;
      const r: [number, number] = guide
        ? [tagOrder.indexOf(guide.tag), guideOrder.indexOf(op.operationId!)]
        : [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (r[0] < best[0] || (r[0] === best[0] && r[1] < best[1])) best = r;
    }
    return best;
  };
  for (const item of Object.values(document.paths)) {
    for (const op of operationsOf(item)) {
      const guide = op.operationId ? OPERATION_GUIDE[op.operationId] : undefined;
      if (!guide) continue;
      op.tags = [guide.tag];
      op.summary ||= guide.summary;
      op.description = op.description ? `${guide.description}\n\n${op.description}` : guide.description;
    }
  }
  const ordered = Object.entries(document.paths)
    .map(([path, item], index) => ({ path, item, index, rank: rank(item) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.index - b.index);
  document.paths = Object.fromEntries(ordered.map(({ path, item }) => [path, item]));
}

/**
 * Swagger UI's "Try it out" fills every query field from its example or default and sends it, so
 * GET /cases would search for one made-up case number and show an empty list. Query examples and
 * defaults move into the description, where they still guide without being sent (the server
 * applies its defaults itself).
 */
export function hideQueryExamples(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const op of operationsOf(item)) {
      for (const parameter of op.parameters ?? []) {
        if (parameter.in !== 'query') continue;
        const example = parameter.example ?? parameter.schema?.example;
        delete parameter.example;
        delete parameter.examples;
        if (parameter.schema) {
          delete parameter.schema.example;
          delete parameter.schema.examples;
        }
        const fallback = parameter.schema?.default;
        if (parameter.schema) delete parameter.schema.default;
        const hints = [
          ...(fallback === undefined ? [] : [`Default: \`${show(fallback)}\``]),
          ...(example === undefined ? [] : [`Example: \`${show(example)}\``]),
        ];
        if (!hints.length) continue;
        const hint = `${hints.join('. ')}.`;
        parameter.description = parameter.description ? `${parameter.description.replace(/\.?$/, '.')} ${hint}` : hint;
      }
    }
  }
}

const show = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value));

/** Puts the realistic example of each request body where "Try it out" takes it from, and says what to replace. */
export function applyRequestExamples(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const op of operationsOf(item)) {
      const example = op.operationId ? REQUEST_EXAMPLES[op.operationId] : undefined;
      const media = op.requestBody?.content?.['application/json'];
      if (!example || !media) continue;
      media.example = example.value;
      const notes = [
        ...(example.idsFrom ? [`In the example, replace ${example.idsFrom}`] : []),
        ...(example.expectedFailure ? [example.expectedFailure.reason] : []),
      ];
      if (notes.length) op.description = [op.description, notes.join(' ')].filter(Boolean).join('\n\n');
    }
  }
}
