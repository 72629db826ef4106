import type { WorkKind } from '../../../work-list/dto/work-list.dto.js';
import type { NotificationKind } from '../../notification-kinds.js';

/**
 * The text of every message, per language. `{{name}}` is replaced by a parameter: ids, case
 * numbers, codes, dates and counts only (the renderer refuses anything else).
 */
export interface EmailTemplates {
  /** Closing lines of every message. */
  footer: string;
  /** A link to the record in the front-end, when FRONTEND_BASE_URL is set. */
  link: string;
  test: { subject: string; body: string };
  digest: {
    subject: string;
    intro: string;
    /** More items than the message lists. */
    more: string;
    sections: Record<WorkKind, { heading: string; line: string }>;
  };
  /** One immediate alert: the subject and the one line saying what happened to which case. */
  alert: { subject: string; subjectWithoutCase: string; intro: string; kinds: Record<NotificationKind, string> };
}
