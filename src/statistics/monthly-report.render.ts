/**
 * The monthly report for the NSC and donors, rendered from statistics tables that have already
 * been through disclosure control: printable HTML with hand-written inline SVG charts (no
 * script, nothing fetched), and the same tables as CSV. Pure functions.
 */
export const REPORT_LANGUAGES = ['en', 'lo'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

export interface ReportSection {
  key: 'trend' | 'provinces' | 'exploitationTypes' | 'unmetNeedsBySex' | 'referralOutcomes';
  /** Rows to draw and tabulate: a label (a period or a dimension value) and its count (null: withheld). */
  rows: { label: string; count: number | null }[];
  /** The statistic behind it, for the footnote: measure, dimension, period. */
  source: string;
}

export interface MonthlyReport {
  month: string;
  lang: ReportLanguage;
  minCellSize: number;
  scope: string;
  generatedAt: string;
  sections: ReportSection[];
}

// Lao wording drafted for review by the NSC secretariat's translators.
const TEXT = {
  en: {
    title: 'Counter-trafficking monthly report',
    scope: { national: 'All agencies', agency: 'Your agency' },
    trend: 'Cases opened, last 12 months',
    provinces: 'Cases opened this month by province',
    exploitationTypes: 'Cases opened this month by exploitation type',
    unmetNeedsBySex: 'Unmet needs this month by sex',
    referralOutcomes: 'Referrals sent this month by outcome',
    label: 'Category',
    count: 'Count',
    withheld: 'withheld',
    note: (min: number) =>
      `Counts below ${min} are withheld, with enough others that none can be recomputed from the totals. A case may have several exploitation types.`,
    generated: 'Generated',
  },
  lo: {
    title: 'ລາຍງານປະຈຳເດືອນ ກ່ຽວກັບການຕ້ານການຄ້າມະນຸດ',
    scope: { national: 'ທຸກອົງການ', agency: 'ອົງການຂອງທ່ານ' },
    trend: 'ກໍລະນີທີ່ເປີດໃໝ່ ໃນ 12 ເດືອນຜ່ານມາ',
    provinces: 'ກໍລະນີທີ່ເປີດໃໝ່ໃນເດືອນນີ້ ຕາມແຂວງ',
    exploitationTypes: 'ກໍລະນີທີ່ເປີດໃໝ່ໃນເດືອນນີ້ ຕາມປະເພດການຂູດຮີດ',
    unmetNeedsBySex: 'ຄວາມຕ້ອງການທີ່ບໍ່ໄດ້ຮັບການຕອບສະໜອງໃນເດືອນນີ້ ຕາມເພດ',
    referralOutcomes: 'ການສົ່ງຕໍ່ໃນເດືອນນີ້ ຕາມຜົນໄດ້ຮັບ',
    label: 'ລາຍການ',
    count: 'ຈຳນວນ',
    withheld: 'ປິດບັງ',
    note: (min: number) =>
      `ຕົວເລກທີ່ໜ້ອຍກວ່າ ${min} ຖືກປິດບັງ ພ້ອມກັບຕົວເລກອື່ນພຽງພໍ ເພື່ອບໍ່ໃຫ້ຄິດໄລ່ຄືນຈາກຍອດລວມໄດ້. ກໍລະນີໜຶ່ງອາດມີຫຼາຍປະເພດການຂູດຮີດ.`,
    generated: 'ສ້າງເມື່ອ',
  },
} as const;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function sectionTitle(lang: ReportLanguage, key: ReportSection['key']): string {
  return TEXT[lang][key];
}

/** A column chart of a time series (the trend): one bar per period, withheld periods drawn as a dashed outline. */
function columnChart(section: ReportSection, lang: ReportLanguage): string {
  const width = 640;
  const height = 220;
  const pad = { left: 40, bottom: 40, top: 16 };
  const max = Math.max(1, ...section.rows.map((r) => r.count ?? 0));
  const slot = (width - pad.left) / Math.max(1, section.rows.length);
  const plot = height - pad.bottom - pad.top;
  const bars = section.rows
    .map((r, i) => {
      const x = pad.left + i * slot + slot * 0.15;
      const w = slot * 0.7;
      const label = `<text x="${x + w / 2}" y="${height - pad.bottom + 14}" font-size="10" text-anchor="middle">${escapeHtml(r.label.slice(2))}</text>`;
      if (r.count === null)
        return `<rect class="withheld" x="${x}" y="${pad.top + plot - 12}" width="${w}" height="12" fill="none" stroke="#888" stroke-dasharray="3 2"><title>${escapeHtml(r.label)}: ${TEXT[lang].withheld}</title></rect>${label}`;
      const h = (r.count / max) * plot;
      return `<rect class="bar" x="${x}" y="${pad.top + plot - h}" width="${w}" height="${h}" fill="#1f5f8b"><title>${escapeHtml(r.label)}: ${r.count}</title></rect><text x="${x + w / 2}" y="${pad.top + plot - h - 3}" font-size="10" text-anchor="middle">${r.count}</text>${label}`;
    })
    .join('');
  return svg(
    section,
    width,
    height,
    `<line x1="${pad.left}" y1="${pad.top + plot}" x2="${width}" y2="${pad.top + plot}" stroke="#333"/>${bars}`,
    lang,
  );
}

/** A horizontal bar chart of categories. */
function barChart(section: ReportSection, lang: ReportLanguage): string {
  const width = 640;
  const rowHeight = 22;
  const labelWidth = 220;
  const height = Math.max(1, section.rows.length) * rowHeight + 10;
  const max = Math.max(1, ...section.rows.map((r) => r.count ?? 0));
  const bars = section.rows
    .map((r, i) => {
      const y = 5 + i * rowHeight;
      const label = `<text x="${labelWidth - 6}" y="${y + 15}" font-size="11" text-anchor="end">${escapeHtml(r.label)}</text>`;
      if (r.count === null)
        return `${label}<text class="withheld" x="${labelWidth + 4}" y="${y + 15}" font-size="11" fill="#666">${TEXT[lang].withheld}</text>`;
      const w = (r.count / max) * (width - labelWidth - 60);
      return `${label}<rect class="bar" x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 6}" fill="#1f5f8b"><title>${escapeHtml(r.label)}: ${r.count}</title></rect><text x="${labelWidth + w + 4}" y="${y + 15}" font-size="11">${r.count}</text>`;
    })
    .join('');
  return svg(section, width, height, bars, lang);
}

function svg(section: ReportSection, width: number, height: number, body: string, lang: ReportLanguage): string {
  const title = escapeHtml(sectionTitle(lang, section.key));
  return `<svg class="chart" data-chart="${section.key}" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
}

function table(section: ReportSection, lang: ReportLanguage): string {
  const t = TEXT[lang];
  const rows = section.rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.label)}</td><td class="n">${r.count === null ? `<em>${t.withheld}</em>` : r.count}</td></tr>`,
    )
    .join('');
  return `<table data-table="${section.key}"><thead><tr><th>${t.label}</th><th class="n">${t.count}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderMonthlyReportHtml(report: MonthlyReport): string {
  const t = TEXT[report.lang];
  const sections = report.sections
    .map(
      (s) =>
        `<section><h2>${escapeHtml(t[s.key])}</h2>${s.key === 'trend' ? columnChart(s, report.lang) : barChart(s, report.lang)}${table(s, report.lang)}<p class="source">${escapeHtml(s.source)}</p></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${report.lang}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(t.title)} ${report.month}</title>
