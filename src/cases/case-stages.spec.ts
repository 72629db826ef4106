import { CASE_STAGES, canTransition, CLOSED_STAGES, htcdsStatus, TRANSITIONS } from './case-stages.js';

describe('case stage machine', () => {
  it.each([
    ['intake', 'screening', true],
    ['screening', 'identified', true],
    ['screening', 'not_identified', true],
    ['identified', 'referred', true],
    ['referred', 'assessment', true],
    ['assessment', 'planning', true],
    ['planning', 'active', true],
    ['active', 'reintegration', true],
    ['reintegration', 'follow_up', true],
    ['follow_up', 'active', true],
    ['intake', 'active', false],
    ['screening', 'planning', false],
    ['not_identified', 'assessment', false],
    ['closed', 'active', false],
    ['follow_up', 'closed', false],
  ] as const)('%s → %s: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('never moves into or out of a closed stage by an ordinary transition', () => {
    for (const stage of CASE_STAGES) {
      for (const to of TRANSITIONS[stage]) expect(CLOSED_STAGES.has(to)).toBe(false);
      if (CLOSED_STAGES.has(stage)) expect(TRANSITIONS[stage]).toEqual([]);
    }
  });

  it('maps stages to the HTCDS case status', () => {
    expect(htcdsStatus('intake')).toBe('Active');
    expect(htcdsStatus('follow_up')).toBe('FollowUp');
    expect(htcdsStatus('closed')).toBe('Closed');
    expect(htcdsStatus('closed_referred')).toBe('ClosedReferred');
  });
});
