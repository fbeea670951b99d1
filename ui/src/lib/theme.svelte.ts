// Light/dark theme as Svelte state: follows the system until the user picks one, remembered in localStorage; applied
// as data-theme on <html> so styles/app.css switches its colour variables.
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'api-radar.theme';

function systemTheme(): Theme {
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
const state = $state({ theme: saved === 'dark' || saved === 'light' ? (saved as Theme) : systemTheme() });

/** The current theme (reactive). */
export function currentTheme(): Theme {
  return state.theme;
}

/** Applies `theme` and remembers it. */
export function setTheme(theme: Theme): void {
  state.theme = theme;
  globalThis.localStorage?.setItem(STORAGE_KEY, theme);
  document.documentElement.dataset.theme = theme;
}

/** Applies the current theme to the document (call once at start-up). */
export function applyTheme(): void {
  document.documentElement.dataset.theme = state.theme;
}
