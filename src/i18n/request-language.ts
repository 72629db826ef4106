import type { Request } from 'express';
import { isLanguage, LANGUAGES, type Language } from './messages.js';

/**
 * The language a request asks for: the `lang` query parameter (for links and downloads a browser
 * opens, which cannot set headers), else Accept-Language (`lo`, `lo-LA`, q-values), else English.
 */
export function languageOf(req: Pick<Request, 'query' | 'acceptsLanguages'> | undefined): Language {
  if (!req) return 'en';
  const asked = req.query?.lang;
  if (typeof asked === 'string') {
    const base = asked.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  const accepted = req.acceptsLanguages?.([...LANGUAGES]);
  return isLanguage(accepted) ? accepted : 'en';
}
