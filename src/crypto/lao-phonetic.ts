/**
 * A phonetic key that lets the same name meet across scripts and romanisations:
 * ສົມໃຈ, "Somchai", "Somchay" and "Somjai" all give S-M-C. Consonants are mapped to classes
 * (romanisations of Lao disagree mostly on vowels and on ch/j, x/s, ph/p, v/w); vowels, tone
 * marks and the silent vowel carrier are dropped. Used only inside keyed blind indexes.
 */

const LAO_CLASSES: Record<string, string> = {
  ກ: 'K',
  ຂ: 'K',
  ຄ: 'K',
  ງ: 'G',
  ຈ: 'C',
  ສ: 'S',
  ຊ: 'S',
  ຍ: 'Y',
  ຢ: 'Y',
  ດ: 'D',
  ຕ: 'T',
  ຖ: 'T',
  ທ: 'T',
  ນ: 'N',
  ໜ: 'N',
  ບ: 'B',
  ປ: 'P',
  ຜ: 'P',
  ພ: 'P',
  ຝ: 'F',
  ຟ: 'F',
  ມ: 'M',
  ໝ: 'M',
  ຣ: 'L',
  ລ: 'L',
  ຫຼ: 'L',
  ໆ: '',
  ວ: 'V',
  ຫ: 'H',
  ຮ: 'H',
  ອ: '',
  // Sara am carries a final m sound (ຄຳ = Kham).
  ຳ: 'M',
};

/** Latin letter groups, longest first. */
const LATIN_GROUPS: [string, string][] = [
  ['ng', 'G'],
  ['ny', 'Y'],
  ['kh', 'K'],
  ['gh', 'K'],
  ['ch', 'C'],
  ['th', 'T'],
  ['ph', 'P'],
  ['sh', 'S'],
  ['k', 'K'],
  ['g', 'K'],
  ['q', 'K'],
  ['c', 'K'],
  ['j', 'C'],
  ['s', 'S'],
  ['x', 'S'],
  ['z', 'S'],
  ['d', 'D'],
  ['t', 'T'],
  ['n', 'N'],
  ['b', 'B'],
  ['p', 'P'],
  ['f', 'F'],
  ['m', 'M'],
  ['r', 'L'],
  ['l', 'L'],
  ['v', 'V'],
  ['w', 'V'],
  ['h', 'H'],
  ['y', 'Y'],
];
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

const stripMarks = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '');

/**
 * Word endings: final stops are written d/t/th and b/p alike (a final D counts as T, B as P),
 * and a final ວ/w is a vowel glide romanised o, ew or w (ແກ້ວ = Keo = Kaew).
 */
const finalStop = (key: string) => key.replace(/V$/, '').replace(/D$/, 'T').replace(/B$/, 'P');

function latinKey(word: string): string {
  const w = stripMarks(word)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  let out = '';
  for (let i = 0; i < w.length;) {
    // 'y' is a vowel unless a vowel follows it (Somchay, Bounmy; but Yai, Vanyo).
    if (w[i] === 'y' && !VOWELS.has(w[i + 1] ?? '')) {
      i += 1;
      continue;
    }
    // 'h' after a consonant or at the end only marks aspiration or tone (Phonsavanh).
    if (w[i] === 'h' && !VOWELS.has(w[i + 1] ?? '') && !(i === 0 && w.length === 1)) {
      i += 1;
      continue;
    }
    if (VOWELS.has(w[i]!)) {
      i += 1;
      continue;
    }
    const group = LATIN_GROUPS.find(([g]) => w.startsWith(g, i));
    if (!group) {
      i += 1;
      continue;
    }
    // A word-initial 'h' before a vowel is often dropped in romanisation (Houmphanh/Oumphanh).
    if (!(group[1] === 'H' && out === '')) out += group[1];
    i += group[0].length;
  }
  return finalStop(out);
}

function laoKey(word: string): string {
  let out = '';
  const w = word.normalize('NFC');
  for (let i = 0; i < w.length; i++) {
    const two = w.slice(i, i + 2);
    if (LAO_CLASSES[two] !== undefined) {
      out += LAO_CLASSES[two];
      i += 1;
      continue;
    }
    const cls = LAO_CLASSES[w[i]!];
    // ຫ before a sonorant only marks the tone (ຫວ, ຫນ, ຫມ, ຫລ): it has no sound of its own.
    if (w[i] === 'ຫ' && /[ງຍນມລວຣ]/.test(w[i + 1] ?? '')) continue;
    if (cls !== undefined && !(cls === 'H' && out === '')) out += cls;
  }
  return finalStop(out);
}

const isLao = (s: string) => /[\u0E80-\u0EFF]/.test(s);

/** Splits a full name into words (either script) and keys each one. */
export function phoneticKeys(name: string): string[] {
  return name
    .split(/[\s,.'’-]+/u)
    .filter(Boolean)
    .map((word) => (isLao(word) ? laoKey(word) : latinKey(word)))
    .filter((k) => k.length >= 2);
}

/** Exact-match normalisation: NFC, case-folded, marks kept for Lao, spaces collapsed. */
export function normalisedWords(name: string): string[] {
  return name
    .normalize('NFC')
    .toLowerCase()
    .split(/[\s,.'’-]+/u)
    .filter(Boolean)
    .map((w) => (isLao(w) ? w : stripMarks(w)));
}
