/**
 * The ILO/EC decision rule (Delphi survey, WCMS_105023 p.3, via DOMAIN.md §2.1.1 [S]).
 * It only SUGGESTS an outcome; the formal identification decision is a separate human record.
 */
export type Dimension = 'D1' | 'D2' | 'D3' | 'D4' | 'D5' | 'D6';
export type Weight = 'strong' | 'medium' | 'weak';
export type Answer = 'yes' | 'no' | 'unknown' | 'declined';

export const DIMENSION_ORDER: Dimension[] = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'];
const RECRUITMENT: Dimension[] = ['D1', 'D2', 'D3'];
const DESTINATION: Dimension[] = ['D5', 'D6'];

export type SuggestedOutcome =
  | 'likely_victim' // all required dimensions positive
  | 'deceived_and_exploited' // recruitment + exploitation, without coercion at destination (adults)
  | 'exploited' // exploitation only
  | 'insufficient_indicators' // some indicators, no qualifying combination
  | 'no_indicators' // no indicator answered yes
  | 'not_assessed'; // no interview consent: nothing was asked

export interface AnsweredIndicator {
  code: string;
  dimension: Dimension;
  weight: Weight;
  answer: Answer;
}

export interface DimensionResult {
  dimension: Dimension;
  strong: number;
  medium: number;
  weak: number;
  positive: boolean;
  /** Which clause of the rule made it positive. */
  clause: '2 strong' | '1 strong + 1 medium or weak' | '3 medium' | '2 medium + 1 weak' | null;
  /** Indicator codes answered yes. */
  drivers: string[];
}

export interface Suggestion {
  outcome: SuggestedOutcome;
  dimensions: DimensionResult[];
  /** Plain explanation of the rule applied and what drove it. */
  explanation: string[];
  /** Indicators answered unknown or declined: they count as neither yes nor no. */
  unanswered: { unknown: number; declined: number };
}

/** A dimension is positive with 2 strong, 1 strong + 1 medium/weak, 3 medium, or 2 medium + 1 weak. */
export function dimensionResult(dimension: Dimension, answers: AnsweredIndicator[]): DimensionResult {
  const yes = answers.filter((a) => a.dimension === dimension && a.answer === 'yes');
  const strong = yes.filter((a) => a.weight === 'strong').length;
  const medium = yes.filter((a) => a.weight === 'medium').length;
  const weak = yes.filter((a) => a.weight === 'weak').length;
  const clause: DimensionResult['clause'] =
    strong >= 2
      ? '2 strong'
      : strong >= 1 && medium + weak >= 1
        ? '1 strong + 1 medium or weak'
        : medium >= 3
          ? '3 medium'
          : medium >= 2 && weak >= 1
            ? '2 medium + 1 weak'
            : null;
  return { dimension, strong, medium, weak, positive: clause !== null, clause, drivers: yes.map((a) => a.code) };
}

/**
 * Adults: (D1 or D2 or D3) and D4 and (D5 or D6). Children: the means are not required
 * (Palermo art. 3(c)), so (D1 or D2 or D3) and D4 suffice; D5/D6 add evidence only.
 */
export function suggestOutcome(answers: AnsweredIndicator[], isChild: boolean): Suggestion {
  const dimensions = DIMENSION_ORDER.map((d) => dimensionResult(d, answers));
  const positive = new Set(dimensions.filter((d) => d.positive).map((d) => d.dimension));
  const recruitment = RECRUITMENT.filter((d) => positive.has(d));
  const destination = DESTINATION.filter((d) => positive.has(d));
  const exploitation = positive.has('D4');
  const anyYes = answers.some((a) => a.answer === 'yes');
  const unanswered = {
    unknown: answers.filter((a) => a.answer === 'unknown').length,
    declined: answers.filter((a) => a.answer === 'declined').length,
  };
  const list = (ds: Dimension[]) => ds.join(', ') || 'none';
  const explanation: string[] = [];
  let outcome: SuggestedOutcome;

  if (!anyYes) {
    outcome = 'no_indicators';
    explanation.push('No indicator was answered yes.');
  } else if (recruitment.length && exploitation && (isChild || destination.length)) {
    outcome = 'likely_victim';
    explanation.push(
      isChild
        ? `Child rule: recruitment (${list(recruitment)}) and exploitation (D4) are positive; the means dimensions are not required for a child.`
        : `Adult rule: recruitment (${list(recruitment)}), exploitation (D4) and coercion or abuse of vulnerability at destination (${list(destination)}) are positive.`,
    );
  } else if (recruitment.length && exploitation) {
    outcome = 'deceived_and_exploited';
    explanation.push(
      `Recruitment (${list(recruitment)}) and exploitation (D4) are positive, but neither D5 nor D6: the adult rule needs one of them.`,
    );
  } else if (exploitation) {
    outcome = 'exploited';
    explanation.push('Only exploitation (D4) is positive: no recruitment dimension (D1–D3) is.');
  } else {
    outcome = 'insufficient_indicators';
    explanation.push(
      `Positive dimensions: ${list([...positive])}. Exploitation (D4) is not positive, which every outcome of trafficking requires.`,
    );
  }
  for (const d of dimensions.filter((x) => x.positive)) {
    explanation.push(`${d.dimension} positive (${d.clause}): ${d.drivers.join(', ')}.`);
  }
  if (unanswered.unknown || unanswered.declined) {
    explanation.push(
      `${unanswered.unknown} unknown and ${unanswered.declined} declined answers count as neither yes nor no.`,
    );
  }
  explanation.push(
    'This is a suggestion only: the formal identification decision is recorded separately by an identification officer.',
  );
  return { outcome, dimensions, explanation, unanswered };
}
