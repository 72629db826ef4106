import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { API_TAGS } from './api-docs/api-tags.js';
import { API_DESCRIPTION } from './api-docs/api-description.js';
import { applyOperationGuide, applyRequestExamples, hideQueryExamples } from './api-docs/desk.js';

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details: the one error shape of the API',
  required: ['type', 'title', 'status', 'code', 'requestId'],
  properties: {
    type: { type: 'string', example: 'urn:ctcm:problem:validation-failed' },
    title: { type: 'string', example: 'The request has invalid fields' },
    status: { type: 'integer', example: 400 },
    code: { type: 'string', description: 'Stable machine-readable code', example: 'VALIDATION_FAILED' },
    detail: { type: 'string' },
    requestId: { type: 'string', description: 'Echo of the x-request-id header; quote it to support' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'messages'],
        properties: {
          field: { type: 'string', example: 'email' },
          messages: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
  additionalProperties: true,
};

/** The OpenAPI document: served at /docs-json, written to openapi.json by `npm run openapi`. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('ctcm-api')
    .setDescription(API_DESCRIPTION)
    .setVersion('0.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Paste the accessToken of POST /auth/login (without "Bearer").',
    });
  for (const tag of API_TAGS) config.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, config.build(), {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA },
  };
  documentValidationBounds(document.components.schemas as Record<string, SchemaNode>);
  applyOperationGuide(document);
  hideQueryExamples(document);
  applyRequestExamples(document);
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as { responses?: Record<string, unknown> }[]) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      op.responses = {
        ...op.responses,
        default: {
          description: 'Error (problem+json)',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      };
    }
  }
  return document;
}

interface SchemaNode {
  type?: string;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  [bound: string]: unknown;
}

interface BoundMetadata {
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

/** class-validator decorator → the OpenAPI keyword that states the same bound. */
const BOUND_KEYWORDS: Record<string, (constraints: unknown[]) => Record<string, unknown>> = {
  maxLength: ([n]) => ({ maxLength: n }),
  minLength: ([n]) => ({ minLength: n }),
  arrayMaxSize: ([n]) => ({ maxItems: n }),
  arrayMinSize: ([n]) => ({ minItems: n }),
  max: ([n]) => ({ maximum: n }),
  min: ([n]) => ({ minimum: n }),
  matches: ([pattern]) => (pattern instanceof RegExp ? { pattern: pattern.source } : { pattern }),
  multiline: () => ({ 'x-multiline': true }),
};

/**
 * Copies the length, size, range and pattern limits the validators enforce into the request schemas,
 * so the documented contract is the enforced one and never drifts from it (a test checks
 * that every string and array a client can send is bounded).
 */
function documentValidationBounds(schemas: Record<string, SchemaNode>): void {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas?: Map<{ name: string }, BoundMetadata[]>;
    getTargetValidationMetadatas(
      target: unknown,
      schema: string,
      always: boolean,
      strictGroups: boolean,
    ): BoundMetadata[];
  };
  // An internal of class-validator: should it change, the docs lose their bounds (never the
  // validation itself) and test/security/resource-limits.spec.ts fails.
  for (const target of storage.validationMetadatas?.keys() ?? []) {
    const schema = schemas[target.name];
    if (!schema?.properties) continue;
    // Includes what the class inherits (CreatePersonRequest extends PersonFields).
    for (const metadata of storage.getTargetValidationMetadatas(target, '', true, false)) {
      const keywords = metadata.name ? BOUND_KEYWORDS[metadata.name] : undefined;
      const property = schema.properties[metadata.propertyName];
      if (!keywords || !property || property.$ref) continue;
      const node = metadata.each && property.type === 'array' ? property.items : property;
      if (!node || node.$ref) continue;
      for (const [keyword, value] of Object.entries(keywords(metadata.constraints ?? []))) node[keyword] ??= value;
    }
  }
}
