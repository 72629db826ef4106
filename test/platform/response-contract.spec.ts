import { declaredSchema, violationsOf } from '../harness/response-contract.js';

// The suite-wide contract check (test/harness/record-responses.ts) is only as good as this validator.
describe('the response contract check', () => {
  const problem = { $ref: '#/components/schemas/Problem' };
  const closure = { $ref: '#/components/schemas/ClosureRequestResponse' };
  const valid = {
    reason: 'Reintegrated',
    requestedBy: '0193b0a0-0000-7000-8000-000000000001',
    requestedAt: '2026-11-01T00:00:00.000Z',
  };

  it('accepts a body that matches its schema', () => {
    expect(violationsOf(closure, valid)).toEqual([]);
    // Problem details may carry extension members (RFC 9457), so they are open.
    expect(
      violationsOf(problem, { type: 'urn:x', title: 'x', status: 404, code: 'NOT_FOUND', requestId: 'r', checks: {} }),
    ).toEqual([]);
  });

  it('flags undeclared fields, wrong types, missing required fields and unexpected nulls', () => {
    expect(violationsOf(closure, { ...valid, personName: 'x' })).toEqual(['$.personName: undeclared field']);
    expect(violationsOf(closure, { ...valid, reason: 7 })).toEqual(['$.reason: expected a string']);
    const { requestedBy: _requestedBy, ...withoutRequester } = valid;
    expect(violationsOf(closure, withoutRequester)).toEqual(['$.requestedBy: required but missing']);
    expect(violationsOf(closure, { ...valid, reason: null })).toEqual([
      '$.reason: null where the schema does not allow it',
    ]);
    expect(violationsOf({ type: 'array', items: closure }, [valid, { ...valid, extra: 1 }])).toEqual([
      '$[1].extra: undeclared field',
    ]);
  });

  it('looks up the declared schema by route template and status', () => {
    expect(declaredSchema('GET', '/cases/:id', 200)).toEqual({ $ref: '#/components/schemas/CaseResponse' });
    expect(declaredSchema('GET', '/cases/:id', 418)).toEqual(problem);
    expect(declaredSchema('GET', '/cases/{id}', 404)).toEqual(problem);
    // A named error status is declared where the route can answer it, never taken from `default`.
    expect(declaredSchema('GET', '/cases/:id', 412)).toBe('undocumented-status');
    expect(declaredSchema('GET', '/no-such-route', 200)).toBe('undocumented-route');
    expect(declaredSchema('DELETE', '/cases/:id/notes', 200)).toBe('undocumented-route');
  });
});
