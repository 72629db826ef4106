import type { SubjectAccessExport } from './dto/subject-request.dto.js';

export type ExportLanguage = 'en' | 'lo';

/** The page's own words. The Lao is a careful draft for the agencies' translators to confirm. */
const TEXT: Record<ExportLanguage, Record<string, string>> = {
  en: {
    title: 'Information held about you',
    intro:
      'This is everything the agency holds about you in the records it may see, produced at your request. ' +
      'Keep it safe: it describes what happened to you.',
    request: 'Request',
    produced: 'Produced',
    person: 'About you',
    case: 'Case',
    view: 'How the agency sees this case',
    full: 'in full',
    limited: 'in part (a referral from another agency)',
    screenings: 'Screening interviews',
    consents: 'Consents',
    assessments: 'Assessments',
    supportPlans: 'Support plans',
    services: 'Services given',
    followUps: 'Follow-ups',
    notes: 'Notes',
    referrals: 'Referrals',
    familyAssessments: 'Family assessments',
    placements: 'Stays in shelters',
    identificationDecisions: 'Identification decisions',
    documents: 'Documents',
    tracingRequests: 'Family tracing requests',
    expectedArrivals: 'Expected arrivals',
    returnNotices: 'Return notices',
    caseTransfers: 'Transfers of a case to another agency',
    intakeSubmissions: 'Interviews received from the field (KoboToolbox)',
    none: 'Nothing recorded',
    notCovered: 'Not included in this page',
    yes: 'yes',
    no: 'no',
  },
  lo: {
    title: 'ຂໍ້ມູນທີ່ເກັບຮັກສາກ່ຽວກັບທ່ານ',
    intro:
      'ນີ້ແມ່ນຂໍ້ມູນທັງໝົດທີ່ອົງການເກັບຮັກສາກ່ຽວກັບທ່ານ ໃນບັນທຶກທີ່ອົງການສາມາດເບິ່ງໄດ້, ເຊິ່ງຈັດທຳຕາມຄຳຮ້ອງຂອງທ່ານ. ' +
      'ກະລຸນາເກັບຮັກສາໄວ້ໃຫ້ປອດໄພ: ມັນອະທິບາຍສິ່ງທີ່ເກີດຂຶ້ນກັບທ່ານ.',
    request: 'ຄຳຮ້ອງ',
    produced: 'ວັນທີຈັດທຳ',
    person: 'ກ່ຽວກັບທ່ານ',
    case: 'ກໍລະນີ',
    view: 'ອົງການເບິ່ງກໍລະນີນີ້ແນວໃດ',
    full: 'ທັງໝົດ',
    limited: 'ບາງສ່ວນ (ການສົ່ງຕໍ່ຈາກອົງການອື່ນ)',
    screenings: 'ການສຳພາດຄັດກອງ',
    consents: 'ການຍິນຍອມ',
    assessments: 'ການປະເມີນ',
    supportPlans: 'ແຜນການຊ່ວຍເຫຼືອ',
    services: 'ການບໍລິການທີ່ໄດ້ຮັບ',
    followUps: 'ການຕິດຕາມ',
    notes: 'ບັນທຶກ',
    referrals: 'ການສົ່ງຕໍ່',
    familyAssessments: 'ການປະເມີນຄອບຄົວ',
    placements: 'ການພັກເຊົາຢູ່ສູນພັກພິງ',
    identificationDecisions: 'ການຕັດສິນກຳນົດຕົວ',
    documents: 'ເອກະສານ',
    tracingRequests: 'ຄຳຮ້ອງຕິດຕາມຫາຄອບຄົວ',
    expectedArrivals: 'ການມາຮອດທີ່ຄາດໄວ້',
    returnNotices: 'ແຈ້ງການສົ່ງກັບຄືນ',
    caseTransfers: 'ການໂອນກໍລະນີໄປຫາອົງການອື່ນ',
    intakeSubmissions: 'ການສຳພາດທີ່ໄດ້ຮັບຈາກພາກສະໜາມ (KoboToolbox)',
    none: 'ບໍ່ມີການບັນທຶກ',
    notCovered: 'ບໍ່ໄດ້ລວມຢູ່ໃນໜ້ານີ້',
    yes: 'ແມ່ນ',
    no: 'ບໍ່',
  },
};

/**
 * Labels of the fields a person reads most on the page (the export's JSON keys), in both
 * languages; any other key is shown spelt out from its name ("homeProvinceCode" as "Home
 * province code"). The Lao is a draft for the agencies' translators to confirm, as above.
 */
