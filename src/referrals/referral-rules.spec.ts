import { checkMove, eligibilityFailures, type FacilityRules } from './referral-rules.js';

describe('referral state machine', () => {
  it.each([
    ['accept', 'pending', 'receiver', 'accepted'],
    ['decline', 'pending', 'receiver', 'declined'],
    ['withdraw', 'pending', 'sender', 'withdrawn'],
    ['complete', 'accepted', 'receiver', 'completed'],
    ['cancel', 'accepted', 'sender', 'cancelled'],
    ['cancel', 'accepted', 'receiver', 'cancelled'],
  ] as const)('%s from %s by the %s → %s', (action, status, party, to) => {
    expect(checkMove(action, status, party)).toEqual({ ok: true, to });
  });

  it.each([
    ['accept', 'pending', 'sender', 'wrong_party'],
    ['withdraw', 'pending', 'receiver', 'wrong_party'],
    ['accept', 'accepted', 'receiver', 'illegal_state'],
    ['accept', 'expired', 'receiver', 'illegal_state'],
    ['decline', 'accepted', 'receiver', 'illegal_state'],
    ['withdraw', 'accepted', 'sender', 'illegal_state'],
    ['complete', 'pending', 'receiver', 'illegal_state'],
    ['cancel', 'pending', 'sender', 'illegal_state'],
    ['cancel', 'completed', 'receiver', 'illegal_state'],
  ] as const)('refuses %s from %s by the %s (%s)', (action, status, party, reason) => {
    expect(checkMove(action, status, party)).toEqual({ ok: false, reason });
  });
});

describe('facility eligibility', () => {
  const womenAndChildren: FacilityRules = {
    acceptsGenders: ['Feminine'],
    acceptsMinAge: 0,
    acceptsMaxAge: 120,
    acceptsExploitationTypes: [],
    active: true,
  };
  it('refuses an adult man at a women-only shelter, naming the rule', () => {
    expect(
      eligibilityFailures(womenAndChildren, { gender: 'Masculine', age: 34, exploitationTypes: ['ForcedLabour'] }),
    ).toEqual([{ rule: 'gender', detail: 'the facility accepts Feminine only' }]);
  });
  it('checks age and exploitation type, and accepts an unknown age', () => {
    const teens: FacilityRules = {
      acceptsGenders: ['Feminine', 'Masculine'],
      acceptsMinAge: 12,
      acceptsMaxAge: 17,
      acceptsExploitationTypes: ['SexualExploitation'],
      active: true,
    };
    expect(
      eligibilityFailures(teens, { gender: 'Feminine', age: 25, exploitationTypes: ['ForcedLabour'] }).map(
        (f) => f.rule,
      ),
    ).toEqual(['age', 'exploitation_type']);
    expect(eligibilityFailures(teens, { gender: 'Feminine', age: null, exploitationTypes: [] })).toEqual([]);
    expect(
      eligibilityFailures(
        { ...teens, active: false },
        { gender: 'Feminine', age: 15, exploitationTypes: ['SexualExploitation'] },
      ).map((f) => f.rule),
    ).toEqual(['inactive']);
  });
});
