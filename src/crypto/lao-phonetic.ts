/**
 * A phonetic key that lets the same name meet across scripts and romanisations:
 * ສົມໃຈ, สมใจ, "Somchai", "Somchay" and "Somjai" all give S-M-C. Consonants are mapped to
 * classes (romanisations of Lao disagree mostly on vowels and on ch/j, x/s, ph/p, v/w); vowels,
 * tone marks and the silent vowel carrier are dropped. Thai script matters because a Lao
 * migrant's papers from Thailand spell the name in Thai. Used only inside keyed blind indexes;
 * changing these rules needs `npm run keys:reindex`.
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

/**
 * Thai consonants as a syllable's first sound. ช, ฉ and ฌ read as their romanisation "ch" (C),
 * so สมชาย meets Somchai, as a Thai notice spells it in both scripts; their Lao cognate ຊ
 * (Somxay) stays apart, as Somchai and Somxay do in Latin. Doubles fall in with plain letters.
 */
const THAI_INITIAL: Record<string, string> = {
  ก: 'K',
  ข: 'K',
  ฃ: 'K',
  ค: 'K',
  ฅ: 'K',
  ฆ: 'K',
  ง: 'G',
  จ: 'C',
  ฉ: 'C',
  ช: 'C',
  ซ: 'S',
  ฌ: 'C',
  ญ: 'Y',
  ฎ: 'D',
  ฏ: 'T',
  ฐ: 'T',
  ฑ: 'T',
  ฒ: 'T',
  ณ: 'N',
  ด: 'D',
  ต: 'T',
  ถ: 'T',
  ท: 'T',
  ธ: 'T',
  น: 'N',
  บ: 'B',
  ป: 'P',
  ผ: 'P',
  ฝ: 'F',
  พ: 'P',
  ฟ: 'F',
  ภ: 'P',
  ม: 'M',
  ย: 'Y',
  ร: 'L',
  ฤ: 'L',
  ล: 'L',
  ฦ: 'L',
  ว: 'V',
  ศ: 'S',
  ษ: 'S',
  ส: 'S',
  ห: 'H',
  ฬ: 'L',
  อ: '',
  ฮ: 'H',
};

