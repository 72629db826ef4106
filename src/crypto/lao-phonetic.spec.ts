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

describe('word endings and glides', () => {
  it.each([
    ['ແກ້ວ', 'Keo'],
    ['ແກ້ວ', 'Kaew'],
    ['ສຸກສະຫວັດ', 'Souksavat'],
    // A glide inside a word is a vowel, in Lao script and in romanisation alike.
    ['ແກ້ວມະນີ', 'Keomany'],
    ['ແກ້ວມະນີ', 'Kaewmany'],
    ['ດວງໃຈ', 'Douangchai'],
    ['ສາຍທອງ', 'Saithong'],
  ])('%s meets %s', (lao, latin) => {
    expect(phoneticKeys(lao)).toEqual(phoneticKeys(latin));
  });
});

/**
 * Thai script: a Lao migrant's papers from Thailand spell the name in Thai, by its Thai cognate
 * or by sound. Real name triples from the region, Thai / Lao / a romanisation.
 */
describe('Thai script meets Lao script and romanisations', () => {
  it.each([
    ['สมใจ', 'ສົມໃຈ', 'Somchai'],
    ['บุญมี', 'ບຸນມີ', 'Bounmy'],
    ['สมพร', 'ສົມພອນ', 'Somphone'],
    ['สมพร', 'ສົມພອນ', 'Somporn'],
    ['สมชาย', 'ສົມໃຈ', 'Somchai'],
    ['สมศักดิ์', 'ສົມສັກ', 'Somsak'],
    ['แสงทอง', 'ແສງທອງ', 'Sengthong'],
    ['คำ', 'ຄຳ', 'Kham'],
    ['สุกสวัสดิ์', 'ສຸກສະຫວັດ', 'Souksavath'],
    ['พรสวรรค์', 'ພອນສະຫວັນ', 'Phonsavanh'],
    ['วงไซ', 'ວົງໄຊ', 'Vongxay'],
    ['ประเสริฐ', 'ປະເສີດ', 'Prasert'],
    ['จันทร์', 'ຈັນ', 'Chan'],
    ['มณี', 'ມະນີ', 'Manee'],
    ['หนูพัน', 'ໜູພັນ', 'Nouphanh'],
    ['บุญเหลือ', 'ບຸນເຫຼືອ', 'Bounleua'],
    ['ไซสมบูรณ์', 'ໄຊສົມບູນ', 'Xaysomboun'],
    ['วันดี', 'ວັນດີ', 'Vanhdy'],
    ['อ่อนแก้ว', 'ອ່ອນແກ້ວ', 'Onekeo'],
    ['ดวงใจ', 'ດວງໃຈ', 'Douangchai'],
  ])('%s meets %s and %s', (thai, lao, latin) => {
    expect(phoneticKeys(thai)).toEqual(phoneticKeys(lao));
    expect(phoneticKeys(thai)).toEqual(phoneticKeys(latin));
  });

  it('reads tone marks and vowels written before their consonant as nothing', () => {
    // ไ, แ, เ come before the consonant they follow in speech; tone marks sit above it.
    expect(phoneticKeys('แก้วมณี')).toEqual(phoneticKeys('แกวมณี'));
    expect(phoneticKeys('เมืองแก้ว')).toEqual(phoneticKeys('Mueangkaeo'));
    expect(phoneticKeys('เมืองแก้ว')).toEqual(['MGK']);
    // ย after an ไ syllable repeats its vowel; ช reads as its romanisation.
    expect(phoneticKeys('ไชยสมบูรณ์')).toEqual(phoneticKeys('Chaisomboun'));
  });

  it.each([
    ['สมใจ', 'บุญมี'],
    ['สมพร', 'สมศักดิ์'],
    ['ดวงใจ', 'วันดี'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(phoneticKeys(a)).not.toEqual(phoneticKeys(b));
  });

  it('keeps Thai words whole for the exact index, as Lao words are', () => {
    expect(normalisedWords('สมใจ  ดวงใจ')).toEqual(['สมใจ', 'ดวงใจ']);
  });
});

/**
 * More real names of the region in the three scripts, chosen for what differs between them: Lao
 * and Thai tone marks in different places (ພູມີ/พูมี, ເພັງ/เพ็ง), a vowel written before its
 * consonant (ແພງ/แพง, ເພັງ/เพ็ง, ໄຊ/ไซ), sara am (ຄຳ/คำ) and a Thai silent final (จันทร์).
 */
describe('more name triples: tone marks and vowel order', () => {
  it.each([
    ['สีดา', 'ສີດາ', 'Sida'],
    ['พูมี', 'ພູມີ', 'Phoumy'],
    ['คำพอง', 'ຄຳພອງ', 'Khamphong'],
    ['ทองดี', 'ທອງດີ', 'Thongdy'],
    ['แสงจันทร์', 'ແສງຈັນ', 'Sengchanh'],
    ['เพ็ง', 'ເພັງ', 'Pheng'],
    ['แพง', 'ແພງ', 'Phaeng'],
    ['ไซยะวง', 'ໄຊຍະວົງ', 'Xayavong'],
    ['คำแสง', 'ຄຳແສງ', 'Khamsaeng'],
    ['ทองสุก', 'ທອງສຸກ', 'Thongsouk'],
    ['มะลิ', 'ມະລິ', 'Mali'],
    ['นาง', 'ນາງ', 'Nang'],
  ])('%s meets %s and %s', (thai, lao, latin) => {
    expect(phoneticKeys(thai)).toEqual(phoneticKeys(lao));
    expect(phoneticKeys(lao)).toEqual(phoneticKeys(latin));
  });

  it('reads a name the same with or without its tone marks, in both scripts', () => {
    expect(phoneticKeys('ພູມີ')).toEqual(phoneticKeys('ພູມີ'.replace(/[\u0EC8-\u0ECB]/g, '')));
    expect(phoneticKeys('ຄຳພ່ອງ')).toEqual(phoneticKeys('ຄຳພອງ'));
    expect(phoneticKeys('เพ็ง')).toEqual(phoneticKeys('เพง'));
    expect(phoneticKeys('ทองดี่')).toEqual(phoneticKeys('ทองดี'));
  });

  it.each([
    ['ທອງດີ', 'ທອງສຸກ'],
    ['แพง', 'เพ็ญ'],
    ['Sida', 'Mali'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(phoneticKeys(a)).not.toEqual(phoneticKeys(b));
  });
});
