import express from 'express';
import { declaredSchema, violationsOf } from './response-contract.js';

/**
 * Runs in every test file: each JSON body the API sends during the file is checked against the
 * OpenAPI document. A field the document does not declare, or a status it does not list, fails
 * the file, so excessive data exposure is caught by every test that exercises a route.
 */
const violations = new Set<string>();
const response = express.response as express.Response & { __contractChecked?: boolean };

if (!response.__contractChecked) {
  response.__contractChecked = true;
  const json = response.json;
  response.json = function checkedJson(this: express.Response, body: unknown) {
    const req = this.req;
    const route = (req.route as { path?: string } | undefined)?.path;
    if (route !== undefined && !req.originalUrl.startsWith('/docs')) {
      const template = `${req.baseUrl ?? ''}${route}`;
      const schema = declaredSchema(req.method, template, this.statusCode);
      if (typeof schema === 'string') violations.add(`${req.method} ${template} ${this.statusCode}: ${schema}`);
      else
        for (const v of violationsOf(schema, body).slice(0, 5))
          violations.add(`${req.method} ${template} ${this.statusCode}: ${v}`);
    }
    return json.call(this, body);
  } as typeof response.json;
}

afterAll(() => {
  const found = [...violations];
  violations.clear();
  if (found.length) throw new Error(`responses that break the OpenAPI contract:\n${found.slice(0, 40).join('\n')}`);
});
