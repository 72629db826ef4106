import { isStandbyUnavailable } from './standby.service.js';

describe('isStandbyUnavailable: which standby failures send a read back to the primary', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: '57P01' }, true], // terminating connection due to administrator command
    [{ code: '57P03' }, true], // the database system is starting up
    [{ code: '08006' }, true], // connection failure
    [{ code: '40001' }, true], // canceling statement due to conflict with recovery
    [{ code: '53300' }, true], // too many connections
    [new Error('Connection terminated unexpectedly'), true],
    [{ code: '42501' }, false], // a scope refused by a SECURITY DEFINER check: the read's own answer
    [{ code: '22023' }, false],
    [{ code: '25006' }, false], // a write attempted on the standby is a bug, not an outage
    [new Error('something else'), false],
    [null, false],
  ])('%j → %s', (err, expected) => {
    expect(isStandbyUnavailable(err)).toBe(expected);
  });
});