/** Thai consonants closing a syllable sound as one of eight finals (ร, ล, ญ close with n). */
const THAI_FINAL: Record<string, string> = {
  ...Object.fromEntries(
    [...'จฉชซฌฎฏฐฑฒดตถทธศษส']
      .map((c) => [c, 'T'])
      .concat(
        [...'บปพฟภ'].map((c) => [c, 'P']),
        [...'ญณนรลฬ'].map((c) => [c, 'N']),
        [...'กขฃคฅฆ'].map((c) => [c, 'K']),
      ),
  ),
  ง: 'G',
  ม: 'M',
  // Closing glides and the vowel carrier belong to the vowel (ไชย = Xay, แก้ว = Keo).
  ว: '',
  ย: '',
  อ: '',
  ห: '',
  ฮ: '',
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
 * and a final ວ/w or ຍ/ย is a vowel glide romanised o, ew, w or y, i (ແກ້ວ = Keo = Kaew,
 * ສົມຊາຍ = Somxay = Somsai).
 */
const finalStop = (key: string) => key.replace(/[VY]$/, '').replace(/D$/, 'T').replace(/B$/, 'P');

function latinKey(word: string): string {
  const w = stripMarks(word)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  let out = '';
  for (let i = 0; i < w.length;) {
    // 'y' and 'w' are vowels unless a vowel follows them (Somchay, Bounmy, Kaewmany; but
    // Yai, Vanyo, Sawan).
    if ((w[i] === 'y' || w[i] === 'w') && !VOWELS.has(w[i + 1] ?? '')) {
      i += 1;
      continue;
    }
    // 'h' after a consonant or at the end only marks aspiration or tone (Phonsavanh).
    if (w[i] === 'h' && !VOWELS.has(w[i + 1] ?? '') && !(i === 0 && w.length === 1)) {
      i += 1;
      continue;
    }
    // Thai romanisation keeps an 'r' that Lao does not say: a final ร after the vowel
    // (Porn = ພອນ = Phone) and the second sound of a cluster (Prasert = ປະເສີດ, Sri = ສີ).
    const afterVowel = i > 0 && VOWELS.has(w[i - 1]!);
    if (w[i] === 'r' && i > 0 && (afterVowel ? !VOWELS.has(w[i + 1] ?? '') : VOWELS.has(w[i + 1] ?? ''))) {
      i += 1;
      continue;
    }
    if (VOWELS.has(w[i]!)) {
      i += 1;
      continue;
    }
    // 'ny' is the sound ຍ only before a vowel (Nyot); otherwise an n and a vowel (Keomany).
    const group = LATIN_GROUPS.find(([g]) => w.startsWith(g, i) && (g !== 'ny' || VOWELS.has(w[i + 2] ?? '')));
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
    // ວ and ຍ before a consonant or at the end are vowels or glides (ດວງ = Douang, ສາຍ = Sai).
    if (out !== '' && /[ວຍ]/.test(w[i]!) && (i + 1 === w.length || LAO_CLASSES[w[i + 1]!])) continue;
    if (cls !== undefined && !(cls === 'H' && out === '')) out += cls;
  }
  return finalStop(out);
}

const THAI_LEADING_VOWEL = /[เแโใไ]/;
const THAI_TONE_MARK = /[\u0E48-\u0E4B]/;
/** Vowel signs written after, above or below the first consonant of a syllable. */
// ะ ั า ำ ิ ี ึ ื ุ ู ฺ (U+0E30-0E3A), ๅ and ็: a set, as combining marks in a regex class mislead.
const THAI_VOWEL_SIGNS = new Set(
  [...Array.from({ length: 11 }, (_, k) => 0x0e30 + k), 0x0e45, 0x0e47].map((c) => String.fromCodePoint(c)),
);
const THAI_VOWEL_SIGN = { test: (ch: string) => THAI_VOWEL_SIGNS.has(ch) };
const THAI_SILENCER = '\u0E4C'; // ์ thanthakhat: the consonant under it is not pronounced

/**
 * Thai has no spaces between syllables and no mark for a syllable's end, so a consonant is
 * read as a final when nothing but a vowel sign or its syllable's first consonant comes before
 * it and no vowel sign follows it (สม|ใจ, บุญ|มี, สม|พร). Vowels are dropped whatever their
 * place, so a vowel written before its consonant (ใจ, แสง) changes nothing.
 */
function thaiKey(word: string): string {
  const w = word.normalize('NFC');
  let out = '';
  // What the previous consonant was: none yet, a syllable's first sound (waiting for its vowel
  // or final), or a final (the next consonant starts a new syllable).
  let previous: 'none' | 'initial' | 'vowel' | 'final' = 'none';
  // ใ and ไ (ai) make an open syllable: the consonant after their first one starts the next.
  let openSyllable = false;
  let afterOpenSyllable = false;
  for (let i = 0; i < w.length; i++) {
    const ch = w[i]!;
    if (ch === THAI_SILENCER) {
      // Its consonant was left out below; what follows starts a new syllable.
      previous = 'final';
      continue;
    }
    if (THAI_LEADING_VOWEL.test(ch)) {
      previous = 'none';
      openSyllable = ch === 'ใ' || ch === 'ไ';
      continue;
    }
    if (THAI_VOWEL_SIGN.test(ch)) {
      if (ch === 'ำ') out += 'M';
      // Short ะ closes its syllable: the consonant after it starts the next (ไซยะวง = Xa-ya-vong).
      previous = ch === 'ะ' ? 'final' : 'vowel';
      continue;
    }
    if (THAI_INITIAL[ch] === undefined) continue;
    let next = i + 1;
    while (next < w.length && THAI_TONE_MARK.test(w[next]!)) next += 1;
    const vowelFollows = THAI_VOWEL_SIGN.test(w[next] ?? '');
    // รร after a consonant is its vowel and final (วรร = wan), like a vowel sign.
    const roHan = w[next] === 'ร' && w[next + 1] === 'ร';
    const isFinal: boolean = !vowelFollows && !roHan && (previous === 'vowel' || previous === 'initial');
    // A silenced letter leaves no sound (ศักดิ์), nor does a syllable start silenced with it
    // (จันทร์ = Chan, ลักษณ์ = Lak; but บูรณ์ = Boun, where ร closes the syllable).
    const silenced =
      w[next] === THAI_SILENCER ||
      (vowelFollows && w[next + 1] === THAI_SILENCER) ||
      (!isFinal && THAI_INITIAL[w[next] ?? ''] !== undefined && w[next + 1] === THAI_SILENCER);
    // After a syllable's first consonant, อ is the vowel o and ว with no vowel sign the vowel
    // ua (อ่อน = On, ดวง = Douang); ร and ล there are a cluster that Lao does not say (ประ = ປະ).
    if (previous === 'initial' && (ch === 'อ' || (ch === 'ว' && !vowelFollows && !roHan))) {
      previous = 'vowel';
      continue;
    }
    if (previous === 'initial' && (ch === 'ร' || ch === 'ล') && vowelFollows) continue;
    // ย after an ไ syllable only repeats its vowel (ไทย, ไชย = Xay).
    if (ch === 'ย' && afterOpenSyllable && !vowelFollows) continue;
    // รร reads "an" (สวรรค์ = Savan).
    if (ch === 'ร' && w[i + 1] === 'ร') {
      out += 'N';
      i += 1;
      previous = 'final';
      continue;
    }
    // ห before a sonorant only marks the tone (หนู, หวัน).
    if (ch === 'ห' && !isFinal && /[งญนมยรลว]/.test(w[i + 1] ?? '')) continue;
    const cls = isFinal ? THAI_FINAL[ch]! : THAI_INITIAL[ch]!;
    if (!silenced && !(cls === 'H' && out === '')) out += cls;
    previous = isFinal || openSyllable ? 'final' : 'initial';
    afterOpenSyllable = openSyllable;
    openSyllable = false;
  }
  return finalStop(out);
}

const isLao = (s: string) => /[\u0E80-\u0EFF]/.test(s);
const isThai = (s: string) => /[\u0E00-\u0E7F]/.test(s);

/** Splits a full name into words (any of the three scripts) and keys each one. */
export function phoneticKeys(name: string): string[] {
  return name
    .split(/[\s,.'’-]+/u)
    .filter(Boolean)
    .map((word) => (isLao(word) ? laoKey(word) : isThai(word) ? thaiKey(word) : latinKey(word)))
    .filter((k) => k.length >= 2);
}

/** Exact-match normalisation: NFC, case-folded, marks kept for Lao and Thai, spaces collapsed. */
export function normalisedWords(name: string): string[] {
  return name
    .normalize('NFC')
    .toLowerCase()
    .split(/[\s,.'’-]+/u)
    .filter(Boolean)
    .map((w) => (isLao(w) || isThai(w) ? w : stripMarks(w)));
}