<style>
  body { font-family: "Noto Sans Lao", "Phetsarath OT", "Noto Sans", Arial, sans-serif; margin: 2em; color: #222; }
  h1 { font-size: 1.5em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
  table { border-collapse: collapse; margin-top: .5em; } td, th { border: 1px solid #ccc; padding: 2px 8px; }
  .n { text-align: right; } .source, .note { font-size: .8em; color: #555; }
  section { page-break-inside: avoid; }
  @media print { body { margin: 1cm; } }
</style>
</head>
<body>
<h1>${escapeHtml(t.title)}: ${report.month}</h1>
<p>${escapeHtml(t.scope[report.scope as keyof typeof t.scope] ?? report.scope)}. ${escapeHtml(t.generated)} ${escapeHtml(report.generatedAt)}.</p>
<p class="note">${escapeHtml(t.note(report.minCellSize))}</p>
${sections}
</body>
</html>
`;
}

const csvField = (v: string) => (/[",\n\r]/.test(v) || /^[=+\-@\t]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The same tables as CSV: one line per row of every section; an empty count is withheld. */
export function renderMonthlyReportCsv(report: MonthlyReport): string {
  const lines = ['month,section,label,count,withheld'];
  for (const s of report.sections)
    for (const r of s.rows)
      lines.push(
        [report.month, s.key, r.label, r.count === null ? '' : String(r.count), r.count === null ? 'true' : 'false']
          .map(csvField)
          .join(','),
      );
  return `${lines.join('\r\n')}\r\n`;
}
