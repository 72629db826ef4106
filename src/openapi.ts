import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_TAGS } from './api-docs/api-tags.js';
import { ERROR_CATALOG } from './common/errors/error-catalog.js';
import { API_DESCRIPTION } from './api-docs/api-description.js';
import { applyOperationGuide, applyRequestExamples, hideQueryExamples } from './api-docs/desk.js';
import { applyRouteContract, routeTraitsOf } from './api-docs/route-contract.js';
import { documentValidationRules } from './api-docs/validation-rules.js';

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details: the one error shape of the API',
  required: ['type', 'title', 'status', 'code', 'requestId'],
  properties: {
    type: { type: 'string', example: 'urn:ctcm:problem:validation-failed' },
    title: { type: 'string', example: 'The request has invalid fields' },
    status: { type: 'integer', example: 400 },
    code: {
      type: 'string',
      description: 'Stable machine-readable code (never renamed once released; new ones may be added)',
      enum: Object.keys(ERROR_CATALOG),
      example: 'VALIDATION_FAILED',
    },
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
    // Relative: the document describes whichever deployment serves it.
    .addServer('/', 'This deployment')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Paste the accessToken of POST /auth/login (without "Bearer").',
    });
  for (const tag of API_TAGS) config.addTag(tag.name, tag.description);
  // Operation ids are explicit on every route (`@ApiOperation({ operationId: 'createCase' })`) so a renamed
  // method never renames a generated client's call; the fallback only shows which route lacks one (a test fails).
  const document = SwaggerModule.createDocument(app, config.build(), {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  const traits = routeTraitsOf(app);
  // Proprietary: no licence URL to point to.
  document.info.license = { name: 'Proprietary (UNLICENSED): for the counter-trafficking agencies of Lao PDR' };
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA },
  };
  documentValidationRules(document, traits);
  applyOperationGuide(document);
  hideQueryExamples(document);
  applyRequestExamples(document);
  applyRouteContract(document, traits);
  return document;
}
