/**
 * Coarse age bands, the only age information stored in clear (birth data is encrypted). They are
 * CTDC's ageBroad bands, so the de-identified export and the statistics use one grouping; 0–8
 * and 9–17 are the children.
 */
export const AGE_BANDS = ['0-8', '9-17', '18-20', '21-23', '24-26', '27-29', '30-38', '39-47', '48+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

const LOWER_BOUNDS = [0, 9, 18, 21, 24, 27, 30, 39, 48];

/** The band of an age in whole years; null when the age is unknown (or impossible). */
export function ageBandOf(age: number | null): AgeBand | null {
  if (age === null || !Number.isFinite(age) || age < 0 || age > 130) return null;
  let band = 0;
  while (band + 1 < LOWER_BOUNDS.length && age >= LOWER_BOUNDS[band + 1]!) band++;
  return AGE_BANDS[band]!;
}

export const isChildBand = (band: string | null): boolean => band === '0-8' || band === '9-17';
