import i18next, { type i18n as I18n } from 'i18next';
import en from './locales/en.json' with { type: 'json' };
import lo from './locales/lo.json' with { type: 'json' };

/** The languages the API speaks. English is the fallback and the language of the Swagger descriptions. */
export const LANGUAGES = ['en', 'lo'] as const;
export type Language = (typeof LANGUAGES)[number];
export const isLanguage = (value: unknown): value is Language => (LANGUAGES as readonly unknown[]).includes(value);

/** The message catalogues as shipped: one JSON file per language, the same keys in each. */
export const CATALOGUES: Readonly<Record<Language, Record<string, Record<string, string>>>> = { en, lo };

/**
 * One i18next instance for the process. Keys are flat within a namespace (an English detail text
 * is itself a key, so neither `.` nor `:` separates anything); placeholders are `{name}`, the
 * form translators see in the export.
 */
const messages: I18n = i18next.createInstance();
void messages.init({
  resources: Object.fromEntries(Object.entries(CATALOGUES).map(([lang, namespaces]) => [lang, namespaces])),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  ns: Object.keys(en),
  defaultNS: 'errors',
  keySeparator: false,
  nsSeparator: false,
  initAsync: false,
  returnNull: false,
  interpolation: { escapeValue: false, prefix: '{', suffix: '}' },
});

/** A message in a language; English when the language lacks it, undefined when neither has it. */
export function message(
  lang: Language,
  namespace: string,
  key: string,
  params: Record<string, string | number> = {},
): string | undefined {
  if (!messages.exists(key, { ns: namespace, lng: lang })) return undefined;
  return messages.t(key, { ns: namespace, lng: lang, ...params });
}

/** A verified translation imported through the API replaces the shipped one in this process. */
export function overrideMessage(lang: Language, namespace: string, key: string, text: string): void {
  messages.addResource(lang, namespace, key, text);
}

/** The `{name}` placeholders of a text, sorted: an import refuses a translation whose set differs. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))].sort();
}
