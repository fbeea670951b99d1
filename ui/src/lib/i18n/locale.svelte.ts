// The current UI locale as Svelte state, persisted in localStorage, with `t()` bound to it for components.
import { format, initialLocale, type Locale } from './i18n.ts';
import type { MessageKey } from './en.ts';

const STORAGE_KEY = 'api-radar.locale';

const state = $state({ locale: initialLocale(globalThis.localStorage?.getItem(STORAGE_KEY) ?? null, globalThis.navigator?.languages ?? []) });

/** The current locale (reactive). */
export function currentLocale(): Locale {
  return state.locale;
}

/** Switches the locale and remembers it. */
export function setLocale(locale: Locale): void {
  state.locale = locale;
  globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

/** Formats `key` in the current locale (reactive inside components). */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return format(state.locale, key, params);
}
