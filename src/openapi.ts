import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

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
        properties: { field: { type: 'string', example: 'email' }, messages: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
  additionalProperties: true,
};

/** The OpenAPI document: served at /docs-json, written to openapi.json by `npm run openapi`. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('ctcm-api')
    .setDescription(
      'Counter-trafficking case management for Lao PDR: victim identification screening, referrals to shelters and the ' +
        'Vientiane Transit Centre, case assistance records, agency role-based access and an audit trail. Every route names ' +
        'its permission in `x-permission`; every failure is `application/problem+json`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
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
