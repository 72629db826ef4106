import { normalisedWords, phoneticKeys } from './lao-phonetic.js';

describe('phonetic keys across Lao script and romanisations', () => {
  it.each([
    ['ສົມໃຈ', 'Somchai'],
    ['ສົມໃຈ', 'Somchay'],
    ['ສົມໃຈ', 'Somjai'],
    ['ພອນສະຫວັນ', 'Phonsavanh'],
    ['ພອນສະຫວັນ', 'Phonesavan'],
    ['ບຸນມີ', 'Bounmy'],
    ['ບຸນມີ', 'Bounmi'],
    ['ແສງທອງ', 'Sengthong'],
    ['ແສງທອງ', 'Saengthong'],
    ['ຄຳ', 'Kham'],
    ['ວົງໄຊ', 'Vongxay'],
    ['ວົງໄຊ', 'Vongsai'],
    ['ສຸກສະຫວັດ', 'Souksavath'],
  ])('%s meets %s', (lao, latin) => {
    expect(phoneticKeys(lao)).toEqual(phoneticKeys(latin));
  });

  it.each([
    ['Somchai', 'Bounmy'],
    ['Phonsavanh', 'Vongxay'],
    ['ສົມໃຈ', 'ບຸນມີ'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(phoneticKeys(a)).not.toEqual(phoneticKeys(b));
  });

  it('keys every word of a full name and normalises exact words', () => {
    expect(phoneticKeys('Somchai Vongxay')).toHaveLength(2);
    expect(normalisedWords('  SOMCHAI   Vöngxay ')).toEqual(['somchai', 'vongxay']);
  });
});

describe('word endings', () => {
  it.each([
    ['ແກ້ວ', 'Keo'],
    ['ແກ້ວ', 'Kaew'],
    ['ສຸກສະຫວັດ', 'Souksavat'],
  ])('%s meets %s', (lao, latin) => {
    expect(phoneticKeys(lao)).toEqual(phoneticKeys(latin));
  });
});
