import type { WorkKind, WorkListResponse } from '../../work-list/dto/work-list.dto.js';
import type { Language, NotificationKind } from '../notification-kinds.js';
import { EN } from './templates/en.js';
import { LO } from './templates/lo.js';
import type { EmailTemplates } from './templates/template-types.js';

export const TEMPLATES: Record<Language, EmailTemplates> = { en: EN, lo: LO };

/** A rendered message: plain text only (no HTML to sanitise, nothing remote to load). */
export interface RenderedEmail {
  subject: string;
  text: string;
}

/**
 * What a parameter may hold: ids, case numbers, codes, dates, counts and the front-end URL.
 * A name would not fit in Lao script, and neither would an address with its @, or free text
 * with its punctuation; the renderer refuses the message rather than send one.
 */
const SAFE_VALUE = /^[A-Za-z0-9 _:+.,\-/]{0,200}$/;

export class UnsafeEmailValue extends Error {
  constructor(readonly param: string) {
    super(`Refusing to put the value of "${param}" into an e-mail`);
    this.name = 'UnsafeEmailValue';
  }
}

export function fill(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{\{([a-zA-Z]+)\}\}/g, (_m, name: string) => {
    const value = params[name];
    const text = value === null || value === undefined ? '-' : String(value);
    if (!SAFE_VALUE.test(text)) throw new UnsafeEmailValue(name);
    return text;
  });
}

const withFooter = (t: EmailTemplates, lines: string[]) => [...lines, '', '--', t.footer].join('\n');

export function renderTestEmail(language: Language): RenderedEmail {
  const t = TEMPLATES[language];
  return { subject: t.test.subject, text: withFooter(t, [t.test.body]) };
}

/** How many lines of each section a digest lists; the count says how many there are. */
export const DIGEST_LINES_PER_SECTION = 20;

interface SectionItems {
  count: number;
  lines: { params: Record<string, unknown>; path: string }[];
}

/** A section's items as template parameters and a front-end path each. */
function sectionItems(list: WorkListResponse, kind: WorkKind, localTime: (iso: string) => string): SectionItems {
  const c = list.counts;
  switch (kind) {
    case 'referrals_to_answer':
      return {
        count: c.referralsToAnswer,
        lines: list.referralsToAnswer.map((r) => ({
          params: { caseNumber: r.caseNumber, urgency: r.urgency, purpose: r.purpose, dueBy: localTime(r.dueBy) },
          path: `/referrals/${r.id}`,
        })),
      };
    case 'closures_to_approve':
      return {
        count: c.closuresToApprove,
        lines: list.closuresToApprove.map((r) => ({
          params: { caseNumber: r.caseNumber, reason: r.reason },
          path: `/cases/${r.caseId}`,
        })),
      };
    case 'identifications_to_decide':
      return {
        count: c.identificationsToDecide,
        lines: list.identificationsToDecide.map((r) => ({
          params: { screeningId: r.id, suggestedOutcome: r.suggestedOutcome },
          path: `/screenings/${r.id}`,
        })),
      };
    case 'follow_ups_overdue':
      return {
        count: c.followUpsOverdue,
        lines: list.followUpsOverdue.map((r) => ({
          params: { caseNumber: r.caseNumber, dueOn: r.dueOn, daysOverdue: r.daysOverdue },
          path: `/cases/${r.caseId}`,
        })),
      };
    case 'follow_ups_due_this_week':
      return {
        count: c.followUpsDueThisWeek,
        lines: list.followUpsDueThisWeek.map((r) => ({
          params: { caseNumber: r.caseNumber, dueOn: r.dueOn },
          path: `/cases/${r.caseId}`,
        })),
      };
    case 'returnees_expected':
      return {
        count: c.returneesExpected,
        lines: list.returneesExpected.map((r) => ({
          params: {
            noticeId: r.id,
            arrivalsExpected: r.arrivalsExpected,
            expectedOn: r.expectedOn,
            borderCrossingCode: r.borderCrossingCode,
          },
          path: `/return-notices/${r.id}`,
        })),
      };
  }
}

/**
 * The daily digest: the chosen sections of the user's work list, each with its count and its
 * first lines (case number and action), and a link per line when a front-end is configured.
 * Null when nothing in the chosen sections needs the user (no empty digests).
 */
export function renderDigest(
  language: Language,
  date: string,
  list: WorkListResponse,
  sections: readonly WorkKind[],
  frontendBaseUrl: string | undefined,
  localTime: (iso: string) => string,
): (RenderedEmail & { items: number }) | null {
  const t = TEMPLATES[language];
  const lines: string[] = [fill(t.digest.intro, { date })];
  let total = 0;
  for (const kind of sections) {
    const { count, lines: items } = sectionItems(list, kind, localTime);
    if (count === 0) continue;
    total += count;
    lines.push('', fill(t.digest.sections[kind].heading, { count }));
    for (const item of items.slice(0, DIGEST_LINES_PER_SECTION)) {
      lines.push(`- ${fill(t.digest.sections[kind].line, item.params)}`);
      if (frontendBaseUrl) lines.push(`  ${fill(t.link, { url: `${frontendBaseUrl}${item.path}` })}`);
    }
    if (count > Math.min(items.length, DIGEST_LINES_PER_SECTION))
      lines.push(fill(t.digest.more, { count: count - Math.min(items.length, DIGEST_LINES_PER_SECTION) }));
  }
  if (total === 0) return null;
  if (frontendBaseUrl) lines.push('', fill(t.link, { url: `${frontendBaseUrl}/me/tasks` }));
  return { subject: fill(t.digest.subject, { date, total }), text: withFooter(t, lines), items: total };
}

/** One immediate alert: the case number and the action, a link when a front-end is configured. */
export function renderAlert(
  language: Language,
  kind: NotificationKind,
  params: Record<string, unknown>,
  url: string | undefined,
): RenderedEmail {
  const t = TEMPLATES[language];
  // The action is template text already filled, so it goes in as it is; the rest is filled as usual.
  const action = fill(t.alert.kinds[kind], params);
  const withAction = (template: string) =>
    template
      .split('{{action}}')
      .map((part) => fill(part, params))
      .join(action);
  const lines = [withAction(t.alert.intro)];
  if (url) lines.push('', fill(t.link, { url }));
  return {
    subject: withAction(params.caseNumber ? t.alert.subject : t.alert.subjectWithoutCase),
    text: withFooter(t, lines),
  };
}