const FIELD_LABELS: Record<string, { en: string; lo: string }> = {
  names: { en: 'Names', lo: 'ຊື່' },
  givenNameLatin: { en: 'Given name (Latin letters)', lo: 'ຊື່ (ອັກສອນລາແຕັງ)' },
  familyNameLatin: { en: 'Family name (Latin letters)', lo: 'ນາມສະກຸນ (ອັກສອນລາແຕັງ)' },
  givenNameLo: { en: 'Given name (Lao)', lo: 'ຊື່ (ພາສາລາວ)' },
  familyNameLo: { en: 'Family name (Lao)', lo: 'ນາມສະກຸນ (ພາສາລາວ)' },
  aliases: { en: 'Other names', lo: 'ຊື່ອື່ນ' },
  birth: { en: 'Birth', lo: 'ການເກີດ' },
  dateOfBirth: { en: 'Date of birth', lo: 'ວັນເດືອນປີເກີດ' },
  birthYear: { en: 'Year of birth', lo: 'ປີເກີດ' },
  estimatedAge: { en: 'Estimated age', lo: 'ອາຍຸໂດຍປະມານ' },
  age: { en: 'Age', lo: 'ອາຍຸ' },
  isChild: { en: 'Under 18', lo: 'ອາຍຸຕ່ຳກວ່າ 18 ປີ' },
  gender: { en: 'Sex', lo: 'ເພດ' },
  citizenships: { en: 'Citizenship', lo: 'ສັນຊາດ' },
  languages: { en: 'Languages', lo: 'ພາສາ' },
  homeProvinceCode: { en: 'Home province', lo: 'ແຂວງບ້ານເກີດ' },
  provinceCode: { en: 'Province', lo: 'ແຂວງ' },
  contacts: { en: 'Contacts', lo: 'ການຕິດຕໍ່' },
  phone: { en: 'Phone', lo: 'ເບີໂທລະສັບ' },
  address: { en: 'Address', lo: 'ທີ່ຢູ່' },
  guardian: { en: 'Guardian', lo: 'ຜູ້ປົກຄອງ' },
  documents: { en: 'Documents', lo: 'ເອກະສານ' },
  caseNumber: { en: 'Case number', lo: 'ເລກກໍລະນີ' },
  stage: { en: 'Stage', lo: 'ຂັ້ນຕອນ' },
  status: { en: 'Status', lo: 'ສະຖານະ' },
  identificationStatus: { en: 'Identification', lo: 'ການກຳນົດຕົວ' },
  exploitationTypes: { en: 'Forms of exploitation', lo: 'ຮູບແບບການຂູດຮີດ' },
  openedOn: { en: 'Opened on', lo: 'ວັນທີເປີດ' },
  closedOn: { en: 'Closed on', lo: 'ວັນທີປິດ' },
  createdAt: { en: 'Recorded', lo: 'ວັນທີບັນທຶກ' },
  updatedAt: { en: 'Last changed', lo: 'ວັນທີປ່ຽນແປງລ່າສຸດ' },
  text: { en: 'Text', lo: 'ເນື້ອໃນ' },
  narrative: { en: 'Account', lo: 'ຄຳບອກເລົ່າ' },
  answers: { en: 'Answers', lo: 'ຄຳຕອບ' },
  needs: { en: 'Needs', lo: 'ຄວາມຕ້ອງການ' },
  objectives: { en: 'Objectives', lo: 'ເປົ້າໝາຍ' },
  reason: { en: 'Reason', lo: 'ເຫດຜົນ' },
  purposes: { en: 'Purposes', lo: 'ຈຸດປະສົງ' },
  decision: { en: 'Decision', lo: 'ການຕັດສິນ' },
  dueOn: { en: 'Due on', lo: 'ກຳນົດວັນທີ' },
  plannedDate: { en: 'Planned date', lo: 'ວັນທີວາງແຜນ' },
  actualDate: { en: 'Date', lo: 'ວັນທີ' },
};

/** "homeProvinceCode" as "Home province code". */
const spelledOut = (key: string) => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
const fieldLabel = (key: string, lang: ExportLanguage) => FIELD_LABELS[key]?.[lang] ?? spelledOut(key);

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A value as nested definition lists: every field the API answered, nothing dropped. */
function valueHtml(value: unknown, t: Record<string, string>, lang: ExportLanguage): string {
  if (value === null || value === undefined || value === '') return '<span class="none">—</span>';
  if (typeof value === 'boolean') return value ? t.yes! : t.no!;
  if (typeof value !== 'object') return escapeHtml(String(value));
  if (Array.isArray(value)) {
    if (!value.length) return '<span class="none">—</span>';
    return `<ol>${value.map((v) => `<li>${valueHtml(v, t, lang)}</li>`).join('')}</ol>`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return `<dl>${entries
    .map(([k, v]) => `<dt>${escapeHtml(fieldLabel(k, lang))}</dt><dd>${valueHtml(v, t, lang)}</dd>`)
    .join('')}</dl>`;
}

function sectionHtml(name: string, items: unknown[], t: Record<string, string>, lang: ExportLanguage): string {
  const body = items.length
    ? items.map((item) => `<div class="record">${valueHtml(item, t, lang)}</div>`).join('')
    : `<p class="none">${t.none}</p>`;
  return `<section><h3>${escapeHtml(t[name] ?? name)}</h3>${body}</section>`;
}

/** The export as a printable page in Lao or English (values as recorded, in the language they were written). */
export function renderSubjectAccessHtml(e: SubjectAccessExport, lang: ExportLanguage): string {
  const t = TEXT[lang];
  const cases = e.cases
    .map(
      (c) =>
        `<article><h2>${t.case} ${escapeHtml(c.caseNumber)}</h2>` +
        `<p>${t.view}: ${c.view === 'full' ? t.full : t.limited}</p>` +
        `<div class="record">${valueHtml(c.case, t, lang)}</div>` +
        c.sections.map((s) => sectionHtml(s.section, s.items, t, lang)).join('') +
        `</article>`,
    )
    .join('');
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${t.title}</title>
<style>
body{font-family:"Noto Sans Lao","Phetsarath OT",system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.25rem 0}dt{font-weight:600;color:#333}dd{margin:0}
.record{border-left:3px solid #ccc;padding-left:.75rem;margin:.5rem 0}.none{color:#777}article{margin-top:2rem}
@media print{article{page-break-before:always}}
</style></head><body>
<h1>${t.title}</h1><p>${t.intro}</p>
<p>${t.request}: ${escapeHtml(e.requestId)} · ${t.produced}: ${escapeHtml(e.producedAt)}</p>
<h2>${t.person}</h2><div class="record">${valueHtml(e.person, t, lang)}</div>
${e.sections.map((s) => sectionHtml(s.section, s.items, t, lang)).join('')}
${cases}
${e.notCovered.length ? `<h2>${t.notCovered}</h2><ul>${e.notCovered.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
</body></html>`;
}
