// Message formatting for the UI: catalogue lookup by locale with {placeholder} substitution. Values are inserted as
// text (the result is rendered with text interpolation, never as HTML).
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

/** Locales the UI ships. */
export const LOCALES = ['zh-CN', 'en'] as const;

/** One of {@link LOCALES}. */
export type Locale = (typeof LOCALES)[number];

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

/** Every placeholder name in `template` ({name}), in order. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((m) => m[1]);
}

/** Formats `key` in `locale`, replacing {name} by `params[name]` (missing params are left visible). */
export function format(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = CATALOGUES[locale][key] ?? en[key] ?? key;
  return template.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * `key` as a key of the catalogue, or null when the catalogue has no such message (a code from a newer service, a
 * user's own name): for texts that fall back to the service's words instead of showing a key.
 */
export function messageKey(key: string): MessageKey | null {
  return Object.hasOwn(en, key) ? (key as MessageKey) : null;
}

/** The locale to start with: a saved choice, else the browser's language (Chinese → zh-CN), else zh-CN. */
export function initialLocale(saved: string | null, browserLanguages: readonly string[]): Locale {
  if (saved === 'zh-CN' || saved === 'en') return saved;
  for (const l of browserLanguages) {
    const lower = l.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

/** The catalogue of a locale (for tests and tooling). */
export function catalogue(locale: Locale): Readonly<Record<MessageKey, string>> {
  return CATALOGUES[locale];
}
