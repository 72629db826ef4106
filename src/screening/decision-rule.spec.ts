import {
  type AnsweredIndicator,
  type Answer,
  type Dimension,
  dimensionResult,
  suggestOutcome,
  type Weight,
} from './decision-rule.js';

let n = 0;
const a = (dimension: Dimension, weight: Weight, answer: Answer = 'yes'): AnsweredIndicator => ({
  code: `X.${dimension}.${++n}`,
  dimension,
  weight,
  answer,
});
/** A dimension made positive by two strong indicators. */
const pos = (d: Dimension) => [a(d, 'strong'), a(d, 'strong')];

describe('a dimension is positive', () => {
  it.each<[string, AnsweredIndicator[], boolean, string | null]>([
    ['2 strong', [a('D1', 'strong'), a('D1', 'strong')], true, '2 strong'],
    ['1 strong + 1 medium', [a('D1', 'strong'), a('D1', 'medium')], true, '1 strong + 1 medium or weak'],
    ['1 strong + 1 weak', [a('D1', 'strong'), a('D1', 'weak')], true, '1 strong + 1 medium or weak'],
    ['3 medium', [a('D1', 'medium'), a('D1', 'medium'), a('D1', 'medium')], true, '3 medium'],
    ['2 medium + 1 weak', [a('D1', 'medium'), a('D1', 'medium'), a('D1', 'weak')], true, '2 medium + 1 weak'],
    ['1 strong alone', [a('D1', 'strong')], false, null],
    ['2 medium', [a('D1', 'medium'), a('D1', 'medium')], false, null],
    ['1 medium + 2 weak', [a('D1', 'medium'), a('D1', 'weak'), a('D1', 'weak')], false, null],
    ['3 weak', [a('D1', 'weak'), a('D1', 'weak'), a('D1', 'weak')], false, null],
    ['strong answered no', [a('D1', 'strong', 'no'), a('D1', 'strong')], false, null],
    [
      'strong unknown or declined',
      [a('D1', 'strong', 'unknown'), a('D1', 'strong', 'declined'), a('D1', 'strong')],
      false,
      null,
    ],
    ['other dimensions do not count', [a('D2', 'strong'), a('D1', 'strong')], false, null],
  ])('%s → %s', (_label, answers, positive, clause) => {
    const r = dimensionResult('D1', answers);
    expect(r.positive).toBe(positive);
    expect(r.clause).toBe(clause);
  });
});

describe('suggested outcome', () => {
  it.each<[string, AnsweredIndicator[], boolean, string]>([
    ['adult: D1 + D4 + D5', [...pos('D1'), ...pos('D4'), ...pos('D5')], false, 'likely_victim'],
    ['adult: D2 + D4 + D6', [...pos('D2'), ...pos('D4'), ...pos('D6')], false, 'likely_victim'],
    ['adult: D3 + D4 + D5 + D6', [...pos('D3'), ...pos('D4'), ...pos('D5'), ...pos('D6')], false, 'likely_victim'],
    ['adult: D1 + D4 without destination means', [...pos('D1'), ...pos('D4')], false, 'deceived_and_exploited'],
    ['adult: D4 + D5 without recruitment', [...pos('D4'), ...pos('D5')], false, 'exploited'],
    ['adult: D4 only', pos('D4'), false, 'exploited'],
    ['adult: D1 + D5 without exploitation', [...pos('D1'), ...pos('D5')], false, 'insufficient_indicators'],
    ['adult: one indicator only', [a('D1', 'strong')], false, 'insufficient_indicators'],
    ['adult: nothing yes', [a('D1', 'strong', 'no'), a('D4', 'strong', 'unknown')], false, 'no_indicators'],
    ['adult: no answers', [], false, 'no_indicators'],
    ['child: D1 + D4 (means not required)', [...pos('D1'), ...pos('D4')], true, 'likely_victim'],
    ['child: D2 + D4', [...pos('D2'), ...pos('D4')], true, 'likely_victim'],
    ['child: D3 + D4 + D6', [...pos('D3'), ...pos('D4'), ...pos('D6')], true, 'likely_victim'],
    ['child: D4 + D5 without recruitment', [...pos('D4'), ...pos('D5')], true, 'exploited'],
    ['child: D4 only', pos('D4'), true, 'exploited'],
    ['child: D1 + D5 without exploitation', [...pos('D1'), ...pos('D5')], true, 'insufficient_indicators'],
    ['child: nothing yes', [a('D4', 'strong', 'declined')], true, 'no_indicators'],
  ])('%s → %s', (_label, answers, isChild, outcome) => {
    expect(suggestOutcome(answers, isChild).outcome).toBe(outcome);
  });

  it('explains the clause and the indicators that drove it, and counts unknown and declined answers', () => {
    const answers = [
      a('D1', 'strong'),
      a('D1', 'medium'),
      ...pos('D4'),
      ...pos('D5'),
      a('D2', 'strong', 'declined'),
      a('D6', 'weak', 'unknown'),
    ];
    const s = suggestOutcome(answers, false);
    expect(s.outcome).toBe('likely_victim');
    expect(s.explanation.join('\n')).toMatch(/Adult rule/);
    expect(s.explanation.join('\n')).toContain(
      `D1 positive (1 strong + 1 medium or weak): ${answers[0]!.code}, ${answers[1]!.code}`,
    );
    expect(s.unanswered).toEqual({ unknown: 1, declined: 1 });
    expect(s.explanation.at(-1)).toMatch(/suggestion only/);
  });
});
